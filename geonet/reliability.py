"""On-time rates as the plans and the State Post Bureau use them: the share of parcels delivered within a
promise, the mean and spread of door-to-door hours, and the split into the Bureau's four stages.

``reliability(region, origins, destinations, product=...)`` times every pair's journey on the region's model
(geonet.service: the path, hubs and timetables of the product) and simulates ``draws`` parcels per pair
(geonet.variability). The deterministic journey stays the best case (what the network makes possible); the
draws are what parcels get.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from tqdm import tqdm

from .checks import number
from .display import TableRepr, network_label
from .errors import InputError
from .geography import resolve
from .models import service_model
from .places import place_set
from .service import ServiceModel
from .settings import DISTANCE_BANDS_KM, ECONOMIC_REGIONS, VariabilityParams
from .variability import STAGES, Draws, programs, simulate

PAIR_COLUMNS = ["origin", "destination", "origin_node", "destination_node", "km", "mean_hours", "p50_hours",
                "p95_hours", "on_time_share"]
MAX_PAIRS = 250_000


def economic_region(adcode: str) -> str:
    """East, Centre, West or Northeast (the National Bureau of Statistics' division) of a place's code."""
    return next((k for k, v in ECONOMIC_REGIONS.items() if str(adcode)[:2] in v), "other")


@dataclass(repr=False)
class Reliability(TableRepr):
    """Parcels' door-to-door hours between two place sets under one product: ``summary`` (the whole set),
    ``pairs`` (one row per pair, PAIR_COLUMNS) and ``provenance`` (network, product, parameters, draws)."""

    summary: dict
    pairs: pd.DataFrame
    provenance: dict
    hours: np.ndarray = field(default=None, repr=False)  # (pairs, draws) hours from collection

    def _title(self) -> str:
        s = self.summary
        return (f"Reliability {s['product']}: {s['pairs']} pairs x {s['draws']} parcels, mean {s['mean_hours']} h, "
                f"p95 {s['p95_hours']} h, {s['on_time_share']:.1%} within {s['promise_hours']:g} h")

    def _table(self) -> pd.DataFrame:
        return self.pairs.head(10)

    def lines(self) -> list[str]:
        """The result in words, as the CLI prints it."""
        s = self.summary
        st = s["stages"]
        out = [f"{s['pairs']} pairs ({s['unreachable']} unreachable), {s['draws']} parcels each, product "
               f"{s['product']}: mean {s['mean_hours']:.1f} h, median {s['p50_hours']:.1f} h, p95 "
               f"{s['p95_hours']:.1f} h; {s['on_time_share']:.1%} within {s['promise_hours']:g} h; buffer index "
               f"{s['buffer_index']:.2f}",
               "stages (mean h): " + ", ".join(f"{k} {st[k]:.1f}" for k in STAGES),
               "by distance: " + "; ".join(f"{b['band']} km {b['mean_hours']:.1f} h ({b['on_time_share']:.0%})"
                                           for b in s["by_distance"]),
               "by destination region: " + "; ".join(f"{b['region']} {b['mean_hours']:.1f} h "
                                                     f"({b['on_time_share']:.0%})" for b in s["by_region"]),
               f"[{network_label(self.provenance)}; "
               f"seed {s['seed']}]"]
        return out

    def to_dict(self, pairs: bool = True) -> dict:
        out = {"summary": self.summary, "provenance": self.provenance}
        if pairs:
            out["pairs"] = self.pairs.replace({np.nan: None}).to_dict(orient="records")
        return out


def _pairs(origins, destinations, region) -> list[tuple[tuple, tuple]]:
    a = place_set(origins, region) if isinstance(origins, str) else list(origins)
    b = place_set(destinations, region) if isinstance(destinations, str) else list(destinations)
    if len(a) * len(b) > MAX_PAIRS:
        raise InputError(f"{len(a)} x {len(b)} pairs is more than {MAX_PAIRS:,}: give smaller place sets")
    return [(x, y) for x in a for y in b if x[0] != y[0]]


def outcome_draws(m: ServiceModel, pairs: list[tuple[str, str]], var: VariabilityParams | None = None,
                  draws: int | None = None, seed: int | None = None, progress: bool = False) -> tuple[list, Draws]:
    """Journeys (best case) and simulated parcels of ``pairs`` (node ids) under ``m``'s product."""
    journeys = [m.journey(o, d) for o, d in tqdm(pairs, desc="journeys", unit="pair", disable=not progress,
                                                  leave=False)]
    return journeys, simulate(programs(journeys, m.banks), m.params, var, draws, seed)


def _bands(hours: np.ndarray, on: np.ndarray, key: pd.Series) -> list[tuple]:
    """(key, {n_pairs, mean_hours, on_time_share}) for every value of ``key`` (one per pair) with parcels."""
    out = []
    for k in key.dropna().unique():
        m = (key == k).to_numpy()
        if np.isfinite(hours[m]).any():
            out.append((k, {"n_pairs": int(m.sum()), "mean_hours": round(float(np.nanmean(hours[m])), 2),
                            "on_time_share": round(float(np.nanmean(on[m])), 4)}))
    return out


def summarise(hours: np.ndarray, stage_hours: np.ndarray, on: np.ndarray) -> dict:
    """mean, p50, p95, on_time_share, buffer_index and stages of simulated hours (pairs x draws)."""
    h = hours[np.isfinite(hours)]
    if h.size == 0:
        return {"mean_hours": None, "p50_hours": None, "p95_hours": None, "on_time_share": 0.0,
                "buffer_index": None, "stages": {k: None for k in STAGES}}
    mean, p50, p95 = float(h.mean()), float(np.percentile(h, 50)), float(np.percentile(h, 95))
    reach = np.isfinite(hours).any(axis=1)
    return {"mean_hours": round(mean, 2), "p50_hours": round(p50, 2), "p95_hours": round(p95, 2),
            "on_time_share": round(float(on[np.isfinite(hours)].mean()), 4),
            "buffer_index": round((p95 - mean) / mean, 3),
            "stages": {k: round(float(np.nanmean(stage_hours[reach, i])), 2) for i, k in enumerate(STAGES)}}


def reliability(region: str = "national", origins="spb50", destinations="spb50", *, product: str = "standard",
                promise_hours: float = 72.0, draws: int | None = None, seed: int | None = None,
                model: ServiceModel | None = None, variability: VariabilityParams | None = None,
                progress: bool = False) -> Reliability:
    """Door-to-door hours of parcels between two place sets (specs such as 'spb50', 'cities', 'capitals',
    'cities@guangdong', or lists of (node, name, adcode)) on ``region``'s model under ``product``.

    promise_hours: the on-time promise counted from collection (h, default 72); draws: parcels per pair
    (default VariabilityParams.draws); seed: random seed (default VariabilityParams.seed)."""
    promise_hours = number(promise_hours, "--promise", "hours", 0, 24 * 30, lo_open=True)
    var = variability or VariabilityParams()
    draws = int(number(var.draws if draws is None else draws, "--draws", "parcels per pair", 1, 100_000))
    seed = int(number(var.seed if seed is None else seed, "--seed", "(a whole number)", 0, 2**32 - 1))
    reg = resolve(region)
    pairs = _pairs(origins, destinations, reg)
    if not pairs:
        raise InputError("no pairs: the place sets are empty or the same single place")
    m = (model or service_model(reg.name)).for_product(product)
    m.prepare(list(dict.fromkeys(a[0] for a, _ in pairs)))
    journeys, dr = outcome_draws(m, [(a[0], b[0]) for a, b in pairs], var, draws, seed, progress)
    hours = dr.hours.astype(float)
    on = hours <= promise_hours + 1e-9  # NaN (unreachable) is never on time
    df = pd.DataFrame({"origin": [a[1] for a, _ in pairs], "destination": [b[1] for _, b in pairs],
                       "origin_node": [a[0] for a, _ in pairs], "destination_node": [b[0] for _, b in pairs],
                       "km": [round(j.km, 1) if j.reachable else None for j in journeys]})
    with warnings.catch_warnings():  # unreachable pairs have no hours
        warnings.simplefilter("ignore", RuntimeWarning)
        df["mean_hours"] = np.round(np.nanmean(hours, axis=1), 2)
        df["p50_hours"] = np.round(np.nanpercentile(hours, 50, axis=1), 2)
        df["p95_hours"] = np.round(np.nanpercentile(hours, 95, axis=1), 2)
    reach = np.isfinite(hours).all(axis=1)
    df["on_time_share"] = np.where(reach, on.mean(axis=1).round(4), np.nan)
    df["best_case_hours"] = [round(j.door_to_door_hours, 2) if j.reachable else None for j in journeys]
    summary = {"region": reg.name, "product": product, "pairs": len(pairs), "unreachable": int((~reach).sum()),
               "draws": draws, "seed": seed, "promise_hours": promise_hours,
               **summarise(hours[reach], dr.stage_hours[reach], on[reach])}
    bands = pd.cut(df["km"], list(DISTANCE_BANDS_KM), right=False)
    summary["by_distance"] = [{"band": f"{int(k.left)}-{int(k.right)}", **row}
                              for k, row in sorted(_bands(hours, on, bands), key=lambda kr: kr[0].left)]
    order = [*ECONOMIC_REGIONS, "other"]
    dest_region = pd.Series([economic_region(b[2]) for _, b in pairs])
    summary["by_region"] = [{"region": k, **row}
                            for k, row in sorted(_bands(hours, on, dest_region), key=lambda kr: order.index(kr[0]))]
    prov = {**m.provenance, "variability": {k: v for k, v in var.changed().items()}, "draws": draws, "seed": seed}
    return Reliability(summary, df, prov, hours)
