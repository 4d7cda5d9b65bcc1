"""Summaries of a network: size, km and hours by mode, components, sources, proxy share."""

from __future__ import annotations

from collections import defaultdict

import networkx as nx


def info(G: nx.MultiDiGraph) -> dict:
    """Nodes, edges, km and hours by edge mode, weakly connected components of the road layer,
    the graph's sources and whether any part is a proxy."""
    by_mode: dict[str, dict] = defaultdict(lambda: {"edges": 0, "km": 0.0, "hours": 0.0, "proxy_edges": 0})
    sources: set[str] = set()
    for _, _, d in G.edges(data=True):
        m = by_mode[d.get("mode", "?")]
        m["edges"] += 1
        m["km"] += float(d.get("length", 0)) / 1000
        m["hours"] += float(d.get("travel_time", 0)) / 3600
        m["proxy_edges"] += bool(d.get("proxy"))
        if d.get("source"):
            sources.add(str(d["source"]))
    road = G.subgraph([n for n, d in G.nodes(data=True) if d.get("mode") == "road"])
    comps = sorted((len(c) for c in nx.weakly_connected_components(road)), reverse=True) if len(road) else []
    nodes_by_mode: dict[str, int] = defaultdict(int)
    for _, d in G.nodes(data=True):
        nodes_by_mode[f"{d.get('mode', '?')}/{d.get('kind', '?')}"] += 1
    return {
        "region": G.graph.get("region"), "network": G.graph.get("network"), "proxy": any(
            v["proxy_edges"] for v in by_mode.values()),
        "nodes": G.number_of_nodes(), "edges": G.number_of_edges(), "nodes_by_kind": dict(sorted(nodes_by_mode.items())),
        "by_mode": {k: {kk: round(vv, 1) if isinstance(vv, float) else vv for kk, vv in v.items()}
                    for k, v in sorted(by_mode.items())},
        "road_components": len(comps), "largest_road_component": comps[0] if comps else 0,
        "small_road_components": comps[1:21],
        "sources": sorted(sources),
    }
