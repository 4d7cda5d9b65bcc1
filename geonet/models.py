"""Cached defaults per region: the network (proxy roads + the rail layer + air) and the plan's own hub set."""

from __future__ import annotations

import functools
from collections import OrderedDict

import networkx as nx
import pandas as pd

from .catalog import hubs
from .geography import cities, region_provinces
from .names import unknown
from .network import build
from .service import ServiceModel
from .settings import NetworkParams, ServiceParams
from .network.nodes import city_node, hub_node

# which catalog rows are the hub set a region's plan routes through
PLAN_HUBS = {
    "guangdong": ("guangdong-1+4+6", 3),  # 1 + 4 + 6: tiers global, national, regional
    "liaoning": ("liaoning", 1),  # node cities: 沈阳 大连 锦州 盘锦
    "yrd": ("yrd", 2),  # tier-1 and tier-2 express-park cities
    "national": ("national", 1),  # the five global hub clusters
}


# the shipped scenario file of each region's plan baseline (scenarios/)
PLAN_SCENARIO = {"guangdong": "guangdong_1p4p6.yaml", "liaoning": "liaoning.yaml", "yrd": "yrd.yaml",
                 "national": "national.yaml"}


def plan_hubs(region: str) -> pd.DataFrame:
    """The plan's city hubs for ``region`` (catalog rows, placed, city-hub kind, tier rank <= the plan's).

    National: the five global hub clusters (tier 1), then a second tier (tier 2) - the regional plans' own top
    hubs (Guangdong's global and national hubs, Liaoning's node cities, the YRD's tier-1 park cities) and, where
    no plan names a hub, the provincial capitals (an assumption, labelled in ``basis``), so that a parcel from
    沈阳 to 长春 is sorted in the north-east, not in 京津冀. Each row: id, node, tier_rank, prefecture_adcode,
    name_zh, lon, lat, basis."""
    region_provinces(region)  # validates the name
    system, max_rank = PLAN_HUBS[region]
    h = hubs(system, placed=True)
    top = h[(h["kind"] == "city hub") & (h["tier_rank"].fillna(99) <= max_rank)].reset_index(drop=True)
    top = top.assign(node=[hub_node(i) for i in top["id"]], basis=f"plan: {system}")
    if region != "national":
        return top
    second = []
    for sys_, rank in (("guangdong-1+4+6", 2), ("liaoning", 1), ("yrd", 1)):
        r = hubs(sys_, placed=True)
        r = r[(r["kind"] == "city hub") & (r["tier_rank"].fillna(99) <= rank)]
        second.append(r.assign(node=[hub_node(i) for i in r["id"]], tier_rank=2, basis=f"plan: {sys_} (second tier)"))
    second = pd.concat(second, ignore_index=True)
    covered = set(top["prefecture_adcode"]) | set(second["prefecture_adcode"])
    second = second[~second["prefecture_adcode"].isin(set(top["prefecture_adcode"]))]
    cap = cities("national").query("is_capital")
    cap = cap[~cap["adcode"].isin(covered)]
    capitals = pd.DataFrame({"id": cap["name"].str.removesuffix("市"), "node": [city_node(a) for a in cap["adcode"]],
                             "tier_rank": 2, "prefecture_adcode": cap["adcode"], "prefecture": cap["name"],
                             "name_zh": cap["name"], "kind": "city hub", "lon": cap["seat_lon"], "lat": cap["seat_lat"],
                             "basis": "assumption: provincial capital as second-tier hub (no plan names one)"})
    out = pd.concat([top, second, capitals], ignore_index=True)
    out["tier_rank"] = out["tier_rank"].astype("Int64")
    return out.drop_duplicates("prefecture_adcode").reset_index(drop=True)


@functools.lru_cache(maxsize=8)
def region_network(region: str, modes: tuple[str, ...] = ("road", "rail", "air")) -> nx.MultiDiGraph:
    """The default network of a region (built once per process)."""
    return build(region, modes=modes)


MODEL_CACHE_SIZE = 16  # default-network models kept per process (each holds its network searches)
_MODELS: OrderedDict = OrderedDict()


def service_model(region: str, hub_ids: tuple[str, ...] | None = None, params: ServiceParams | None = None,
                  net_params: NetworkParams | None = None, graph: nx.MultiDiGraph | None = None) -> ServiceModel:
    """A ServiceModel for ``region`` (default network and plan hubs unless given). Models of the default
    network are cached (least recently used, MODEL_CACHE_SIZE, keyed on the region, hubs and parameters); a
    model of a caller's ``graph`` is built each time (a cache keyed on a graph would keep it alive, or, keyed on
    its id, mistake a later graph for a collected one)."""
    if hub_ids is None:
        hub_rows = plan_hubs(region)
    else:
        placed = hubs(placed=True).set_index("id")
        for h in hub_ids:
            if h not in placed.index:
                raise unknown("hub id", h, list(placed.index))
        hub_rows = placed.loc[list(hub_ids)].reset_index()
    if graph is not None:
        return ServiceModel(graph, hub_rows, params)
    key = (region, tuple(hub_rows["id"]), repr(params), repr(net_params))
    if key in _MODELS:
        _MODELS.move_to_end(key)
        return _MODELS[key]
    G = region_network(region) if net_params is None else build(region, params=net_params)
    _MODELS[key] = ServiceModel(G, hub_rows, params)
    while len(_MODELS) > MODEL_CACHE_SIZE:
        _MODELS.popitem(last=False)
    return _MODELS[key]
