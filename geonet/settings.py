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


# ---------------------------------------------------------------- parameter records
from dataclasses import dataclass, field, fields, replace  # noqa: E402


def param(default, unit: str, rationale: str, *, bounds: tuple | None = None, evidence: str = "assumption",
          kind: str = "number"):
    """One parameter, declared once: its default, unit, plausibility bounds, rationale and evidence.

    ``kind`` says how a new value is checked: number (finite, within ``bounds``), seconds (0 .. 7 days), hhmm
    ('HH:MM'), hhmm_list (a non-empty list of 'HH:MM'), codes (a list of IATA codes), bool, tiers (tier 1-3 ->
    seconds), speeds (a mapping to km/h within ``bounds``), handling (mode pair -> seconds), product."""
    meta = {"unit": unit, "bounds": bounds, "rationale": rationale, "evidence": evidence, "kind": kind}
    if isinstance(default, dict):
        return field(default_factory=lambda: dict(default), metadata=meta)
    return field(default=default, metadata=meta)


def _problem(kind: str, bounds: tuple | None, v) -> str | None:
    """Why ``v`` is not a valid value of a parameter of ``kind`` (None when it is)."""
    def num(x) -> bool:
        return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)

    def within(xs, lo, hi, positive: bool) -> str | None:
        for x in xs:
            if not num(x) or (positive and x <= 0) or x < 0:
                return "must be a positive finite number" if positive else f"must be seconds from {lo:g} to {hi:g}"
            if not lo <= x <= hi:
                return f"must be from {lo:g} to {hi:g} (plausibility bound, geonet.settings)"
        return None

    if kind == "hhmm":
        return None if is_hhmm(v) else "must be HH:MM"
    if kind == "hhmm_list":
        ok = isinstance(v, (list, tuple)) and v and all(is_hhmm(x) for x in v)
        return None if ok else "must be a non-empty list of HH:MM times"
    if kind == "hhmm_list0":
        ok = isinstance(v, (list, tuple)) and all(is_hhmm(x) for x in v)
        return None if ok else "must be a list of HH:MM times (empty: none)"
    if kind == "codes":
        import re

        ok = isinstance(v, (list, tuple)) and all(isinstance(x, str) and re.fullmatch(r"[A-Z]{3}", x) for x in v)
        return None if ok else "must be a list of three-letter IATA airport codes"
    if kind == "bool":
        return None if isinstance(v, bool) else "must be true or false"
    if kind == "product":
        return None if v in PRODUCTS else f"must be one of {', '.join(PRODUCTS)}"
    if kind == "tiers":
        ok = isinstance(v, dict) and v and all(t in (1, 2, 3) and num(x) and 0 <= x <= 7 * 86400
                                               for t, x in v.items())
        return None if ok else "must map tiers 1, 2, 3 to seconds between 0 and 604800"
    if kind in ("speeds", "handling"):
        if not isinstance(v, dict):
            return "must be a mapping"
        lo, hi = bounds or (0, 86400)
        return within(list(v.values()), lo, hi, positive=kind == "speeds")
    if kind == "seconds":
        lo, hi = bounds or (0, 7 * 86400)
        return None if num(v) and lo <= v <= hi else f"must be seconds between {lo:g} and {hi:g}"
    lo, hi = bounds or (0, float("inf"))
    if not num(v):
        return "must be a finite number"
    if not lo <= v <= hi:
        return f"must be a number from {lo:g} to {hi:g} (plausibility bound, geonet.settings)"
    return None


