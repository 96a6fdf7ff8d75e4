"""The audit trail: one function records who, when, channel, object, before and after; rows are
append-only in the database itself (on PostgreSQL and SQLite)."""

from __future__ import annotations

import datetime as dt
import decimal
import uuid

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from samen.audit.context import acting, current_channel, current_user
from samen.audit.middleware import channel_for_path
from samen.audit.models import AuditRegel
from samen.audit.services import record, snapshot
from samen.gemeenten.models import Gemeente, Inwonertal

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]

HEADER = "jaar,gemeentecode,gemeentenaam,provincienaam,provinciecode,inwoners_1jan,bron\n"


def test_record_stores_who_when_channel_object_before_after(make_user):
    user = make_user("programmabureau")
    amsterdam = Gemeente.objects.get(code="GM0363")
    start = timezone.now()
    with acting("api", user):
        regel = record(
            "wijzigen", amsterdam, voor={"naam": "A"}, na={"naam": "B"}, toelichting="test"
        )
    regel = AuditRegel.objects.get(pk=regel.pk)  # as stored
    assert regel.gebruiker == user and regel.gebruiker_naam == user.username
    assert regel.kanaal == "api"
    assert regel.actie == "wijzigen"
    assert (regel.object_type, regel.object_id) == ("gemeenten.gemeente", "GM0363")
    assert regel.object_omschrijving == "Amsterdam (GM0363)"
    assert regel.voor == {"naam": "A"} and regel.na == {"naam": "B"}
    assert regel.toelichting == "test"
    assert start <= regel.tijdstip <= timezone.now()


def test_values_are_stored_as_json():
    amsterdam = Gemeente.objects.get(code="GM0363")
    key = uuid.uuid4()
    regel = record(
        "overig",
        object_type="x",
        object_id="1",
        voor={"bedrag": decimal.Decimal("12.50"), "datum": dt.date(2024, 1, 1)},
        na={"id": key, "gemeente": amsterdam, "lijst": (1, 2), 3: "drie"},
    )
    regel = AuditRegel.objects.get(pk=regel.pk)
    assert regel.voor == {"bedrag": "12.50", "datum": "2024-01-01"}
    assert regel.na == {"id": str(key), "gemeente": str(amsterdam.pk), "lijst": [1, 2], "3": "drie"}


def test_snapshot_of_a_model():
    amsterdam = Gemeente.objects.get(code="GM0363")
    values = snapshot(amsterdam)
    assert values["code"] == "GM0363" and values["naam"] == "Amsterdam"
    assert values["geldig_tot"] is None
    assert snapshot(amsterdam, ["naam"]) == {"naam": "Amsterdam"}


def test_without_before_or_after_the_values_are_empty():
    regel = AuditRegel.objects.get(pk=record("lezen", object_type="x", object_id="1").pk)
    assert regel.voor is None and regel.na is None


def test_unknown_action_is_refused():
    with pytest.raises(ValueError):
        record("vernietigen", object_type="x", object_id="1")
    assert not AuditRegel.objects.filter(object_type="x").exists()


def test_without_context_the_channel_is_system_and_nobody_acted():
    regel = record("overig", object_type="x", object_id="1")
    assert regel.kanaal == "systeem"
    assert regel.gebruiker is None and regel.gebruiker_naam == ""


@pytest.mark.parametrize("kanaal", ["pagina", "api", "admin", "commando"])
def test_channel_comes_from_the_context(kanaal, make_user):
    user = make_user("financien")
    with acting(kanaal, user):
        regel = record("overig", object_type="x", object_id="1")
    assert regel.kanaal == kanaal and regel.gebruiker == user
    # Outside the context again: nothing leaks into the next record.
    after = record("overig", object_type="x", object_id="2")
    assert after.kanaal == "systeem" and after.gebruiker is None


def test_nested_contexts_restore_the_outer_one(make_user):
    outer, inner = make_user("programmabureau"), make_user("financien")
    with acting("pagina", outer):
        with acting("commando", inner):
            assert (current_channel(), current_user()) == ("commando", inner)
        assert (current_channel(), current_user()) == ("pagina", outer)
        assert record("overig", object_type="x", object_id="1").gebruiker == outer
    assert (current_channel(), current_user()) == (None, None)


def test_context_is_restored_after_an_error():
    with pytest.raises(RuntimeError), acting("api"):
        raise RuntimeError("boom")
    assert current_channel() is None


