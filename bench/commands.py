"""The wall times the README quotes, measured: each command run as a user runs it (a fresh `geonet` process, so
start-up and the region's build count), in a scratch folder, once; results in bench/results.json under
``readme_commands`` with the date and the machine's cores. Rerun it and update the README from what it prints.

    .venv/bin/python bench/commands.py [--only KEY,KEY]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time

from results import record

COMMANDS = {  # key -> the command line the README quotes (after `geonet`)
    "matrix_national_cities": "matrix --region national --from cities --to cities --out nat.csv",
    "matrix_national_counties_fast": "matrix --region national --from counties --to counties --fast --out cty.csv",
    "matrix_national_air": "matrix --region national --mode air --out a.csv",
    "matrix_national_rail": "matrix --region national --mode rail --out r.csv",
    "reliability_spb50": "reliability --json",
    "goals_national": "goals --region national --json",
    "optimize_guangdong_p6_median": "optimize --region guangdong --p 6 --objective median --json",
}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", default="", help="comma-separated keys of COMMANDS (default: all)")
    args = ap.parse_args()
    keys = [k for k in args.only.split(",") if k] or list(COMMANDS)
    out = {"date": dt.date.today().isoformat(), "cores": os.cpu_count(), "seconds": {}}
    with tempfile.TemporaryDirectory() as box:
        for key in keys:
            argv = [sys.executable, "-m", "geonet", *COMMANDS[key].split()]
            t = time.perf_counter()
            r = subprocess.run(argv, cwd=box, capture_output=True, text=True)
            took = time.perf_counter() - t
            if r.returncode != 0:
                raise SystemExit(f"{key}: exit {r.returncode}: {r.stderr.strip().splitlines()[-1:]}")
            out["seconds"][key] = round(took, 1)
            print(f"{took:7.1f} s  geonet {COMMANDS[key]}", flush=True)
    print(json.dumps(out, indent=1))
    record("readme_commands", {**out, "commands": {k: COMMANDS[k] for k in keys}})


if __name__ == "__main__":
    main()
