"""The service model: a parcel's door-to-door time, as planners reckon it.

Posted by the daily cut-off on day D -> processing at the origin city's centre -> line-haul to its hub ->
sorting (time by tier) -> line-haul hub to hub by the fastest available mode -> sorting -> line-haul to the
destination centre -> processing -> the next delivery round, which must finish by the goal's deadline.
Time of day matters: air leaves on departure waves, rail runs only inside its service window (no overnight
high-speed rail); a parcel that misses a departure waits, and the wait is a leg of its own.
Every parameter: geonet.settings.ServiceParams (rationale in SERVICE_RATIONALE).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import networkx as nx
import numpy as np
import pandas as pd
from tqdm import tqdm

from .engine import Snapshot
from .display import TableRepr
from .names import in_language
from .errors import InputError
from .settings import NetworkParams, ServiceParams

DAY = 86400.0
ROAD_EDGE_MODES = {"road", "ferry", "access"}
FIXED_STEPS = {"processing at origin centre", "sorting at hub", "processing at destination centre", "delivery round"}


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
        """The longest line-haul leg or wait for a departure: what to shorten (fixed processing, sorting,
        delivery and the wait for the delivery round excluded)."""
        moving = [x for x in self.legs if x.mode not in FIXED_STEPS and x.mode != "wait for delivery round"]
        return max(moving, key=lambda x: x.hours) if moving else None

    def to_dict(self) -> dict:
        crit = self.critical_leg
        return {"origin": self.origin, "destination": self.destination, "reachable": self.reachable,
                "door_to_door_hours": None if self.door_to_door_hours is None else round(self.door_to_door_hours, 3),
                "delivered_at": self.delivered_at,
                "network_hours": None if self.network_hours is None else round(self.network_hours, 3),
                "direct_hours": None if self.direct_hours is None else round(self.direct_hours, 3),
                "km": None if self.km is None else round(self.km, 1), "via": self.via,
                "critical_leg": crit.to_dict() if crit else None, "legs": [x.to_dict() for x in self.legs]}


class ServiceModel:
    """Door-to-door times on one network for one hub set. Searches run on CSR snapshots (geonet.engine)."""

    def __init__(self, G: nx.MultiDiGraph, hubs: pd.DataFrame, params: ServiceParams | None = None,
                 net_params: NetworkParams | None = None, assignments: dict[str, str] | None = None):
        """hubs: rows with ``id`` and ``tier_rank`` and optionally ``node`` (default ``hub:ID``, a catalog hub);
        every node must be in ``G``. assignments: optional {place node -> hub id} overriding nearest-hub."""
        self.G = G
        self.params = params or ServiceParams()
        self.net_params = net_params or NetworkParams()
        if len(hubs) == 0:
            raise InputError("the hub set is empty: give at least one hub")
        nodes = list(hubs["node"]) if "node" in hubs else [f"hub:{h}" for h in hubs["id"]]
        missing = [h for h, n in zip(hubs["id"], nodes) if n not in G]
        if missing:
            raise InputError(f"hub(s) {', '.join(missing)} are not on this network (outside the region, or unplaced)")
        self.hub_nodes = nodes
        self.hub_ids = dict(zip(nodes, hubs["id"]))
        self.sort_s = {n: self.params.sort_s_by_tier.get(int(r), self.params.sort_s_other) if pd.notna(r)
                       else self.params.sort_s_other for n, r in zip(nodes, hubs["tier_rank"])}
        by_id = dict(zip(hubs["id"], nodes))
        unknown_hub = sorted(set((assignments or {}).values()) - set(by_id))
        if unknown_hub:
            raise InputError(f"assignment to {', '.join(unknown_hub)}: not a hub of this hub set")
        self.assignments = {k: by_id[v] for k, v in (assignments or {}).items()}
        self.road = Snapshot.from_graph(G, edge_filter=lambda d: d.get("mode") in ROAD_EDGE_MODES)
        self.multi = Snapshot.from_graph(G)
        self._rows: dict[tuple[str, str], tuple[np.ndarray, np.ndarray]] = {}
        self._paths: dict[tuple[str, str, str], tuple | None] = {}
        self.prepare(self.hub_nodes)

    # ------------------------------------------------------------------ searches
    def prepare(self, sources) -> None:
        """Run the one-to-all searches from every source not yet searched (batched, both snapshots)."""
        todo = [s for s in dict.fromkeys(sources) if ("multi", s) not in self._rows]
        if not todo:
            return
        for name, snap in (("road", self.road), ("multi", self.multi)):
            dist, pred = snap.times(todo, predecessors=True)
            for i, s in enumerate(todo):
                self._rows[(name, s)] = (dist[i], pred[i])

    def network_seconds(self, a: str, b: str) -> float:
        """Static fastest time a -> b on all modes, no schedules (s; inf if unreachable)."""
        self.prepare([a])
        return float(self._rows[("multi", a)][0][self.multi.index[b]])

    def hub_of(self, node: str, outbound: bool = True) -> str | None:
        """The hub serving ``node``: its assignment, else the fastest to reach (outbound) / from (inbound)."""
        if node in self.assignments:
            return self.assignments[node]
        if outbound:
            self.prepare([node])
            row = self._rows[("multi", node)][0]
            t = [row[self.multi.index[h]] for h in self.hub_nodes]
        else:
            t = [self._rows[("multi", h)][0][self.multi.index[node]] for h in self.hub_nodes]
        i = int(np.argmin(t))
        return self.hub_nodes[i] if np.isfinite(t[i]) else None

    # ------------------------------------------------------------------ timed legs
    def _simulate(self, path: list[str], snap: Snapshot, t: float) -> tuple[list[TimedLeg], float]:
        legs: list[TimedLeg] = []
        G = self.G
        for u, v in zip(path[:-1], path[1:]):
            e = G.edges[u, v, snap.edge_keys[(snap.index[u], snap.index[v])]]
            mode = e.get("mode", "road")
            dep = t
            if mode == "air":
                dep = next_departure(t, [hhmm(w) for w in self.params.air_waves])
            elif mode == "rail":
                dep = next_departure(t, rail_departures(e))
            (zh_u, en_u), (zh_v, en_v) = self.label(u), self.label(v)
            if dep > t + 1:
                legs.append(TimedLeg(zh_u, zh_u, f"wait for {mode}", t, dep, 0.0, True, en_u, en_u))
            arr = dep + float(e.get("travel_time", 0.0))
            km = float(e.get("length", 0.0)) / 1000
            if legs and legs[-1].mode == mode and mode in ("road", "access") and not legs[-1].waiting:
                legs[-1].to, legs[-1].to_en, legs[-1].arrive_s, legs[-1].km = zh_v, en_v, arr, legs[-1].km + km
            elif zh_u == zh_v and mode in ("access", "transfer"):  # one place under two ids: handling there
                legs.append(TimedLeg(zh_u, zh_v, "handling", dep, arr, 0.0, False, en_u, en_v))
            else:
                legs.append(TimedLeg(zh_u, zh_v, mode, dep, arr, km, False, en_u, en_v))
            t = arr
        return legs, t

    def segment(self, a: str, b: str, t: float, road_only: bool = False) -> tuple[list[TimedLeg], float] | None:
        """Line-haul a -> b departing at t: the better of the road-only and the fastest multimodal path,
        after waiting for departures (road only if ``road_only``). None if b cannot be reached from a."""
        if a == b:
            return [], t
        self.prepare([a])
        best = None
        for name, snap in (("road", self.road), ("multi", self.multi))[: 1 if road_only else 2]:
            key = (name, a, b)
            if key not in self._paths:
                dist, pred = self._rows[(name, a)]
                j = snap.index[b]
                if not np.isfinite(dist[j]):
                    self._paths[key] = None
                else:
                    path = snap.path(pred, j)
                    scheduled = any(self.G.nodes[n].get("mode") in ("air", "rail") for n in path)
                    legs, arr = self._simulate(path, snap, 0.0)
                    self._paths[key] = (scheduled, path, legs, arr)
            cached = self._paths[key]
            if cached is None:
                continue
            scheduled, path, legs0, arr0 = cached
            if scheduled:  # departures depend on the clock: simulate from t
                legs, arr = self._simulate(path, snap, t)
            else:  # no timetable on the way: the same legs, shifted to t
                legs = [replace(x, depart_s=x.depart_s + t, arrive_s=x.arrive_s + t) for x in legs0]
                arr = arr0 + t
            if best is None or arr < best[1] - 1e-6:
                best = (legs, arr)
        return best

    def _static_offset(self, a: str, b: str) -> float | None:
        """Seconds from a to b when no timetable lies on either candidate path (so the time does not depend on
        the departure); None when one does (the caller then simulates); inf when unreachable."""
        seg = self.segment(a, b, 0.0)
        if seg is None:
            return np.inf
        if any(self._paths.get((name, a, b)) and self._paths[(name, a, b)][0] for name in ("road", "multi")):
            return None
        return seg[1]

    def door_to_door_matrix(self, origins: list[str], destinations: list[str],
                            progress: bool = False) -> tuple[np.ndarray, np.ndarray]:
        """Hub-routed door-to-door hours and network hours for every origin x destination, shape (nO, nD).

        The same answer as :meth:`journey` (tested), computed per origin, per origin x hub and per hub x
        destination instead of per pair, so that county-level national matrices finish. NaN = unreachable
        (and on the diagonal)."""
        p = self.params
        t0 = hhmm(p.cutoff)
        rounds = np.array(sorted(hhmm(r) for r in p.delivery_rounds))
        self.prepare(list(origins) + [h for h in self.hub_nodes])
        nO, nD = len(origins), len(destinations)
        d_idx = np.array([self.multi.index[d] for d in destinations])
        network = np.vstack([self._rows[("multi", o)][0][d_idx] for o in origins]) / 3600
        ho = [self.hub_of(o, True) for o in origins]
        hd = [self.hub_of(d, False) for d in destinations]
        hubs = sorted({h for h in hd if h is not None})
        hpos = {h: i for i, h in enumerate(hubs)}
        # phase A: origin -> its hub (sorted there unless it is the destination)
        a1 = np.full(nO, np.nan)
        for i, (o, h) in enumerate(zip(origins, ho)):
            if h is None:
                continue
            seg = self.segment(o, h, t0 + p.origin_processing_s) if h != o else ([], t0 + p.origin_processing_s)
            a1[i] = np.nan if seg is None else seg[1]
        # phase B: origin's hub -> destination's hub, departing after sorting at the origin's hub
        a2 = np.full((nO, len(hubs)), np.nan)  # arrival at the destination's hub (before its sorting)
        for i, h in enumerate(tqdm(ho, desc="origins via hubs", unit="origin", disable=not progress)):
            if h is None or np.isnan(a1[i]):
                continue
            dep = a1[i] + (self.sort_s.get(h, 0.0) if h != origins[i] else 0.0)
            for j, g in enumerate(hubs):
                if g == h:
                    a2[i, j] = dep
                    continue
                seg = self.segment(h, g, dep)
                a2[i, j] = np.nan if seg is None else seg[1]
        # phase C: destination's hub -> destination
        out = np.full((nO, nD), np.nan)
        for k, (d, g) in enumerate(tqdm(list(zip(destinations, hd)), desc="destinations", unit="dest",
                                        disable=not progress)):
            if g is None:
                continue
            j = hpos[g]
            col = a2[:, j].copy()
            same_hub = np.array([h == g for h in ho])
            if g == d:  # the destination is the hub: no sorting there, no last leg
                arr = np.where(same_hub, a1, col)
            else:
                dep = col + np.where(same_hub, 0.0, self.sort_s.get(g, 0.0))
                dep = np.where(same_hub, a1 + self.sort_s.get(g, 0.0), dep)
                off = self._static_offset(g, d)
                if off is None:
                    arr = np.array([np.nan if np.isnan(t) else (self.segment(g, d, t) or (None, np.nan))[1]
                                    for t in dep])
                else:
                    arr = dep + off
            ready = arr + p.dest_processing_s
            day = np.floor(ready / DAY) * DAY
            start = np.full_like(ready, np.nan)
            for extra in (DAY, 0.0):  # earliest round at or after ready: today, else tomorrow
                for r in rounds[::-1]:
                    cand = day + extra + r
                    start = np.where(cand >= ready - 1e-6, cand, start)
            out[:, k] = (start + p.round_duration_s - t0) / 3600
        for i, o in enumerate(origins):  # the diagonal and origins that are their own destination
            out[i, np.array(destinations) == o] = np.nan
        return out, network

    def label(self, node: str) -> tuple[str, str]:
        """(Chinese, English) name of a graph node for legs."""
        d = self.G.nodes[node]
        zh = d.get("name", node)
        return zh, d.get("name_en", "") or zh

    def _stop(self, node: str, label: str, t: float, seconds: float) -> TimedLeg:
        zh, en = self.label(node)
        return TimedLeg(zh, zh, label, t, t + seconds, 0.0, False, en, en)

    def journey(self, o: str, d: str, via_hubs: bool | None = None, cutoff: str | None = None,
                road_only: bool = False) -> Journey:
        """Door-to-door journey between two place nodes (e.g. 'city:440100'), posted at the cut-off of day D
        (``cutoff`` 'HH:MM' overrides the model's); ``road_only`` forbids air and rail."""
        via_hubs = self.params.via_hubs if via_hubs is None else via_hubs
        p = self.params
        name_o, name_d = self.G.nodes[o].get("name", o), self.G.nodes[d].get("name", d)
        t0 = hhmm(cutoff or p.cutoff)
        net = self.network_seconds(o, d)
        direct = self._run([o, d], t0, road_only)
        stops = [o, d]
        if via_hubs:
            ho, hd = self.hub_of(o, True), self.hub_of(d, False)
            if ho is not None and hd is not None:
                stops = list(dict.fromkeys([o, ho, hd, d]))
        routed = self._run(stops, t0, road_only) if stops != [o, d] else direct
        if routed is None:
            return Journey(name_o, name_d, False, None, None, None if not np.isfinite(net) else net / 3600,
                           None, None, [self.hub_ids[s] for s in stops[1:-1]])
        legs, delivered = routed
        return Journey(name_o, name_d, True, (delivered - t0) / 3600, delivered, net / 3600,
                       None if direct is None else (direct[1] - t0) / 3600,
                       sum(x.km for x in legs), [self.hub_ids[s] for s in stops[1:-1]], legs)

    def _run(self, stops: list[str], t0: float, road_only: bool = False) -> tuple[list[TimedLeg], float] | None:
        p = self.params
        legs = [self._stop(stops[0], "processing at origin centre", t0, p.origin_processing_s)]
        t = legs[-1].arrive_s
        for a, b in zip(stops[:-1], stops[1:]):
            seg = self.segment(a, b, t, road_only)
            if seg is None:
                return None
            legs += seg[0]
            t = seg[1]
            if b in self.sort_s and b != stops[-1]:
                legs.append(self._stop(b, "sorting at hub", t, self.sort_s[b]))
                t = legs[-1].arrive_s
        legs.append(self._stop(stops[-1], "processing at destination centre", t, p.dest_processing_s))
        t = legs[-1].arrive_s
        start = next_departure(t, [hhmm(r) for r in p.delivery_rounds])
        if start > t + 1:
            legs.append(TimedLeg(legs[-1].to, legs[-1].to, "wait for delivery round", t, start, 0.0, True,
                                 legs[-1].to_en, legs[-1].to_en))
        legs.append(self._stop(stops[-1], "delivery round", start, p.round_duration_s))
        return legs, legs[-1].arrive_s
