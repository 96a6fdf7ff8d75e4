"""Sign-in pages: the local login, the second factor (TOTP) and OpenID Connect."""

from __future__ import annotations

import base64
import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import BACKEND_SESSION_KEY
from django.contrib.auth import views as auth_views
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from mozilla_django_oidc import views as oidc_views

from samen.accounts import queries, services
from samen.accounts.decorators import requires
from samen.accounts.middleware import OIDC_BACKEND, has_device, needs_second_factor
from samen.accounts.oidc import oidc_enabled
from samen.audit.models import Actie
from samen.audit.services import record

log = logging.getLogger(__name__)


class InloggenView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["oidc"] = oidc_enabled()
        context["oidc_label"] = settings.OIDC_LOGIN_LABEL
        context["oidc_mislukt"] = self.request.GET.get("oidc") == "mislukt"
        return context


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return settings.LOGIN_REDIRECT_URL


def _code(request) -> str:
    return "".join(ch for ch in request.POST.get("code", "") if ch.isdigit())


def _login_device(request, device) -> None:
    """The session has passed the second factor: new session key, device in the session."""
    import django_otp

    request.session.cycle_key()
    django_otp.login(request, device)


def _verified(request, device, how: str) -> None:
    _login_device(request, device)
    record(Actie.INLOGGEN, request.user, user=request.user, toelichting=how)


def _recovery(request, device):
    """Sign in with a recovery code instead of the app's code. Wrong codes count towards the
    app's throttling (one counter for every try of the second factor)."""
    allowed, _info = device.verify_is_allowed()
    if not allowed:
        return None, _("Te veel onjuiste codes. Wacht even en probeer het opnieuw.")
    over = services.use_recovery_code(request.user, request.POST.get("herstelcode", ""))
    if over is None:
        device.throttle_increment()
        log.warning("Onjuiste herstelcode voor %s", request.user)
        return None, _("Deze herstelcode is onjuist of al gebruikt.")
    _login_device(request, device)
    if over <= 3:
        messages.warning(
            request,
            ngettext(
                "U heeft nog %(n)d herstelcode. Maak nieuwe aan onder Herstelcodes.",
                "U heeft nog %(n)d herstelcodes. Maak nieuwe aan onder Herstelcodes.",
                over,
            )
            % {"n": over},
        )
    return HttpResponseRedirect(_next_url(request)), None


def _not_needed(request):
    if not request.user.is_authenticated:
        return HttpResponseRedirect(f"{settings.LOGIN_URL}")
    if not needs_second_factor(request):
        return HttpResponseRedirect(_next_url(request))
    return None


@never_cache
@sensitive_post_parameters("code")
def tweestaps(request):
    """Enter the current code of the authenticator app."""
    if (early := _not_needed(request)) is not None:
        return early
    from django_otp import devices_for_user

    user = request.user
    devices = list(devices_for_user(user, confirmed=True))
    if not devices:
        query = request.GET.urlencode()
        return HttpResponseRedirect(
            reverse("accounts:tweestaps-instellen") + (f"?{query}" if query else "")
        )
    fout = None
    if request.method == "POST" and "herstelcode" in request.POST:
        response, fout = _recovery(request, devices[0])
        if response is not None:
            return response
    elif request.method == "POST":
        code = _code(request)
        for device in devices:
            allowed, info = device.verify_is_allowed()
            if not allowed:
                wait = (info or {}).get("locked_until")
                fout = _("Te veel onjuiste codes. Wacht even en probeer het opnieuw.")
                log.warning("TOTP-poging geweigerd voor %s (wacht tot %s)", user, wait)
                continue
            if code and device.verify_token(code):
                if not queries.unused(user):
                    messages.warning(
                        request,
                        _(
                            "U heeft geen herstelcodes. Maak ze aan onder Herstelcodes, zodat u "
                            "ook zonder uw app kunt inloggen."
                        ),
                    )
                _verified(request, device, "tweede factor (TOTP)")
                return HttpResponseRedirect(_next_url(request))
        if fout is None:
            fout = _("Deze code is onjuist of verlopen. Probeer de nieuwe code uit uw app.")
            log.warning("Onjuiste TOTP-code voor %s", user)
    return render(
        request,
        "accounts/tweestaps.html",
        {
            "fout": fout,
            "herstel": "herstelcode" in request.POST,
            "next": _next_url(request),
        },
        status=400 if fout else 200,
    )


