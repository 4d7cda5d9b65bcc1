"""Tests of the plans' time goals (scenarios/goals.yaml): pairs tested, how many meet the goal, pass/fail."""

from __future__ import annotations

import functools
from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd
import yaml

from .display import TableRepr
from .errors import DataError, InputError
from .gazetteer import locate
from .geography import Region, resolve
from .matrix import place_nodes
from .models import service_model
from .service import DAY, ServiceModel, clock, hhmm
from .settings import scenarios_dir


DOC_REGION = {"GD": "guangdong", "LN": "liaoning", "YRD": "yrd", "NP": "national", "NX": "national"}


@functools.lru_cache(maxsize=1)
def goal_book() -> dict:
    """The goals file: place_sets, goals, out_of_scope."""
    path = scenarios_dir() / "goals.yaml"
    if not path.is_file():
        raise DataError(f"goals file {path} is missing")
    return yaml.safe_load(path.read_text(encoding="utf-8"))


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

    def to_dict(self) -> dict:
        d = asdict(self)
        d.pop("pairs")
        d.pop("pair_hours")
        return d

    def _title(self) -> str:
        return (f"GoalResult {self.id} ({self.region}, {self.product}): {self.verdict}, {self.pairs_met}/"
                f"{self.pairs_total} pairs within {self.threshold_hours:g} h ({self.share_met:.1%}; target "
                f"{self.target_share:.0%}); missed {self.pairs_missed}, unreachable {self.pairs_unreachable}")

    def _table(self) -> pd.DataFrame:
        rows = [{"worst pair": f"{w['origin']} -> {w['destination']}",
                 "door_to_door_hours": w.get("door_to_door_hours"), "binding step": w.get("binding_step", "")}
                for w in self.worst[:5]]
        return pd.DataFrame(rows)


def goal_table(results: list[GoalResult]) -> pd.DataFrame:
    """One row per goal: id, verdict, pairs met / total, share, target, threshold (h)."""
    return pd.DataFrame([{"goal": g.id, "product": g.product, "verdict": g.verdict,
                          "met": f"{g.pairs_met}/{g.pairs_total}", "share_met": round(g.share_met, 3),
                          "target": g.target_share, "threshold_h": g.threshold_hours, "missed": g.pairs_missed,
                          "unreachable": g.pairs_unreachable} for g in results])


def _nodes(spec: str, region: Region) -> list[tuple[str, str, str]]:
    """(node, name, prefecture adcode) of a place-set spec."""
    book = goal_book().get("place_sets", {})
    if "@" in spec:
        spec, other = spec.split("@", 1)
        region = resolve(other)
    if spec == "capitals":
        c = resolve("national").cities.query("is_capital")
        return [(f"city:{a}", n, a) for a, n in zip(c["adcode"], c["name"])]
    if spec == "cities":
        c = region.cities
        return [(f"city:{a}", n, a) for a, n in zip(c["adcode"], c["name"])]
    if spec == "counties":
        c = region.counties
        return [(f"county:{a}", n, p) for a, n, p in zip(c["adcode"], c["name"], c["prefecture_adcode"])]
    if spec in book:
        out = []
        for name in book[spec]:
            p = locate(name, level="prefecture")
            out.append((f"city:{p.code}", p.name_zh, p.code))
        return out
    return [(n, name, n.split(":")[1]) for n, name in place_nodes(spec, region.name)]


def _pairs(goal: dict, region: Region) -> tuple[list[tuple[str, str]], dict[str, str]]:
    """The (origin node, destination node) pairs a goal tests, and the places it excludes (name -> reason)."""
    spec = goal["pairs"]
    a, b = _nodes(spec["from"], region), _nodes(spec["to"], region)
    excl = {n for n, _, _ in _nodes(spec["exclude_both_in"], region)} if spec.get("exclude_both_in") else set()
    excluded = dict(goal.get("exclude", {}) or {})
    drop = set()
    for name in excluded:
        p = locate(name)
        drop |= {f"city:{p.code}", f"county:{p.code}"} | {n for n, _, pref in a + b if pref == p.code}
    out = []
    for oa, _, op in a:
        for db, _, dp in b:
            if oa == db or (spec.get("same_prefecture") and op != dp) or (oa in excl and db in excl):
                continue
            if oa in drop or db in drop:
                continue
            out.append((oa, db))
    return out, excluded


def _deadline(goal: dict, params) -> tuple[float, float, float, str]:
    """(posting time s, deadline s, threshold h, cut-off 'HH:MM') of a goal under the goal model's ``params``
    (whose cut-off already is the goal's or its product's)."""
    cutoff = params.cutoff
    t0 = hhmm(cutoff)
    if "deadline" in goal:
        limit = goal["deadline"]["day"] * DAY + hhmm(goal["deadline"]["time"])
    else:
        limit = t0 + float(goal["max_hours"]) * 3600
    return t0, limit, (limit - t0) / 3600, cutoff


