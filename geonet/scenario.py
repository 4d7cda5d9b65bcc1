"""Scenarios: a small YAML file naming a region, its hub set, assignments, service parameters and network
changes; it can extend another (``base:``). Validated with pydantic; errors name the file, line and field.

    scenario = geonet.Scenario.from_yaml("scenarios/guangdong_1p4p6.yaml")
    result = scenario.run()            # goal table, KPIs, OD matrix
    geonet.compare(result_a, result_b)  # side by side, deltas, pairs that flip
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
import yaml
from tqdm import tqdm
from pydantic import (BaseModel, ConfigDict, Field, StrictInt, ValidationError, field_validator,
                      model_validator)

from .catalog import hubs as catalog_hubs
from .coverage import coverage
from .display import TableRepr, network_label, printable
from .errors import GeonetError, InputError
from .gazetteer import locate
from .geography import cities, region_provinces
from .goals import GoalResult, goal_table, goals
from .matrix import od_matrix
from .network import build
from .network.air import air_line_problem
from .network.rail import declared_service, read_services
from .network.railways import rail_year
from .service import ServiceModel
from .io import read_text
from .settings import SPEED_BOUNDS_KMH, NetworkParams, ServiceParams, is_hhmm, scenarios_dir

Region = Literal["guangdong", "liaoning", "yrd", "national"]


class HubSpec(BaseModel):
    """A hub: a catalog id, or a city (prefecture) with a tier."""

    model_config = ConfigDict(extra="forbid")
    id: str | None = None
    city: str | None = None
    tier: int | None = Field(default=None, ge=1, le=3)


class RailSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    from_: str = Field(alias="from")
    to: str
    kmh: float | None = Field(default=None, gt=0, le=SPEED_BOUNDS_KMH["rail"][1], allow_inf_nan=False)
    first_departure: str = "07:00"
    last_departure: str = "21:00"
    headway_minutes: float = Field(default=60.0, gt=0, le=1440, allow_inf_nan=False)

    @field_validator("first_departure", "last_departure")
    @classmethod
    def _clock(cls, v: str) -> str:
        if not is_hhmm(v):
            raise ValueError("must be a clock time HH:MM from 00:00 to 23:59")
        return v

    @model_validator(mode="after")
    def _window(self) -> "RailSpec":
        if self.first_departure.zfill(5) > self.last_departure.zfill(5):
            raise ValueError(f"last_departure {self.last_departure} is before first_departure "
                             f"{self.first_departure}; a service window that crosses midnight is not supported "
                             "(declare two services)")
        if self.from_ == self.to:
            raise ValueError(f"a service from {self.from_} to itself")
        return self


class NetworkSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    modes: list[Literal["road", "rail", "air"]] = ["road", "rail", "air"]
    params: dict[str, float] = {}
    add_air_lines: list[tuple[str, str]] = []
    remove_air_lines: list[tuple[str, str]] = []
    rail_services: str | None = None
    declared_rail: list[RailSpec] = []
    rail_year: StrictInt | Literal["plan"] | None = None  # the rail layer's year (default latest); plan = all lines


class ScenarioSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str
    region: Region
    base: str | None = None
    description: str = ""
    sources: list[str] = []
    hubs: list[HubSpec] = []
    add_hubs: list[HubSpec] = []
    remove_hubs: list[str] = []
    assignments: dict[str, str] = {}
    service: dict[str, float | str | list[str] | dict[int, float] | bool] = {}
    network: NetworkSpec = NetworkSpec()

    @field_validator("name", "description")
    @classmethod
    def _no_control_characters(cls, v: str) -> str:
        if printable(v) != v:
            raise ValueError(f"holds control characters (terminal escapes): {printable(v)[:60]}; use plain text")
        return v


def _line_of(node, path: tuple) -> int | None:
    """1-based line of the YAML node at ``path`` (keys / indices), as deep as it exists."""
    line = node.start_mark.line + 1 if node is not None else None
    for key in path:
        if isinstance(node, yaml.MappingNode):
            pair = next(((k, v) for k, v in node.value if k.value == str(key)), None)
            if pair is None:
                break
            line, node = pair[0].start_mark.line + 1, pair[1]
            continue
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            node = node.value[key]
        else:
            break
        line = node.start_mark.line + 1
    return line


MAX_SCENARIO_MB = 1.0  # a scenario is a few hundred bytes; larger files are refused before parsing
MAX_YAML_NODES = 20_000  # nodes after alias expansion: a YAML alias bomb is refused before it expands


def _expanded_size(node, limit: int) -> int:
    """Number of nodes ``node`` expands to with every alias resolved, stopping once over ``limit``."""
    memo: dict[int, int] = {}

    def size(n, depth: int = 0) -> int:
        if id(n) in memo:
            return memo[id(n)]
        if depth > 100:
            return limit + 1
        if isinstance(n, yaml.MappingNode):
            total = 1 + sum(size(k, depth + 1) + size(v, depth + 1) for k, v in n.value)
        elif isinstance(n, yaml.SequenceNode):
            total = 1 + sum(size(v, depth + 1) for v in n.value)
        else:
            total = 1
        memo[id(n)] = total = min(total, limit + 1)
        return total

    return size(node) if node is not None else 0


def _read(path: Path) -> tuple[dict, yaml.Node]:
    text = read_text(path, "scenario file", max_mb=MAX_SCENARIO_MB)
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        if _expanded_size(node, MAX_YAML_NODES) > MAX_YAML_NODES:
            raise InputError(f"{path}: the YAML expands to more than {MAX_YAML_NODES:,} values through aliases "
                             "(&anchor/*alias); a scenario never needs that many: refused")
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark, ctx = getattr(exc, "problem_mark", None), getattr(exc, "context_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        opened = f" ({exc.context} at line {ctx.line + 1})" if ctx is not None and getattr(exc, "context", None) else ""
        raise InputError(f"{where}: YAML syntax error: {getattr(exc, 'problem', exc)}{opened}") from None
    if not isinstance(data, dict):
        raise InputError(f"{path}:1: a scenario is a mapping with at least name and region")
    return data, node


def _merge(base: dict, child: dict) -> dict:
    out = copy.deepcopy(base)
    for k, v in child.items():
        if k == "base":
            continue
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = _merge(out[k], v)
        elif k in ("add_hubs", "remove_hubs") and isinstance(v, list):
            out[k] = list(out.get(k, [])) + v
        else:
            out[k] = v
    return out


def _service_value(k: str, v):
    if k in ("delivery_rounds", "air_waves") and isinstance(v, list):
        return tuple(v)
    if k == "sort_s_by_tier" and isinstance(v, dict):
        try:
            return {int(a): float(b) for a, b in v.items()}
        except (TypeError, ValueError, OverflowError):
            raise InputError("service parameter sort_s_by_tier must map tiers 1-3 to seconds, e.g. {1: 7200}") from None
    return v


def _excerpt(value, n: int = 60) -> str:
    """A short echo of an offending value (a long or nested one is cut)."""
    text = repr(value)
    return text if len(text) <= n else text[:n] + f"... ({len(text)} chars)"


def _base_path(cur: Path, base, root: Path, line) -> Path:
    """Resolve ``base:``: a .yaml/.yml file inside the top scenario's folder tree or the shipped scenarios."""
    if not isinstance(base, str) or not base.strip():
        raise InputError(f"{cur}:{line}: base: must be the file name of another scenario (.yaml)")
    bp = _confined(cur, base, root, line, "base", (".yaml", ".yml"), "a scenario file (.yaml)")
    shipped = scenarios_dir() / base
    if not bp.exists() and "/" not in base and shipped.is_file():  # `base: liaoning.yaml`: the shipped one
        return shipped.resolve()
    return bp