def _qr_svg(url: str) -> str:
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    return image.to_string(encoding="unicode")


@never_cache
@sensitive_post_parameters("code")
def tweestaps_instellen(request):
    """Set up the authenticator app: a new secret (QR code and text), confirmed by one code.
    Only while the user has no confirmed device: replacing one needs the programme office
    (`samen tweestaps-herstellen`)."""
    if (early := _not_needed(request)) is not None:
        return early
    user = request.user
    if has_device(user):
        query = request.GET.urlencode()
        return HttpResponseRedirect(reverse("accounts:tweestaps") + (f"?{query}" if query else ""))
    device = services.pending_device(user)
    fout = None
    if request.method == "POST":
        if services.confirm_device(user, device, _code(request)):
            _verified(request, device, "tweede factor (TOTP) ingesteld en gebruikt")
            return _show_codes(request, services.new_recovery_codes(user), _next_url(request))
        fout = _("Deze code is onjuist. Controleer de tijd op uw telefoon en probeer opnieuw.")
    secret = base64.b32encode(device.bin_key).decode("ascii")
    return render(
        request,
        "accounts/tweestaps_instellen.html",
        {
            "fout": fout,
            "next": _next_url(request),
            "qr": mark_safe(_qr_svg(device.config_url)),  # noqa: S308 (our own SVG)
            "sleutel": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        },
        status=400 if fout else 200,
    )


def _show_codes(request, codes: list[str], verder: str):
    return render(
        request,
        "accounts/herstelcodes_nieuw.html",
        {"codes": codes, "verder": verder},
    )


@never_cache
@requires()
def herstelcodes(request):
    """How many recovery codes are left, and new ones (which replace the old). Only for a user
    whose session passed the app's code; the path is outside /inloggen, so the middleware sends
    a half-signed-in session to the second factor first."""
    user = request.user
    eigen_app = has_device(user) and user.is_verified()
    if request.method == "POST":
        if not eigen_app:
            raise PermissionDenied
        return _show_codes(request, services.new_recovery_codes(user), reverse("web:home"))
    return render(
        request,
        "accounts/herstelcodes.html",
        {"eigen_app": eigen_app, "ongebruikt": queries.unused(user) if eigen_app else 0},
    )


class UitloggenView(auth_views.LogoutView):
    """Sign out (POST). After an OpenID Connect sign-in, with SAMEN_OIDC_LOGOUT_ENDPOINT set, the
    browser goes on to the provider's end_session_endpoint (with the ID token as hint and the home
    page as post_logout_redirect_uri), so the organisation's session ends too."""

    def post(self, request, *args, **kwargs):
        via_oidc = request.session.get(BACKEND_SESSION_KEY) == OIDC_BACKEND
        id_token = request.session.get("oidc_id_token")
        response = super().post(request, *args, **kwargs)
        endpoint = settings.OIDC_OP_LOGOUT_ENDPOINT
        if not (via_oidc and endpoint):
            return response
        params = {
            "client_id": settings.OIDC_RP_CLIENT_ID,
            "post_logout_redirect_uri": request.build_absolute_uri(reverse("web:home")),
        }
        if id_token:
            params["id_token_hint"] = id_token
        separator = "&" if "?" in endpoint else "?"
        return HttpResponseRedirect(f"{endpoint}{separator}{urlencode(params)}")


class OIDCInloggen(oidc_views.OIDCAuthenticationRequestView):
    def get(self, request):
        if not oidc_enabled():
            raise Http404
        return super().get(request)


class OIDCTerug(oidc_views.OIDCAuthenticationCallbackView):
    def get(self, request):
        if not oidc_enabled():
            raise Http404
        return super().get(request)
