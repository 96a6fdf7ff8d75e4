"""API authentication of machine clients: ``Authorization: Token samen_…`` (``Bearer`` too)."""

from __future__ import annotations

import logging

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from samen.accounts import tokens

log = logging.getLogger(__name__)
KEYWORDS = {b"token", b"bearer"}
REFUSED = "Ongeldig, verlopen of ingetrokken API-token."


class ApiTokenAuthentication(BaseAuthentication):
    """The token's client account becomes ``request.user`` (its role and municipality are the
    token's scope); ``request.auth`` is the ApiToken. Each use is recorded (see tokens.py)."""

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() not in KEYWORDS:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(
                "Ongeldige Authorization-header: verwacht 'Token <token>'."
            )
        try:
            raw = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(REFUSED) from None
        token = tokens.check(raw)
        if token is None:
            log.warning(
                "API-token geweigerd (prefix %s) van %s",
                raw[6:14] if raw.startswith("samen_") else "?",
                request.META.get("REMOTE_ADDR", "?"),
            )
            raise exceptions.AuthenticationFailed(REFUSED)
        tokens.record_use(token, request.method, request.get_full_path())
        return token.gebruiker, token

    def authenticate_header(self, request):
        return 'Token realm="Samen API"'


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = ApiTokenAuthentication
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": (
                "API-token van een machine-client: `Authorization: Token samen_…` "
                "(of `Bearer samen_…`). Tokens worden uitgegeven met `samen token-aanmaken`, "
                "horen bij één rol (en voor gemeenten bij één gemeente), verlopen en kunnen "
                "worden ingetrokken."
            ),
        }
