"""Service parameters (cut-offs, processing, waves, delivery rounds) and the express products as carriers
run them (PRODUCTS), each value with its evidence."""

from __future__ import annotations

from dataclasses import dataclass, fields

from ..errors import InputError
from .records import Params, param

_H = 3600.0
_WEEK = (0, 7 * 86400)
# SF's air network around 鄂州花湖: the first freighter landed from Shenzhen at 04:21 and left at 06:00; SF
# plans a hub-and-spoke network centred on Ezhou with Shenzhen, Hangzhou, Beijing and Chengdu as regional hubs
# (湖北日报, 2022-11-28, hb.cri.cn/n/20221128/fdc7b830-ce73-29a6-d82b-a033ae5fb04b.html)
_EZHOU = "湖北日报 2022-11-28 (hb.cri.cn/n/20221128/fdc7b830-ce73-29a6-d82b-a033ae5fb04b.html)"
_SPB_FIT = ("fitted by `geonet calibrate --reference spb` (State Post Bureau 2024 test: mean 53.88 h, 72 h "
            "83.95 %, stage split of 2024 Q2; layers/spb_time_tests.csv) on the 50 cities of the test")


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
    product: str = param("next-day", "", kind="product", bounds=tuple(PRODUCTS),
                         rationale="the express product whose values apply (PRODUCTS); goals name their own")

    def for_product(self, name: str, keep_changes: bool = False) -> "ServiceParams":
        """These parameters with a product's values (PRODUCTS[name]). ``keep_changes``: values that differ
        from the defaults here (a scenario's changes) win over the product's."""
        if name not in PRODUCTS:
                raise InputError(f"unknown product {name!r}; products: {', '.join(PRODUCTS)}")
        keep = self.changed() if keep_changes else {}
        return self.with_(product=name, **{k: v for k, v in PRODUCTS[name].items() if k not in keep})


SERVICE_RATIONALE: dict[str, str] = {f.name: f.metadata["rationale"] for f in fields(ServiceParams)}
