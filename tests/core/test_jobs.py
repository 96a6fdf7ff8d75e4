"""Background jobs on the database backend: started, run by the real worker, with progress."""

from __future__ import annotations

import pytest

from samen.core.jobs import job_handler, run_now, start_job
from samen.core.models import Taak


@job_handler("test.tellen")
def tellen(taak, progress, tot: int):
    progress.total(tot)
    for i in range(1, tot + 1):
        progress.advance(i, f"{i} van {tot}")
    return {"geteld": tot}


@job_handler("test.mislukt")
def mislukt(taak, progress):
    raise RuntimeError("bewust mislukt")


@pytest.mark.sqlite
def test_worker_process_runs_a_started_job(live_site, tmp_path):
    """On the live site's database: a job started like a page would start it is picked up by
    the real worker process (`samen db_worker`) and ends with its result and full progress."""
    source = tmp_path / "inwoners.csv"
    source.write_text(
        "jaar,gemeentecode,gemeentenaam,provincienaam,provinciecode,inwoners_1jan,bron\n"
        "2024,GM0014,Groningen,Groningen,PV20,243768,test-job\n"
    )
    uuid = live_site.run(
        "shell",
        "-c",
        "from samen.core.jobs import start_job\n"
        f"print(start_job('gemeenten.import-cbs', 'Import', pad='{source}').uuid)",
    ).strip()
    status = f"from samen.core.models import Taak\nt = Taak.objects.get(uuid='{uuid}')\n"
    assert live_site.run("shell", "-c", status + "print(t.status)").strip() == "wachtend"
    live_site.run("db_worker", "--batch", "--no-startup-delay")
    out = live_site.run(
        "shell", "-c", status + "print(t.status, t.gedaan, t.totaal, t.percentage, t.resultaat)"
    )
    assert out.startswith("gereed 2 2 100"), out
    assert "'gewijzigd': 1" in out or "'gewijzigd': 0" in out


@pytest.mark.sqlite
@pytest.mark.django_db
def test_failing_job_is_marked_with_its_message():
    taak = Taak.objects.create(soort="test.mislukt", omschrijving="Mislukt")
    run_now(taak)
    assert taak.status == "mislukt"
    assert "bewust mislukt" in taak.bericht


@pytest.mark.django_db
def test_unknown_kind_is_refused():
    with pytest.raises(KeyError):
        start_job("bestaat.niet", "x")


@pytest.mark.django_db
def test_progress_page_for_staff_only(client, make_user):
    taak = Taak.objects.create(soort="test.tellen", omschrijving="Tellen", totaal=4, gedaan=1)
    assert client.get(f"/taken/{taak.uuid}").status_code == 404
    client.force_login(make_user("programmabureau"))
    page = client.get(f"/taken/{taak.uuid}")
    assert page.status_code == 200
    assert 'value="25"' in page.content.decode()
