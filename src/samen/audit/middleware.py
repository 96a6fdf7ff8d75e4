from __future__ import annotations

from samen.audit.context import acting
from samen.audit.models import Kanaal


def channel_for_path(path: str) -> str:
    if path.startswith("/api/"):
        return Kanaal.API
    if path.startswith("/admin/"):
        return Kanaal.ADMIN
    return Kanaal.PAGINA


class AuditChannelMiddleware:
    """Sets the audit channel and user for the request (the user is resolved lazily)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with acting(channel_for_path(request.path), getattr(request, "user", None)):
            return self.get_response(request)
