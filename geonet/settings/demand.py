"""Demand parameters: the year, the gravity model's distance decay, the internal distance of a city
(geonet.demand), with evidence. The volumes themselves are data (layers/express_volumes.csv, each row cited)."""

from __future__ import annotations

from dataclasses import dataclass

from .records import Params, param

_EPJ_2019 = ("Gravity law in the Chinese highway freight transportation networks, EPJ Data Science 8:37 (2019), "
             "eq. 18 (GDP, directed, whole sample): alpha_3 = 1.191 +- 0.013 over 338 cities and 15.06 million "
             "truck records (epjdatascience.springeropen.com/articles/10.1140/epjds/s13688-019-0216-6)")


@dataclass(frozen=True)
class DemandParams(Params):
    """How parcels are generated, received and sent between cities (geonet.demand)."""

    _label = "demand"
    year: int = param(2024, "year", bounds=(2020, 2024),
                      rationale="the year whose national express volume (快递业务量) the demand is scaled to; "
                                "the cited years are in layers/express_volumes.csv")
    distance_decay: float = param(1.191, "exponent", bounds=(0.0, 4.0), evidence=_EPJ_2019,
                                  rationale="parcels between two cities fall as distance^-decay (the gravity "
                                            "model's deterrence, doubly constrained); the exponent measured "
                                            "for freight trucks between Chinese cities")
    internal_distance_factor: float = param(
        0.905, "x radius", bounds=(0.1, 2.0), evidence="geometry: the mean distance between two random points "
                                                        "of a disc of radius r is 128 r / (45 pi) = 0.905 r",
        rationale="a city's parcels to itself (同城) travel the mean distance inside a disc of the city's area")
    volume_scale: float = param(1.0, "x", bounds=(0.01, 100.0),
                                rationale="every city's parcels multiplied by this (a scenario lever: growth to "
                                          "a plan year, or an 11 November that doubles the volume = 2)")
    min_distance_km: float = param(1.0, "km", bounds=(0.1, 100.0),
                                   rationale="floor of every distance in the deterrence function, so that a "
                                             "tiny unit does not take all its own parcels; assumption")
