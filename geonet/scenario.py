"""Scenarios: a small YAML file naming a region, its hub set, assignments, service parameters and network
changes; it can extend another (``base:``). Validated with pydantic; errors name the file, line and field.

    scenario = geonet.Scenario.from_yaml("scenarios/guangdong_1p4p6.yaml")
    result = scenario.run()            # goal table, KPIs, OD matrix
    geonet.compare(result_a, result_b)  # side by side, deltas, pairs that flip
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import yaml
from pydantic import ValidationError
from tqdm import tqdm

from .catalog import hubs as catalog_hubs
from .coverage import coverage
from .flows import flows
from .display import TableRepr, network_label, printable
from .errors import GeonetError, InputError
from .gazetteer import locate
from .geography import cities, region_provinces
from .goals import GoalResult, goal_table, goals
from .matrix import od_matrix
from .network import build
from .network.air import air_line_problem, airport_codes
from .network.rail import declared_service, read_services
from .names import unknown
from .network.railways import rail_year
from .sensitivity import describe
from .service import ServiceModel
from .scenario_file import (ScenarioSpec, base_path, confined, line_of, merge, read_scenario_yaml, service_value,
                            validate_data)
from .settings import DemandParams, FlowParams, NetworkParams, ServiceParams
from .network.nodes import city_node, hub_node, place_node


@dataclass
class Scenario:
    """A validated scenario. ``path`` is where it was read from (relative files resolve against it)."""

    spec: ScenarioSpec
    path: Path | None = None
    _model: ServiceModel | None = field(default=None, repr=False)
    _node: yaml.Node | None = field(default=None, repr=False)  # the parsed YAML: lines for error messages

    @classmethod
    def from_yaml(cls, path: str | Path) -> Scenario:
        """Read, merge with its ``base:`` chain, validate; InputError names file, line and field."""
        p = Path(path)
        data, node = read_scenario_yaml(p)
        validate_data(data, node, p, partial=True)
        chain, seen = [data], {p.resolve()}
        cur, cur_data = p, data
        cur_node = node
        while cur_data.get("base"):
            line = line_of(cur_node, ("base",))
            bp = base_path(cur, cur_data["base"], p, line)
            if bp in seen:
                raise InputError(f"{cur}:{line}: base: circular extension via {bp.name}")
            seen.add(bp)
            cur_data, cur_node = read_scenario_yaml(bp)
            validate_data(cur_data, cur_node, bp, partial=True, echo=False)
            chain.append(cur_data)
            cur = bp
        merged: dict = {}
        for d in reversed(chain):
            merged = merge(merged, d)
        merged.pop("base", None)
        validate_data(merged, node, p, partial=False)
        sc = cls(ScenarioSpec.model_validate(merged), p, _node=node)
        sc._check_network()
        for section, keys, check in (("service", sc.spec.service,
                                      lambda k, v: ServiceParams().with_(**{k: service_value(k, v)})),
                                     ("network", sc.spec.network.params, lambda k, v: NetworkParams().with_(**{k: v})),
                                     ("demand", sc.spec.demand, lambda k, v: DemandParams().with_(**{k: v})),
                                     ("flows", sc.spec.flows, lambda k, v: FlowParams().with_(**{k: v}))):
            for k, v in keys.items():
                try:
                    check(k, v)
                except InputError as exc:
                    path_ = ("network", "params", k) if section == "network" else (section, k)
                    raise InputError(f"{p}:{line_of(node, path_)}: {'.'.join(path_)}: {exc}") from None
        return sc

    @classmethod
    def from_dict(cls, data: dict) -> Scenario:
        try:
            sc = cls(ScenarioSpec.model_validate(data))
        except ValidationError as exc:
            err = exc.errors()[0]
            raise InputError(f"scenario: {'.'.join(map(str, err['loc']))}: {err['msg']}") from None
        sc._check_network()
        return sc

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def region(self) -> str:
        return self.spec.region

    def _where(self) -> str:
        return str(self.path) if self.path else "scenario"

    def _at(self, *keys) -> str:
        """'file:line: field' of a field of this scenario, for error messages."""
        line = line_of(self._node, keys) if self._node is not None else None
        return f"{self._where()}:{line or 1}: {'.'.join(map(str, keys))}"

    def _check_network(self) -> None:
        """The network section's values that pydantic cannot judge: the rail year, the declared rail and air
        lines (their modes, airports and places) and the file of rail services (confined like ``base:``)."""
        net = self.spec.network
        try:
            rail_year(net.rail_year)
        except InputError as exc:
            raise InputError(f"{self._at('network', 'rail_year')}: {exc}") from None
        for key in ("declared_rail", "rail_services"):
            if getattr(net, key) and "rail" not in net.modes:
                raise InputError(f"{self._at('network', key)}: rail services need rail among network.modes "
                                 f"(modes: {', '.join(net.modes)}); add rail or drop the services")
        if net.add_air_lines and "air" not in net.modes:
            raise InputError(f"{self._at('network', 'add_air_lines')}: air lines need air among network.modes")
        provs = region_provinces(self.region)
        known = airport_codes(set(provs) if provs is not None else None) if net.add_air_lines else set()
        for i, (a, b) in enumerate(net.add_air_lines):
            problem = air_line_problem(a, b, known)
            if problem:
                raise InputError(f"{self._at('network', 'add_air_lines', i)}: {problem}")
        for i, r in enumerate(net.declared_rail):
            try:
                ends = [locate(r.from_), locate(r.to)]
            except GeonetError as exc:
                raise InputError(f"{self._at('network', 'declared_rail', i)}: {exc}") from None
            if ends[0].code == ends[1].code:
                raise InputError(f"{self._at('network', 'declared_rail', i)}: {r.from_} and {r.to} are the same "
                                 f"place ({ends[0].name_zh}); a service needs two places")
        if net.rail_services and self.path is not None:
            confined(self.path, net.rail_services, self.path, line_of(self._node, ("network", "rail_services")),
                      "network.rail_services", (".csv",), "a rail service file (.csv)")

    def hub_table(self) -> pd.DataFrame:
        """Resolved hubs: id, name, tier_rank, node (graph node), lon, lat."""
        cat = catalog_hubs(placed=True).set_index("id")
        allcat = catalog_hubs(placed=None).set_index("id")
        region_cities = set(cities(self.region)["adcode"])
        rows = []
        base_ids = {h.id for h in self.spec.hubs if h.id} | {h.city for h in self.spec.hubs if h.city}
        missing = sorted(set(self.spec.remove_hubs) - base_ids)
        if missing:
            raise InputError(f"{self._where()}: remove_hubs names {', '.join(missing)}, which is not in the hub set "
                             f"({', '.join(sorted(base_ids))})")
        kept = [h for h in self.spec.hubs if h.id not in self.spec.remove_hubs and h.city not in self.spec.remove_hubs]
        for h in kept + list(self.spec.add_hubs):  # (hubs - remove_hubs) + add_hubs
            if (h.id is None) == (h.city is None):
                raise InputError(f"{self._where()}: each hub needs exactly one of id or city (got {h.model_dump()})")
            if h.id is not None:
                if h.id not in cat.index:
                    if h.id in allcat.index:
                        raise InputError(f"{self._where()}: hub {h.id} is listed in the catalog but unplaced "
                                         f"({allcat.loc[h.id, 'unplaced_reason']})")
                    raise unknown("hub id", h.id, list(cat.index))
                r = cat.loc[h.id]
                prov = str(r["province_adcode"])[:2]
                provs = region_provinces(self.region)
                if provs is not None and prov not in provs:
                    raise InputError(f"{self._where()}: hub {h.id} lies in {r['province']}, outside region "
                                     f"{self.region}")
                tier = h.tier if h.tier is not None else (None if pd.isna(r["tier_rank"]) else int(r["tier_rank"]))
                rows.append({"id": h.id, "name": r["name_zh"], "tier_rank": tier, "node": hub_node(h.id),
                             "lon": r["lon"], "lat": r["lat"], "prefecture_adcode": r["prefecture_adcode"]})
            else:
                p = locate(h.city, level="prefecture")
                if self.region != "national" and p.code not in region_cities:
                    raise InputError(f"{self._where()}: hub city {h.city} ({p.province}) is outside region "
                                     f"{self.region}")
                # a city hub is named for its city ('营口'), sorts its own city's parcels (one facility with the
                # city centre) and can be named in assignments
                rows.append({"id": p.name_zh.removesuffix("市"), "name": p.name_zh, "tier_rank": h.tier or 3,
                             "node": city_node(p.code), "lon": p.lon, "lat": p.lat, "prefecture_adcode": p.code})
        df = pd.DataFrame(rows, columns=["id", "name", "tier_rank", "node", "lon", "lat", "prefecture_adcode"])
        df = df.drop_duplicates("id", keep="last").reset_index(drop=True)
        if df.empty:
            raise InputError(f"{self._where()}: the hub set is empty")
        return df

    def network_params(self) -> NetworkParams:
        return NetworkParams().with_(**self.spec.network.params) if self.spec.network.params else NetworkParams()

    def demand_params(self) -> DemandParams:
        """The demand this scenario's parcels come from (``demand:``: year, volume_scale, distance_decay ...)."""
        return DemandParams().with_(**self.spec.demand) if self.spec.demand else DemandParams()

    def flow_params(self) -> FlowParams:
        """How this scenario's parcels load trucks and hubs (``flows:``: national_peak_capacity_per_day ...)."""
        return FlowParams().with_(**self.spec.flows) if self.spec.flows else FlowParams()

    def service_params(self) -> ServiceParams:
        s = {k: service_value(k, v) for k, v in self.spec.service.items()}
        return ServiceParams().with_(**s) if s else ServiceParams()

    def model(self) -> ServiceModel:
        """The ServiceModel of this scenario (network built with its changes), built once."""
        if self._model is None:
            net = self.spec.network
            params = self.network_params()
            rail = None
            if "rail" in net.modes:
                rail = [declared_service(r.from_, r.to, params, kmh=r.kmh, first_departure=r.first_departure,
                                         last_departure=r.last_departure, headway_minutes=r.headway_minutes,
                                         where=self._at("network", "declared_rail", i))
                        for i, r in enumerate(net.declared_rail)]
                if net.rail_services:
                    base = self.path.parent if self.path else Path(".")
                    rail += read_services(base / net.rail_services)
            G = build(self.region, modes=net.modes, params=params, rail_services=rail or None,
                      rail_year=net.rail_year, air_lines=[tuple(x) for x in net.add_air_lines],
                      removed_air=[tuple(x) for x in net.remove_air_lines])
            hub_rows = self.hub_table()
            assign = {}
            for place, hub in self.spec.assignments.items():
                try:
                    p = locate(place)
                except GeonetError as exc:
                    raise InputError(f"{self._at('assignments', place)}: {exc}") from None
                if hub not in set(hub_rows["id"]):
                    raise InputError(f"{self._at('assignments', place)}: {printable(str(hub))[:40]!r} is not a hub "
                                     f"of this scenario (hubs: {', '.join(hub_rows['id'])})")
                assign[place_node(p.level, p.code)] = hub
            self._model = ServiceModel(G, hub_rows, self.service_params(), assign)
        return self._model

    def run(self, progress: bool = False, sensitivity: bool = False) -> Result:
        """Goal table, KPIs and the city OD matrix of this scenario (``progress``: a tqdm bar on stderr;
        ``sensitivity``: each goal also says where its verdict flips, geonet.sensitivity)."""
        with tqdm(total=4, desc=f"scenario {self.name}", unit="step", disable=not progress, leave=False) as bar:
            bar.set_postfix_str("network and model")
            m = self.model()
            bar.update()
            bar.set_postfix_str("goals")
            res_goals = goals(self.region, model_region={self.region: m}, sensitivity=sensitivity)
            bar.update()
            bar.set_postfix_str("city OD matrix")
            od = od_matrix("cities", "cities", region=self.region, model=m)
            bar.update()
            bar.set_postfix_str("coverage")
            cov = coverage(self.region, (12, 24), model=m)
            bar.update()
        ok = od[od["reachable"]]
        fl = flows(self.region, model=m, params=self.flow_params(), demand_params=self.demand_params(), on_time=False)
        hubs = fl.hubs.set_index("id")
        peak = fl.summary["peak_ratio"]
        loads = {}
        for hid in m.hub_ids.values():
            routed = od[od["via"].str.split(";").apply(lambda v, h=hid: h in v)]
            h = hubs.loc[hid]
            loads[hid] = {"pairs": int(len(routed)), "parcels_per_day": round(float(h["parcels_per_day"])),
                          "capacity_per_day": round(float(h["capacity_per_day"])),
                          "utilisation": round(float(h["utilisation"]), 4),
                          "utilisation_peak": round(float(h["utilisation"]) * peak, 4)}
        kpis = {
            "hubs": len(m.hub_nodes),
            "door_to_door_mean_h": round(float(ok["door_to_door_hours"].mean()), 3),
            "door_to_door_p95_h": round(float(ok["door_to_door_hours"].quantile(0.95)), 3),
            "network_mean_h": round(float(ok["network_hours"].mean()), 3),
            "pairs_unreachable": int((~od["reachable"]).sum()),
            "line_haul_km_total": round(float(ok["km"].sum()), 1),
            "parcels_sent_per_day": fl.summary["parcels_per_day"],
            "truck_km_per_day": fl.summary["truck_km_per_day"],
            "max_hub_utilisation": round(float(hubs["utilisation"].max()), 4),
            "max_hub_utilisation_peak": round(float(hubs["utilisation"].max()) * peak, 4),
            "hubs_over_capacity_peak": int((hubs["utilisation"] * peak > 1).sum()),
        }
        for r in cov.summary.itertuples():
            kpis[f"counties_within_{r.hours:g}h"] = int(r.counties_covered)
            kpis[f"share_counties_within_{r.hours:g}h"] = float(r.share_counties)
            kpis[f"share_known_population_within_{r.hours:g}h"] = (None if np.isnan(r.share_population_known)
                                                                    else float(r.share_population_known))
        for g in res_goals:
            kpis[f"goal_share:{g.id}"] = g.share_met
        return Result(self, res_goals, kpis, od, loads)


