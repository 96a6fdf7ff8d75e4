"""The members' meeting in the browser, JavaScript off: a voter casts and changes a ballot, the
programme office closes and publishes, the public reads the result per municipality (axe on
each page: its HTML as the JavaScript-free browser got it, checked in a page with JavaScript on,
since axe is a script)."""

from __future__ import annotations

import pytest

from tests.browser.conftest import axe_all_violations, describe_violations, login

pytestmark = pytest.mark.browser
PASSWORD = "Een-lang-stem-wachtwoord-2016!"

SETUP = """
import datetime as dt
from django.utils import timezone
from samen.accounts.models import Gebruiker, Rol
from samen.gemeenten.models import Gemeente
from samen.ledenvergadering import services
from samen.ledenvergadering.models import Ledenvergadering, Stemgewichttabel

g = Gemeente.objects.get(code="GM0014")
voter, _ = Gebruiker.objects.get_or_create(
    username="lv-stemmer", defaults={"rol": Rol.GEMEENTE, "gemeente": g}
)
office, _ = Gebruiker.objects.get_or_create(
    username="lv-bureau", defaults={"rol": Rol.PROGRAMMABUREAU}
)
for u in (voter, office):
    u.set_password(PASSWORD)
    u.save()
if not Stemgewichttabel.objects.exists():
    services.enter_table(2010, [(0, 1), (10000, 2), (50000, 5), (200000, 10)], voorbeeld=True)
Ledenvergadering.objects.filter(titel="ALV browsertest").update(titel="ALV browsertest (oud)")
v = services.create_meeting("alv", "ALV browsertest", dt.date(2019, 6, 1),
                            timezone.now() + dt.timedelta(days=1))
services.add_proposal(v, "A", "algemeen", "Browservoorstel")
v = services.publish_agenda(v)
services.designate(v, voter)
print("UUID", v.uuid)
"""


def _serious(page, checker, what):
    """axe on ``page`` (JavaScript off) as it is now: its HTML is loaded into ``checker`` (a page
    with JavaScript on, for axe only) on the same origin, so the styles load too."""
    html = page.content()
    checker.goto("/".join(page.url.split("/")[:3]) + "/toegankelijkheid")
    checker.set_content(html)
    checker.wait_for_load_state()
    violations = axe_all_violations(checker)
    serious = [v for v in violations if v.get("impact") in ("serious", "critical")]
    assert not serious, f"{what}: axe found\n{describe_violations(violations)}"


def test_vote_change_close_publish_read(browser, live_site):
    out = live_site.run("shell", "-c", f"PASSWORD = {PASSWORD!r}\n" + SETUP)
    uuid = [line for line in str(out).splitlines() if line.startswith("UUID")][-1].split()[1]
    url = f"{live_site}/ledenvergaderingen/{uuid}"
    checker_context = browser.new_context(locale="nl-NL")  # JavaScript on, for axe only
    checker = checker_context.new_page()

    voter = browser.new_context(locale="nl-NL", java_script_enabled=False)
    page = voter.new_page()
    login(page, live_site, "lv-stemmer", PASSWORD)
    page.goto(url)
    _serious(page, checker, "meeting for the voter")
    page.check("input[name=keuze][value=voor]")
    page.click("text=Stem uitbrengen")
    page.wait_for_load_state()
    assert "nu: voor" in page.inner_text("main")
    page.check("input[name=keuze][value=tegen]")
    page.click("text=Stem uitbrengen")
    page.wait_for_load_state()
    assert "nu: tegen" in page.inner_text("main")
    voter.close()

    office = browser.new_context(locale="nl-NL", java_script_enabled=False)
    page = office.new_page()
    login(page, live_site, "lv-bureau", PASSWORD)
    page.goto(url)
    assert "Gewogen stemmen" not in page.inner_text("main")  # secret until closing
    page.click("text=Stemming sluiten")
    page.wait_for_load_state()
    page.click("text=Uitslag publiceren")
    page.wait_for_load_state()
    _serious(page, checker, "meeting for the office")
    office.close()

    public = browser.new_context(locale="nl-NL", java_script_enabled=False)
    page = public.new_page()
    response = page.goto(url)
    assert response.status == 200
    main = page.inner_text("main")
    assert "Gewogen stemmen" in main and "A: tegen" in main
    _serious(page, checker, "published result")
    response = page.goto(f"{live_site}/ledenvergaderingen")
    assert response.status == 200 and "BALV 30 november 2016" in page.inner_text("main")
    _serious(page, checker, "list of meetings")
    public.close()
    checker_context.close()


def test_axe_refuses_a_page_without_javascript_instead_of_hanging(page_without_js, live_site):
    """axe is a script: in a context with JavaScript off it would wait forever for its answer.
    The helper says so within seconds (this test once hung the whole suite)."""
    page_without_js.goto(f"{live_site}/ledenvergaderingen")
    with pytest.raises(AssertionError, match="axe needs JavaScript"):
        axe_all_violations(page_without_js)
