"""API tokens of machine clients: issue, check, record use, revoke.

A token reads ``samen_<prefix>_<secret>``: the prefix (8 hex characters) is stored in clear to
find the row and to name the token in lists, the audit trail and `samen token-intrekken`; of the
whole token only its SHA-256 hash is stored, compared in constant time. The plain token is shown
once, when it is issued.

Use is recorded in the audit trail (channel API, user the client account): the first request of
each day per token (action ``inloggen``) and every request that may change something
(POST, PUT, PATCH, DELETE; action ``overig``, with method and path), whether or not it succeeds.
The changes themselves are recorded by the services, as for people.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify

from samen.accounts.models import ApiToken, Gebruiker, Organisatie, Rol
from samen.audit.models import Actie, Kanaal
from samen.audit.services import record

TOKEN_RE = re.compile(r"^samen_(?P<prefix>[0-9a-f]{8})_(?P<secret>[A-Za-z0-9_-]{43})$")
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# laatst_gebruikt_op is written at most this often per token (one UPDATE, not one per request).
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


class TokenFout(ValueError):
    """A token cannot be issued or revoked as asked."""


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def _client_account(naam: str, rol: str, gemeente, organisatie) -> Gebruiker:
    """The client account named after the client; a second token for the same client (to rotate)
    reuses it, but only with the same scope."""
    username = "api-" + (slugify(naam)[:140] or "client")
    account = Gebruiker.objects.filter(username=username).first()
    if account is None:
        account = Gebruiker(
            username=username,
            rol=rol,
            gemeente=gemeente,
            organisatie=organisatie,
            api_client=True,
            first_name=naam[:150],
        )
        account.set_unusable_password()
        account.full_clean(exclude=["password"])
        account.save()
        return account
    if not account.api_client:
        raise TokenFout(f"{username} is het account van een persoon, geen API-client.")
    if (account.rol, account.gemeente_id, account.organisatie_id) != (
        rol,
        gemeente.pk if gemeente else None,
        organisatie.pk if organisatie else None,
    ):
        raise TokenFout(
            f"Client {naam!r} bestaat al met een andere rol, gemeente of organisatie; "
            "kies een andere naam."
        )
    return account


@transaction.atomic
def issue(
    naam: str,
    rol: str,
    *,
    gemeente: str | None = None,
    organisatie: str | None = None,
    dagen: int = 365,
    door=None,
    nu: dt.datetime | None = None,
) -> tuple[ApiToken, str]:
    """Issue a token; returns the row and the plain token (show it once, it is not stored)."""
    from django.core.exceptions import ValidationError

    from samen.gemeenten.models import Gemeente

    naam = naam.strip()
    if not naam:
        raise TokenFout("Geef de client een naam.")
    if rol not in Rol.values:
        raise TokenFout(f"Onbekende rol {rol!r}; kies uit {', '.join(Rol.values)}.")
    if not 1 <= dagen <= 3 * 366:
        raise TokenFout("Een token is 1 tot 1098 dagen geldig.")
    gemeente_obj = None
    if gemeente:
        gemeente_obj = Gemeente.objects.filter(code=gemeente.strip().upper()).first()
        if gemeente_obj is None:
            raise TokenFout(f"Onbekende gemeentecode {gemeente!r}.")
    organisatie_obj = None
    if organisatie:
        organisatie_obj = (
            Organisatie.objects.filter(afkorting__iexact=organisatie).first()
            or Organisatie.objects.filter(naam__iexact=organisatie).first()
        )
        if organisatie_obj is None:
            raise TokenFout(f"Onbekende organisatie {organisatie!r}.")
    try:
        account = _client_account(naam, rol, gemeente_obj, organisatie_obj)
    except ValidationError as exc:
        raise TokenFout("; ".join(exc.messages)) from exc

    nu = nu or timezone.now()
    while True:
        prefix = secrets.token_hex(4)
        if not ApiToken.objects.filter(prefix=prefix).exists():
            break
    raw = f"samen_{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken.objects.create(
        naam=naam,
        prefix=prefix,
        sleutel_hash=hash_token(raw),
        gebruiker=account,
        aangemaakt_door=door.get_username() if door is not None else "",
        verloopt_op=nu + dt.timedelta(days=dagen),
    )
    record(
        Actie.AANMAKEN,
        token,
        na={
            "naam": naam,
            "prefix": prefix,
            "client": account.username,
            "rol": rol,
            "gemeente": gemeente_obj.code if gemeente_obj else None,
            "organisatie": str(organisatie_obj) if organisatie_obj else None,
            "verloopt_op": token.verloopt_op,
        },
        user=door,
    )
    return token, raw


@transaction.atomic
def revoke(prefix: str, *, door=None, nu: dt.datetime | None = None) -> ApiToken:
    token = ApiToken.objects.select_for_update().filter(prefix=prefix.strip()).first()
    if token is None:
        raise TokenFout(f"Geen token met prefix {prefix!r}.")
    if token.ingetrokken_op is not None:
        raise TokenFout(f"Token {prefix} is al ingetrokken op {token.ingetrokken_op:%Y-%m-%d}.")
    token.ingetrokken_op = nu or timezone.now()
    token.save(update_fields=["ingetrokken_op"])
    record(
        Actie.WIJZIGEN,
        token,
        voor={"ingetrokken_op": None},
        na={"ingetrokken_op": token.ingetrokken_op},
        toelichting="API-token ingetrokken",
        user=door,
    )
    return token


def check(raw: str, *, nu: dt.datetime | None = None) -> ApiToken | None:
    """The valid (known, not expired, not revoked, active client) token, or None."""
    match = TOKEN_RE.match(raw or "")
    if match is None:
        return None
    token = (
        ApiToken.objects.select_related("gebruiker", "gebruiker__gemeente")
        .filter(prefix=match["prefix"])
        .first()
    )
    if token is None:
        hmac.compare_digest(hash_token(raw), "0" * 64)  # same work for unknown prefixes
        return None
    if not hmac.compare_digest(hash_token(raw), token.sleutel_hash):
        return None
    if not token.geldig(nu or timezone.now()) or not token.gebruiker.is_active:
        return None
    return token


def record_use(token: ApiToken, method: str, path: str, *, nu: dt.datetime | None = None) -> None:
    """Audit the use (first request of the day, every write) and keep laatst_gebruikt_op."""
    nu = nu or timezone.now()
    vorige = token.laatst_gebruikt_op
    begin_vandaag = timezone.make_aware(
        dt.datetime.combine(timezone.localdate(nu), dt.time.min), timezone.get_current_timezone()
    )
    if vorige is None or vorige < begin_vandaag:
        # Of concurrent first requests only the one whose UPDATE wins records the first use.
        won = (
            ApiToken.objects.filter(pk=token.pk)
            .filter(Q(laatst_gebruikt_op__isnull=True) | Q(laatst_gebruikt_op__lt=begin_vandaag))
            .update(laatst_gebruikt_op=nu)
        )
        if won:
            record(
                Actie.INLOGGEN,
                token,
                user=token.gebruiker,
                kanaal=Kanaal.API,
                toelichting=f"Eerste gebruik vandaag van API-token {token.prefix}: "
                f"{method.upper()} {path[:500]}",
            )
        token.laatst_gebruikt_op = nu
    elif nu - vorige >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(laatst_gebruikt_op=nu)
        token.laatst_gebruikt_op = nu
    if method.upper() not in SAFE_METHODS:
        record(
            Actie.OVERIG,
            token,
            user=token.gebruiker,
            kanaal=Kanaal.API,
            toelichting=f"{method.upper()} {path[:500]} met API-token {token.prefix}",
        )
