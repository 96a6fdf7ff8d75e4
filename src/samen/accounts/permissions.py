"""The one permission layer: views, API and admin all ask ``allowed(user, permission, obj)``.

``PERMISSIONS`` maps a permission name to the roles that hold it. A permission ending in
``.eigen`` is scoped: a municipality contact holds it only for objects of its own municipality
(``scope_gemeente(obj)`` says which municipality an object belongs to). Later issues add their
permissions to this table; superusers hold every permission.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from rest_framework.permissions import BasePermission

from samen.accounts.models import Rol

PUBLIEK = "publiek"

PERMISSIONS: dict[str, set[str]] = {
    # the municipality register
    "gemeenten.bekijken": {PUBLIEK},
    "gemeenten.importeren": {Rol.PROGRAMMABUREAU},
    "gemeenten.beheren": {Rol.PROGRAMMABUREAU},
    "gemeenten.contactgegevens.eigen": {Rol.GEMEENTE, Rol.PROGRAMMABUREAU},
    # accounts and the trail
    "accounts.beheren": {Rol.PROGRAMMABUREAU},
    "audit.bekijken": {Rol.PROGRAMMABUREAU},
    "taken.bekijken": {Rol.PROGRAMMABUREAU, Rol.FINANCIEN, Rol.ADMINISTRATIEKANTOOR},
}


SCOPE_RESOLVERS: list[Callable[[object], object | None]] = []


def register(permission: str, roles: Iterable[str]) -> None:
    """Later apps add their permissions here (in their AppConfig.ready)."""
    PERMISSIONS.setdefault(permission, set()).update(roles)


def scope_gemeente(obj) -> str | None:
    """The CBS code of the municipality an object belongs to, if any."""
    if obj is None:
        return None
    code = getattr(obj, "gemeente_code", None)
    if code:
        return code
    gemeente = getattr(obj, "gemeente", None)
    if gemeente is not None:
        return gemeente.code
    if obj.__class__.__name__ == "Gemeente":
        return obj.code
    for resolver in SCOPE_RESOLVERS:
        result = resolver(obj)
        if result:
            return result
    return None


def roles_of(user) -> set[str]:
    if user is None or not getattr(user, "is_authenticated", False):
        return {PUBLIEK}
    return {PUBLIEK, user.rol} if user.rol else {PUBLIEK}


def allowed(user, permission: str, obj=None) -> bool:
    if permission not in PERMISSIONS:
        raise KeyError(f"unknown permission: {permission}")
    if user is not None and getattr(user, "is_authenticated", False) and user.is_superuser:
        return True
    holders = PERMISSIONS[permission]
    if not roles_of(user) & holders:
        return False
    if permission.endswith(".eigen") and user.rol == Rol.GEMEENTE:
        target = scope_gemeente(obj)
        return target is not None and user.gemeente is not None and target == user.gemeente.code
    return True


class RolePermission(BasePermission):
    """DRF adapter: a view states ``permissions = {"GET": "x.bekijken", "POST": ...}``."""

    def _permission(self, request, view) -> str | None:
        mapping = getattr(view, "permissions", None)
        if mapping is None:
            return None
        return mapping.get(request.method) or mapping.get("*")

    def has_permission(self, request, view) -> bool:
        if request.method == "OPTIONS":
            return True
        if request.method not in getattr(view, "allowed_methods", [request.method]):
            return True  # the view answers 405 Method Not Allowed, whoever asks
        permission = self._permission(request, view)
        if permission is None:
            return False
        if permission.endswith(".eigen"):
            return bool(roles_of(request.user) & PERMISSIONS[permission]) or (
                request.user.is_authenticated and request.user.is_superuser
            )
        return allowed(request.user, permission)

    def has_object_permission(self, request, view, obj) -> bool:
        permission = self._permission(request, view)
        return permission is not None and allowed(request.user, permission, obj)
