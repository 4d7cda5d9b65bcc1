"""Calibrating the mass-market product on the State Post Bureau's measured series.

The Bureau's annual 快递服务时限准时率测试 over 50 key cities publishes a national mean full-journey time
(全程时限, collection to delivery), the share delivered within 72 hours and, in some years, the mean of four
stages. ``calibrate_spb`` fits five named parameters of the ``standard`` product so that geonet's parcels
between the 50 cities (place set ``spb50``) reproduce one year's figures, least squares on aggregate figures
only (never on a city pair):

- ``origin_processing_s`` (bounds 0.5-12 h): sets the origin stage (collection to leaving the origin centre);
- ``road_time_factor`` (0.8-2.5, x the network's road times): the transport stage, with the hubs and banks
  (the mass product's trucks are slower than the 80 km/h line-haul average of the network);
- ``dest_processing_s`` (0.5-16 h): the destination stage (arrival to the start of the delivery round);
- ``round_duration_s`` (1-12 h): the delivery stage;
- ``processing_cv`` (0.05-2.5): the spread of every processing step, which sets the 72-hour share.

Everything else (the network, speeds, trunk banks, relays, collection window, rests, the flight and road
spreads, miss and failed-delivery chances) is held as declared in geonet.settings.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from scipy.optimize import least_squares

from .errors import InputError
from .io import read_records
from .models import service_model
from .places import place_set
from .reliability import outcome_draws, summarise
from .settings import PRODUCTS, VariabilityParams, _standard, layers_dir
from .variability import STAGES

SPB_COLUMNS = ["year", "period", "mean_hours", "on_time_72h_pct"]
STAGE_COLUMNS = [f"stage_{s}_hours" for s in STAGES]
FITTED = {  # name: (lower, upper, unit); seconds are fitted in hours
    "origin_processing_s": (1800.0, 12 * 3600.0, "s"),
    "road_time_factor": (0.8, 2.5, "x"),
    "dest_processing_s": (1800.0, 16 * 3600.0, "s"),
    "round_duration_s": (3600.0, 12 * 3600.0, "s"),
    "processing_cv": (0.05, 2.5, "CV"),
}


def read_spb(reference: str | Path = "spb") -> pd.DataFrame:
    """The State Post Bureau's series ('spb': the shipped, cited layers/spb_time_tests.csv) or a CSV file in
    the same form (year, period, mean_hours, on_time_72h_pct, optional stage_*_hours)."""
    path = layers_dir() / "spb_time_tests.csv" if str(reference) == "spb" else Path(reference)
    rows = []
    for where, r in read_records(path, "State Post Bureau reference", SPB_COLUMNS):
        row = {"where": where, "year": r["year"], "period": r["period"] or "annual"}
        for c in ["mean_hours", "on_time_72h_pct", *STAGE_COLUMNS]:
            text = r.get(c, "")
            try:
                v = float(text) if text else np.nan
            except ValueError:
                raise InputError(f"{where}: {c} must be a number, got {text[:30]!r}") from None
            if text and not (0 < v <= (100 if c == "on_time_72h_pct" else 1000)):
                raise InputError(f"{where}: {c} {v:g} is out of range (hours 0-1000, share 0-100 %)")
            row[c] = v
        if not r["year"].isdigit():
            raise InputError(f"{where}: year must be a year such as 2024, got {r['year'][:20]!r}")
        rows.append(row)
    return pd.DataFrame(rows)


def targets(table: pd.DataFrame, year: int | None = None) -> dict:
    """What is fitted for ``year`` (default the latest): the annual mean and 72 h share, and the stage split
    of that year's latest row with stages (scaled to the annual mean); stages None when the year has none."""
    annual = table[(table["period"] == "annual") & table["mean_hours"].notna() & table["on_time_72h_pct"].notna()]
    if annual.empty:
        raise InputError("the reference has no annual row with both mean_hours and on_time_72h_pct")
    y = str(year) if year is not None else max(annual["year"], key=int)
    row = annual[annual["year"] == y]
    if row.empty:
        raise InputError(f"no annual figures for {y} in the reference; years: {', '.join(sorted(set(annual['year'])))}")
    row = row.iloc[-1]
    staged = table[(table["year"] == y) & table[STAGE_COLUMNS].notna().all(axis=1)]
    stages, basis = None, "no stage split published for the year"
    if not staged.empty:
        s = staged.iloc[-1]
        raw = np.array([s[c] for c in STAGE_COLUMNS])
        stages = dict(zip(STAGES, np.round(raw / raw.sum() * row["mean_hours"], 2)))
        basis = f"stage split of {y} {s['period']} ({s['where']}), scaled to the annual mean"
    return {"year": y, "mean_hours": float(row["mean_hours"]), "on_time_share": float(row["on_time_72h_pct"]) / 100,
            "stages": stages, "stage_basis": basis, "where": row["where"]}