@dataclass(repr=False)
class Result(TableRepr):
    """What a scenario run returns: goal results, KPIs (dict), the city OD matrix, hub loads."""

    scenario: Scenario
    goals: list[GoalResult]
    kpis: dict
    od: pd.DataFrame
    hub_loads: dict

    def to_dict(self) -> dict:
        pv = self.scenario.model().provenance
        return {"name": self.scenario.name, "region": self.scenario.region, "network": pv["network"],
                "provenance": pv,
                "hubs": list(self.scenario.model().hub_ids.values()), "kpis": self.kpis, "hub_loads": self.hub_loads,
                "goals": [g.to_dict() for g in self.goals]}

    def lines(self) -> list[str]:
        """The run as the CLI prints it: the hubs, every KPI, each goal's verdict and, when swept, its levers."""
        m = self.scenario.model()
        out = [f"scenario {self.scenario.name} ({self.scenario.region}; {network_label(m.provenance)}): hubs "
               f"{', '.join(m.hub_ids.values())}"]
        out += [f"  {k:42s} {v}" for k, v in self.kpis.items()]
        for g in self.goals:
            out.append(f"  {g.verdict} {g.id} ({g.product}): {g.pairs_met}/{g.pairs_total} ({g.share_met:.1%}, "
                       f"target {g.target_share:.0%}); missed {g.pairs_missed}, unreachable {g.pairs_unreachable}")
            out += [f"      sensitivity: {describe(lever)}" for lever in g.sensitivity]
        return out

    def _title(self) -> str:
        return (f"Result of scenario {self.scenario.name!r} ({self.scenario.region}, "
                f"{network_label(self.scenario.model().provenance)}): "
                f"{sum(g.passed for g in self.goals)}/{len(self.goals)} goals pass; "
                f"door to door mean {self.kpis.get('door_to_door_mean_h')} h, p95 {self.kpis.get('door_to_door_p95_h')} h")

    def _table(self) -> pd.DataFrame:
        return goal_table(self.goals)


