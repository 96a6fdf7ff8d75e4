"""No person's name reaches the public (issue 14, item 2).

The demo content is loaded as ``make run`` does; then named people in every role act in it
through the services (a municipality's contact files a request naming another municipality,
whose contact confirms; the Task Force, the College and the board take their steps; a contact
updates a participation and asks for support; a score is given; a provider answers a question)
so that every place where a service writes "who did it" is filled. The names are collected from
every account (first name, last name, full name, username). Then every page and export the
authorisation matrix (docs/autorisatiematrix.md) marks ``ja`` for ``anoniem`` on GET is fetched
as an anonymous visitor, filled with demo objects as the matrix test does (every export format
of a ``.<fmt>`` route), plus the links found on those pages (and the object URLs in JSON
answers) one level deep, at most ``PER_PATTERN`` per URL pattern and query; HTML, CSV, JSON and
XLSX (unzipped) are searched for every name. The public sees the role or the organisation.
"""

from __future__ import annotations

import html
import io
import re
import zipfile
from collections import defaultdict
from urllib.parse import parse_qsl, urlsplit

import pytest

from tests.trust import test_authorisation_matrix as matrix

PER_PATTERN = 12
FORMATS = ("csv", "csv-nl", "xlsx", "json")
SKIP = ("/admin", "/static", "/media", "/uitloggen", "/inloggen")
HREF = re.compile(r"""href=["']([^"'#]+)["']""")
API_URL = re.compile(r'"(http://testserver/[^"]+)"')

# Invented, distinctive names (no word, place or organisation contains them).
PEOPLE = {
    "indiener": ("gemeente", "GM0014", "Wiebrigje", "Zwanenburgh", "wiebrigje.zb"),
    "steuner": ("gemeente", "GM0363", "Hiltsje", "Oosterhuysz", "hiltsje.oh"),
    "taskforce": ("taskforce", None, "Gerbrandus", "Tjallingii-Vos", "gerbrandus.tv"),
    "college": ("college", None, "Roelofjetta", "Quakkelsteyn", "roelofjetta.qs"),
    "bestuur": ("bestuur", None, "Sjoerdtje", "Ypmabrouwer", "sjoerdtje.yb"),
    "programmabureau": ("programmabureau", None, "Meindertje", "Kloppenburgh", "meindertje.kb"),
    "aanbieder": ("aanbieder", None, "Jildouwke", "Hettingavries", "jildouwke.hv"),
}


def _people():
    from samen.accounts.models import Gebruiker, Organisatie
    from samen.gemeenten.models import Gemeente

    users = {}
    for key, (rol, code, first, last, username) in PEOPLE.items():
        extra = {}
        if code:
            extra["gemeente"] = Gemeente.objects.get(code=code)
        if rol == "aanbieder":
            extra["organisatie"] = Organisatie.objects.filter(afkorting="AKJ").first()
        users[key] = Gebruiker.objects.create_user(
            username=username, password=None, rol=rol, first_name=first, last_name=last, **extra
        )
    return users


def _act(users) -> None:
    """Named people take every kind of step the public pages show an author for."""
    from samen.aanbieders import services as aanbieders
    from samen.aanbieders.models import Verantwoordingsdocument
    from samen.besluiten import services as besluiten
    from samen.besluiten.models import Verzoek
    from samen.core import clock
    from samen.deelnames import services as deelnames
    from samen.deelnames.models import Deelname
    from samen.fonds import services as fonds
    from samen.fonds.models import Activiteit
    from samen.portfolio import services as portfolio
    from samen.portfolio.models import Criterium, Voorziening

    today = clock.today()
    govroam = Voorziening.objects.get(naam="Govroam")
    # a request naming another municipality, which confirms; then every step on the demo's
    # request that is halfway
    verzoek = besluiten.submit_request(
        govroam,
        "Verdere opschaling Govroam",
        "Meer gemeenten willen aansluiten.",
        today,
        user=users["indiener"],
        steunende_gemeenten=["GM0014", "GM0363", "GM0599"],
    )
    besluiten.answer_support(verzoek, True, today, users["steuner"])
    halfway = Verzoek.objects.filter(stap="ingediend").exclude(pk=verzoek.pk).first()
    for v in (verzoek, halfway):
        besluiten.assess(
            v,
            {
                "impact_gemeenten": "Minder beheer.",
                "impact_inwoners": "Overal wifi.",
                "maatschappelijke_baten": "Tijdwinst.",
                "opschaalbaarheid": "Landelijk.",
            },
            today,
            user=users["taskforce"],
        )
        besluiten.advise(
            v,
            {
                "uitrol": "Alle gemeenten.",
                "tijdpad": "Een jaar.",
                "binding": "vrij",
                "samenwerkingsvorm": "netwerk",
                "uitvoering": "landelijk",
                "voorwaarden": "Geen.",
            },
            today,
            user=users["college"],
        )
        besluiten.decide(v, "vastgesteld", today, user=users["bestuur"])
    # a participation's status and a request for support by the municipality's contact
    deelname = Deelname.objects.get(gemeente__code="GM0014", voorziening=govroam, tot__isnull=True)
    deelnames.update_status(deelname, "in_implementatie", today, user=users["indiener"])
    deelnames.ask_support(deelname, "Hulp bij de configuratie.", today, user=users["indiener"])
    # a score on the portfolio by the programme office
    criterium = Criterium.objects.order_by("volgorde").first()
    portfolio.give_score(
        govroam, criterium, criterium.schaal_max, "Onderbouwd.", user=users["programmabureau"]
    )
    # a question to a provider and its answer
    document = Verantwoordingsdocument.objects.filter(
        aanbieder=users["aanbieder"].organisatie, status="vastgesteld"
    ).first()
    vraag = aanbieders.ask_question(document, "Hoe tellen de contacten?", user=users["indiener"])
    aanbieders.answer_question(vraag, "Per gesprek.", user=users["aanbieder"])
    # a fund authorisation proposed by the College and decided by the board
    activiteit = Activiteit.objects.order_by("pk").first()
    voorstel = fonds.propose_authorisation(activiteit, 2017, "1,00", user=users["college"])
    fonds.decide_authorisation(voorstel, True, today, user=users["bestuur"])


