"""Staff who signed in with a local password must set up and use a second factor (TOTP) first.

After OTPMiddleware (request.user.is_verified()). A session of a staff member (a role in
ADMIN_ROLES, or a superuser) that was opened with a password and has not passed TOTP yet can only
reach the sign-in pages (to set up or enter the code), sign out and static files; every other page,
the admin included, redirects to the TOTP step, and on the API such a session is no credential at
all (the request is anonymous). Sessions opened through OpenID Connect are left to the identity
provider's own multi-factor policy.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponseRedirect
from django.urls import reverse

from samen.accounts.models import vereist_tweestaps

OIDC_BACKEND = "samen.accounts.oidc.SamenOIDCBackend"
OPEN_PREFIXES = ("/inloggen", "/uitloggen")


def needs_second_factor(request) -> bool:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not vereist_tweestaps(user):
        return False
    if request.session.get(BACKEND_SESSION_KEY) == OIDC_BACKEND:
        return False
    return not user.is_verified()


def has_device(user) -> bool:
    from django_otp import devices_for_user

    return any(True for _ in devices_for_user(user, confirmed=True))


class TweestapsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path
        if path.startswith(OPEN_PREFIXES) or path.startswith(settings.STATIC_URL):
            return self.get_response(request)
        if needs_second_factor(request):
            if path.startswith("/api/"):
                request.user = AnonymousUser()
            else:
                name = "accounts:tweestaps"
                if not has_device(request.user):
                    name = "accounts:tweestaps-instellen"
                query = urlencode({"next": request.get_full_path()})
                return HttpResponseRedirect(f"{reverse(name)}?{query}")
        return self.get_response(request)
