"""Every default geonet uses, in one place, with its rationale.

Later modules (network speeds, handling times, cut-offs) add their defaults here; scenarios override them.
"""

from __future__ import annotations

import math
import os
from pathlib import Path

VERSION = "0.1.0"
_PKG = Path(__file__).resolve().parent


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


# ---------------------------------------------------------------- network parameters
from dataclasses import dataclass, field, fields, replace  # noqa: E402


@dataclass(frozen=True)
class NetworkParams:
    """Speeds, detours and handling times the network is built with. Units in the names (_kmh, _s).

    Every value is an assumption or a cited figure, stated in ``RATIONALE``; scenarios override any of them
    with ``params.with_(name=value)``.
    """

    detour_factor: float = 1.13
    proxy_truck_kmh: float = 80.0
    truck_max_kmh: float = 100.0
    truck_kmh: dict = field(default_factory=lambda: {
        "motorway": 90.0, "motorway_link": 50.0, "trunk": 70.0, "trunk_link": 40.0,
        "primary": 55.0, "primary_link": 35.0, "secondary": 45.0, "secondary_link": 30.0,
        "tertiary": 35.0, "unclassified": 30.0, "residential": 20.0,
    })
    access_kmh: float = 30.0
    ferry_kmh: float = 20.0
    ferry_wait_s: float = 3600.0
    air_block_kmh: float = 700.0
    air_taxi_s: float = 1800.0
    rail_hsr_kmh: float = 250.0
    rail_conventional_kmh: float = 100.0
    rail_detour_factor: float = 1.2
    rail_operating_share: float = 0.72
    rail_stop_s: float = 60.0
    rail_first_departure: str = "07:00"
    rail_last_departure: str = "21:00"
    rail_headway_minutes: float = 60.0
    handling_s: dict = field(default_factory=lambda: {
        ("road", "air"): 7200.0, ("air", "road"): 3600.0,
        ("road", "rail"): 3600.0, ("rail", "road"): 1800.0,
    })

    def with_(self, **changes) -> "NetworkParams":
        """A copy with some parameters changed (unknown names or non-positive numbers raise InputError)."""

        def check(k, v):
            if k in ("rail_first_departure", "rail_last_departure"):
                return None if is_hhmm(v) else "must be HH:MM"
            if k in ("truck_kmh", "handling_s"):
                if not isinstance(v, dict):
                    return "must be a mapping"
                vals = list(v.values())
                lo, hi = SPEED_BOUNDS_KMH["road"] if k == "truck_kmh" else (0, 86400)
            else:
                vals = [v]
                lo, hi = PARAM_BOUNDS.get(k, (0, float("inf")))
            for x in vals:
                number = isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)
                if not number or (x <= 0 and k not in ("handling_s", "rail_stop_s")):
                    return "must be a positive finite number"
                if not lo <= x <= hi:
                    return f"must be from {lo:g} to {hi:g} (plausibility bound, geonet.settings.PARAM_BOUNDS)"
            return None

        return _replace_checked(self, "network", changes, check)


# Plausibility bounds: a speed outside them is a typing error, not a scenario (km/h unless the name says s).
SPEED_BOUNDS_KMH: dict[str, tuple[float, float]] = {
    # trucks: the legal limit for goods vehicles on expressways is 100 km/h (条例 第七十八条); 130 leaves room
    # for a scenario about cars; below 5 km/h nothing moves
    "road": (5.0, 130.0),
    # the fastest scheduled trains in China run at 350 km/h (京沪高铁 复兴号); 400 bounds any design speed
    "rail": (10.0, 400.0),
    # jet cruise speeds are ~850-950 km/h; block speeds over great-circle distance stay below 1,000
    "air": (100.0, 1000.0),
    "ferry": (2.0, 80.0),
    "access": (2.0, 130.0),
}
PARAM_BOUNDS: dict[str, tuple[float, float]] = {
    "detour_factor": (1.0, 3.0), "proxy_truck_kmh": SPEED_BOUNDS_KMH["road"], "truck_max_kmh": SPEED_BOUNDS_KMH["road"],
    "access_kmh": SPEED_BOUNDS_KMH["access"], "ferry_kmh": SPEED_BOUNDS_KMH["ferry"], "ferry_wait_s": (0, 86400),
    "air_block_kmh": SPEED_BOUNDS_KMH["air"], "air_taxi_s": (0, 4 * 3600), "rail_hsr_kmh": SPEED_BOUNDS_KMH["rail"],
    "rail_conventional_kmh": SPEED_BOUNDS_KMH["rail"], "rail_detour_factor": (1.0, 3.0),
    "rail_operating_share": (0.2, 1.0), "rail_stop_s": (0, 3600), "rail_headway_minutes": (1, 24 * 60),
}


