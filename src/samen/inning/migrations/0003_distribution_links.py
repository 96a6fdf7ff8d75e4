"""Distribution links (issue 13): a payment line is passed on through an append-only link to
an afdracht (``Afdrachtkoppeling``) instead of a column set once, so that a reversed run can make
its lines available again with new links, never by clearing the old ones. Reversal periods and
afdrachten point to what they reverse; a registration by hand carries an idempotency key.

The existing distributions are copied into links. The database triggers of 0002 are installed
again for every table (SQLite rebuilds a table on some of these changes, which drops its
triggers), and the new link table is append-only too.
"""

import django.db.models.deletion
from django.db import migrations, models

P = "inning_"
APPEND_ONLY = [
    "afdrachtperiode",
    "afdracht",
    "afdrachtkoppeling",
    "herinnering",
    "creditverrekening",
]
NO_DELETE = ["bankafschrift", "betaling", "betalingsregel"]
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
        "idempotentiesleutel",
        "verzoek_sha256",
    ],
    "betalingsregel": ["betaling_id", "factuurregel_id", "dienst_id", "bedrag", "boekdatum"],
}
OLD_SQLITE = [f"{t}_no_{op}" for t in APPEND_ONLY for op in ("update", "delete")] + [
    f"{t}_{kind}" for t in NO_DELETE for kind in ("no_delete", "fixed")
]


def copy_links(apps, schema_editor):
    Betalingsregel = apps.get_model("inning", "Betalingsregel")
    Afdrachtkoppeling = apps.get_model("inning", "Afdrachtkoppeling")
    rows = Betalingsregel.objects.filter(afdracht__isnull=False).order_by("id")
    Afdrachtkoppeling.objects.bulk_create(
        (
            Afdrachtkoppeling(betalingsregel_id=pk, afdracht_id=afdracht_id)
            for pk, afdracht_id in rows.values_list("pk", "afdracht_id").iterator()
        ),
        batch_size=1000,
    )


def _postgres() -> str:
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
            f"DROP TRIGGER IF EXISTS {t}_no_truncate ON {P}{t};"
            f"CREATE TRIGGER {t}_no_truncate BEFORE TRUNCATE ON {P}{t} "
            "FOR EACH STATEMENT EXECUTE FUNCTION samen_inning_append_only();"
        )
    for t in APPEND_ONLY:
        parts.append(
            f"DROP TRIGGER IF EXISTS {t}_append_only ON {P}{t};"
            f"CREATE TRIGGER {t}_append_only BEFORE UPDATE OR DELETE ON {P}{t} "
            "FOR EACH ROW EXECUTE FUNCTION samen_inning_append_only();"
        )
    for t in NO_DELETE:
        changed = " OR ".join(f"NEW.{c} IS DISTINCT FROM OLD.{c}" for c in FIXED[t])
        parts.append(
            f"""
CREATE OR REPLACE FUNCTION samen_{t}_guard() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION '{P}{t}: rows are never deleted (DELETE refused)';
    END IF;
    IF {changed} THEN
        RAISE EXCEPTION '{P}{t}: what was booked does not change (UPDATE refused)';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS {t}_guard ON {P}{t};
CREATE TRIGGER {t}_guard BEFORE UPDATE OR DELETE ON {P}{t}
    FOR EACH ROW EXECUTE FUNCTION samen_{t}_guard();"""
        )
    return "\n".join(parts)


def _sqlite() -> list[str]:
    statements = [f"DROP TRIGGER IF EXISTS {name};" for name in OLD_SQLITE]
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
        statements.append(
            f"CREATE TRIGGER {t}_fixed BEFORE UPDATE ON {P}{t} WHEN {condition} BEGIN SELECT "
            f"RAISE(ABORT, '{P}{t}: what was booked does not change (UPDATE refused)'); END;"
        )
    return statements


def install_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(_postgres(), params=None)
    elif vendor == "sqlite":
        for statement in _sqlite():
            schema_editor.execute(statement)
    else:  # pragma: no cover - only the two supported databases
        raise RuntimeError(f"unsupported database: {vendor}")


