"""Fast bulk inserts for large runs (billing): PostgreSQL's COPY where available, Django's
bulk_create elsewhere (SQLite). Rows go in with explicit primary keys taken from the table's own
sequence, so rows that refer to each other (invoices and their lines) can be written in one pass.
Runs inside the caller's transaction."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, cast

from django.db import connection, models


def reserve_ids(model: type[models.Model], count: int) -> list[int]:
    """``count`` new primary keys for ``model`` from its sequence (PostgreSQL only)."""
    if count <= 0:
        return []
    table = model._meta.db_table
    column = model._meta.pk.column
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [table, column, count],
        )
        return [row[0] for row in cursor.fetchall()]


def insert_with_ids(
    model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence[Any]]
) -> list[int]:
    """Insert rows and return their new primary keys, in the order of the rows."""
    rows = list(rows)
    if not rows:
        return []
    if connection.vendor == "postgresql":
        ids = reserve_ids(model, len(rows))
        insert(model, ["id", *fields], ([pk, *row] for pk, row in zip(ids, rows, strict=True)))
        return ids
    objs = [_instance(model, fields, row) for row in rows]
    model._default_manager.bulk_create(objs, batch_size=500)  # SQLite >= 3.35 returns the keys
    return [obj.pk for obj in objs]


def _instance(model: type[models.Model], fields: Sequence[str], row: Sequence[Any]) -> models.Model:
    values = {}
    for name, value in zip(fields, row, strict=True):
        values[_field(model, name).attname] = value
    return model(**values)


def _field(model: type[models.Model], name: str) -> models.Field[Any, Any]:
    """A concrete field of ``model`` (a reverse relation has no column to write)."""
    return cast("models.Field[Any, Any]", model._meta.get_field(name))


def insert(model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Insert rows (tuples in the order of ``fields``, model field names) into ``model``'s table.
    No model ``save()`` or signals run: the caller has validated the values."""
    rows = list(rows)
    if not rows:
        return 0
    if connection.vendor == "postgresql":
        columns = [cast(str, _field(model, name).column) for name in fields]
        sql = "COPY {} ({}) FROM STDIN".format(
            connection.ops.quote_name(model._meta.db_table),
            ", ".join(connection.ops.quote_name(c) for c in columns),
        )
        with connection.cursor() as cursor:
            raw = cursor.cursor  # the psycopg 3 cursor under Django's wrapper
            with raw.copy(sql) as copy:
                for row in rows:
                    copy.write_row(row)
        return len(rows)
    model._default_manager.bulk_create(
        [_instance(model, fields, row) for row in rows], batch_size=500
    )
    return len(rows)
