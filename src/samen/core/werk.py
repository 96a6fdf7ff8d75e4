"""What waits for a person: a registry every app adds its kinds of waiting work to.

An app registers a ``Werksoort`` (in a ``werk.py`` module that ``autodiscover`` imports): who
it is for (a permission, optionally narrowed to roles), a label, a link and a function that
counts the items for one user in one query. The start page ("Mijn werk") shows, per kind the
user may see, the count and the link; a kind with nothing waiting is shown as "niets" so that a
person also sees what is done. One query per kind, whatever the number of items.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field

from django.apps import apps


@dataclass(frozen=True)
class Werksoort:
    key: str
    label: str
    permission: str
    count: Callable[[object], int]
    url: Callable[[object], str] | str
    roles: frozenset[str] = field(default_factory=frozenset)
    order: int = 100
    #: The first few items (label, url) for the start page: one query, optional.
    items: Callable[[object], list[tuple[str, str]]] | None = None

    def applies_to(self, user) -> bool:
        from samen.accounts.permissions import allowed

        if not getattr(user, "is_authenticated", False):
            return False
        if self.roles and getattr(user, "rol", "") not in self.roles and not user.is_superuser:
            return False
        if self.permission.endswith(".eigen"):  # scoped: the count is of its own objects
            from samen.accounts.permissions import PERMISSIONS, roles_of

            return user.is_superuser or bool(roles_of(user) & PERMISSIONS[self.permission])
        return allowed(user, self.permission)

    def link(self, user) -> str:
        return self.url(user) if callable(self.url) else self.url


@dataclass(frozen=True)
class Wachtend:
    soort: Werksoort
    aantal: int
    url: str
    items: list[tuple[str, str]] = field(default_factory=list)


_REGISTRY: dict[str, Werksoort] = {}
_discovered = False


def register(soort: Werksoort) -> Werksoort:
    _REGISTRY[soort.key] = soort
    return soort


def autodiscover() -> None:
    """Import the ``werk`` module of every installed app that has one (once)."""
    global _discovered
    if _discovered:
        return
    for config in apps.get_app_configs():
        try:
            importlib.import_module(f"{config.name}.werk")
        except ModuleNotFoundError as error:
            if error.name != f"{config.name}.werk":
                raise
    _discovered = True


def kinds() -> list[Werksoort]:
    autodiscover()
    return sorted(_REGISTRY.values(), key=lambda s: (s.order, s.key))


def waiting_for(user) -> list[Wachtend]:
    """Every kind of waiting work this user may see, with its count (one query per kind)."""
    result = []
    for soort in kinds():
        if not soort.applies_to(user):
            continue
        aantal = int(soort.count(user))
        items = soort.items(user) if soort.items is not None and aantal else []
        result.append(Wachtend(soort, aantal, soort.link(user), items))
    return result
