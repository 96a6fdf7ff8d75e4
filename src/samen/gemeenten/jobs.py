"""Background jobs of the register."""

from __future__ import annotations

from pathlib import Path

from samen.core.jobs import job_handler
from samen.gemeenten.services import import_cbs


@job_handler("gemeenten.import-cbs")
def import_cbs_job(taak, progress, pad: str) -> dict:
    """Import a CBS file in the background (all or nothing, as `samen import-cbs`)."""
    progress.total(2)
    data = Path(pad).read_bytes()
    progress.advance(1, "bestand gelezen")
    result = import_cbs(data, Path(pad).name, user=taak.aangemaakt_door)
    progress.advance(2, result.summary())
    return {
        "samenvatting": result.summary(),
        "aangemaakt": result.aangemaakt,
        "gewijzigd": result.gewijzigd,
        "jaren": result.jaren,
    }
