"""Every sign-in is in the audit trail, with how it was done."""

from __future__ import annotations

from django.contrib.auth import BACKEND_SESSION_KEY
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from samen.accounts.middleware import OIDC_BACKEND
from samen.accounts.models import vereist_tweestaps
from samen.audit.models import Actie
from samen.audit.services import record


@receiver(user_logged_in)
def record_login(sender, request=None, user=None, **kwargs):
    session = getattr(request, "session", None)
    backend = session.get(BACKEND_SESSION_KEY, "") if session is not None else ""
    if backend == OIDC_BACKEND:
        how = "ingelogd via OpenID Connect"
    else:
        how = "ingelogd met wachtwoord"
        if vereist_tweestaps(user):
            how += "; tweede factor (TOTP) volgt"
    record(Actie.INLOGGEN, user, user=user, toelichting=how)
