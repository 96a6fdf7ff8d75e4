"""The portfolio's models, by aggregate: ``register`` (voorzieningen with factsheets, phases and
business cases), ``weging`` (the duidingsmethodiek: criteria, weighting versions, scores) and
``roadmap`` (the versioned roadmap). Import them from here: ``samen.portfolio.models``.
"""

from .register import (
    FASE_VOLGORDE,
    BusinessCase,
    Domein,
    Factsheet,
    Fase,
    Fasewijziging,
    Gebruikers,
    Soort,
    Spoor,
    Voorziening,
)
from .roadmap import Mijlpaal, RoutekaartVersie
from .weging import Criterium, Gewicht, Score, WegingVersie

__all__ = [
    "BusinessCase",
    "Criterium",
    "Domein",
    "FASE_VOLGORDE",
    "Factsheet",
    "Fase",
    "Fasewijziging",
    "Gebruikers",
    "Gewicht",
    "Mijlpaal",
    "RoutekaartVersie",
    "Score",
    "Soort",
    "Spoor",
    "Voorziening",
    "WegingVersie",
]
