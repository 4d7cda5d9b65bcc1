"""Exact hub placement speed: geonet.optimize.PHubMedian (the Ernst & Krishnamoorthy MILP, HiGHS) against the
obvious baseline, enumerating every hub set (vectorised numpy: each pair through its cheapest two hubs), on the
Australia Post instances in the same run. Multiple allocation: both give the same optimum (checked). Single
allocation cannot be enumerated beyond ~10 nodes (p^(n-p) allocations per hub set): its MILP time is recorded
alone, with the gap to the multiple-allocation optimum.

    .venv/bin/python bench/optimize.py [--instances 20.3,25.3]
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import time
from pathlib import Path

import numpy as np

from geonet.optimize import HubInstance, PHubMedian
from results import record

AP = Path(os.environ.get("GEONET_SHARED", Path(__file__).resolve().parents[2] / "shared")) / "data" / "phub" / "AP"


def enumerate_multiple(inst: HubInstance) -> tuple[float, tuple[int, ...]]:
    """The baseline: every hub set of size p, each pair routed through its cheapest (k, m) of the set."""
    c, w = inst.cost, inst.flow
    best = (np.inf, ())
    for hubs in itertools.combinations(range(inst.n), inst.p):
        h = list(hubs)
        path = (inst.collect * c[:, h][:, :, None, None] + inst.transfer * c[np.ix_(h, h)][None, :, :, None]
                + inst.distribute * c[h, :][None, None, :, :])
        best = min(best, (float((w * path.min(axis=(1, 2))).sum()), hubs))
    return best


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--instances", default="20.3,25.3", help="N.P names of AP/kriogenia-subproblems/phub_N.P.txt")
    args = ap.parse_args()
    out = {}
    for name in args.instances.split(","):
        inst = HubInstance.from_ap(AP / "kriogenia-subproblems" / f"phub_{name}.txt")
        t = time.perf_counter()
        ref, hubs = enumerate_multiple(inst)
        t_enum = time.perf_counter() - t
        m = PHubMedian(inst, "multiple").solve()
        assert m.optimal and abs(m.objective - ref) <= 1e-9 * ref and tuple(m.hubs) == hubs, name
        s = PHubMedian(inst, "single").solve()
        out[name] = {"nodes": inst.n, "p": inst.p, "multiple_milp_s": round(m.seconds, 2),
                     "multiple_enumeration_s": round(t_enum, 2), "ratio_enumeration_over_milp": round(t_enum / m.seconds, 2),
                     "single_milp_s": round(s.seconds, 2), "single_optimal": s.optimal,
                     "single_over_multiple": round(s.objective / m.objective, 4)}
    print(json.dumps(out, indent=1))
    record("phub_median_ap", out)


if __name__ == "__main__":
    main()
