"""Journeys as distributions: every step of a journey varies from parcel to parcel (Monte Carlo).

A journey's timed legs (geonet.service) become a *program* of steps: fixed steps (processing, sorting,
handling), truck, train and air legs, and the delivery round, each with the timetable it leaves on (trunk
departure banks, air waves, trains, delivery rounds). ``simulate`` runs the programs of many pairs for many
parcels at once (numpy arrays of pairs x draws), seeded and reproducible:

- a parcel is collected uniformly between the product's ``collection_start`` and its cut-off and first
  processed at the cut-off (hours count from collection, as the State Post Bureau's test counts them);
- processing and sorting times are gamma-distributed around their value (``processing_cv``);
- a truck leg's driving time is lognormal with mean 1 (``road_sigma``; the drivers' rests stay as they are),
  a train ride likewise (``rail_sigma``); a flight is late with the CAAC's published share, by an
  exponential delay;
- every departure is re-timed from the parcel's own clock (a late parcel waits for the next bank, wave, train
  or round), and a parcel ready in time still misses a trunk departure or round with ``miss_departure_p``;
- the delivery falls uniformly within the round, and a first attempt fails with ``failed_delivery_p`` (out
  again on the next round).

Stages as the State Post Bureau defines them: origin (collection to leaving the origin city's centre),
transport (to arriving at the destination city's centre), destination (to the start of the delivery round),
delivery (to the delivery). Parameters: geonet.settings.VariabilityParams.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

from .settings import ServiceParams, VariabilityParams
from .timing import DAY, FIXED_STEPS, hhmm, next_departures

FIXED, ROAD, AIR, RAIL, ROUND = range(5)
STAGES = ("origin", "transport", "destination", "delivery")
DEST_STEPS = {"processing at destination centre", "sorting and processing at hub"}
CHUNK = 512  # pairs simulated at once (bounds memory; fixed, so that a seed gives the same draws)


@dataclass
class Programs:
    """The steps of P journeys, padded to S steps: kind, nominal seconds, rests (road), schedule index (-1 =
    leaves when ready), whether a departure can be missed, connection time, and the stage boundaries."""

    kind: np.ndarray  # (P, S) int8, -1 = no step
    nominal: np.ndarray  # (P, S) s
    rest: np.ndarray  # (P, S) s
    sched: np.ndarray  # (P, S) int, index into schedules
    missable: np.ndarray  # (P, S) bool
    connect: np.ndarray  # (P, S) s
    first_move: np.ndarray  # (P,) step index that leaves the origin centre
    dest_arrival: np.ndarray  # (P,) step index that starts at the destination centre
    schedules: list[np.ndarray]
    reachable: np.ndarray  # (P,) bool


def _kind(mode: str) -> int:
    if mode == "delivery round":
        return ROUND
    if mode in FIXED_STEPS or mode == "handling":
        return FIXED
    if mode == "air":
        return AIR
    if mode == "rail":
        return RAIL
    return ROAD  # road, access, ferry, transfer


def programs(journeys: list, banks: tuple = ()) -> Programs:
    """Programs of ``journeys`` (geonet.journeys.Journey); ``banks``: the trunk departure times (s) of the
    product, whose departures can be missed like a delivery round's."""
    steps = [[x for x in j.legs if not x.waiting] if j.reachable else [] for j in journeys]
    P, S = len(steps), max([len(s) for s in steps] + [1])
    kind = np.full((P, S), -1, np.int8)
    nominal, rest, connect = (np.zeros((P, S)) for _ in range(3))
    sched = np.full((P, S), -1, np.int64)
    missable = np.zeros((P, S), bool)
    first, dest = np.zeros(P, np.int64), np.zeros(P, np.int64)
    index: dict[tuple, int] = {}
    bank_set = tuple(sorted(banks))
    for p, legs in enumerate(steps):
        moved = None
        for s, x in enumerate(legs):
            k = _kind(x.mode)
            kind[p, s], rest[p, s], connect[p, s] = k, x.rest_s, x.connect_s
            nominal[p, s] = (x.arrive_s - x.depart_s) - x.rest_s
            if x.schedule:
                sched[p, s] = index.setdefault(tuple(x.schedule), len(index))
                missable[p, s] = k == ROUND or tuple(sorted(x.schedule)) == bank_set
            if moved is None and k != FIXED:
                moved = s
            if x.mode in DEST_STEPS:
                dest[p] = s
        first[p] = moved if moved is not None else 0
        if moved is not None and dest[p] < moved:  # no destination step after leaving: the round
            dest[p] = next((s for s, x in enumerate(legs) if x.mode == "delivery round"), len(legs) - 1)
    scheds = [np.array(sorted(t), float) for t, _ in sorted(index.items(), key=lambda kv: kv[1])]
    return Programs(kind, nominal, rest, sched, missable, connect, first, dest, scheds,
                    np.array([bool(s) for s in steps]))


@dataclass
class Draws:
    """Monte Carlo results for P pairs x D parcels: delivery time (s after day-D midnight), hours from
    collection, and the mean hours of each State Post Bureau stage per pair (P, 4). NaN = unreachable."""

    delivered_s: np.ndarray  # (P, D) float32
    hours: np.ndarray  # (P, D) float32
    stage_hours: np.ndarray  # (P, 4)
    seed: int
    draws: int