RATIONALE: dict[str, str] = {
    "detour_factor": "road distance / great-circle distance on the proxy network, intercity: the expressways "
                     "between hub cities run 1.02-1.18 x the great circle between their seats - 沈大 375 km / 345 "
                     "(1.09), 沪宁 274 / 270 (1.02), 广深 122.8 / 104 (1.18), 京港澳 G4 北京-深圳 2282.6 / 1943 "
                     "(1.17); lengths: 沈大, 沪宁 in tests/data/reference_road.csv, 广深 juduo.cc/club/3452840.html, G4 "
                     "wiwikim.kfd.me/wiki/G4高速公路; great circles between geonet's seats; median 1.13. (Within "
                     "cities the detour index is higher, 1.324 over 25 Chinese cities, Annals of GIS 27(4) 2021, "
                     "doi:10.1080/19475683.2021.1966503; access legs are short, so one factor serves both.) "
                     "`geonet calibrate --region` re-estimates it from OSM when online",
    "proxy_truck_kmh": "average line-haul truck speed on proxy edges: trucks may not exceed 100 km/h on "
                       "expressways (道路交通安全法实施条例 第七十八条; 110 on the rebuilt 沈大), and toll plazas, "
                       "interchanges and urban ends bring the average down; 80 km/h puts 沈阳-大连 at 5.1 h (the "
                       "cited 5-6 h drive) and 上海-南京 at 3.9 h (cars ~3 h). Planner assumption, checked by "
                       "`geonet validate --reference tests/data/reference_road.csv`",
    "truck_max_kmh": "道路交通安全法实施条例 第七十八条: on expressways, vehicles other than small passenger cars "
                     "may not exceed 100 km/h; every OSM class speed is capped at this",
    "truck_kmh": "free-flow line-haul truck speed per OSM highway class (km/h), planner assumptions below the legal "
                 "limit; an OSM maxspeed tag lower than this wins",
    "access_kmh": "driving speed from a city centre or hub to the nearest network node (urban roads): assumption",
    "ferry_kmh": "ro-ro ferry speed on listed crossings: assumption",
    "ferry_wait_s": "boarding and waiting at a ferry crossing: assumption (1 h)",
    "air_block_kmh": "great-circle distance / (block time - taxi time) for domestic jets: assumption",
    "air_taxi_s": "taxi-out plus taxi-in per flight: assumption (30 min)",
    "rail_hsr_kmh": "average commercial speed of high-speed rail services declared by scenarios (railway=rail, "
                    "highspeed=yes in OSM): planner assumption",
    "rail_conventional_kmh": "speed on OSM rail without a maxspeed tag and not high-speed: assumption",
    "rail_detour_factor": "rail track distance / great-circle distance for declared services: assumption; the "
                          "shipped rail layer measures 1.0-1.6 per line (layers/rail_lines.json, median ~1.2)",
    "rail_operating_share": "average running speed between stops on the shipped rail layer as a share of the "
                            "line's design speed (run time = section km / (share x design km/h) + rail_stop_s). "
                            "Evidence: 京沪/京广/津秦 are designed for 350 km/h and opened at 300 km/h (0.86); "
                            "start-to-stop averages of published fastest trains are lower (京沪 1318 km in 4 h "
                            "48 min at opening, 0.78). 0.72 is the least-squares fit (log ratios, paths held "
                            "fixed) of the 43 cited train times in tests/data/reference_rail.csv with "
                            "rail_stop_s = 60 s (`geonet calibrate --reference`; README: measured error)",
    "rail_stop_s": "time each section adds for the listed stop at its end. A stop made costs about 5 min (2 min "
                   "dwell, ~3 min braking and accelerating from 300 km/h), but the fast trains of the reference "
                   "call at only some of a line's principal stations: 60 s per listed stop is the assumption the "
                   "operating share is fitted with",
    "rail_first_departure": "first daily departure of express on the rail layer (高铁快运 rides scheduled "
                            "trains; stations accept parcels in their opening hours): assumption",
    "rail_last_departure": "last daily departure of express on the rail layer: assumption",
    "rail_headway_minutes": "a parcel reaching a station waits for the next train of the line, one an hour: "
                            "assumption (busy lines run more, express space is limited)",
    "handling_s": "mode transfer handling (s): road->air includes the cargo acceptance cut-off before departure, "
                  "air->road the break-down and hand-over after arrival; road<->rail loading at the station: "
                  "assumptions",
}


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


