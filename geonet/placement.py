"""Where should the hubs be? Hub placement for a region's prefecture cities on its network, compared with the
plan's own layout on the same KPIs."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pandas as pd
from tqdm import tqdm

from . import checks
from .demand import demand
from .errors import DataError, InputError
from .gazetteer import locate
from .io import read_text
from .geography import cities
from .models import PLAN_SCENARIO, plan_hubs, service_model
from .optimize import HubInstance, HubSolution, PHubCenter, PHubMedian, _greedy_swap, evaluate_single, max_covering
from .scenario import Scenario, compare
from .settings import scenarios_dir
from .network.nodes import city_node

OBJECTIVES = ("median", "center", "coverage")
EXACT_MEDIAN_MAX_N = 40  # above this many cities the p-hub median MILP is replaced by a labelled heuristic


def city_matrix(region: str) -> tuple[pd.DataFrame, np.ndarray]:
    """The region's prefecture cities and the fastest network hours between them (all modes, no schedules)."""
    m = service_model(region)
    c = cities(region).reset_index(drop=True)
    nodes = [city_node(a) for a in c["adcode"]]
    m.prepare(nodes)
    idx = np.array([m.paths.multi.index[n] for n in nodes])
    T = np.vstack([m.paths.row(n)[idx] for n in nodes]) / 3600
    return c, T


def _demand(c: pd.DataFrame, region: str) -> tuple[np.ndarray, str]:
    """Weights of the city pairs: parcels per day between the region's cities (geonet.demand), normalised."""
    d = demand(region)
    if list(d.cities["adcode"]) != list(c["adcode"]):
        raise DataError(f"demand: the cities of {region} differ from the network's")  # pragma: no cover
    s = d.summary
    return d.od / d.od.sum(), (f"demand: parcels per day between the region's cities, {s['year']} "
                               f"({s['within_region_parcels_per_day']:,} of the {s['parcels_per_day']:,} a day "
                               "its cities send; geonet.demand: cited volumes, population, gravity)")


def _candidates(c: pd.DataFrame, path: str | Path | None) -> list[int] | None:
    if path is None:
        return None
    p = Path(path)
    lines = read_text(p, "candidate file", max_mb=1.0).splitlines()
    names = [x.strip().split(",")[0] for x in lines if x.strip()]
    names = [n for n in names if n.lower() not in ("city", "name")]
    if len(names) > len(c):
        raise InputError(f"candidate file {p} lists {len(names):,} cities; the region has {len(c)} prefecture "
                         "cities, each listed at most once")
    code_to_i = {a: i for i, a in enumerate(c["adcode"])}
    out = []
    for n in names:
        place = locate(n, level="prefecture")
        if place.code not in code_to_i:
            raise InputError(f"candidate {n} ({place.province}) is not a prefecture city of this region")
        out.append(code_to_i[place.code])
    if not out:
        raise InputError(f"candidate file {p} lists no cities")
    return out


