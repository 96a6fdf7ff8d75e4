"""The authorisation matrix (docs/autorisatiematrix.md) as a test.

One case per row x role: the request is made with the Django test client, as that role, on a
database with the demo content, and its outcome must be the one the table states. A second test
walks the URL resolver and fails when a pattern (or a method its view accepts) has no row, so a
new URL cannot be added without stating who may use it.

The same machinery writes the table: ``scripts/autorisatiematrix.py`` observes the current
behaviour and prints it for review.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MATRIX = ROOT / "docs" / "autorisatiematrix.md"

ROLES = [
    "anoniem",
    "gemeente",
    "gemeente-ander",
    "programmabureau",
    "taskforce",
    "college",
    "commissie",
    "bestuur",
    "financien",
    "administratiekantoor",
    "aanbieder",
    "bemiddelaar",
    "tolk",
]
OWN = "GM0014"  # the municipality whose objects fill the URLs; "gemeente" is its contact
OTHER = "GM0363"  # "gemeente-ander" is a contact of this one
OUTCOMES = {"ja", "403", "404", "302", "405"}
# Function views answer any method; the table states GET and POST for them (PUT, PATCH and
# DELETE on pages are refused by the CSRF check in a browser and are not part of the contract).
PAGE_METHODS = ("GET", "POST")


# -- the URL resolver --------------------------------------------------------------------------


def normalise(route: str) -> str:
    """One notation for path() and re_path() patterns: ``/facturen/<uuid>.pdf``."""
    route = route.replace("^", "").replace("$", "")
    route = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"<\1>", route)
    route = re.sub(r"<\w+:(\w+)>", r"<\1>", route)
    route = route.replace("\\.", ".")
    return "/" + route


def _walk(patterns, prefix=""):
    from django.urls import URLResolver

    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern), pattern


def methods_of(callback) -> list[str]:
    """The methods a view accepts (HEAD and OPTIONS left out: see the rules of the table)."""
    actions = getattr(callback, "actions", None)
    if actions:  # a DRF viewset route
        return sorted(m.upper() for m in actions if m not in ("head", "options"))
    cls = getattr(callback, "view_class", None) or getattr(callback, "cls", None)
    if cls is not None:
        names = [m for m in cls.http_method_names if m not in ("head", "options")]
        return [m.upper() for m in names if hasattr(cls, m)]
    return list(PAGE_METHODS)


def routes() -> list[tuple[str, list[str]]]:
    """(route, methods) of every pattern of samen.urls except the admin and static files."""
    from django.urls import get_resolver

    result = []
    for route, pattern in _walk(get_resolver().url_patterns):
        if route.startswith(("admin/", "static/", "media/")):
            continue
        result.append((normalise(route), methods_of(pattern.callback)))
    return result


# -- concrete URLs -----------------------------------------------------------------------------


def _first(label: str, **filters):
    """The first object that matches (of OWN when filtered on it), else the first of its kind."""
    from django.apps import apps

    manager = apps.get_model(label)._default_manager
    obj = manager.filter(**filters).order_by("pk").first() or manager.order_by("pk").first()
    assert obj is not None, f"no {label} in the demo content: add one in ensure_samples()"
    return obj


def _own_invoice():
    return _first("abonnementen.Factuur", gemeente__code=OWN, jaar=2019, soort="factuur")


def _own_signing():
    """The agreement's page for OWN: ``/overeenkomsten/<uuid>/gemeenten/<code>``."""
    from types import SimpleNamespace

    return SimpleNamespace(uuid=_first("overeenkomsten.Overeenkomst").uuid, code=OWN)


def _balv():
    return _first("ledenvergadering.Ledenvergadering", titel__startswith="BALV 30 november 2016")


def _govroam():
    return _first("portfolio.Voorziening", naam="Govroam")


