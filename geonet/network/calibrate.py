"""Re-estimate the proxy's detour factor from real OpenStreetMap routes (needs Overpass, or osmnx's cache)."""

from __future__ import annotations

from itertools import combinations

import networkx as nx
import numpy as np

from ..errors import DataError
from ..settings import NetworkParams
from . import osm
from .geo import great_circle_m
from .join import Snapper


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
