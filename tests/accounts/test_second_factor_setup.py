"""Setting up the authenticator app goes through services (one transaction each, audited)."""

from __future__ import annotations

import pytest

from samen.accounts import services
from samen.audit.models import AuditRegel

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]


def test_the_pending_device_is_made_once_and_recorded(make_user):
    user = make_user("programmabureau", tweestaps=False)
    device = services.pending_device(user)
    assert services.pending_device(user) == device and not device.confirmed
    rows = AuditRegel.objects.filter(object_type="otp_totp.totpdevice", object_id=str(device.pk))
    assert rows.count() == 1
    assert device.key not in str(rows.get().na)  # the secret is never in the trail


def test_a_wrong_code_confirms_nothing(make_user):
    user = make_user("programmabureau", tweestaps=False)
    device = services.pending_device(user)
    assert services.confirm_device(user, device, "000000") is False
    assert services.confirm_device(user, device, "") is False
    device.refresh_from_db()
    assert not device.confirmed


def test_the_right_code_confirms_and_is_recorded(make_user):
    from django_otp.oath import totp

    user = make_user("programmabureau", tweestaps=False)
    device = services.pending_device(user)
    code = f"{totp(device.bin_key, step=device.step, digits=device.digits):06d}"
    assert services.confirm_device(user, device, code) is True
    device.refresh_from_db()
    assert device.confirmed
    assert AuditRegel.objects.filter(toelichting="tweede factor (TOTP) ingesteld").count() == 1
