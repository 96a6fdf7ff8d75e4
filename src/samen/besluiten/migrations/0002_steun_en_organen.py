"""Support becomes a row with a state, given by the supporting municipality itself; the public
"door" fields name the body or municipality, never a person.

Existing support migrates as "gevraagd, niet bevestigd" except where the supporter is the
requester's own municipality (its contact filed the request). The requester, assessor,
adviser and board fields are rewritten to the municipality or body: the person who entered a
step stays in the ``gebruiker`` fields and the audit trail, for the office only."""

import re

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

TASKFORCE = "Task Force Samen Organiseren"
COLLEGE = "College voor Dienstverleningszaken"
BESTUUR = "VNG-bestuur"


ORGAAN = {
    "taskforce": TASKFORCE,
    "college": COLLEGE,
    "bestuur": BESTUUR,
    "commissie": "VNG-commissie",
    "programmabureau": "programmabureau",
}


def _orgaan(user, default: str) -> str:
    if user is None:
        return default
    if user.rol == "gemeente" and user.gemeente_id is not None:
        return f"gemeente {user.gemeente.naam}"
    if user.organisatie_id is not None:
        return user.organisatie.naam
    return ORGAAN.get(user.rol, default)


def _zonder_persoon(text: str, user) -> str:
    """As besluiten.models.zonder_persoon (historical models have no get_full_name)."""
    body = _orgaan(user, "VNG")
    full = f"{user.first_name} {user.last_name}".strip()
    for name in sorted({full, user.username}, key=len, reverse=True):
        name = name.strip()
        if len(name) < 3 or name.lower() in body.lower():
            continue
        text = re.sub(rf"(?<!\w){re.escape(name)}(?!\w)", body, text)
    return text


def forwards(apps, schema_editor):
    Verzoek = apps.get_model("besluiten", "Verzoek")
    Steun = apps.get_model("besluiten", "Steun")
    Beoordeling = apps.get_model("besluiten", "Beoordeling")
    Advies = apps.get_model("besluiten", "Advies")
    Besluit = apps.get_model("besluiten", "Besluit")
    rows = []
    for verzoek in Verzoek.objects.select_related(
        "aanvrager", "aanvrager__gemeente", "aanvrager__organisatie"
    ).prefetch_related("steunende_gemeenten"):
        user = verzoek.aanvrager
        eigen = user.gemeente_id if user is not None and user.rol == "gemeente" else None
        for gemeente in verzoek.steunende_gemeenten.all():
            confirmed = gemeente.pk == eigen
            rows.append(
                Steun(
                    verzoek=verzoek,
                    gemeente=gemeente,
                    status="bevestigd" if confirmed else "gevraagd",
                    gevraagd_op=verzoek.ingediend_op,
                    beantwoord_op=verzoek.ingediend_op if confirmed else None,
                    beantwoord_door=user if confirmed else None,
                )
            )
        naam = _orgaan(user, "programmabureau")
        if verzoek.aanvrager_naam != naam:
            Verzoek.objects.filter(pk=verzoek.pk).update(aanvrager_naam=naam)
    Steun.objects.bulk_create(rows)
    Beoordeling.objects.exclude(door=TASKFORCE).update(door=TASKFORCE)
    Advies.objects.exclude(door=COLLEGE).update(door=COLLEGE)
    # A published decision keeps its content; who took it is named by the body, not the person
    # who entered it (the board for the decision process, the body of the role otherwise).
    Besluit.objects.filter(verzoek__isnull=False).exclude(genomen_door=BESTUUR).update(
        genomen_door=BESTUUR
    )
    others = Besluit.objects.filter(verzoek__isnull=True, gebruiker__isnull=False)
    for besluit in others.select_related(
        "gebruiker", "gebruiker__gemeente", "gebruiker__organisatie"
    ):
        door = _zonder_persoon(besluit.genomen_door, besluit.gebruiker)
        if door != besluit.genomen_door:
            Besluit.objects.filter(pk=besluit.pk).update(genomen_door=door)


def backwards(apps, schema_editor):
    Steun = apps.get_model("besluiten", "Steun")
    Verzoek = apps.get_model("besluiten", "Verzoek")
    for steun in Steun.objects.all():
        Verzoek.objects.get(pk=steun.verzoek_id).steunende_gemeenten.add(steun.gemeente_id)


class Migration(migrations.Migration):
    dependencies = [
        ("besluiten", "0001_initial"),
        ("gemeenten", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Steun",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("gevraagd", "gevraagd, niet bevestigd"),
                            ("bevestigd", "bevestigd"),
                            ("afgewezen", "afgewezen"),
                        ],
                        default="gevraagd",
                        max_length=20,
                        verbose_name="status",
                    ),
                ),
                ("gevraagd_op", models.DateField(verbose_name="gevraagd op")),
                (
                    "beantwoord_op",
                    models.DateField(blank=True, null=True, verbose_name="beantwoord op"),
                ),
                (
                    "beantwoord_door",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "gemeente",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="steun_voor_verzoeken",
                        to="gemeenten.gemeente",
                    ),
                ),
                (
                    "verzoek",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="steun",
                        to="besluiten.verzoek",
                    ),
                ),
            ],
            options={
                "verbose_name": "steun",
                "verbose_name_plural": "steun",
                "ordering": ["verzoek", "gemeente__naam"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("verzoek", "gemeente"), name="steun_eenmaal_per_gemeente"
                    )
                ],
            },
        ),
        migrations.RunPython(forwards, backwards),
        migrations.RemoveField(model_name="verzoek", name="steunende_gemeenten"),
        migrations.AlterField(
            model_name="verzoek",
            name="aanvrager_naam",
            field=models.CharField(
                help_text="De gemeente of het orgaan dat het verzoek indient, nooit een persoon.",
                max_length=200,
                verbose_name="aangevraagd door",
            ),
        ),
    ]