def kpi_lines(table: pd.DataFrame) -> list[str]:
    """KPI rows (columns kpi, a, b, delta) as aligned text lines: A, B and B - A to four significant digits."""
    fmt = lambda v: "-" if v is None else (f"{v:.4g}" if isinstance(v, float) else str(v))  # noqa: E731
    return [f"  {r.kpi:42s} {fmt(r.a):>12s} {fmt(r.b):>12s} {'' if r.delta is None else f'{r.delta:+.4g}':>10s}"
            for r in table.itertuples()]


@dataclass(repr=False)
class Comparison(TableRepr):
    """Side-by-side KPIs with deltas, hubs added/removed, and per goal the pairs that flip."""

    a: Result
    b: Result
    table: pd.DataFrame
    added: list[str]
    removed: list[str]
    flips: dict[str, dict[str, list]]

    def to_dict(self) -> dict:
        return {"a": self.a.scenario.name, "b": self.b.scenario.name, "region": self.b.scenario.region,
                "kpis": self.table.to_dict(orient="records"), "hubs_added": self.added, "hubs_removed": self.removed,
                "flips": {g: {k: [list(p) for p in v] for k, v in f.items()} for g, f in self.flips.items()},
                "goals": {g.id: {"a": g.verdict, "b": gb.verdict, "sensitivity_a": g.sensitivity,
                                 "sensitivity_b": gb.sensitivity}
                          for g in self.a.goals for gb in self.b.goals if gb.id == g.id}}

    def lines(self) -> list[str]:
        """The comparison as the CLI prints it: KPIs side by side with B - A, the hubs added and removed, the pairs
        that flip per goal (up to 8 each way) and, when swept, each goal's levers in A and B."""
        out = [f"A = {self.a.scenario.name}", f"B = {self.b.scenario.name}   ({self.b.scenario.region}; "
               f"{network_label(self.b.scenario.model().provenance)})", f"  {'kpi':42s} {'A':>12s} {'B':>12s} {'B - A':>10s}"]
        out += kpi_lines(self.table)
        out.append(f"hubs added: {', '.join(self.added) or '-'}; removed: {', '.join(self.removed) or '-'}")
        for gid, f in self.flips.items():
            if f["now_met"] or f["now_missed"]:
                out.append(f"{gid}: {len(f['now_met'])} pairs now meet it, {len(f['now_missed'])} now miss it")
                out += [f"    now missed: {o} -> {d}" for o, d in f["now_missed"][:8]]
                out += [f"    now met:    {o} -> {d}" for o, d in f["now_met"][:8]]
        for ga in self.a.goals:
            gb = next((g for g in self.b.goals if g.id == ga.id), None)
            if gb is not None and (ga.sensitivity or gb.sensitivity):
                out.append(f"{ga.id}: A {ga.verdict}, B {gb.verdict}")
                for la, lb in zip(ga.sensitivity, gb.sensitivity):
                    out += [f"    A {describe(la)}", f"    B {describe(lb)}"]
        return out

    def _title(self) -> str:
        n = sum(len(f["now_met"]) + len(f["now_missed"]) for f in self.flips.values())
        return (f"Comparison of {self.a.scenario.name!r} (A) and {self.b.scenario.name!r} (B), "
                f"{self.b.scenario.region}: hubs added {', '.join(self.added) or '-'}, removed "
                f"{', '.join(self.removed) or '-'}; {n} pairs flip")

    def _table(self) -> pd.DataFrame:
        return self.table.rename(columns={"a": "A", "b": "B", "delta": "B - A"})

    def map_changes(self) -> dict:
        flipped = []
        for f in self.flips.values():
            flipped += [(o, d, "met") for o, d in f["now_met"]] + [(o, d, "missed") for o, d in f["now_missed"]]
        return {"added": self.added, "removed": self.removed, "flipped": flipped}


