"""Hub placement, checked against independent enumeration (not against the solver's own numbers)."""

from __future__ import annotations

import itertools
import json

import numpy as np
import pytest

from conftest import SHARED
from geonet.optimize import HubInstance, PHubCenter, PHubMedian

PHUB = SHARED / "data" / "phub"
pytestmark = pytest.mark.skipif(not PHUB.is_dir(), reason="shared phub data not present")


def single_cost(inst, alloc):
    c, w = inst.cost, inst.flow
    n = len(c)
    total = 0.0
    for i in range(n):
        for j in range(n):
            k, m = alloc[i], alloc[j]
            total += w[i, j] * (inst.collect * c[i, k] + inst.transfer * c[k, m] + inst.distribute * c[m, j])
    return total


def brute_single(inst):
    n, best = inst.n, (np.inf, None)
    for hubs in itertools.combinations(range(n), inst.p):
        others = [i for i in range(n) if i not in hubs]
        for choice in itertools.product(hubs, repeat=len(others)):
            alloc = list(range(n))
            for i, h in zip(others, choice):
                alloc[i] = h
            best = min(best, (single_cost(inst, alloc), hubs))
    return best


def brute_multiple(inst):
    c, w, n = inst.cost, inst.flow, inst.n
    best = (np.inf, None)
    for hubs in itertools.combinations(range(n), inst.p):
        total = sum(w[i, j] * min(inst.collect * c[i, k] + inst.transfer * c[k, m] + inst.distribute * c[m, j]
                                  for k in hubs for m in hubs) for i in range(n) for j in range(n))
        best = min(best, (total, hubs))
    return best


@pytest.mark.parametrize("name", ["10.2", "10.3"])
def test_ap_small_single_and_multiple_equal_enumeration(name):
    inst = HubInstance.from_ap(PHUB / "AP" / "ernst-bundle" / name)
    s = PHubMedian(inst, "single").solve()
    ref, hubs = brute_single(inst) if name == "10.2" else (None, None)
    if ref is not None:
        assert s.objective == pytest.approx(ref, rel=1e-9) and tuple(s.hubs) == hubs
    assert s.optimal
    m = PHubMedian(inst, "multiple").solve()
    ref_m, hubs_m = brute_multiple(inst)
    assert m.objective == pytest.approx(ref_m, rel=1e-9) and tuple(m.hubs) == hubs_m and m.optimal
    assert m.objective <= s.objective + 1e-6  # multiple allocation can only do better


def _all_single_allocations(n, hubs):
    """Every single allocation with these hubs, as rows of node -> hub (vectorised enumeration)."""
    others = [i for i in range(n) if i not in hubs]
    choices = np.array(list(itertools.product(hubs, repeat=len(others))))
    alloc = np.tile(np.arange(n), (len(choices), 1))
    alloc[:, others] = choices
    return alloc, others


def test_ap_10_3_single_against_vectorised_enumeration():
    inst = HubInstance.from_ap(PHUB / "AP" / "ernst-bundle" / "10.3")
    c, w, n = inst.cost, inst.flow, inst.n
    best = np.inf
    for hubs in itertools.combinations(range(n), 3):
        alloc, _ = _all_single_allocations(n, hubs)
        rows = np.arange(n)
        col = inst.collect * c[rows[None, :], alloc]  # (A, n)
        dis = inst.distribute * c[alloc, rows[None, :]]
        tr = inst.transfer * c[alloc[:, :, None], alloc[:, None, :]]
        tot = (w[None] * (col[:, :, None] + tr + dis[:, None, :])).sum(axis=(1, 2))
        best = min(best, tot.min())
    assert PHubMedian(inst, "single").solve().objective == pytest.approx(best, rel=1e-9)


