"""Security headers on every response (NL API Design Rules 2.2, /transport/security-headers).

API responses get the headers the transport security module names for every API response:
Cache-Control: no-store, Content-Security-Policy: frame-ancestors 'none' (with default-src
'none', since an API never serves HTML), X-Content-Type-Options: nosniff, X-Frame-Options: DENY,
Referrer-Policy: no-referrer and, behind HTTPS (SAMEN_HTTPS), Strict-Transport-Security.

The same middleware, the outermost of Samen's own, refuses a request whose declared body is larger
than DATA_UPLOAD_MAX_MEMORY_SIZE (plus room for multipart framing, so a file of exactly that size
still reaches its form) with 413, before the body is read: Django itself limits only the non-file
part of a body, so without this an upload of any size would be streamed to disk first. On /api/
the 413 is application/problem+json.
"""

from __future__ import annotations

from django.conf import settings

PAGE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; "
    "base-uri 'self'; object-src 'none'"
)
API_CSP = "default-src 'none'; frame-ancestors 'none'"
HSTS = "max-age=31536000; includeSubDomains"
MULTIPART_FRAMING = 64 * 1024


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
        if is_api:
            response.setdefault("Cache-Control", "no-store")
        if settings.HTTPS:
            response.setdefault("Strict-Transport-Security", HSTS)
        return response
