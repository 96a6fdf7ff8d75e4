"""State changes of the fund, by topic: ``budget`` (budgets, contributions), ``execution``
(authorisation, commitments, realisation) and ``incentives`` (incentives, prefinancing). Reads
and balances are in ``samen.fonds.queries``.

    from samen.fonds import services
    services.enter_budget(activiteit, 2025, "1.000.000,00", user=user)
"""

from .budget import enter_budget, set_contribution
from .execution import (
    decide_authorisation,
    enter_commitment,
    enter_realisation,
    propose_authorisation,
)
from .incentives import grant_incentive, prefinance, register_repayment

__all__ = [
    "decide_authorisation",
    "enter_budget",
    "enter_commitment",
    "enter_realisation",
    "grant_incentive",
    "prefinance",
    "propose_authorisation",
    "register_repayment",
    "set_contribution",
]
