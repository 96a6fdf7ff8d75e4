"""Who did it, as the public may see it (a role or organisation, never a person's name), and
corrections of a status change by a new row that points to the one it undoes."""

import django.db.models.deletion
from django.db import migrations, models


ROLES = {
    "programmabureau": "programmabureau",
    "taskforce": "lid Task Force",
    "college": "lid College",
    "commissie": "lid commissie",
    "bestuur": "lid bestuur",
    "financien": "financiën",
    "administratiekantoor": "administratiekantoor",
    "aanbieder": "aanbieder",
}


def _role(user, gemeenten) -> str:
    if user.rol == "gemeente":
        naam = gemeenten.get(user.gemeente_id)
        return f"contactpersoon {naam}" if naam else "contactpersoon gemeente"
    if user.rol:
        return ROLES.get(user.rol, user.rol)
    return "beheerder" if user.is_superuser else ""


def fill_roles(apps, schema_editor):
    """Existing rows name a person (the user's full name or username at the time); find the
    user and store the role. A name that matches no user, or several, gets no role (shown as
    a dash to the public)."""
    Gebruiker = apps.get_model("accounts", "Gebruiker")
    Gemeente = apps.get_model("gemeenten", "Gemeente")
    Deelname = apps.get_model("deelnames", "Deelname")
    Statuswijziging = apps.get_model("deelnames", "Statuswijziging")
    gemeenten = dict(Gemeente.objects.values_list("pk", "naam"))
    by_label: dict[str, set[str]] = {}
    for user in Gebruiker.objects.all():
        role = _role(user, gemeenten)
        full = f"{user.first_name} {user.last_name}".strip()
        for label in {user.username, full} - {""}:
            by_label.setdefault(label, set()).add(role)

    def role_of(label: str) -> str:
        roles = by_label.get(label, set())
        return next(iter(roles)) if len(roles) == 1 else ""

    for door in Statuswijziging.objects.exclude(door="").values_list("door", flat=True).distinct():
        Statuswijziging.objects.filter(door=door).update(door_als=role_of(door))
    for door in (
        Deelname.objects.exclude(geaccepteerd_door="")
        .values_list("geaccepteerd_door", flat=True)
        .distinct()
    ):
        Deelname.objects.filter(geaccepteerd_door=door).update(geaccepteerd_als=role_of(door))


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_organisatie_leden"),
        ("gemeenten", "0001_initial"),
        ("deelnames", "0005_deelname_namens"),
    ]

    operations = [
        migrations.AddField(
            model_name="deelname",
            name="geaccepteerd_als",
            field=models.CharField(blank=True, max_length=200),
        ),
        migrations.AddField(
            model_name="statuswijziging",
            name="door_als",
            field=models.CharField(blank=True, max_length=200),
        ),
        migrations.AddField(
            model_name="statuswijziging",
            name="corrigeert",
            field=models.OneToOneField(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="correctie",
                to="deelnames.statuswijziging",
                verbose_name="corrigeert statuswijziging",
            ),
        ),
        migrations.RunPython(fill_roles, migrations.RunPython.noop),
    ]
