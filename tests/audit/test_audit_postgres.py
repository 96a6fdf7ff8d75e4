"""The audit trail's PostgreSQL-only guard: TRUNCATE is refused too (SQLite has no TRUNCATE, so
this module carries no ``sqlite`` marker and runs in the PostgreSQL suite only)."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from samen.audit.models import AuditRegel
from samen.audit.services import record

pytestmark = [pytest.mark.django_db]


def test_truncate_fails_on_postgresql():
    assert connection.vendor == "postgresql"
    record("overig", object_type="x", object_id="1")
    count = AuditRegel.objects.count()
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("TRUNCATE audit_auditregel")
    assert AuditRegel.objects.count() == count
