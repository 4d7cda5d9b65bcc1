"""Tests of the plans' time goals (scenarios/goals.yaml): pairs tested, how many meet the goal, pass/fail."""

from __future__ import annotations

import functools
from dataclasses import asdict, dataclass, field

import pandas as pd
import yaml

from .display import TableRepr
from .errors import DataError, InputError
from .gazetteer import locate
from .geography import cities, counties, region_provinces
from .matrix import place_nodes
from .models import service_model
from .service import DAY, ServiceModel, hhmm
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

    def to_dict(self) -> dict:
        d = asdict(self)
        d.pop("pairs")
        return d

    def _title(self) -> str:
        return (f"GoalResult {self.id} ({self.region}): {'PASS' if self.passed else 'FAIL'}, {self.pairs_met}/"
                f"{self.pairs_total} pairs within {self.threshold_hours:g} h ({self.share_met:.1%}; target "
                f"{self.target_share:.0%}), {self.pairs_unreachable} unreachable")

    def _table(self) -> pd.DataFrame:
        rows = [{"worst pair": f"{w['origin']} -> {w['destination']}",
                 "door_to_door_hours": w.get("door_to_door_hours"), "via": ",".join(w.get("via", []))}
                for w in self.worst[:5]]
        return pd.DataFrame(rows)


def goal_table(results: list[GoalResult]) -> pd.DataFrame:
    """One row per goal: id, verdict, pairs met / total, share, target, threshold (h)."""
    return pd.DataFrame([{"goal": g.id, "verdict": "PASS" if g.passed else "FAIL",
                          "met": f"{g.pairs_met}/{g.pairs_total}", "share_met": round(g.share_met, 3),
                          "target": g.target_share, "threshold_h": g.threshold_hours,
                          "unreachable": g.pairs_unreachable} for g in results])


def _nodes(spec: str, region: str) -> list[tuple[str, str, str]]:
    """(node, name, prefecture adcode) of a place-set spec."""
    book = goal_book().get("place_sets", {})
    if "@" in spec:
        spec, region = spec.split("@", 1)
    if spec == "capitals":
        c = cities("national").query("is_capital")
        return [(f"city:{a}", n, a) for a, n in zip(c["adcode"], c["name"])]
    if spec == "counties":
        c = counties(region)
        return [(f"county:{a}", n, p) for a, n, p in zip(c["adcode"], c["name"], c["prefecture_adcode"])]
    if spec in book:
        out = []
        for name in book[spec]:
            p = locate(name, level="prefecture")
            out.append((f"city:{p.code}", p.name_zh, p.code))
        return out
    return [(n, name, n.split(":")[1]) for n, name in place_nodes(spec, region)]


def _pairs(goal: dict, region: str) -> list[tuple[str, str]]:
    spec = goal["pairs"]
    a, b = _nodes(spec["from"], region), _nodes(spec["to"], region)
    excl = {n for n, _, _ in _nodes(spec["exclude_both_in"], region)} if spec.get("exclude_both_in") else set()
    out = []
    for oa, _, op in a:
        for db, _, dp in b:
            if oa == db or (spec.get("same_prefecture") and op != dp) or (oa in excl and db in excl):
                continue
            out.append((oa, db))
    return out


def evaluate(goal: dict, model: ServiceModel | None = None, n_worst: int = 5) -> GoalResult:
    """Run one goal of the goals file on the region's default model (or ``model``)."""
    region = goal["region"]
    m = model or service_model(region)
    pairs = _pairs(goal, region)
    cutoff = goal.get("cutoff", m.params.cutoff)
    t0 = hhmm(cutoff)
    if "deadline" in goal:
        limit = goal["deadline"]["day"] * DAY + hhmm(goal["deadline"]["time"])
        threshold_h = (limit - t0) / 3600
    else:
        threshold_h = float(goal["max_hours"])
        limit = t0 + threshold_h * 3600
    strict = bool(goal.get("strict", False))
    journeys = []
    m.prepare([o for o, _ in pairs])
    for o, d in pairs:
        j = m.journey(o, d, via_hubs=goal.get("via_hubs"), cutoff=cutoff)
        ok = j.reachable and (j.delivered_s < limit - 1e-6 if strict else j.delivered_s <= limit + 1e-6)
        journeys.append((ok, j))
    met = int(sum(bool(ok) for ok, _ in journeys))
    unreachable = int(sum(not j.reachable for _, j in journeys))
    share = met / len(journeys) if journeys else float("nan")
    worst = sorted(journeys, key=lambda x: (x[1].reachable, -(x[1].door_to_door_hours or 0)))[:n_worst]
    worst_rows = []
    for ok, j in worst:
        crit = j.critical_leg
        worst_rows.append({"origin": j.origin, "destination": j.destination, "reachable": j.reachable,
                           "door_to_door_hours": None if j.door_to_door_hours is None else round(j.door_to_door_hours, 2),
                           "met": bool(ok), "via": j.via,
                           "critical_leg": crit.to_dict() if crit else None})
    target = float(goal.get("target_share", 1.0))
    return GoalResult(goal["id"], goal["source"], goal["description"], region, round(threshold_h, 2),
                      len(journeys), met, unreachable, round(share, 4), target, bool(share >= target - 1e-9),
                      goal.get("note", ""), worst_rows, [(j.origin, j.destination, bool(ok)) for ok, j in journeys])


def goals(region: str, *, model_region: dict[str, ServiceModel] | None = None) -> list[GoalResult]:
    """Every goal of the goals file for ``region`` ('guangdong', 'liaoning', 'yrd', 'national'): goals tested on
    that region's network, and goals of that region's plan tested on the national one (全国三日达 …).
    model_region: optional {region: ServiceModel} to evaluate on (scenarios); defaults otherwise.
    """
    region_provinces(region)
    book = goal_book()
    chosen = [g for g in book["goals"] if g["region"] == region or DOC_REGION[g["source"].split("-")[0]] == region]
    if not chosen:
        raise InputError(f"no goals are listed for region {region!r}")
    models = model_region or {}
    return [evaluate(g, models.get(g["region"])) for g in chosen]


def out_of_scope() -> dict[str, str]:
    """Goals of the plans that a network cannot test, with the reason."""
    return dict(goal_book().get("out_of_scope", {}))
