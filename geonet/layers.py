"""Load the shipped layers (layers/*.parquet, layers/hubs.csv) as GeoDataFrames, once per process."""

from __future__ import annotations

import functools
from pathlib import Path

import geopandas as gpd
import pandas as pd

from .errors import DataError
from .settings import layers_dir

ADMIN_LAYERS = ("provinces", "prefectures", "counties")


def layer_path(name: str) -> Path:
    """Path of a shipped layer file, e.g. ``layer_path("hubs.csv")``."""
    return layers_dir() / name


@functools.lru_cache(maxsize=None)
def _admin(name: str) -> gpd.GeoDataFrame:
    path = layer_path(f"{name}.parquet")
    if not path.is_file():
        raise DataError(f"layer {path} is missing: run `make layers` (or reinstall geonet)")
    try:
        return gpd.read_parquet(path)
    except Exception as exc:  # corrupt or truncated file
        raise DataError(f"layer {path} cannot be read ({type(exc).__name__}): run `make layers` to rebuild it") from exc


def admin_layer(name: str) -> gpd.GeoDataFrame:
    """One admin layer ('provinces', 'prefectures', 'counties') as a GeoDataFrame (EPSG:4326); a copy."""
    if name not in ADMIN_LAYERS:
        raise DataError(f"unknown admin layer {name!r}; layers are {', '.join(ADMIN_LAYERS)}")
    return _admin(name).copy()


@functools.lru_cache(maxsize=None)
def _hubs() -> gpd.GeoDataFrame:
    path = layer_path("hubs.csv")
    if not path.is_file():
        raise DataError(f"layer {path} is missing: run `make layers` (or reinstall geonet)")
    df = pd.read_csv(path, dtype={"county_adcode": str, "prefecture_adcode": str, "province_adcode": str},
                     keep_default_na=False, na_values={"lon": [""], "lat": [""], "tier_rank": [""]})
    df["tier_rank"] = df["tier_rank"].astype("Int64")
    df["placed"] = df["placed"].astype(str).str.lower() == "true"
    return gpd.GeoDataFrame(df, geometry=gpd.points_from_xy(df["lon"], df["lat"]), crs=4326)


def hub_layer() -> gpd.GeoDataFrame:
    """The hub catalog (layers/hubs.csv) as a GeoDataFrame; unplaced rows have an empty geometry."""
    return _hubs().copy()