def _names() -> set[str]:
    from samen.accounts.models import Gebruiker

    names = set()
    for user in Gebruiker.objects.all():
        for name in (user.first_name, user.last_name, user.get_full_name(), user.get_username()):
            if len(name.strip()) >= 4:
                names.add(name.strip())
    return names


@pytest.fixture(scope="module")
def public_world(django_db_setup, django_db_blocker):
    """The demo content with named people acting in it, loaded once for the module in a
    transaction that is rolled back at its end."""
    from django.db import transaction
    from django.utils.module_loading import autodiscover_modules

    from samen.core import demo as loaders

    with django_db_blocker.unblock(), transaction.atomic():
        autodiscover_modules("demo")
        loaders.load_all()
        matrix.ensure_samples()
        _act(_people())
        yield _names()
        transaction.set_rollback(True)


def _public_routes() -> list[str]:
    return [
        route
        for (route, method), outcomes in matrix.parse_matrix().items()
        if method == "GET" and outcomes["anoniem"] == "ja"
    ]


def _start_urls() -> list[str]:
    urls = []
    for route in _public_routes():
        if "<fmt>" in route:
            urls.extend(matrix.url_for(route.replace("<fmt>", fmt)) for fmt in FORMATS)
        else:
            urls.append(matrix.url_for(route))
    return urls


def _text(response) -> str:
    content = response.content if not response.streaming else b"".join(response.streaming_content)
    if content[:2] == b"PK":  # XLSX: the sheets and shared strings are XML inside a zip
        with zipfile.ZipFile(io.BytesIO(content)) as z:
            return "\n".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())
    return html.unescape(content.decode("utf-8", "replace"))


def _pattern(url: str) -> tuple[str, tuple[str, ...]]:
    from django.urls import Resolver404, resolve

    parts = urlsplit(url)
    try:
        route = resolve(parts.path).route
    except Resolver404:
        route = parts.path
    return route, tuple(sorted(k for k, _ in parse_qsl(parts.query, keep_blank_values=True)))


def _links(text: str) -> list[str]:
    found = []
    for raw in HREF.findall(text) + API_URL.findall(text):
        url = html.unescape(raw).replace("http://testserver", "")
        if url.startswith("/") and not url.startswith("//") and not url.startswith(SKIP):
            found.append(url)
    return found


def _crawl() -> dict[str, str]:
    """Every public page and export, and the links on them one level deep: url -> text."""
    from django.test import Client

    client = Client()
    seen: dict[str, str] = {}
    per_pattern: dict[tuple, int] = defaultdict(int)

    def fetch(url: str) -> str | None:
        if url in seen:
            return None
        response = client.get(url)
        seen[url] = _text(response) if response.status_code == 200 else ""
        return seen[url]

    level_one = []
    for url in _start_urls():
        per_pattern[_pattern(url)] += 1
        text = fetch(url)
        if text:
            level_one.extend(_links(text))
    for url in level_one:
        key = _pattern(url)
        if url in seen or per_pattern[key] >= PER_PATTERN:
            continue
        per_pattern[key] += 1
        fetch(url)
    return seen


@pytest.mark.django_db
def test_no_persons_name_on_any_public_page_or_export(public_world):
    names = public_world
    assert {"Wiebrigje", "Zwanenburgh", "hiltsje.oh", "Sjoerdtje Ypmabrouwer"} <= names
    pages = _crawl()
    assert len([t for t in pages.values() if t]) > len(_public_routes())  # links were followed
    leaks = defaultdict(set)
    for url, text in pages.items():
        lowered = text.lower()
        for name in names:
            if name.lower() in lowered:
                leaks[url].add(name)
    assert not leaks, "names of persons shown to the public:\n" + "\n".join(
        f"  {url}: {', '.join(sorted(found))}" for url, found in sorted(leaks.items())
    )


@pytest.mark.django_db
def test_the_public_sees_the_organisation_instead(public_world):
    from django.test import Client

    from samen.besluiten.models import Verzoek

    verzoek = Verzoek.objects.get(titel="Verdere opschaling Govroam")
    page = _text(Client().get(f"/verzoeken/{verzoek.uuid}"))
    assert "gemeente Groningen" in page  # the requester (GM0014), not the person
    assert "Task Force Samen Organiseren" in page and "College voor Dienstverleningszaken" in page
    besluit = verzoek.besluiten.get()
    assert "VNG-bestuur" in _text(Client().get(f"/besluiten/{besluit.uuid}"))