class Params:
    """Mixin of the parameter records: ``with_(**changes)`` checks every change against its declaration."""

    _label = "parameter"

    def with_(self, **changes):
        """A copy with some parameters changed; unknown names or bad values raise InputError."""
        from .errors import InputError

        known = {f.name: f for f in fields(self)}
        bad = sorted(set(changes) - set(known))
        if bad:
            raise InputError(f"unknown {self._label} parameter(s) {', '.join(bad)}; known: {', '.join(sorted(known))}")
        for k, v in changes.items():
            meta = known[k].metadata
            problem = _problem(meta["kind"], meta["bounds"], v) if meta else None
            if problem:
                text = repr(v)
                raise InputError(f"{self._label} parameter {k} {problem}, got {text[:60]}"
                                 f"{'...' if len(text) > 60 else ''}")
        return replace(self, **changes)

    def changed(self) -> dict:
        """The parameters whose value differs from the declared default (name -> value)."""
        base = type(self)()
        return {f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name) != getattr(base, f.name)}


# Plausibility bounds: a speed outside them is a typing error, not a scenario (km/h).
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
_ROAD, _RAIL = SPEED_BOUNDS_KMH["road"], SPEED_BOUNDS_KMH["rail"]


@dataclass(frozen=True)
class NetworkParams(Params):
    """Speeds, detours and handling times the network is built with. Units in the names (_kmh, _s).

    Every value is declared once (``param``: unit, bounds, rationale, evidence); scenarios override any of them
    with ``params.with_(name=value)``; ``geonet.settings.describe()`` lists them all."""

    _label = "network"
    detour_factor: float = param(
        1.13, "x great circle", bounds=(1.0, 3.0), evidence="cited expressway lengths (tests/data/reference_road.csv)",
        rationale="road distance / great-circle distance on the proxy network, intercity: the expressways "
                  "between hub cities run 1.02-1.18 x the great circle between their seats - 沈大 375 km / 345 "
                  "(1.09), 沪宁 274 / 270 (1.02), 广深 122.8 / 104 (1.18), 京港澳 G4 北京-深圳 2282.6 / 1943 "
                  "(1.17); lengths: 沈大, 沪宁 in tests/data/reference_road.csv, 广深 juduo.cc/club/3452840.html, G4 "
                  "wiwikim.kfd.me/wiki/G4高速公路; great circles between geonet's seats; median 1.13. (Within "
                  "cities the detour index is higher, 1.324 over 25 Chinese cities, Annals of GIS 27(4) 2021, "
                  "doi:10.1080/19475683.2021.1966503; access legs are short, so one factor serves both.) "
                  "`geonet calibrate --region` re-estimates it from OSM when online")
    proxy_truck_kmh: float = param(
        80.0, "km/h", bounds=_ROAD, evidence="道路交通安全法实施条例 第七十八条; cited drive times",
        rationale="average line-haul truck speed on proxy edges: trucks may not exceed 100 km/h on "
                  "expressways (道路交通安全法实施条例 第七十八条; 110 on the rebuilt 沈大), and toll plazas, "
                  "interchanges and urban ends bring the average down; 80 km/h puts 沈阳-大连 at 5.1 h (the "
                  "cited 5-6 h drive) and 上海-南京 at 3.9 h (cars ~3 h). Planner assumption, checked by "
                  "`geonet validate --reference tests/data/reference_road.csv`")
    truck_max_kmh: float = param(
        100.0, "km/h", bounds=_ROAD, evidence="道路交通安全法实施条例 第七十八条",
        rationale="on expressways, vehicles other than small passenger cars may not exceed 100 km/h; every OSM "
                  "class speed is capped at this")
    truck_kmh: dict = param(
        {"motorway": 90.0, "motorway_link": 50.0, "trunk": 70.0, "trunk_link": 40.0,
         "primary": 55.0, "primary_link": 35.0, "secondary": 45.0, "secondary_link": 30.0,
         "tertiary": 35.0, "unclassified": 30.0, "residential": 20.0}, "km/h", bounds=_ROAD, kind="speeds",
        rationale="free-flow line-haul truck speed per OSM highway class, planner assumptions below the legal "
                  "limit; an OSM maxspeed tag lower than this wins")
    access_kmh: float = param(30.0, "km/h", bounds=SPEED_BOUNDS_KMH["access"],
                              rationale="driving speed from a city centre or hub to the nearest network node "
                                        "(urban roads)")
    ferry_kmh: float = param(20.0, "km/h", bounds=SPEED_BOUNDS_KMH["ferry"],
                             rationale="ro-ro ferry speed on listed crossings")
    ferry_wait_s: float = param(3600.0, "s", bounds=(0, 86400), rationale="boarding and waiting at a ferry crossing (1 h)")
    air_block_kmh: float = param(700.0, "km/h", bounds=SPEED_BOUNDS_KMH["air"],
                                 rationale="great-circle distance / (block time - taxi time) for domestic jets")
    air_taxi_s: float = param(1800.0, "s", bounds=(0, 4 * 3600), rationale="taxi-out plus taxi-in per flight (30 min)")
    rail_hsr_kmh: float = param(250.0, "km/h", bounds=_RAIL,
                                rationale="average commercial speed of high-speed rail services declared by "
                                          "scenarios (railway=rail, highspeed=yes in OSM): planner assumption")
    rail_conventional_kmh: float = param(100.0, "km/h", bounds=_RAIL,
                                         rationale="speed on OSM rail without a maxspeed tag and not high-speed")
    rail_detour_factor: float = param(1.2, "x great circle", bounds=(1.0, 3.0),
                                      rationale="rail track distance / great-circle distance for declared "
                                                "services; the shipped rail layer measures 1.0-1.6 per line "
                                                "(layers/rail_lines.json, median ~1.2)")
    rail_operating_share: float = param(
        0.72, "x design speed", bounds=(0.2, 1.0),
        evidence="fitted: 43 cited train times, tests/data/reference_rail.csv (geonet calibrate --reference)",
        rationale="average running speed between stops on the shipped rail layer as a share of the "
                  "line's design speed (run time = section km / (share x design km/h) + rail_stop_s). "
                  "Evidence: 京沪/京广/津秦 are designed for 350 km/h and opened at 300 km/h (0.86); "
                  "start-to-stop averages of published fastest trains are lower (京沪 1318 km in 4 h "
                  "48 min at opening, 0.78). 0.72 is the least-squares fit (log ratios, paths held "
                  "fixed) of the 43 cited train times in tests/data/reference_rail.csv with "
                  "rail_stop_s = 60 s (`geonet calibrate --reference`; README: measured error)")
    rail_stop_s: float = param(60.0, "s", bounds=(0, 3600), kind="seconds",
                               rationale="time each section adds for the listed stop at its end. A stop made "
                                         "costs about 5 min (2 min dwell, ~3 min braking and accelerating from "
                                         "300 km/h), but the fast trains of the reference call at only some of a "
                                         "line's principal stations: 60 s per listed stop is the assumption the "
                                         "operating share is fitted with")
    rail_first_departure: str = param("07:00", "HH:MM", kind="hhmm",
                                      rationale="first daily departure of express on the rail layer (高铁快运 "
                                                "rides scheduled trains; stations accept parcels in their "
                                                "opening hours)")
    rail_last_departure: str = param("21:00", "HH:MM", kind="hhmm",
                                     rationale="last daily departure of express on the rail layer")
    rail_headway_minutes: float = param(60.0, "min", bounds=(1, 24 * 60),
                                        rationale="a parcel reaching a station waits for the next train of the "
                                                  "line, one an hour (busy lines run more, express space is "
                                                  "limited)")
    handling_s: dict = param(
        {("road", "air"): 7200.0, ("air", "road"): 3600.0, ("road", "rail"): 3600.0, ("rail", "road"): 1800.0},
        "s", bounds=(0, 86400), kind="handling",
        rationale="mode transfer handling: road->air includes the cargo acceptance cut-off before departure, "
                  "air->road the break-down and hand-over after arrival; road<->rail loading at the station")


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
def is_hhmm(v) -> bool:
    import re

    return isinstance(v, str) and re.fullmatch(r"([01]?\d|2[0-3]):[0-5]\d", v) is not None


