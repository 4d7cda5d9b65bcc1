"""`geonet doctor`: what this environment has (versions, cache, layers, browser)."""

from __future__ import annotations

import platform
import subprocess
from importlib import metadata

from . import settings
from .browser import chromium_path

PACKAGES = ["geopandas", "shapely", "pyproj", "networkx", "osmnx", "folium", "scipy", "numpy", "pandas",
            "rapidfuzz", "typer", "pydantic", "spopt", "pulp", "dask", "distributed", "playwright", "pyrosm"]
LAYER_FILES = ["provinces.parquet", "prefectures.parquet", "counties.parquet", "hubs.csv", "proxy_roads.parquet",
               "proxy_roads.json", "airports.csv", "air_routes.csv", "SOURCES.md"]


def report() -> dict:
    """A dict describing the environment; never raises for a missing optional part."""
    pk = {}
    for name in PACKAGES:
        try:
            pk[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            pk[name] = "not installed"
    cache = settings.CACHE_DIR
    files = [p for p in cache.rglob("*") if p.is_file()] if cache.is_dir() else []
    chrome = chromium_path()
    version = None
    if chrome:
        try:
            version = subprocess.run([chrome, "--version"], capture_output=True, text=True, timeout=20).stdout.strip()
        except (OSError, subprocess.TimeoutExpired):
            version = chrome
    layers = settings.layers_dir()
    return {
        "geonet": settings.VERSION, "python": platform.python_version(), "packages": pk,
        "layers_dir": str(layers), "layers": {f: (layers / f).is_file() for f in LAYER_FILES},
        "cache_dir": str(cache), "cache_files": len(files),
        "cache_mb": round(sum(p.stat().st_size for p in files) / 1e6, 2),
        "overpass_url": settings.OVERPASS_URL, "offline": settings.OSM_OFFLINE,
        "chromium": version, "playwright": pk["playwright"] if pk["playwright"] != "not installed" else None,
    }