def optimize_region(region: str, p: int, objective: str = "median", *, hours: float | None = None,
                    candidates: str | Path | None = None, time_limit: float = 120.0,
                    compare_with_plan: bool = True, progress: bool = False) -> dict:
    """Choose ``p`` hub cities of ``region``: 'median' (min demand-weighted hub-routed hours, single allocation),
    'center' (min worst pair, nearest-hub allocation), 'coverage' (max demand within ``hours`` of a hub)."""
    if objective not in OBJECTIVES:
        raise InputError(f"unknown objective {objective!r}; use {', '.join(OBJECTIVES)}")
    if objective == "coverage":
        if hours is None:
            raise InputError("--objective coverage needs --hours H (a positive number)")
        hours = checks.number(hours, "--hours", "hours", 0, 24 * 14, lo_open=True)
    n = len(cities(region))
    if not 1 <= p <= n:
        raise InputError(f"--p {p}: must be between 1 and the {n} cities of {region}")
    cand = _candidates(cities(region).reset_index(drop=True), candidates)  # checked before any long work
    bar = tqdm(total=2 + compare_with_plan, desc=f"optimise {region} {objective} p={p}", unit="step",
               disable=not progress, leave=False)
    bar.set_postfix_str("city network hours")
    c, T = city_matrix(region)
    pv = service_model(region).provenance  # the (cached) model city_matrix searched on
    bar.update()
    bar.set_postfix_str("solving")
    if not np.isfinite(T).all():
        bad = sorted({c.loc[i, "name"] for i in np.argwhere(~np.isfinite(T))[:, 0]})
        T = np.where(np.isfinite(T), T, 1e4)  # unreachable pairs carry a prohibitive cost, and are named
        unreachable_note = f"unreachable cities (cost 10,000 h): {', '.join(bad)}"
    else:
        unreachable_note = ""
    W, demand_note = _demand(c, region)
    sol, unit = _solve(objective, T, W, p, cand, hours, time_limit)
    bar.update()
    bar.set_postfix_str("comparing with the plan's layout")
    out = {"region": region, "objective": objective, "p": p, "value": round(float(sol.objective), 6), "unit": unit,
           "hubs": [c.loc[h, "name"] for h in sol.hubs], "optimal": sol.optimal, "method": sol.method,
           "seconds": round(sol.seconds, 2), "demand": demand_note, "network": pv["network"],
           "provenance": pv,
           "candidates": "all prefecture cities" if cand is None else [c.loc[i, "name"] for i in cand]}
    if unreachable_note:
        out["note"] = unreachable_note
    out.update(_plan_value(region, objective, c, T, W, p, hours))
    if compare_with_plan:
        base = Scenario.from_yaml(scenarios_dir() / PLAN_SCENARIO[region])
        opt = Scenario.from_dict({"name": f"optimised {objective} p={p}", "region": region,
                                  "hubs": [{"city": c.loc[h, "name"], "tier": 2} for h in sol.hubs]})
        cmp = compare(base, opt, progress=progress)
        out["kpis_vs_plan"] = cmp.table.to_dict(orient="records")
        bar.update()
    bar.close()
    return out


def _solve(objective: str, T: np.ndarray, W: np.ndarray, p: int, cand: list[int] | None, hours: float | None,
           time_limit: float) -> tuple[HubSolution, str]:
    """The solution of one objective on city hours ``T`` (h) and demand ``W``, and the unit of its value."""
    n = len(T)
    t0 = time.perf_counter()
    if objective == "median":
        inst = HubInstance(T, W, p)
        if n <= EXACT_MEDIAN_MAX_N:
            return PHubMedian(inst, "single", cand).solve(time_limit), "demand-weighted mean hub-routed network hours"

        def value(h):
            hh = np.asarray(h)
            return evaluate_single(inst, hh[np.argmin(T[:, hh], axis=1)])

        hubs = _greedy_swap(value, cand or list(range(n)), p, t0 + time_limit)
        return (HubSolution(value(hubs), hubs, None, False, time.perf_counter() - t0,
                            "p-hub median, nearest-hub allocation, HEURISTIC (greedy + swap; not proved optimal)"),
                "demand-weighted mean hub-routed network hours")
    if objective == "center":
        return PHubCenter(HubInstance(T, W, p), cand).solve(time_limit), "worst pair's hub-routed network hours"
    return max_covering(T, W.sum(axis=1), hours, p, cand), f"share of demand within {hours:g} h of a hub"


def _plan_value(region: str, objective: str, c: pd.DataFrame, T: np.ndarray, W: np.ndarray, p: int,
                hours: float | None) -> dict:
    """The plan's own layout under the same objective (nearest-hub allocation): plan_value, plan_hubs, note."""
    plan = plan_hubs(region)
    code_to_i = {a: i for i, a in enumerate(c["adcode"])}
    plan_idx = sorted({code_to_i[a] for a in plan["prefecture_adcode"] if a in code_to_i})
    if objective == "median":
        hh = np.asarray(plan_idx)
        value = evaluate_single(HubInstance(T, W, len(hh)), hh[np.argmin(T[:, hh], axis=1)])
    elif objective == "center":
        value = PHubCenter(HubInstance(T, W, len(plan_idx))).value(plan_idx)
    else:
        value = float(W.sum(axis=1)[(T[:, plan_idx] <= hours).any(axis=1)].sum())
    return {"plan_value": round(value, 6), "plan_hubs": [c.loc[i, "name"] for i in plan_idx],
            "plan_note": f"the plan's layout has {len(plan_idx)} hub cities (optimised: {p}); its value uses "
                         "nearest-hub allocation"}