_H = 3600.0
_WEEK = (0, 7 * 86400)
# SF's air network around 鄂州花湖: the first freighter landed from Shenzhen at 04:21 and left at 06:00; SF
# plans a hub-and-spoke network centred on Ezhou with Shenzhen, Hangzhou, Beijing and Chengdu as regional hubs
# (湖北日报, 2022-11-28, hb.cri.cn/n/20221128/fdc7b830-ce73-29a6-d82b-a033ae5fb04b.html)
_EZHOU = "湖北日报 2022-11-28 (hb.cri.cn/n/20221128/fdc7b830-ce73-29a6-d82b-a033ae5fb04b.html)"
_SPB_FIT = ("fitted by `geonet calibrate --reference spb` (State Post Bureau 2024 test: mean 53.88 h, 72 h "
            "83.95 %, stage split of 2024 Q2; layers/spb_time_tests.csv) on the 50 cities of the test")


@dataclass(frozen=True)
class ServiceParams(Params):
    """How a parcel moves from posting to delivery. Clock times are "HH:MM" local (UTC+8); durations in s.

    The defaults are the time-definite ``next-day`` product; ``for_product`` applies another product's values
    (PRODUCTS). Every parameter is declared once with unit, bounds, rationale and evidence."""

    _label = "service"
    cutoff: str = param("18:00", "HH:MM", kind="hhmm",
                        rationale="daily collection cut-off on day D: parcels collected before it are first "
                                  "scanned and processed from it that evening (the best case a goal tests posts "
                                  "at the cut-off)")
    collection_start: str = param("09:00", "HH:MM", kind="hhmm",
                                  rationale="start of the day's collection: outcomes (geonet.variability) post "
                                            "parcels uniformly between it and the cut-off, and count hours from "
                                            "collection as the State Post Bureau's test does (全程时限 runs from "
                                            "收寄 to 妥投)")
    origin_processing_s: float = param(7200.0, "s", kind="seconds",
                                       rationale="consolidation and processing at the origin city's centre")
    sort_s_by_tier: dict = param({1: 7200.0, 2: 5400.0, 3: 3600.0}, "s", kind="tiers",
                                 rationale="sorting at a hub, by the tier of the plan: tier 1 (global/top) 2 h, "
                                           "tier 2 1.5 h, tier 3 1 h; larger hubs sort more volume and more "
                                           "destinations")
    sort_s_other: float = param(5400.0, "s", kind="seconds", rationale="sorting at a hub without a tier rank")
    dest_processing_s: float = param(5400.0, "s", kind="seconds",
                                     rationale="sorting at the destination city's centre and hand-over to the "
                                               "delivery station before a round")
    delivery_rounds: tuple = param(("08:00", "14:00"), "HH:MM", kind="hhmm_list",
                                   rationale="delivery rounds leave the delivery stations at 08:00 and 14:00")
    round_duration_s: float = param(14400.0, "s", kind="seconds",
                                    rationale="a delivery round finishes within this time of its start (the "
                                              "best case counts to the round's end; outcomes draw the delivery "
                                              "uniformly within the round)")
    air_waves: tuple = param(("08:00", "12:00", "16:00", "20:00"), "HH:MM", kind="hhmm_list",
                             rationale="day departure waves of belly cargo on passenger flights, at every "
                                       "airport; a parcel that misses one waits for the next")
    night_air_waves: tuple = param(("22:00", "23:30", "00:30", "02:30", "06:00"), "HH:MM", kind="hhmm_list0",
                                   evidence=_EZHOU,
                                   rationale="night waves of express freighters, flown only from and to the "
                                             "airports with night cargo operations (night_air_airports): out "
                                             "22:00-02:30, back 06:00 (SF's first Ezhou freighter landed at "
                                             "04:21 and left at 06:00); the wave times are assumptions")
    night_air_airports: tuple = param(("EHU", "SZX", "HGH", "PEK", "PKX", "CTU"), "IATA", kind="codes",
                                      evidence=_EZHOU,
                                      rationale="airports with night express-freighter operations: SF's Ezhou "
                                                "hub and the airports of the cities the source names as the "
                                                "regional hubs of its Ezhou-centred network (Shenzhen, Hangzhou, "
                                                "Beijing - both airports -, Chengdu); elsewhere only day belly "
                                                "waves. A scenario adds airports (e.g. CAN, NKG) as a lever")
    plateau_m: float = param(2438.0, "m", bounds=(0, 9000),
                             evidence="CAAC advisory circular 高原机场运行: 高高原机场 = elevation 2,438 m "
                                      "(8,000 ft) or more",
                             rationale="airports at or above this elevation (OpenFlights altitude) have no "
                                       "night waves, whatever night_air_airports says")
    air_connection_s: float = param(7200.0, "s", kind="seconds",
                                    rationale="minimum connection time between two flights at an airport: "
                                              "break-down, transfer and build-up of cargo (passenger MCTs at "
                                              "large Chinese airports are 1-1.5 h; cargo takes longer): "
                                              "assumption, 2 h")
    drive_before_rest_s: float = param(4 * _H, "s", kind="seconds",
                                       evidence="道路交通安全法实施条例 第六十二条 (七)",
                                       rationale="a driver may not drive more than 4 h without stopping to rest")
    drive_rest_s: float = param(1200.0, "s", kind="seconds", evidence="道路交通安全法实施条例 第六十二条 (七)",
                                rationale="the rest after each 4 h of driving: at least 20 min")
    trunk_departures: tuple = param((), "HH:MM", kind="hhmm_list0",
                                    rationale="scheduled trunk departures (a departure bank) at every centre "
                                              "and hub: a line-haul truck leaves only at these times; empty = "
                                              "it leaves when the parcel is sorted (time-definite products)")
    relay_drive_h: float = param(0.0, "h", bounds=(0, 200),
                                 rationale="trunk lanes between two hubs longer than this driving time are "
                                           "relayed through the hub on the way that adds least (unloaded, "
                                           "sorted, reloaded); 0 = every hub pair has a direct lane")
    road_only: bool = param(False, "", kind="bool",
                            rationale="the product moves by truck only (no air, no rail)")
    via_hubs: bool = param(True, "", kind="bool",
                           rationale="route origin -> its hub -> destination's hub -> destination (the plans' "
                                     "hub hierarchy); the direct time is always reported beside it")
    road_time_factor: float = param(1.0, "x", bounds=(0.2, 5.0),
                                    rationale="multiplies every road, ferry and access time of the network (1 = "
                                              "as built): the sensitivity sweep's road-speed lever; a scenario "
                                              "can set it too")
    product: str = param("next-day", "", kind="product",
                         rationale="the express product whose values apply (PRODUCTS); goals name their own")

    def for_product(self, name: str, keep_changes: bool = False) -> "ServiceParams":
        """These parameters with a product's values (PRODUCTS[name]). ``keep_changes``: values that differ
        from the defaults here (a scenario's changes) win over the product's."""
        if name not in PRODUCTS:
            from .errors import InputError

            raise InputError(f"unknown product {name!r}; products: {', '.join(PRODUCTS)}")
        keep = self.changed() if keep_changes else {}
        return self.with_(product=name, **{k: v for k, v in PRODUCTS[name].items() if k not in keep})


