"""The service model: a parcel's door-to-door time, as planners reckon it.

Posted by the product's cut-off on day D -> processing at the origin city's centre -> line-haul to its hub ->
sorting (time by tier) -> line-haul hub to hub by the fastest available mode -> sorting -> line-haul to the
destination centre -> processing -> the next delivery round, which must finish by the goal's deadline.
Where a city's centre is its hub (the hub lies in the city), processing and sorting are one step there, not
two; a parcel whose origin and destination share a hub is sorted once. Products (geonet.settings.PRODUCTS)
set the cut-off, processing, rounds and whether the parcel goes through hubs at all (same-day: direct).

Choosing paths is geonet.paths' job (searched once, cached); timing them is geonet.timing's (clocks, waves,
windows, rounds). ``ServiceModel.with_params`` re-times the same paths under other assumptions.
Every parameter: geonet.settings.ServiceParams (rationale in SERVICE_RATIONALE).
"""

from __future__ import annotations

import functools
from dataclasses import replace

import networkx as nx
import numpy as np
import pandas as pd
from tqdm import tqdm

from .errors import InputError
from .journeys import Journey
from .paths import KINDS, PathCache
from .settings import ServiceParams
from .network.nodes import city_code, hub_node
from .timing import (DAY, FIXED_STEPS, TimedLeg, Timing, clock, hhmm, next_departure,  # noqa: F401 (re-exported)
                     next_departures, rail_departures, shift)

