"""A door-to-door journey: one origin-destination pair's timed legs, its delivery time and the step that
decides it (built by geonet.service.ServiceModel.journey)."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from .display import TableRepr
from .timing import FIXED_STEPS, TimedLeg, clock


@dataclass(repr=False)
class Journey(TableRepr):
    """Door-to-door result for one origin-destination pair. Hours are None when unreachable."""

    origin: str
    destination: str
    reachable: bool
    door_to_door_hours: float | None
    delivered_s: float | None  # seconds after midnight of the posting day D; delivered_at gives 'D+1 18:00'
    network_hours: float | None
    direct_hours: float | None
    km: float | None
    via: list[str] = field(default_factory=list)
    legs: list[TimedLeg] = field(default_factory=list)
    origin_en: str = ""
    destination_en: str = ""
    provenance: dict = field(default_factory=dict)  # the network, product and changed parameters (ServiceModel)

    def _title(self) -> str:
        if not self.reachable:
            return f"Journey {self.origin} -> {self.destination}: unreachable"
        return (f"Journey {self.origin} -> {self.destination}: door to door {self.door_to_door_hours:.2f} h, "
                f"delivered {self.delivered_at}, via {', '.join(self.via) or '-'}")

    def _table(self) -> pd.DataFrame:
        return pd.DataFrame([{"depart": x.depart_at, "arrive": x.arrive_at, "hours": round(x.hours, 2),
                              "step": x.describe(), "km": round(x.km, 1)} for x in self.legs])

    @property
    def delivered_at(self) -> str | None:
        """Delivery time as the CLI shows it: 'D+1 18:00'."""
        return None if self.delivered_s is None else clock(self.delivered_s)

    @property
    def critical_leg(self) -> TimedLeg | None:
        """The step that decides the delivery time: the longest leg that is not a fixed step (processing,
        sorting, the round itself) - line-haul, a wait for a departure or the wait for the delivery round."""
        moving = [x for x in self.legs if x.mode not in FIXED_STEPS]
        return max(moving, key=lambda x: x.hours) if moving else None

    def binding_step(self, deadline_s: float | None = None) -> str:
        """The deciding step in words: 'ready D+1 16:25, after the 14:00 round: waits 15.6 h for the D+2 08:00
        round', 'waits 6.8 h at 北京机场 (NAY) for the 08:00 air departure', 'road 浑南区 -> 西岗区 takes 6.6 h'."""
        if not self.reachable:
            return "no path on this network"
        c = self.critical_leg
        if c is None:
            return "fixed steps only"
        if c.mode == "wait for delivery round":
            text = f"ready {c.depart_at}, waits {c.hours:.1f} h at {c.from_} for the {c.arrive_at} delivery round"
        elif c.waiting:
            text = f"waits {c.hours:.1f} h at {c.from_} for the {c.arrive_at[-5:]} {c.mode.removeprefix('wait for ')} departure"
        else:
            text = f"{c.mode} {c.from_} -> {c.to} takes {c.hours:.1f} h"
        if deadline_s is not None and self.delivered_s is not None and self.delivered_s > deadline_s + 1e-6:
            late = (self.delivered_s - deadline_s) / 3600
            text += f"; delivered {self.delivered_at}, {late:.1f} h after {clock(deadline_s)}"
        return text

    def to_dict(self) -> dict:
        crit = self.critical_leg
        return {"origin": self.origin, "destination": self.destination, "reachable": self.reachable,
                "door_to_door_hours": None if self.door_to_door_hours is None else round(self.door_to_door_hours, 3),
                "delivered_at": self.delivered_at,
                "network_hours": None if self.network_hours is None else round(self.network_hours, 3),
                "direct_hours": None if self.direct_hours is None else round(self.direct_hours, 3),
                "km": None if self.km is None else round(self.km, 1), "via": self.via,
                "critical_leg": crit.to_dict() if crit else None, "binding_step": self.binding_step(),
                "legs": [x.to_dict() for x in self.legs], "provenance": self.provenance}
