"""Parcels through the network: how many pass each hub and each hub-to-hub link per day, whether the hubs keep
up, and what share of parcels arrives within the promise.

Each city's parcels (geonet.demand) go to its hub, are relayed as the service model routes them (ServiceModel.stops:
origin hub, relays, destination hub) and are delivered from the destination's hub. A hub's load is every parcel it
sorts. Capacity: the national plan's daily peak processing capacity (NP-F02, 1.2 billion) shared among the plan's
hubs by their average-day loads on the plan's layout; a hub a scenario adds takes the median capacity of the plan's
hubs of its tier. A hub over capacity carries a backlog (fluid queue): the share 1 - capacity / load of its
parcels waits ``backlog_delay_s``, drawn per simulated parcel on top of the reliability model's draws.
"""

from __future__ import annotations

import functools
import math
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .demand import demand, peak_day_ratio
from .errors import InputError
from .geography import resolve
from .models import service_model
from .reliability import outcome_draws
from .service import ServiceModel
from .settings import DemandParams, FlowParams, VariabilityParams
from .network.nodes import city_node

LINE_HAUL_MODES = ("road", "ferry", "rail", "air")


@dataclass(frozen=True)
class Flows:
    """Parcels per day through each hub (``hubs``: id, name, tier, parcels_per_day, capacity_per_day,
    utilisation, backlog_share), between hubs (``links``: from, to, mode, km, parcels_per_day, trucks_per_day)
    and a ``summary`` (parcels_per_day, truck_km_per_day, on_time_share by parcels, its standard error, the
    hubs over capacity)."""

    region: str
    hubs: pd.DataFrame
    links: pd.DataFrame
    summary: dict
    provenance: dict = field(repr=False, default_factory=dict)

    def to_dict(self) -> dict:
        return {"region": self.region, "summary": self.summary,
                "hubs": self.hubs.round(4).to_dict(orient="records"),
                "links": self.links.round(2).to_dict(orient="records"), "provenance": self.provenance}


def _routes(m: ServiceModel, d) -> tuple[dict[tuple[str, ...], float], dict[str, float]]:
    """Parcels per day of every hub chain (origin hub, relays, destination hub) the model routes the region's
    parcels on, and each hub's load: the chains through it plus the parcels its cities send out of the region
    (sorted at their origin hub) and receive from outside it (at their destination hub)."""
    nodes = [city_node(a) for a in d.cities["adcode"]]
    m.prepare(nodes)
    out_h = [m.hub_of(n, True) for n in nodes]
    in_h = [m.hub_of(n, False) for n in nodes]
    by_pair: dict[tuple[str, str], float] = defaultdict(float)
    for i, h in enumerate(out_h):
        for j, g in enumerate(in_h):
            if h is not None and g is not None and d.od[i, j] > 0:
                by_pair[(h, g)] += d.od[i, j]
    chains = {tuple(dict.fromkeys([h, *m.relays(h, g), g])): p for (h, g), p in by_pair.items()}
    loads = dict.fromkeys(m.hub_nodes, 0.0)
    for chain, p in chains.items():
        for h in chain:
            loads[h] += p
    leaving = d.cities["parcels_out_per_day"].to_numpy() - d.od.sum(axis=1)
    arriving = d.cities["parcels_in_per_day"].to_numpy() - d.od.sum(axis=0)
    for hubs_of, extra in ((out_h, leaving), (in_h, arriving)):
        for h, x in zip(hubs_of, extra):
            if h is not None:
                loads[h] += max(float(x), 0.0)
    return chains, loads


def _link(m: ServiceModel, a: str, b: str) -> tuple[str, float]:
    """Main line-haul mode and km of the model's path from hub ``a`` to hub ``b``."""
    seg = m.segment(a, b, 0.0)
    km: dict[str, float] = defaultdict(float)
    for leg in (seg[0] if seg else []):
        if leg.mode in LINE_HAUL_MODES:
            km[leg.mode] += leg.km
    return (max(km, key=km.get), sum(km.values())) if km else ("none", 0.0)


