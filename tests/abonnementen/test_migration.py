"""The data migration of the parties as issued (abonnementen 0005) on a database of the previous
release: every issued document gets the buyer's and seller's details as they stand at the
migration, and the database refuses changing them afterwards."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

SAMEN = str(Path(sys.executable).parent / "samen")

SCRIPT = r"""
import datetime as dt, json
from decimal import Decimal
from django.db import DatabaseError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from samen.accounts.models import Organisatie
from samen.gemeenten.services import load_register
from samen.abonnementen import services
from samen.abonnementen.demo_ubl import load_voorbeelden
from samen.abonnementen.models import Arrangement, Dienst

load_register()
kantoor = Organisatie.objects.create(naam="Kantoor", afkorting="K", soort="administratiekantoor")
a = Arrangement.objects.create(
    naam="A", eerste_jaar=2018, laatste_jaar=2018, tarief=Decimal("0.50"), prijspeil=2017,
    afleiding_budget=Decimal("8540000"), afleiding_inwoners=17081507,
    afleiding_peildatum=dt.date(2017, 1, 1), administratiekantoor=kantoor)
Dienst.objects.create(arrangement=a, code="een", naam="Dienst een", aanbieder=kantoor,
    budget=Decimal("8540000"))
services.set_index(a, 2018, "0")
services.subscribe_all(a)
load_voorbeelden()
services.billing_run(a, 2018, factuurdatum=dt.date(2017, 12, 1))

# back to the previous release: no parties stored; the details change there
executor = MigrationExecutor(connection)
executor.migrate([("abonnementen", "0004_factuurgegevens")])
old = executor.loader.project_state([("abonnementen", "0004_factuurgegevens")]).apps
old.get_model("abonnementen", "Factuurgegevens").objects.filter(
    gemeente__code="GM0014").update(postcode="3511 AA")

executor = MigrationExecutor(connection)
executor.migrate(executor.loader.graph.leaf_nodes())

from samen.abonnementen.models import Factuur, Factuurpartijen, Partijversie
link = Factuurpartijen.objects.select_related("koper").get(factuur__gemeente__code="GM0014")
refused = []
for statement in (
    lambda: Partijversie.objects.filter(pk=link.koper_id).update(gegevens={}),
    lambda: Factuurpartijen.objects.filter(pk=link.pk).delete(),
):
    try:
        with transaction.atomic():
            statement()
    except DatabaseError:
        refused.append(True)
print(json.dumps({
    "issued": Factuur.objects.filter(status="uitgegeven").count(),
    "links": Factuurpartijen.objects.count(),
    "verkopers": Partijversie.objects.filter(rol="verkoper").count(),
    "postcode": link.koper.gegevens["postcode"],
    "refused": len(refused),
}))
"""


@pytest.mark.sqlite
def test_issued_documents_get_the_details_as_they_stand_at_the_migration(tmp_path):
    env = dict(os.environ)
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'migratie.sqlite3'}"
    env["SAMEN_VAR_DIR"] = str(tmp_path)
    subprocess.run([SAMEN, "migrate", "--no-input", "-v0"], env=env, check=True, cwd=tmp_path)
    result = subprocess.run(
        [SAMEN, "shell", "--no-imports", "-c", SCRIPT],
        env=env,
        cwd=tmp_path,
        check=True,
        capture_output=True,
        text=True,
    )
    body = json.loads(result.stdout.strip().splitlines()[-1])
    assert body["issued"] > 300
    assert body["links"] == body["issued"]
    assert body["verkopers"] == 1
    assert body["postcode"] == "3511 AA"
    assert body["refused"] == 2
