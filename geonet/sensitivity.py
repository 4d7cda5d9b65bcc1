"""Where each verdict flips: every key assumption swept over a stated range, per goal.

Each lever changes one service assumption; for every value the goal's pairs are re-timed on the same cached
network paths (``ServiceModel.with_params``: the path choice is kept, clocks, waits and steps are redone), so a
sweep costs a few seconds per region instead of a network build per value. A lever's ``flips_at`` is the value
nearest the current one at which the verdict (PASS/FAIL) changes, None when nothing flips in the range; the
whole curve is kept (``values``, ``share_met_min`` / ``share_met_max``, ``dips``: values where the share falls
below both neighbours) and printed. A goal judged on its outcome is swept on its outcome (simulated parcels).
Speeding up roads keeps the paths chosen at today's speeds (an approximation that can only understate gains).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .service import ServiceModel
from .settings import ServiceParams
from .verdict import SWEEP_DRAWS, deadline, delivered_s, met, outcome, passes


@dataclass(frozen=True)
class Lever:
    """One assumption: its name, how the current value reads, the values tried and how to apply one."""

    parameter: str
    unit: str
    values: tuple
    apply: Callable[[ServiceParams, object], ServiceParams]
    current: Callable[[ServiceParams], object]
    numeric: bool = True
    needs_rail: bool = False


def _shift_clock(hhmm: str, hours: float) -> str:
    h, m = (int(x) for x in hhmm.split(":"))
    t = (h * 60 + m + int(round(hours * 60))) % (24 * 60)
    return f"{t // 60:02d}:{t % 60:02d}"


def _scale(p: ServiceParams, name: str, factor: float) -> ServiceParams:
    if name == "sort_s_by_tier":
        return p.with_(sort_s_by_tier={k: v * factor for k, v in p.sort_s_by_tier.items()},
                       sort_s_other=p.sort_s_other * factor)
    return p.with_(**{name: getattr(p, name) * factor})


DAY_WAVES = ("08:00", "12:00", "16:00", "20:00")
HOURLY_WAVES = tuple(f"{h:02d}:00" for h in range(24))

LEVERS: tuple[Lever, ...] = (
    Lever("cutoff", "hours later than the product's cut-off", (-3, -2, -1, 0, 1, 2, 3),
          lambda p, v: p.with_(cutoff=_shift_clock(p.cutoff, v)), lambda p: 0),
    Lever("origin_processing_s", "x today's origin processing time", (0.25, 0.5, 0.75, 1.0, 1.5, 2.0),
          lambda p, v: _scale(p, "origin_processing_s", v), lambda p: 1.0),
    Lever("sort_s_by_tier", "x today's hub sorting times", (0.25, 0.5, 0.75, 1.0, 1.5, 2.0),
          lambda p, v: _scale(p, "sort_s_by_tier", v), lambda p: 1.0),
    Lever("dest_processing_s", "x today's destination processing time", (0.25, 0.5, 0.75, 1.0, 1.5, 2.0),
          lambda p, v: _scale(p, "dest_processing_s", v), lambda p: 1.0),
    Lever("road_time_factor", "x the network's road times (0.8 = roads 25 % faster)", (0.6, 0.7, 0.8, 0.9, 1.0, 1.2, 1.4),
          lambda p, v: p.with_(road_time_factor=p.road_time_factor * v), lambda p: 1.0),
    Lever("air_waves", "departure waves", ("day waves only (08-20 h)", "today's waves", "hourly, round the clock"),
          lambda p, v: p.with_(air_waves={"day waves only (08-20 h)": DAY_WAVES, "hourly, round the clock":
                                          HOURLY_WAVES}.get(v, p.air_waves)),
          lambda p: "today's waves", numeric=False),
    Lever("delivery_rounds", "delivery rounds", ("morning only", "today's rounds", "plus an 18:00 evening round"),
          lambda p, v: p.with_(delivery_rounds={"morning only": (p.delivery_rounds[0],),
                                                "plus an 18:00 evening round": tuple(sorted(set(p.delivery_rounds)
                                                                                            | {"18:00"}))}.get(
              v, p.delivery_rounds)),
          lambda p: "today's rounds", numeric=False),
)


def sweep(goal: dict, model: ServiceModel, share_of: Callable[[ServiceModel], float], target: float,
          levers: tuple[Lever, ...] = LEVERS) -> list[dict]:
    """Per lever: {parameter, unit, current, range, values: [{value, share_met, passed}], flips_at,
    share_met_low, share_met_high}. ``share_of(model)`` times the goal's pairs on a model."""
    base = model.params
    has_rail = any(d.get("mode") == "rail" for _, _, d in model.G.edges(data=True))
    out = []
    for lever in levers:
        if lever.needs_rail and not has_rail:
            out.append({"parameter": lever.parameter, "unit": lever.unit, "current": None, "range": [],
                        "values": [], "flips_at": None, "share_met_low": None, "share_met_high": None,
                        "note": "not applicable: no rail in this network"})
            continue
        cur = lever.current(base)
        rows = []
        for v in lever.values:
            m = model if v == cur else model.with_params(lever.apply(base, v))
            share, ok = share_of(m)
            rows.append({"value": v, "share_met": round(share, 4), "passed": ok})
        now = next(r["passed"] for r in rows if r["value"] == cur)
        flips = [r for r in rows if r["passed"] != now]
        if lever.numeric:
            flips.sort(key=lambda r: abs(float(r["value"]) - float(cur)))
        else:
            pos = {v: i for i, v in enumerate(lever.values)}
            flips.sort(key=lambda r: abs(pos[r["value"]] - pos[cur]))
        shares = [r["share_met"] for r in rows]
        dips = [rows[i]["value"] for i in range(1, len(rows) - 1) if shares[i] < min(shares[i - 1], shares[i + 1])]
        out.append({"parameter": lever.parameter, "unit": lever.unit, "current": cur, "range": list(lever.values),
                    "values": rows, "flips_at": flips[0]["value"] if flips else None,
                    "share_met_low": rows[0]["share_met"], "share_met_high": rows[-1]["share_met"],
                    "share_met_min": min(shares), "share_met_max": max(shares), "dips": dips})
    return out