@functools.lru_cache(maxsize=8)
def _plan_capacity(region: str, year: int, fp: FlowParams) -> tuple[dict[str, float], dict[int, float], float]:
    """Capacity per plan hub id (its average-day load on the plan's layout x the national headroom), the median
    per tier, and the headroom (NP-F02's capacity / the average day's national volume)."""
    m = service_model(region)
    d = demand(region, year)
    _, loads = _routes(m, d)
    headroom = fp.national_peak_capacity_per_day / d.summary["national_parcels_per_day"]
    cap = {m.hub_ids[h]: v * headroom for h, v in loads.items()}
    tiers = {m.hub_ids[h]: m.hub_tier.get(h) for h in loads}
    positive = {i: c for i, c in cap.items() if c > 0}
    per_tier = {t: float(np.median([c for i, c in positive.items() if tiers[i] == t]))
                for t in {tiers[i] for i in positive} if t}
    fallback = float(np.median(list(positive.values())))
    # a plan hub no city's parcels reach (义乌: its parcels are 金华's, one city node) takes its tier's median
    cap = {i: c if c > 0 else per_tier.get(tiers[i], fallback) for i, c in cap.items()}
    return cap, per_tier, headroom


def _capacity(m: ServiceModel, region: str, year: int, fp: FlowParams) -> tuple[dict[str, float], dict[str, str]]:
    cap, per_tier, headroom = _plan_capacity(region, year, fp)
    out, src = {}, {}
    for h in m.hub_nodes:
        hid = m.hub_ids[h]
        if hid in cap:
            out[h], src[h] = cap[hid], f"NP-F02's capacity shared by average-day load ({headroom:.2f} x the plan's)"
        else:
            t = m.hub_tier.get(h) or max(per_tier)
            out[h] = per_tier.get(t, float(np.median(list(cap.values()))))
            src[h] = f"not a plan hub: the median capacity of the plan's tier-{t} hubs"
    return out, src


