"""State changes of the portfolio, by topic: ``register`` (voorzieningen, factsheets, business
cases), ``phases``, ``weging`` (scores and weightings) and ``roadmap``. Each function is one
transaction, validates its input (raising DomainError with every problem) and records the change
in the audit trail. Reads are in ``samen.portfolio.queries``.

    from samen.portfolio import services
    services.change_phase(voorziening, Fase.ONTWIKKELING, datum, user=user)
"""

from .phases import change_phase, revert_phase
from .register import (
    FACTSHEET_FIELDS,
    MONEY_FIELDS,
    VOORZIENING_FIELDS,
    create_voorziening,
    set_businesscase,
    update_voorziening,
)
from .roadmap import create_routekaart, publish_routekaart
from .weging import create_weging, give_score, give_scores, publish_weging

__all__ = [
    "FACTSHEET_FIELDS",
    "MONEY_FIELDS",
    "VOORZIENING_FIELDS",
    "change_phase",
    "create_routekaart",
    "create_voorziening",
    "create_weging",
    "give_score",
    "give_scores",
    "publish_routekaart",
    "publish_weging",
    "revert_phase",
    "set_businesscase",
    "update_voorziening",
]
