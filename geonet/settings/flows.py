"""Flow parameters: trucks, hub capacity and backlogs, the on-time promise of parcel flows (geonet.flows)."""

from __future__ import annotations

from dataclasses import dataclass

from .records import Params, param

_NP_F02 = ("“十四五”邮政业发展规划 (digest NP-F02, ../shared/seeds/002_06ed92d19e7d55e1.txt): "
           "形成日峰值超12亿件的处理能力 (2025)")


@dataclass(frozen=True)
class FlowParams(Params):
    """How parcel flows load trucks and hubs (geonet.flows)."""

    _label = "flows"
    national_peak_capacity_per_day: float = param(
        1.2e9, "parcels/day", bounds=(1e6, 1e10), evidence=_NP_F02,
        rationale="the nation's daily peak processing capacity; each plan hub's capacity is its share of it, in "
                  "proportion to the parcels it sorts on an average day on the plan's layout (so every plan hub "
                  "has the same headroom: this capacity / the average day's national volume)")
    parcels_per_truck: float = param(
        8000.0, "parcels/truck", bounds=(100.0, 100000.0),
        rationale="parcels a line-haul truck carries between hubs (a 17.5 m semi-trailer of small e-commerce "
                  "parcels, loaded in bags); assumption")
    backlog_delay_s: float = param(
        86400.0, "s", kind="seconds",
        rationale="how long a parcel that a hub over capacity cannot sort waits: until the next day's sorting; "
                  "assumption (a fluid queue: the share (load - capacity) / load of a day's parcels waits)")
    promise_hours: float = param(72.0, "h", bounds=(1.0, 720.0),
                                 rationale="the on-time promise of the flows' on-time share: the State Post "
                                           "Bureau's 72-hour measure of the standard product")
    sample_pairs: int = param(2000, "pairs", bounds=(10, 1_000_000),
                              rationale="city pairs drawn in proportion to their parcels to estimate the parcel-"
                                        "weighted on-time share where a region has more pairs (national); "
                                        "fewer pairs are all simulated")