def _on_time(m: ServiceModel, nodes: list[str], od: np.ndarray, backlog: dict[str, float], fp: FlowParams,
             var: VariabilityParams) -> tuple[float, float, int]:
    """Parcel-weighted share within the promise, its standard error and the pairs simulated: every pair when
    there are at most ``sample_pairs``, else pairs drawn in proportion to their parcels (seeded)."""
    w = od.copy()
    np.fill_diagonal(w, 0.0)
    flat = np.flatnonzero(w.ravel() > 0)
    rng = np.random.default_rng(var.seed)
    if len(flat) <= fp.sample_pairs:
        pick, weight = flat, w.ravel()[flat]
    else:
        pick = rng.choice(flat, size=fp.sample_pairs, p=w.ravel()[flat] / w.ravel()[flat].sum())
        weight = np.ones(len(pick))
    pairs = [(nodes[k // len(nodes)], nodes[k % len(nodes)]) for k in pick]
    m = m.for_product("standard")
    m.prepare(list(dict.fromkeys(o for o, _ in pairs)))
    journeys, dr = outcome_draws(m, pairs, var, min(var.draws, 200), var.seed)
    hours = dr.hours.astype(float)
    late = np.zeros_like(hours)
    for k, j in enumerate(journeys):
        for h in j.via:  # the hubs the journey passes (ids)
            p = backlog.get(h, 0.0)
            if p > 0:
                late[k] += (rng.random(hours.shape[1]) < p) * fp.backlog_delay_s / 3600
    share = np.nanmean(((hours + late) <= fp.promise_hours + 1e-9), axis=1)  # NaN hours are never on time
    share = np.where(np.isfinite(hours).all(axis=1), share, 0.0)
    mean = float(np.average(share, weights=weight))
    se = float(np.std(share) / math.sqrt(len(share))) if len(flat) > fp.sample_pairs else 0.0
    return mean, se, len(pairs)


def flows(region: str = "national", model: ServiceModel | None = None, day: str = "average", year: int | None = None,
          params: FlowParams | None = None, variability: VariabilityParams | None = None,
          demand_params: DemandParams | None = None, on_time: bool = True) -> Flows:
    """Parcels per day through ``region``'s hubs and links on ``model`` (default: the plan's), on an average day or
    the 11 November ``day`` ('peak') of ``year``, from ``demand_params`` (a scenario's volume_scale ...); with
    ``on_time`` the parcel-weighted on-time share (72 h). Capacities stay those of the plan at today's volume."""
    fp, var, dp = params or FlowParams(), variability or VariabilityParams(), demand_params or DemandParams()
    reg = resolve(region)
    year = dp.year if year is None else year
    d = demand(reg.name, year, day, dp)
    m = model or service_model(reg.name)
    nodes = [city_node(a) for a in d.cities["adcode"]]
    missing = [n for n in nodes if n not in m.paths.multi.index]
    if missing:
        raise InputError(f"flows: the model given has no node for {len(missing)} of {reg.name}'s cities "
                         f"({missing[0]} ...): pass a model of {reg.name}'s network (its scenario's)")
    chains, loads = _routes(m, d)
    cap, cap_src = _capacity(m, reg.name, d.summary["year"], fp)
    links: dict[tuple[str, str], float] = defaultdict(float)
    for chain, p in chains.items():
        for a, b in zip(chain, chain[1:]):
            links[(a, b)] += p
    hubs = pd.DataFrame({
        "id": [m.hub_ids[h] for h in m.hub_nodes], "name": [m.timing.label(h)[0] for h in m.hub_nodes],
        "tier": [m.hub_tier.get(h) for h in m.hub_nodes], "parcels_per_day": [loads[h] for h in m.hub_nodes],
        "capacity_per_day": [cap[h] for h in m.hub_nodes], "capacity_source": [cap_src[h] for h in m.hub_nodes]})
    hubs["utilisation"] = hubs["parcels_per_day"] / hubs["capacity_per_day"]
    hubs["backlog_share"] = np.clip(1 - 1 / hubs["utilisation"].where(hubs["utilisation"] > 0), 0, 1).fillna(0.0)
    rows = []
    for (a, b), p in sorted(links.items(), key=lambda kv: -kv[1]):
        mode, km = _link(m, a, b)
        trucks = math.ceil(p / fp.parcels_per_truck) if mode in ("road", "ferry") else 0
        rows.append({"from": m.hub_ids[a], "to": m.hub_ids[b], "mode": mode, "km": km, "parcels_per_day": p,
                     "trucks_per_day": trucks, "truck_km_per_day": trucks * km})
    lk = pd.DataFrame(rows, columns=["from", "to", "mode", "km", "parcels_per_day", "trucks_per_day",
                                     "truck_km_per_day"])
    over = hubs[hubs["utilisation"] > 1].sort_values("utilisation", ascending=False)
    peak_ratio = 1.0 if day == "peak" else peak_day_ratio(d.summary["year"])
    summary = {"year": d.summary["year"], "day": day, "parcels_per_day": d.summary["parcels_per_day"],
               "within_region_parcels_per_day": round(float(d.od.sum())),
               "truck_km_per_day": round(float(lk["truck_km_per_day"].sum())),
               "hubs_over_capacity": [f"{r.name} {r.utilisation:.0%}" for r in over.itertuples()],
               "volume_scale": dp.volume_scale,
               "peak_ratio": round(peak_ratio, 4),
               "demand": d.summary["method"], "capacity": f"NP-F02: {fp.national_peak_capacity_per_day:,.0f} a day "
                                                          "shared by the plan hubs' average-day loads"}
    if on_time:
        backlog = dict(zip(hubs["id"], hubs["backlog_share"]))
        share, se, n = _on_time(m, nodes, d.od, backlog, fp, var)
        summary.update({"on_time_share": round(share, 4), "on_time_se": round(se, 4), "on_time_pairs": n,
                        "promise_hours": fp.promise_hours})
    return Flows(reg.name, hubs, lk, summary, m.provenance)



