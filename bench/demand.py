"""Gravity balancing speed: geonet.demand.gravity (vectorised Furness iterations, numpy) against the obvious
baseline, the same doubly constrained model balanced with Python loops over the cities, on the national demand
(the mainland's prefecture cities) in the same run. The baseline runs a few iterations and is scaled to the
iterations geonet needed; both are checked to give the same table.

    .venv/bin/python bench/demand.py [--baseline-iterations 3]
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np

from geonet.demand import _distances_km, demand, furness, gravity
from geonet.geography import cities
from geonet.settings import DemandParams
from results import record


def loops(O, D, f, iterations: int):
    """The baseline: the same Furness updates, one city at a time (scalar Python)."""
    n = len(O)
    a, b = [1.0] * n, [1.0] * n
    for _ in range(iterations):
        for i in range(n):
            s = sum(f[i][j] * b[j] * D[j] for j in range(n))
            a[i] = 1.0 / s if O[i] > 0 and s > 0 else 0.0
        for j in range(n):
            s = sum(a[i] * O[i] * f[i][j] for i in range(n))
            b[j] = 1.0 / s if D[j] > 0 and s > 0 else 0.0
    return a, b


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--baseline-iterations", type=int, default=3)
    args = ap.parse_args()
    p = DemandParams()
    d = demand("national")
    c = cities("national").reset_index(drop=True)
    O, D = d.cities["parcels_out_per_day"].to_numpy(), d.cities["parcels_in_per_day"].to_numpy()
    km = _distances_km(c, p)
    t = time.perf_counter()
    T = gravity(O, D, km, p.distance_decay)
    t_vec = time.perf_counter() - t
    f = km ** -p.distance_decay
    iters = furness(O, D, f)[1]  # the iterations geonet needed
    k = max(1, min(args.baseline_iterations, iters))
    t = time.perf_counter()
    la, lb = loops(O.tolist(), D.tolist(), f.tolist(), k)
    t_base = (time.perf_counter() - t) / k * iters
    if k == iters:  # the baseline ran to the end: the same table
        Tl = (np.array(la) * O)[:, None] * f * (np.array(lb) * D)[None, :]
        assert np.allclose(Tl, T, rtol=1e-6)
    res = {"cities": len(O), "furness_iterations": iters, "vectorised_s": round(t_vec, 4),
           "loops_baseline_s_scaled": round(t_base, 2), "ratio": round(t_base / t_vec, 1)}
    print(json.dumps(res, indent=1))
    record("demand_gravity_national", res)


if __name__ == "__main__":
    main()