def test_ap_20_node_instance_multiple_equals_vectorised_enumeration():
    """A mid-size instance (the solver's time is measured in bench/, not here): multiple allocation against
    every hub triple, each pair routed through its cheapest two hubs; single allocation no better than that,
    and exactly its own allocation's cost."""
    inst = HubInstance.from_ap(PHUB / "AP" / "kriogenia-subproblems" / "phub_20.3.txt")
    c, w, n = inst.cost, inst.flow, inst.n
    best = (np.inf, None)
    for hubs in itertools.combinations(range(n), 3):
        h = list(hubs)  # path i -> k -> m -> j: (n, 3) + (3, 3) + (3, n), the cheapest k, m per pair
        path = (inst.collect * c[:, h][:, :, None, None] + inst.transfer * c[np.ix_(h, h)][None, :, :, None]
                + inst.distribute * c[h, :][None, None, :, :])
        best = min(best, ((w * path.min(axis=(1, 2))).sum(), hubs))
    m = PHubMedian(inst, "multiple").solve()
    assert m.optimal and m.objective == pytest.approx(best[0], rel=1e-9) and tuple(m.hubs) == best[1]
    s = PHubMedian(inst, "single").solve()
    assert s.optimal and len(s.hubs) == 3 and s.objective >= m.objective - 1e-6
    assert single_cost(inst, s.allocation) == pytest.approx(s.objective, rel=1e-9)


def test_cab_multiple_allocation_equals_enumeration():
    inst = HubInstance.from_cab(PHUB / "CAB" / "bilevelpy" / "cab25.txt", p=2, n=10, alpha=0.8)
    assert inst.n == 10 and inst.transfer == 0.8
    s = PHubMedian(inst, "multiple").solve()
    ref, hubs = brute_multiple(inst)
    assert s.objective == pytest.approx(ref, rel=1e-9) and tuple(s.hubs) == hubs


def test_center_by_enumeration_matches_direct_loops():
    rng = np.random.default_rng(3)
    pts = rng.random((9, 2))
    cost = np.sqrt(((pts[:, None] - pts[None]) ** 2).sum(-1))
    sol = PHubCenter.from_cost_matrix(cost, 2).solve()
    best = np.inf
    for hubs in itertools.combinations(range(9), 2):
        a = [min(hubs, key=lambda h: cost[i, h]) for i in range(9)]
        worst = max(cost[i, a[i]] + cost[a[i], a[j]] + cost[a[j], j] for i in range(9) for j in range(9))
        best = min(best, worst)
    assert sol.optimal and sol.objective == pytest.approx(best)


def test_cli_instance_json(cli):
    r = cli("optimize", "--instance", str(PHUB / "AP" / "ernst-bundle" / "10.2"), "--objective", "median", "--json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert set(out) == {"objective", "hubs", "allocation", "optimal", "seconds"}
    assert out["optimal"] and min(out["hubs"]) >= 1 and len(out["allocation"]) == 10  # 1-based as in the file
    r = cli("optimize", "--instance", str(PHUB / "AP" / "ernst-bundle" / "10.2"), "--allocation", "multiple", "--json")
    assert json.loads(r.stdout)["allocation"] == "multiple"
    r = cli("optimize", "--instance", str(PHUB / "AP" / "nothere"), "--json")
    assert r.returncode == 2 and "not found" in r.stderr


def test_region_median_liaoning_equals_enumeration(cli):
    from geonet.placement import _demand, city_matrix, optimize_region

    res = optimize_region("liaoning", 2, "median", compare_with_plan=False)
    c, T = city_matrix("liaoning")
    W, _ = _demand(c, "liaoning")
    ref, hubs = np.inf, None
    n = len(c)
    for hs in itertools.combinations(range(n), 2):
        alloc, _ = _all_single_allocations(n, hs)
        rows = np.arange(n)
        tot = (W[None] * (T[rows[None, :], alloc][:, :, None] + T[alloc[:, :, None], alloc[:, None, :]]
                          + T[alloc, rows[None, :]][:, None, :])).sum(axis=(1, 2))
        if tot.min() < ref:
            ref, hubs = tot.min(), hs
    assert res["optimal"] and res["value"] == pytest.approx(ref, rel=1e-6)
    assert sorted(res["hubs"]) == sorted(c.loc[list(hubs), "name"])
    assert "demand" in res and res["plan_value"] > 0


def test_region_optimize_cli_reports_plan_comparison(cli):
    r = cli("optimize", "--region", "liaoning", "--p", "3", "--objective", "coverage", "--hours", "3", "--json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert len(out["hubs"]) == 3 and out["plan_hubs"] and out["kpis_vs_plan"]
    assert 0 <= out["value"] <= 1 + 1e-9
    r = cli("optimize", "--region", "liaoning", "--p", "99")
    assert r.returncode == 2 and "between 1 and" in r.stderr
