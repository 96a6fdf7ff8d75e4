"""A decision step (Task Force assessment, College advice, board decision, committee adoption)
records the meeting it was taken in; the meeting must be of the right body and on its date."""

from __future__ import annotations

import datetime as dt

import pytest

from samen.besluiten import services as besluiten
from samen.core.errors import DomainError
from samen.gremia import services as gremia
from samen.gremia.models import Gremium, Vergadering
from tests.besluiten.test_process import ADVIES, BEOORDELING
from tests.gremia import factories as f

pytestmark = pytest.mark.django_db

D = dt.date


@pytest.fixture
def bodies():
    return {
        soort: f.gremium(soort)
        for soort in (Gremium.Soort.TASKFORCE, Gremium.Soort.COLLEGE, Gremium.Soort.VNG_BESTUUR)
    }


def test_each_step_records_its_meeting_and_the_decision_page_shows_it(
    make_voorziening, bodies, client
):
    v = make_voorziening(fase="ontwikkeling")
    tf = f.vergadering(bodies["taskforce"], D(2017, 2, 1))
    col = f.vergadering(bodies["college"], D(2017, 3, 1))
    bst = f.vergadering(bodies["vng-bestuur"], D(2017, 4, 1))
    verzoek = besluiten.submit_request(v, "Opschalen", "Klaar.", D(2017, 1, 10))
    b = besluiten.assess(verzoek, BEOORDELING, D(2017, 2, 1), vergadering=tf)
    a = besluiten.advise(
        verzoek, {**ADVIES, "binding": "vrijwillig"}, D(2017, 3, 1), vergadering=col
    )
    besluit = besluiten.decide(verzoek, "vastgesteld", D(2017, 4, 1), vergadering=bst)
    assert (b.vergadering, a.vergadering, besluit.vergadering) == (tf, col, bst)
    page = client.get(f"/besluiten/{besluit.uuid}")
    assert page.status_code == 200
    html = page.content.decode()
    assert f"/vergaderingen/{bst.uuid}" in html
    # the API names each step's meeting too (issue 18)
    detail = client.get(f"/api/v1/verzoeken/{verzoek.uuid}", HTTP_ACCEPT="application/json")
    assert detail.status_code == 200, detail.content[:300]
    body = detail.json()
    assert body["beoordeling"]["vergadering"] == str(tf.uuid)
    assert body["advies"]["vergadering"] == str(col.uuid)
    assert [b["vergadering"] for b in body["besluiten"]] == [str(bst.uuid)]
    listed = client.get("/api/v1/besluiten", HTTP_ACCEPT="application/json").json()["results"]
    assert {b["uuid"]: b["vergadering"] for b in listed}[str(besluit.uuid)] == str(bst.uuid)


def test_a_step_from_before_the_bodies_has_no_meeting_in_the_api(make_voorziening, client):
    v = make_voorziening(fase="ontwikkeling")
    verzoek = besluiten.submit_request(v, "Opschalen", "Klaar.", D(2017, 1, 10))
    besluiten.assess(verzoek, BEOORDELING, D(2017, 2, 1))
    body = client.get(f"/api/v1/verzoeken/{verzoek.uuid}", HTTP_ACCEPT="application/json").json()
    assert body["beoordeling"]["vergadering"] is None


def test_a_meeting_of_another_body_or_date_is_refused(make_voorziening, bodies):
    v = make_voorziening(fase="ontwikkeling")
    col = f.vergadering(bodies["college"], D(2017, 2, 1))
    tf_other_day = f.vergadering(bodies["taskforce"], D(2017, 2, 2))
    verzoek = besluiten.submit_request(v, "Opschalen", "Klaar.", D(2017, 1, 10))
    with pytest.raises(DomainError) as exc:
        besluiten.assess(verzoek, BEOORDELING, D(2017, 2, 1), vergadering=col)
    assert exc.value.problems[0].code == "wrong_body"
    with pytest.raises(DomainError) as exc:
        besluiten.assess(verzoek, BEOORDELING, D(2017, 2, 1), vergadering=tf_other_day)
    assert exc.value.problems[0].code == "date_mismatch"
    gremia.set_status(tf_other_day, Vergadering.Status.GEANNULEERD)
    with pytest.raises(DomainError) as exc:
        besluiten.assess(verzoek, BEOORDELING, D(2017, 2, 2), vergadering=tf_other_day)
    assert exc.value.problems[0].code == "cancelled"
    verzoek.refresh_from_db()
    assert verzoek.stap == "ingediend"


def test_a_written_round_fits_a_later_decision(make_voorziening, bodies):
    v = make_voorziening(fase="ontwikkeling")
    ronde = f.vergadering(bodies["taskforce"], D(2017, 2, 1), soort="schriftelijk")
    verzoek = besluiten.submit_request(v, "Opschalen", "Klaar.", D(2017, 1, 10))
    b = besluiten.assess(verzoek, BEOORDELING, D(2017, 2, 8), vergadering=ronde)
    assert b.vergadering == ronde


def test_committee_adoption_records_its_meeting(ingediend, commissie, bodies, admin_client):
    from samen.aanbieders import services as aanbieders

    cie = f.gremium(Gremium.Soort.COMMISSIE_DI)
    vandaag = D(2018, 3, 1)
    with pytest.raises(DomainError) as exc:
        aanbieders.decide_document(
            ingediend,
            True,
            datum=vandaag,
            user=commissie,
            vergadering=f.vergadering(bodies["college"], vandaag),
        )
    assert exc.value.problems[0].code == "wrong_body"
    vergadering = f.vergadering(cie, vandaag)
    doc = aanbieders.decide_document(
        ingediend, True, datum=vandaag, user=commissie, vergadering=vergadering
    )
    assert doc.vergadering == vergadering and doc.besluit.vergadering == vergadering
    api = admin_client.get(
        f"/api/v1/verantwoordingsdocumenten/{doc.uuid}", HTTP_ACCEPT="application/json"
    )
    assert api.status_code == 200 and api.json()["vergadering"] == str(vergadering.uuid)
