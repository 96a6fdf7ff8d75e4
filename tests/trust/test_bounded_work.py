"""Bounded work: no date, year or number a caller chooses makes the platform work without end.

Every GET operation of the OpenAPI document (src/samen/api/openapi.yaml) with a date, year or
integer query parameter gets the largest and smallest values the document allows, or hostile
ones where it declares no bound (9999-12-31, 0001-01-01, 99999999999), and values that are not
numbers or dates at all ("²²²²", NUL, empty); so do the public pages that take `peildatum`,
`jaar`, `van`, `tot` (or `vanaf`). With the demo content loaded, anonymously and as signed-in
office users, each answer must:

- never be a server error (5xx);
- on the API, be application/problem+json with invalidParams when it is a 400;
- come in under one second.

Each case is one operation or page; every failing request of it is listed at once.
"""

from __future__ import annotations

import inspect
import re
import sys
import time
from pathlib import Path

import pytest
import yaml
from django.test import Client

from tests.trust import test_authorisation_matrix as matrix

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
OPENAPI = ROOT / "src" / "samen" / "api" / "openapi.yaml"
PROBLEM = "application/problem+json"
LIMIT = 1.0  # seconds per answer
IDENTITIES = ("anoniem", "programmabureau", "administratiekantoor")

NOT_A_VALUE = ["²²²²", "\x00", ""]
HUGE, TINY = "99999999999", "-99999999999"
LATEST_DATE, EARLIEST_DATE = "9999-12-31", "0001-01-01"
DATE_NAMES = {"peildatum", "van", "tot", "datum"}
YEAR_NAMES = {"jaar", "vanaf"}

# Public pages that read a date or a year from the query (found in src/samen/*/views.py; the
# last test fails when a view reads one and is not listed here).
PAGES = {
    "/gremia/<uuid>": ["peildatum"],
    "/gremia/<uuid>/samenstelling.<fmt>": ["peildatum"],
    "/overeenkomsten/<uuid>": ["peildatum"],
    "/voorzieningen/<uuid>/deelnemers": ["peildatum"],
    "/voorzieningen/<uuid>/kaart": ["peildatum"],
    "/voortgang": ["peildatum", "van"],
    "/gemeenten": ["peildatum"],
    "/fonds": ["jaar"],
    "/fonds/bijdragen": ["jaar"],
    "/fonds/bijdragen.<fmt>": ["jaar"],
    "/fonds/wat-als": ["jaar"],
    "/fonds/controle": ["peildatum"],
    "/fonds/verantwoording": ["jaar"],
    "/fonds/meerjarenbegroting": ["vanaf"],
    "/abonnementen/<uuid>": ["jaar"],
    "/abonnementen/<uuid>/wat-als": ["jaar"],
    "/facturen": ["jaar"],
    "/facturen.<fmt>": ["jaar"],
    "/inning": ["peildatum"],
    "/audit": ["van", "tot"],
}


# --- the values ------------------------------------------------------------------------------


def _is_date(name: str, schema: dict) -> bool:
    return schema.get("format") in ("date", "date-time") or name in DATE_NAMES


def _is_number(name: str, schema: dict) -> bool:
    return schema.get("type") in ("integer", "number") or name in YEAR_NAMES


def values_for(name: str, schema: dict) -> list[str]:
    """The extremes the document allows, hostile ones where it declares no bound, and values
    that are not a number or date at all."""
    values: list[str] = []
    if _is_date(name, schema):
        values += [schema.get("maximum", LATEST_DATE), schema.get("minimum", EARLIEST_DATE)]
        values += ["31-12-9999", "9999-99-99"]
    if _is_number(name, schema):
        if "enum" in schema:
            values += [str(min(schema["enum"])), str(max(schema["enum"]))]
        high = schema.get("maximum")
        low = schema.get("minimum")
        values += [str(high) if high is not None else HUGE, str(low) if low is not None else TINY]
        if name in YEAR_NAMES:
            values += ["9999", "0001", "0"]
    return list(dict.fromkeys(str(v) for v in values + NOT_A_VALUE))


def operations() -> list[tuple[str, dict[str, dict]]]:
    """(path, {parameter: schema}) of every GET of the document with such a query parameter."""
    document = yaml.safe_load(OPENAPI.read_text(encoding="utf-8"))
    found = []
    for path, item in document["paths"].items():
        operation = item.get("get")
        if not operation:
            continue
        params = {
            p["name"]: p.get("schema", {})
            for p in operation.get("parameters", [])
            if p.get("in") == "query"
            and (
                _is_date(p["name"], p.get("schema", {}))
                or _is_number(p["name"], p.get("schema", {}))
            )
        }
        if params:
            found.append((path, params))
    return found


# --- the requests ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The demo content and a session per role, rolled back at the end of the module."""
    from django.db import transaction
    from django.utils.module_loading import autodiscover_modules

    from samen.core import demo as loaders

    with django_db_blocker.unblock(), transaction.atomic():
        autodiscover_modules("demo")
        loaders.load_all()
        matrix.ensure_samples()
        cookies = matrix.login_cookies(matrix.make_users())
        yield cookies
        transaction.set_rollback(True)


