"""Rail services: what a parcel rides on rail. From a service file (CSV) a user supplies, or declared by a
scenario (speeds are planner assumptions, labelled so). geonet never ships a timetable as fact.

Service CSV columns: from, to, run_minutes, first_departure (HH:MM), last_departure (HH:MM),
headway_minutes, source[, assumption]. ``from``/``to`` are station, city or hub names (any name
``geonet.locate`` resolves). Each row is one direction.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import networkx as nx
import pandas as pd

from ..errors import DataError, InputError
from ..gazetteer import Place, locate
from ..settings import NetworkParams
from .geo import great_circle_m

REQUIRED = ["from", "to", "run_minutes", "first_departure", "last_departure", "headway_minutes", "source"]
_HHMM = re.compile(r"^([01]?\d|2[0-3]):[0-5]\d$")


@dataclass(frozen=True)
class RailService:
    """One direction of a rail service. Times are HH:MM local (UTC+8); minutes are minutes."""

    origin: str
    destination: str
    run_minutes: float
    first_departure: str = "07:00"
    last_departure: str = "21:00"
    headway_minutes: float = 60.0
    source: str = "scenario-declared"
    assumption: bool = True


def rail_node(name_zh: str) -> str:
    return f"rail:{name_zh}"


def read_services(path: str | Path) -> list[RailService]:
    """Read a service CSV, checking every row (one-line errors naming file, row and column)."""
    p = Path(path)
    if not p.is_file():
        raise DataError(f"rail service file {p} not found")
    try:
        df = pd.read_csv(p, dtype=str, keep_default_na=False)
    except Exception as exc:
        raise DataError(f"rail service file {p} is not a readable CSV ({exc.__class__.__name__})") from exc
    missing = [c for c in REQUIRED if c not in df.columns]
    if missing:
        raise InputError(f"{p}: missing column(s) {', '.join(missing)}; required: {', '.join(REQUIRED)}")
    out = []
    for i, row in enumerate(df.to_dict("records"), start=2):
        try:
            run = float(row["run_minutes"])
            head = float(row["headway_minutes"])
        except ValueError:
            raise InputError(f"{p}:{i}: run_minutes and headway_minutes must be numbers") from None
        if not 0 < run < 48 * 60 or not 0 < head <= 24 * 60:
            raise InputError(f"{p}:{i}: run_minutes {run:g} / headway_minutes {head:g} out of range "
                             "(0 < run < 2880, 0 < headway <= 1440)")
        for col in ("first_departure", "last_departure"):
            if not _HHMM.match(row[col]):
                raise InputError(f"{p}:{i}: {col} {row[col]!r} is not HH:MM")
        out.append(RailService(row["from"], row["to"], run, row["first_departure"], row["last_departure"], head,
                               row["source"], str(row.get("assumption", "")).lower() in ("true", "1", "yes")))
    return out


def declared_service(origin: str, destination: str, params: NetworkParams, *, kmh: float | None = None,
                     first_departure: str = "07:00", last_departure: str = "21:00",
                     headway_minutes: float = 60.0) -> RailService:
    """A planner-declared service: run time = great-circle x rail detour / speed (assumptions, labelled)."""
    a, b = locate(origin), locate(destination)
    speed = kmh or params.rail_hsr_kmh
    run = great_circle_m(a.lon, a.lat, b.lon, b.lat) * params.rail_detour_factor / (speed / 3.6) / 60
    return RailService(origin, destination, round(run, 1), first_departure, last_departure, headway_minutes,
                       f"scenario-declared: {speed:g} km/h x detour {params.rail_detour_factor:g} (assumption)", True)


def rail_network(services: list[RailService]) -> tuple[nx.MultiDiGraph, dict[str, Place]]:
    """Station nodes (at the located place) and one rail edge per service direction."""
    G = nx.MultiDiGraph()
    stations: dict[str, Place] = {}
    for s in services:
        ends = []
        for name in (s.origin, s.destination):
            p = locate(name)
            stations[p.name_zh] = p
            G.add_node(rail_node(p.name_zh), x=p.lon, y=p.lat, mode="rail", kind="station", name=p.name_zh)
            ends.append(p)
        a, b = ends
        G.add_edge(rail_node(a.name_zh), rail_node(b.name_zh),
                   length=round(great_circle_m(a.lon, a.lat, b.lon, b.lat), 1), travel_time=s.run_minutes * 60,
                   mode="rail", source=s.source, proxy=False, assumption=s.assumption,
                   first_departure=s.first_departure, last_departure=s.last_departure,
                   headway_minutes=s.headway_minutes, name=f"{a.name_zh}-{b.name_zh}")
    return G, stations