# ---------------------------------------------------------------- service model (door-to-door time)
@dataclass(frozen=True)
class ServiceParams:
    """How a parcel moves from posting to delivery. Clock times are "HH:MM" local (UTC+8); durations in s.

    Every default is a planner assumption, stated in ``SERVICE_RATIONALE``; scenarios override them.
    """

    cutoff: str = "18:00"
    origin_processing_s: float = 7200.0
    sort_s_by_tier: dict = field(default_factory=lambda: {1: 7200.0, 2: 5400.0, 3: 3600.0})
    sort_s_other: float = 5400.0
    dest_processing_s: float = 5400.0
    delivery_rounds: tuple = ("08:00", "14:00")
    round_duration_s: float = 14400.0
    air_waves: tuple = ("00:30", "02:30", "06:00", "08:00", "12:00", "16:00", "20:00", "22:00", "23:30")
    via_hubs: bool = True
    road_time_factor: float = 1.0
    product: str = "next-day"

    def with_(self, **changes) -> "ServiceParams":
        """A copy with some parameters changed; unknown names or bad values raise InputError."""

        def seconds_ok(x) -> bool:
            return (isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)
                    and 0 <= x <= 7 * 86400)

        def check(k, v):
            if k == "cutoff" and not is_hhmm(v):
                return "must be HH:MM"
            if k in ("delivery_rounds", "air_waves") and (not isinstance(v, (list, tuple)) or not v
                                                          or not all(is_hhmm(x) for x in v)):
                return "must be a non-empty list of HH:MM times"
            if k == "sort_s_by_tier":
                if not isinstance(v, dict) or not v or not all(t in (1, 2, 3) and seconds_ok(x) for t, x in v.items()):
                    return "must map tiers 1, 2, 3 to seconds between 0 and 604800"
            elif k.endswith("_s") and not seconds_ok(v):
                return "must be seconds between 0 and 604800"
            if k == "via_hubs" and not isinstance(v, bool):
                return "must be true or false"
            if k == "road_time_factor" and not (isinstance(v, (int, float)) and not isinstance(v, bool)
                                                and math.isfinite(v) and 0.2 <= v <= 5):
                return "must be a number from 0.2 to 5 (1 = the network's own road times)"
            if k == "product" and v not in PRODUCTS:
                return f"must be one of {', '.join(PRODUCTS)}"
            return None

        return _replace_checked(self, "service", changes, check)

    def for_product(self, name: str) -> "ServiceParams":
        """These parameters with a product's cut-off, processing, rounds and routing (PRODUCTS[name])."""
        if name not in PRODUCTS:
            from .errors import InputError

            raise InputError(f"unknown product {name!r}; products: {', '.join(PRODUCTS)}")
        return self.with_(product=name, **PRODUCTS[name])


