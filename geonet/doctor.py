"""`geonet doctor`: what this environment has (versions, cache, layers, browser), and whether it can work:
every layer file is opened and checked, every environment override parsed; ``problems`` lists what is wrong."""

from __future__ import annotations

import json
import platform
import subprocess
from importlib import metadata

import pandas as pd

from . import settings
from .browser import chromium_path

PACKAGES = ["geopandas", "shapely", "pyproj", "networkx", "osmnx", "folium", "scipy", "numpy", "pandas",
            "rapidfuzz", "typer", "pydantic", "spopt", "pulp", "dask", "distributed", "playwright", "pyrosm"]
LAYER_FILES = ["provinces.parquet", "prefectures.parquet", "counties.parquet", "hubs.csv", "proxy_roads.parquet",
               "proxy_roads.json", "airports.csv", "air_routes.csv", "express_lines.csv", "rail_lines.csv",
               "rail_lines.json", "express_volumes.csv", "express_rankings.csv", "city_population.csv", "SOURCES.md"]


def check_layer(path) -> str | None:
    """None if the layer file opens and holds data, else one line saying what is wrong with it."""
    import pyarrow.parquet as pq

    if not path.is_file():
        return f"{path.name} is missing"
    try:
        if path.suffix == ".parquet":
            meta = pq.read_metadata(path)
            if meta.num_rows == 0:
                return f"{path.name} holds no rows"
            pq.read_table(path, columns=[meta.schema.names[0]])
        elif path.suffix == ".csv":
            if len(pd.read_csv(path, dtype=str, keep_default_na=False)) == 0:
                return f"{path.name} holds no rows"
        elif path.suffix == ".json":
            json.loads(path.read_text(encoding="utf-8"))
        elif not path.read_text(encoding="utf-8").strip():
            return f"{path.name} is empty"
    except Exception as exc:  # any failure to open is a finding, not a crash
        return f"{path.name} cannot be read ({type(exc).__name__}); run `make layers` or reinstall geonet"
    return None


def report() -> dict:
    """A dict describing the environment; never raises. ``problems`` (a list of lines) is empty when geonet
    can work here: every layer readable, every GEONET_* variable usable."""
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
    layer_problems = {f: check_layer(layers / f) for f in LAYER_FILES}
    problems = [f"layer {p}" for p in layer_problems.values() if p] + settings.env_problems()
    return {
        "geonet": settings.VERSION, "python": platform.python_version(), "packages": pk,
        "layers_dir": str(layers), "layers": {f: p is None for f, p in layer_problems.items()},
        "cache_dir": str(cache), "cache_files": len(files),
        "cache_mb": round(sum(p.stat().st_size for p in files) / 1e6, 2),
        "overpass_url": settings.OVERPASS_URL, "offline": settings.OSM_OFFLINE,
        "chromium": version, "playwright": pk["playwright"] if pk["playwright"] != "not installed" else None,
        "problems": problems,
    }
