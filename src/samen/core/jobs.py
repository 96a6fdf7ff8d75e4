"""The background job system: a `Taak` row per job, run by django-tasks (database backend).

A job handler is a function ``handler(taak, progress, **parameters) -> dict``; register it with
``@job_handler("soort")``. ``start_job`` stores the Taak and enqueues it; the worker
(`samen db_worker`) runs it; ``run_now`` runs it synchronously (commands, tests).
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from samen.core.models import Taak

logger = logging.getLogger(__name__)

HANDLERS: dict[str, Callable[..., dict]] = {}


def job_handler(soort: str):
    def register(func: Callable[..., dict]) -> Callable[..., dict]:
        HANDLERS[soort] = func
        return func

    return register


class Progress:
    """Reports progress; writes to the database at most every ``step`` units."""

    def __init__(self, taak: Taak, step: int = 1):
        self.taak = taak
        self.step = max(1, step)

    def total(self, totaal: int) -> None:
        self.taak.totaal = totaal
        Taak.objects.filter(pk=self.taak.pk).update(totaal=totaal)

    def advance(self, gedaan: int, bericht: str = "") -> None:
        self.taak.gedaan = gedaan
        if gedaan % self.step == 0 or gedaan >= self.taak.totaal:
            Taak.objects.filter(pk=self.taak.pk).update(gedaan=gedaan, bericht=bericht)


def start_job(soort: str, omschrijving: str, user=None, **parameters) -> Taak:
    if soort not in HANDLERS:
        raise KeyError(f"unknown job kind: {soort}")
    taak = Taak.objects.create(
        soort=soort, omschrijving=omschrijving, parameters=parameters, aangemaakt_door=user
    )
    transaction.on_commit(lambda: execute_taak.enqueue(str(taak.uuid)))
    return taak


def run_now(taak: Taak) -> Taak:
    _execute(taak)
    taak.refresh_from_db()
    return taak


def _execute(taak: Taak) -> None:
    handler = HANDLERS.get(taak.soort)
    if handler is None:  # e.g. enqueued by a release that had this kind: fail visibly
        Taak.objects.filter(pk=taak.pk).update(
            status=Taak.Status.MISLUKT,
            bericht=f"onbekende soort taak: {taak.soort}",
            gereed_op=timezone.now(),
        )
        return
    Taak.objects.filter(pk=taak.pk).update(status=Taak.Status.BEZIG, gestart_op=timezone.now())
    # The worker runs in autocommit, so progress is visible while the job runs. Run synchronously
    # inside a transaction (run_now from a request or a test), the job gets a savepoint: a
    # statement the database refuses then undoes the job's work, not the caller's transaction.
    in_transaction = transaction.get_connection().in_atomic_block
    try:
        with transaction.atomic() if in_transaction else contextlib.nullcontext():
            resultaat = handler(taak, Progress(taak), **taak.parameters)
    except Exception as exc:
        logger.exception("job %s (%s) failed", taak.uuid, taak.soort)
        Taak.objects.filter(pk=taak.pk).update(
            status=Taak.Status.MISLUKT,
            bericht=str(exc) or type(exc).__name__,
            gedaan=taak.gedaan,
            totaal=taak.totaal,
            gereed_op=timezone.now(),
        )
        return
    Taak.objects.filter(pk=taak.pk).update(
        status=Taak.Status.GEREED,
        resultaat=resultaat or {},
        gedaan=taak.totaal or taak.gedaan,
        gereed_op=timezone.now(),
    )


@task()
def execute_taak(taak_uuid: str) -> None:
    taak = Taak.objects.get(uuid=taak_uuid)
    _execute(taak)
