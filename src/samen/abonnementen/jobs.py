"""Background jobs of the subscriptions app: the billing run."""

from __future__ import annotations

import datetime as dt

from samen.core.jobs import job_handler


@job_handler("abonnementen.factuurrun")
def factuurrun(taak, progress, arrangement: str, jaar: int, factuurdatum: str | None = None):
    from samen.abonnementen import services
    from samen.abonnementen.models import Arrangement

    run = services.billing_run(
        Arrangement.objects.get(uuid=arrangement),
        int(jaar),
        user=taak.aangemaakt_door,
        factuurdatum=dt.date.fromisoformat(factuurdatum) if factuurdatum else None,
        progress=progress,
        taak=taak,
    )
    return {"run": str(run.uuid), "uitgegeven": run.uitgegeven, "bericht": run.bericht}