# Express products as carriers sell them: each overrides the service parameters it defines (rationale in
# PRODUCT_RATIONALE). A goal names the product its plan's words imply (scenarios/goals.yaml).
PRODUCTS: dict[str, dict] = {
    "same-day": {"cutoff": "10:00", "origin_processing_s": 3600.0, "dest_processing_s": 3600.0,
                 "delivery_rounds": ("08:00", "14:00", "17:00"), "round_duration_s": 10800.0, "via_hubs": False},
    "next-morning": {"cutoff": "18:00", "origin_processing_s": 5400.0, "dest_processing_s": 3600.0,
                     "delivery_rounds": ("08:00", "14:00"), "round_duration_s": 14400.0, "via_hubs": True},
    "next-day": {"cutoff": "18:00", "origin_processing_s": 7200.0, "dest_processing_s": 5400.0,
                 "delivery_rounds": ("08:00", "14:00"), "round_duration_s": 14400.0, "via_hubs": True},
    "standard": {"cutoff": "18:00", "origin_processing_s": 7200.0, "dest_processing_s": 5400.0,
                 "delivery_rounds": ("08:00", "14:00"), "round_duration_s": 14400.0, "via_hubs": True},
}
PRODUCT_RATIONALE: dict[str, str] = {
    "same-day": "当日达/同城/半日达: posted by a 10:00 morning cut-off, 1 h processing at each end, dispatched "
                "directly between the two cities' centres (no hub sorting: intra-city and nearby-city items do "
                "not travel through provincial hubs), delivered on the next round of 08:00, 14:00 or an evening "
                "17:00 round (3 h each, finished by 20:00) - planner assumptions for the product the plans name",
    "next-morning": "次晨达: posted by 18:00, 1.5 h processing, through the hubs on overnight air or road "
                    "line-haul, 1 h processing at the destination, delivered on the 08:00 morning round "
                    "(4 h, by 12:00 D+1); assumption",
    "next-day": "次日达 (standard express): posted by 18:00, 2 h processing, through the plan's hubs, 1.5 h "
                "processing, the 08:00 or 14:00 round (4 h): delivered by 18:00 D+1 at best; assumption",
    "standard": "2- to 3-day standard parcels (二日达/三日达): the next-day product's steps over longer distances",
}


def _replace_checked(obj, label: str, changes: dict, check):
    """dataclasses.replace with InputError for unknown names and for values ``check(name, value)`` rejects."""
    from .errors import InputError

    known = {f.name for f in fields(obj)}
    bad = sorted(set(changes) - known)
    if bad:
        raise InputError(f"unknown {label} parameter(s) {', '.join(bad)}; known: {', '.join(sorted(known))}")
    for k, v in changes.items():
        problem = check(k, v)
        if problem:
            text = repr(v)
            raise InputError(f"{label} parameter {k} {problem}, got {text[:60]}{'...' if len(text) > 60 else ''}")
    return replace(obj, **changes)


def is_hhmm(v) -> bool:
    import re

    return isinstance(v, str) and re.fullmatch(r"([01]?\d|2[0-3]):[0-5]\d", v) is not None


SERVICE_RATIONALE: dict[str, str] = {
    "cutoff": "daily collection cut-off on day D: parcels posted before it leave that evening (assumption, "
              "typical express cut-off)",
    "origin_processing_s": "consolidation and processing at the origin city's centre (2 h, assumption)",
    "sort_s_by_tier": "sorting at a hub, by the tier of the plan: tier 1 (global/top) 2 h, tier 2 1.5 h, "
                      "tier 3 1 h; larger hubs sort more volume and more destinations (assumption)",
    "sort_s_other": "sorting at a hub without a tier rank (1.5 h, assumption)",
    "dest_processing_s": "sorting at the destination city's centre before delivery (1.5 h, assumption)",
    "delivery_rounds": "delivery rounds start at 08:00 and 14:00 (assumption)",
    "round_duration_s": "a delivery round finishes within 4 h of its start (assumption)",
    "air_waves": "air departure waves; a parcel that misses one waits for the next. Day waves 08:00-20:00 "
                 "(passenger bellies) and the overnight waves express carriers fly: 22:00, 23:30, 00:30, 02:30 out, "
                 "06:00 returns - e.g. SF Airlines' first freighter at Ezhou Huahu landed from Shenzhen at 04:21 "
                 "and left again at 06:00 (湖北日报, 2022-11-28, hb.cri.cn/n/20221128/fdc7b830-ce73-29a6-d82b-"
                 "a033ae5fb04b.html); the wave times are assumptions",
    "road_time_factor": "multiplies every road, ferry and access time of the network (1 = as built): the "
                        "sensitivity sweep's road-speed lever; a scenario can set it too",
    "product": "the express product whose cut-off, processing, rounds and routing apply (PRODUCTS); goals "
               "name their own",
    "via_hubs": "route origin -> its hub -> destination's hub -> destination (the plans' hub hierarchy); "
                "the direct time is always reported beside it",
}
