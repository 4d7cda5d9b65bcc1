"""Analyses on the real embedded network: properties, not copied numbers."""

from __future__ import annotations

import json

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import geonet
from geonet.engine import Snapshot
from geonet.goals import evaluate, goal_book
from geonet.models import region_network, service_model
from geonet.service import DAY, hhmm


def _goal(goal_id: str) -> dict:
    return next(g for g in goal_book()["goals"] if g["id"] == goal_id)


def test_goal_pair_counts():
    res = {r.id: r for r in geonet.goals("liaoning")}
    assert res["LN-next-day-prefectures"].pairs_total == 14 * 13 == 182
    assert res["LN-next-day-prefectures"].target_share == 1.0
    assert res["LN-on-time-next-day"].target_share == 0.80 and res["LN-on-time-next-day"].verdict_on == "outcome"
    gd = {r.id: r for r in geonet.goals("guangdong")}
    assert gd["GD-next-day-province"].pairs_total == 21 * 20 == 420
    assert gd["GD-next-day-gba"].pairs_total == 11 * 10
    yrd = {r.id: r for r in geonet.goals("yrd")}
    assert yrd["YRD-12h-key-cities"].pairs_total == 6 * 5
    assert yrd["YRD-24h-other-cities"].pairs_total == 25 * 24 - 30


def test_every_goal_cites_a_digest_goal_and_every_digest_goal_is_placed(digest):
    ids = {g["id"] for g in digest["time_service_goals"]}
    book = goal_book()
    cited = {g["source"] for g in book["goals"]}
    assert cited <= ids
    accounted = cited | {k for k in book["out_of_scope"] if k in ids}
    assert ids - accounted == set(), ids - accounted  # each goal is tested or listed out of scope with a reason


@pytest.mark.parametrize("goal_id", ["LN-next-day-prefectures", "GD-next-day-gba"])
def test_tightening_the_cutoff_never_improves(goal_id):
    g = _goal(goal_id)
    shares = []
    for cutoff in ("16:00", "18:00", "20:00", "22:00"):
        shares.append(evaluate({**g, "cutoff": cutoff}).share_met)
    assert all(a >= b for a, b in zip(shares, shares[1:])), shares


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 20), st.integers(0, 20), st.integers(0, 23 * 60), st.integers(1, 300))
def test_posting_later_never_delivers_earlier(i, j, t, later):
    m = service_model("guangdong")
    c = geonet.cities("guangdong")["adcode"].tolist()
    if i == j:
        return
    o, d = f"city:{c[i]}", f"city:{c[j]}"
    a = m.journey(o, d, cutoff=f"{t // 60:02d}:{t % 60:02d}")
    t2 = min(t + later, 23 * 60 + 59)
    b = m.journey(o, d, cutoff=f"{t2 // 60:02d}:{t2 % 60:02d}")
    assert b.delivered_s >= a.delivered_s - 1e-6
    # door to door is never shorter than the network time, and the legs add up
    assert a.door_to_door_hours >= a.network_hours - 1e-9
    assert sum(x.hours for x in a.legs) == pytest.approx(a.door_to_door_hours, abs=1e-6)


def test_adding_a_hub_never_worsens_coverage():
    base = geonet.coverage("guangdong", [1, 2, 3])
    plan = list(geonet.plan_hubs("guangdong")["id"])
    extra = geonet.coverage("guangdong", [1, 2, 3], hub_ids=plan + ["gd-site-huizhou"])
    a = base.counties.set_index("adcode")["hours"]
    b = extra.counties.set_index("adcode")["hours"].loc[a.index]
    assert (b <= a + 1e-9).all()
    assert (extra.summary["share_counties"].to_numpy() >= base.summary["share_counties"].to_numpy()).all()
    # coverage is monotone in the threshold
    assert base.summary["share_counties"].is_monotonic_increasing


def test_unreachable_is_reported_not_zero_or_inf():
    m = service_model("liaoning")
    cty = geonet.counties("liaoning").set_index("name")
    j = m.journey(f"county:{cty.loc['中山区', 'adcode']}", f"county:{cty.loc['长海县', 'adcode']}")
    assert not j.reachable and j.door_to_door_hours is None and j.to_dict()["door_to_door_hours"] is None
    df = geonet.od_matrix(["大连"], ["长海县", "沈阳"], region="liaoning")
    row = df.set_index("destination").loc["长海县"]
    assert not row["reachable"] and np.isnan(row["door_to_door_hours"])
    assert df.set_index("destination").loc["沈阳市", "reachable"]
    res = {r.id: r for r in geonet.goals("liaoning")}["LN-same-day-same-city"]
    assert "长海县" in res.excluded and res.pairs_unreachable == 0  # excluded with its reason, shown
    from geonet.goals import evaluate, goal_book

    goal = dict(next(g for g in goal_book()["goals"] if g["id"] == "LN-same-day-same-city"))
    goal.pop("exclude")
    res = evaluate(goal)  # without the exclusion: unreachable pairs, counted apart from missed ones
    assert res.pairs_unreachable > 0 and any(not w["reachable"] for w in res.worst)
    assert res.pairs_met + res.pairs_missed + res.pairs_unreachable == res.pairs_total
    assert not res.passed and res.verdict == "FAIL"