# Express products as carriers run them: each overrides the service parameters it names (rationale in
# PRODUCT_RATIONALE). A goal names the product its plan's words imply (scenarios/goals.yaml).
# fitted by `geonet calibrate --reference spb` (year 2024, 200 draws, seed 2024; 40 evaluations): before ->
# after, mean 52.03 -> 54.47 h (53.88), 72 h 86.6 -> 84.1 % (83.95), stages origin 8.70 -> 8.69 (8.23), transport
# 32.38 -> 33.03 (32.92), destination 7.89 -> 9.72 (9.81), delivery 3.06 -> 3.03 (2.92)
_STANDARD_FIT = {"origin_processing_s": 3000.0, "road_time_factor": 1.218, "dest_processing_s": 10461.0,
                 "round_duration_s": 17853.0}
PRODUCTS: dict[str, dict] = {
    "same-day": {"cutoff": "10:00", "collection_start": "08:00", "origin_processing_s": 3600.0,
                 "dest_processing_s": 3600.0, "delivery_rounds": ("08:00", "14:00", "17:00"),
                 "round_duration_s": 10800.0, "via_hubs": False},
    "next-morning": {"cutoff": "18:00", "origin_processing_s": 5400.0, "dest_processing_s": 3600.0,
                     "delivery_rounds": ("08:00", "14:00"), "round_duration_s": 14400.0, "via_hubs": True},
    "next-day": {"cutoff": "18:00", "origin_processing_s": 7200.0, "dest_processing_s": 5400.0,
                 "delivery_rounds": ("08:00", "14:00"), "round_duration_s": 14400.0, "via_hubs": True},
    "standard": {"cutoff": "18:00", "collection_start": "09:00", "road_only": True, "via_hubs": True,
                 "trunk_departures": ("02:00", "12:00", "22:00"), "relay_drive_h": 24.0,
                 "delivery_rounds": ("08:00", "12:00", "16:00")},
}


