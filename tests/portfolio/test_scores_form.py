"""The Task Force's score form is saved through one service call: all its scores, or none
(issue 15: form saves in services; before, the valid scores of a form with one invalid score
were stored while the page showed the error)."""

from __future__ import annotations

import pytest

from samen.audit.models import AuditRegel
from samen.core.errors import DomainError
from samen.portfolio import services
from samen.portfolio.models import Score

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]


def _form(criteria, values):
    data = {}
    for c, (waarde, onderbouwing) in zip(criteria, values, strict=True):
        data[f"waarde_{c.code}"] = waarde
        data[f"onderbouwing_{c.code}"] = onderbouwing
    return data


def test_one_invalid_score_stores_none(client, taskforce, criteria, make_voorziening):
    v = make_voorziening()
    client.force_login(taskforce)
    audit = AuditRegel.objects.count()
    data = _form(criteria, [("3", "goed"), ("99", "buiten de schaal"), ("", "")])
    response = client.post(f"/voorzieningen/{v.uuid}/scoren", data)
    assert response.status_code == 200
    assert "buiten de schaal" in response.content.decode()
    assert Score.objects.filter(voorziening=v).count() == 0
    assert AuditRegel.objects.count() == audit
    data = _form(criteria, [("3", "goed"), ("2", "redelijk"), ("", "")])
    response = client.post(f"/voorzieningen/{v.uuid}/scoren", data)
    assert response.status_code == 302
    assert Score.objects.filter(voorziening=v).count() == 2


def test_give_scores_names_field_and_criterium(criteria, make_voorziening):
    v = make_voorziening()
    with pytest.raises(DomainError) as raised:
        services.give_scores(v, [(criteria[0], "x", ""), (criteria[1], "2", "ok")])
    names = {p.name for p in raised.value.problems}
    assert names == {f"waarde_{criteria[0].code}", f"onderbouwing_{criteria[0].code}"}
    assert not Score.objects.filter(voorziening=v).exists()
