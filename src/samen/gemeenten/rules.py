"""Pure rules of the register (no Django): following herindelingen through time.

A ``Link`` is one predecessor → successor step on a date. Population moves along links: a whole
predecessor goes entirely to its successor; a split predecessor is divided over its successors by
the inhabitants that went to each (largest remainder, so nobody is lost or counted twice).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from samen.core.money import allocate_units


@dataclass(frozen=True)
class Link:
    datum: dt.date
    voorganger: str
    opvolger: str
    inwoners: int


def _by_date(
    links: Iterable[Link], after: dt.date, until: dt.date
) -> list[tuple[dt.date, list[Link]]]:
    grouped: dict[dt.date, list[Link]] = defaultdict(list)
    for link in links:
        if after < link.datum <= until:
            grouped[link.datum].append(link)
    return sorted(grouped.items())


def map_counts(
    counts: Mapping[str, int], links: Iterable[Link], after: dt.date, until: dt.date
) -> tuple[dict[str, int], dict[str, dict[str, int]]]:
    """Carry counts on date ``after`` forward to the municipalities of date ``until``.

    Returns the counts per municipality on ``until`` and, per municipality, what each original
    municipality contributed to it (for explaining the figure).
    """
    # contributions[current][original] = inhabitants
    contributions: dict[str, dict[str, int]] = {code: {code: n} for code, n in counts.items()}
    for _datum, day_links in _by_date(links, after, until):
        outgoing: dict[str, list[Link]] = defaultdict(list)
        for link in day_links:
            outgoing[link.voorganger].append(link)
        moved: dict[str, dict[str, int]] = defaultdict(dict)
        for voorganger, its_links in sorted(outgoing.items()):
            origins = contributions.pop(voorganger, None)
            if origins is None:
                continue
            weights = {link.opvolger: max(link.inwoners, 0) for link in its_links}
            if sum(weights.values()) == 0:
                weights = dict.fromkeys(weights, 1)
            # Divide the municipality as a whole (so each successor is within one inhabitant of
            # its exact share), then say which original municipalities its share came from: each
            # origin in turn over the room left at each successor, so both add up exactly.
            room = allocate_units(sum(origins.values()), weights)
            for origin, n in sorted(origins.items()):
                shares = allocate_units(n, room) if n else dict.fromkeys(room, 0)
                for opvolger, share in shares.items():
                    room[opvolger] -= share
                    moved[opvolger][origin] = moved[opvolger].get(origin, 0) + share
        for opvolger, origins in moved.items():
            target = contributions.setdefault(opvolger, {})
            for origin, n in origins.items():
                target[origin] = target.get(origin, 0) + n
    totals = {code: sum(origins.values()) for code, origins in contributions.items()}
    return totals, contributions


def successors(code: str, links: Iterable[Link], on: dt.date) -> list[str]:
    """The municipalities that carry ``code`` on date ``on`` (itself if nothing happened)."""
    links = [link for link in links if link.datum <= on]
    outgoing: dict[str, list[Link]] = defaultdict(list)
    for link in links:
        outgoing[link.voorganger].append(link)
    result: set[str] = set()
    frontier = [(code, dt.date.min)]
    seen = set()
    while frontier:
        current, since = frontier.pop()
        if (current, since) in seen:
            continue
        seen.add((current, since))
        later = [link for link in outgoing.get(current, []) if link.datum > since]
        if not later:
            result.add(current)
            continue
        first = min(link.datum for link in later)
        for link in later:
            if link.datum == first:
                frontier.append((link.opvolger, link.datum))
    return sorted(result)


def predecessors(code: str, links: Iterable[Link], on: dt.date | None = None) -> list[str]:
    """Every municipality that went, directly or through a chain, into ``code`` (up to ``on``)."""
    links = [link for link in links if on is None or link.datum <= on]
    incoming: dict[str, list[Link]] = defaultdict(list)
    for link in links:
        incoming[link.opvolger].append(link)
    # Per municipality reached, the latest date up to which its own predecessors count; a
    # municipality reached again through a later link is explored again from that later date.
    reached: dict[str, dt.date] = {}
    frontier = [(code, dt.date.max)]
    while frontier:
        current, before = frontier.pop()
        for link in incoming.get(current, []):
            until = link.datum - dt.timedelta(days=1)
            if link.datum <= before and reached.get(link.voorganger, dt.date.min) < until:
                reached[link.voorganger] = until
                frontier.append((link.voorganger, until))
    reached.pop(code, None)
    return sorted(reached)
