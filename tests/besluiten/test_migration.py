"""The data migration of support and public names (besluiten 0002) on a database of the
previous release: support named by the requester becomes "gevraagd, niet bevestigd" except the
requester's own municipality; persons' names become the municipality or body."""

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
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from samen.accounts.models import Gebruiker
from samen.gemeenten.models import Gemeente
from samen.gemeenten.services import load_register
from samen.portfolio import services as portfolio

load_register()
v = portfolio.create_voorziening(
    {"naam": "Voorziening", "korte_omschrijving": "x", "spoor": 2,
     "domein": "publieksdienstverlening", "soort": "applicatie", "gebruikers": "gemeente",
     "startdatum": dt.date(2017, 1, 1)},
    {"wat_is_het": "x"}, fase="ontwikkeling")
contact = Gebruiker.objects.create_user("a.amersfoort", None, rol="gemeente",
    first_name="Aaltje", last_name="Amersfoorter", gemeente=Gemeente.objects.get(code="GM0307"))
board = Gebruiker.objects.create_user("b.bestuur", None, rol="bestuur",
    first_name="Bram", last_name="Bestuurlijk")
po = Gebruiker.objects.create_user("p.programma", None, rol="programmabureau",
    first_name="Pieter", last_name="Programma")

executor = MigrationExecutor(connection)
executor.migrate([("besluiten", "0001_initial")])
old = executor.loader.project_state([("besluiten", "0001_initial")]).apps
Verzoek = old.get_model("besluiten", "Verzoek")
Beoordeling = old.get_model("besluiten", "Beoordeling")
Besluit = old.get_model("besluiten", "Besluit")
verzoek = Verzoek.objects.create(
    voorziening_id=v.pk, titel="Opschalen", motivering="x", aanvrager_id=contact.pk,
    aanvrager_naam="Aaltje Amersfoorter", ingediend_op=dt.date(2017, 1, 10), stap="beoordeeld")
verzoek.steunende_gemeenten.set(
    [Gemeente.objects.get(code=c).pk for c in ("GM0307", "GM0344", "GM0363")])
anoniem = Verzoek.objects.create(
    voorziening_id=v.pk, titel="Van het bureau", motivering="x",
    aanvrager_naam="programmabureau", ingediend_op=dt.date(2017, 1, 11))
anoniem.steunende_gemeenten.set([Gemeente.objects.get(code="GM0307").pk])
Beoordeling.objects.create(verzoek_id=verzoek.pk, impact_gemeenten="a", impact_inwoners="b",
    maatschappelijke_baten="c", opschaalbaarheid="d", door="Teun Taakkracht",
    datum=dt.date(2017, 2, 1))
Besluit.objects.create(soort="opschaling", verzoek_id=verzoek.pk, nummer="B2017-001",
    titel="Opschalen", uitkomst="vastgesteld", datum=dt.date(2017, 4, 1),
    genomen_door="Bram Bestuurlijk", gebruiker_id=board.pk)
Besluit.objects.create(soort="verlenging", nummer="B2017-002", titel="Verlenging",
    uitkomst="vastgesteld", datum=dt.date(2017, 4, 2), gebruiker_id=po.pk,
    genomen_door="Algemene ledenvergadering VNG (vastgelegd door Pieter Programma)")
Besluit.objects.create(soort="vaststelling", nummer="B2017-003", titel="Jaarplan",
    uitkomst="vastgesteld", datum=dt.date(2017, 4, 3), genomen_door="VNG-commissie")

executor = MigrationExecutor(connection)
executor.migrate(executor.loader.graph.leaf_nodes())

from samen.besluiten.models import Besluit, Beoordeling, Steun, Verzoek
print(json.dumps({
    "steun": sorted([s.verzoek.titel, s.gemeente.code, s.status, str(s.beantwoord_op)]
                    for s in Steun.objects.select_related("verzoek", "gemeente")),
    "aanvrager": sorted(Verzoek.objects.values_list("aanvrager_naam", flat=True)),
    "door": list(Beoordeling.objects.values_list("door", flat=True)),
    "genomen_door": list(Besluit.objects.order_by("nummer").values_list("genomen_door", flat=True)),
}))
"""


@pytest.mark.sqlite
def test_existing_support_becomes_asked_and_names_become_bodies(tmp_path):
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
    assert body["steun"] == [
        ["Opschalen", "GM0307", "bevestigd", "2017-01-10"],  # the requester's own municipality
        ["Opschalen", "GM0344", "gevraagd", "None"],
        ["Opschalen", "GM0363", "gevraagd", "None"],
        ["Van het bureau", "GM0307", "gevraagd", "None"],  # filed by the office: asked
    ]
    assert body["aanvrager"] == ["gemeente Amersfoort", "programmabureau"]
    assert body["door"] == ["Task Force Samen Organiseren"]
    assert body["genomen_door"] == [
        "VNG-bestuur",
        "Algemene ledenvergadering VNG (vastgelegd door programmabureau)",
        "VNG-commissie",
    ]
