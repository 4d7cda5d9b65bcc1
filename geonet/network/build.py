"""Assemble the multimodal graph of a region: roads (proxy or OSM), air, rail, places, access and transfers."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

import networkx as nx
import pandas as pd

from ..catalog import hubs
from ..errors import InputError
from ..geography import cities, counties, near, region_polygon, region_provinces
from ..settings import VERSION, NetworkParams
from . import osm
from .air import air_network
from .join import Snapper, add_access
from .proxy import proxy_roads
from .rail import RailService, rail_network, read_services
from .railways import rail_layer
from .railways import rail_year as network_year
from .nodes import air_node, arrival_node, city_node, county_node, hub_node

MODES = ("road", "rail", "air")
NEIGHBOUR_RING_DEG = 0.5  # proxy roads also take in counties this close to the region (paths may cut across)


def _check_modes(modes: Iterable[str]) -> tuple[str, ...]:
    modes = tuple(dict.fromkeys(m.strip().lower() for m in modes if m.strip()))
    bad = [m for m in modes if m not in MODES]
    if bad or "road" not in modes:
        raise InputError(f"modes {','.join(modes) or '(none)'}: valid modes are road, rail, air and road is "
                         "always needed (access to hubs and cities)")
    return modes


def build(region: str | None = None, *, polygon=None, sources: Mapping[str, str] | None = None,
          modes: Iterable[str] = ("road", "rail", "air"), params: NetworkParams | None = None,
          rail_services: Iterable[RailService] | str | Path | None = None, rail_year: int | str | None = None,
          air_lines: Iterable[tuple[str, str]] = (), removed_air: Iterable[tuple[str, str]] = (),
          places: bool = True) -> nx.MultiDiGraph:
    """Build the multimodal network of ``region`` ('guangdong', 'liaoning', 'yrd', 'national') or of a
    ``polygon`` (WGS-84).

    sources: per mode, 'proxy' (road only, the offline default), 'osm' (download with osmnx) or a file path;
    rail also 'layer' (the default) or 'none' (only ``rail_services``).
    modes: subset of road, rail, air. Rail is the shipped rail layer (layers/rail_lines.csv) open in
    ``rail_year`` (default the latest; 'plan' adds lines under construction and planned; a year also leaves out
    the road crossings opened after it, layers/build/crossings.csv) unless the rail
    source is 'osm' or a file; ``rail_services`` (a CSV path or RailService list) add timed services.
    air_lines / removed_air: IATA pairs a scenario adds or removes.
    Returns an osmnx-compatible MultiDiGraph (x/y degrees, length m, travel_time s, mode, source, proxy).
    """
    params = params or NetworkParams()
    modes = _check_modes(modes)
    if rail_services is not None and "rail" not in modes:
        raise InputError(f"rail services need the rail mode (modes: {','.join(modes)}); add rail to the modes "
                         "or leave the rail services out")
    sources = {"road": "proxy", **(dict(sources) if sources else {})}
    if region is None and polygon is None:
        raise InputError("give a region (guangdong, liaoning, yrd, national) or a polygon/bbox")
    provs = region_provinces(region) if region is not None else None
    area = region_polygon(region) if region is not None else polygon

    year = network_year(rail_year) if rail_year is not None else None  # checked; the default and 'plan' keep all
    parts = [_roads(sources["road"], region, area, params, year if isinstance(year, int) else None)]
    if "air" in modes:
        ap_provs = set(provs) if provs is not None else None
        if region is None:  # a polygon: the airports inside it
            ap_provs = {c[:2] for c in counties(None).loc[counties(None).intersects(area), "adcode"]}
        parts.append(air_network(ap_provs, params, air_lines, removed_air))
    stations = {}
    if "rail" in modes:
        rail_src = sources.get("rail")
        if rail_src in ("osm",) or (rail_src and Path(str(rail_src)).suffix):
            raw = osm.download(area, "rail") if rail_src == "osm" else None
            parts.append(osm.to_geonet(raw, "rail", params) if raw is not None
                         else osm.read_file(rail_src, "rail", params))
        elif rail_src in (None, "layer"):
            parts.append(rail_layer(params, rail_year, area))
            sources["rail"] = "layer"
        elif rail_src != "none":
            raise InputError(f"rail source {rail_src!r}: use layer (the shipped rail layer), none (only "
                             "--rail-services), osm or a network file")
        if rail_services is not None:
            svc = read_services(rail_services) if isinstance(rail_services, (str, Path)) else list(rail_services)
            g, stations = rail_network(svc, area, region)
            parts.append(g)
        if not any(d.get("mode") == "rail" for p in parts for _, _, d in p.edges(data=True)):
            raise InputError("mode rail: the area has no rail line of the rail layer in that year; give rail "
                             "services (--rail-services FILE) or --rail-source osm|FILE")

    G = nx.compose_all(parts)
    road = Snapper(G, "road")
    if road.tree is None:
        raise InputError("the road network is empty: the area holds no road nodes")
    _join_modes(G, road, params, stations)
    if places:
        _add_places(G, road, region, area, params)
    proxy = any(d.get("proxy") for _, _, d in G.edges(data=True))
    G.graph.update(crs="epsg:4326", region=region or "polygon", modes=",".join(modes),
                   sources=";".join(f"{k}={v}" for k, v in sorted(sources.items()) if k in modes),
                   network="proxy" if proxy else ("osm" if sources["road"] == "osm" else "file"),
                   proxy=proxy, geonet_version=VERSION,
                   rail_year=str(rail_year if rail_year is not None else "latest") if "rail" in modes else "")
    return G


def _roads(source: str, region: str | None, area, params: NetworkParams, year: int | None) -> nx.MultiDiGraph:
    if source == "proxy":
        c = counties(None)
        keep = near(c.geometry.values, area, NEIGHBOUR_RING_DEG) & (c["adcode"].str[:2] != "71").to_numpy()
        return proxy_roads(set(c.loc[keep, "adcode"]), params, year)
    if source == "osm":
        return osm.to_geonet(osm.download(area, "road"), "road", params)
    return osm.read_file(source, "road", params)


def _join_modes(G: nx.MultiDiGraph, road: Snapper, params: NetworkParams, stations: dict) -> None:
    """Transfer edges road <-> airport and road <-> rail (station or OSM rail node), with handling times."""
    h = params.handling_s
    for n, d in list(G.nodes(data=True)):
        if d.get("kind") == "airport":
            tgt, dist = road.nearest(d["x"], d["y"])
            add_access(G, tgt, n, dist, params, "transfer", (h[("road", "air")], h[("air", "road")]),
                       name=f"{d['name']} (road-air)", back=arrival_node(d["iata"]))
        elif d.get("mode") == "rail" and d.get("kind") == "station":
            tgt, dist = road.nearest(d["x"], d["y"])
            add_access(G, tgt, n, dist, params, "transfer", (h[("road", "rail")], h[("rail", "road")]),
                       name=f"{d['name']} (road-rail)")


def _hub_labels(r) -> tuple[str, str]:
    """A hub node's (Chinese, English) label: an airport or port is itself; a city hub is the city's hub
    (汕头市枢纽, 'Shantou hub'), so legs between the city centre and its hub read as two places."""
    if r.kind in ("airport", "port", "rail station"):
        return r.name_zh, r.name_en
    return f"{r.name_zh}枢纽", f"{r.name_en} hub"


def _add_places(G: nx.MultiDiGraph, road: Snapper, region: str | None, area, params: NetworkParams) -> None:
    """City centres, county seats and catalog hubs of the area, joined to the nearest road node."""
    rail = Snapper(G, "rail")
    h = params.handling_s
    pref = cities(region) if region else cities(None)[lambda d: d.intersects(area)]
    if region:  # Hong Kong and Macau are cities of the Guangdong plan's bay area, outside any region
        sar = cities(None).query("level == 'sar'")
        pref = pd.concat([pref, sar[near(sar.geometry.values, area, 0.1)]], ignore_index=True)
    cty = counties(region) if region else counties(None)[lambda d: d.intersects(area)]
    hub = hubs(placed=True)
    hub = hub[near(hub.geometry.values, area, 0.02)]
    items = [(city_node(r.adcode), r.name, r.name_en, "city", r.seat_lon, r.seat_lat) for r in pref.itertuples()]
    items += [(county_node(r.adcode), r.name, r.name_en, "county", r.seat_lon, r.seat_lat) for r in cty.itertuples()]
    items += [(hub_node(r.id), *_hub_labels(r), "hub", r.lon, r.lat) for r in hub.itertuples()]
    for node, name, name_en, kind, lon, lat in items:
        G.add_node(node, x=float(lon), y=float(lat), mode="place", kind=kind, name=name, name_en=name_en)
        tgt, dist = road.nearest(lon, lat)
        add_access(G, node, tgt, dist, params, name=f"{name} access")
        if rail.tree is not None and kind == "city":
            tgt, dist = rail.nearest(lon, lat)
            add_access(G, node, tgt, dist, params, "transfer", (h[("road", "rail")], h[("rail", "road")]),
                       name=f"{name} (road-rail)")
    for r in hub[hub["kind"] == "airport"].itertuples():  # an airport hub is its airport
        code = r.id.rsplit("-", 1)[1].upper()
        if air_node(code) in G:
            add_access(G, hub_node(r.id), air_node(code), 0.0, params, "transfer",
                       (h[("road", "air")], h[("air", "road")]), name=f"{r.name_zh} (road-air)",
                       back=arrival_node(code))
