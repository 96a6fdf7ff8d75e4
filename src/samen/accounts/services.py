"""State changes of accounts: the second factor (the authenticator app and its recovery codes).

(API tokens live in ``tokens.py``; sign-in itself in ``views.py``.)
"""

from __future__ import annotations

import hashlib
import secrets

from django.db import transaction
from django.utils import timezone

from samen.accounts.models import Herstelcode
from samen.accounts.queries import unused
from samen.audit.models import Actie
from samen.audit.services import record

AANTAL_HERSTELCODES = 10
# Crockford-like alphabet without 0/O and 1/I/L, so a code read from paper is typed right.
ALFABET = "23456789abcdefghjkmnpqrstuvwxyz"
TEKENS = 16  # 16 x log2(31) = 79 bits


def _normalise(code: str) -> str:
    """What the user typed, without spaces, dashes and case."""
    return "".join(ch for ch in code.lower() if ch.isascii() and ch.isalnum())


def _hash(code: str) -> str:
    return hashlib.sha256(_normalise(code).encode("ascii", "ignore")).hexdigest()


def _format(raw: str) -> str:
    return "-".join(raw[i : i + 4] for i in range(0, len(raw), 4))


@transaction.atomic
def new_recovery_codes(user, door=None) -> list[str]:
    """Replace the user's recovery codes by ten new ones and return them (shown once)."""
    weg = Herstelcode.objects.filter(gebruiker=user, gebruikt_op__isnull=True).count()
    Herstelcode.objects.filter(gebruiker=user).delete()
    codes = [
        _format("".join(secrets.choice(ALFABET) for _ in range(TEKENS)))
        for _ in range(AANTAL_HERSTELCODES)
    ]
    Herstelcode.objects.bulk_create(
        [Herstelcode(gebruiker=user, code_hash=_hash(c)) for c in codes]
    )
    record(
        Actie.AANMAKEN,
        user,
        voor={"ongebruikte herstelcodes": weg},
        na={"ongebruikte herstelcodes": len(codes)},
        user=door or user,
        toelichting="herstelcodes (tweede factor) aangemaakt",
    )
    return codes


@transaction.atomic
def use_recovery_code(user, code: str) -> int | None:
    """Spend one recovery code of the user: the number still unused afterwards, or None when
    the code is not one of the user's unused codes (nothing changes then)."""
    if len(_normalise(code)) != TEKENS:
        return None
    row = (
        Herstelcode.objects.select_for_update()
        .filter(gebruiker=user, code_hash=_hash(code), gebruikt_op__isnull=True)
        .first()
    )
    if row is None:
        return None
    row.gebruikt_op = timezone.now()
    row.save(update_fields=["gebruikt_op"])
    over = unused(user)
    record(
        Actie.INLOGGEN,
        user,
        user=user,
        toelichting=f"tweede factor met een herstelcode; nog {over} ongebruikt",
    )
    return over


@transaction.atomic
def remove_recovery_codes(user, door=None) -> int:
    """Remove all recovery codes of the user (with the app, when the phone is lost)."""
    aantal, _ = Herstelcode.objects.filter(gebruiker=user).delete()
    if aantal:
        record(
            Actie.VERWIJDEREN,
            user,
            voor={"herstelcodes": aantal},
            user=door,
            toelichting="herstelcodes (tweede factor) verwijderd",
        )
    return aantal


# --- the authenticator app (TOTP) -------------------------------------------------------------


@transaction.atomic
def pending_device(user):
    """The authenticator-app device being set up for ``user``: the unconfirmed one, or a new
    secret (recorded; the secret itself is never in the trail)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator-app", confirmed=False)
        record(
            Actie.AANMAKEN,
            device,
            na={"gebruiker": user.get_username(), "naam": device.name, "bevestigd": False},
            user=user,
            toelichting="tweede factor (TOTP) voorbereid",
        )
    return device


@transaction.atomic
def confirm_device(user, device, code: str) -> bool:
    """Confirm the authenticator app with one of its codes (throttled by django-otp); False when
    the code is wrong or too many were tried."""
    allowed, _info = device.verify_is_allowed()
    if not (allowed and code and device.verify_token(code)):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    record(
        Actie.AANMAKEN,
        device,
        na={"gebruiker": user.get_username(), "naam": device.name},
        user=user,
        toelichting="tweede factor (TOTP) ingesteld",
    )
    return True


# --- accounts from the identity provider (OpenID Connect) ------------------------------------


@transaction.atomic
def create_account_from_provider(
    username: str, *, email: str, first_name: str, last_name: str, rol: str, gemeente=None
):
    """The account of a person the identity provider signed in for the first time (no
    password: only the provider signs it in). Raises django's ValidationError when the
    details do not make a valid account."""
    from samen.accounts.models import Gebruiker

    user = Gebruiker(
        username=username,
        email=email,
        first_name=first_name,
        last_name=last_name,
        rol=rol,
        gemeente=gemeente,
    )
    user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    record(
        Actie.AANMAKEN,
        user,
        na={"gebruikersnaam": username, "rol": rol, "gemeente": gemeente},
        user=user,
        toelichting="account aangemaakt bij eerste aanmelding via OpenID Connect",
    )
    return user


@transaction.atomic
def set_role_from_provider(user, rol: str, gemeente=None):
    """The role (and a contact's municipality) as the identity provider says at sign-in; nothing
    is stored or recorded when they are unchanged. Raises django's ValidationError when the
    combination is not a valid account."""
    if (user.rol, user.gemeente_id) == (rol, gemeente.pk if gemeente else None):
        return user
    voor = {"rol": user.rol, "gemeente": user.gemeente.code if user.gemeente else None}
    user.rol, user.gemeente = rol, gemeente
    user.full_clean(exclude=["password"])
    user.save()
    record(
        Actie.WIJZIGEN,
        user,
        voor=voor,
        na={"rol": rol, "gemeente": gemeente.code if gemeente else None},
        user=user,
        toelichting="rol bijgewerkt uit OpenID Connect-claims",
    )
    return user