def compare(a: Scenario | Result, b: Scenario | Result, progress: bool = False,
            sensitivity: bool = False) -> Comparison:
    """Compare two scenarios (or their results) of the same region (``progress``: tqdm bars on stderr;
    ``sensitivity``: both runs sweep their assumptions, and to_dict() gives each goal's flips side by side)."""
    ra = a if isinstance(a, Result) else a.run(progress, sensitivity)
    rb = b if isinstance(b, Result) else b.run(progress, sensitivity)
    if ra.scenario.region != rb.scenario.region:
        raise InputError(f"cannot compare a {ra.scenario.region} scenario with a {rb.scenario.region} one")
    rows = []
    for k in dict.fromkeys(list(ra.kpis) + list(rb.kpis)):
        va, vb = ra.kpis.get(k), rb.kpis.get(k)
        delta = round(vb - va, 4) if isinstance(va, (int, float)) and isinstance(vb, (int, float)) else None
        rows.append({"kpi": k, "a": va, "b": vb, "delta": delta})
    ha, hb = set(ra.scenario.model().hub_ids.values()), set(rb.scenario.model().hub_ids.values())
    flips = {}
    gb = {g.id: g for g in rb.goals}
    for g in ra.goals:
        if g.id not in gb:
            continue
        met_a = {(o, d) for o, d, ok in g.pairs if ok}
        met_b = {(o, d) for o, d, ok in gb[g.id].pairs if ok}
        flips[g.id] = {"now_met": sorted(met_b - met_a), "now_missed": sorted(met_a - met_b)}
    return Comparison(ra, rb, pd.DataFrame(rows), sorted(hb - ha), sorted(ha - hb), flips)
