"""Parcels, not pairs: how many parcels each city sends and receives per day, and between which cities.

Method (every figure traceable to a row of layers/express_volumes.csv, each row citing its page):

1. **Nation.** The State Post Bureau's national express volume (快递业务量) of the year, or of its 11 November
   peak day, as reported by Xinhua, People's Daily or China Daily.
2. **Generated (parcels_out).** A province or city with a published figure keeps its *share of the nation* in the
   latest period it is cited for (金华 10.4 % in 2022-H1, 揭阳 3.2 % in 2021, 浙江 21.2 % in 2021-H1, 广东 26.4 %
   and 辽宁 1.2 % in 2020, from their own plans). What a
   cited province has left after its cited cities, and what the nation has left after every cited unit, is shared
   among the other cities by a population indicator (the largest GeoNames place of each city: an urban-size proxy,
   not a census; layers/city_population.csv). So cities sum to their province and provinces to the nation.
3. **Received (parcels_in).** The nation's volume shared by the same population indicator (parcels follow
   consumers); international parcels are not separated (no cited split).
4. **Between cities (od).** A doubly constrained gravity model (Wilson 1967): parcels_ij = a_i O_i b_j D_j
   f(d_ij) with f(d) = d^-decay (decay 1.191, measured for truck freight between Chinese cities; EPJ Data Science
   2019), d the great-circle km between city seats and a city's own parcels the mean distance inside a disc of
   its area; a_i, b_j balanced (Furness) so that every city's totals are reproduced.
"""

from __future__ import annotations

import calendar
import functools
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .errors import DataError, InputError
from .geography import cities, resolve
from .layers import layer_path
from .network.geo import great_circle_m
from .settings import DemandParams
from .network.nodes import city_node

DAYS = ("average", "peak")
FURNESS_TOL = 1e-9  # largest relative error of a city's balanced totals
FURNESS_MAX_ITER = 1000


@functools.lru_cache(maxsize=None)
def _csv(name: str) -> pd.DataFrame:
    path = layer_path(name)
    if not path.is_file():
        raise DataError(f"layer {path} is missing: run `make layers` (or reinstall geonet)")
    return pd.read_csv(path, dtype={"adcode": str, "period": str}, keep_default_na=False,
                       na_values={"population": [""], "ratio_to_normal_day": [""]})


def volumes() -> pd.DataFrame:
    """The cited express volumes (layers/express_volumes.csv): unit, adcode, name, period, parcels,
    share_of_nation, ratio_to_normal_day, derived, publisher, url, quote."""
    return _csv("express_volumes.csv").copy()


def rankings() -> pd.DataFrame:
    """Cited rank orders of cities by express volume (layers/express_rankings.csv): period, rank, name, adcode,
    publisher, url, quote."""
    return _csv("express_rankings.csv").copy()


def _national(year: int, day: str) -> pd.Series:
    """The national row of ``year`` (a whole year, or its 11 November peak day)."""
    if day not in DAYS:
        raise InputError(f"--day {day!r}: use {' or '.join(DAYS)}")
    v = volumes()
    nat = v[v["unit"] == "nation"]
    period = str(year) if day == "average" else f"{year}-11-11"
    row = nat[nat["period"] == period]
    if row.empty:
        have = nat["period"].str.fullmatch(r"\d{4}") if day == "average" else nat["period"].str.endswith("-11-11")
        years = sorted({p[:4] for p in nat.loc[have, "period"]})
        what = "national volume" if day == "average" else "national 11 November peak-day volume"
        raise InputError(f"--year {year}: no cited {what} for that year; cited years: {', '.join(years)}")
    return row.iloc[0]


def peak_day_ratio(year: int) -> float:
    """The 11 November peak day's national volume over the average day of ``year`` (1.0 where no peak day of
    that year is cited): demand on the peak day is the average day's, scaled by it, city by city."""
    try:
        peak = float(_national(year, "peak")["parcels"])
    except InputError:
        return 1.0
    return peak / (float(_national(year, "average")["parcels"]) / (365 + calendar.isleap(year)))


def _cited_shares(year: int) -> dict[str, dict]:
    """adcode -> the share of the nation of each cited province and prefecture city, from its latest cited
    period up to ``year`` (else its earliest later one), with the row it comes from."""
    v = volumes()
    v = v[v["unit"].isin(["province", "prefecture"]) & v["period"].str.match(r"\d{4}(-H[12]|-Q[1-4])?$")]
    out = {}
    for code, rows in v.groupby("adcode"):
        rows = rows.sort_values("period")
        before = rows[rows["period"].str[:4].astype(int) <= year]
        r = (before if len(before) else rows).iloc[-1 if len(before) else 0]
        out[code] = {"share": float(r["share_of_nation"]), "unit": r["unit"], "name": r["name"],
                     "period": r["period"], "publisher": r["publisher"]}
    return out