def _evaluate(model, pairs, x: dict, var: VariabilityParams, draws: int, seed: int) -> dict:
    params = model.params.with_(**_standard(x))
    m = model.with_params(params)
    _, dr = outcome_draws(m, pairs, var.with_(processing_cv=float(x["processing_cv"])), draws, seed)
    h = dr.hours.astype(float)
    return summarise(h, dr.stage_hours, h <= 72.0 + 1e-9)


def calibrate_spb(reference: str | Path = "spb", *, year: int | None = None, draws: int = 200, seed: int = 2024,
                  progress: bool = False) -> dict:
    """Fit the standard product's five free parameters (FITTED) to one year of the State Post Bureau's test on
    the 50 test cities; returns the targets, the fitted values and the fit before and after."""
    tg = targets(read_spb(reference), year)
    cities = place_set("spb50", "national")
    pairs = [(a[0], b[0]) for a in cities for b in cities if a[0] != b[0]]
    model = service_model("national").for_product("standard")
    var = VariabilityParams()
    now = {**{k: float(v) for k, v in PRODUCTS["standard"].items() if k in FITTED}, "processing_cv": var.processing_cv}
    names = list(FITTED)
    scale = np.array([3600.0 if FITTED[k][2] == "s" else 1.0 for k in names])
    lo = np.array([FITTED[k][0] for k in names]) / scale
    hi = np.array([FITTED[k][1] for k in names]) / scale
    calls = {"n": 0}

    def resid(z):
        calls["n"] += 1
        s = _evaluate(model, pairs, dict(zip(names, z * scale)), var, draws, seed)
        r = [(s["on_time_share"] - tg["on_time_share"]) * 100]  # one point of share ~ one hour
        if tg["stages"]:
            r += [s["stages"][k] - tg["stages"][k] for k in STAGES]
        else:
            r += [s["mean_hours"] - tg["mean_hours"]]
        if progress:
            print(f"  fit {calls['n']}: mean {s['mean_hours']:.2f} h, 72 h {s['on_time_share']:.2%}", flush=True)
        return np.array(r)

    z0 = np.clip(np.array([now[k] for k in names]) / scale, lo, hi)
    before = _evaluate(model, pairs, now, var, draws, seed)
    fit = least_squares(resid, z0, bounds=(lo, hi), diff_step=0.03, max_nfev=40, x_scale=np.maximum(z0, 0.1))
    x = dict(zip(names, (fit.x * scale).round(4)))
    after = _evaluate(model, pairs, x, var, draws, seed)
    return {"targets": tg, "fitted": {k: {"value": float(v), "unit": FITTED[k][2], "bounds": FITTED[k][:2]}
                                      for k, v in x.items()},
            "before": before, "after": after, "evaluations": calls["n"], "pairs": len(pairs), "draws": draws,
            "seed": seed, "held": "network, speeds, trunk banks, relays, collection window, rests, flight and road "
                                  "spreads, miss and failed-delivery chances (geonet.settings)"}
