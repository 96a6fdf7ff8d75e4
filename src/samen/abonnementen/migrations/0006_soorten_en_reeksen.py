"""Kinds of arrangement (subscription, allocation key, regional compensation, per verrichting),
invoices for given amounts (no subscription, a period, a basis) and a gapless number series per
seller and year (series "" keeps today's numbers).

SQLite rebuilds an altered table, which drops the immutability triggers on it and breaks those
that name it: they are saved, dropped before and recreated after (PostgreSQL alters in place)."""

import django.db.models.deletion
from django.db import migrations, models

TABELLEN = ("abonnementen_factuur", "abonnementen_arrangement", "abonnementen_nummerreeks")
_saved: list[tuple[str, str]] = []


def _triggers(schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'trigger'")
        return [
            (name, sql)
            for name, tabel, sql in cursor.fetchall()
            if tabel in TABELLEN or any(t in sql for t in TABELLEN)
        ]


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    _saved[:] = _triggers(schema_editor)
    for name, _sql in _saved:
        schema_editor.execute(f'DROP TRIGGER IF EXISTS "{name}"')


def recreate_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for name, sql in _saved:
        schema_editor.execute(f'DROP TRIGGER IF EXISTS "{name}"')
        schema_editor.execute(sql)
    _saved.clear()


class Migration(migrations.Migration):
    dependencies = [
        ("abonnementen", "0005_vastgelegde_partijen"),
        ("accounts", "0005_rollen_tolk_gemeentesecretaris"),
        ("besluiten", "0003_vergadering"),
        ("gemeenten", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(drop_triggers, recreate_triggers),
        migrations.RemoveConstraint(
            model_name="arrangement",
            name="arrangement_tarief_positief",
        ),
        migrations.RemoveConstraint(
            model_name="factuur",
            name="een_jaarfactuur_per_gemeente",
        ),
        migrations.RemoveConstraint(
            model_name="factuur",
            name="factuurnummer_uniek",
        ),
        migrations.AddField(
            model_name="arrangement",
            name="nummerreeks",
            field=models.SlugField(
                blank=True,
                default="",
                help_text="Leeg: de reeks van het administratiekantoor.",
                max_length=12,
                verbose_name="nummerreeks",
            ),
        ),
        migrations.AddField(
            model_name="arrangement",
            name="soort",
            field=models.CharField(
                choices=[
                    ("abonnement", "abonnement per inwoner"),
                    ("verdeelsleutel", "verdeelsleutel"),
                    ("regionale-compensatie", "regionale compensatie"),
                    ("per-verrichting", "per verrichting"),
                ],
                default="abonnement",
                max_length=24,
                verbose_name="soort",
            ),
        ),
        migrations.AddField(
            model_name="factuur",
            name="grondslag",
            field=models.CharField(
                blank=True, db_default="", max_length=300, verbose_name="grondslag"
            ),
        ),
        migrations.AddField(
            model_name="factuur",
            name="periode",
            field=models.CharField(
                blank=True, db_default="", max_length=40, verbose_name="periode"
            ),
        ),
        migrations.AddField(
            model_name="factuur",
            name="reeks",
            field=models.SlugField(blank=True, db_default="", max_length=12),
        ),
        migrations.AddField(
            model_name="nummerreeks",
            name="reeks",
            field=models.SlugField(blank=True, db_default="", max_length=12),
        ),
        migrations.AlterField(
            model_name="factuur",
            name="abonnement",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="facturen",
                to="abonnementen.abonnement",
            ),
        ),
        migrations.AlterField(
            model_name="nummerreeks",
            name="jaar",
            field=models.PositiveSmallIntegerField(),
        ),
        migrations.AddConstraint(
            model_name="arrangement",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("tarief__gt", 0),
                    models.Q(models.Q(("soort", "abonnement"), _negated=True), ("tarief__gte", 0)),
                    _connector="OR",
                ),
                name="arrangement_tarief_positief",
            ),
        ),
        migrations.AddConstraint(
            model_name="factuur",
            constraint=models.UniqueConstraint(
                condition=models.Q(("soort", "factuur")),
                fields=("arrangement", "jaar", "gemeente", "periode"),
                name="een_jaarfactuur_per_gemeente",
            ),
        ),
        migrations.AddConstraint(
            model_name="factuur",
            constraint=models.UniqueConstraint(
                fields=("reeks", "nummerjaar", "volgnummer"), name="factuurnummer_uniek"
            ),
        ),
        migrations.AddConstraint(
            model_name="nummerreeks",
            constraint=models.UniqueConstraint(
                fields=("reeks", "jaar"), name="nummerreeks_per_jaar"
            ),
        ),
        migrations.RunPython(recreate_triggers, drop_triggers),
    ]
