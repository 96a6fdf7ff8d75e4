"""Demo content: every app registers a loader in its own demo.py; loaders are idempotent."""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction

LOADERS: list[tuple[int, str, Callable[[], str]]] = []


def loader(order: int, name: str):
    def register(func: Callable[[], str]) -> Callable[[], str]:
        if not any(existing == name for _, existing, _ in LOADERS):
            LOADERS.append((order, name, func))
        return func

    return register


def load_all() -> list[str]:
    lines = []
    for _, name, func in sorted(LOADERS, key=lambda item: (item[0], item[1])):
        with transaction.atomic():
            lines.append(f"{name}: {func()}")
    analyze()
    return lines


def analyze() -> None:
    """Fresh planner statistics after a bulk load (as PostgreSQL's documentation advises after
    loading data): without them the planner may take the just-filled ledger for an empty table
    and choose nested sequential scans that take minutes (autovacuum would catch up later; a
    test inside one transaction never gets that far). A no-op on SQLite."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
