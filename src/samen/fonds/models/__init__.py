"""The fund's models, by aggregate: ``budget`` (funds, compartments, activities, budget lines,
stated totals), ``contribution`` (the municipalities' yearly contributions) and ``execution``
(authorisations, commitments, realisation, notes, incentives and repayments). Import them from
here: ``samen.fonds.models``.
"""

from .budget import Activiteit, Begrotingsregel, Compartiment, Fonds, GenoemdTotaal
from .contribution import Bijdrage, Bijdrageregeling
from .execution import (
    Autorisatie,
    Ontvanger,
    Realisatie,
    Termijn,
    Terugbetaling,
    Toelichting,
    Verplichting,
)

__all__ = [
    "Activiteit",
    "Autorisatie",
    "Begrotingsregel",
    "Bijdrage",
    "Bijdrageregeling",
    "Compartiment",
    "Fonds",
    "GenoemdTotaal",
    "Ontvanger",
    "Realisatie",
    "Termijn",
    "Terugbetaling",
    "Toelichting",
    "Verplichting",
]