def _client(cookies, identity: str) -> Client:
    client = Client(raise_request_exception=False)
    for key, value in cookies[identity].items():
        client.cookies[key] = value
    return client


def _call(client: Client, url: str, query: dict[str, str]):
    """The answer and the seconds it took, the body read to its end (exports stream)."""
    started = time.perf_counter()
    response = client.get(url, query)
    if getattr(response, "streaming", False):
        b"".join(response.streaming_content)
    else:
        response.content  # noqa: B018 - the body is made when it is read
    return response, time.perf_counter() - started


def _problems(response, seconds: float, api: bool) -> list[str]:
    found = []
    if response.status_code >= 500:
        found.append(f"{response.status_code}")
    elif api and response.status_code == 400:
        if response.get("Content-Type") != PROBLEM:
            found.append(f"400 as {response.get('Content-Type')}")
        else:
            body = response.json()
            if not body.get("invalidParams"):
                found.append("400 without invalidParams")
    if seconds >= LIMIT:
        found.append(f"{seconds:.2f} s")
    return found


def _check(cookies, url: str, params: dict[str, list[str]], api: bool) -> list[str]:
    """Every value of every parameter (one parameter at a time) as every identity."""
    failures = []
    for identity in IDENTITIES:
        client = _client(cookies, identity)
        for name, values in params.items():
            for value in values:
                response, seconds = _call(client, url, {name: value})
                for problem in _problems(response, seconds, api):
                    failures.append(f"{identity}: GET {url}?{name}={value!r}: {problem}")
    return failures


# --- the tests -------------------------------------------------------------------------------


def _operation_cases():
    return [pytest.param(path, params, id=path) for path, params in operations()]


def test_the_document_has_operations_with_dates_years_and_numbers():
    names = {name for _, params in operations() for name in params}
    assert {"jaar", "peildatum", "van", "tot", "page", "pageSize"} <= names
    assert len(operations()) >= 20


@pytest.mark.parametrize(("path", "params"), _operation_cases())
def test_api_operations_do_bounded_work_for_any_value(world, path, params):
    url = matrix.url_for("/api/v1" + re.sub(r"\{(\w+)\}", r"<\1>", path))
    values = {name: values_for(name, schema) for name, schema in params.items()}
    failures = _check(world, url, values, api=True)
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("route", sorted(PAGES))
def test_pages_do_bounded_work_for_any_date_or_year(world, route):
    url = matrix.url_for(route)
    values = {name: values_for(name, {}) for name in PAGES[route]}
    failures = _check(world, url, values, api=False)
    assert not failures, "\n".join(failures)


def test_the_values_include_the_documented_bounds_and_hostile_ones():
    assert values_for("jaar", {"type": "integer", "minimum": 1900, "maximum": 2200})[:2] == [
        "2200",
        "1900",
    ]
    assert HUGE in values_for("page", {"type": "integer", "minimum": 1})
    assert {LATEST_DATE, EARLIEST_DATE} <= set(values_for("peildatum", {"format": "date"}))
    assert set(NOT_A_VALUE) <= set(values_for("pageSize", {"type": "integer"}))


READS_QUERY = re.compile(r"""GET(?:\.get\(|\[)\s*["'](jaar|peildatum|van|tot|vanaf)["']""")


def _reads(func) -> set[str]:
    try:
        return set(READS_QUERY.findall(inspect.getsource(func)))
    except (OSError, TypeError):
        return set()


@pytest.mark.sqlite
def test_every_page_that_reads_a_date_or_year_from_the_query_is_listed():
    """A view (or a helper of its module it calls) reading jaar/peildatum/van/tot/vanaf from
    request.GET, or handing request.GET to a search, must be in PAGES."""
    from django.urls import get_resolver

    unlisted = []
    for route, pattern in matrix._walk(get_resolver().url_patterns):
        if route.startswith(("admin/", "api/", "static/", "media/")):
            continue
        callback = pattern.callback
        func = inspect.unwrap(getattr(callback, "view_class", None) or callback)
        module = sys.modules.get(getattr(func, "__module__", ""), None)
        keys = _reads(func)
        if module is not None:
            try:
                source = inspect.getsource(func)
            except (OSError, TypeError):
                source = ""
            for name, helper in vars(module).items():
                if (
                    inspect.isfunction(helper)
                    and helper.__module__ == module.__name__
                    and re.search(rf"\b{name}\(", source)
                ):
                    keys |= _reads(helper)
            if "search(request.GET)" in source:
                keys.add("van")
        route = matrix.normalise(route)
        if keys and route not in PAGES:
            unlisted.append(f"{route} ({', '.join(sorted(keys))})")
    assert not unlisted, "pages reading a date or year, not in PAGES: " + ", ".join(unlisted)
