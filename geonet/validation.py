"""Model times against a public reference: per pair, the median ratio, the shares within +-10/20/25 %, the
worst pairs (``validate``); and the road speed factor and rail operating share that fit it best
(``calibrate_reference``, least squares on log ratios).

A reference file is CSV with the columns origin, destination, mode (road | rail | air), hours, source and
optionally km. ``hours`` is what the reference says: for rail and air the time aboard (a timetable's
station-to-station time), for road the driving time between the cities. geonet's side is the same: the
ride time of the rail or air legs of the fastest path on that mode, the whole road time for road.

A rail path that trucks much of the way (more than ``RAIL_END_TO_END_ROAD_KM`` on roads, access legs aside)
rides only part of what the train does, so its ride time is not comparable: the summary counts such pairs as
not joined by rail in the model (``rail_end_to_end``) and gives the error bands of the others apart
(``within_25pct_end_to_end``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
from tqdm import tqdm

from . import checks
from .errors import GeonetError, InputError
from .gazetteer import locate
from .io import read_records
from .models import region_network
from .network import build
from .routing import UnreachableError, route
from .settings import PARAM_BOUNDS, NetworkParams

REFERENCE_COLUMNS = ["origin", "destination", "mode", "hours", "source"]
REFERENCE_MODES = ("road", "rail", "air")
BANDS = (0.10, 0.20, 0.25)
RAIL_END_TO_END_ROAD_KM = 50.0  # km on roads (access legs aside) above which a rail path is mostly truck
MAX_REFERENCE_ROWS = 5_000  # a reference is tens to hundreds of cited pairs; each costs one route (~10 ms)


@dataclass(frozen=True)
class ReferencePair:
    origin: str
    destination: str
    mode: str
    hours: float
    km: float | None
    source: str
    where: str


def read_reference(path: str | Path) -> list[ReferencePair]:
    """Read and check a reference file; a bad row is one InputError naming the file, row and field."""
    out = []
    for where, r in read_records(path, "reference file", REFERENCE_COLUMNS, max_rows=MAX_REFERENCE_ROWS,
                                 header_hint="origin,destination,mode,hours,source (km optional)"):
        if r["mode"] not in REFERENCE_MODES:
            raise InputError(f"{where}: field mode {r['mode']!r} is not one of {', '.join(REFERENCE_MODES)}")
        ends = []
        for f in ("origin", "destination"):
            try:
                ends.append(locate(r[f]))
            except GeonetError as exc:
                raise InputError(f"{where}: field {f}: {exc}") from None
        if ends[0].code == ends[1].code:
            raise InputError(f"{where}: origin {r['origin']} and destination {r['destination']} are the same place "
                             f"({ends[0].name_zh}); a reference pair joins two places")
        try:
            hours = checks.number(r["hours"], "hours", "h", 0, 96, lo_open=True)
            km = checks.number(r["km"], "km", "km", 0, 6000, lo_open=True) if r.get("km") else None
        except InputError as exc:
            raise InputError(f"{where}: field {exc}") from None
        if not r["source"]:
            raise InputError(f"{where}: field source is empty; every reference row names where it comes from")
        out.append(ReferencePair(r["origin"], r["destination"], r["mode"], hours, km, r["source"], where))
    return out


@dataclass
class Validation:
    """Per-pair comparison (``pairs``: one row per reference pair) and the summary numbers."""

    pairs: pd.DataFrame
    summary: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {"summary": self.summary, "pairs": self.pairs.replace({np.nan: None}).to_dict("records")}


def _model_pair(G: nx.MultiDiGraph, pair: ReferencePair) -> dict:
    """Model hours of one pair, and what a fit needs: road hours, rail sum(km / design km/h), rail sections."""
    try:
        r = route(pair.origin, pair.destination, graph=G, mode=pair.mode)
    except UnreachableError:
        return {"model_hours": math.nan, "model_km": math.nan, "road_km": math.nan, "road_h": 0.0, "rail_a": 0.0,
                "rail_n": 0, "other_h": 0.0}
    nodes = r.nodes
    road_h = rail_a = other_h = road_km = 0.0
    rail_n = 0
    main_h = main_km = 0.0
    for u, v in zip(nodes[:-1], nodes[1:]):
        e = min(G.get_edge_data(u, v).values(), key=lambda d: d.get("travel_time", math.inf))
        m, h = e.get("mode"), float(e.get("travel_time", 0.0)) / 3600
        if m == pair.mode or (pair.mode == "road" and m in ("road", "ferry", "access")):
            main_h += h
            main_km += float(e.get("length", 0.0)) / 1000
        if m in ("road", "ferry"):
            road_km += float(e.get("length", 0.0)) / 1000
        if pair.mode == "road" and m in ("road", "ferry"):
            road_h += h
        elif pair.mode == "rail" and m == "rail":
            if e.get("design_kmh"):
                rail_a += float(e["length"]) / 1000 / float(e["design_kmh"])
                rail_n += 1
            else:
                other_h += h
        elif m == pair.mode:
            other_h += h
    if pair.mode == "road":
        other_h = main_h - road_h
    return {"model_hours": round(main_h, 3), "model_km": round(main_km, 1), "road_km": round(road_km, 1),
            "road_h": road_h, "rail_a": rail_a, "rail_n": rail_n, "other_h": other_h}


def summary_lines(s: dict) -> list[str]:
    """A validation summary as printed lines (the CLI's text): compared pairs, median ratio, shares, worst."""
    def pct(x) -> str:
        return "n/a" if x is None else f"{x:.0%}"

    out = [f"  {s['compared']} of {s['pairs']} pairs compared ({s['unreachable']} unreachable); median model/"
           f"reference {s['median_ratio'] if s['median_ratio'] is not None else 'n/a'}; within +-10% "
           f"{pct(s['within_10pct'])}, +-20% {pct(s['within_20pct'])}, +-25% {pct(s['within_25pct'])}"]
    if s.get("rail_end_to_end") is not None:
        out.append(f"  rail end to end (at most {RAIL_END_TO_END_ROAD_KM:g} km by road): "
                   f"{pct(s['rail_end_to_end'])} of the rail pairs; of those within +-25% "
                   f"{pct(s['within_25pct_end_to_end'])}")
    out += [f"  worst: {w['origin']} -> {w['destination']} ({w['mode']}): model {w['model_hours']:.2f} h, "
            f"reference {w['reference_hours']:.2f} h, ratio {w['ratio']:.2f}" for w in s["worst"]]
    return out


def _summary(df: pd.DataFrame) -> dict:
    ok = df.dropna(subset=["ratio"])
    err = (ok["ratio"] - 1).abs()
    s = {"pairs": int(len(df)), "compared": int(len(ok)), "unreachable": int(df["ratio"].isna().sum()),
         "median_ratio": round(float(ok["ratio"].median()), 3) if len(ok) else None}
    for b in BANDS:
        s[f"within_{int(b * 100)}pct"] = round(float((err <= b).mean()), 3) if len(ok) else None
    s["worst"] = ok.assign(err=err).sort_values("err", ascending=False).head(5)[
        ["origin", "destination", "mode", "reference_hours", "model_hours", "ratio"]].to_dict("records")
    for mode, g in ok.groupby("mode"):
        s[f"median_ratio_{mode}"] = round(float(g["ratio"].median()), 3)
    rail = ok[ok["mode"] == "rail"]
    if len(rail):
        joined = rail[rail["road_km"] <= RAIL_END_TO_END_ROAD_KM]
        s["rail_end_to_end"] = round(len(joined) / len(rail), 3)
        s["within_25pct_end_to_end"] = (round(float(((joined["ratio"] - 1).abs() <= 0.25).mean()), 3)
                                        if len(joined) else None)
    return s


def validate(reference: str | Path | list[ReferencePair], *, region: str | None = None,
             graph: nx.MultiDiGraph | None = None, params: NetworkParams | None = None,
             progress: bool = False) -> Validation:
    """Compare the network's times with a reference (a file or pairs read by :func:`read_reference`) on
    ``graph``, or on the default network of ``region`` (default 'national'; ``params`` rebuild it);
    ``progress``: a tqdm bar on stderr for long references."""
    pairs = read_reference(reference) if isinstance(reference, (str, Path)) else list(reference)
    if graph is None:
        region = region or "national"
        graph = build(region, params=params) if params is not None else region_network(region)
    rows = []
    for p in tqdm(pairs, desc="reference pairs", unit="pair", disable=not progress or len(pairs) < 200):
        m = _model_pair(graph, p)
        rows.append({"origin": p.origin, "destination": p.destination, "mode": p.mode, "reference_hours": p.hours,
                     "reference_km": p.km, **m,
                     "ratio": round(m["model_hours"] / p.hours, 3) if np.isfinite(m["model_hours"]) else math.nan,
                     "source": p.source})
    df = pd.DataFrame(rows)
    return Validation(df.drop(columns=["road_h", "rail_a", "rail_n", "other_h"]), _summary(df) | {
        "network": str(graph.graph.get("network", "?")), "region": str(graph.graph.get("region", "?")),
        "_fit": df[["mode", "reference_hours", "road_km", "road_h", "rail_a", "rail_n", "other_h"]]})


def _fit_scale(base: np.ndarray, other: np.ndarray, ref: np.ndarray, lo: float, hi: float) -> float:
    """The multiplier x of ``base`` in [lo, hi] minimising sum(log((x * base + other) / ref) ** 2)."""
    from scipy.optimize import minimize_scalar

    if len(ref) == 0:
        return 1.0
    res = minimize_scalar(lambda x: float(np.sum(np.log((x * base + other) / ref) ** 2)), bounds=(lo, hi),
                          method="bounded")
    return float(res.x)


def calibrate_reference(reference: str | Path, *, region: str | None = None,
                        params: NetworkParams | None = None, progress: bool = False) -> dict:
    """Fit the road speed factor and the rail operating share to a reference (least squares on log ratios,
    paths held fixed; rail on the pairs the model joins by rail end to end), and report the error before and
    after with the fitted parameters."""
    params = params or NetworkParams()
    pairs = read_reference(reference)
    before = validate(pairs, region=region, params=params, progress=progress)
    fit = before.summary.pop("_fit")
    fit = fit[np.isfinite(before.pairs["model_hours"].to_numpy())]
    road = fit[(fit["mode"] == "road") & (fit["road_h"] > 0)]
    # rail pairs joined by rail end to end only: a path trucked most of the way rides a fraction of the train
    rail = fit[(fit["mode"] == "rail") & (fit["rail_a"] > 0) & (fit["road_km"] <= RAIL_END_TO_END_ROAD_KM)]
    # road: hours = road_h / f + other; f = the speed factor (>1 faster)
    inv = _fit_scale(road["road_h"].to_numpy(), road["other_h"].to_numpy(), road["reference_hours"].to_numpy(),
                     1 / 3, 3) if len(road) else 1.0
    road_factor = 1 / inv
    # rail: hours = sum(km / design) / share + n * stop + other
    stop_h = params.rail_stop_s / 3600
    inv_share = _fit_scale(rail["rail_a"].to_numpy(), (rail["rail_n"] * stop_h + rail["other_h"]).to_numpy(),
                           rail["reference_hours"].to_numpy(), 1.0, 5.0) if len(rail) else 1 / params.rail_operating_share
    share = min(1.0, 1 / inv_share)
    speed_hi = PARAM_BOUNDS["proxy_truck_kmh"][1]
    speed = params.proxy_truck_kmh * road_factor
    notes = []
    if speed > speed_hi:
        notes.append(f"the road fit asks for {speed:.0f} km/h; held at the bound of proxy_truck_kmh, {speed_hi:g} km/h "
                     "(the reference's road times are faster than trucks drive: check them)")
    if share > 1.0 - 1e-9 and len(rail):
        notes.append("the rail fit reached operating share 1.0 (trains at design speed end to end)")
    fitted = params.with_(proxy_truck_kmh=round(min(speed_hi, speed), 1), rail_operating_share=round(share, 3))
    after = validate(pairs, region=region, params=fitted, progress=progress)
    after.summary.pop("_fit")
    changed = {k: {"before": getattr(params, k), "after": getattr(fitted, k)}
               for k in ("proxy_truck_kmh", "rail_operating_share")}
    return {"fitted": changed, "notes": notes, "road_pairs": int(len(road)), "rail_pairs": int(len(rail)),
            "before": before.summary, "after": after.summary, "params": repr(fitted)}
