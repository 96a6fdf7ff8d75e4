"""Use cases of collection and distribution, one module per topic: ``statements`` (bank
statements), ``payments`` (by hand), ``matching`` (how a payment is matched and booked; see its
docstring), ``reminders`` and ``distribution``. Each is one transaction: an import that fails
anywhere stores nothing; a distribution run is all or nothing. The public names are re-exported
here: ``from samen.inning import services; services.import_statement(...)``."""

from __future__ import annotations

from .distribution import (
    Afdrachtrun,
    reverse_distribution,
    run_distribution,
    settle_credit_notes,
)
from .payments import (
    mark_refund,
    match_by_hand,
    register_payment,
)
from .reminders import (
    HERINNERING_NA_DAGEN,
    send_reminder,
)
from .statements import (
    Resultaat,
    import_statement,
)

__all__ = [
    "Afdrachtrun",
    "HERINNERING_NA_DAGEN",
    "Resultaat",
    "import_statement",
    "mark_refund",
    "match_by_hand",
    "register_payment",
    "reverse_distribution",
    "run_distribution",
    "send_reminder",
    "settle_credit_notes",
]