# The object whose key fills a URL, by the route's first path segments (longest prefix wins).
# Objects of a municipality are those of OWN.
SAMPLES = {
    "/api/v1/gemeenten": lambda: _first("gemeenten.Gemeente", code=OWN),
    "/api/v1/voorzieningen": _govroam,
    "/api/v1/criteria": lambda: _first("portfolio.Criterium"),
    "/api/v1/wegingen": lambda: _first("portfolio.WegingVersie"),
    "/api/v1/routekaarten": lambda: _first("portfolio.RoutekaartVersie"),
    "/api/v1/verzoeken": lambda: _first("besluiten.Verzoek"),
    "/api/v1/besluiten": lambda: _first("besluiten.Besluit"),
    "/api/v1/deelnames": lambda: _first("deelnames.Deelname", gemeente__code=OWN),
    "/api/v1/fondsen": lambda: _first("fonds.Fonds"),
    "/api/v1/autorisaties": lambda: _first("fonds.Autorisatie"),
    "/api/v1/verplichtingen": lambda: _first("fonds.Verplichting"),
    "/api/v1/realisaties": lambda: _first("fonds.Realisatie"),
    "/api/v1/bijdragen": lambda: _first("fonds.Bijdrage", gemeente__code=OWN),
    "/api/v1/arrangementen": lambda: _first("abonnementen.Arrangement"),
    "/api/v1/abonnementen": lambda: _first("abonnementen.Abonnement", gemeente__code=OWN),
    "/api/v1/factuurruns": lambda: _first("abonnementen.Factuurrun"),
    "/api/v1/facturen": _own_invoice,
    "/api/v1/betalingen": lambda: _first("inning.Betaling", gemeente__code=OWN),
    "/api/v1/herinneringen": lambda: _first("inning.Herinnering", factuur__gemeente__code=OWN),
    "/api/v1/achterstallige-facturen": _own_invoice,
    "/api/v1/bankafschriften": lambda: _first("inning.Bankafschrift"),
    "/api/v1/afdrachten": lambda: _first("inning.Afdracht"),
    "/api/v1/audit": lambda: _first("audit.AuditRegel"),
    "/voorzieningen": _govroam,
    "/besluiten": lambda: _first("besluiten.Besluit"),
    "/verzoeken": lambda: _first("besluiten.Verzoek"),
    "/deelnames": lambda: _first("deelnames.Deelname", gemeente__code=OWN),
    "/abonnementen": lambda: _first("abonnementen.Arrangement"),
    "/facturen": _own_invoice,
    "/facturen/runs": lambda: _first("abonnementen.Factuurrun"),
    "/facturen/gegevens": lambda: _first("gemeenten.Gemeente", code=OWN),
    "/prioritering/weging": lambda: _first("portfolio.WegingVersie"),
    "/routekaart": lambda: _first("portfolio.RoutekaartVersie"),
    "/gemeenten": lambda: _first("gemeenten.Gemeente", code=OWN),
    "/taken": lambda: _first("core.Taak"),
    "/api/v1/verantwoordingsdocumenten": lambda: _first(
        "aanbieders.Verantwoordingsdocument", aanbieder__afkorting="AKJ"
    ),
    "/api/v1/vragen": lambda: _first("aanbieders.Vraag", gemeente__code=OWN),
    "/verantwoording-aanbieders": lambda: _first(
        "aanbieders.Verantwoordingsdocument", aanbieder__afkorting="AKJ"
    ),
}
SAMPLES.update(
    {
        "/api/v1/gremia": lambda: _first("gremia.Gremium"),
        "/api/v1/vergaderingen": lambda: _first("gremia.Vergadering"),
        "/gremia": lambda: _first("gremia.Gremium"),
        "/vergaderingen": lambda: _first("gremia.Vergadering"),
        "/reglementen": lambda: _first("gremia.ReglementVersie"),
        "/ledenvergaderingen": _balv,
        "/api/v1/ledenvergaderingen": _balv,
        "/api/v1/ledenvergadering-voorstellen": lambda: _first(
            "ledenvergadering.Voorstel",
            vergadering__titel__startswith="BALV 30 november 2016",
            code="A",
        ),
        "/api/v1/ledenvergadering-amendementen": lambda: _first("ledenvergadering.Amendement"),
        "/api/v1/ledenvergadering-stemmen": lambda: _first(
            "ledenvergadering.Stem",
            gemeente__code=OWN,
            voorstel__code="A",
            voorstel__vergadering__titel__startswith="BALV",
        ),
        "/api/v1/overeenkomsten": lambda: _first("overeenkomsten.Overeenkomst"),
        "/api/v1/ondertekeningen": lambda: _first(
            "overeenkomsten.Ondertekening", gemeente__code=OWN
        ),
        "/overeenkomsten": _own_signing,
        "/api/v1/verdeelsleutels": lambda: _first("financiering.Verdeelsleutel"),
        "/api/v1/compensaties": lambda: _first("financiering.Compensatie"),
        "/api/v1/regios": lambda: _first("financiering.Regio"),
        "/financiering/verdeelsleutels": lambda: _first("financiering.Verdeelsleutel"),
        "/api/v1/tolkvoorziening/tarieven": lambda: _first("tolk.Tarieftabel"),
        "/api/v1/tolkvoorziening/aanvragen": lambda: _first("tolk.Aanvraag"),
        # The demo has no open offer: an id that exists nowhere (every role: 403 or 404).
        "/api/v1/tolkvoorziening/aanbiedingen": lambda: __import__("types").SimpleNamespace(
            uuid="00000000-0000-4000-8000-000000000000"
        ),
        "/api/v1/tolkvoorziening/clienten": lambda: _first("tolk.Client"),
        "/tolkvoorziening/clienten": lambda: _first("tolk.Client"),
    }
)
FORMATS = {"fmt": "csv"}


