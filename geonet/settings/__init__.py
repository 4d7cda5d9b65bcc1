"""Every default geonet uses, in one place, each with its unit, bounds, rationale and evidence.

``geonet.settings`` is the one name to import: the parameter records live in submodules (records: ``param()``
and ``Params.with_()``; network: NetworkParams; service: ServiceParams and the products; variability:
VariabilityParams; demand: DemandParams; flows: FlowParams) and this module holds the regions, data folders,
environment settings and ``describe()``.
Scenarios override the records' values; nothing else does.
"""

from __future__ import annotations

import os
from dataclasses import fields
from pathlib import Path

import pandas as pd

from .network import PARAM_BOUNDS, RATIONALE, NetworkParams  # noqa: F401 (the settings API)
from .records import SPEED_BOUNDS_KMH, Params, is_hhmm, param  # noqa: F401
from .service import (_SPB_FIT, _STANDARD_FIT, PRODUCT_RATIONALE, PRODUCTS, SERVICE_RATIONALE,  # noqa: F401
                      ServiceParams, _standard)
from .variability import VariabilityParams  # noqa: F401
from .demand import DemandParams  # noqa: F401
from .flows import FlowParams  # noqa: F401

VERSION = "0.1.0"
_PKG = Path(__file__).resolve().parent.parent  # geonet/


def _data_dir(env: str, repo_name: str, marker: str, installed: str) -> Path:
    """$env if set, else the repository's folder (when it holds ``marker``), else the installed copy."""
    if os.environ.get(env):
        return Path(os.environ[env])
    repo = _PKG.parent / repo_name
    return repo if (repo / marker).is_file() else _PKG / installed


def layers_dir() -> Path:
    """Folder of the shipped layers: $GEONET_LAYERS, else the repository's layers/, else the installed copy."""
    return _data_dir("GEONET_LAYERS", "layers", "hubs.csv", "_layers")


def scenarios_dir() -> Path:
    """Folder of the shipped scenarios and goals: $GEONET_SCENARIOS, the repository's, or the installed copy."""
    return _data_dir("GEONET_SCENARIOS", "scenarios", "goals.yaml", "_scenarios")


# Regions geonet analyses. Provinces are 2-digit adcode prefixes (GB/T 2260).
REGIONS: dict[str, dict] = {
    "guangdong": {"label": "Guangdong 广东省", "provinces": ["44"]},
    "liaoning": {"label": "Liaoning 辽宁省", "provinces": ["21"]},
    "yrd": {"label": "Yangtze River Delta 长三角 (Shanghai, Jiangsu, Zhejiang)", "provinces": ["31", "32", "33"]},
    # mainland China: the plans' national goals cover the 31 mainland provincial units
    "national": {"label": "Mainland China (31 provincial units)", "provinces": None},
}
MAINLAND_EXCLUDED = ["71", "81", "82"]  # Taiwan, Hong Kong, Macau: in the layers, not in "national" analyses

# Hub systems of the catalog, one per plan (the two national plans share one system).
SYSTEMS: dict[str, str] = {
    "guangdong-1+4+6": "广东省邮政业发展“十四五”规划: the 1+4+6 hub system and Guangdong's named sites",
    "liaoning": "辽宁省“十四五”邮政业发展规划: node cities, mail centres, ports, airports, stations, parks",
    "yrd": "长江三角洲地区快递服务发展“十三五”规划: tier-1/2 express-park cities, air-express parks",
    "national": "“十四五”邮政业/快递业发展规划: five global hub clusters, cross-border processing centres",
}

# Prefecture-level units that count as "cities" in analyses (province-administered counties are
# county-level in law and are analysed as counties).
CITY_LEVELS = ["prefecture", "municipality"]

# The longest access leg geonet draws from a queried point (lon,lat or a place not on the network) to the
# nearest road node, and how far outside a region's own area a queried point may lie. Proxy road nodes are
# county seats; measured on a 0.1-degree grid over layers/counties.parquet, half of mainland China's area lies
# within 36 km of a seat, 90 % within 141 km, 99 % within 255 km (the empty west: Qiangtang, Taklamakan).
# 150 km admits everywhere people live and post parcels and refuses points off the network (another region,
# the sea, a foreign network file); beyond it an access leg at access_kmh would be a made-up road.
MAX_ACCESS_KM = 150.0
REGION_MARGIN_KM = 25.0  # a point this far outside a region's boundary still counts as in it (border towns)


# ---------------------------------------------------------------- OpenStreetMap download (osmnx)
# Overpass endpoint and osmnx's response cache. Tests point OVERPASS_URL at a server on 127.0.0.1.
# Environment overrides are checked here; a bad value keeps the default and is reported by env_problems()
# (the OSM download and `geonet doctor` then stop with one line naming the variable).
_ENV_PROBLEMS: list[str] = []


