"""Timing paths: clocks, schedules and the fixed steps of a parcel's day. A path (geonet.paths) becomes timed
legs: road legs take their travel time (scaled by ``road_time_factor``), air leaves on the departure waves,
rail inside its service window, and every wait is a leg of its own. Processing, sorting, handling and the
delivery round are steps in one place."""

from __future__ import annotations

from dataclasses import dataclass, replace

import networkx as nx
import numpy as np

from .names import in_language
from .paths import PathCache
from .settings import ServiceParams

DAY = 86400.0
SCALED_MODES = {"road", "ferry", "access"}  # the times ServiceParams.road_time_factor scales (not customs)
# steps whose duration is a parameter, not a consequence of the network or the clock
FIXED_STEPS = {"processing at origin centre", "sorting at hub", "processing at destination centre", "delivery round",
               "processing and sorting at hub", "sorting and processing at hub"}


def hhmm(text: str) -> float:
    """'18:30' -> seconds after midnight."""
    h, m = text.split(":")
    return int(h) * 3600.0 + int(m) * 60.0


def clock(t: float) -> str:
    """Seconds after day-D midnight -> 'D+1 08:00'."""
    day, rest = divmod(int(round(t)), int(DAY))
    return f"D{'+' + str(day) if day else ''} {rest // 3600:02d}:{rest % 3600 // 60:02d}"


def next_departure(t: float, times_of_day: list[float]) -> float:
    """Earliest departure >= t from a daily timetable (seconds after midnight, repeating every day)."""
    day = np.floor(t / DAY) * DAY
    for d in (day, day + DAY):
        for s in sorted(times_of_day):
            if d + s >= t - 1e-6:
                return d + s
    return day + 2 * DAY + min(times_of_day)


def next_departures(t: np.ndarray, times) -> np.ndarray:
    """Vectorised :func:`next_departure`: the earliest departure >= each ``t`` from a daily timetable ``times``
    (seconds after midnight; NaN stays NaN)."""
    times = np.sort(np.asarray(times, float))
    t = np.asarray(t, float)
    day = np.floor(t / DAY) * DAY
    idx = np.searchsorted(times, t - day - 1e-6, side="left")
    wrap = idx >= len(times)
    return day + np.where(wrap, DAY + times[0], times[np.minimum(idx, len(times) - 1)])


def rail_departures(edge: dict) -> list[float]:
    """Departures of a rail service (first, first + headway, ... <= last), seconds after midnight."""
    first, last = hhmm(str(edge.get("first_departure", "07:00"))), hhmm(str(edge.get("last_departure", "21:00")))
    head = float(edge.get("headway_minutes", 60.0)) * 60
    return list(np.arange(first, last + 1, head)) or [first]


@dataclass
class TimedLeg:
    """One leg of a journey: depart_s/arrive_s are seconds after midnight of the posting day D (depart_at and
    arrive_at give them as 'D+1 08:00'); hours is the leg's duration; km its distance."""

    from_: str
    to: str
    mode: str
    depart_s: float
    arrive_s: float
    km: float = 0.0
    waiting: bool = False
    from_en: str = ""
    to_en: str = ""
    schedule: tuple = ()  # departure times of day (s) this leg leaves on (waves, trains, trunk banks, rounds)
    connect_s: float = 0.0  # minimum time before it may leave (a flight connection)
    rest_s: float = 0.0  # drivers' rests included in a road leg

    @property
    def hours(self) -> float:
        return (self.arrive_s - self.depart_s) / 3600

    @property
    def depart_at(self) -> str:
        """Departure as 'D+1 08:00' (day D = the posting day)."""
        return clock(self.depart_s)

    @property
    def arrive_at(self) -> str:
        return clock(self.arrive_s)

    def names(self, lang: str = "zh") -> tuple[str, str]:
        """(from, to) in one language: 'zh', 'en' or 'zh-py' (Chinese with the English name)."""
        return in_language(self.from_, self.from_en, lang), in_language(self.to, self.to_en, lang)

    def describe(self, lang: str = "zh") -> str:
        """The leg in words: 'wait at 揭阳潮汕机场 (SWA) for the 08:00 air departure', 'sorting at hub: 汕头市枢纽',
        'road 金平区 -> 揭东区'."""
        a, b = self.names(lang)
        if self.mode.startswith("wait for "):
            what = self.mode.removeprefix("wait for ")
            when = self.arrive_at[-5:]
            return (f"wait at {a} for the {when} delivery round" if what == "delivery round"
                    else f"wait at {a} for the {when} {what} departure")
        if a == b:  # a step in one place: processing, sorting, handling, the delivery round
            return f"{self.mode}: {a}"
        return f"{self.mode} {a} -> {b}"

    def to_dict(self) -> dict:
        return {"from": self.from_, "to": self.to, "from_en": self.from_en, "to_en": self.to_en, "mode": self.mode,
                "depart_at": self.depart_at, "arrive_at": self.arrive_at, "hours": round(self.hours, 3),
                "km": round(self.km, 1), "waiting": self.waiting, "step": self.describe()}


