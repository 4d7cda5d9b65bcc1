"""The scenario file: its fields (pydantic models), reading YAML safely (size, alias bombs, syntax errors with
their line), merging a ``base:`` chain, files named in a scenario confined to its folder tree, and validation
errors that name the file, line and field. ``geonet.scenario`` builds and runs what these files describe."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Literal

import yaml
from pydantic import (BaseModel, ConfigDict, Field, StrictInt, ValidationError, field_validator,
                      model_validator)

from .display import printable
from .errors import InputError
from .io import read_text
from .settings import SPEED_BOUNDS_KMH, is_hhmm, scenarios_dir


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
    demand: dict[str, float | int] = {}
    flows: dict[str, float | int] = {}

    @field_validator("name", "description")
    @classmethod
    def _no_control_characters(cls, v: str) -> str:
        if printable(v) != v:
            raise ValueError(f"holds control characters (terminal escapes): {printable(v)[:60]}; use plain text")
        return v


def line_of(node, path: tuple) -> int | None:
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


def read_scenario_yaml(path: Path) -> tuple[dict, yaml.Node]:
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


def merge(base: dict, child: dict) -> dict:
    out = copy.deepcopy(base)
    for k, v in child.items():
        if k == "base":
            continue
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = merge(out[k], v)
        elif k in ("add_hubs", "remove_hubs") and isinstance(v, list):
            out[k] = list(out.get(k, [])) + v
        else:
            out[k] = v
    return out


def service_value(k: str, v):
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


def base_path(cur: Path, base, root: Path, line) -> Path:
    """Resolve ``base:``: a .yaml/.yml file inside the top scenario's folder tree or the shipped scenarios."""
    if not isinstance(base, str) or not base.strip():
        raise InputError(f"{cur}:{line}: base: must be the file name of another scenario (.yaml)")
    bp = confined(cur, base, root, line, "base", (".yaml", ".yml"), "a scenario file (.yaml)")
    shipped = scenarios_dir() / base
    if not bp.exists() and "/" not in base and shipped.is_file():  # `base: liaoning.yaml`: the shipped one
        return shipped.resolve()
    return bp


def confined(cur: Path, value, root: Path, line, field_name: str, suffixes: tuple[str, ...], what: str) -> Path:
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


def validate_data(data: dict, node, path: Path, partial: bool, echo: bool = True) -> None:
    try:
        if partial:
            ScenarioSpec.model_validate({"name": "x", "region": "guangdong", **data})
        else:
            ScenarioSpec.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = tuple(x for x in err["loc"])
        line = line_of(node, loc)
        field_name = ".".join(str(x) for x in loc) or "(top level)"
        if not echo and (err["type"] == "extra_forbidden" or not loc or loc[0] not in ScenarioSpec.model_fields):
            raise InputError(f"{path} is not a scenario file (it holds keys a scenario does not have); "
                             "base: must name a scenario") from None
        got = err.get("input")
        got_s = "" if err["type"] == "missing" or isinstance(got, dict) or not echo else f" (got {_excerpt(got)})"
        raise InputError(f"{path}:{line or 1}: {field_name}: {_excerpt(err['msg'], 200)}{got_s}") from None
