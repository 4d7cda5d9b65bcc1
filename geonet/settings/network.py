"""Network parameters: speeds, detours and handling times the network is built with."""

from __future__ import annotations

from dataclasses import dataclass, fields

from .records import SPEED_BOUNDS_KMH, Params, param

_ROAD, _RAIL = SPEED_BOUNDS_KMH["road"], SPEED_BOUNDS_KMH["rail"]
PLATEAU_DETOUR_FIT = 1.61  # geonet.network.calibrate.fit_plateau_detour() on the two cited routes


@dataclass(frozen=True)
class NetworkParams(Params):
    """Speeds, detours and handling times the network is built with. Units in the names (_kmh, _s).

    Every value is declared once (``param``: unit, bounds, rationale, evidence); scenarios override any of them
    with ``params.with_(name=value)``; ``geonet.settings.describe()`` lists them all."""

    _label = "network"
    detour_factor: float = param(
        1.13, "x great circle", bounds=(1.0, 3.0),
        evidence="cited expressway lengths: 沈大 (科普中国), 沪宁 and 京港澳 (Wikipedia); road drives README",
        rationale="road distance / great-circle distance on the proxy network, intercity: the expressways "
                  "between hub cities run 1.01-1.17 x the great circle between their seats - 沈大 348.5 km "
                  "since its 2004 rebuild / 345 (1.01; 科普中国, cloud.kepuchina.cn/search/imgText?id=302906), "
                  "沪宁 274 / 270 (1.02; Wikipedia, 沪宁高速公路, read through a mirror, "
                  "zh.wikipedia.org/wiki/沪宁高速公路), 京港澳 G4 北京-深圳 2282.6 / 1943 (1.17; Wikipedia, "
                  "京港澳高速公路, read through a mirror, zh.wikipedia.org/wiki/京港澳高速公路); great circles "
                  "between geonet's seats. 1.13 is kept from an earlier median of four expressways (the fourth, "
                  "广深 122.8 km, has no citable source offline) and lies in the cited range; short expressways "
                  "run nearer the great circle than long ones, so it errs long on short hops. (Within "
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
    plateau_areas: tuple = param(
        ("54", "63", "5132", "5133"), "adcode prefixes", kind="adcode_prefixes",
        evidence="China Daily 2014-10-11 (Sichuan-Tibet Highway, South Line 2,115 km via Ya'an, Kangding, "
                 "Mangkang, Nyingchi); Wikipedia: China National Highway 109 (Xining at km 1,984, Lhasa at km 3,901)",
        rationale="the roads of the Qinghai-Tibet plateau - Tibet, Qinghai and Sichuan's 阿坝 and 甘孜 "
                  "prefectures, where the national highways (G318, G317, G109, G214) climb mountain passes on two "
                  "lanes: a proxy road edge with either end there takes plateau_detour_factor and "
                  "plateau_truck_kmh instead of the national values")
    plateau_detour_factor: float = param(
        PLATEAU_DETOUR_FIT, "x great circle", bounds=(1.0, 3.0),
        evidence="fitted (geonet.network.calibrate.fit_plateau_detour) on two cited routes: 成都-拉萨 by G318, "
                 "2,115 km (China Daily 2014-10-11), and 西宁-拉萨 by G109, 1,917 km (Wikipedia: China National "
                 "Highway 109)",
        rationale="road distance / great-circle distance on plateau edges: the passes and valleys make the "
                  "mountain roads far longer than the plain's expressways (1.13); least squares over the two "
                  "routes' cited lengths, the national factor elsewhere on them")
    plateau_truck_kmh: float = param(
        45.0, "km/h", bounds=_ROAD, evidence="道路交通安全法实施条例 第四十五条, 第四十六条",
        rationale="average truck speed on plateau edges: two-lane mountain highways, where the limit is 70 km/h "
                  "(第四十五条: one lane each way) and 30 km/h on sharp bends, narrow roads and bridges, steep "
                  "descents, ice and snow (第四十六条); assumption, 45 km/h, so 成都-拉萨 is two to three days "
                  "of driving, not one")
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
    customs_s: float = param(
        7200.0, "s", bounds=(0, 2 * 86400),
        evidence="the Hong Kong-Zhuhai-Macau Bridge's customs in Zhuhai, Hong Kong and Macau clear round the clock "
                 "(The Straits Times / Xinhua 2018-10-24); the duration is an assumption",
        rationale="a parcel crossing the boundary between the mainland, Hong Kong and Macau clears customs "
                  "(declaration, inspection, release of an express consignment): a customs step on every proxy "
                  "road across the boundary; assumption, 2 h")
    air_block_kmh: float = param(700.0, "km/h", bounds=SPEED_BOUNDS_KMH["air"],
                                 rationale="great-circle distance / (block time - taxi time) for domestic jets")
    air_taxi_s: float = param(1800.0, "s", bounds=(0, 4 * 3600), rationale="taxi-out plus taxi-in per flight (30 min)")
    air_connection_s: float = param(
        7200.0, "s", bounds=(0, 12 * 3600),
        rationale="minimum connection time between two flights at an airport: break-down, transfer and build-up "
                  "of cargo (passenger MCTs at large Chinese airports are 1-1.5 h; cargo takes longer). It is the "
                  "airport's connection edge, so the fastest path pays it and timing waits it before the next "
                  "wave: assumption, 2 h")
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
        evidence="fitted: cited train times, tests/data/reference_rail.csv (geonet calibrate --reference)",
        rationale="average running speed between stops on the shipped rail layer as a share of the "
                  "line's design speed (run time = section km / (share x design km/h) + rail_stop_s). "
                  "Evidence: 京沪/京广/津秦 are designed for 350 km/h and opened at 300 km/h (0.86); "
                  "start-to-stop averages of published fastest trains are lower (京沪 1318 km in 4 h "
                  "38 min on the 2018 timetable at 350 km/h, 0.81, 文汇报 2018-04-10). 0.72 is the "
                  "least-squares fit (log ratios, paths held fixed, rail_stop_s = 60 s) of the reference's "
                  "first 43 cited train times; its 81 now, fitted on the pairs the model joins by rail end to "
                  "end, give 0.711, within 1.5 %, and 0.72 is kept (`geonet calibrate --reference`; README: "
                  "measured error)")
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


RATIONALE: dict[str, str] = {f.name: f.metadata["rationale"] for f in fields(NetworkParams)}
PARAM_BOUNDS: dict[str, tuple] = {f.name: f.metadata["bounds"] for f in fields(NetworkParams) if f.metadata["bounds"]}
