"""Make the audit trail append-only in the database itself: UPDATE and DELETE fail."""

from django.db import migrations

TABLE = "audit_auditregel"

POSTGRES_UP = f"""
CREATE OR REPLACE FUNCTION samen_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the audit trail is append-only (% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_no_update BEFORE UPDATE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION samen_audit_append_only();
CREATE TRIGGER audit_no_delete BEFORE DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION samen_audit_append_only();
CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON {TABLE}
    FOR EACH STATEMENT EXECUTE FUNCTION samen_audit_append_only();
"""
POSTGRES_DOWN = f"""
DROP TRIGGER IF EXISTS audit_no_update ON {TABLE};
DROP TRIGGER IF EXISTS audit_no_delete ON {TABLE};
DROP TRIGGER IF EXISTS audit_no_truncate ON {TABLE};
DROP FUNCTION IF EXISTS samen_audit_append_only();
"""
SQLITE_UP = [
    f"""CREATE TRIGGER audit_no_update BEFORE UPDATE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only (UPDATE refused)'); END;""",
    f"""CREATE TRIGGER audit_no_delete BEFORE DELETE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only (DELETE refused)'); END;""",
]
SQLITE_DOWN = ["DROP TRIGGER IF EXISTS audit_no_update;", "DROP TRIGGER IF EXISTS audit_no_delete;"]


def up(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_UP, params=None)
    elif vendor == "sqlite":
        for statement in SQLITE_UP:
            schema_editor.execute(statement)
    else:  # pragma: no cover - only the two supported databases
        raise RuntimeError(f"unsupported database for the audit trail: {vendor}")


def down(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_DOWN, params=None)
    elif vendor == "sqlite":
        for statement in SQLITE_DOWN:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [migrations.RunPython(up, down)]
