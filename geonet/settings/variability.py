"""Variability parameters: the spread of each step of a journey (geonet.variability), with evidence."""

from __future__ import annotations

from dataclasses import dataclass

from .records import Params, param
from .service import _SPB_FIT


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
