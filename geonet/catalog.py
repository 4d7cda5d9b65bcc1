"""The hub catalog: every placeable hub, node and park named in the five plans (layers/hubs.csv)."""

from __future__ import annotations

import geopandas as gpd

from .geography import region_provinces
from .layers import hub_layer
from .names import unknown
from .settings import MAINLAND_EXCLUDED, SYSTEMS


def hubs(system: str | None = None, region: str | None = None, *, placed: bool | None = True) -> gpd.GeoDataFrame:
    """Hub catalog rows, optionally for one ``system`` and/or located in one ``region``.

    system: 'guangdong-1+4+6', 'liaoning', 'yrd' or 'national'. region: 'guangdong', 'liaoning', 'yrd',
    'national' (by the province the point, or for unplaced rows the named city, lies in).
    placed: True (the default, as `geonet hubs` shows) keeps only geocoded rows; False only the unplaced ones
    (with ``unplaced_reason``, no point); None every row.
    Each row: id, name_zh, name_en, system, tier, tier_rank, kind, lon/lat (degrees WGS-84), geocode_method,
    precision, cross_check, disagreement, county/prefecture/province (+ adcodes), designations, source,
    quote_id, quote.
    """
    df = hub_layer()
    if system is not None:
        if system not in SYSTEMS:
            raise unknown("system", system, SYSTEMS, list_all=True)
        df = df[df["system"] == system]
    if region is not None:
        provs = region_provinces(region)
        codes = df["province_adcode"].astype(str).str[:2]
        df = df[(~codes.isin(MAINLAND_EXCLUDED) & (codes != "")) if provs is None else codes.isin(provs)]
    if placed is not None:
        df = df[df["placed"] == placed]
    return df.reset_index(drop=True)