def test_explicit_user_and_channel_win_over_the_context(make_user):
    context_user, explicit = make_user("programmabureau"), make_user("bestuur")
    with acting("pagina", context_user):
        regel = record("overig", object_type="x", object_id="1", user=explicit, kanaal="admin")
    assert (regel.kanaal, regel.gebruiker) == ("admin", explicit)


def test_anonymous_users_are_not_stored_as_a_user():
    with acting("pagina", AnonymousUser()):
        regel = record("lezen", object_type="x", object_id="1")
    assert regel.gebruiker is None and regel.gebruiker_naam == "" and regel.kanaal == "pagina"


@pytest.mark.parametrize(
    "path, kanaal",
    [
        ("/api/v1/gemeenten", "api"),
        ("/admin/gemeenten/gemeente/", "admin"),
        ("/gemeenten/GM0363", "pagina"),
        ("/", "pagina"),
    ],
)
def test_requests_set_the_channel_by_path(path, kanaal):
    assert channel_for_path(path) == kanaal


def test_commands_record_channel_command(tmp_path):
    path = tmp_path / "een.csv"
    path.write_text(HEADER + "2024,GM0363,Amsterdam,Noord-Holland,PV27,931299,test\n")
    before = AuditRegel.objects.count()
    call_command("import_cbs", str(path), stdout=open("/dev/null", "w"))  # noqa: SIM115
    new = AuditRegel.objects.order_by("id")[before:]
    assert {r.kanaal for r in new} == {"commando"}
    change = AuditRegel.objects.filter(object_type="gemeenten.inwonertal").latest("id")
    assert change.object_id == "GM0363/2024"
    assert change.voor == {"aantal": 931298}
    assert change.na == {"aantal": 931299, "bron": "test"}
    assert change.gebruiker is None
    assert "een.csv, regel 2" in change.toelichting
    assert current_channel() is None  # the command's context ends with the command


def test_a_refused_import_leaves_no_audit_rows(tmp_path):
    path = tmp_path / "fout.csv"
    path.write_text(HEADER + "2024,GM0363,Amsterdam,Noord-Holland,PV27,-1,test\n")
    before = AuditRegel.objects.count()
    with pytest.raises(Exception):  # noqa: B017 - CommandError; only the trail matters here
        call_command("import_cbs", str(path))
    assert AuditRegel.objects.count() == before
    assert Inwonertal.objects.get(gemeente__code="GM0363", jaar=2024).aantal == 931298


# --- append-only -----------------------------------------------------------------------------


def _raw(sql: str, params=()):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_update_fails_in_the_database():
    regel = record("overig", object_type="x", object_id="1", na={"a": 1})
    with pytest.raises(DatabaseError, match="append-only"):
        _raw("UPDATE audit_auditregel SET object_id = %s WHERE id = %s", ["y", regel.pk])
    with pytest.raises(DatabaseError, match="append-only"):
        _raw("UPDATE audit_auditregel SET na = NULL")  # every row
    stored = AuditRegel.objects.get(pk=regel.pk)
    assert (stored.object_id, stored.na) == ("1", {"a": 1})


def test_delete_fails_in_the_database():
    regel = record("overig", object_type="x", object_id="1")
    count = AuditRegel.objects.count()
    with pytest.raises(DatabaseError, match="append-only"):
        _raw("DELETE FROM audit_auditregel WHERE id = %s", [regel.pk])
    with pytest.raises(DatabaseError, match="append-only"):
        _raw("DELETE FROM audit_auditregel")
    assert AuditRegel.objects.count() == count
    assert AuditRegel.objects.filter(pk=regel.pk, object_id="1").exists()


def test_inserting_still_works_after_a_refusal():
    regel = record("overig", object_type="x", object_id="1")
    with pytest.raises(DatabaseError):
        _raw("DELETE FROM audit_auditregel WHERE id = %s", [regel.pk])
    assert record("overig", object_type="x", object_id="2").pk > regel.pk


def test_orm_changes_are_refused():
    regel = record("overig", object_type="x", object_id="1")
    regel.object_id = "y"
    with pytest.raises(PermissionError):
        regel.save()
    with pytest.raises(PermissionError):
        regel.delete()
    with pytest.raises(PermissionError):
        AuditRegel.objects.filter(pk=regel.pk).update(object_id="y")
    with pytest.raises(PermissionError):
        AuditRegel.objects.filter(pk=regel.pk).delete()
    with pytest.raises(PermissionError), transaction.atomic():  # its own atomic(savepoint=False)
        AuditRegel.objects.bulk_update([regel], ["object_id"])
    with pytest.raises(PermissionError):
        AuditRegel.objects.all().delete()
    assert AuditRegel.objects.get(pk=regel.pk).object_id == "1"
