"""No interpreter is booked twice for overlapping times, in the database itself.

PostgreSQL: an exclusion constraint (btree_gist) on (tolk, tstzrange(begin, eind)) for active
assignments, so that concurrent acceptances cannot both commit. SQLite: triggers that refuse an
insert or update overlapping another active assignment of the same interpreter (SQLite
serialises writers, so the check cannot race)."""

from django.db import migrations

POSTGRES_UP = """
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE tolk_opdracht ADD CONSTRAINT tolk_opdracht_geen_overlap
    EXCLUDE USING gist (tolk_id WITH =, tstzrange(begin, eind, '[)') WITH &&)
    WHERE (actief);
"""
POSTGRES_DOWN = "ALTER TABLE tolk_opdracht DROP CONSTRAINT IF EXISTS tolk_opdracht_geen_overlap;"

_OVERLAP = (
    "EXISTS (SELECT 1 FROM tolk_opdracht o WHERE o.tolk_id = NEW.tolk_id AND o.actief "
    "AND o.id IS NOT NEW.id AND o.begin < NEW.eind AND NEW.begin < o.eind)"
)
SQLITE_UP = [
    f"CREATE TRIGGER tolk_opdracht_geen_overlap_insert BEFORE INSERT ON tolk_opdracht "
    f"WHEN NEW.actief AND {_OVERLAP} BEGIN SELECT "
    "RAISE(ABORT, 'tolk_opdracht_geen_overlap: interpreter already booked at that time'); END;",
    f"CREATE TRIGGER tolk_opdracht_geen_overlap_update BEFORE UPDATE ON tolk_opdracht "
    f"WHEN NEW.actief AND {_OVERLAP} BEGIN SELECT "
    "RAISE(ABORT, 'tolk_opdracht_geen_overlap: interpreter already booked at that time'); END;",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS tolk_opdracht_geen_overlap_insert;",
    "DROP TRIGGER IF EXISTS tolk_opdracht_geen_overlap_update;",
]


def up(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_UP, params=None)
    elif vendor == "sqlite":
        for statement in SQLITE_UP:
            schema_editor.execute(statement)
    else:  # pragma: no cover - only the two supported databases
        raise RuntimeError(f"unsupported database: {vendor}")


def down(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_DOWN, params=None)
    elif vendor == "sqlite":
        for statement in SQLITE_DOWN:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("tolk", "0001_initial")]
    operations = [migrations.RunPython(up, down)]