class ServiceModel:
    """Door-to-door times on one network for one hub set under one set of service parameters."""

    def __init__(self, G: nx.MultiDiGraph, hubs: pd.DataFrame, params: ServiceParams | None = None,
                 assignments: dict[str, str] | None = None, paths: PathCache | None = None):
        """hubs: rows with ``id`` and ``tier_rank`` and optionally ``node`` (default ``hub:ID``, a catalog hub)
        and ``prefecture_adcode`` (the city the hub lies in); every node must be in ``G``.
        assignments: optional {place node -> hub id} overriding nearest-hub. paths: a PathCache to share."""
        self.G = G
        self.params = params or ServiceParams()
        if len(hubs) == 0:
            raise InputError("the hub set is empty: give at least one hub")
        nodes = list(hubs["node"]) if "node" in hubs else [hub_node(h) for h in hubs["id"]]
        missing = [h for h, n in zip(hubs["id"], nodes) if n not in G]
        if missing:
            raise InputError(f"hub(s) {', '.join(missing)} are not on this network (outside the region, or unplaced)")
        self.hubs = hubs
        self.hub_nodes = nodes
        self.hub_ids = dict(zip(nodes, hubs["id"]))
        self.hub_tier = {n: (int(r) if pd.notna(r) else None) for n, r in zip(nodes, hubs["tier_rank"])}
        self.sort_s = {n: self.params.sort_s_by_tier.get(r, self.params.sort_s_other) if r is not None
                       else self.params.sort_s_other for n, r in self.hub_tier.items()}
        cities = hubs["prefecture_adcode"] if "prefecture_adcode" in hubs else [None] * len(hubs)
        self.hub_city = {n: (str(c) if pd.notna(c) and c else city_code(n))
                         for n, c in zip(nodes, cities)}
        by_id = dict(zip(hubs["id"], nodes))
        unknown_hub = sorted(set((assignments or {}).values()) - set(by_id))
        if unknown_hub:
            raise InputError(f"assignment to {', '.join(unknown_hub)}: not a hub of this hub set "
                             f"({', '.join(map(str, hubs['id']))})")
        self.assignments = {k: by_id[v] for k, v in (assignments or {}).items()}
        self.paths = paths or PathCache(G)
        self.timing = Timing(G, self.params)
        self.banks = tuple(sorted(hhmm(x) for x in self.params.trunk_departures))
        self._segments: dict[tuple[str, str, str], tuple | None] = {}
        self._relays: dict | None = None
        self.paths.prepare(self.hub_nodes, KINDS)

    @functools.cached_property
    def provenance(self) -> dict:
        """What this model's answers rest on: the network (proxy or OSM roads, rail layer year, air snapshot),
        the product and every service parameter that differs from the defaults."""
        g = self.G.graph
        return {"network": g.get("network", "file"), "proxy": bool(g.get("proxy", False)),
                "region": g.get("region"), "modes": g.get("modes", ""), "rail_year": g.get("rail_year", ""),
                "air": "OpenFlights routes, June 2014 snapshot" if "air" in str(g.get("modes", "")) else "",
                "product": self.params.product, "hubs": len(self.hub_nodes),
                "changed_parameters": {k: v for k, v in self.params.changed().items() if k != "product"}}

    def with_params(self, params: ServiceParams) -> ServiceModel:
        """The same network, hubs and cached paths under other service parameters (re-timed, not re-searched)."""
        assign = {k: self.hub_ids[v] for k, v in self.assignments.items()}
        return ServiceModel(self.G, self.hubs, params, assign, self.paths)

    def for_product(self, product: str) -> ServiceModel:
        """The same network, hubs and paths under ``product`` (PRODUCTS); a scenario's changes to the service
        parameters are kept for the next-day and standard products."""
        params = self.params.for_product(product, keep_changes=product in ("next-day", "standard"))
        return self if params == self.params else self.with_params(params)

    # ------------------------------------------------------------------ searches (geonet.paths)
    def prepare(self, sources, kinds: tuple[str, ...] = KINDS) -> None:
        """Run the one-to-all searches (road-only and multimodal) from every source not yet searched."""
        self.paths.prepare(sources, kinds)

    def network_seconds(self, a: str, b: str) -> float:
        """Static fastest time a -> b on all modes, no schedules (s; inf if unreachable)."""
        return self.paths.seconds(a, b)

    def hub_of(self, node: str, outbound: bool = True) -> str | None:
        """The hub serving ``node``: its assignment, else the fastest to reach (outbound) / from (inbound)."""
        if node in self.assignments:
            return self.assignments[node]
        if node in self.sort_s:
            return node  # a hub's own city is served by the hub itself
        idx = self.paths.multi.index
        if outbound:
            row = self.paths.row(node)
            t = [row[idx[h]] for h in self.hub_nodes]
        else:
            t = [self.paths.row(h)[idx[node]] for h in self.hub_nodes]
        i = int(np.argmin(t))
        return self.hub_nodes[i] if np.isfinite(t[i]) else None

    def one_facility(self, place: str, hub: str) -> bool:
        """True when ``place``'s centre is ``hub``: the place is the hub node, or a city whose hub lies in it."""
        if place == hub:
            return True
        code = city_code(place)
        return code is not None and self.hub_city.get(hub) == code

    # ------------------------------------------------------------------ timed legs (geonet.timing)
    def segment(self, a: str, b: str, t: float, road_only: bool = False) -> tuple[list[TimedLeg], float] | None:
        """Line-haul a -> b ready at t: the better of the road-only and the fastest multimodal path, after
        waiting for the trunk departure bank (products with ``trunk_departures``) and for flights and trains
        (road only if ``road_only`` or the product's ``road_only``). None if b cannot be reached from a."""
        if a == b:
            return [], t
        road_only = road_only or self.params.road_only
        if self.banks:
            dep = next_departure(t, self.banks)
            seg = self._segment(a, b, dep, road_only)
            if seg is None:
                return None
            legs = list(seg[0])
            if legs:
                legs[0] = replace(legs[0], schedule=self.banks)
            if dep > t + 1:
                zh, en = self.timing.label(a)
                legs.insert(0, TimedLeg(zh, zh, "wait for trunk", t, dep, 0.0, True, en, en))
            return legs, seg[1]
        return self._segment(a, b, t, road_only)

    def _candidates(self, a: str, b: str, road_only: bool):
        """The cached (scheduled, steps, legs at 0, arrival at 0) of the road-only and multimodal paths a -> b
        (None where b cannot be reached that way)."""
        for kind in ("road", "multi")[: 1 if road_only else 2]:
            key = (kind, a, b)
            if key not in self._segments:
                path = self.paths.path(a, b, kind)
                if path is None:
                    self._segments[key] = None
                else:
                    steps = self.timing.compile(path, kind, self.paths)
                    legs, arr = self.timing.legs(steps, 0.0)
                    self._segments[key] = (any(st.schedule for st in steps), steps, legs, arr)
            yield self._segments[key]

    def _segment(self, a: str, b: str, t: float, road_only: bool) -> tuple[list[TimedLeg], float] | None:
        best = None
        for cached in self._candidates(a, b, road_only):
            if cached is None:
                continue
            scheduled, steps, legs0, arr0 = cached
            if scheduled:  # departures depend on the clock: time the steps from t
                legs, arr = self.timing.legs(steps, t)
            else:  # no timetable on the way: the same legs, shifted to t
                legs, arr = shift(legs0, t), arr0 + t
            if best is None or arr < best[1] - 1e-6:
                best = (legs, arr)
        return best

    def arrivals(self, a: str, b: str, t: np.ndarray, road_only: bool = False) -> np.ndarray:
        """The arrival times of :meth:`segment` for each ready time ``t`` (s; NaN where b cannot be reached or
        ``t`` is NaN), vectorised and without building legs: what the whole-matrix computation needs."""
        t = np.asarray(t, float)
        if a == b:
            return t
        road_only = road_only or self.params.road_only
        if self.banks:
            t = next_departures(t, self.banks)
        best = np.full(t.shape, np.nan)
        for cached in self._candidates(a, b, road_only):
            if cached is None:
                continue
            scheduled, steps, _, arr0 = cached
            arr = self.timing.arrivals(steps, t) if scheduled else arr0 + t
            best = np.where(arr >= best - 1e-6, best, arr)  # the first, or earlier beyond the tolerance (as segment)
        return best

    def _static_offset(self, a: str, b: str) -> float | None:
        """Seconds from a to b when no timetable lies on either candidate path (so the time does not depend on
        the departure); None when one does (the caller then simulates); inf when unreachable."""
        seg = self.segment(a, b, 0.0)
        if seg is None:
            return np.inf
        if self.banks:
            return None
        if any(self._segments.get((kind, a, b)) and self._segments[(kind, a, b)][0] for kind in ("road", "multi")):
            return None
        return seg[1]

    def _seg_times(self, a: str, b: str, dep: np.ndarray) -> np.ndarray:
        """Arrival at b for each departure time from a (NaN stays NaN)."""
        off = self._static_offset(a, b)
        return dep + off if off is not None else self.arrivals(a, b, dep)

    # ------------------------------------------------------------------ relays between hubs
    def relays(self, h: str, g: str) -> list[str]:
        """The hubs a trunk lane h -> g is relayed through: none when the product has no relay limit or the
        drive is within ``relay_drive_h``; else the fastest chain of hubs whose lanes each stay within it
        (road time plus sorting at each relay), none if there is no such chain."""
        lim = self.params.relay_drive_h * 3600
        if lim <= 0 or h == g:
            return []
        if self._relays is None:
            from scipy.sparse.csgraph import dijkstra

            hubs = self.hub_nodes
            T = np.array([[self.paths.seconds(a, b, "road") * self.params.road_time_factor if a != b else 0.0
                           for b in hubs] for a in hubs])
            cost = np.where(T <= lim, T + np.array([self.sort_s[b] for b in hubs])[None, :], np.inf)
            np.fill_diagonal(cost, 0.0)
            dist, pred = dijkstra(np.where(np.isfinite(cost), cost, 0.0), return_predecessors=True)
            self._relays = {"T": T, "pred": pred, "dist": dist}
        r = self._relays
        i, j = self.hub_nodes.index(h), self.hub_nodes.index(g)
        if r["T"][i, j] <= lim or not np.isfinite(r["dist"][i, j]):
            return []
        chain, k = [], r["pred"][i, j]
        while k >= 0 and k != i:
            chain.append(self.hub_nodes[k])
            k = r["pred"][i, k]
        return chain[::-1]

    def _trunk_times(self, h: str, g: str, dep: np.ndarray) -> np.ndarray:
        """Arrival (s) at hub g, unsorted, of parcels that leave hub h sorted at ``dep``, through the relays
        (NaN where g cannot be reached)."""
        via = self.relays(h, g)
        t = dep
        for a, b in zip([h, *via], [*via, g]):
            t = self._seg_times(a, b, t) + (self.sort_s[b] if b != g else 0.0)
        return np.where(np.isfinite(t), t, np.nan)

    # ------------------------------------------------------------------ journeys
    def stops(self, o: str, d: str, via_hubs: bool | None = None) -> list[str]:
        """The places a parcel passes: [o, its hub, the destination's hub, d] with one hub when both share it
        (a hub may be o or d itself: a city hub), or [o, d] without hubs."""
        via_hubs = self.params.via_hubs if via_hubs is None else via_hubs
        if via_hubs:
            ho, hd = self.hub_of(o, True), self.hub_of(d, False)
            if ho is not None and hd is not None:
                return [o, *dict.fromkeys([ho, *self.relays(ho, hd), hd]), d]
        return [o, d]

    def journey(self, o: str, d: str, via_hubs: bool | None = None, cutoff: str | None = None,
                road_only: bool = False) -> Journey:
        """Door-to-door journey between two place nodes (e.g. 'city:440100'), posted at the cut-off of day D
        (``cutoff`` 'HH:MM' overrides the product's); ``road_only`` forbids air and rail."""
        p = self.params
        (name_o, en_o), (name_d, en_d) = self.timing.label(o), self.timing.label(d)
        t0 = hhmm(cutoff or p.cutoff)
        road_only = road_only or p.road_only
        net = self.network_seconds(o, d)
        direct = self._run([o, d], t0, road_only)
        stops = self.stops(o, d, via_hubs)
        via = [self.hub_ids[s] for s in stops[1:-1]]
        routed = self._run(stops, t0, road_only) if stops != [o, d] else direct
        if routed is None:
            return Journey(name_o, name_d, False, None, None, None if not np.isfinite(net) else net / 3600,
                           None, None, via, origin_en=en_o, destination_en=en_d, provenance=self.provenance)
        legs, delivered = routed
        return Journey(name_o, name_d, True, (delivered - t0) / 3600, delivered, net / 3600,
                       None if direct is None else (direct[1] - t0) / 3600,
                       sum(x.km for x in legs), via, legs, en_o, en_d, self.provenance)

    def _run(self, stops: list[str], t0: float, road_only: bool = False) -> tuple[list[TimedLeg], float] | None:
        """Timed legs through ``stops`` (place, hubs..., place). One facility where a centre is its hub."""
        p, tm = self.params, self.timing
        o, d = stops[0], stops[-1]
        hubs = stops[1:-1]
        merge_o = bool(hubs) and self.one_facility(o, hubs[0])
        merge_d = bool(hubs) and self.one_facility(d, hubs[-1]) and not (merge_o and len(hubs) == 1)
        if merge_o:  # the origin centre is its hub: one step, sorted there
            h = hubs[0]
            legs = [tm.stop(h, "processing and sorting at hub", t0, max(p.origin_processing_s, self.sort_s[h]))]
            route = [h] + hubs[1:]
        else:
            legs = [tm.stop(o, "processing at origin centre", t0, p.origin_processing_s)]
            route = [o] + hubs
        t = legs[-1].arrive_s
        for a, b in zip(route[:-1], route[1:]):
            seg = self.segment(a, b, t, road_only)
            if seg is None:
                return None
            legs += seg[0]
            t = seg[1]
            if b == route[-1] and merge_d:
                break
            legs.append(tm.stop(b, "sorting at hub", t, self.sort_s[b]))
            t = legs[-1].arrive_s
        if merge_d:  # the destination centre is its hub: sorting and processing are one step there
            g = route[-1]
            legs.append(tm.stop(g, "sorting and processing at hub", t, max(self.sort_s[g], p.dest_processing_s)))
        else:
            seg = self.segment(route[-1], d, t, road_only)
            if seg is None:
                return None
            legs += seg[0]
            legs.append(tm.stop(d, "processing at destination centre", seg[1], p.dest_processing_s))
        legs += tm.deliver(d, legs[-1].arrive_s)
        return legs, legs[-1].arrive_s

    def earliest_possible_s(self, via_hubs: bool | None = None, cutoff: str | None = None) -> float:
        """Delivery time (s after day-D midnight) with no travel at all: the product's fixed steps alone -
        processing, the quickest sorting (merged where a centre is its hub) and the next delivery round."""
        p = self.params
        via_hubs = p.via_hubs if via_hubs is None else via_hubs
        t0 = hhmm(cutoff or p.cutoff)
        if via_hubs:
            s = min(self.sort_s.values())
            fixed = min(max(p.origin_processing_s, s) + p.dest_processing_s,
                        p.origin_processing_s + max(s, p.dest_processing_s))
        else:
            fixed = p.origin_processing_s + p.dest_processing_s
        return float(self.timing.delivered(np.array([t0 + fixed]))[0])

    # ------------------------------------------------------------------ whole matrices
    def door_to_door_matrix(self, origins: list[str], destinations: list[str],
                            progress: bool = False) -> tuple[np.ndarray, np.ndarray]:
        """Hub-routed door-to-door hours and network hours for every origin x destination, shape (nO, nD).

        The same answer as :meth:`journey` (tested), computed per origin, per origin x hub and per hub x
        destination instead of per pair, so that county-level national matrices finish. NaN = unreachable
        (and on the diagonal)."""
        p = self.params
        t0 = hhmm(p.cutoff)
        self.prepare(origins, ("multi",))  # road-only rows: from the hubs (segments), searched when needed
        nO = len(origins)
        d_idx = np.array([self.paths.multi.index[d] for d in destinations])
        network = np.vstack([self.paths.row(o)[d_idx] for o in origins]) / 3600
        ho = [self.hub_of(o, True) for o in origins]
        hd = [self.hub_of(d, False) for d in destinations]
        # phase A: the origin's part, up to leaving its hub sorted (dep1); arr_h = arrival at the hub unsorted
        merged = np.array([h is not None and self.one_facility(o, h) for o, h in zip(origins, ho)])
        arr_h = np.full(nO, np.nan)
        dep1 = np.full(nO, np.nan)
        for i, (o, h) in enumerate(zip(origins, ho)):
            if h is None:
                continue
            if merged[i]:
                dep1[i] = t0 + max(p.origin_processing_s, self.sort_s[h])
                continue
            arr_h[i] = self.arrivals(o, h, t0 + p.origin_processing_s)
            dep1[i] = arr_h[i] + self.sort_s[h]
        # phase B: origin's hub -> each destination hub, leaving at dep1
        hubs = sorted({h for h in hd if h is not None})
        hpos = {h: i for i, h in enumerate(hubs)}
        a2 = np.full((nO, len(hubs)), np.nan)
        ho_arr = np.array(ho, dtype=object)
        for h in tqdm(sorted({h for h in ho if h is not None}), desc="hubs to hubs", unit="hub", disable=not progress):
            idx = np.flatnonzero((ho_arr == h) & ~np.isnan(dep1))  # the origins leaving from hub h
            for j, g in enumerate(hubs):
                if g != h and idx.size:
                    a2[idx, j] = self._trunk_times(h, g, dep1[idx])
        # phase C: the destination's part, from its hub
        out = np.full((nO, len(destinations)), np.nan)
        same_all = {g: np.array([h == g for h in ho]) for g in hubs}
        for k, (d, g) in enumerate(tqdm(list(zip(destinations, hd)), desc="destinations", unit="dest",
                                        disable=not progress)):
            if g is None:
                continue
            same, arr_g = same_all[g], a2[:, hpos[g]]
            if self.one_facility(d, g):
                both = np.where(same, arr_h, arr_g)  # the same hub: the unsorted origin arrives, sorted once here
                ready = both + max(self.sort_s[g], p.dest_processing_s)
                ready = np.where(same & merged, np.nan, ready)  # both centres in one city: only o == d, dropped
            else:
                dep = np.where(same, dep1, arr_g + self.sort_s[g])
                ready = self._seg_times(g, d, dep) + p.dest_processing_s
            out[:, k] = (self.timing.delivered(ready) - t0) / 3600
        dest_arr = np.array(destinations, dtype=object)
        for i, o in enumerate(origins):  # the diagonal and origins that are their own destination
            out[i, dest_arr == o] = np.nan
        return out, network


