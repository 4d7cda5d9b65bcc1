"""What meets a goal, shared by the goal tests (geonet.goals) and the sensitivity sweep (geonet.sensitivity).

A goal is met by a parcel posted on day D when it is delivered by the goal's ``deadline`` (day offset and clock
time: counted to that clock time, whenever the parcel was posted) or within ``max_hours`` of posting. The
*capability* is the best case: the share of pairs whose journey, posted at the cut-off, meets it. The
*outcome* is what parcels get: the share of simulated parcels (geonet.variability, collected through the day)
that meet it, or their mean hours for a goal on the mean full-journey time (``measure: mean_hours``).
"""

from __future__ import annotations

import numpy as np

from .reliability import outcome_draws
from .service import DAY, ServiceModel, hhmm

GOAL_DRAWS = 200  # parcels per pair for a goal's outcome (a sweep uses SWEEP_DRAWS)
SWEEP_DRAWS = 100


def deadline(goal: dict, params) -> tuple[float, float, float, str]:
    """(posting time s, deadline s, threshold h, cut-off 'HH:MM') of a goal under the goal model's ``params``
    (whose cut-off already is the goal's or its product's)."""
    cutoff = params.cutoff
    t0 = hhmm(cutoff)
    if "deadline" in goal:
        limit = goal["deadline"]["day"] * DAY + hhmm(goal["deadline"]["time"])
    else:
        limit = t0 + float(goal["max_hours"]) * 3600
    return t0, limit, (limit - t0) / 3600, cutoff


def met(delivered: np.ndarray, limit: float, strict: bool) -> np.ndarray:
    """True where a delivery time (s after day-D midnight; NaN = unreachable) meets the deadline ``limit``."""
    return np.where(np.isnan(delivered), False, delivered < limit - 1e-6 if strict else delivered <= limit + 1e-6)


def delivered_s(m: ServiceModel, pairs: list[tuple[str, str]]) -> np.ndarray:
    """Best-case delivery time (s after day-D midnight) of each pair under ``m`` (NaN = unreachable): the
    whole-matrix computation for hub-routed products (the same times as journeys, tested), journeys otherwise."""
    if not pairs:
        return np.array([])
    if m.params.via_hubs:
        os_, ds = list(dict.fromkeys(o for o, _ in pairs)), list(dict.fromkeys(d for _, d in pairs))
        dtd, _ = m.door_to_door_matrix(os_, ds)
        oi, di = {o: i for i, o in enumerate(os_)}, {d: j for j, d in enumerate(ds)}
        t0 = hhmm(m.params.cutoff)
        return np.array([t0 + dtd[oi[o], di[d]] * 3600 for o, d in pairs])
    out = []
    for o, d in pairs:
        j = m.journey(o, d)
        out.append(np.nan if j.delivered_s is None else j.delivered_s)
    return np.array(out)


def outcome(goal: dict, m: ServiceModel, pairs: list[tuple[str, str]], draws: int = GOAL_DRAWS,
            seed: int | None = None, weights: np.ndarray | None = None) -> dict:
    """The goal's outcome under ``m``'s product: {product, measure, on_time_share, parcels_on_time_share,
    mean_hours, p95_hours, draws, seed, value} with ``value`` the figure the outcome verdict compares (the on-time
    share, or the mean hours for ``measure: mean_hours``), and ``hours`` (pairs x draws, not for printing).
    ``weights`` (parcels per pair): parcels_on_time_share weighs each pair's share by its parcels (else None)."""
    _, limit, threshold, _ = deadline(goal, m.params)
    strict = bool(goal.get("strict", False))
    _, dr = outcome_draws(m, pairs, None, draws, seed)
    hours = dr.hours.astype(float)
    if "deadline" in goal:  # counted to the deadline's clock time, whenever the parcel was collected
        on = met(dr.delivered_s.astype(float), limit, strict)
    else:  # counted in hours from collection
        on = met(hours * 3600, threshold * 3600, strict)
    finite = hours[np.isfinite(hours)]
    share = float(on.mean()) if on.size else float("nan")
    by_parcels = (round(float(np.average(on.mean(axis=1), weights=weights)), 4)
                  if weights is not None and on.size and weights.sum() > 0 else None)
    mean = float(finite.mean()) if finite.size else float("nan")
    measure = goal.get("measure", "on_time_share")
    return {"product": m.params.product, "measure": measure, "on_time_share": round(share, 4),
            "parcels_on_time_share": by_parcels,
            "mean_hours": round(mean, 2), "p95_hours": round(float(np.percentile(finite, 95)), 2) if finite.size
            else None, "draws": dr.draws, "seed": dr.seed,
            "value": round(mean, 2) if measure == "mean_hours" else round(share, 4), "hours": hours}


def passes(goal: dict, value: float, target: float) -> bool:
    """Whether a goal's figure passes: a share at or above the target; a mean below (or at) the threshold."""
    if goal.get("measure") == "mean_hours":
        lim = float(goal["max_hours"])
        return bool(value < lim - 1e-9) if goal.get("strict") else bool(value <= lim + 1e-9)
    return bool(value >= target - 1e-9)
