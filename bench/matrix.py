"""National county door-to-door matrix: the whole-matrix path (``od_matrix(detail=False)``, vectorised over
origins per hub pair) against the obvious baseline, one ``ServiceModel.journey`` per pair, in the same run on
the same model. The baseline times a sample of origins to every county and is scaled to the whole matrix; the
sample's values are checked equal to the whole matrix's.

    .venv/bin/python bench/matrix.py [--sample-origins 20] [--product next-day]
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np

from geonet.matrix import od_matrix, place_nodes
from geonet.models import service_model
from results import record


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sample-origins", type=int, default=20)
    ap.add_argument("--product", default=None, help="express product (default the model's, next-day)")
    a = ap.parse_args()
    t = time.perf_counter()
    m = service_model("national")
    if a.product:
        m = m.for_product(a.product)
    t_model = time.perf_counter() - t
    nodes = [n for n, _ in place_nodes("counties", "national")]
    t = time.perf_counter()
    whole = od_matrix("counties", "counties", region="national", model=m, detail=False)
    t_whole = time.perf_counter() - t
    rng = np.random.default_rng(7)
    sample = [nodes[i] for i in sorted(rng.choice(len(nodes), a.sample_origins, replace=False))]
    t = time.perf_counter()
    base = {(o, d): m.journey(o, d).door_to_door_hours for o in sample for d in nodes if d != o}
    t_base = (time.perf_counter() - t) / len(base) * len(whole)
    got = whole[whole["origin_node"].isin(sample)]
    b = np.array([base[k] if base[k] is not None else np.nan
                  for k in zip(got["origin_node"].astype(str), got["destination_node"].astype(str))], dtype=float)
    same = bool(np.allclose(got["door_to_door_hours"].to_numpy(), b, equal_nan=True, atol=1e-3))
    res = {"pairs": len(whole), "model_build_s": round(t_model, 2), "whole_matrix_s": round(t_whole, 2),
           "per_pair_baseline_s_scaled": round(t_base, 1), "ratio": round(t_base / t_whole, 1),
           "sample_pairs": len(base), "sample_identical": same}
    print(json.dumps(res, indent=1))
    record("county_matrix_national", res)
    if not same:
        raise SystemExit("the whole-matrix values differ from the per-pair journeys")


if __name__ == "__main__":
    main()
