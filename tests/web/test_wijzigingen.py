"""History and audit rows read as "Label: voor → na" in Dutch: no field names, dicts or ids."""

from __future__ import annotations

import pytest

from samen.audit.queries import Wijziging
from samen.web.templatetags.wijzigingen import (
    objectsoort,
    wijziging_tekst,
    zichtbare_wijzigingen,
)

pytestmark = [pytest.mark.sqlite]


def test_a_nested_value_is_words_not_a_python_dict():
    w = Wijziging("factsheet", None, {"wie_ontwikkeld": "VNG", "uuid": "x", "actief": True})
    text = wijziging_tekst(w, "portfolio.voorziening")
    assert "{" not in text and "'" not in text and "uuid" not in text.lower()
    assert "Wie heeft het ontwikkeld: VNG" in text and "Actief: ja" in text
    assert text.startswith("Factsheet: — → ")


def test_a_choice_shows_its_label_and_a_field_its_verbose_name():
    text = wijziging_tekst(Wijziging("fase", "ontwikkeling", "beeindigd"), "portfolio.voorziening")
    assert text == "Fase: ontwikkeling → beëindigd"
    text = wijziging_tekst(
        Wijziging("ontwikkelaars_toelichting", "", "VNG"), "portfolio.voorziening"
    )
    assert text == "Ontwikkeld door (toelichting): — → VNG"


def test_ids_and_uuids_are_left_out_and_a_uuid_value_is_not_shown():
    rows = [
        Wijziging("id", None, 3),
        Wijziging("uuid", None, "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"),
        Wijziging("naam", None, "Luisterend oor"),
    ]
    assert [w.veld for w in zichtbare_wijzigingen(rows)] == ["naam"]
    shown = wijziging_tekst(Wijziging("ref", None, "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"))
    assert "0f1e2d3c" not in shown


def test_dates_read_as_dates_and_the_object_type_as_the_model_name():
    text = wijziging_tekst(Wijziging("ingangsdatum", "2018-01-01", "2019-03-01"))
    assert "1 januari 2018" in text and "1 maart 2019" in text
    assert objectsoort("portfolio.voorziening") == "Voorziening"
    assert objectsoort("geen.model") == "geen.model"


@pytest.mark.django_db
def test_the_portfolio_plot_has_axis_titles_and_a_legend_of_phase_names(
    client, criteria, make_voorziening
):
    from samen.portfolio import services

    for fase, score in (("opschaling", 5), ("initiatief", 2)):
        v = make_voorziening(fase=fase)
        for c in criteria:
            services.give_score(v, c, score, "reden")
    services.publish_weging(services.create_weging("w", {c.code: 1 for c in criteria}))
    html = client.get("/prioritering").content.decode()
    assert html.count('class="chart__axis-title"') == 2
    assert "swatch--beeindigd" in html and ">beëindigd</span>" in html
