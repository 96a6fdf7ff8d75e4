"""Security headers on every response (NL API Design Rules 2.2, /transport/security-headers).

API responses get the headers the transport security module names for every API response:
Cache-Control: no-store, Content-Security-Policy: frame-ancestors 'none' (with default-src
'none', since an API never serves HTML), X-Content-Type-Options: nosniff, X-Frame-Options: DENY,
Referrer-Policy: no-referrer and, behind HTTPS (SAMEN_HTTPS), Strict-Transport-Security.
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


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
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
