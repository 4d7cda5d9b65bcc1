"""Cached defaults per region: the network (proxy roads + air) and the plan's own hub set."""

from __future__ import annotations

import functools

import networkx as nx
import pandas as pd

from .catalog import hubs
from .geography import region_provinces
from .network import build
from .service import ServiceModel
from .settings import NetworkParams, ServiceParams

# which catalog rows are the hub set a region's plan routes through
PLAN_HUBS = {
    "guangdong": ("guangdong-1+4+6", 3),  # 1 + 4 + 6: tiers global, national, regional
    "liaoning": ("liaoning", 1),  # node cities: 沈阳 大连 锦州 盘锦
    "yrd": ("yrd", 2),  # tier-1 and tier-2 express-park cities
    "national": ("national", 1),  # the five global hub clusters
}


def plan_hubs(region: str) -> pd.DataFrame:
    """The plan's city hubs for ``region`` (catalog rows, placed, city-hub kind, tier rank <= the plan's)."""
    region_provinces(region)  # validates the name
    system, max_rank = PLAN_HUBS[region]
    h = hubs(system, placed=True)
    return h[(h["kind"] == "city hub") & (h["tier_rank"].fillna(99) <= max_rank)].reset_index(drop=True)


@functools.lru_cache(maxsize=8)
def region_network(region: str, modes: tuple[str, ...] = ("road", "air")) -> nx.MultiDiGraph:
    """The default network of a region (built once per process)."""
    return build(region, modes=modes)


_MODELS: dict = {}


def service_model(region: str, hub_ids: tuple[str, ...] | None = None, params: ServiceParams | None = None,
                  net_params: NetworkParams | None = None, graph: nx.MultiDiGraph | None = None) -> ServiceModel:
    """A ServiceModel for ``region`` (default network and plan hubs unless given), cached per arguments."""
    if hub_ids is None:
        hub_rows = plan_hubs(region)
    else:
        placed = hubs(placed=True).set_index("id")
        for h in hub_ids:
            if h not in placed.index:
                from .names import unknown

                raise unknown("hub id", h, list(placed.index))
        hub_rows = placed.loc[list(hub_ids)].reset_index()
    key = (region, tuple(hub_rows["id"]), repr(params), repr(net_params), id(graph))
    if key not in _MODELS:
        G = graph if graph is not None else (region_network(region) if net_params is None
                                             else build(region, params=net_params))
        _MODELS[key] = ServiceModel(G, hub_rows, params, net_params)
    return _MODELS[key]
