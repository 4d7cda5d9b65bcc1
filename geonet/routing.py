"""Fastest paths on the multimodal network, reported as legs (from, to, mode, km, hours).

``mode`` restricts what a parcel may ride: 'road' (roads and ferries only), 'air' / 'rail' (must ride that
mode, with road access at both ends), 'multimodal' (whatever is fastest).
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

import networkx as nx
import pandas as pd
import shapely

from . import settings
from .display import TableRepr
from .names import in_language
from .errors import GeonetError, InputError
from .settings import is_hhmm
from .gazetteer import locate
from .geography import near, region_polygon
from .models import region_network, service_model
from .network.build import build
from .network.join import Snapper
from .paths import derived, layered, road_view
from .settings import NetworkParams
from .network.nodes import county_node, place_node

ROUTE_MODES = ("road", "rail", "air", "multimodal")
_LONLAT = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*$")


class UnreachableError(GeonetError):
    """No path between two places on the chosen network and mode."""


@dataclass
class Leg:
    """One stretch on a single mode. km and hours are totals of the stretch."""

    from_: str
    to: str
    mode: str
    km: float
    hours: float
    from_en: str = ""
    to_en: str = ""

    def names(self, lang: str = "zh") -> tuple[str, str]:
        """(from, to) in one language: 'zh', 'en' or 'zh-py' (Chinese with the English name)."""
        return in_language(self.from_, self.from_en, lang), in_language(self.to, self.to_en, lang)

    def to_dict(self) -> dict:
        d = asdict(self)
        d["from"] = d.pop("from_")
        return {"from": d["from"], **{k: v for k, v in d.items() if k != "from"}}


@dataclass(repr=False)
class Route(TableRepr):
    """A fastest path: total km and hours, the network it ran on, and its legs."""

    origin: str
    destination: str
    mode: str
    km: float
    hours: float
    network: str
    legs: list[Leg] = field(default_factory=list)
    nodes: list[str] = field(default_factory=list, repr=False)

    def _title(self) -> str:
        proxy = " (PROXY roads)" if self.network == "proxy" else ""
        return f"Route {self.origin} -> {self.destination} ({self.mode}): {self.hours:.2f} h, {self.km:.1f} km{proxy}"

    def _table(self):
        return pd.DataFrame([{"mode": x.mode, "from": x.from_, "to": x.to, "km": x.km, "hours": x.hours}
                             for x in self.legs])

    def to_dict(self) -> dict:
        return {"origin": self.origin, "destination": self.destination, "mode": self.mode, "km": self.km,
                "hours": self.hours, "network": self.network, "legs": [leg.to_dict() for leg in self.legs]}


def _endpoint(G: nx.MultiDiGraph, query: str, snap: Snapper) -> tuple[str, str, float]:
    """(node id, display name, access metres) for a node id, 'lon,lat' or a place name.

    A point farther than settings.MAX_ACCESS_KM from the network's roads is refused: it lies outside the
    network (another region, the sea), and an access leg that long would be a made-up road."""
    if query in G:
        return query, G.nodes[query].get("name", query), 0.0
    m = _LONLAT.match(query)
    if m:
        lon, lat = float(m.group(1)), float(m.group(2))
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            raise InputError(f"{query!r} is not a lon,lat pair in degrees (lon -180..180, lat -90..90)")
        return _snap(G, snap, lon, lat, f"{lon:.5f},{lat:.5f}")
    p = locate(query)
    # a city is its seat; a city without counties (东莞, 中山) is also a county-level unit of the same code
    for node in [place_node(p.level, p.code)] + ([county_node(p.code)] if p.level == "prefecture" else []):
        if node in G:
            return node, p.name_zh, 0.0
    return _snap(G, snap, p.lon, p.lat, p.name_zh)


def _snap(G: nx.MultiDiGraph, snap: Snapper, lon: float, lat: float, label: str) -> tuple[str, str, float]:
    hit = snap.nearest(lon, lat)
    if hit is None:
        raise InputError("the network has no road nodes to start or end on (build it with geonet network build)")
    node, dist = hit
    region = G.graph.get("region", "?")
    if region in settings.REGIONS and region != "national" and not _in_region(region, lon, lat):
        raise InputError(f"{label} lies outside region {region} ({settings.REGIONS[region]['label']}); "
                         "use --region national for places in other provinces")
    if dist > settings.MAX_ACCESS_KM * 1000:
        raise InputError(f"{label} lies {dist / 1000:,.0f} km from the nearest road of the {region} network (at most "
                         f"{settings.MAX_ACCESS_KM:g} km of access is allowed): it is outside this network; use "
                         "--region national or a network that covers it")
    return node, label, dist


def _in_region(region: str, lon: float, lat: float) -> bool:
    return bool(near([shapely.Point(lon, lat)], region_polygon(region), settings.REGION_MARGIN_KM / 111.0)[0])


def _best_edge(G: nx.MultiDiGraph, u, v) -> dict:
    return min(G.get_edge_data(u, v).values(), key=lambda d: d.get("travel_time", float("inf")))


def route(a: str, b: str, *, region: str | None = None, graph: nx.MultiDiGraph | None = None,
          mode: str = "multimodal", params: NetworkParams | None = None) -> Route:
    """Fastest path from ``a`` to ``b`` (names, hub ids, node ids or 'lon,lat').

    Uses ``graph`` if given, else the default network of ``region`` (proxy roads, rail layer, air; built once).
    Returns a Route with km, hours and legs; raises UnreachableError if no path exists.
    """
    if mode not in ROUTE_MODES:
        raise InputError(f"unknown mode {mode!r}; valid modes: {', '.join(ROUTE_MODES)}")
    if graph is None:
        if region is None:
            raise InputError("give --region (guangdong, liaoning, yrd, national) or a --network file")
        graph = build(region, params=params) if params else region_network(region)
    G = graph
    snap = derived(G, "road snapper", lambda g: Snapper(g, "road"))
    (o, oname, o_m), (d, dname, d_m) = _endpoint(G, a, snap), _endpoint(G, b, snap)
    if mode == "road":
        H, src, dst = road_view(G), o, d
    elif mode in ("air", "rail"):
        if not any(x.get("mode") == mode for _, x in G.nodes(data=True)):
            raise UnreachableError(f"the network has no {mode} links (build it with --modes road,{mode})")
        H, src, dst = layered(G, mode), (o, 0), (d, 1)
    else:
        H, src, dst = G, o, d
    try:
        path = nx.shortest_path(H, src, dst, weight="travel_time")
    except (nx.NetworkXNoPath, nx.NodeNotFound):
        raise UnreachableError(f"no {mode} route from {oname} to {dname} on this network "
                               f"({G.graph.get('network', '?')}); they lie in different components") from None
    p = NetworkParams() if params is None else params

    def nm(node) -> tuple[str, str]:
        dd = G.nodes[node]
        zh = dd.get("name") or str(node)
        return zh, dd.get("name_en") or zh

    legs: list[Leg] = []
    line = None  # the rail line of the previous leg: sections of one line read as one ride
    if o_m > 0:
        legs.append(Leg(oname, nm(o)[0], "access", o_m * p.detour_factor / 1000,
                        o_m * p.detour_factor / (p.access_kmh / 3.6) / 3600, oname, nm(o)[1]))
    for u, v in zip(path[:-1], path[1:]):
        e = _best_edge(H, u, v)
        nu, nv = (u[0] if isinstance(u, tuple) else u), (v[0] if isinstance(v, tuple) else v)
        km, hrs = e.get("length", 0) / 1000, e.get("travel_time", 0) / 3600
        leg_mode = e.get("mode", "?")
        (zh_u, en_u), (zh_v, en_v) = nm(nu), nm(nv)
        if zh_u == zh_v and leg_mode in ("access", "transfer"):
            leg_mode = "handling"  # one place under two ids (a hub and its airport): handling time there
        same_train = leg_mode == "rail" and line is not None and e.get("line") == line
        line = e.get("line") if leg_mode == "rail" else None
        if legs and legs[-1].mode == leg_mode and (leg_mode in ("road", "access") or same_train):
            legs[-1].to, legs[-1].to_en = zh_v, en_v
            legs[-1].km, legs[-1].hours = legs[-1].km + km, legs[-1].hours + hrs
        else:
            legs.append(Leg(zh_u, zh_v, leg_mode, km, hrs, en_u, en_v))
    if d_m > 0:
        legs.append(Leg(nm(d)[0], dname, "access", d_m * p.detour_factor / 1000,
                        d_m * p.detour_factor / (p.access_kmh / 3.6) / 3600, nm(d)[1], dname))
    for leg in legs:
        leg.km, leg.hours = round(leg.km, 2), round(leg.hours, 3)
    nodes = [n[0] if isinstance(n, tuple) else n for n in path]
    return Route(oname, dname, mode, round(sum(x.km for x in legs), 2), round(sum(x.hours for x in legs), 3),
                 str(G.graph.get("network", "?")), legs, nodes)


def journey(a: str, b: str, *, region: str, depart: str | None = None, via_hubs: bool = True,
            mode: str = "multimodal", hub_ids: tuple[str, ...] | None = None, model=None,
            product: str | None = None):
    """Door-to-door journey from ``a`` to ``b`` through the hub system (geonet.service), posted at ``depart``
    ('HH:MM', default the model's cut-off). Returns a journeys.Journey: door-to-door hours, delivery time,
    network hours, direct hours (no hubs) and timed legs (depart/arrive/waiting). ``product``: the express
    product to time (geonet.settings.PRODUCTS; default the model's, next-day); ``journey.provenance`` says
    what the answer rests on."""
    if mode not in ("road", "multimodal"):
        raise InputError(f"door-to-door journeys use mode road or multimodal, not {mode!r}")
    if depart is not None and not is_hhmm(depart):
        raise InputError(f"--depart {depart!r} is not a clock time HH:MM (e.g. 18:00)")
    m = model or service_model(region, hub_ids)
    if product is not None:
        m = m.for_product(product)
    snap = Snapper(m.G, "road")
    (o, _, _), (d, _, _) = _endpoint(m.G, a, snap), _endpoint(m.G, b, snap)
    if o == d:
        raise InputError(f"{a!r} and {b!r} are the same place on this network")
    for q, node in ((a, o), (b, d)):
        if m.G.nodes[node].get("mode") != "place":
            raise InputError(f"{q!r} is not a city, county or hub of the {region} network; door-to-door times "
                             "start and end at places")
    return m.journey(o, d, via_hubs=via_hubs, cutoff=depart, road_only=(mode == "road"))
