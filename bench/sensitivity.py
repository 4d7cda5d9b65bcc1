"""The sensitivity sweep against its obvious baseline, in one run: every lever value re-timed on cached paths
(``ServiceModel.with_params``, what `geonet goals --sensitivity` does) vs. a fresh model per value (network
built again, every search run again). Same goals, same values, same shares (checked). Then the whole sweep of
all four regions, timed. Writes bench/results_sensitivity.json.

    .venv/bin/python bench/sensitivity.py [--region liaoning]
"""

from __future__ import annotations

import argparse
import json
import platform
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--region", default="liaoning")
    ap.add_argument("--goal", default=None, help="goal id (default: the region's first)")
    args = ap.parse_args()

    import geonet
    from geonet.geography import resolve
    from geonet.goals import _pairs, goal_book, goal_model
    from geonet.models import plan_hubs
    from geonet.network import build
    from geonet.sensitivity import LEVERS, share_function
    from geonet.service import ServiceModel

    goal = next(g for g in goal_book()["goals"] if (g["id"] == args.goal if args.goal else g["region"] == args.region))
    base = goal_model(goal)
    pairs, _ = _pairs(goal, resolve(goal["region"]))
    share_of = share_function(goal, pairs)
    values = [(lv, v) for lv in LEVERS for v in lv.values]

    t = time.perf_counter()
    cached = [share_of(base.with_params(lv.apply(base.params, v))) for lv, v in values]
    t_cached = time.perf_counter() - t

    t = time.perf_counter()
    fresh = []
    for lv, v in values:  # the baseline: a network and a model per value, every search again
        G = build(goal["region"])
        m = ServiceModel(G, plan_hubs(goal["region"]), lv.apply(base.params, v))
        fresh.append(share_of(m))
    t_fresh = time.perf_counter() - t
    assert all(abs(a - b) < 1e-9 for a, b in zip(cached, fresh)), "cached and fresh shares differ"

    t = time.perf_counter()
    for region in ("guangdong", "liaoning", "yrd", "national"):
        geonet.goals(region, sensitivity=True)
    t_all = time.perf_counter() - t

    out = {"machine": f"{platform.machine()}, {platform.python_version()}", "goal": goal["id"],
           "pairs": len(pairs), "lever_values": len(values), "cached_s": round(t_cached, 2),
           "fresh_model_per_value_s": round(t_fresh, 2), "speedup_vs_fresh": round(t_fresh / t_cached, 1),
           "all_four_regions_sensitivity_s": round(t_all, 1)}
    print(json.dumps(out, indent=1))
    (HERE / "results_sensitivity.json").write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
