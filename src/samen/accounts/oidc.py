"""OpenID Connect sign-in (mozilla-django-oidc) for staff and municipality contacts.

The account is found by one claim (SAMEN_OIDC_MATCH_CLAIM: ``email`` against the e-mail address,
any other claim against the user name). When SAMEN_OIDC_ROLE_MAPPING is set, the provider decides
the role at every sign-in: the groups in SAMEN_OIDC_ROLE_CLAIM are mapped (first match in the
mapping wins); a municipality contact's municipality comes from SAMEN_OIDC_GEMEENTE_CLAIM. A user
whose groups map to no role is refused. Unknown users are refused unless SAMEN_OIDC_CREATE_USERS
is set (and then only with a mapped role). API-client accounts never sign in this way.

Besides the library's checks (RS256 signature against the provider's JWKS, nonce, PKCE, expiry)
every ID token must name this client in ``aud`` and, when SAMEN_OIDC_ISSUER is set, the
provider in ``iss``.
"""

from __future__ import annotations

import logging

import jwt
from django.conf import settings
from django.core.exceptions import PermissionDenied, SuspiciousOperation, ValidationError
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from samen.accounts import services
from samen.accounts.models import Gebruiker, Rol

log = logging.getLogger(__name__)


def oidc_enabled() -> bool:
    return bool(
        settings.OIDC_RP_CLIENT_ID
        and settings.OIDC_OP_AUTHORIZATION_ENDPOINT
        and settings.OIDC_OP_TOKEN_ENDPOINT
        and settings.OIDC_OP_USER_ENDPOINT
        and settings.OIDC_OP_JWKS_ENDPOINT
    )


def _values(claim) -> list[str]:
    if claim is None:
        return []
    if isinstance(claim, list | tuple):
        return [str(v) for v in claim]
    return [str(claim)]


def role_from_claims(claims: dict) -> str | None:
    groups = set(_values(claims.get(settings.OIDC_ROLE_CLAIM)))
    for group, rol in settings.OIDC_ROLE_MAPPING.items():
        if group in groups and rol in Rol.values:
            return rol
    return None


class Refused(SuspiciousOperation):
    """The provider vouched for the person, but Samen does not let them in (logged)."""


class SamenOIDCBackend(OIDCAuthenticationBackend):
    def authenticate(self, request, **kwargs):
        if not oidc_enabled() or request is None or "code" not in request.GET:
            return None
        return super().authenticate(request, **kwargs)

    # --- the ID token -------------------------------------------------------------------------
    def verify_token(self, token, **kwargs):
        try:
            payload = super().verify_token(token, **kwargs)
        except (SuspiciousOperation, jwt.InvalidTokenError) as exc:
            log.warning("OIDC-token geweigerd: %s", exc)
            raise PermissionDenied(str(exc)) from exc
        audiences = _values(payload.get("aud"))
        if self.OIDC_RP_CLIENT_ID not in audiences:
            log.warning("OIDC-token geweigerd: aud %s is niet deze client", audiences)
            raise PermissionDenied("ID token for another client")
        if settings.OIDC_OP_ISSUER and payload.get("iss") != settings.OIDC_OP_ISSUER:
            log.warning("OIDC-token geweigerd: iss %r", payload.get("iss"))
            raise PermissionDenied("ID token of another issuer")
        if "exp" not in payload:
            raise PermissionDenied("ID token without expiry")
        return payload

    # --- finding, creating and updating the account --------------------------------------------
    def verify_claims(self, claims):
        return bool(claims.get(settings.OIDC_MATCH_CLAIM))

    def describe_user_by_claims(self, claims):
        return f"{settings.OIDC_MATCH_CLAIM} {claims.get(settings.OIDC_MATCH_CLAIM)}"

    def filter_users_by_claims(self, claims):
        value = str(claims.get(settings.OIDC_MATCH_CLAIM) or "").strip()
        if not value:
            return Gebruiker.objects.none()
        users = Gebruiker.objects.filter(api_client=False)
        if settings.OIDC_MATCH_CLAIM == "email":
            return users.filter(email__iexact=value)
        return users.filter(username=value)

    def _scope(self, claims) -> tuple[str, object] | None:
        """(rol, gemeente) from the claims, or None when the mapping is not in use."""
        if not settings.OIDC_ROLE_MAPPING:
            return None
        rol = role_from_claims(claims)
        if rol is None:
            raise Refused(f"geen rol voor {self.describe_user_by_claims(claims)}")
        gemeente = None
        if rol == Rol.GEMEENTE:
            from samen.gemeenten.models import Gemeente

            code = str(claims.get(settings.OIDC_GEMEENTE_CLAIM) or "").strip().upper()
            gemeente = Gemeente.objects.filter(code=code).first() if code else None
            if gemeente is None:
                raise Refused(f"geen geldige gemeentecode ({code!r}) voor contactpersoon")
        return rol, gemeente

    def create_user(self, claims):
        scope = self._scope(claims)
        if scope is None:
            raise Refused("onbekende gebruiker en geen rollentabel (SAMEN_OIDC_ROLE_MAPPING)")
        rol, gemeente = scope
        value = str(claims.get(settings.OIDC_MATCH_CLAIM)).strip()
        username = value[:150]
        if Gebruiker.objects.filter(username=username).exists():
            raise Refused(f"gebruikersnaam {username!r} is al in gebruik")
        try:
            return services.create_account_from_provider(
                username,
                email=str(claims.get("email") or "")[:254],
                first_name=str(claims.get("given_name") or "")[:150],
                last_name=str(claims.get("family_name") or "")[:150],
                rol=rol,
                gemeente=gemeente,
            )
        except ValidationError as exc:
            raise Refused("; ".join(exc.messages)) from exc

    def update_user(self, user, claims):
        scope = self._scope(claims)
        if scope is None:
            return user
        rol, gemeente = scope
        try:
            return services.set_role_from_provider(user, rol, gemeente)
        except ValidationError as exc:
            raise Refused("; ".join(exc.messages)) from exc

    def get_or_create_user(self, access_token, id_token, payload):
        user = super().get_or_create_user(access_token, id_token, payload)
        if user is None:
            log.warning("OIDC: onbekende gebruiker geweigerd (%s)", payload.get("sub"))
        return user
