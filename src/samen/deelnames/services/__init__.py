"""State changes of participation, one transaction each and audited, by topic:

- ``participation``: joining on the conditions of the decision in force (also on behalf of a
  cooperation), leaving according to the binding level, binding every municipality;
- ``status``: the implementation status history, its correction and the checklist;
- ``support``: support requests, assigned and closed by the programme office;
- ``herindelingen``: municipal reorganisations applied to running participations;
- ``volumes``: volumes per municipality for the weighting by volume.

Callers use ``from samen.deelnames import services`` and ``services.join(...)``; every service is
available here.
"""

from samen.deelnames.queries import current  # noqa: F401 - read by portfolio.views from here

from .herindelingen import apply_herindelingen
from .participation import (
    enforce_binding_for_all,
    join,
    join_for_cooperation,
    leave,
    record_non_compliance,
)
from .status import correct_status, tick_step, update_status
from .support import ask_support, assign_support, close_support
from .volumes import MAX_VOLUME, set_volumes

__all__ = [
    "MAX_VOLUME",
    "apply_herindelingen",
    "ask_support",
    "assign_support",
    "close_support",
    "correct_status",
    "enforce_binding_for_all",
    "join",
    "join_for_cooperation",
    "leave",
    "record_non_compliance",
    "set_volumes",
    "tick_step",
    "update_status",
]
