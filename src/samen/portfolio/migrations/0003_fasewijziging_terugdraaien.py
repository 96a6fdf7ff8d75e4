"""Phase changes can be reverted: a uuid per row (to name the one reverted), a kind and a pointer
from the revert to the reverted row. Existing rows get a uuid each."""

import uuid

import django.db.models.deletion
from django.db import migrations, models


def fill_uuids(apps, schema_editor):
    Fasewijziging = apps.get_model("portfolio", "Fasewijziging")
    for pk in Fasewijziging.objects.filter(uuid__isnull=True).values_list("pk", flat=True):
        Fasewijziging.objects.filter(pk=pk).update(uuid=uuid.uuid4())


class Migration(migrations.Migration):
    dependencies = [
        ("portfolio", "0002_bron_labels"),
    ]

    operations = [
        migrations.AddField(
            model_name="fasewijziging",
            name="uuid",
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.RunPython(fill_uuids, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="fasewijziging",
            name="uuid",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
        migrations.AddField(
            model_name="fasewijziging",
            name="soort",
            field=models.CharField(
                choices=[("wijziging", "fasewijziging"), ("teruggedraaid", "teruggedraaid")],
                default="wijziging",
                max_length=20,
                verbose_name="soort",
            ),
        ),
        migrations.AddField(
            model_name="fasewijziging",
            name="draait_terug",
            field=models.OneToOneField(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="terugdraaiing",
                to="portfolio.fasewijziging",
                verbose_name="draait terug",
            ),
        ),
        migrations.AddConstraint(
            model_name="fasewijziging",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("soort", "wijziging"), ("draait_terug__isnull", True)),
                    models.Q(("soort", "teruggedraaid"), ("draait_terug__isnull", False)),
                    _connector="OR",
                ),
                name="fasewijziging_terugdraaiing_wijst",
            ),
        ),
    ]
