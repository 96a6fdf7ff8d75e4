"""Collection in the browser: the administration office's collection month (read a bank CSV
that pays an unpaid invoice, the payment is matched, pass the month on to the providers) and a
provider reading its statement; axe on both pages."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from tests.browser.conftest import axe_violations, describe_violations, login

pytestmark = pytest.mark.browser
PASSWORD = "Een-lang-inning-wachtwoord-2019!"

SETUP = """
import json
from samen.accounts.models import Gebruiker, Organisatie
from samen.abonnementen.models import Factuur

k, _ = Gebruiker.objects.get_or_create(
    username="kantoor-inning", defaults={"rol": "administratiekantoor"}
)
k.set_password(PASSWORD)
k.save()
akj = Organisatie.objects.get(afkorting="AKJ")
a, _ = Gebruiker.objects.get_or_create(
    username="akj", defaults={"rol": "aanbieder", "organisatie": akj}
)
a.set_password(PASSWORD)
a.save()
f = Factuur.objects.get(
    arrangement__naam__startswith="Vertrouwenswerk", jaar=2020, gemeente__code="GM0014",
    soort="factuur",
)
akj_line = f.regels.get(dienst__aanbieder=akj).bedrag
print(json.dumps({"nummer": f.nummer, "kenmerk": f.betalingskenmerk, "totaal": str(f.totaal),
                  "akj": str(akj_line)}))
"""


@pytest.fixture(scope="session")
def collection(live_site):
    out = live_site.run("shell", "-c", f"PASSWORD = {PASSWORD!r}\n" + SETUP)
    return json.loads(out.strip().splitlines()[-1])


def test_the_offices_collection_month_and_the_providers_statement(
    browser, live_site, collection, tmp_path
):
    bedrag = collection["totaal"].replace(".", ",")
    statement = tmp_path / "afschrift-2019-01.csv"
    statement.write_text(
        "rekening;afschrift;boekdatum;bankreferentie;eindtoeindid;bijaf;bedrag;terugboeking;"
        "tegenrekening;naam;omschrijving\n"
        f"NL02ABNA0123456789;2019-001;2019-01-15;B19011500001;E2E-GRONINGEN-2019;bij;{bedrag};"
        f"nee;NL20INGB0001234567;Gemeente Groningen;Factuur {collection['nummer']} kenmerk "
        f"{collection['kenmerk']}\n",
        encoding="utf-8",
    )
    context = browser.new_context(locale="nl-NL")
    page = context.new_page()
    login(page, live_site, "kantoor-inning", PASSWORD)
    page.goto(live_site + "/inning")
    assert not axe_violations(page), describe_violations(axe_violations(page))
    page.set_input_files("#bestand", str(statement))
    page.click("form:has(input[value=importeren]) button[type=submit]")
    page.wait_for_load_state()
    status = page.locator("p.alert").all_inner_texts()
    assert status and "alert--error" not in page.content(), status

    # pass January 2019 on to the providers
    page.fill("#afd-start", "2019-01-01")
    page.fill("#afd-eind", "2019-01-31")
    page.click("form:has(input[value=afdragen]) button[type=submit]")
    page.wait_for_load_state()
    page.click("form:has(input[name=bevestigd]) button[type=submit]")  # confirm
    page.wait_for_load_state()
    status = page.locator("p.alert").all_inner_texts()
    assert any("uitgevoerd" in m for m in status), status

    # what was passed on to AKJ for January 2019, and that it includes this payment's AKJ line
    januari = json.loads(
        live_site.run(
            "shell",
            "-c",
            "import json\n"
            "from django.db.models import Sum\n"
            "from samen.inning.models import Afdracht\n"
            "qs = Afdracht.objects.filter(\n"
            "    periode__start='2019-01-01', aanbieder__afkorting='AKJ')\n"
            "print(json.dumps(str(qs.aggregate(s=Sum('bedrag'))['s'])))",
        )
        .strip()
        .splitlines()[-1]
    )
    assert Decimal(januari) >= Decimal(collection["akj"]) > 0

    # the provider sees its own statement for the month
    login(page, live_site, "akj", PASSWORD)
    page.goto(live_site + "/inning/afdrachten")
    text = page.inner_text("main")
    assert "Afdrachten aan Advies- en Klachtenbureau Jeugdzorg" in text
    whole, cents = str(Decimal(januari).quantize(Decimal("0.01"))).split(".")
    dutch = f"{int(whole):,}".replace(",", ".") + "," + cents
    assert f"€ {dutch}" in text, (dutch, text[:1500])
    assert "Stichting De Kindertelefoon" not in text  # only its own statements
    assert not axe_violations(page), describe_violations(axe_violations(page))
    context.close()