class Migration(migrations.Migration):
    dependencies = [
        ("inning", "0002_append_only"),
    ]

    operations = [
        migrations.CreateModel(
            name="Afdrachtkoppeling",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("aangemaakt_op", models.DateTimeField(auto_now_add=True)),
            ],
            options={
                "verbose_name": "afdrachtkoppeling",
                "verbose_name_plural": "afdrachtkoppelingen",
                "ordering": ["id"],
            },
        ),
        migrations.AddField(
            model_name="afdrachtkoppeling",
            name="afdracht",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="koppelingen",
                to="inning.afdracht",
            ),
        ),
        migrations.AddField(
            model_name="afdrachtkoppeling",
            name="betalingsregel",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="koppelingen",
                to="inning.betalingsregel",
            ),
        ),
        migrations.AddIndex(
            model_name="afdrachtkoppeling",
            index=models.Index(fields=["betalingsregel", "id"], name="koppeling_regel"),
        ),
        migrations.AddIndex(
            model_name="afdrachtkoppeling",
            index=models.Index(fields=["afdracht"], name="koppeling_afdracht"),
        ),
        migrations.AddConstraint(
            model_name="afdrachtkoppeling",
            constraint=models.UniqueConstraint(
                fields=("betalingsregel", "afdracht"), name="koppeling_eenmaal"
            ),
        ),
        migrations.AlterModelOptions(
            name="afdracht",
            options={
                "ordering": ["periode__start", "periode_id", "dienst__volgorde", "id"],
                "verbose_name": "afdracht",
                "verbose_name_plural": "afdrachten",
            },
        ),
        migrations.RemoveConstraint(
            model_name="afdrachtperiode",
            name="afdrachtperiode_start",
        ),
        migrations.RemoveConstraint(
            model_name="afdrachtperiode",
            name="afdrachtperiode_eind",
        ),
        migrations.AddField(
            model_name="afdracht",
            name="origineel",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="terugdraaiingen",
                to="inning.afdracht",
            ),
        ),
        migrations.AddField(
            model_name="afdracht",
            name="verrekend",
            field=models.DecimalField(decimal_places=2, default=0, max_digits=14),
        ),
        migrations.AddField(
            model_name="afdrachtperiode",
            name="reden",
            field=models.CharField(blank=True, default="", max_length=300, verbose_name="reden"),
        ),
        migrations.AddField(
            model_name="afdrachtperiode",
            name="terugdraaiing_van",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="terugdraaiingen",
                to="inning.afdrachtperiode",
                verbose_name="terugdraaiing van",
            ),
        ),
        migrations.AddConstraint(
            model_name="afdrachtperiode",
            constraint=models.UniqueConstraint(
                condition=models.Q(("terugdraaiing_van__isnull", False)),
                fields=("terugdraaiing_van",),
                name="afdrachtperiode_eenmaal_teruggedraaid",
            ),
        ),
        migrations.AddField(
            model_name="betaling",
            name="idempotentiesleutel",
            field=models.CharField(blank=True, default="", max_length=200),
        ),
        migrations.AddField(
            model_name="betaling",
            name="verzoek_sha256",
            field=models.CharField(blank=True, default="", max_length=64),
        ),
        migrations.AddConstraint(
            model_name="betaling",
            constraint=models.UniqueConstraint(
                condition=models.Q(("idempotentiesleutel", ""), _negated=True),
                fields=("idempotentiesleutel",),
                name="betaling_idempotent",
            ),
        ),
        migrations.RunPython(copy_links, migrations.RunPython.noop),
        migrations.RemoveIndex(
            model_name="betalingsregel",
            name="regel_afdracht",
        ),
        migrations.RemoveField(
            model_name="betalingsregel",
            name="afdracht",
        ),
        migrations.AddIndex(
            model_name="betalingsregel",
            index=models.Index(fields=["boekdatum"], name="regel_boekdatum"),
        ),
        migrations.RunPython(install_triggers, migrations.RunPython.noop),
    ]
