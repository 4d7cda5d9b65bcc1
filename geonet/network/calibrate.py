"""Re-estimate the proxy's detour factor from real OpenStreetMap routes (needs Overpass, or osmnx's cache), and
fit the plateau's detour factor on cited route lengths (offline)."""

from __future__ import annotations

from itertools import combinations

import networkx as nx
import numpy as np

from ..errors import DataError
from ..gazetteer import locate
from ..paths import ROAD_EDGE_MODES
from ..settings import NetworkParams
from . import osm
from .build import build
from .geo import great_circle_m
from .join import Snapper
from .nodes import city_node
from .proxy import on_plateau


def calibrate(points: list[tuple[str, float, float]], polygon, *, min_km: float = 5.0,
              params: NetworkParams | None = None, graph: nx.MultiDiGraph | None = None) -> dict:
    """Road distance / great-circle distance between every pair of ``points`` (name, lon, lat) more than
    ``min_km`` apart, on the OSM line-haul road network inside ``polygon``.

    Returns the median ratio (the detour factor to use), its spread, and the pairs measured.
    """
    params = params or NetworkParams()
    G = graph if graph is not None else osm.to_geonet(osm.download(polygon, "road"), "road", params)
    snap = Snapper(G, "road")
    und = nx.Graph()
    for u, v, d in G.edges(data=True):  # distance is what is calibrated: one-way rules aside
        if not und.has_edge(u, v) or und[u][v]["length"] > d["length"]:
            und.add_edge(u, v, length=d["length"])
    pairs = []
    for (na, xa, ya), (nb, xb, yb) in combinations(points, 2):
        gc = great_circle_m(xa, ya, xb, yb)
        if gc < min_km * 1000:
            continue
        (sa, da), (sb, db) = snap.nearest(xa, ya), snap.nearest(xb, yb)
        try:
            road = nx.shortest_path_length(und, sa, sb, weight="length") + da + db
        except nx.NetworkXNoPath:
            continue
        pairs.append({"from": na, "to": nb, "great_circle_km": round(gc / 1000, 2), "road_km": round(road / 1000, 2),
                      "ratio": round(road / gc, 4)})
    if not pairs:
        raise DataError("no pair of places is connected on the downloaded OSM road network: nothing to calibrate")
    r = np.array([p["ratio"] for p in pairs])
    return {"detour_factor": round(float(np.median(r)), 4), "mean": round(float(r.mean()), 4),
            "p10_p90": [round(float(x), 4) for x in np.percentile(r, [10, 90])], "pairs": pairs,
            "current_default": NetworkParams().detour_factor, "source": osm.SOURCE}


# cited lengths of the plateau's trunk roads (km): the evidence of NetworkParams.plateau_detour_factor
PLATEAU_ROUTES = (("成都", "拉萨", 2115.0, "China Daily 2014-10-11: Sichuan-Tibet Highway, South Line (G318)"),
                  ("西宁", "拉萨", 1917.0, "Wikipedia: China National Highway 109 (Xining km 1,984, Lhasa km 3,901)"))


def fit_plateau_detour(routes=PLATEAU_ROUTES, params: NetworkParams | None = None, rounds: int = 3) -> dict:
    """The plateau detour factor that puts ``routes`` (origin, destination, cited km, source) at their cited
    lengths, least squares: each route's fastest proxy road path, its km split into plateau edges (either end in
    NetworkParams.plateau_areas) and the rest at the national factor, solved again on the new paths ``rounds``
    times. Returns the factor and each route's modelled km."""
    params = params or NetworkParams()
    f = params.detour_factor
    for _ in range(rounds):
        p = params.with_(plateau_detour_factor=f)
        G = build("national", modes=("road",), params=p)
        road = G.edge_subgraph([(u, v, k) for u, v, k, d in G.edges(keys=True, data=True)
                                if d["mode"] in ROAD_EDGE_MODES])
        rows = []
        for a, b, km, _ in routes:
            path = nx.shortest_path(road, city_node(locate(a).code), city_node(locate(b).code), weight="travel_time")
            km_on = {True: 0.0, False: 0.0}  # km of the path on plateau edges and elsewhere
            for u, v in zip(path[:-1], path[1:]):
                d = min(road[u][v].values(), key=lambda e: e["travel_time"])
                codes = [str(G.nodes[n].get("adcode", "")) for n in (u, v)]
                km_on[d["mode"] == "road" and on_plateau(*codes, p)] += d["length"] / 1000
            rows.append((km, km_on[True] / f, km_on[False]))
        base = np.array([r[1] for r in rows])
        rest = np.array([r[0] - r[2] for r in rows])
        f = float(base @ rest / (base @ base))
    return {"plateau_detour_factor": round(f, 3),
            "routes": [{"from": a, "to": b, "cited_km": km, "model_km": round(o + i * f, 1), "source": src}
                       for (a, b, km, src), (_, i, o) in zip(routes, rows)]}
