"""Monte Carlo speed: geonet's vectorised simulation (pairs x draws arrays) against the obvious baseline,
re-simulating each draw with the per-pair code (one Python loop over the legs of every pair, per parcel), on
the same journeys in the same run. The baseline runs a few draws and is scaled per draw.

    .venv/bin/python bench/reliability.py [--draws 1000] [--baseline-draws 3]
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np

from geonet.models import service_model
from geonet.places import place_set
from geonet.settings import VariabilityParams
from geonet.timing import next_departure  # the scalar per-parcel code
from geonet.variability import AIR, FIXED, RAIL, ROAD, ROUND, programs, simulate
from results import record


def per_pair(prog, service, var, draws, rng):
    """The baseline: every parcel of every pair through its steps one by one (scalar code)."""
    from geonet.timing import hhmm

    t_cut = hhmm(service.cutoff)
    out = np.full((len(prog.reachable), draws), np.nan)
    shape = 1 / var.processing_cv**2
    for p in range(len(prog.reachable)):
        for d in range(draws):
            t = t_cut
            for s in range(prog.kind.shape[1]):
                k = prog.kind[p, s]
                if k < 0:
                    break
                if prog.sched[p, s] >= 0:
                    times = list(prog.schedules[prog.sched[p, s]])
                    t = next_departure(t + prog.connect[p, s], times)
                    if prog.missable[p, s] and rng.random() < var.miss_departure_p:
                        t = next_departure(t + 1, times)
                n = prog.nominal[p, s]
                if k == FIXED:
                    t += n * rng.gamma(shape, 1 / shape)
                elif k in (ROAD, RAIL):
                    sig = var.road_sigma if k == ROAD else var.rail_sigma
                    t += n * np.exp(rng.normal(-sig**2 / 2, sig)) + prog.rest[p, s]
                elif k == AIR:
                    t += n + (rng.exponential(var.flight_delay_mean_s) if rng.random() > var.flight_on_time_share
                              else 0.0)
                elif k == ROUND:
                    t += rng.random() * service.round_duration_s
            out[p, d] = t
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--draws", type=int, default=1000)
    ap.add_argument("--baseline-draws", type=int, default=3)
    a = ap.parse_args()
    m = service_model("national").for_product("standard")
    c = place_set("spb50", "national")
    pairs = [(x[0], y[0]) for x in c for y in c if x[0] != y[0]]
    t = time.perf_counter()
    journeys = [m.journey(o, d) for o, d in pairs]
    t_j = time.perf_counter() - t
    prog = programs(journeys, m.banks)
    var = VariabilityParams()
    t = time.perf_counter()
    simulate(prog, m.params, var, a.draws, 1)
    t_vec = time.perf_counter() - t
    t = time.perf_counter()
    per_pair(prog, m.params, var, a.baseline_draws, np.random.default_rng(1))
    t_base = (time.perf_counter() - t) / a.baseline_draws * a.draws
    res = {"pairs": len(pairs), "draws": a.draws, "journeys_s": round(t_j, 2), "vectorised_s": round(t_vec, 2),
           "per_pair_baseline_s_scaled": round(t_base, 1), "ratio": round(t_base / t_vec, 1),
           "reliability_total_s": round(t_j + t_vec, 2)}
    print(json.dumps(res, indent=1))
    record("reliability_spb50", res)


if __name__ == "__main__":
    main()
