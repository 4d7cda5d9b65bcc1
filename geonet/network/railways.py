"""The shipped offline rail layer (layers/rail_lines.csv): curated lines, stops on OpenStreetMap station
points, one edge per section between consecutive stops.

Run time of a section = km / (rail_operating_share x design km/h) + rail_stop_s; trains of a line leave
every ``rail_headway_minutes`` between ``rail_first_departure`` and ``rail_last_departure`` (express on
scheduled trains, 高铁快运); a parcel stays aboard along a line and waits again only where it changes line.
Lines are straight between stops (schematic, not track geometry); every edge names its line and source.
"""

from __future__ import annotations

import functools
import json

import networkx as nx
import pandas as pd
import shapely

from ..errors import DataError, InputError
from ..geography import near
from ..layers import layer_path
from ..settings import NetworkParams
from .nodes import rail_node

SOURCE = "geonet rail layer (curated lines, cited per line; stops on OSM station points, ODbL)"
PLAN = "plan"  # the rail-year value that takes every line, planned and under construction included


@functools.lru_cache(maxsize=1)
def sections() -> pd.DataFrame:
    """All sections of the layer (open, under construction and planned)."""
    path = layer_path("rail_lines.csv")
    if not path.is_file():
        raise DataError(f"layer {path} is missing: run `make layers`")
    return pd.read_csv(path, dtype={"opened": str}, keep_default_na=False)


def latest_year() -> int:
    """The most recent opening year in the layer (the default network year)."""
    return int(max(int(y) for y in sections()["opened"] if str(y).isdigit()))


def rail_year(value: int | str | None) -> int | str:
    """Check a network year: None -> the latest, 'plan' -> the plan-complete view, else a year 1990-2100."""
    if value is None or value == "":
        return latest_year()
    if str(value).strip().lower() == PLAN:
        return PLAN
    try:
        year = int(str(value).strip())
    except ValueError:
        raise InputError(f"rail year {value!r}: give a year such as 2015, or 'plan' for the plan-complete "
                         "network") from None
    if not 1990 <= year <= 2100:
        raise InputError(f"rail year {year} is outside 1990-2100; give a year such as 2015, or 'plan'")
    return year


def sections_in(year: int | str | None = None) -> pd.DataFrame:
    """Sections open in ``year`` (default the latest), or every section for 'plan'."""
    y = rail_year(year)
    s = sections()
    if y == PLAN:
        return s
    opened = pd.to_numeric(s["opened"], errors="coerce")
    return s[(s["status"] == "open") & (opened <= y)]


def rail_layer(params: NetworkParams, year: int | str | None = None, area=None) -> nx.MultiDiGraph:
    """Station nodes ``rail:<station>`` and both directions of every section (in ``area`` when given)."""
    s = sections_in(year)
    if area is not None:
        a = near(shapely.points(s["from_lon"].to_numpy(), s["from_lat"].to_numpy()), area, 0.5)
        b = near(shapely.points(s["to_lon"].to_numpy(), s["to_lat"].to_numpy()), area, 0.5)
        s = s[a & b]
    G = nx.MultiDiGraph()
    share = params.rail_operating_share
    for r in s.rename(columns={"from": "a", "to": "b"}).itertuples():
        for name, en, lon, lat, placed in ((r.a, r.from_en, r.from_lon, r.from_lat, r.from_placed),
                                           (r.b, r.to_en, r.to_lon, r.to_lat, r.to_placed)):
            G.add_node(rail_node(name), x=float(lon), y=float(lat), mode="rail", kind="station",
                       name=f"{name}站", name_en=f"{en} Station", placed=placed)
        tt = r.km * 1000 / (share * r.design_kmh / 3.6) + params.rail_stop_s
        geom = shapely.LineString([(r.from_lon, r.from_lat), (r.to_lon, r.to_lat)])
        attrs = dict(length=round(r.km * 1000, 1), travel_time=round(tt, 1), mode="rail", source=SOURCE,
                     line_source=r.source, proxy=False, schematic=True, line=r.line, design_kmh=int(r.design_kmh),
                     status=r.status, first_departure=params.rail_first_departure,
                     last_departure=params.rail_last_departure, headway_minutes=params.rail_headway_minutes)
        G.add_edge(rail_node(r.a), rail_node(r.b), name=f"{r.line} {r.a}-{r.b}", geometry=geom, **attrs)
        G.add_edge(rail_node(r.b), rail_node(r.a), name=f"{r.line} {r.b}-{r.a}", geometry=geom.reverse(), **attrs)
    return G


def summary() -> dict:
    """The layer's build summary (layers/rail_lines.json): counts and the measured circuity per line."""
    return json.loads(layer_path("rail_lines.json").read_text(encoding="utf-8"))