def describe(s: dict) -> str:
    """One line for a lever, with its whole curve: 'cutoff (hours later ...; now 0): flips at -1; -3: 99% |
    -2: 99% | -1: 92% FAIL (dip) | 0: 100% ...'."""
    if s.get("note"):
        return f"{s['parameter']}: {s['note']}"
    flip = "does not flip in the range" if s["flips_at"] is None else f"flips at {s['flips_at']}"
    curve = " | ".join(f"{v['value']}: {v['share_met']:.1%}{'' if v['passed'] else ' FAIL'}"
                       f"{' (dip)' if v['value'] in s.get('dips', []) else ''}" for v in s["values"])
    return f"{s['parameter']} ({s['unit']}; now {s['current']}): {flip}; {curve}"


def share_function(goal: dict, pairs, basis: str = "capability") -> Callable[[ServiceModel], tuple[float, bool]]:
    """share_of(model) -> (figure, passed): the share of a goal's pairs that meet it under the model's
    parameters (capability), or the outcome figure of simulated parcels (``basis`` 'outcome'). A deadline
    goal keeps its clock deadline when the cut-off moves; a max-hours goal counts from posting."""
    strict = bool(goal.get("strict", False))
    target = float(goal.get("target_share", 1.0))

    def share_of(m: ServiceModel) -> tuple[float, bool]:
        if basis == "outcome":
            v = outcome(goal, m, pairs, draws=SWEEP_DRAWS)["value"]
            return float(v), passes(goal, v, target)
        _, limit, _, _ = deadline(goal, m.params)
        share = float(met(delivered_s(m, pairs), limit, strict).mean()) if len(pairs) else float("nan")
        return share, bool(share >= target - 1e-9)

    return share_of
