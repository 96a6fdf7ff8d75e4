"""The audit trail: one function records who, when, channel, object, before and after; rows are
append-only in the database itself (on PostgreSQL and SQLite)."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from samen.audit.context import acting
from samen.audit.models import AuditRegel
from samen.audit.services import record
from samen.gemeenten.models import Gemeente

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]


def test_record_stores_who_what_before_after(make_user):
    user = make_user("programmabureau")
    amsterdam = Gemeente.objects.get(code="GM0363")
    with acting("api", user):
        regel = record("wijzigen", amsterdam, voor={"naam": "A"}, na={"naam": "B"})
    regel.refresh_from_db()
    assert regel.gebruiker == user and regel.gebruiker_naam == user.username
    assert regel.kanaal == "api"
    assert (regel.object_type, regel.object_id) == ("gemeenten.gemeente", "GM0363")
    assert regel.voor == {"naam": "A"} and regel.na == {"naam": "B"}
    assert regel.tijdstip is not None


def test_unknown_action_is_refused():
    with pytest.raises(ValueError):
        record("vernietigen", object_type="x", object_id="1")


def test_without_context_the_channel_is_system():
    assert record("overig", object_type="x", object_id="1").kanaal == "systeem"


def test_commands_record_channel_command(tmp_path):
    path = tmp_path / "leeg.csv"
    path.write_text(
        "jaar,gemeentecode,gemeentenaam,provincienaam,provinciecode,inwoners_1jan,bron\n"
        "2024,GM0363,Amsterdam,Noord-Holland,PV27,931299,test\n"
    )
    call_command("import_cbs", str(path))
    latest = AuditRegel.objects.filter(object_type="gemeenten.inwonertal").latest("id")
    assert latest.kanaal == "commando"
    assert latest.voor == {"aantal": 931298}


def test_update_and_delete_fail_in_the_database():
    regel = record("overig", object_type="x", object_id="1")
    for sql in (
        f"UPDATE audit_auditregel SET object_id = 'x' WHERE id = {regel.pk}",
        f"DELETE FROM audit_auditregel WHERE id = {regel.pk}",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    assert AuditRegel.objects.filter(pk=regel.pk, object_id="1").exists()


def test_orm_changes_are_refused():
    regel = record("overig", object_type="x", object_id="1")
    with pytest.raises(PermissionError):
        regel.save()
    with pytest.raises(PermissionError):
        regel.delete()
    with pytest.raises(PermissionError):
        AuditRegel.objects.filter(pk=regel.pk).update(object_id="y")
    with pytest.raises(PermissionError):
        AuditRegel.objects.filter(pk=regel.pk).delete()
