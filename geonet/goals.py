"""Tests of the plans' time goals (scenarios/goals.yaml): pairs tested, how many meet the goal, pass/fail."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd

from .demand import pair_weights
from .display import TableRepr, percent
from .errors import DataError, InputError
from .gazetteer import locate
from .geography import Region, resolve
from .places import goal_book, place_set
from .verdict import deadline, delivered_s, met, outcome, passes
from .models import service_model
from .sensitivity import share_function, sweep
from .service import ServiceModel, clock
from .network.nodes import city_node, county_node


DOC_REGION = {"GD": "guangdong", "LN": "liaoning", "YRD": "yrd", "NP": "national", "NX": "national"}


@dataclass(repr=False)
class GoalResult(TableRepr):
    """One goal's verdict. Pairs: ``pairs_total`` tested (excluded places left out) = met + missed
    (reachable, late) + unreachable. ``verdict`` is PASS, FAIL or UNATTAINABLE (the product's fixed steps alone
    end after the deadline, whatever the network). ``missed`` explains up to 30 missed pairs by their binding
    step; ``binding_steps`` counts all missed pairs by the kind of step that decided them."""

    id: str
    source: str
    description: str
    region: str
    threshold_hours: float
    pairs_total: int
    pairs_met: int
    pairs_unreachable: int
    share_met: float
    target_share: float
    passed: bool
    note: str = ""
    worst: list[dict] = field(default_factory=list)
    pairs: list[tuple[str, str, bool]] = field(default_factory=list, repr=False)  # (origin, destination, met)
    product: str = "next-day"
    pairs_missed: int = 0
    verdict: str = ""
    unattainable_reason: str = ""
    excluded: dict[str, str] = field(default_factory=dict)
    missed: list[dict] = field(default_factory=list)
    binding_steps: dict[str, int] = field(default_factory=dict)
    sensitivity: list[dict] = field(default_factory=list)
    pair_hours: list[float] = field(default_factory=list, repr=False)  # door to door per pair (NaN: unreachable)
    quote: str = ""  # the plan's words (digest quote of ``source``)
    verdict_on: str = "capability"  # the figure the verdict rests on: capability (pairs) or outcome (parcels)
    capability_share: float = float("nan")  # best case: share of pairs meeting the goal (= share_met)
    parcels_share_met: float | None = None  # best case weighted by parcels (geonet.demand); None below cities
    outcome: dict = field(default_factory=dict)  # parcels: product, measure, on_time_share, mean_hours, p95, draws
    deadline_at: str | None = None  # 'D+1 18:00' for a goal with a clock deadline
    outcome_hours: list[float] | None = field(default=None, repr=False)  # simulated hours (sample, for charts)
    provenance: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        d = asdict(self)
        d.pop("pairs")
        d.pop("pair_hours")
        d.pop("outcome_hours")
        return d

    def _title(self) -> str:
        return f"GoalResult {self.id} ({self.region}, {self.product}): " + self.lines()[0]

    def lines(self) -> list[str]:
        """The verdict in words: what was tested, the capability, the outcome and which one decides."""
        when = f"by {self.deadline_at}" if self.deadline_at else f"within {self.threshold_hours:g} h of posting"
        parcels = "" if self.parcels_share_met is None else f", {self.parcels_share_met:.1%} of their parcels"
        cap = (f"capability {self.pairs_met}/{self.pairs_total} pairs {when} ({self.share_met:.1%}{parcels}; missed "
               f"{self.pairs_missed}, unreachable {self.pairs_unreachable})")
        o = self.outcome
        if o:
            weighted = ("" if o.get("parcels_on_time_share") is None
                        else f", {o['parcels_on_time_share']:.1%} weighing pairs by their parcels")
            what = (f"mean {o['mean_hours']:.1f} h (limit {self.threshold_hours:g} h)" if o["measure"] == "mean_hours"
                    else f"{o['on_time_share']:.1%} of parcels on time{weighted}")
            out = (f"outcome {what}, mean {o['mean_hours']:.1f} h, p95 {o['p95_hours']} h ({o['draws']} parcels "
                   f"per pair, seed {o['seed']})")
        else:
            out = "outcome not simulated"
        target = (f"target mean < {self.threshold_hours:g} h" if o and o.get("measure") == "mean_hours"
                  else f"target {percent(self.target_share)}")
        return [f"{self.verdict} on the {self.verdict_on} ({target}): {cap}; {out}"]

    def _table(self) -> pd.DataFrame:
        rows = [{"worst pair": f"{w['origin']} -> {w['destination']}",
                 "door_to_door_hours": w.get("door_to_door_hours"), "binding step": w.get("binding_step", "")}
                for w in self.worst[:5]]
        return pd.DataFrame(rows)


def goal_table(results: list[GoalResult]) -> pd.DataFrame:
    """One row per goal: id, verdict, pairs met / total, share (of pairs, of their parcels), target, threshold."""
    return pd.DataFrame([{"goal": g.id, "product": g.product, "verdict": g.verdict, "verdict_on": g.verdict_on,
                          "met": f"{g.pairs_met}/{g.pairs_total}", "share_met": round(g.share_met, 3),
                          "share_parcels_met": g.parcels_share_met,
                          "parcels_on_time": g.outcome.get("on_time_share"), "mean_hours": g.outcome.get("mean_hours"),
                          "target": g.target_share, "threshold_h": g.threshold_hours, "missed": g.pairs_missed,
                          "unreachable": g.pairs_unreachable} for g in results])


def _pairs(goal: dict, region: Region) -> tuple[list[tuple[str, str]], dict[str, str]]:
    """The (origin node, destination node) pairs a goal tests, and the places it excludes (name -> reason)."""
    spec = goal["pairs"]
    a, b = place_set(spec["from"], region), place_set(spec["to"], region)
    excl = {n for n, _, _ in place_set(spec["exclude_both_in"], region)} if spec.get("exclude_both_in") else set()
    excluded = dict(goal.get("exclude", {}) or {})
    drop = set()
    for name in excluded:
        p = locate(name)
        drop |= {city_node(p.code), county_node(p.code)} | {n for n, _, pref in a + b if pref == p.code}
    out = []
    for oa, _, op in a:
        for db, _, dp in b:
            if oa == db or (spec.get("same_prefecture") and op != dp) or (oa in excl and db in excl):
                continue
            if oa in drop or db in drop:
                continue
            out.append((oa, db))
    return out, excluded


def goal_model(goal: dict, model: ServiceModel | None = None) -> ServiceModel:
    """The model a goal is judged on: the region's (or ``model``) under the goal's product.

    Same-day and next-morning products bring their own cut-off, processing and rounds; the standard products
    (next-day, standard) keep the model's service parameters, which is where a scenario's changes apply."""
    m = (model or service_model(goal["region"])).for_product(goal.get("product", "next-day"))
    params = m.params
    if "cutoff" in goal:
        params = params.with_(cutoff=goal["cutoff"])
    if goal.get("via_hubs") is not None:
        params = params.with_(via_hubs=bool(goal["via_hubs"]))
    return m if params == m.params else m.with_params(params)


def evaluate(goal: dict, model: ServiceModel | None = None, n_worst: int = 5, n_missed: int = 30,
             sensitivity: bool = False, outcomes: bool = True) -> GoalResult:
    """Run one goal of the goals file on the region's default model (or ``model``), under its product: the
    capability (best case, share of pairs), the outcome (share of simulated parcels, ``outcomes``) and the
    verdict on the one the goal names (``verdict_on``: capability, or outcome); ``sensitivity`` also sweeps
    every key assumption (geonet.sensitivity) and shows where the verdict flips."""
    region = resolve(goal["region"])
    m = goal_model(goal, model)
    pairs, excluded = _pairs(goal, region)
    t0, limit, threshold_h, cutoff = deadline(goal, m.params)
    strict = bool(goal.get("strict", False))
    m.prepare([o for o, _ in pairs])
    dlv = delivered_s(m, pairs)
    ok = met(dlv, limit, strict)
    unreachable = np.isnan(dlv)
    n_met, n_unr = int(ok.sum()), int(unreachable.sum())
    n_missed_all = len(pairs) - n_met - n_unr
    share = n_met / len(pairs) if pairs else float("nan")
    target = float(goal.get("target_share", 1.0))
    basis = goal.get("verdict_on", "capability")
    if basis not in ("capability", "outcome"):
        raise DataError(f"goal {goal['id']}: verdict_on must be capability or outcome, got {basis!r}")
    w = pair_weights(region.name, pairs)
    by_parcels = round(float(w[ok].sum() / w.sum()), 4) if w is not None and w.sum() > 0 else None
    out = outcome(goal, m, pairs, weights=w) if (outcomes or basis == "outcome") and pairs else {}
    hours = out.pop("hours", None)
    reason = _unattainable(m, limit, strict, cutoff)
    unattainable = bool(reason)
    figure = out["value"] if basis == "outcome" else share
    ok_verdict = passes(goal, figure, target) if basis == "outcome" else share >= target - 1e-9
    verdict = "UNATTAINABLE" if unattainable and not ok_verdict else ("PASS" if ok_verdict else "FAIL")
    worst_rows, missed_rows, binding = _explain(m, pairs, dlv, ok, limit, n_worst, n_missed)
    names = {n: m.timing.label(n)[0] for pair in pairs for n in pair}
    sens = []
    if sensitivity:
        sens = sweep(goal, m, share_function(goal, pairs, basis), target)
    return GoalResult(
        id=goal["id"], source=goal["source"], description=goal["description"], region=region.name,
        threshold_hours=round(threshold_h, 2), pairs_total=len(pairs), pairs_met=n_met, pairs_unreachable=n_unr,
        share_met=round(share, 4), target_share=target, passed=verdict == "PASS", note=goal.get("note", ""),
        worst=worst_rows, pairs=[(names[o], names[d], bool(x)) for (o, d), x in zip(pairs, ok)],
        product=m.params.product, pairs_missed=n_missed_all, verdict=verdict, unattainable_reason=reason,
        excluded=excluded, missed=missed_rows, binding_steps=dict(sorted(binding.items(), key=lambda kv: -kv[1])),
        sensitivity=sens, pair_hours=[round(float(x), 3) for x in (dlv - t0) / 3600], quote=goal.get("quote", ""),
        verdict_on=basis, capability_share=round(share, 4), parcels_share_met=by_parcels, outcome=out,
        deadline_at=clock(limit) if "deadline" in goal else None,
        outcome_hours=None if hours is None else _sample(hours), provenance=m.provenance)


def _unattainable(m: ServiceModel, limit: float, strict: bool, cutoff: str) -> str:
    """Why no network can meet the deadline (the product's fixed steps alone end after it), or ''."""
    earliest = m.earliest_possible_s()
    if not (earliest > limit + 1e-6 or (strict and earliest >= limit - 1e-6)):
        return ""
    p = m.params
    return (f"the {p.product} product's fixed steps alone (posted {cutoff}, processing "
            f"{p.origin_processing_s / 3600:g} h + {p.dest_processing_s / 3600:g} h"
            f"{', sorting' if p.via_hubs else ''}, the next round lasting {p.round_duration_s / 3600:g} h) "
            f"deliver at {clock(earliest)} at the earliest, after the deadline {clock(limit)}, whatever the network")


def _explain(m: ServiceModel, pairs: list, dlv: np.ndarray, ok: np.ndarray, limit: float, n_worst: int,
             n_missed: int) -> tuple[list[dict], list[dict], dict[str, int]]:
    """The worst pairs and the missed ones shown, with their journeys' legs (built only where words are needed),
    and every missed reachable pair counted by the kind of step that decided it."""
    unreachable = np.isnan(dlv)
    order = np.argsort(np.where(unreachable, np.inf, dlv))[::-1]
    explain = [i for i in order if not ok[i]][:n_missed]
    worst_idx = list(order[:n_worst])
    journeys = {i: m.journey(*pairs[i]) for i in dict.fromkeys(worst_idx + explain)}
    worst_rows = []
    for i in worst_idx:
        j = journeys[i]
        crit = j.critical_leg
        worst_rows.append({"origin": j.origin, "destination": j.destination, "reachable": j.reachable,
                           "door_to_door_hours": None if j.door_to_door_hours is None else round(j.door_to_door_hours, 2),
                           "delivered_at": j.delivered_at, "met": bool(ok[i]), "via": j.via,
                           "critical_leg": crit.to_dict() if crit else None,
                           "binding_step": j.binding_step(limit)})
    missed_rows = [{"origin": journeys[i].origin, "destination": journeys[i].destination,
                    "door_to_door_hours": journeys[i].door_to_door_hours and round(journeys[i].door_to_door_hours, 2),
                    "delivered_at": journeys[i].delivered_at, "binding_step": journeys[i].binding_step(limit)}
                   for i in explain]
    binding: dict[str, int] = {}
    for i in (i for i in range(len(pairs)) if not ok[i] and not unreachable[i]):  # deciding steps, by kind
        c = (journeys.get(i) or m.journey(*pairs[i])).critical_leg
        key = "fixed steps only" if c is None else c.mode
        binding[key] = binding.get(key, 0) + 1
    return worst_rows, missed_rows, binding


def _sample(hours: np.ndarray, n: int = 4000) -> list[float]:
    """Up to ``n`` simulated hours (finite), evenly taken, for distribution charts."""
    h = np.sort(hours[np.isfinite(hours)].ravel())
    if h.size > n:
        h = h[np.linspace(0, h.size - 1, n).astype(int)]
    return [round(float(x), 2) for x in h]


def goals(region: str, *, model_region: dict[str, ServiceModel] | None = None, sensitivity: bool = False,
          progress: bool = False) -> list[GoalResult]:
    """Every goal of the goals file for ``region`` ('guangdong', 'liaoning', 'yrd', 'national'): goals tested on
    that region's network, and goals of that region's plan tested on the national one (全国三日达 …).
    model_region: optional {region: ServiceModel} to evaluate on (scenarios); defaults otherwise.
    """
    region = resolve(region).name
    book = goal_book()
    chosen = [g for g in book["goals"] if g["region"] == region or DOC_REGION[g["source"].split("-")[0]] == region]
    if not chosen:
        raise InputError(f"no goals are listed for region {region!r}")
    models = model_region or {}
    from tqdm import tqdm

    return [evaluate(g, models.get(g["region"]), sensitivity=sensitivity)
            for g in tqdm(chosen, desc=f"goals {region}", unit="goal", disable=not progress, leave=False)]


def out_of_scope() -> dict[str, str]:
    """Goals of the plans that a network cannot test, with the reason."""
    return dict(goal_book().get("out_of_scope", {}))
