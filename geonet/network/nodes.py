"""Node ids of geonet's networks, spelled here only: ``kind:code``.

Places: ``city:<adcode>`` (a prefecture-level city's seat), ``county:<adcode>`` (a county seat), ``hub:<id>`` (a
catalog hub). Network points: ``road:<adcode>`` (a proxy road junction at a county seat), ``rail:<station>``,
``air:<IATA>`` (boarding) and ``air:<IATA>:arr`` (arrivals).
"""

from __future__ import annotations

from typing import Any

PLACE_KIND = {"prefecture": "city", "county": "county", "hub": "hub"}  # gazetteer level -> node kind


def city_node(adcode: Any) -> str:
    """The node of a prefecture-level city (its seat), e.g. 'city:440100'."""
    return f"city:{adcode}"


def county_node(adcode: Any) -> str:
    """The node of a county-level unit (its seat), e.g. 'county:445202'."""
    return f"county:{adcode}"


def hub_node(hub_id: Any) -> str:
    """The node of a catalog hub, e.g. 'hub:gd-jieyang'."""
    return f"hub:{hub_id}"


def place_node(level: str, code: Any) -> str:
    """The node of a located place (geonet.locate's ``level`` and ``code``): prefecture -> city, county, hub."""
    return f"{PLACE_KIND[level]}:{code}"


def road_node(adcode: Any) -> str:
    """A proxy road junction at a county seat."""
    return f"road:{adcode}"


def rail_node(name_zh: str) -> str:
    """A railway station, by its Chinese name."""
    return f"rail:{name_zh}"


def air_node(iata: str) -> str:
    """The node where parcels board flights at airport ``iata`` (reached from the road)."""
    return f"air:{iata}"


def arrival_node(iata: str) -> str:
    """The node where flights to airport ``iata`` land (left by road, or by the connection to fly on)."""
    return f"air:{iata}:arr"


def node_kind(node: str) -> str:
    """'city', 'county', 'hub', 'road', 'rail' or 'air' (the part before the first colon)."""
    return node.split(":", 1)[0]


def node_code(node: str) -> str:
    """The code after the kind: an adcode, a hub id, a station name or an IATA code ('city:440100' -> '440100')."""
    return node.split(":", 1)[1]


def city_code(node: str) -> str | None:
    """The adcode of a city node, None for any other node."""
    return node_code(node) if node_kind(node) == "city" else None
