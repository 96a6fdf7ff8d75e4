"""Security headers on every response (NL API Design Rules 2.2, /transport/security-headers).

API responses get the headers the transport security module names for every API response:
Cache-Control: no-store, Content-Security-Policy: frame-ancestors 'none' (with default-src
'none', since an API never serves HTML), X-Content-Type-Options: nosniff, X-Frame-Options: DENY,
Referrer-Policy: no-referrer and, behind HTTPS (SAMEN_HTTPS), Strict-Transport-Security.

The same middleware, the outermost of Samen's own, refuses a request whose declared body is larger
than DATA_UPLOAD_MAX_MEMORY_SIZE (plus room for multipart framing, so a file of exactly that size
still reaches its form) with 413, before the body is read: Django itself limits only the non-file
part of a body, so without this an upload of any size would be streamed to disk first. On /api/
the 413 is application/problem+json. A URI (path and query) longer than MAX_URI_LENGTH is refused
with 414 the same way, below gunicorn's own limit on the request line (4094 bytes by default),
whose answer is an HTML page outside the API's document.

Every response that depends on who is asking (a signed-in user, a session that was read, a
`Vary: Cookie`, a cookie set, a redirect to the sign-in page) and that states no Cache-Control of
its own gets `Cache-Control: private, no-store`: invoices, their PDF and XML, exports and every
signed-in page are kept out of shared and browser caches. Other API responses get `no-store`.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.cache import has_vary_header

PAGE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; "
    "base-uri 'self'; object-src 'none'"
)
API_CSP = "default-src 'none'; frame-ancestors 'none'"
HSTS = "max-age=31536000; includeSubDomains"
MULTIPART_FRAMING = 64 * 1024
PRIVATE = "private, no-store"
# Below gunicorn's default limit_request_line (4094 bytes for method, URI and HTTP version), so
# a long URI gets Samen's own answer (a problem on /api/, documented as 414 on every operation).
MAX_URI_LENGTH = 4000


def max_body_size() -> int:
    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE + MULTIPART_FRAMING


def _declared_length(request) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def _nul_status(request) -> int | None:
    """A NUL character in a page's path (404) or query (400): PostgreSQL cannot store or compare
    it, so it never reaches a view (the API has its own problem answer)."""
    if "\x00" in request.path:
        return 404
    if any("\x00" in k or any("\x00" in v for v in vs) for k, vs in request.GET.lists()):
        return 400
    return None


def _page_error(request, status: int):
    from django.shortcuts import render
    from django.utils.translation import gettext as _

    titel = _("Pagina niet gevonden") if status == 404 else _("Ongeldig verzoek")
    return render(request, "samen/fout.html", {"status": status, "titel": titel}, status=status)


def _uri_length(request) -> int:
    """The length of the URI as sent (gunicorn passes it as RAW_URI), else as Django rebuilds it."""
    raw = request.META.get("RAW_URI")
    return len(raw) if raw is not None else len(request.get_full_path())


def _uri_too_long(request):
    detail = f"De URI is langer dan {MAX_URI_LENGTH} tekens en is niet verwerkt."
    if request.path.startswith("/api/"):
        from samen.api.problems import problem_response

        response = problem_response(request, 414, detail)
        response["API-Version"] = settings.API_VERSION  # the API middleware is not reached
        return response
    from django.shortcuts import render
    from django.utils.translation import gettext as _

    return render(
        request, "samen/fout.html", {"status": 414, "titel": _("Adres te lang")}, status=414
    )


def _signed_in(request) -> bool:
    user = getattr(request, "user", None)  # set by AuthenticationMiddleware (or DRF's auth)
    try:
        return bool(user is not None and user.is_authenticated)
    except Exception:  # noqa: BLE001 - a session that cannot be read is nobody's
        return False


def _to_sign_in(response) -> bool:
    if response.status_code not in (301, 302, 303, 307, 308):
        return False
    location = response.get("Location", "").split("?", 1)[0]
    return location.endswith(settings.LOGIN_URL)


def depends_on_visitor(request, response) -> bool:
    """Whether the response may differ per visitor: a signed-in user, a session that was read
    (SessionMiddleware then adds Vary: Cookie), a cookie set, or a redirect to the sign-in page."""
    session = getattr(request, "session", None)
    return (
        _signed_in(request)
        or (session is not None and session.accessed)
        or has_vary_header(response, "Cookie")
        or bool(response.cookies)
        or _to_sign_in(response)
    )


def _too_large(request):
    megabytes = settings.DATA_UPLOAD_MAX_MEMORY_SIZE // (1024 * 1024)
    if request.path.startswith("/api/"):
        from samen.api.problems import problem_response

        response = problem_response(
            request, 413, f"Het verzoek is groter dan {megabytes} MB en is niet verwerkt."
        )
        response["API-Version"] = settings.API_VERSION  # the API middleware is not reached
        return response
    from django.shortcuts import render
    from django.utils.translation import gettext as _

    return render(
        request,
        "samen/fout.html",
        {"status": 413, "titel": _("Verzoek te groot (meer dan %(mb)d MB)") % {"mb": megabytes}},
        status=413,
    )


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _declared_length(request) > max_body_size():
            response = _too_large(request)
        elif _uri_length(request) > MAX_URI_LENGTH:
            response = _uri_too_long(request)
        elif not request.path.startswith("/api/") and (nul := _nul_status(request)):
            response = _page_error(request, nul)
        else:
            response = self.get_response(request)
        is_api = request.path.startswith("/api/")
        response.setdefault("Content-Security-Policy", API_CSP if is_api else PAGE_CSP)
        response.setdefault("X-Content-Type-Options", "nosniff")
        response.setdefault("X-Frame-Options", "DENY")
        response.setdefault("Referrer-Policy", "no-referrer" if is_api else "same-origin")
        response.setdefault("Permissions-Policy", "geolocation=(), camera=(), microphone=()")
        if "Cache-Control" not in response:
            # On the API only a signed-in caller makes it private: anonymous answers say
            # no-store (NL API Design Rules, /transport/security-headers) and are the same
            # for everyone, even though authentication looked at the (absent) session.
            if _signed_in(request) if is_api else depends_on_visitor(request, response):
                response["Cache-Control"] = PRIVATE
            elif is_api:
                response["Cache-Control"] = "no-store"
        if settings.HTTPS:
            response.setdefault("Strict-Transport-Security", HSTS)
        return response