def _sample(route: str):
    static = route.split("<", 1)[0].rstrip("/")
    best = None
    for prefix in SAMPLES:
        if (static == prefix or static.startswith(prefix + "/")) and (
            best is None or len(prefix) > len(best)
        ):
            best = prefix
    assert best is not None, f"no sample object for {route}: add it to SAMPLES"
    return SAMPLES[best]()


def url_for(route: str) -> str:
    names = re.findall(r"<(\w+)>", route)
    if not names:
        return route
    obj = None
    url = route
    for name in names:
        if name in FORMATS:
            value = FORMATS[name]
        else:
            obj = obj or _sample(route)
            value = obj.pk if name in ("pk", "id") else getattr(obj, name)
        url = url.replace(f"<{name}>", str(value), 1)
    return url


# -- users and outcomes ------------------------------------------------------------------------


def make_users() -> dict[str, object]:
    """One user per role (none for anoniem). Staff get a confirmed TOTP device, so a
    force_login session has passed the second factor (see tests/conftest.py)."""
    from samen.accounts.models import Gebruiker, Organisatie, vereist_tweestaps
    from samen.gemeenten.models import Gemeente

    users: dict[str, object] = {"anoniem": None}
    for role in ROLES[1:]:
        rol = "gemeente" if role.startswith("gemeente") else role
        extra = {}
        if role == "gemeente":
            extra["gemeente"] = Gemeente.objects.get(code=OWN)
        elif role == "gemeente-ander":
            extra["gemeente"] = Gemeente.objects.get(code=OTHER)
        elif role == "administratiekantoor":
            extra["organisatie"] = Organisatie.objects.filter(
                afkorting="Administratiekantoor"
            ).first()
        elif role == "aanbieder":
            extra["organisatie"] = Organisatie.objects.filter(afkorting="AKJ").first()
        user = Gebruiker.objects.create_user(
            username=f"matrix-{role}", password=None, rol=rol, **extra
        )
        if vereist_tweestaps(user):
            from django_otp.plugins.otp_totp.models import TOTPDevice

            user.otp_device = TOTPDevice.objects.create(user=user, name="matrix", confirmed=True)
        users[role] = user
    return users


def ensure_samples() -> None:
    """Objects the demo content does not have but a URL needs."""
    from samen.core.models import Taak

    if not Taak.objects.exists():
        Taak.objects.create(soort="matrix", omschrijving="Een taak voor de matrix")


def login_cookies(users) -> dict[str, dict[str, str]]:
    """A signed-in session per role, as cookies to put on a fresh client."""
    from django.contrib.auth.signals import user_logged_in
    from django.test import Client

    from tests.conftest import _verify_force_login

    user_logged_in.connect(_verify_force_login, dispatch_uid="tests-verify-force-login")
    cookies = {}
    for role, user in users.items():
        client = Client()
        if user is not None:
            client.force_login(user)
        cookies[role] = {key: morsel.value for key, morsel in client.cookies.items()}
    return cookies


def classify(response) -> str:
    """The outcome of a request as the table writes it.

    ``ja``: the request was let through: 2xx, a 3xx that is not to the sign-in page, or
    400/409/415/422 (the view looked at the empty body and refused it: authorised, invalid).
    ``302``: a redirect to the sign-in page (/inloggen), or 401 from the API (not signed in).
    ``403``, ``404``, ``405``: as returned. Anything else is written as its number.
    """
    from django.conf import settings

    status = response.status_code
    if status in (301, 302, 303, 307, 308):
        location = response.get("Location", "")
        return "302" if location.split("?")[0].endswith(settings.LOGIN_URL) else "ja"
    if status == 401:
        return "302"
    if 200 <= status < 300 or status in (400, 409, 415, 422):
        return "ja"
    return str(status)


def request(client, method: str, url: str):
    if url.startswith("/api/"):
        kwargs = {"data": b"{}", "content_type": "application/json"} if method != "GET" else {}
    else:
        kwargs = {}
    return getattr(client, method.lower())(url, **kwargs)


