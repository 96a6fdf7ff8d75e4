"""Reads of the members' meeting. The secrecy rule lives here: no running totals and no other
municipality's choice before closing, for any role; after closing the programme office sees the
count, after publication everyone does."""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Prefetch
from django.utils import timezone

from samen.accounts.models import Rol
from samen.accounts.permissions import allowed
from samen.ledenvergadering.models import (
    Amendement,
    Ledenvergadering,
    Stem,
    Stemgerechtigde,
    Stemgewicht,
    Voorstel,
)


def meetings():
    return Ledenvergadering.objects.exclude(status=Ledenvergadering.Status.CONCEPT)


def meetings_for(user):
    if allowed(user, "ledenvergadering.beheren"):
        return Ledenvergadering.objects.all()
    return meetings()


def agenda(vergadering: Ledenvergadering) -> list[Voorstel]:
    amendementen = Amendement.objects.select_related("gemeente").annotate(
        aantal_mede=Count("medeondertekeningen")
    )
    return list(
        vergadering.voorstellen.select_related("fonds", "arrangement").prefetch_related(
            Prefetch("amendementen", queryset=amendementen)
        )
    )


def results_visible(vergadering: Ledenvergadering, user) -> bool:
    """Counts and choices are readable only after closing: by the office once closed, by
    everyone once published."""
    if vergadering.status == Ledenvergadering.Status.GEPUBLICEERD:
        return True
    return vergadering.status == Ledenvergadering.Status.GESLOTEN and allowed(
        user, "ledenvergadering.beheren"
    )


def weights(vergadering: Ledenvergadering):
    """Every municipality's frozen weight with its designated voter (or none)."""
    voters = dict(
        Stemgerechtigde.objects.filter(vergadering=vergadering).values_list(
            "gemeente_id", "gebruiker__username"
        )
    )
    rows = list(Stemgewicht.objects.filter(vergadering=vergadering).select_related("gemeente"))
    for row in rows:
        row.stemgerechtigde = voters.get(row.gemeente_id)  # type: ignore[attr-defined]
    return rows


def voter_of(vergadering: Ledenvergadering, user) -> Stemgerechtigde | None:
    if getattr(user, "rol", None) != Rol.GEMEENTE or not user.gemeente_id:
        return None
    return Stemgerechtigde.objects.filter(
        vergadering=vergadering, gemeente_id=user.gemeente_id, gebruiker=user
    ).first()


def own_ballots(user, vergadering: Ledenvergadering | None = None):
    """The ballots of the user's own municipality (never another's)."""
    if getattr(user, "rol", None) != Rol.GEMEENTE or not user.gemeente_id:
        return Stem.objects.none()
    qs = Stem.objects.filter(gemeente_id=user.gemeente_id).select_related(
        "voorstel__vergadering", "amendement"
    )
    if vergadering is not None:
        qs = qs.filter(voorstel__vergadering=vergadering)
    return qs


def _open_ballots(user):
    cast = Stem.objects.filter(
        voorstel=OuterRef("pk"), gemeente_id=user.gemeente_id, amendement__isnull=True
    )
    return (
        Voorstel.objects.filter(
            vergadering__status=Ledenvergadering.Status.AGENDA,
            vergadering__stemmen_tot__gt=timezone.now(),
            vergadering__stemgerechtigden__gebruiker=user,
            vergadering__stemgerechtigden__gemeente_id=user.gemeente_id,
        )
        .exclude(Exists(cast))
        .select_related("vergadering")
    )


def open_ballot_count(user) -> int:
    """Proposals of open meetings this user votes on for which the municipality has cast no
    ballot yet: one query."""
    if getattr(user, "rol", None) != Rol.GEMEENTE or not user.gemeente_id:
        return 0
    return _open_ballots(user).count()


def open_ballot_items(user, limit: int = 5) -> list[Voorstel]:
    if getattr(user, "rol", None) != Rol.GEMEENTE or not user.gemeente_id:
        return []
    return list(_open_ballots(user).order_by("vergadering__stemmen_tot", "volgnummer")[:limit])


def per_gemeente(vergadering: Ledenvergadering) -> list[dict]:
    """After publication: how each municipality voted on every proposal (rows for export)."""
    names = dict(
        Stemgewicht.objects.filter(vergadering=vergadering).values_list(
            "gemeente__code", "gemeente__naam"
        )
    )
    gewicht = dict(
        Stemgewicht.objects.filter(vergadering=vergadering).values_list("gemeente__code", "stemmen")
    )
    rows = []
    for v in agenda(vergadering):
        stemmen: list[tuple[Voorstel | Amendement, dict]] = [
            (a, (a.uitslag or {}).get("per_gemeente", {})) for a in v.amendementen.all()
        ]
        stemmen.append((v, (v.uitslag or {}).get("per_gemeente", {})))
        for item, keuzes in stemmen:
            for code in sorted(names):
                rows.append(
                    {
                        "agendapunt": (
                            f"{v.code} am. {item.nummer}"
                            if isinstance(item, Amendement)
                            else v.code
                        ),
                        "gemeente_code": code,
                        "gemeente": names[code],
                        "stemmen": gewicht[code],
                        "keuze": keuzes.get(code, "niet gestemd"),
                    }
                )
    return rows


def admitted(amendement: Amendement) -> bool:
    """An amendment is admitted once it has the meeting's minimum of co-signatures."""
    count = getattr(amendement, "aantal_mede", None)
    if count is None:
        count = amendement.medeondertekeningen.count()
    return count >= amendement.voorstel.vergadering.min_medeondertekenaars
