"""Background jobs on the database backend: started, run by the real worker, with progress.

The in-process tests run `samen db_worker --batch` (django-tasks-db's worker) inside the test's
transaction: `start_job` enqueues on commit, which `django_capture_on_commit_callbacks` runs. A
transactional test (``transaction=True``) cannot be used here: it empties the database afterwards,
and the append-only audit trail refuses that DELETE/TRUNCATE by design. For the same reason the
worker's connection recycling (`close_old_connections`, which would end the test's transaction)
is switched off; everything else is the real worker loop. The separate worker *process* is tested
against the live site's own database.
"""

from __future__ import annotations

import signal

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from samen.core.jobs import Progress, execute_taak, job_handler, run_now, start_job
from samen.core.models import Taak
from samen.gemeenten.models import Gemeente, Inwonertal

HEADER = "jaar,gemeentecode,gemeentenaam,provincienaam,provinciecode,inwoners_1jan,bron\n"
SEEN: list[tuple[int, int, int, str]] = []


@job_handler("test.tellen")
def tellen(taak, progress, tot: int):
    progress.total(tot)
    for i in range(1, tot + 1):
        progress.advance(i, f"{i} van {tot}")
        # What a progress page would read at this moment: a fresh row from the database.
        row = Taak.objects.get(pk=taak.pk)
        SEEN.append((row.gedaan, row.totaal, row.percentage, row.bericht))
    return {"geteld": tot}


@job_handler("test.mislukt")
def mislukt(taak, progress):
    progress.total(3)
    progress.advance(1, "begonnen")
    raise RuntimeError("bewust mislukt")


@job_handler("test.databasefout")
def databasefout(taak, progress):
    # A unique constraint violation halfway through: the database refuses the statement.
    amsterdam = Gemeente.objects.get(code="GM0363")
    Inwonertal.objects.create(gemeente=amsterdam, jaar=2024, aantal=1, bron="dubbel")


@job_handler("test.zonder-bericht")
def zonder_bericht(taak, progress):
    raise KeyError


@pytest.fixture
def worker(monkeypatch):
    """Run the real `db_worker` command in batch mode (it exits when the queue is empty)."""
    from django_tasks_db.management.commands import db_worker

    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    handlers = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}

    def run():
        call_command(
            "db_worker", batch=True, startup_delay=False, reload=False, interval=0, verbosity=0
        )

    yield run
    for sig, handler in handlers.items():  # the worker installs its own signal handlers
        signal.signal(sig, handler)


def start(django_capture_on_commit_callbacks, soort, omschrijving="Test", **parameters):
    """Start a job the way a page does and commit: returns the Taak, enqueued."""
    before = DBTaskResult.objects.count()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        taak = start_job(soort, omschrijving, **parameters)
        assert DBTaskResult.objects.count() == before  # nothing is enqueued before the commit
    assert len(callbacks) == 1
    assert DBTaskResult.objects.count() == before + 1
    return taak


@pytest.mark.sqlite
@pytest.mark.django_db
def test_started_job_is_run_by_the_worker_with_visible_progress(
    worker, django_capture_on_commit_callbacks, make_user
):
    user = make_user("programmabureau")
    SEEN.clear()
    with django_capture_on_commit_callbacks(execute=True):
        taak = start_job("test.tellen", "Tellen tot vier", user=user, tot=4)
    taak.refresh_from_db()
    assert (taak.status, taak.percentage, taak.gedaan, taak.totaal) == ("wachtend", 0, 0, 0)
    assert taak.parameters == {"tot": 4} and taak.aangemaakt_door == user

    worker()

    assert SEEN == [
        (1, 4, 25, "1 van 4"),
        (2, 4, 50, "2 van 4"),
        (3, 4, 75, "3 van 4"),
        (4, 4, 100, "4 van 4"),
    ]
    taak.refresh_from_db()
    assert taak.status == "gereed"
    assert (taak.gedaan, taak.totaal, taak.percentage) == (4, 4, 100)
    assert taak.resultaat == {"geteld": 4}
    assert taak.gestart_op is not None and taak.gereed_op >= taak.gestart_op
    result = DBTaskResult.objects.get(args_kwargs__args=[str(taak.uuid)])
    assert result.status == "SUCCESSFUL"


@pytest.mark.sqlite
@pytest.mark.django_db
def test_failing_job_ends_as_mislukt_with_its_message_and_the_queue_goes_on(
    worker, django_capture_on_commit_callbacks
):
    kapot = start(django_capture_on_commit_callbacks, "test.mislukt")
    daarna = start(django_capture_on_commit_callbacks, "test.tellen", tot=2)
    worker()
    kapot.refresh_from_db()
    assert kapot.status == "mislukt"
    assert "bewust mislukt" in kapot.bericht
    assert (kapot.gedaan, kapot.totaal, kapot.percentage) == (1, 3, 33)
    assert kapot.gereed_op is not None
    daarna.refresh_from_db()
    assert daarna.status == "gereed" and daarna.percentage == 100


@pytest.mark.sqlite
@pytest.mark.django_db
def test_import_job_with_a_bad_file_fails_with_line_and_field(
    worker, django_capture_on_commit_callbacks, tmp_path
):
    path = tmp_path / "fout.csv"
    path.write_text(HEADER + "2024,GM0363,Amsterdam,Noord-Holland,PV27,-1,t\n")
    taak = start(
        django_capture_on_commit_callbacks, "gemeenten.import-cbs", "Import", pad=str(path)
    )
    worker()
    taak.refresh_from_db()
    assert taak.status == "mislukt"
    assert "fout.csv, regel 2, veld inwoners_1jan" in taak.bericht
    assert Inwonertal.objects.get(gemeente__code="GM0363", jaar=2024).aantal == 931298