def goal_model(goal: dict, model: ServiceModel | None = None) -> ServiceModel:
    """The model a goal is judged on: the region's (or ``model``) under the goal's product.

    Same-day and next-morning products bring their own cut-off, processing and rounds; the standard products
    (next-day, standard) keep the model's service parameters, which is where a scenario's changes apply."""
    m = model or service_model(goal["region"])
    product = goal.get("product", "next-day")
    params = m.params.with_(product=product) if product in ("next-day", "standard") else m.params.for_product(product)
    if "cutoff" in goal:
        params = params.with_(cutoff=goal["cutoff"])
    if goal.get("via_hubs") is not None:
        params = params.with_(via_hubs=bool(goal["via_hubs"]))
    return m if params == m.params else m.with_params(params)


def delivered_s(m: ServiceModel, pairs: list[tuple[str, str]]) -> np.ndarray:
    """Delivery time (s after day-D midnight) of each pair under ``m`` (NaN = unreachable): the whole-matrix
    computation for hub-routed products (the same times as journeys, tested), journeys otherwise."""
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


def _met(delivered: np.ndarray, limit: float, strict: bool) -> np.ndarray:
    return np.where(np.isnan(delivered), False, delivered < limit - 1e-6 if strict else delivered <= limit + 1e-6)


def evaluate(goal: dict, model: ServiceModel | None = None, n_worst: int = 5, n_missed: int = 30,
             sensitivity: bool = False) -> GoalResult:
    """Run one goal of the goals file on the region's default model (or ``model``), under its product;
    ``sensitivity`` also sweeps every key assumption (geonet.sensitivity) and says where the verdict flips."""
    region = resolve(goal["region"])
    m = goal_model(goal, model)
    pairs, excluded = _pairs(goal, region)
    t0, limit, threshold_h, cutoff = _deadline(goal, m.params)
    strict = bool(goal.get("strict", False))
    m.prepare([o for o, _ in pairs])
    dlv = delivered_s(m, pairs)
    met = _met(dlv, limit, strict)
    unreachable = np.isnan(dlv)
    n_met, n_unr = int(met.sum()), int(unreachable.sum())
    n_missed_all = len(pairs) - n_met - n_unr
    share = n_met / len(pairs) if pairs else float("nan")
    target = float(goal.get("target_share", 1.0))
    earliest = m.earliest_possible_s()
    unattainable = earliest > limit + 1e-6 or (strict and earliest >= limit - 1e-6)
    reason = ""
    if unattainable:
        p = m.params
        reason = (f"the {p.product} product's fixed steps alone (posted {cutoff}, processing "
                  f"{p.origin_processing_s / 3600:g} h + {p.dest_processing_s / 3600:g} h"
                  f"{', sorting' if p.via_hubs else ''}, the next round lasting {p.round_duration_s / 3600:g} h) "
                  f"deliver at {clock(earliest)} at the earliest, after the deadline {clock(limit)}, whatever the "
                  "network")
    verdict = "UNATTAINABLE" if unattainable and share < target - 1e-9 else (
        "PASS" if share >= target - 1e-9 else "FAIL")
    # journeys with legs only where words are needed: the worst pairs and the missed ones shown
    order = np.argsort(np.where(unreachable, np.inf, dlv))[::-1]
    explain = [i for i in order if not met[i]][:n_missed]
    worst_idx = list(order[:n_worst])
    journeys = {i: m.journey(*pairs[i]) for i in dict.fromkeys(worst_idx + explain)}
    worst_rows = []
    for i in worst_idx:
        j = journeys[i]
        crit = j.critical_leg
        worst_rows.append({"origin": j.origin, "destination": j.destination, "reachable": j.reachable,
                           "door_to_door_hours": None if j.door_to_door_hours is None else round(j.door_to_door_hours, 2),
                           "delivered_at": j.delivered_at, "met": bool(met[i]), "via": j.via,
                           "critical_leg": crit.to_dict() if crit else None,
                           "binding_step": j.binding_step(limit)})
    missed_rows = [{"origin": journeys[i].origin, "destination": journeys[i].destination,
                    "door_to_door_hours": journeys[i].door_to_door_hours and round(journeys[i].door_to_door_hours, 2),
                    "delivered_at": journeys[i].delivered_at, "binding_step": journeys[i].binding_step(limit)}
                   for i in explain]
    binding: dict[str, int] = {}
    missed_idx = [i for i in range(len(pairs)) if not met[i] and not unreachable[i]]
    if missed_idx:  # the deciding step of every missed pair, counted by kind
        for i in missed_idx:
            j = journeys.get(i) or m.journey(*pairs[i])
            c = j.critical_leg
            key = "fixed steps only" if c is None else c.mode
            binding[key] = binding.get(key, 0) + 1
    names = {n: m.label(n)[0] for pair in pairs for n in pair}
    sens = []
    if sensitivity:
        from .sensitivity import share_function, sweep

        sens = sweep(goal, m, share_function(goal, pairs), target)
    return GoalResult(goal["id"], goal["source"], goal["description"], region.name, round(threshold_h, 2),
                      len(pairs), n_met, n_unr, round(share, 4), target, verdict == "PASS",
                      goal.get("note", ""), worst_rows,
                      [(names[o], names[d], bool(ok)) for (o, d), ok in zip(pairs, met)],
                      m.params.product, n_missed_all, verdict, reason, excluded, missed_rows,
                      dict(sorted(binding.items(), key=lambda kv: -kv[1])), sens,
                      [round(float(x), 3) for x in (dlv - t0) / 3600], goal.get("quote", ""))


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