def simulate(prog: Programs, service: ServiceParams, var: VariabilityParams | None = None,
             draws: int | None = None, seed: int | None = None) -> Draws:
    """Simulate ``draws`` parcels on every program (vectorised over pairs x draws, in chunks of CHUNK pairs,
    each chunk seeded from (seed, chunk number) so that the same seed gives the same draws)."""
    var = var or VariabilityParams()
    D = int(draws if draws is not None else var.draws)
    seed = int(var.seed if seed is None else seed)
    P = len(prog.reachable)
    delivered = np.full((P, D), np.nan, np.float32)
    hours = np.full((P, D), np.nan, np.float32)
    stages = np.full((P, 4), np.nan)
    t_cut = hhmm(service.cutoff)
    window = (t_cut - hhmm(service.collection_start)) % DAY
    for c, lo in enumerate(range(0, P, CHUNK)):
        sl = slice(lo, min(P, lo + CHUNK))
        rng = np.random.default_rng([seed, c])
        kind = prog.kind[sl]
        n = kind.shape[0]
        collected = t_cut - rng.random((n, D)) * window
        t = np.full((n, D), t_cut)
        marks = np.full((3, n, D), np.nan)  # left origin, reached destination centre, round started
        for s in range(kind.shape[1]):
            on = kind[:, s] >= 0
            if not on.any():
                break
            _catch_departures(prog, sl, s, on, t, rng, var)
            for i, when in enumerate((prog.first_move[sl], prog.dest_arrival[sl])):
                mark = on & (when == s)
                marks[i, mark] = t[mark]
            t += _step_durations(prog, sl, s, t, marks, rng, var, service.round_duration_s)  # 0: no step s
        ok = prog.reachable[sl]
        t[~ok] = np.nan
        delivered[sl] = t
        hours[sl] = (t - collected) / 3600
        stages[sl] = _stage_hours(collected, marks, t)
        stages[sl][~ok] = np.nan
    return Draws(delivered, hours, stages, seed, D)


def _catch_departures(prog: Programs, sl: slice, s: int, on: np.ndarray, t: np.ndarray, rng, var) -> None:
    """Step ``s`` of the pairs ``sl`` leaves on its timetable: each parcel (clock ``t``, updated in place)
    catches the first departure after its connection time; one that can be missed (a bank, a round) is missed
    with VariabilityParams.miss_departure_p and leaves on the next."""
    sched, connect, missable = prog.sched[sl], prog.connect[sl], prog.missable[sl]
    for sid in np.unique(sched[on, s]):
        if sid < 0:
            continue
        m = on & (sched[:, s] == sid)
        times = prog.schedules[sid]
        dep = next_departures(t[m] + connect[m, s][:, None], times)
        miss = missable[m, s][:, None] & (rng.random(dep.shape) < var.miss_departure_p)
        t[m] = np.where(miss, next_departures(dep + 1.0, times), dep)


def _step_durations(prog: Programs, sl: slice, s: int, t: np.ndarray, marks: np.ndarray, rng, var,
                    round_s: float) -> np.ndarray:
    """Drawn duration (s) of step ``s`` for each parcel of the pairs ``sl``: gamma processing, lognormal road
    and rail (plus the drivers' rests), flights late with the punctuality share, and a delivery round (of
    ``round_s``) failed and tried again on the next one; marks when the round starts."""
    k, nom, rest, sched = prog.kind[sl][:, s], prog.nominal[sl], prog.rest[sl], prog.sched[sl]
    n, D = t.shape
    u = rng.random((n, D))
    dur = np.zeros((n, D))
    m = k == FIXED
    if m.any():
        cv = var.processing_cv
        if cv > 0:
            shape = 1.0 / cv**2
            dur[m] = nom[m, s][:, None] * rng.gamma(shape, 1.0 / shape, (int(m.sum()), D))
        else:
            dur[m] = nom[m, s][:, None]
    for kk, sigma in ((ROAD, var.road_sigma), (RAIL, var.rail_sigma)):
        m = k == kk
        if m.any():
            f = np.exp(rng.normal(-sigma**2 / 2, sigma, (int(m.sum()), D))) if sigma > 0 else 1.0
            dur[m] = nom[m, s][:, None] * f + rest[m, s][:, None]
    m = k == AIR
    if m.any():
        late = u[m] > var.flight_on_time_share
        delay = rng.exponential(var.flight_delay_mean_s, late.shape) * late
        dur[m] = nom[m, s][:, None] + delay
    m = k == ROUND
    if m.any():
        marks[2, m] = t[m]
        fail = rng.random((int(m.sum()), D)) < var.failed_delivery_p
        sid = sched[m, s]
        again = np.empty((int(m.sum()), D))
        for x in np.unique(sid):
            mm = sid == x
            again[mm] = next_departures(t[m][mm] + round_s, prog.schedules[x])
        start = np.where(fail, again, t[m])
        dur[m] = (start - t[m]) + u[m] * round_s
    return dur


def _stage_hours(collected: np.ndarray, marks: np.ndarray, t: np.ndarray) -> np.ndarray:
    """Mean hours per pair of the State Post Bureau's four stages: collection to leaving the origin, to the
    destination centre, to the delivery round, to delivery (NaN where a pair has none)."""
    b = [collected, marks[0], marks[1], marks[2], t]
    with warnings.catch_warnings():  # unreachable pairs have no stages
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.column_stack([np.nanmean(b[i + 1] - b[i], axis=1) / 3600 for i in range(4)])
