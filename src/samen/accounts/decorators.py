"""One permission guard for pages: an anonymous visitor is sent to the sign-in page (and back
afterwards), a signed-in user without the permission gets 403.

    @requires("fonds.beheren")
    def beheer(request): ...

    @requires("facturen.bekijken.eigen", obj=lambda request, **kw: request.user.gemeente)
    def facturen(request): ...

``requires()`` without a permission only asks for a signed-in user. The permission names are the
ones of ``samen.accounts.permissions.PERMISSIONS`` (the authorisation matrix); an unknown name
fails when the module is imported, not on the first request."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from .permissions import PERMISSIONS, allowed


def signed_in_or_login(request):
    """None when the visitor is signed in, else the redirect to the sign-in page."""
    if request.user.is_authenticated:
        return None
    return redirect_to_login(request.get_full_path())


def requires(
    permission: str | None = None,
    *,
    obj: Callable[..., Any] | None = None,
    any_of: tuple[str, ...] = (),
):
    names = ((permission,) if permission else ()) + tuple(any_of)
    for name in names:
        if name not in PERMISSIONS:
            raise KeyError(f"unknown permission: {name}")

    def decorator(view):
        @wraps(view)
        def guarded(request, *args, **kwargs):
            login = signed_in_or_login(request)
            if login is not None:
                return login
            if names:
                target = obj(request, *args, **kwargs) if obj is not None else None
                if not any(allowed(request.user, name, target) for name in names):
                    raise PermissionDenied
            return view(request, *args, **kwargs)

        guarded.required_permissions = names  # type: ignore[attr-defined]
        return guarded

    return decorator
