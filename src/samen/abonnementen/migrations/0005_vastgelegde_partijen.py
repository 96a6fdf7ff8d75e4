"""The parties as issued: content-addressed versions of the buyer's and seller's details and
one link per issued document, written when it is issued and never changed (model and database
triggers). Documents issued before this migration get the details as they stand now."""

import hashlib
import json

import django.db.models.deletion
import samen.abonnementen.models_ubl
from django.db import migrations, models


P = "abonnementen_partijversie"
L = "abonnementen_factuurpartijen"
TABELLEN = {P: "partijversie", L: "factuurpartijen"}
KOPER_VELDEN = [
    "juridische_naam", "straat", "huisnummer", "postcode", "plaats", "land", "oin", "kvk",
    "btw_nummer", "inkoopreferentie", "email",
]
ADRES_VELDEN = KOPER_VELDEN[:9]

POSTGRES_UP = """
CREATE OR REPLACE FUNCTION samen_vastgelegd_immutable() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the details of an issued document are immutable (% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;
""" + "".join(
    f"""CREATE TRIGGER {naam}_immutable BEFORE UPDATE OR DELETE ON {tabel}
    FOR EACH ROW EXECUTE FUNCTION samen_vastgelegd_immutable();
"""
    for tabel, naam in TABELLEN.items()
)
POSTGRES_DOWN = "".join(
    f"DROP TRIGGER IF EXISTS {naam}_immutable ON {tabel};\n" for tabel, naam in TABELLEN.items()
) + "DROP FUNCTION IF EXISTS samen_vastgelegd_immutable();"
SQLITE_UP = [
    f"""CREATE TRIGGER {naam}_no_{op.lower()} BEFORE {op} ON {tabel}
        BEGIN SELECT RAISE(ABORT, 'the details of an issued document are immutable'); END;"""
    for tabel, naam in TABELLEN.items()
    for op in ("UPDATE", "DELETE")
]
SQLITE_DOWN = [
    f"DROP TRIGGER IF EXISTS {naam}_no_{op};"
    for naam in TABELLEN.values()
    for op in ("update", "delete")
]


def triggers_up(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_UP, params=None)
    elif vendor == "sqlite":
        for statement in SQLITE_UP:
            schema_editor.execute(statement)
    else:  # pragma: no cover - only the two supported databases
        raise RuntimeError(f"unsupported database: {vendor}")


def triggers_down(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_DOWN, params=None)
    elif vendor == "sqlite":
        for statement in SQLITE_DOWN:
            schema_editor.execute(statement)


def _versie(Partijversie, rol, gegevens):
    canonical = json.dumps([rol, gegevens], sort_keys=True, ensure_ascii=False, default=str)
    sleutel = hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    obj, _ = Partijversie.objects.get_or_create(
        sleutel=sleutel, defaults={"rol": rol, "gegevens": gegevens}
    )
    return obj


def vastleggen(apps, schema_editor):
    """Issued documents so far carry the details as they stand now (the same content as
    ``vastlegging.koper_gegevens`` / ``verkoper_gegevens``)."""
    Factuur = apps.get_model("abonnementen", "Factuur")
    Factuurgegevens = apps.get_model("abonnementen", "Factuurgegevens")
    Afzendergegevens = apps.get_model("abonnementen", "Afzendergegevens")
    Arrangement = apps.get_model("abonnementen", "Arrangement")
    Partijversie = apps.get_model("abonnementen", "Partijversie")
    Factuurpartijen = apps.get_model("abonnementen", "Factuurpartijen")
    kopers = {}
    for g in Factuurgegevens.objects.select_related("gemeente"):
        gegevens = {name: getattr(g, name) for name in KOPER_VELDEN}
        gegevens.update(
            voorbeeld=bool(g.voorbeeld), gemeente=g.gemeente.code, gemeentenaam=g.gemeente.naam
        )
        kopers[g.gemeente_id] = gegevens
    for arrangement in Arrangement.objects.select_related("administratiekantoor"):
        afzender = Afzendergegevens.objects.filter(
            organisatie_id=arrangement.administratiekantoor_id
        ).first()
        if afzender is None:
            continue
        gegevens = {name: getattr(afzender, name) for name in ADRES_VELDEN}
        gegevens.update(
            iban=afzender.iban,
            bic=afzender.bic,
            voorbeeld=bool(afzender.voorbeeld),
            naam=arrangement.administratiekantoor.naam,
            arrangement=arrangement.naam,
            diensten={
                d.code: {
                    "naam": d.naam,
                    "aanbieder": d.aanbieder.naam,
                    "btw_categorie": d.btw_categorie.strip().upper(),
                }
                for d in arrangement.diensten.select_related("aanbieder")
            },
        )
        verkoper = _versie(Partijversie, "verkoper", gegevens)
        versies = {}
        links = []
        for pk, gemeente_id in Factuur.objects.filter(
            arrangement=arrangement, status="uitgegeven"
        ).values_list("pk", "gemeente_id").iterator():
            if gemeente_id not in kopers:
                continue
            if gemeente_id not in versies:
                versies[gemeente_id] = _versie(Partijversie, "koper", kopers[gemeente_id])
            links.append(
                Factuurpartijen(factuur_id=pk, koper=versies[gemeente_id], verkoper=verkoper)
            )
        Factuurpartijen.objects.bulk_create(links, batch_size=2000)


class Migration(migrations.Migration):

    dependencies = [
        ('abonnementen', '0004_factuurgegevens'),
    ]

    operations = [
        migrations.CreateModel(
            name='Partijversie',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('rol', models.CharField(choices=[('koper', 'afnemer'), ('verkoper', 'leverancier')], max_length=10)),
                ('sleutel', models.CharField(max_length=64, unique=True)),
                ('gegevens', models.JSONField()),
                ('aangemaakt_op', models.DateTimeField(auto_now_add=True)),
            ],
            options={
                'verbose_name': 'partijversie',
                'verbose_name_plural': 'partijversies',
            },
        ),
        migrations.AlterField(
            model_name='afzendergegevens',
            name='land',
            field=models.CharField(default='NL', max_length=2, validators=[samen.abonnementen.models_ubl.land_validator], verbose_name='land'),
        ),
        migrations.AlterField(
            model_name='factuurgegevens',
            name='land',
            field=models.CharField(default='NL', max_length=2, validators=[samen.abonnementen.models_ubl.land_validator], verbose_name='land'),
        ),
        migrations.CreateModel(
            name='Factuurpartijen',
            fields=[
                ('factuur', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, primary_key=True, related_name='partijen', serialize=False, to='abonnementen.factuur')),
                ('vastgelegd_op', models.DateTimeField(auto_now_add=True)),
                ('koper', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='abonnementen.partijversie')),
                ('verkoper', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='abonnementen.partijversie')),
            ],
            options={
                'verbose_name': 'partijen van een factuur',
                'verbose_name_plural': 'partijen van facturen',
            },
        ),
        migrations.RunPython(vastleggen, migrations.RunPython.noop),
        migrations.RunPython(triggers_up, triggers_down),
    ]