def _confined(cur: Path, value, root: Path, line, field_name: str, suffixes: tuple[str, ...], what: str) -> Path:
    """A file named in a scenario (relative to the file that names it): it must lie in the top scenario's folder
    tree or among the shipped scenarios, so that a scenario can never make geonet read (and echo) any file."""
    if not isinstance(value, str) or not value.strip() or "\0" in value:
        raise InputError(f"{cur}:{line}: {field_name}: must be the file name of {what}")
    bp = (cur.parent / value).resolve()
    allowed = [root.parent.resolve(), scenarios_dir().resolve()]
    if bp.suffix.lower() not in suffixes or not any(bp.is_relative_to(a) for a in allowed):
        raise InputError(f"{cur}:{line}: {field_name}: {printable(value[:80])!r} must name {what} in "
                         f"{root.parent} or its subfolders, or among the shipped scenarios in {scenarios_dir()}")
    return bp


def _validate(data: dict, node, path: Path, partial: bool, echo: bool = True) -> None:
    try:
        if partial:
            ScenarioSpec.model_validate({"name": "x", "region": "guangdong", **data})
        else:
            ScenarioSpec.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = tuple(x for x in err["loc"])
        line = _line_of(node, loc)
        field_name = ".".join(str(x) for x in loc) or "(top level)"
        if not echo and (err["type"] == "extra_forbidden" or not loc or loc[0] not in ScenarioSpec.model_fields):
            raise InputError(f"{path} is not a scenario file (it holds keys a scenario does not have); "
                             "base: must name a scenario") from None
        got = err.get("input")
        got_s = "" if err["type"] == "missing" or isinstance(got, dict) or not echo else f" (got {_excerpt(got)})"
        raise InputError(f"{path}:{line or 1}: {field_name}: {_excerpt(err['msg'], 200)}{got_s}") from None


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
        data, node = _read(p)
        _validate(data, node, p, partial=True)
        chain, seen = [data], {p.resolve()}
        cur, cur_data = p, data
        cur_node = node
        while cur_data.get("base"):
            line = _line_of(cur_node, ("base",))
            bp = _base_path(cur, cur_data["base"], p, line)
            if bp in seen:
                raise InputError(f"{cur}:{line}: base: circular extension via {bp.name}")
            seen.add(bp)
            cur_data, cur_node = _read(bp)
            _validate(cur_data, cur_node, bp, partial=True, echo=False)
            chain.append(cur_data)
            cur = bp
        merged: dict = {}
        for d in reversed(chain):
            merged = _merge(merged, d)
        merged.pop("base", None)
        _validate(merged, node, p, partial=False)
        sc = cls(ScenarioSpec.model_validate(merged), p, _node=node)
        sc._check_network()
        for section, keys, check in (("service", sc.spec.service,
                                      lambda k, v: ServiceParams().with_(**{k: _service_value(k, v)})),
                                     ("network", sc.spec.network.params, lambda k, v: NetworkParams().with_(**{k: v}))):
            for k, v in keys.items():
                try:
                    check(k, v)
                except InputError as exc:
                    path_ = (section, k) if section == "service" else ("network", "params", k)
                    raise InputError(f"{p}:{_line_of(node, path_)}: {'.'.join(path_)}: {exc}") from None
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
        line = _line_of(self._node, keys) if self._node is not None else None
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
        for i, (a, b) in enumerate(net.add_air_lines):
            problem = air_line_problem(a, b, set(provs) if provs is not None else None)
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
            _confined(self.path, net.rail_services, self.path, _line_of(self._node, ("network", "rail_services")),
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
                    from .names import unknown

                    raise unknown("hub id", h.id, list(cat.index))
                r = cat.loc[h.id]
                prov = str(r["province_adcode"])[:2]
                from .geography import region_provinces

                provs = region_provinces(self.region)
                if provs is not None and prov not in provs:
                    raise InputError(f"{self._where()}: hub {h.id} lies in {r['province']}, outside region "
                                     f"{self.region}")
                tier = h.tier if h.tier is not None else (None if pd.isna(r["tier_rank"]) else int(r["tier_rank"]))
                rows.append({"id": h.id, "name": r["name_zh"], "tier_rank": tier, "node": f"hub:{h.id}",
                             "lon": r["lon"], "lat": r["lat"], "prefecture_adcode": r["prefecture_adcode"]})
            else:
                p = locate(h.city, level="prefecture")
                if self.region != "national" and p.code not in region_cities:
                    raise InputError(f"{self._where()}: hub city {h.city} ({p.province}) is outside region "
                                     f"{self.region}")
                # a city hub is named for its city ('营口'), sorts its own city's parcels (one facility with the
                # city centre) and can be named in assignments
                rows.append({"id": p.name_zh.removesuffix("市"), "name": p.name_zh, "tier_rank": h.tier or 3,
                             "node": f"city:{p.code}", "lon": p.lon, "lat": p.lat, "prefecture_adcode": p.code})
        df = pd.DataFrame(rows, columns=["id", "name", "tier_rank", "node", "lon", "lat", "prefecture_adcode"])
        df = df.drop_duplicates("id", keep="last").reset_index(drop=True)
        if df.empty:
            raise InputError(f"{self._where()}: the hub set is empty")
        return df

    def network_params(self) -> NetworkParams:
        return NetworkParams().with_(**self.spec.network.params) if self.spec.network.params else NetworkParams()

    def service_params(self) -> ServiceParams:
        s = {k: _service_value(k, v) for k, v in self.spec.service.items()}
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
                assign[f"{'city' if p.level == 'prefecture' else p.level}:{p.code}"] = hub
            self._model = ServiceModel(G, hub_rows, self.service_params(), params, assign)
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
        pop = cities(None).set_index("name")["pop_ne"]
        loads = {}
        for hid in m.hub_ids.values():
            routed = od[od["via"].str.split(";").apply(lambda v, h=hid: h in v)]
            origins = routed.loc[routed["via"].str.split(";").str[0] == hid, "origin"].unique()
            loads[hid] = {"pairs": int(len(routed)), "population_assigned": int(np.nansum(pop.reindex(origins)))}
        kpis = {
            "hubs": len(m.hub_nodes),
            "door_to_door_mean_h": round(float(ok["door_to_door_hours"].mean()), 3),
            "door_to_door_p95_h": round(float(ok["door_to_door_hours"].quantile(0.95)), 3),
            "network_mean_h": round(float(ok["network_hours"].mean()), 3),
            "pairs_unreachable": int((~od["reachable"]).sum()),
            "line_haul_km_total": round(float(ok["km"].sum()), 1),
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

    def _title(self) -> str:
        return (f"Result of scenario {self.scenario.name!r} ({self.scenario.region}, "
                f"{network_label(self.scenario.model().provenance)}): "
                f"{sum(g.passed for g in self.goals)}/{len(self.goals)} goals pass; "
                f"door to door mean {self.kpis.get('door_to_door_mean_h')} h, p95 {self.kpis.get('door_to_door_p95_h')} h")

    def _table(self) -> pd.DataFrame:
        return goal_table(self.goals)


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
