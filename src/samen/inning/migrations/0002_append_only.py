"""The money records of collection cannot be rewritten or removed, in the database itself.

- Bank statements, payments and payment lines are never deleted. Of a payment only its state may
  change (matched, reversed, refunded: status, invoice, municipality, reason, division); what the
  bank booked (amount, date, references, kind, statement, original) stays as it was read. A
  payment line only gets its distribution once (NULL -> the afdracht); nothing else changes.
- Distribution periods, afdrachten, reminders and credit-note settlements are append-only.
- TRUNCATE is refused on all of them.
"""

from django.db import migrations

P = "inning_"
APPEND_ONLY = ["afdrachtperiode", "afdracht", "herinnering", "creditverrekening"]
NO_DELETE = ["bankafschrift", "betaling", "betalingsregel"]
# Columns that never change once a row exists (per table with NO_DELETE).
FIXED = {
    "bankafschrift": ["identificatie", "rekening", "sha256", "posten", "datum", "formaat"],
    "betaling": [
        "soort",
        "bankafschrift_id",
        "bankreferentie",
        "eind_tot_eind",
        "boekdatum",
        "bedrag",
        "origineel_id",
    ],
    "betalingsregel": ["betaling_id", "factuurregel_id", "dienst_id", "bedrag", "boekdatum"],
}


def _changed(table: str, old: str = "OLD", new: str = "NEW") -> str:
    return " OR ".join(f"{new}.{c} IS DISTINCT FROM {old}.{c}" for c in FIXED[table])


def _postgres_up() -> str:
    parts = [
        """
CREATE OR REPLACE FUNCTION samen_inning_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '% is append-only (% refused)', TG_TABLE_NAME, TG_OP;
END;
$$ LANGUAGE plpgsql;"""
    ]
    for t in APPEND_ONLY + NO_DELETE:
        parts.append(
            f"CREATE TRIGGER {t}_no_truncate BEFORE TRUNCATE ON {P}{t} "
            "FOR EACH STATEMENT EXECUTE FUNCTION samen_inning_append_only();"
        )
    for t in APPEND_ONLY:
        parts.append(
            f"CREATE TRIGGER {t}_append_only BEFORE UPDATE OR DELETE ON {P}{t} "
            "FOR EACH ROW EXECUTE FUNCTION samen_inning_append_only();"
        )
    for t in NO_DELETE:
        extra = (
            " OR OLD.afdracht_id IS NOT NULL AND NEW.afdracht_id IS DISTINCT FROM OLD.afdracht_id"
            if t == "betalingsregel"
            else ""
        )
        parts.append(
            f"""
CREATE OR REPLACE FUNCTION samen_{t}_guard() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION '{P}{t}: rows are never deleted (DELETE refused)';
    END IF;
    IF {_changed(t)}{extra} THEN
        RAISE EXCEPTION '{P}{t}: what was booked does not change (UPDATE refused)';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER {t}_guard BEFORE UPDATE OR DELETE ON {P}{t}
    FOR EACH ROW EXECUTE FUNCTION samen_{t}_guard();"""
        )
    return "\n".join(parts)


def _postgres_down() -> str:
    parts = []
    for t in APPEND_ONLY + NO_DELETE:
        parts.append(f"DROP TRIGGER IF EXISTS {t}_no_truncate ON {P}{t};")
    for t in APPEND_ONLY:
        parts.append(f"DROP TRIGGER IF EXISTS {t}_append_only ON {P}{t};")
    for t in NO_DELETE:
        parts.append(f"DROP TRIGGER IF EXISTS {t}_guard ON {P}{t};")
        parts.append(f"DROP FUNCTION IF EXISTS samen_{t}_guard();")
    parts.append("DROP FUNCTION IF EXISTS samen_inning_append_only();")
    return "\n".join(parts)


def _sqlite_up() -> list[str]:
    statements = []
    for t in APPEND_ONLY:
        for op in ("UPDATE", "DELETE"):
            statements.append(
                f"CREATE TRIGGER {t}_no_{op.lower()} BEFORE {op} ON {P}{t} BEGIN SELECT "
                f"RAISE(ABORT, '{P}{t} is append-only ({op} refused)'); END;"
            )
    for t in NO_DELETE:
        statements.append(
            f"CREATE TRIGGER {t}_no_delete BEFORE DELETE ON {P}{t} BEGIN SELECT "
            f"RAISE(ABORT, '{P}{t}: rows are never deleted (DELETE refused)'); END;"
        )
        condition = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in FIXED[t])
        if t == "betalingsregel":
            condition += (
                " OR (OLD.afdracht_id IS NOT NULL AND NEW.afdracht_id IS NOT OLD.afdracht_id)"
            )
        statements.append(
            f"CREATE TRIGGER {t}_fixed BEFORE UPDATE ON {P}{t} WHEN {condition} BEGIN SELECT "
            f"RAISE(ABORT, '{P}{t}: what was booked does not change (UPDATE refused)'); END;"
        )
    return statements


def _sqlite_down() -> list[str]:
    names = [f"{t}_no_{op}" for t in APPEND_ONLY for op in ("update", "delete")]
    names += [f"{t}_{kind}" for t in NO_DELETE for kind in ("no_delete", "fixed")]
    return [f"DROP TRIGGER IF EXISTS {name};" for name in names]


def up(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(_postgres_up(), params=None)
    elif vendor == "sqlite":
        for statement in _sqlite_up():
            schema_editor.execute(statement)
    else:  # pragma: no cover - only the two supported databases
        raise RuntimeError(f"unsupported database: {vendor}")


def down(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(_postgres_down(), params=None)
    elif vendor == "sqlite":
        for statement in _sqlite_down():
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("inning", "0001_initial")]
    operations = [migrations.RunPython(up, down)]
