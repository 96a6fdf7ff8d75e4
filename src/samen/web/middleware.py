"""A page form posted with a body above the upload limit is shown again with an error that
names the limit, instead of a bare 413 page with the form (and what was typed) lost.

``TeGrootMiddleware`` goes first in MIDDLEWARE (before samen.core's SecurityHeadersMiddleware,
which answers an oversized body with its own 413 page). For a page (not /api/: the API keeps
its problem answer) whose declared body is above samen.core.middleware.max_body_size(), it
reads the body away (so the browser gets the answer instead of a reset connection), turns the
request into a GET of the same address without a body, marks it with ``request.te_groot``
(the limit in MB; base.html shows the error) and answers with status 413. Nothing is stored:
the view only renders its form.
"""

from __future__ import annotations

from django.conf import settings

from samen.core.middleware import _declared_length, max_body_size

# A body above this is not read away: the connection is closed after the answer.
DRAIN_LIMIT = 64 * 1024 * 1024
CHUNK = 64 * 1024


def limit_megabytes() -> int:
    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE // (1024 * 1024)


class TeGrootMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        length = _declared_length(request)
        if (
            request.method != "POST"
            or request.path.startswith("/api/")
            or length <= max_body_size()
        ):
            return self.get_response(request)
        if length <= DRAIN_LIMIT:
            stream = request.META.get("wsgi.input")
            remaining = length
            while stream is not None and remaining > 0:
                chunk = stream.read(min(CHUNK, remaining))
                if not chunk:
                    break
                remaining -= len(chunk)
        request.method = "GET"
        request.META["REQUEST_METHOD"] = "GET"
        request.META["CONTENT_LENGTH"] = "0"
        request.META.pop("CONTENT_TYPE", None)
        request.te_groot = limit_megabytes()
        response = self.get_response(request)
        if response.status_code == 200:
            response.status_code = 413
            response.reason_phrase = "Content Too Large"
        return response