def test_national_prefecture_matrix_dimensions():
    nat = geonet.cities("national")
    m = service_model("national")
    assert all(f"city:{a}" in m.G for a in nat["adcode"])
    df = geonet.od_matrix(["北京", "乌鲁木齐"], "cities", region="national")
    assert len(df) == 2 * len(nat) - 2
    ok = df[df["reachable"]]
    assert (ok["door_to_door_hours"] >= ok["network_hours"]).all()


def test_engine_equals_networkx():
    G = region_network("guangdong")
    snap = Snapshot.from_graph(G)
    sources = ["city:440100", "hub:gd-jieyang", "air:CAN"]
    dist = snap.times(sources)
    for i, s in enumerate(sources):
        ref = nx.single_source_dijkstra_path_length(G, s, weight="travel_time")
        for n, t in ref.items():
            assert dist[i, snap.index[n]] == pytest.approx(t, abs=1e-3)
        unreached = set(G) - set(ref)
        assert all(np.isinf(dist[i, snap.index[n]]) for n in unreached)


def test_cutoff_and_deadline_are_explained():
    g = _goal("LN-next-day-prefectures")
    assert "cutoff" not in g and g["deadline"]["day"] == 1  # the scenario's cut-off (18:00 by default)
    assert hhmm(geonet.ServiceParams().cutoff) == 18 * 3600
    r = evaluate(g)
    assert r.threshold_hours == pytest.approx((DAY + hhmm("18:00") - hhmm("18:00")) / 3600)


def test_cli_goals_json_and_explain(cli):
    r = cli("goals", "--region", "liaoning", "--json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    ln = next(g for g in out["goals"] if g["id"] == "LN-next-day-prefectures")
    for k in ("id", "source", "description", "threshold_hours", "pairs_total", "pairs_met", "share_met",
              "target_share", "passed", "worst"):
        assert k in ln
    assert ln["pairs_total"] == 182 and ln["source"] == "LN-T01"
    r = cli("goals", "--region", "yrd", "--explain")
    assert r.returncode == 0 and "cutoff = 18:00" in r.stdout and "out of scope" not in r.stderr
    assert "NP-T04" in r.stdout  # listed as untestable, with the reason


def test_cli_route_via_hubs_and_matrix(cli, tmp_path):
    r = cli("route", "汕头", "湛江", "--region", "guangdong", "--via-hubs", "--json")
    assert r.returncode == 0, r.stderr
    j = json.loads(r.stdout)
    assert j["via"] == ["gd-shantou", "gd-zhanjiang"]
    assert {"from", "to", "mode", "depart_at", "arrive_at", "hours", "km", "waiting"} <= set(j["legs"][0])
    api = geonet.journey("汕头", "湛江", region="guangdong").to_dict()
    assert api == j
    out = tmp_path / "ln.csv"
    r = cli("matrix", "--region", "liaoning", "--from", "cities", "--to", "cities", "--out", str(out))
    assert r.returncode == 0, r.stderr
    df = pd.read_csv(out)
    assert len(df) == 182 and (df["network"] == "proxy").all()
    assert (df["door_to_door_hours"] >= df["network_hours"]).all()
    r = cli("route", "汕头", "湛江", "--region", "guangdong", "--depart", "25:00")
    assert r.returncode == 2 and "HH:MM" in r.stderr


def test_cli_coverage(cli):
    r = cli("coverage", "--region", "liaoning", "--hours", "2,6", "--json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    t2, t6 = out["thresholds"]
    assert t2["counties_covered"] <= t6["counties_covered"] <= t6["counties_total"] == 100
    assert any(o["name"] == "长海县" and o["hours"] is None for o in t6["outside"])
    r = cli("coverage", "--region", "liaoning", "--hours", "-3")
    assert r.returncode == 2 and "positive" in r.stderr


def test_dask_engine_gives_identical_rows():
    local = geonet.od_matrix("cities", "cities", region="liaoning")
    dask = geonet.od_matrix("cities", "cities", region="liaoning", engine="dask", n_workers=1)
    pd.testing.assert_frame_equal(local, dask)
    with pytest.raises(geonet.InputError, match="dask"):
        geonet.od_matrix("cities", "cities", region="liaoning", engine="spark")


@pytest.mark.parametrize("region, kind", [("liaoning", "counties"), ("guangdong", "cities"), ("yrd", "hubs")])
def test_fast_matrix_equals_per_pair_journeys(region, kind):
    detailed = geonet.od_matrix(kind, kind, region=region)
    fast = geonet.od_matrix(kind, kind, region=region, detail=False)
    assert len(fast) == len(detailed)
    assert (fast["reachable"].to_numpy() == detailed["reachable"].to_numpy()).all()
    a, b = fast["door_to_door_hours"].to_numpy(), detailed["door_to_door_hours"].to_numpy()
    assert np.allclose(a, b, equal_nan=True, atol=1e-3)
    assert np.allclose(fast["network_hours"], detailed["network_hours"], equal_nan=True, atol=1e-3)
