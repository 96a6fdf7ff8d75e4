"""Every documented query parameter refuses hostile values as a problem that names it.

For every GET operation of the committed OpenAPI document (src/samen/api/openapi.yaml) that
documents query parameters (every list endpoint, and the few other reads with parameters such as
/bevolking or a coverage), each parameter gets, one at a time:

- values that are no number, date or choice at all: non-ASCII digits ``"²²²²"``, NUL, the empty
  string;
- numbers far beyond any bound: ``99999999999`` and ``-99999999999``;
- for a date: ``0001-01-01`` and ``9999-12-31``; for a choice: a value it does not list.

As a superuser and anonymously (where the endpoint allows it; 401/403 is fine), each answer must

- never be a server error (5xx);
- when it is a 400: be application/problem+json whose ``invalidParams`` names that parameter
  (a refusal that blames another parameter, or none, does not tell the caller what to fix).
  The one exception: a value the document allows (``page=99999999999`` where no maximum is
  declared) on an operation with a required parameter that was not sent may be refused for
  that missing parameter alone.

One test per operation lists every failing request at once. Endpoints and sample ids are
resolved the way tests/trust/test_bounded_work.py does (helpers of the authorisation matrix).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from django.test import Client

from tests.trust import test_authorisation_matrix as matrix

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
OPENAPI = ROOT / "src" / "samen" / "api" / "openapi.yaml"
PROBLEM = "application/problem+json"
IDENTITIES = ("superuser", "anoniem")

HOSTILE = ["²²²²", "99999999999", "-99999999999", "\x00", ""]
DATES = ["0001-01-01", "9999-12-31"]
UNKNOWN_CHOICE = "onbekend-xyz"


def _is_date(schema: dict) -> bool:
    return schema.get("format") in ("date", "date-time")


def values_for(schema: dict) -> list[str]:
    """The hostile values for a parameter with this schema."""
    values = list(HOSTILE)
    if _is_date(schema):
        values += DATES
    if "enum" in schema:
        values.append(UNKNOWN_CHOICE)
    return values


def operations() -> list[tuple[str, dict[str, dict]]]:
    """(path, {parameter: schema}) of every GET of the document with query parameters."""
    document = yaml.safe_load(OPENAPI.read_text(encoding="utf-8"))
    found = []
    for path, item in document["paths"].items():
        operation = item.get("get")
        if not operation:
            continue
        params = {
            p["name"]: {**p.get("schema", {}), "required": bool(p.get("required"))}
            for p in operation.get("parameters", [])
            if p.get("in") == "query"
        }
        if params:
            found.append((path, params))
    return found


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The demo content, a superuser's session and an anonymous one, rolled back at the end."""
    from django.db import transaction
    from django.utils.module_loading import autodiscover_modules

    from samen.accounts.models import Gebruiker
    from samen.core import demo as loaders

    with django_db_blocker.unblock(), transaction.atomic():
        autodiscover_modules("demo")
        loaders.load_all()
        matrix.ensure_samples()
        superuser = Gebruiker.objects.create_superuser(
            username="walk-superuser", password=None, email="walk@example.org"
        )
        from django_otp.plugins.otp_totp.models import TOTPDevice

        superuser.otp_device = TOTPDevice.objects.create(
            user=superuser, name="walk", confirmed=True
        )
        cookies = matrix.login_cookies({"superuser": superuser, "anoniem": None})
        yield cookies
        transaction.set_rollback(True)


def _client(cookies, identity: str) -> Client:
    client = Client(raise_request_exception=False)
    for key, value in cookies[identity].items():
        client.cookies[key] = value
    return client


WHOLE_NUMBER = re.compile(r"-?[0-9]+")


def allowed_by(schema: dict, value: str) -> bool:
    """Whether the document allows ``value`` (integers: ASCII digits within declared bounds)."""
    if schema.get("type") != "integer" or not WHOLE_NUMBER.fullmatch(value):
        return False
    number = int(value)
    return schema.get("minimum", number) <= number <= schema.get("maximum", number)


def problems_of(
    response,
    name: str,
    value: str = "",
    schema: dict | None = None,
    missing: frozenset[str] | set[str] = frozenset(),
) -> list[str]:
    """What is wrong with the answer to a hostile ``value`` of parameter ``name`` (``missing``:
    the required parameters that were not sent)."""
    if response.status_code >= 500:
        return [f"{response.status_code}"]
    if response.status_code != 400:
        return []
    if response.get("Content-Type") != PROBLEM:
        return [f"400 as {response.get('Content-Type')}"]
    invalid = response.json().get("invalidParams") or []
    names = [p.get("name") for p in invalid]
    if name in names:
        return []
    if names and set(names) <= missing and allowed_by(schema or {}, value):
        return []
    return [f"400 whose invalidParams name {names}, not {name!r}"]
    return []


def walk(cookies, url: str, params: dict[str, dict]) -> list[str]:
    failures = []
    required = {name for name, schema in params.items() if schema.get("required")}
    for identity in IDENTITIES:
        client = _client(cookies, identity)
        for name, schema in params.items():
            for value in values_for(schema):
                response = client.get(url, {name: value})
                for problem in problems_of(response, name, value, schema, required - {name}):
                    failures.append(f"{identity}: GET {url}?{name}={value!r}: {problem}")
    return failures


def _cases():
    return [pytest.param(path, params, id=path) for path, params in operations()]


def test_the_document_has_list_endpoints_with_parameters():
    paths = {path for path, _ in operations()}
    assert {"/gemeenten", "/deelnames", "/audit", "/verantwoordingsdocumenten"} <= paths
    assert len(paths) >= 20


@pytest.mark.parametrize(("path", "params"), _cases())
def test_hostile_query_values_are_problems_naming_the_parameter(world, path, params):
    url = matrix.url_for("/api/v1" + re.sub(r"\{(\w+)\}", r"<\1>", path))
    failures = walk(world, url, params)
    assert not failures, f"{len(failures)} failing requests:\n" + "\n".join(failures)


@pytest.mark.sqlite
def test_the_values_cover_dates_choices_and_numbers():
    assert set(HOSTILE) <= set(values_for({"type": "integer"}))
    assert {"0001-01-01", "9999-12-31"} <= set(values_for({"type": "string", "format": "date"}))
    assert UNKNOWN_CHOICE in values_for({"type": "string", "enum": ["a", "b"]})


class _Answer(dict):
    def __init__(self, status: int, content_type: str, body: dict):
        super().__init__({"Content-Type": content_type})
        self.status_code, self._body = status, body

    def json(self):
        return self._body


@pytest.mark.sqlite
def test_a_refusal_must_name_the_parameter():
    named = _Answer(400, PROBLEM, {"invalidParams": [{"name": "jaar", "reason": "x"}]})
    assert problems_of(named, "jaar") == []
    assert problems_of(named, "peildatum")  # blames another parameter
    assert problems_of(_Answer(400, "application/json", {}), "jaar")
    assert problems_of(_Answer(500, "text/html", {}), "jaar") == ["500"]
    assert problems_of(_Answer(200, "application/json", {}), "jaar") == []
    # page=99999999999 is allowed; refused only because the required jaar was not sent
    page = {"type": "integer", "minimum": 1}
    assert problems_of(named, "page", "99999999999", page, missing={"jaar"}) == []
    assert problems_of(named, "page", "²²²²", page, missing={"jaar"})
    assert problems_of(named, "page", "-99999999999", page, missing={"jaar"})