def _env_number(name: str, default: float, lo: float, hi: float, unit: str, integer: bool = False) -> float:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        v = int(raw) if integer else float(raw)
        ok = lo <= v <= hi  # False for NaN
    except ValueError:
        ok = False
    if not ok:
        _ENV_PROBLEMS.append(f"{name}={raw[:40]!r} must be a {'whole ' if integer else ''}number of {unit} from "
                             f"{lo:g} to {hi:g}")
        return default
    return v


def is_http_url(url: str) -> bool:
    """True for an http(s) URL with a host (and a valid port, if any)."""
    from urllib.parse import urlsplit

    try:
        u = urlsplit(url)
        return u.scheme in ("http", "https") and bool(u.hostname) and (u.port is None or u.port > 0)
    except ValueError:
        return False


def _env_url(name: str, default: str) -> str:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    if not is_http_url(raw.strip()):
        _ENV_PROBLEMS.append(f"{name}={raw[:60]!r} is not an http(s) URL; give e.g. https://overpass-api.de/api")
        return default
    return raw.strip()


def env_problems() -> list[str]:
    """Environment variables geonet read that hold values it cannot use (each one line)."""
    return list(_ENV_PROBLEMS)


OVERPASS_URL = _env_url("GEONET_OVERPASS_URL", "https://overpass-api.de/api")
CACHE_DIR = Path(os.environ.get("GEONET_CACHE") or Path.home() / ".cache" / "geonet")
OSM_TIMEOUT_S = _env_number("GEONET_OSM_TIMEOUT", 180.0, 1, 3600, "seconds")  # per read of a response
OSM_REQUEST_DEADLINE_S = _env_number("GEONET_OSM_DEADLINE", 60.0, 1, 3600, "seconds")  # one whole request
OSM_BUDGET_S = _env_number("GEONET_OSM_BUDGET", 900.0, 1, 86400, "seconds")  # one whole download, retries included
OSM_RETRIES = int(_env_number("GEONET_OSM_RETRIES", 3, 0, 10, "retries", integer=True))  # timeouts, 429, 5xx
OSM_BACKOFF_S = _env_number("GEONET_OSM_BACKOFF", 2.0, 0, 300, "seconds")  # first pause; doubles each retry
OSM_MAX_RESPONSE_MB = _env_number("GEONET_OSM_MAX_MB", 1024.0, 1, 1e5, "MB")  # a larger answer is refused
OSM_OFFLINE = os.environ.get("GEONET_OFFLINE", "") not in ("", "0")  # answer only from the cache
DASK_CONNECT_TIMEOUT_S = 8  # a Dask scheduler that does not answer within this fails with its address
# line-haul road classes (and their links) and rail ways fetched from OSM
OSM_ROAD_FILTER = '["highway"~"^(motorway|trunk|primary)(_link)?$"]'
OSM_RAIL_FILTER = '["railway"~"^(rail)$"]'


def describe() -> pd.DataFrame:
    """Every parameter geonet uses: name, value, unit, bounds, rationale, evidence (network, service,
    variability and the products' values). Used by `geonet goals --explain` and the report."""
    rows = []
    for group, obj in (("network", NetworkParams()), ("service", ServiceParams()), ("variability", VariabilityParams()),
                       ("demand", DemandParams()), ("flows", FlowParams())):
        for f in fields(obj):
            m = f.metadata
            rows.append({"group": group, "name": f.name, "value": getattr(obj, f.name), "unit": m["unit"],
                         "bounds": m["bounds"], "rationale": m["rationale"], "evidence": m["evidence"]})
    for name, vals in PRODUCTS.items():
        for k, v in vals.items():
            rows.append({"group": f"product {name}", "name": k, "value": v,
                         "unit": ServiceParams.__dataclass_fields__[k].metadata["unit"], "bounds": None,
                         "rationale": PRODUCT_RATIONALE[name],
                         "evidence": _SPB_FIT if name == "standard" and k in _standard(_STANDARD_FIT) else
                         "assumption"})
    return pd.DataFrame(rows)


# The National Bureau of Statistics' four economic regions (国家统计局, 东西中部和东北地区划分方法, 2011), by the
# 2-digit province code: the State Post Bureau's test reports its means by east, centre and west.
ECONOMIC_REGIONS: dict[str, tuple[str, ...]] = {
    "East": ("11", "12", "13", "31", "32", "33", "35", "37", "44", "46"),
    "Centre": ("14", "34", "36", "41", "42", "43"),
    "West": ("15", "45", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65"),
    "Northeast": ("21", "22", "23"),
}
# Distance bands (route km) for reporting times by distance
DISTANCE_BANDS_KM = (0, 300, 600, 1000, 1500, 2000, 3000, 10000)