@pytest.mark.sqlite
@pytest.mark.django_db
def test_import_job_through_the_worker(worker, django_capture_on_commit_callbacks, tmp_path):
    path = tmp_path / "goed.csv"
    path.write_text(HEADER + "2024,GM0363,Amsterdam,Noord-Holland,PV27,931300,t\n")
    taak = start(
        django_capture_on_commit_callbacks, "gemeenten.import-cbs", "Import", pad=str(path)
    )
    worker()
    taak.refresh_from_db()
    assert taak.status == "gereed" and (taak.gedaan, taak.totaal) == (2, 2)
    assert taak.resultaat["gewijzigd"] == 1 and taak.resultaat["jaren"] == [2024]
    assert Inwonertal.objects.get(gemeente__code="GM0363", jaar=2024).aantal == 931300


@pytest.mark.sqlite
@pytest.mark.django_db
def test_a_job_whose_kind_is_no_longer_known_fails_visibly(
    worker, django_capture_on_commit_callbacks
):
    # E.g. enqueued by an older release: it must not stay "wachtend" for ever.
    taak = Taak.objects.create(soort="verdwenen.soort", omschrijving="Oud")
    with django_capture_on_commit_callbacks(execute=True):
        execute_taak.enqueue(str(taak.uuid))
    worker()
    taak.refresh_from_db()
    assert taak.status == "mislukt"
    assert "verdwenen.soort" in taak.bericht


@pytest.mark.sqlite
@pytest.mark.django_db
def test_run_now_runs_synchronously():
    taak = Taak.objects.create(soort="test.tellen", omschrijving="Tellen", parameters={"tot": 3})
    taak = run_now(taak)
    assert taak.status == "gereed" and taak.resultaat == {"geteld": 3} and taak.percentage == 100


@pytest.mark.sqlite
@pytest.mark.django_db
def test_failing_job_is_marked_with_its_message():
    taak = run_now(Taak.objects.create(soort="test.mislukt", omschrijving="Mislukt"))
    assert taak.status == "mislukt"
    assert "bewust mislukt" in taak.bericht


@pytest.mark.sqlite
@pytest.mark.django_db
def test_a_failure_without_a_message_still_says_what_happened():
    taak = run_now(Taak.objects.create(soort="test.zonder-bericht", omschrijving="x"))
    assert taak.status == "mislukt" and "KeyError" in taak.bericht


@pytest.mark.sqlite
@pytest.mark.django_db
def test_database_error_in_a_job_run_inside_a_transaction_is_marked():
    """run_now inside a transaction (a test, a request): a refused statement in the job must
    not break the surrounding transaction; the job is marked failed and its work undone."""
    taak = run_now(Taak.objects.create(soort="test.databasefout", omschrijving="Dubbel"))
    assert taak.status == "mislukt"
    assert taak.bericht
    assert Inwonertal.objects.filter(gemeente__code="GM0363", jaar=2024).count() == 1


@pytest.mark.django_db
def test_unknown_kind_is_refused():
    count = Taak.objects.count()
    with pytest.raises(KeyError):
        start_job("bestaat.niet", "x")
    assert Taak.objects.count() == count


@pytest.mark.django_db
def test_progress_is_written_every_step_and_at_the_end():
    taak = Taak.objects.create(soort="test.tellen", omschrijving="Tellen")
    progress = Progress(taak, step=10)
    progress.total(25)
    assert Taak.objects.get(pk=taak.pk).totaal == 25
    progress.advance(5, "vijf")
    assert Taak.objects.get(pk=taak.pk).gedaan == 0  # not yet written
    progress.advance(10, "tien")
    assert Taak.objects.values_list("gedaan", "bericht").get(pk=taak.pk) == (10, "tien")
    progress.advance(25, "klaar")
    row = Taak.objects.get(pk=taak.pk)
    assert (row.gedaan, row.bericht, row.percentage) == (25, "klaar", 100)


@pytest.mark.parametrize(
    "status, gedaan, totaal, percentage",
    [
        ("wachtend", 0, 0, 0),
        ("bezig", 1, 3, 33),
        ("bezig", 2, 3, 66),
        ("bezig", 5, 3, 100),
        ("gereed", 0, 0, 100),
        ("mislukt", 1, 4, 25),
    ],
)
def test_percentage(status, gedaan, totaal, percentage):
    assert Taak(status=status, gedaan=gedaan, totaal=totaal).percentage == percentage


@pytest.mark.django_db
def test_progress_page_for_staff_only(client, make_user):
    taak = Taak.objects.create(soort="test.tellen", omschrijving="Tellen", totaal=4, gedaan=1)
    assert client.get(f"/taken/{taak.uuid}").status_code == 404
    client.force_login(make_user("programmabureau"))
    page = client.get(f"/taken/{taak.uuid}")
    assert page.status_code == 200
    assert 'value="25"' in page.content.decode()


@pytest.mark.sqlite
def test_worker_process_runs_a_started_job(live_site, tmp_path):
    """On the live site's database: a job started like a page would start it is picked up by
    the real worker process (`samen db_worker`) and ends with its result and full progress."""
    source = tmp_path / "inwoners.csv"
    source.write_text(HEADER + "2024,GM0014,Groningen,Groningen,PV20,243768,test-job\n")
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