def _population(c: pd.DataFrame) -> tuple[np.ndarray, list[str]]:
    pop = _csv("city_population.csv").set_index("adcode")
    vals = c["adcode"].map(pop["population"]).astype(float).fillna(0.0).to_numpy()
    return vals, list(c["adcode"].map(pop["source"]).fillna("none"))


def _split(total: float, weights: np.ndarray) -> np.ndarray:
    """``total`` shared in proportion to ``weights`` (equally where every weight is 0)."""
    w = np.where(weights > 0, weights, 0.0)
    return total * (w / w.sum() if w.sum() > 0 else np.full(len(w), 1 / len(w)))


def _generation_shares(c: pd.DataFrame, year: int) -> tuple[np.ndarray, list[str]]:
    """Each mainland city's share of the nation's generated parcels, and the sentence saying where it comes
    from. Cited cities keep their share; cited provinces share what their cited cities leave; the rest of the
    nation is shared by population."""
    cited = _cited_shares(year)
    pop, pop_src = _population(c)
    prov = c["adcode"].str[:2].to_numpy()
    share = np.full(len(c), np.nan)
    src = [""] * len(c)
    for i, code in enumerate(c["adcode"]):
        if code in cited:
            k = cited[code]
            share[i] = k["share"]
            src[i] = f"cited: {k['name']} {k['period']} {k['share']:.2%} of the nation ({k['publisher']})"
    free = np.isnan(share)
    for code, k in cited.items():
        if k["unit"] != "province":
            continue
        inside = prov == code[:2]
        left = k["share"] - np.nansum(share[inside & ~free])
        if left < 0:
            raise DataError(f"express_volumes.csv: {k['name']}'s cited cities hold more than its own share")
        idx = inside & free
        share[idx] = _split(left, pop[idx])
        for i in np.flatnonzero(idx):
            src[i] = (f"{k['name']} {k['period']} {k['share']:.2%} (cited, {k['publisher']}) less its cited "
                      f"cities, shared by population ({pop_src[i]})")
    rest = np.isnan(share)
    share[rest] = _split(1.0 - np.nansum(share[~rest]), pop[rest])
    for i in np.flatnonzero(rest):
        src[i] = f"the nation less every cited unit, shared by population ({pop_src[i]})"
    return share, src


def gravity(origins: np.ndarray, destinations: np.ndarray, km: np.ndarray, decay: float) -> np.ndarray:
    """Doubly constrained gravity model: flows ``T`` with row sums ``origins`` and column sums ``destinations``
    (same units, e.g. parcels/day; both sums equal), deterrence ``km ** -decay``, balanced by Furness iteration."""
    O, D = np.asarray(origins, float), np.asarray(destinations, float)
    if not np.isclose(O.sum(), D.sum(), rtol=1e-9):
        raise InputError(f"gravity: origins sum to {O.sum():.6g} and destinations to {D.sum():.6g}; they must match")
    return furness(O, D, np.asarray(km, float) ** -decay)[0]


def furness(O: np.ndarray, D: np.ndarray, f: np.ndarray) -> tuple[np.ndarray, int]:
    """The Furness balancing of deterrence ``f`` to row sums ``O`` and column sums ``D``: the table and the
    iterations it took (until every row sum is within FURNESS_TOL)."""
    a, b = np.ones(len(O)), np.ones(len(D))
    for it in range(1, FURNESS_MAX_ITER + 1):
        a = np.divide(1.0, f @ (b * D), out=np.zeros_like(O), where=O > 0)
        b = np.divide(1.0, (a * O) @ f, out=np.zeros_like(D), where=D > 0)
        T = (a * O)[:, None] * f * (b * D)[None, :]
        if np.allclose(T.sum(axis=1), O, rtol=FURNESS_TOL, atol=0):
            return T, it
    raise DataError("gravity: the Furness balancing did not converge")  # pragma: no cover (positive f always does)


def _distances_km(c: pd.DataFrame, params: DemandParams) -> np.ndarray:
    lon, lat = c["seat_lon"].to_numpy(float), c["seat_lat"].to_numpy(float)
    km = great_circle_m(lon[:, None], lat[:, None], lon[None, :], lat[None, :]) / 1000
    own = params.internal_distance_factor * np.sqrt(c["area_km2"].to_numpy(float) / np.pi)
    np.fill_diagonal(km, own)
    return np.maximum(km, params.min_distance_km)