def observe(cookies: dict[str, dict[str, str]], route: str, method: str, role: str) -> str:
    from django.test import Client

    client = Client()
    for key, value in cookies[role].items():
        client.cookies[key] = value
    return classify(request(client, method, url_for(route)))


# -- the table ---------------------------------------------------------------------------------


def parse_matrix(text: str | None = None) -> dict[tuple[str, str], dict[str, str]]:
    text = MATRIX.read_text(encoding="utf-8") if text is None else text
    rows: dict[tuple[str, str], dict[str, str]] = {}
    header = None
    for line in text.splitlines():
        if not line.startswith("|"):
            continue
        cells = [c.strip().strip("`") for c in line.strip().strip("|").split("|")]
        if cells[:2] == ["URL", "methode"]:
            header = cells
            assert cells[2:] == ROLES, f"the columns of the table must be {ROLES}"
            continue
        if header is None or set(cells[0]) <= {"-", ":", " "}:
            continue
        route, method, *outcomes = cells
        assert len(outcomes) == len(ROLES), f"row {route} {method} has {len(outcomes)} outcomes"
        for outcome in outcomes:
            assert outcome in OUTCOMES, f"row {route} {method}: unknown outcome {outcome!r}"
        assert (route, method) not in rows, f"row {route} {method} appears twice"
        rows[(route, method)] = dict(zip(ROLES, outcomes, strict=True))
    return rows


def render_table(observed: dict[tuple[str, str], dict[str, str]]) -> str:
    lines = [
        "| URL | methode | " + " | ".join(ROLES) + " |",
        "|---|---|" + "---|" * len(ROLES),
    ]
    for (route, method), outcomes in observed.items():
        cells = " | ".join(outcomes[role] for role in ROLES)
        lines.append(f"| `{route}` | {method} | {cells} |")
    return "\n".join(lines) + "\n"


def _cases():
    """One case per row; the roles of a row are checked together (far less per-test overhead
    than a case per row and role, with every wrong outcome of the row reported at once)."""
    try:
        rows = parse_matrix()
    except FileNotFoundError:
        return []
    return [
        pytest.param(route, method, outcomes, id=f"{method} {route}")
        for (route, method), outcomes in rows.items()
    ]


# -- the tests ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def matrix_world(django_db_setup, django_db_blocker):
    """The demo content, one user per role and their sessions, loaded once for the module in a
    transaction that is rolled back at its end (each test runs in a savepoint inside it)."""
    from django.db import transaction
    from django.utils.module_loading import autodiscover_modules

    from samen.core import demo as loaders

    with django_db_blocker.unblock(), transaction.atomic():
        autodiscover_modules("demo")
        loaders.load_all()
        ensure_samples()
        users = make_users()
        cookies = login_cookies(users)
        yield cookies
        transaction.set_rollback(True)


# On PostgreSQL (the production database); the SQLite run proves the table is complete.
@pytest.mark.django_db
@pytest.mark.parametrize(("route", "method", "expected"), _cases())
def test_matrix(matrix_world, route, method, expected):
    from django.db import transaction

    wrong = {}
    for role, outcome in expected.items():
        with transaction.atomic():  # each role's request is undone before the next one
            observed = observe(matrix_world, route, method, role)
            transaction.set_rollback(True)
        if observed != outcome:
            wrong[role] = f"table says {outcome}, observed {observed}"
    assert not wrong, f"{method} {route}: {wrong}"


@pytest.mark.sqlite
def test_every_url_has_a_row():
    rows = parse_matrix()
    missing = [
        f"{method} {route}"
        for route, methods in routes()
        for method in methods
        if (route, method) not in rows
    ]
    assert not missing, (
        "URLs without a row in docs/autorisatiematrix.md (run scripts/autorisatiematrix.py, "
        "review the outcomes and add them): " + ", ".join(missing)
    )
    known = {route for route, _ in routes()}
    stale = sorted({route for route, _ in rows if route not in known})
    assert not stale, "rows for URLs that no longer exist: " + ", ".join(stale)


def test_classify_and_notation():
    assert normalise("api/v1/^facturen/(?P<uuid>[0-9a-f-]{36})$") == "/api/v1/facturen/<uuid>"
    assert normalise("facturen/<uuid:uuid>.pdf") == "/facturen/<uuid>.pdf"
    assert normalise("^facturen\\.(?P<fmt>csv|xlsx)$") == "/facturen.<fmt>"