def _standard(fit: dict) -> dict:
    """The standard product's fitted values (geonet.calibration) as service parameters."""
    return {"origin_processing_s": round(float(fit["origin_processing_s"])),
            "road_time_factor": round(float(fit["road_time_factor"]), 3),
            "dest_processing_s": round(float(fit["dest_processing_s"])),
            "round_duration_s": round(float(fit["round_duration_s"]))}


PRODUCTS["standard"].update(_standard(_STANDARD_FIT))

PRODUCT_RATIONALE: dict[str, str] = {
    "same-day": "当日达/同城/半日达: posted by a 10:00 morning cut-off, 1 h processing at each end, dispatched "
                "directly between the two cities' centres (no hub sorting: intra-city and nearby-city items do "
                "not travel through provincial hubs), delivered on the next round of 08:00, 14:00 or an evening "
                "17:00 round (3 h each, finished by 20:00) - planner assumptions for the product the plans name",
    "next-morning": "次晨达: posted by 18:00, 1.5 h processing, through the hubs on overnight air or road "
                    "line-haul, 1 h processing at the destination, delivered on the 08:00 morning round "
                    "(4 h, by 12:00 D+1); assumption",
    "next-day": "次日达 (time-definite express, e.g. SF's 标快): posted by 18:00, 2 h processing, through the "
                "plan's hubs by the fastest mode - air where express carriers fly it (night waves only at the "
                "airports with night cargo operations, day belly waves elsewhere, 2 h connections), rail, road "
                "- 1.5 h processing, the 08:00 or 14:00 round (4 h): delivered by 18:00 D+1 at best; assumption",
    "standard": "the mass e-commerce parcel (经济快递, the bulk of China's volume), as the State Post Bureau's "
                "time test measures it: collected during the day (09:00-18:00) and first scanned in the evening, "
                "processed, trucked between centres and hubs on scheduled trunk departures (02:00, 12:00, 22:00: "
                "assumption), through as many hubs as the distance needs (lanes over 24 h of driving are relayed "
                "at a hub on the way: assumption), with the drivers' legal rests (20 min per 4 h), processed and "
                "delivered on three rounds, 08:00, 12:00 and 16:00 (assumption: with two rounds the destination "
                "stage cannot fall below 11.5 h, against the 9.7 h measured); no air, no rail. The trucks' "
                "road time factor (1.218: the mass product's line-haul averages 80 / 1.218 = 66 km/h), origin and "
                "destination processing, the round and the spread of processing are " + _SPB_FIT,
}
SERVICE_RATIONALE: dict[str, str] = {f.name: f.metadata["rationale"] for f in fields(ServiceParams)}
RATIONALE: dict[str, str] = {f.name: f.metadata["rationale"] for f in fields(NetworkParams)}
PARAM_BOUNDS: dict[str, tuple] = {f.name: f.metadata["bounds"] for f in fields(NetworkParams) if f.metadata["bounds"]}


