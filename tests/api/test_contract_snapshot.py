"""The public contract does not change by accident: every GET of the OpenAPI document, recorded.

For every GET operation of the committed OpenAPI document (src/samen/api/openapi.yaml) the test
loads the demo content, asks as a superuser and anonymously (path parameters filled from demo
objects the way the authorisation matrix does), and compares status, content type and JSON body
with the recording in tests/api/contract/get_responses.json.

Values that differ from run to run are replaced by placeholders before the comparison: UUIDs
(generated when the demo is loaded), timestamps of the run and integer primary keys (``id``,
whose sequences do not restart on PostgreSQL). Dates stay: the demo's history is dated.

A deliberate change of the contract is recorded again, and shows in the diff of the fixture:

    SAMEN_RECORD_CONTRACT=1 .venv/bin/pytest tests/api/test_contract_snapshot.py
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
import yaml
from django.test import Client

from tests.trust import test_authorisation_matrix as matrix

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
OPENAPI = ROOT / "src" / "samen" / "api" / "openapi.yaml"
RECORDING = Path(__file__).resolve().parent / "contract" / "get_responses.json"
IDENTITIES = ("superuser", "anoniem")
RECORD = os.environ.get("SAMEN_RECORD_CONTRACT") == "1"

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})?")
TODAY = "<today>"


def _other_routekaart() -> str:
    from samen.portfolio.models import RoutekaartVersie

    return str(RoutekaartVersie.objects.order_by("-pk").values_list("uuid", flat=True).first())


# required query parameters: a value the demo content has data for
QUERY = {
    "jaar": lambda: "2019",
    "peildatum": lambda: "2019-06-30",
    "met": _other_routekaart,
}


def get_operations() -> list[tuple[str, list[str]]]:
    """(path, required query parameters) of every GET of the document."""
    document = yaml.safe_load(OPENAPI.read_text(encoding="utf-8"))
    return sorted(
        (
            path,
            [
                p["name"]
                for p in item["get"].get("parameters", [])
                if p.get("in") == "query" and p.get("required")
            ],
        )
        for path, item in document["paths"].items()
        if "get" in item
    )


def normalise(value, today: str):
    """The value with run-dependent parts replaced by placeholders."""
    if isinstance(value, dict):
        return {
            # database ids follow the sequences, which other tests in the same worker advance
            key: "<id>"
            if (key == "id" and isinstance(item, int))
            or (key == "objectId" and isinstance(item, str) and item.isdigit())
            else normalise(item, today)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [normalise(item, today) for item in value]
    if isinstance(value, str):
        value = UUID.sub("<uuid>", value)
        value = DATETIME.sub("<datetime>", value)
        return value.replace(today, TODAY) if today else value
    return value


def answer(client: Client, url: str, query: dict, today: str) -> dict:
    response = client.get(url, query, HTTP_ACCEPT="application/json")
    content_type = response.get("Content-Type", "")
    record: dict = {"status": response.status_code, "contentType": content_type}
    if response.status_code >= 500:
        return record  # a defect, not the contract: the body says nothing
    if "json" in content_type:
        record["body"] = normalise(response.json(), today)
    else:
        record["length"] = len(response.content) > 0
    return record


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
            username="contract-superuser", password=None, email="contract@example.org"
        )
        from django_otp.plugins.otp_totp.models import TOTPDevice

        superuser.otp_device = TOTPDevice.objects.create(
            user=superuser, name="contract", confirmed=True
        )
        cookies = matrix.login_cookies({"superuser": superuser, "anoniem": None})
        yield cookies
        transaction.set_rollback(True)


def observe(cookies) -> dict[str, dict]:
    from samen.core import clock

    today = clock.today().isoformat()
    observed = {}
    for path, required in get_operations():
        url = matrix.url_for("/api/v1" + re.sub(r"\{(\w+)\}", r"<\1>", path))
        query = {name: QUERY[name]() for name in required}
        for identity in IDENTITIES:
            client = Client(raise_request_exception=False)
            for key, value in cookies[identity].items():
                client.cookies[key] = value
            observed[f"{identity} GET {path}"] = answer(client, url, query, today)
    return observed


def test_every_get_answers_as_recorded(world):
    observed = observe(world)
    if RECORD or not RECORDING.exists():
        RECORDING.parent.mkdir(exist_ok=True)
        RECORDING.write_text(
            json.dumps(observed, indent=1, ensure_ascii=False, sort_keys=False) + "\n",
            encoding="utf-8",
        )
        if not RECORD:
            pytest.fail(f"no recording yet: written to {RECORDING}, check it and commit it")
    recorded = json.loads(RECORDING.read_text(encoding="utf-8"))
    assert sorted(observed) == sorted(recorded), "the GET operations of the document changed"
    # a recorded server error is a defect being fixed elsewhere: record again once it answers
    changed = [
        key for key in recorded if observed[key] != recorded[key] and recorded[key]["status"] < 500
    ]
    for key in changed:
        # the first difference in full, for the reader of the failure
        assert observed[key] == recorded[key], f"{key} ({len(changed)} changed: {changed})"


@pytest.mark.sqlite
def test_placeholders_replace_run_dependent_values():
    body = {
        "id": 7,
        "uuid": "0b7e4a8e-6f1c-4b8e-9c1e-2d3f4a5b6c7d",
        "url": "/api/v1/x/0b7e4a8e-6f1c-4b8e-9c1e-2d3f4a5b6c7d",
        "gewijzigd": "2026-12-03T17:03:00.123456+01:00",
        "datum": "2026-12-03",
        "jaar": 2026,
        "voor": {"id": "x"},
    }
    assert normalise(body, "2026-12-03") == {
        "id": "<id>",
        "uuid": "<uuid>",
        "url": "/api/v1/x/<uuid>",
        "gewijzigd": "<datetime>",
        "datum": TODAY,
        "jaar": 2026,
        "voor": {"id": "x"},
    }
