"""The matching rules (pure): qualification, availability, distance order, load, preference,
the back-up pool, remote requests nationally."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from samen.tolk.matching import Kandidaat, Verzoek, is_free, overlaps, propose

T = dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC)
H = dt.timedelta(hours=1)
REQ = Verzoek("ngt", T, T + H, "GM0363")


def k(i, kw=("ngt",), gm="GM0363", **extra):
    return Kandidaat(id=i, kwalificaties=frozenset(kw), woongemeente=gm, **extra)


def ids(voorstellen):
    return [v.tolk_id for v in voorstellen]


def test_only_qualified_interpreters():
    assert ids(propose(REQ, [k(1, ("schrijftolk",)), k(2, ("ngt", "nmg"))])) == [2]


def test_busy_interpreters_are_left_out_but_adjacent_slots_are_free():
    busy = k(1, bezet=((T + H / 2, T + 2 * H),))
    before = k(2, bezet=((T - H, T),))
    after = k(3, bezet=((T + H, T + 2 * H),))
    assert ids(propose(REQ, [busy, before, after])) == [2, 3]
    assert overlaps((T, T + H), (T + H / 2, T + 2 * H))
    assert not overlaps((T, T + H), (T + H, T + 2 * H))


def test_inactive_interpreters_are_left_out():
    assert ids(propose(REQ, [k(1, actief=False), k(2)])) == [2]


def test_ordered_by_distance_then_load():
    ks = [k(1, gm="far"), k(2, gm="near", belasting_uren=10), k(3, gm="near", belasting_uren=2)]
    distance = {"far": 120.0, "near": 5.0}
    assert ids(propose(REQ, ks, distance)) == [3, 2, 1]


def test_unknown_distance_sorts_last():
    assert ids(propose(REQ, [k(1, gm="x"), k(2, gm="near")], {"near": 50.0})) == [2, 1]


def test_preference_comes_first():
    req = Verzoek("ngt", T, T + H, "GM0363", voorkeur=frozenset({9}))
    assert ids(propose(req, [k(1, gm="near"), k(9, gm="far")], {"near": 1, "far": 200})) == [9, 1]


def test_backup_pool_only_when_escalated():
    ks = [k(1, achterwacht=True), k(2)]
    assert ids(propose(REQ, ks)) == [2]
    assert ids(propose(REQ, ks, achterwacht=True)) == [1, 2]


def test_remote_requests_match_nationally_by_load():
    req = Verzoek("ngt", T, T + H, None, op_afstand=True)
    ks = [k(1, gm="far", belasting_uren=1), k(2, gm="near", belasting_uren=5)]
    assert ids(propose(req, ks, {"far": 200, "near": 1})) == [1, 2]


def test_limit():
    assert ids(propose(REQ, [k(i) for i in range(10)], limit=3)) == [0, 1, 2]


slot = st.tuples(st.integers(0, 48), st.integers(1, 8)).map(
    lambda p: (T + p[0] * H / 4, T + p[0] * H / 4 + p[1] * H / 4)
)
kandidaat = st.builds(
    Kandidaat,
    id=st.integers(0, 10_000),
    kwalificaties=st.frozensets(st.sampled_from(["ngt", "nmg", "schrijftolk", "tactiel"])),
    woongemeente=st.sampled_from(["a", "b", "c"]),
    achterwacht=st.booleans(),
    bezet=st.lists(slot, max_size=4).map(tuple),
    belasting_uren=st.floats(0, 200),
)


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.lists(kandidaat, max_size=30, unique_by=lambda c: c.id), st.sampled_from(["ngt", "nmg"]))
def test_every_proposal_is_qualified_and_free_and_ordered(ks, tolktype):
    req = Verzoek(tolktype, T + 4 * H, T + 5 * H, "x")
    distance = {"a": 1.0, "b": 10.0, "c": 100.0}
    result = propose(req, ks, distance)
    by_id = {c.id: c for c in ks}
    for v in result:
        c = by_id[v.tolk_id]
        assert tolktype in c.kwalificaties and not c.achterwacht
        assert is_free(c, req.begin, req.eind)
    keys = [(v.afstand_km, v.belasting_uren, v.tolk_id) for v in result]
    assert keys == sorted(keys)
    expected = {
        c.id
        for c in ks
        if tolktype in c.kwalificaties and not c.achterwacht and is_free(c, req.begin, req.eind)
    }
    assert set(ids(result)) == expected