@dataclass(frozen=True)
class Step:
    """One edge of a path as timing sees it: its ends, mode, travel time (s, road times scaled), km, whether the
    parcel stays aboard the same train, the timetable it leaves on and the connection time before it."""

    u: str
    v: str
    mode: str
    travel_s: float
    km: float
    aboard: bool
    schedule: tuple
    connect_s: float


class Timing:
    """Times legs under one set of service parameters; cheap to make, so a sweep makes one per value."""

    def __init__(self, G: nx.MultiDiGraph, params: ServiceParams):
        self.G = G
        self.params = params
        self.waves = tuple(sorted(hhmm(w) for w in params.air_waves))
        self.all_waves = tuple(sorted(set(self.waves) | {hhmm(w) for w in params.night_air_waves}))
        self.night_airports = set(params.night_air_airports)
        self.rounds = tuple(sorted(hhmm(r) for r in params.delivery_rounds))

    def waves_for(self, u: str, v: str) -> tuple:
        """Departure waves of a flight u -> v: night waves too when both airports have night cargo operations and
        neither lies on the high plateau (ServiceParams.night_air_airports, plateau_m), else day waves."""
        night = True
        for n in (u, v):
            d = self.G.nodes[n]
            try:
                alt = float(d.get("altitude_m", 0.0) or 0.0)
            except (TypeError, ValueError):
                alt = 0.0
            night = night and d.get("iata") in self.night_airports and alt < self.params.plateau_m
        return self.all_waves if night else self.waves

    def rests(self, driving_s: float) -> float:
        """Rest time (s) the drivers must take within ``driving_s`` seconds of driving (one after each 4 h)."""
        limit = self.params.drive_before_rest_s
        if limit <= 0 or driving_s <= limit:
            return 0.0
        return (np.ceil(driving_s / limit - 1e-9) - 1) * self.params.drive_rest_s

    def label(self, node: str) -> tuple[str, str]:
        """(Chinese, English) name of a graph node for legs."""
        d = self.G.nodes[node]
        zh = d.get("name", node)
        return zh, d.get("name_en", "") or zh

    def stop(self, node: str, label: str, t: float, seconds: float) -> TimedLeg:
        """A step in one place (processing, sorting, handling) from ``t`` for ``seconds``."""
        zh, en = self.label(node)
        return TimedLeg(zh, zh, label, t, t + seconds, 0.0, False, en, en)

    def travel_s(self, e: dict) -> float:
        t = float(e.get("travel_time", 0.0))
        return t * self.params.road_time_factor if e.get("mode") in SCALED_MODES else t

    def compile(self, path: list[str], kind: str, paths: PathCache) -> list[Step]:
        """The edges of ``path`` (a ``kind`` path of ``paths``) with what timing them needs: mode, travel time,
        the timetable each leaves on (air waves of its airports, a train's departures unless the parcel stays
        aboard the same line) and the connection time before it (a flight after a flight: the airport's
        connection edge, folded into the next flight)."""
        steps: list[Step] = []
        line = None
        connect = 0.0
        for u, v in zip(path[:-1], path[1:]):
            e = paths.edge(u, v, kind)
            mode = e.get("mode", "road")
            if mode == "connection":  # landed, flying on: the next flight waits the connection time
                connect = float(e.get("travel_time", 0.0))
                continue
            aboard = mode == "rail" and line is not None and e.get("line") == line
            schedule: tuple = ()
            if mode == "air":
                schedule = self.waves_for(u, v)
            elif mode == "rail" and not aboard:
                schedule = tuple(rail_departures(e))
            steps.append(Step(u, v, mode, self.travel_s(e), float(e.get("length", 0.0)) / 1000, aboard, schedule,
                              connect))
            line, connect = (e.get("line") if mode == "rail" else None), 0.0
        return steps

    def run(self, steps: list[Step], t, departure=next_departure):
        """Time ``steps`` from ``t``: yields (step, ready s, departure s, arrival s, rest s) for each. One rule
        for legs (``legs``) and bare arrival times (``arrivals``): wait for the timetable, drive with the
        drivers' rests (after each 4 h since the truck left). ``t`` may be an array with ``departure``
        ``next_departures``."""
        driving = 0.0
        for st in steps:
            dep = departure(t + st.connect_s, st.schedule) if st.schedule else t
            rest = 0.0
            if st.mode == "road":
                rest = self.rests(driving + st.travel_s) - self.rests(driving)
                driving += st.travel_s
            arr = dep + st.travel_s + rest
            yield st, t, dep, arr, rest
            t = arr

    def arrivals(self, steps: list[Step], t: np.ndarray) -> np.ndarray:
        """Arrival times (s) at the end of ``steps`` departing at each ``t`` (the times of :meth:`legs`, no legs
        built; vectorised over ``t``)."""
        for *_, arr, _ in self.run(steps, np.asarray(t, float), next_departures):
            t = arr
        return np.asarray(t, float)

    def legs(self, steps: list[Step], t: float) -> tuple[list[TimedLeg], float]:
        """Timed legs of ``steps`` departing at ``t``; returns (legs, arrival s)."""
        legs: list[TimedLeg] = []
        for st, ready, dep, arr, rest in self.run(steps, t):
            mode = st.mode
            (zh_u, en_u), (zh_v, en_v) = self.label(st.u), self.label(st.v)
            if dep > ready + 1:
                legs.append(TimedLeg(zh_u, zh_u, f"wait for {mode}", ready, dep, 0.0, True, en_u, en_u))
            if legs and legs[-1].mode == mode and (mode in ("road", "access") or st.aboard) and not legs[-1].waiting:
                prev = legs[-1]
                prev.to, prev.to_en, prev.arrive_s, prev.km = zh_v, en_v, arr, prev.km + st.km
                prev.rest_s += rest
            elif zh_u == zh_v and mode in ("access", "transfer"):  # one place under two ids: handling there
                legs.append(TimedLeg(zh_u, zh_v, "handling", dep, arr, 0.0, False, en_u, en_v))
            else:
                legs.append(TimedLeg(zh_u, zh_v, mode, dep, arr, st.km, False, en_u, en_v, st.schedule, st.connect_s,
                                     rest))
            t = arr
        return legs, t

    def simulate(self, path: list[str], kind: str, paths: PathCache, t: float) -> tuple[list[TimedLeg], float]:
        """Legs of ``path`` (a ``kind`` path of ``paths``) departing at ``t``; returns (legs, arrival s)."""
        return self.legs(self.compile(path, kind, paths), t)

    def deliver(self, node: str, ready: float) -> list[TimedLeg]:
        """The wait for the next delivery round (if any) and the round itself, from ``ready``."""
        start = next_departure(ready, self.rounds)
        zh, en = self.label(node)
        legs = []
        if start > ready + 1:
            legs.append(TimedLeg(zh, zh, "wait for delivery round", ready, start, 0.0, True, en, en))
        legs.append(TimedLeg(zh, zh, "delivery round", start, start + self.params.round_duration_s, 0.0, False,
                             en, en, self.rounds))
        return legs

    def delivered(self, ready: np.ndarray) -> np.ndarray:
        """Vectorised :meth:`deliver`: the end of the first round at or after each ``ready`` time (s)."""
        return next_departures(ready, self.rounds) + self.params.round_duration_s


def shift(legs: list[TimedLeg], dt: float) -> list[TimedLeg]:
    """The same legs ``dt`` seconds later (paths without schedules do not depend on the clock)."""
    return [replace(x, depart_s=x.depart_s + dt, arrive_s=x.arrive_s + dt) for x in legs]