# ---------------------------------------------------------------- variability (geonet.variability)
# CAAC: punctuality of Chinese airlines 87.8 % in 2023 (Xinhua 2024-01-11, en.people.cn/n3/2024/0112/
# c90000-20121216.html); in 2018 80.13 % with flights delayed 15 min on average (Shanghai Daily 2019-02-14,
# archive.shine.cn/nation/Off-to-a-flying-start-with-ontime-record/shdaily.shtml): 15 min / 19.87 % late =
# ~75 min per late flight.
_CAAC_2023 = "CAAC via Xinhua 2024-01-11 (en.people.cn/n3/2024/0112/c90000-20121216.html)"
_CAAC_2018 = "CAAC via Shanghai Daily 2019-02-14 (archive.shine.cn/nation/Off-to-a-flying-start-with-ontime-record/shdaily.shtml)"


_VARIABILITY_FIT_CV = 0.104  # fitted with _STANDARD_FIT


@dataclass(frozen=True)
class VariabilityParams(Params):
    """How the steps of a journey vary from parcel to parcel (Monte Carlo, geonet.variability)."""

    _label = "variability"
    processing_cv: float = param(_VARIABILITY_FIT_CV, "CV", bounds=(0.0, 3.0), evidence=_SPB_FIT,
                                 rationale="coefficient of variation of every processing and sorting time "
                                           "(gamma-distributed around its value): backlogs, shift changes, "
                                           "volume peaks; it sets how many parcels miss the next departure")
    road_sigma: float = param(0.15, "log-sd", bounds=(0.0, 1.5),
                              rationale="spread of a truck leg's driving time (lognormal with mean 1): "
                                        "congestion, weather, loading; assumption")
    rail_sigma: float = param(0.05, "log-sd", bounds=(0.0, 1.5),
                              rationale="spread of a train ride (lognormal, mean 1): trains keep time; assumption")
    flight_on_time_share: float = param(0.878, "share", bounds=(0.0, 1.0), evidence=_CAAC_2023,
                                        rationale="share of flights on time (航班正常率 of Chinese airlines, "
                                                  "2023: 87.8 %)")
    flight_delay_mean_s: float = param(4500.0, "s", kind="seconds", evidence=_CAAC_2018,
                                       rationale="mean delay of a late flight (exponential): 2018 flights were "
                                                 "delayed 15 min on average with 19.87 % late, so ~75 min per "
                                                 "late flight")
    miss_departure_p: float = param(0.05, "share", bounds=(0.0, 1.0),
                                    rationale="chance that a parcel ready in time still misses its trunk "
                                              "departure or delivery round (truck full, loading backlog) and "
                                              "waits for the next one; assumption")
    failed_delivery_p: float = param(0.05, "share", bounds=(0.0, 1.0),
                                     rationale="chance that the first delivery attempt fails (recipient away) "
                                               "and the parcel goes out again on the next round; assumption")
    draws: int = param(1000, "parcels per pair", bounds=(1, 100000), kind="number",
                       rationale="Monte Carlo draws per origin-destination pair (geonet reliability --draws)")
    seed: int = param(2024, "", bounds=(0, 2**32 - 1), rationale="random seed: the same seed gives the same draws")




def describe() -> "pd.DataFrame":
    """Every parameter geonet uses: name, value, unit, bounds, rationale, evidence (network, service,
    variability and the products' values). Used by `geonet goals --explain` and the report."""
    import pandas as pd

    rows = []
    for group, obj in (("network", NetworkParams()), ("service", ServiceParams()),
                       ("variability", VariabilityParams())):
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
