"""Where should Guangdong's seventh regional hub go? Loop over candidate prefectures outside the 1+4+6,
collect each layout's KPIs in a DataFrame, write a CSV and a map of the best one.

Run:  .venv/bin/python scenarios/examples/candidate_sites.py [--out-dir maps]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

import geonet

HERE = Path(__file__).resolve().parent


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out-dir", default="maps", help="where to write candidate_sites.csv and the map")
    ap.add_argument("--limit", type=int, default=None, help="only the first N candidates (quick look)")
    args = ap.parse_args()
    out = Path(args.out_dir)

    base = geonet.Scenario.from_yaml(HERE.parent / "guangdong_1p4p6.yaml")
    base_result = base.run()
    plan_cities = set(base.hub_table()["name"])
    candidates = [c for c in geonet.cities("guangdong")["name"] if c not in plan_cities][: args.limit]

    rows = [{"candidate": "(plan only)", **base_result.kpis}]
    for city in candidates:
        sc = geonet.Scenario.from_dict({
            "name": f"1+4+6 + {city}", "region": "guangdong",
            "hubs": [{"id": h} for h in base.hub_table()["id"]] + [{"city": city, "tier": 3}],
        })
        rows.append({"candidate": city, **sc.run().kpis})
        print(f"{city}: mean door to door {rows[-1]['door_to_door_mean_h']:.2f} h, "
              f"next-day share {rows[-1]['goal_share:GD-next-day-province']:.3f}")
    table = pd.DataFrame(rows).sort_values(["goal_share:GD-next-day-province", "door_to_door_mean_h"],
                                          ascending=[False, True])
    out.mkdir(parents=True, exist_ok=True)
    table.to_csv(out / "candidate_sites.csv", index=False)
    best = table.iloc[0]["candidate"]
    print(f"best: {best}; wrote {out / 'candidate_sites.csv'}")
    if best != "(plan only)":
        sc = geonet.Scenario.from_dict({
            "name": f"1+4+6 + {best}", "region": "guangdong",
            "hubs": [{"id": h} for h in base.hub_table()["id"]] + [{"city": best, "tier": 3}],
        })
        cmp = geonet.compare(base_result, sc.run())
        geonet.save_map(geonet.map("guangdong", model=sc.model(), comparison=cmp.map_changes()),
                        out / "candidate_best.html")
        print(f"wrote {out / 'candidate_best.html'}")


if __name__ == "__main__":
    main()
