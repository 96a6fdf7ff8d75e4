"""Read models of the portfolio: catalogue, scores in force, ranking, roadmap comparison,
and "what does this mean for my municipality"."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from samen.core.clock import today
from samen.gemeenten.models import Gemeente
from samen.gemeenten.queries import bevolking_voor_jaar
from samen.portfolio import businesscase
from samen.portfolio.models import (
    FASE_VOLGORDE,
    Criterium,
    Fase,
    Fasewijziging,
    Mijlpaal,
    RoutekaartVersie,
    Score,
    Voorziening,
    WegingVersie,
)


def catalogue(
    fase: str | None = None,
    spoor: int | None = None,
    domein: str | None = None,
    organisatie: str | None = None,
    zoek: str | None = None,
) -> QuerySet[Voorziening]:
    qs = Voorziening.objects.select_related("beheerorganisatie").prefetch_related("ontwikkelaars")
    if fase:
        qs = qs.filter(fase=fase)
    if spoor:
        qs = qs.filter(spoor=spoor)
    if domein:
        qs = qs.filter(domein=domein)
    if organisatie:
        qs = qs.filter(
            Q(ontwikkelaars__afkorting__iexact=organisatie)
            | Q(ontwikkelaars__naam__iexact=organisatie)
            | Q(ontwikkelaars__uuid__iexact=organisatie)
            | Q(beheerorganisatie__afkorting__iexact=organisatie)
        ).distinct()
    if zoek:
        qs = qs.filter(
            Q(naam__icontains=zoek)
            | Q(korte_omschrijving__icontains=zoek)
            | Q(factsheet__wat_is_het__icontains=zoek)
        )
    return qs.order_by("naam")


def developers_of(ids: list[int]) -> dict[int, list[tuple[str, str]]]:
    """(naam, afkorting) of the developing organisations of several voorzieningen, one query."""
    through = Voorziening.ontwikkelaars.through
    result: dict[int, list[tuple[str, str]]] = {}
    rows = (
        through.objects.filter(voorziening_id__in=ids)
        .order_by("organisatie__naam")
        .values_list("voorziening_id", "organisatie__naam", "organisatie__afkorting")
    )
    for pk, naam, afkorting in rows:
        result.setdefault(pk, []).append((naam, afkorting))
    return result


def voorziening_detail(uuid) -> Voorziening:
    return (
        Voorziening.objects.select_related("beheerorganisatie", "factsheet")
        .prefetch_related(
            "ontwikkelaars",
            "kopgroep",
            "capaciteit_gemeenten",
            # In the order they were registered: a revert follows what it reverts.
            Prefetch(
                "fasewijzigingen",
                queryset=Fasewijziging.objects.select_related(
                    "draait_terug", "terugdraaiing"
                ).order_by("id"),
            ),
        )
        .get(uuid=uuid)
    )


def scores_in_force(moment: dt.datetime | None = None) -> dict[int, dict[str, Score]]:
    """The latest score per voorziening and criterion at ``moment`` (default: now)."""
    qs = Score.objects.select_related("criterium", "gegeven_door")
    if moment is not None:
        qs = qs.filter(gegeven_op__lte=moment)
    result: dict[int, dict[str, Score]] = {}
    for score in qs.order_by("voorziening_id", "criterium_id", "gegeven_op", "id"):
        result.setdefault(score.voorziening_id, {})[score.criterium.code] = score
    return result


def current_weging() -> WegingVersie | None:
    return (
        WegingVersie.objects.filter(status=WegingVersie.Status.GEPUBLICEERD)
        .order_by("-nummer")
        .first()
    )


@dataclass
class RankingRow:
    voorziening: Voorziening
    totaal: Fraction
    rang: int
    gelijk_met: list[Voorziening]
    scores: dict[str, Score]
    intervallen: dict[str, tuple[Fraction, Fraction]]
    beste: int
    slechtste: int

    @property
    def totaal_decimal(self) -> Decimal:
        return (Decimal(self.totaal.numerator) / Decimal(self.totaal.denominator)).quantize(
            Decimal("0.001")
        )


@dataclass
class Ranking:
    versie: WegingVersie
    criteria: list[Criterium]
    gewichten: dict[str, Decimal]
    rows: list[RankingRow]
    onvolledig: list[Voorziening] = field(default_factory=list)
    marge: Decimal = Decimal("0.10")
    peilmoment: dt.datetime | None = None


def ranking_for(versie: WegingVersie, marge: Decimal = Decimal("0.10")) -> Ranking:
    """The portfolio ranked under a weighting version, with both sensitivity measures.

    A published version uses the scores as they were when it was published (so its ranking
    stays reproducible); a concept uses the scores in force now. Voorzieningen without a score
    on every criterion are listed apart, not ranked."""
    criteria = list(Criterium.objects.order_by("volgorde", "code"))
    gewichten = {g.criterium.code: g.gewicht for g in versie.gewichten.select_related("criterium")}
    moment = versie.gepubliceerd_op if versie.status == "gepubliceerd" else None
    in_force = scores_in_force(moment)
    voorzieningen = {
        v.pk: v for v in Voorziening.objects.exclude(fase="beeindigd").order_by("naam")
    }
    codes = [c.code for c in criteria]
    complete, incomplete = {}, []
    for pk, v in voorzieningen.items():
        scores = in_force.get(pk, {})
        if all(code in scores for code in codes):
            complete[str(v.uuid)] = {code: scores[code].waarde for code in codes}
        else:
            incomplete.append(v)
    rows: list[RankingRow] = []
    if complete and any(gewichten.get(code, 0) > 0 for code in codes):
        from samen.portfolio import ranking

        weights = {code: gewichten.get(code, Decimal(0)) for code in codes}
        ranked = ranking.rank(complete, weights)
        intervals = ranking.weight_intervals(complete, weights)
        bounds = ranking.rank_bounds(complete, weights, marge)
        by_uuid = {str(v.uuid): v for v in voorzieningen.values()}
        for item in ranked:
            v = by_uuid[item.key]
            rows.append(
                RankingRow(
                    voorziening=v,
                    totaal=item.total,
                    rang=item.rank,
                    gelijk_met=[by_uuid[k] for k in item.tied],
                    scores=in_force.get(v.pk, {}),
                    intervallen={
                        code: (iv.low, iv.high) for code, iv in intervals[item.key].items()
                    },
                    beste=bounds[item.key][0],
                    slechtste=bounds[item.key][1],
                )
            )
        # Equal totals share a rank; within it the provisions go by name (the ranking's own
        # order of ties follows the uuids, which differ per database).
        rows.sort(key=lambda r: (r.rang, r.voorziening.naam, str(r.voorziening.uuid)))
        for row in rows:
            row.gelijk_met.sort(key=lambda v: (v.naam, str(v.uuid)))
    return Ranking(versie, criteria, gewichten, rows, incomplete, marge, moment)


def rank_positions(versie: WegingVersie | None) -> dict[int, int]:
    """Voorziening id -> rank under a weighting version (only ``rank``, no sensitivity)."""
    if versie is None:
        return {}
    from samen.portfolio import ranking

    codes = list(Criterium.objects.order_by("volgorde", "code").values_list("code", flat=True))
    gewichten = dict(versie.gewichten.values_list("criterium__code", "gewicht"))
    if not any(gewichten.get(c, 0) > 0 for c in codes):
        return {}
    moment = versie.gepubliceerd_op if versie.status == "gepubliceerd" else None
    complete = {
        pk: {code: scores[code].waarde for code in codes}
        for pk, scores in scores_in_force(moment).items()
        if all(code in scores for code in codes)
    }
    if not complete:
        return {}
    weights = {code: gewichten.get(code, Decimal(0)) for code in codes}
    return {row.key: row.rank for row in ranking.rank(complete, weights)}


# --- roadmap ---------------------------------------------------------------------------------


def current_routekaart() -> RoutekaartVersie | None:
    return (
        RoutekaartVersie.objects.filter(status=RoutekaartVersie.Status.GEPUBLICEERD)
        .order_by("-nummer")
        .first()
    )


def mijlpalen(versie: RoutekaartVersie, domein: str | None = None, spoor: int | None = None):
    qs = Mijlpaal.objects.filter(versie=versie).select_related("voorziening")
    if domein:
        qs = qs.filter(voorziening__domein=domein)
    if spoor:
        qs = qs.filter(voorziening__spoor=spoor)
    return qs.order_by("jaar", "kwartaal", "voorziening__naam", "id")


@dataclass
class Verschil:
    voorziening: Voorziening
    omschrijving: str
    soort: str  # toegevoegd | vervallen | verschoven | gelijk
    van: str = ""
    naar: str = ""


def compare_routekaarten(a: RoutekaartVersie, b: RoutekaartVersie) -> list[Verschil]:
    """Per voorziening and milestone: added, dropped, moved from quarter X to quarter Y."""
    left = {(m.voorziening_id, m.omschrijving): m for m in mijlpalen(a)}
    right = {(m.voorziening_id, m.omschrijving): m for m in mijlpalen(b)}
    result = []
    for key in sorted(set(left) | set(right), key=lambda k: (_name(left, right, k), k[1])):
        m_a, m_b = left.get(key), right.get(key)
        if m_a and not m_b:
            result.append(Verschil(m_a.voorziening, m_a.omschrijving, "vervallen", van=m_a.label))
        elif m_b and not m_a:
            result.append(Verschil(m_b.voorziening, m_b.omschrijving, "toegevoegd", naar=m_b.label))
        elif (m_a.jaar, m_a.kwartaal) != (m_b.jaar, m_b.kwartaal):
            result.append(
                Verschil(m_a.voorziening, m_a.omschrijving, "verschoven", m_a.label, m_b.label)
            )
        else:
            result.append(
                Verschil(m_a.voorziening, m_a.omschrijving, "gelijk", m_a.label, m_b.label)
            )
    return result


def _name(left, right, key) -> str:
    m = left.get(key) or right.get(key)
    return m.voorziening.naam


# --- my municipality ---------------------------------------------------------------------------


@dataclass
class GemeenteImpact:
    voorziening: Voorziening
    gemeente: Gemeente
    jaar: int
    inwoners: int
    inwoners_nl: int
    bevolking_toelichting: str
    aandeel: Decimal
    landelijk: businesscase.Benefit | None
    gemeentelijk: businesscase.Benefit | None


def gemeente_impact(voorziening: Voorziening, gemeente: Gemeente, jaar: int | None = None):
    jaar = jaar or today().year
    bevolking = bevolking_voor_jaar(jaar)
    inwoners = bevolking.per_gemeente.get(gemeente.code)
    if inwoners is None:
        raise Gemeente.DoesNotExist(f"{gemeente.code} bestaat niet op 1 januari {jaar}")
    share = businesscase.population_share(inwoners, bevolking.totaal)
    case = getattr(voorziening, "businesscase", None)
    landelijk = gemeentelijk = None
    if case is not None:
        args = (
            case.volume_per_jaar,
            case.tijdwinst_uren_min,
            case.tijdwinst_uren_max,
            case.uurtarief,
            case.kosten_per_jaar,
        )
        landelijk = businesscase.benefit(*args)
        gemeentelijk = businesscase.benefit(*args, share=share)
    return GemeenteImpact(
        voorziening=voorziening,
        gemeente=gemeente,
        jaar=jaar,
        inwoners=inwoners,
        inwoners_nl=bevolking.totaal,
        bevolking_toelichting=bevolking.toelichting,
        aandeel=share,
        landelijk=landelijk,
        gemeentelijk=gemeentelijk,
    )


def now() -> dt.datetime:
    return timezone.now()


# --- phases -----------------------------------------------------------------------------------


def allowed_transition(van: str, naar: str) -> tuple[bool, bool]:
    """(allowed, needs_reason) for a phase change."""
    if van == naar or van == Fase.BEEINDIGD:
        return False, False
    if naar == Fase.BEEINDIGD:
        return True, False
    i, j = FASE_VOLGORDE.index(van), FASE_VOLGORDE.index(naar)
    if j == i + 1:
        return True, False
    if j < i:
        return True, True
    return False, False


def effective_phase_changes(voorziening: Voorziening):
    """The phase changes that count: not reverts, and not reverted."""
    return Fasewijziging.objects.filter(
        voorziening=voorziening,
        soort=Fasewijziging.Soort.WIJZIGING,
        terugdraaiing__isnull=True,
    )


def last_phase_change(voorziening: Voorziening) -> Fasewijziging | None:
    """The phase change that made the current phase (the one a revert may undo)."""
    return effective_phase_changes(voorziening).order_by("-datum", "-id").first()
