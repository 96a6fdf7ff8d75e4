"""Issued invoices are immutable in the database itself: an issued invoice is never updated or
deleted, the lines of an issued invoice never change, and the receivables ledger is
append-only (a herindeling or a correction adds entries, it never rewrites them)."""

from django.db import migrations

F = "abonnementen_factuur"
R = "abonnementen_factuurregel"
V = "abonnementen_vordering"

POSTGRES_UP = f"""
CREATE OR REPLACE FUNCTION samen_factuur_immutable() RETURNS trigger AS $$
BEGIN
    IF OLD.status = 'uitgegeven' THEN
        RAISE EXCEPTION 'an issued invoice is immutable (% refused)', TG_OP;
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE OR REPLACE FUNCTION samen_factuurregel_immutable() RETURNS trigger AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM {F} WHERE id = OLD.factuur_id AND status = 'uitgegeven') THEN
        RAISE EXCEPTION 'the lines of an issued invoice are immutable (% refused)', TG_OP;
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
-- Inserted lines are checked once per statement (a billing run copies 100,000s of lines).
-- The transition table has no index: the join is a hash join (never a nested loop over it).
CREATE OR REPLACE FUNCTION samen_factuurregel_insert() RETURNS trigger AS $$
BEGIN
    IF EXISTS (
        SELECT 1 FROM (SELECT DISTINCT factuur_id FROM nieuw) n
        JOIN {F} f ON f.id = n.factuur_id WHERE f.status = 'uitgegeven'
    ) THEN
        RAISE EXCEPTION 'the lines of an issued invoice are immutable (INSERT refused)';
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql SET enable_nestloop = off;
CREATE OR REPLACE FUNCTION samen_vordering_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the receivables ledger is append-only (% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER factuur_immutable BEFORE UPDATE OR DELETE ON {F}
    FOR EACH ROW EXECUTE FUNCTION samen_factuur_immutable();
CREATE TRIGGER factuurregel_immutable BEFORE UPDATE OR DELETE ON {R}
    FOR EACH ROW EXECUTE FUNCTION samen_factuurregel_immutable();
CREATE TRIGGER factuurregel_insert AFTER INSERT ON {R}
    REFERENCING NEW TABLE AS nieuw FOR EACH STATEMENT
    EXECUTE FUNCTION samen_factuurregel_insert();
CREATE TRIGGER vordering_append_only BEFORE UPDATE OR DELETE ON {V}
    FOR EACH ROW EXECUTE FUNCTION samen_vordering_append_only();
CREATE TRIGGER vordering_no_truncate BEFORE TRUNCATE ON {V}
    FOR EACH STATEMENT EXECUTE FUNCTION samen_vordering_append_only();
"""
POSTGRES_DOWN = f"""
DROP TRIGGER IF EXISTS factuur_immutable ON {F};
DROP TRIGGER IF EXISTS factuurregel_immutable ON {R};
DROP TRIGGER IF EXISTS factuurregel_insert ON {R};
DROP TRIGGER IF EXISTS vordering_append_only ON {V};
DROP TRIGGER IF EXISTS vordering_no_truncate ON {V};
DROP FUNCTION IF EXISTS samen_factuur_immutable();
DROP FUNCTION IF EXISTS samen_factuurregel_immutable();
DROP FUNCTION IF EXISTS samen_factuurregel_insert();
DROP FUNCTION IF EXISTS samen_vordering_append_only();
"""
SQLITE_UP = [
    f"""CREATE TRIGGER factuur_no_update BEFORE UPDATE ON {F} WHEN OLD.status = 'uitgegeven'
        BEGIN SELECT RAISE(ABORT, 'an issued invoice is immutable (UPDATE refused)'); END;""",
    f"""CREATE TRIGGER factuur_no_delete BEFORE DELETE ON {F} WHEN OLD.status = 'uitgegeven'
        BEGIN SELECT RAISE(ABORT, 'an issued invoice is immutable (DELETE refused)'); END;""",
    f"""CREATE TRIGGER factuurregel_no_insert BEFORE INSERT ON {R}
        WHEN (SELECT status FROM {F} WHERE id = NEW.factuur_id) = 'uitgegeven'
        BEGIN SELECT RAISE(ABORT, 'the lines of an issued invoice are immutable'); END;""",
    f"""CREATE TRIGGER factuurregel_no_update BEFORE UPDATE ON {R}
        WHEN (SELECT status FROM {F} WHERE id = OLD.factuur_id) = 'uitgegeven'
        BEGIN SELECT RAISE(ABORT, 'the lines of an issued invoice are immutable'); END;""",
    f"""CREATE TRIGGER factuurregel_no_delete BEFORE DELETE ON {R}
        WHEN (SELECT status FROM {F} WHERE id = OLD.factuur_id) = 'uitgegeven'
        BEGIN SELECT RAISE(ABORT, 'the lines of an issued invoice are immutable'); END;""",
    f"""CREATE TRIGGER vordering_no_update BEFORE UPDATE ON {V}
        BEGIN SELECT RAISE(ABORT, 'the receivables ledger is append-only'); END;""",
    f"""CREATE TRIGGER vordering_no_delete BEFORE DELETE ON {V}
        BEGIN SELECT RAISE(ABORT, 'the receivables ledger is append-only'); END;""",
]
SQLITE_DOWN = [
    f"DROP TRIGGER IF EXISTS {name};"
    for name in (
        "factuur_no_update",
        "factuur_no_delete",
        "factuurregel_no_insert",
        "factuurregel_no_update",
        "factuurregel_no_delete",
        "vordering_no_update",
        "vordering_no_delete",
    )
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
    dependencies = [("abonnementen", "0001_initial")]
    operations = [migrations.RunPython(up, down)]
