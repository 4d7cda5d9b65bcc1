"""Choosing paths: the fastest road-only and multimodal paths between network nodes, searched once on CSR
snapshots (geonet.engine) and cached. Timing those paths against clocks and schedules is geonet.timing's job;
a sensitivity sweep re-times the same cached paths under other assumptions instead of searching again."""

from __future__ import annotations

import weakref

import networkx as nx
import numpy as np

from .engine import Snapshot

ROAD_EDGE_MODES = {"road", "ferry", "access", "customs"}
KINDS = ("road", "multi")


class PathCache:
    """One-to-all searches (both kinds) and the node paths between pairs, computed once per source."""

    def __init__(self, G: nx.MultiDiGraph):
        self.G = G
        self.snaps = {"road": Snapshot.from_graph(G, edge_filter=lambda d: d.get("mode") in ROAD_EDGE_MODES),
                      "multi": Snapshot.from_graph(G)}
        self._rows: dict[tuple[str, str], tuple[np.ndarray, np.ndarray]] = {}
        self._paths: dict[tuple[str, str, str], list[str] | None] = {}

    @property
    def road(self) -> Snapshot:
        return self.snaps["road"]

    @property
    def multi(self) -> Snapshot:
        return self.snaps["multi"]

    def prepare(self, sources, kinds: tuple[str, ...] = ("multi",)) -> None:
        """Run the one-to-all searches of ``kinds`` from every source not yet searched (batched); the road-only
        kind is searched when first asked for."""
        for kind in kinds:
            todo = [s for s in dict.fromkeys(sources) if (kind, s) not in self._rows]
            if todo:
                dist, pred = self.snaps[kind].times(todo, predecessors=True)
                for i, s in enumerate(todo):
                    self._rows[(kind, s)] = (dist[i], pred[i])

    def seconds(self, a: str, b: str, kind: str = "multi") -> float:
        """Static fastest time a -> b (s, no schedules; inf if unreachable)."""
        self.prepare([a], (kind,))
        return float(self._rows[(kind, a)][0][self.snaps[kind].index[b]])

    def row(self, a: str, kind: str = "multi") -> np.ndarray:
        """Static fastest times from ``a`` to every node of the snapshot (s)."""
        self.prepare([a], (kind,))
        return self._rows[(kind, a)][0]

    def path(self, a: str, b: str, kind: str) -> list[str] | None:
        """Node path of the static-fastest ``kind`` path a -> b, or None if b cannot be reached."""
        key = (kind, a, b)
        if key not in self._paths:
            self.prepare([a], (kind,))
            dist, pred = self._rows[(kind, a)]
            j = self.snaps[kind].index[b]
            self._paths[key] = self.snaps[kind].path(pred, j) if np.isfinite(dist[j]) else None
        return self._paths[key]

    def edge(self, u: str, v: str, kind: str) -> dict:
        """Attributes of the parallel edge u -> v the ``kind`` snapshot chose."""
        snap = self.snaps[kind]
        return self.G.edges[u, v, snap.edge_keys[(snap.index[u], snap.index[v])]]


_DERIVED: "weakref.WeakKeyDictionary[nx.MultiDiGraph, dict]" = weakref.WeakKeyDictionary()


def derived(G: nx.MultiDiGraph, key, make):
    """``make(G)``, kept per graph and ``key`` while the graph's nodes and linked node pairs are unchanged (an
    O(nodes) check; counting multi-edges would be O(edges) per call). Treat what it returns as read-only."""
    size = (G.number_of_nodes(), sum(map(len, G._succ.values())))  # networkx's adjacency dict: no views built
    hit = _DERIVED.setdefault(G, {}).get(key)
    if hit is not None and hit[0] == size:
        return hit[1]
    value = make(G)
    _DERIVED[G][key] = (size, value)
    return value


def road_view(G: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """The road, ferry and access edges of ``G`` (a copy, not a view: the per-graph cache must not hold ``G``)."""
    def make(g: nx.MultiDiGraph) -> nx.MultiDiGraph:
        H = nx.MultiDiGraph()
        H.add_edges_from((u, v, k, d) for u, v, k, d in g.edges(keys=True, data=True)
                         if d.get("mode") in ROAD_EDGE_MODES)
        return H

    return derived(G, "road", make)


def layered(G: nx.MultiDiGraph, mode: str) -> nx.MultiDiGraph:
    """The network unrolled so that a path must ride ``mode``: ground nodes (n, 0) before and (n, 1) after the
    ride; ``mode``'s nodes (n, 'a') on boarding and (n, 'b') after at least one ``mode`` edge. Every path from
    (o, 0) to (d, 1) takes one ``mode`` edge or more (a flight, a train), never just a walk through a terminal.
    Kept per graph and mode (:func:`derived`); treat as read-only."""
    return derived(G, ("layered", mode), lambda g: _layered(g, mode))


def _layered(G: nx.MultiDiGraph, mode: str) -> nx.MultiDiGraph:
    H = nx.MultiDiGraph()
    for u, v, k, d in G.edges(keys=True, data=True):
        mu, mv = G.nodes[u].get("mode"), G.nodes[v].get("mode")
        if mu == mode and mv == mode:  # riding
            H.add_edge((u, "a"), (v, "b"), k, **d)
            H.add_edge((u, "b"), (v, "b"), k, **d)
        elif mv == mode:  # ground -> mode (boarding)
            H.add_edge((u, 0), (v, "a"), k, **d)
        elif mu == mode:  # mode -> ground (alighting, after a ride)
            H.add_edge((u, "b"), (v, 1), k, **d)
        elif d.get("mode") in ROAD_EDGE_MODES:
            H.add_edge((u, 0), (v, 0), k, **d)
            H.add_edge((u, 1), (v, 1), k, **d)
    return H
