"""Service areas and coverage: which counties lie within H hours of a hub, and what share of counties, area
and population that is. Service areas are unions of covered county territories (county resolution)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from . import checks
from .display import TableRepr, network_label
from .errors import InputError
from .geography import counties
from .models import service_model
from .service import ServiceModel
from .network.nodes import county_node

BASES = ("road", "network")


@dataclass(repr=False)
class Coverage(TableRepr):
    """counties: one row per county (hours from its nearest hub, that hub); summary: one row per threshold;
    areas: service-area polygons per threshold (EPSG:4326)."""

    region: str
    basis: str
    counties: gpd.GeoDataFrame
    summary: pd.DataFrame
    areas: gpd.GeoDataFrame
    provenance: dict = field(default_factory=dict)  # the model's (ServiceModel.provenance)

    def _title(self) -> str:
        return (f"Coverage of {self.region}'s {len(self.counties)} counties by its hubs ({self.basis} hours, "
                f"{network_label(self.provenance)}); population only over the counties with a Natural Earth figure")

    def _table(self) -> pd.DataFrame:
        return self.summary

    def outside(self, hours: float) -> pd.DataFrame:
        """Counties not within ``hours`` of any hub (unreachable ones included, hours NaN)."""
        c = self.counties
        return c[~(c["hours"] <= hours)][["adcode", "name", "prefecture", "hours", "nearest_hub"]]

    def to_dict(self) -> dict:
        out = {"region": self.region, "basis": self.basis, "provenance": self.provenance, "thresholds": []}
        for r in self.summary.itertuples():
            rows = self.outside(r.hours)
            out["thresholds"].append({
                "hours": r.hours, "counties_covered": int(r.counties_covered), "counties_total": int(r.counties_total),
                "share_counties": r.share_counties, "share_area": r.share_area,
                "population_known_counties": int(r.population_known_counties),
                "population_known": int(r.population_known), "population_covered": int(r.population_covered),
                "share_population_known": None if np.isnan(r.share_population_known) else r.share_population_known,
                "counties_outside_population_unknown": int(r.counties_outside_population_unknown),
                "outside": [{"name": x.name, "prefecture": x.prefecture,
                             "hours": None if np.isnan(x.hours) else round(float(x.hours), 2)}
                            for x in rows.itertuples()],
            })
        return out


MAX_THRESHOLDS = 50  # thresholds per call: a curve of hours needs a few dozen at most


def coverage(region: str, hours: Iterable[float] = (3, 6, 12, 24), *, hub_ids: Iterable[str] | None = None,
             basis: str = "road", model: ServiceModel | None = None) -> Coverage:
    """Coverage of ``region``'s counties by its hubs (plan hubs unless ``hub_ids``).

    basis 'road': truck time (h) from the nearest hub to the county seat over roads and ferries;
    'network': fastest time on all modes (no schedules). Population: Natural Earth POP_MAX, known for a
    minority of counties: ``share_population_known`` is the covered share of the population *of the counties
    with a figure* (``population_known_counties``, ``population_known`` people), never a share of an unknown;
    ``counties_outside_population_unknown`` counts the counties outside whose population is not known.
    """
    if basis not in BASES:
        raise InputError(f"unknown coverage basis {basis!r}; use {' or '.join(BASES)}")
    hours = list(hours)
    if len(hours) > MAX_THRESHOLDS:
        raise InputError(f"{len(hours):,} coverage thresholds; give at most {MAX_THRESHOLDS} (e.g. 6,12,24)")
    hours = sorted({checks.number(h, "coverage threshold", "hours", 0, 24 * 14, lo_open=True) for h in hours})
    if not hours:
        raise InputError("coverage needs at least one threshold in hours, e.g. 6,12,24")
    m = model or service_model(region, tuple(hub_ids) if hub_ids is not None else None)
    snap = m.paths.road if basis == "road" else m.paths.multi
    c = counties(region)
    nodes = [county_node(a) for a in c["adcode"]]
    idx = np.array([snap.index.get(n, -1) for n in nodes])
    if (idx < 0).any():
        raise InputError(f"{(idx < 0).sum()} counties are not on the network")
    dist = snap.times(m.hub_nodes)[:, idx] / 3600  # hubs x counties, hours
    best = dist.min(axis=0)
    nearest = np.array(m.hub_nodes)[dist.argmin(axis=0)]
    c = c.assign(hours=np.where(np.isfinite(best), np.round(best, 3), np.nan),
                 nearest_hub=np.where(np.isfinite(best), [m.hub_ids[h] for h in nearest], ""))
    area_total = c["area_km2"].sum()
    pop_known = c["pop_ne"].notna().to_numpy()
    pop_tot = float(c.loc[pop_known, "pop_ne"].sum())
    rows, polys = [], []
    for h in hours:
        cov = (c["hours"] <= h).to_numpy()
        pop_cov = float(c.loc[cov & pop_known, "pop_ne"].sum())
        rows.append({"hours": h, "counties_covered": int(cov.sum()), "counties_total": len(c),
                     "share_counties": round(cov.mean(), 4),
                     "share_area": round(c.loc[cov, "area_km2"].sum() / area_total, 4),
                     # population only over the counties that have a figure: never a share of an unknown
                     "population_known_counties": int(pop_known.sum()), "population_known": int(pop_tot),
                     "population_covered": int(pop_cov),
                     "share_population_known": round(pop_cov / pop_tot, 4) if pop_tot else float("nan"),
                     "counties_outside_population_unknown": int((~cov & ~pop_known).sum())})
        polys.append({"hours": h, "counties": int(cov.sum()),
                      "geometry": shapely.union_all(c.geometry.values[cov]) if cov.any() else shapely.Polygon()})
    return Coverage(region, basis, c, pd.DataFrame(rows), gpd.GeoDataFrame(polys, crs=4326), m.provenance)