@dataclass(frozen=True)
class Demand:
    """Parcels per day of a region's cities (``cities``: adcode, name, province, parcels_out_per_day,
    parcels_in_per_day, source), the parcels per day between them (``od``, rows = origins, in ``cities``
    order) and a ``summary`` with the year, day, totals and where each number comes from."""

    region: str
    cities: pd.DataFrame
    od: np.ndarray = field(repr=False)
    summary: dict

    def provinces(self) -> pd.DataFrame:
        """The cities summed by province: province, cities, parcels_out_per_day, parcels_in_per_day, share of the
        nation's parcels sent, and whether the province's own total is cited."""
        cited = {k["name"] for k in _cited_shares(self.summary["year"]).values() if k["unit"] == "province"}
        g = (self.cities.groupby("province", sort=False)
             .agg(cities=("adcode", "size"), parcels_out_per_day=("parcels_out_per_day", "sum"),
                  parcels_in_per_day=("parcels_in_per_day", "sum")).reset_index())
        g["share_of_nation"] = g["parcels_out_per_day"] / self.summary["national_parcels_per_day"]
        g["total_cited"] = g["province"].isin(cited)
        return g.sort_values("parcels_out_per_day", ascending=False).reset_index(drop=True)

    def to_dict(self) -> dict:
        cols = ["adcode", "name", "province", "parcels_out_per_day", "parcels_in_per_day", "source"]
        return {"region": self.region, "summary": self.summary,
                "cities": self.cities[cols].round({"parcels_out_per_day": 0, "parcels_in_per_day": 0})
                .to_dict(orient="records")}


@functools.lru_cache(maxsize=16)
def _national_demand(year: int, day: str, params: DemandParams) -> tuple[pd.DataFrame, np.ndarray, dict]:
    row = _national(year, day)
    per_day = float(row["parcels"]) / (1 if day == "peak" else 365 + calendar.isleap(year)) * params.volume_scale
    c = cities("national").reset_index(drop=True)
    share, src = _generation_shares(c, year)
    pop, _ = _population(c)
    c = c.assign(parcels_out_per_day=share * per_day, parcels_in_per_day=_split(per_day, pop), source=src)
    od = gravity(c["parcels_out_per_day"].to_numpy(), c["parcels_in_per_day"].to_numpy(),
                 _distances_km(c, params), params.distance_decay)
    basis = {"national_parcels_per_day": round(per_day), "national_source": f"{row['publisher']}: {row['url']}",
             "national_period": row["period"], "volume_scale": params.volume_scale}
    return c, od, basis


def demand(region: str = "national", year: int | None = None, day: str = "average",
           params: DemandParams | None = None) -> Demand:
    """Parcels per day sent and received by each prefecture city of ``region`` (all destinations), and between
    the region's cities, for the national volume of ``year`` (default ``DemandParams.year``) on an average day
    or on its 11 November peak ``day``."""
    params = params or DemandParams()
    year = params.year if year is None else year
    if isinstance(year, bool) or not isinstance(year, (int, np.integer)):
        raise InputError(f"--year {year!r}: must be a whole year such as 2024")
    reg = resolve(region)
    c, od, basis = _national_demand(int(year), day, params)
    keep = c["adcode"].isin(set(cities(reg)["adcode"])).to_numpy()
    sub = c[keep].reset_index(drop=True)
    od_r = od[np.ix_(keep, keep)]
    out = float(sub["parcels_out_per_day"].sum())
    summary = {"year": int(year), "day": day, "parcels_per_day": round(out),
               "parcels_in_per_day": round(float(sub["parcels_in_per_day"].sum())),
               "within_region_parcels_per_day": round(float(od_r.sum())),
               "within_region_share": round(float(od_r.sum()) / out, 4) if out else None, **basis,
               "method": "cited shares of the nation (layers/express_volumes.csv); the rest shared by the largest "
                         "GeoNames place of each city; received by the same population; between cities a doubly "
                         f"constrained gravity model, distance^-{params.distance_decay:g} (geonet.demand)"}
    return Demand(reg.name, sub, od_r, summary)


def pair_weights(region: str, pairs: list[tuple[str, str]], year: int | None = None) -> np.ndarray | None:
    """Parcels per day of each (origin node, destination node) pair between ``region``'s prefecture cities
    ('city:<adcode>'), from the demand's gravity table; None when a pair is not between two of its cities
    (counties, hubs: no parcels are modelled below the city)."""
    d = demand(region, year)
    idx = {city_node(a): i for i, a in enumerate(d.cities["adcode"])}
    if not pairs or any(o not in idx or t not in idx for o, t in pairs):
        return None
    return np.array([d.od[idx[o], idx[t]] for o, t in pairs])

