"""Joining places and modes: access edges (a place to its nearest network node) and transfer edges (between
modes at airports and stations, carrying handling time)."""

from __future__ import annotations

import networkx as nx
import numpy as np
from scipy.spatial import cKDTree

from ..settings import NetworkParams
from .geo import great_circle_m


class Snapper:
    """Nearest node of one mode (equirectangular k-d tree, exact great-circle distance on the result)."""

    def __init__(self, G: nx.MultiDiGraph, mode: str):
        self.ids = [n for n, d in G.nodes(data=True) if d.get("mode") == mode and d.get("kind") == "junction"]
        xy = np.array([(G.nodes[n]["x"], G.nodes[n]["y"]) for n in self.ids]) if self.ids else np.zeros((0, 2))
        self.lat0 = float(np.mean(xy[:, 1])) if len(xy) else 30.0
        self.xy = xy
        self.tree = cKDTree(self._proj(xy)) if len(xy) else None

    def _proj(self, xy: np.ndarray) -> np.ndarray:
        return np.column_stack([xy[:, 0] * np.cos(np.radians(self.lat0)), xy[:, 1]])

    def nearest(self, lon: float, lat: float) -> tuple[str, float] | None:
        """(node id, great-circle distance in m) of the nearest node, or None if the mode has no nodes."""
        if self.tree is None:
            return None
        _, i = self.tree.query(self._proj(np.array([[lon, lat]]))[0])
        return self.ids[i], great_circle_m(lon, lat, *self.xy[i])


def add_access(G: nx.MultiDiGraph, node: str, target: str, dist_m: float, params: NetworkParams,
               mode: str = "access", handling: tuple[float, float] = (0.0, 0.0), name: str = "",
               back: str | None = None) -> None:
    """Edges ``node -> target`` and back (from ``back`` where the way back leaves from another node of the same
    place: an airport's arrivals): length = snap distance x detour, time at the access speed plus ``handling``
    (s) on (node -> target, target -> node)."""
    length = dist_m * params.detour_factor
    tt = length / (params.access_kmh / 3.6)
    base = dict(length=round(length, 1), mode=mode, source="geonet access/transfer", proxy=False, name=name)
    G.add_edge(node, target, travel_time=round(tt + handling[0], 1), handling_s=handling[0], **base)
    G.add_edge(back or target, node, travel_time=round(tt + handling[1], 1), handling_s=handling[1], **base)
