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
import shapely

from .. import checks
from ..errors import GeonetError, InputError
from ..gazetteer import Place, locate
from ..geography import near
from ..io import read_records
from ..settings import SPEED_BOUNDS_KMH, NetworkParams
from .geo import great_circle_m
from .nodes import rail_node

REQUIRED = ["from", "to", "run_minutes", "first_departure", "last_departure", "headway_minutes", "source"]


@dataclass(frozen=True)
class RailService:
    """One direction of a rail service. Times are HH:MM local (UTC+8); minutes are minutes.
    ``where`` says where it was declared (``file:line``), for error messages."""

    origin: str
    destination: str
    run_minutes: float
    first_departure: str = "07:00"
    last_departure: str = "21:00"
    headway_minutes: float = 60.0
    source: str = "scenario-declared"
    assumption: bool = True
    where: str = ""


MAX_SERVICES = 2_000  # service directions read from one file; a scenario declares a few to a few hundred


def read_services(path: str | Path) -> list[RailService]:
    """Read a service CSV, checking every row (one-line errors naming file, line and column): the columns,
    at least one row, no short rows, numbers in range, HH:MM times in order (no window across midnight).
    Stations, self-loops and speeds are checked when the services are placed (:func:`rail_network`)."""
    out = []
    for where, row in read_records(path, "rail service file", REQUIRED, rows_word="services",
                                     max_rows=MAX_SERVICES):
        try:
            run = checks.number(row["run_minutes"], "run_minutes", "minutes", 0, 48 * 60, lo_open=True)
            head = checks.number(row["headway_minutes"], "headway_minutes", "minutes", 0, 24 * 60, lo_open=True)
            first = checks.hhmm_minutes(row["first_departure"], "first_departure")
            last = checks.hhmm_minutes(row["last_departure"], "last_departure")
        except InputError as exc:
            raise InputError(f"{where}: {exc}") from None
        if first > last:
            raise InputError(f"{where}: last_departure {row['last_departure']} is before first_departure "
                             f"{row['first_departure']}; a window across midnight is not supported (use two rows)")
        if not row["from"] or not row["to"]:
            raise InputError(f"{where}: from and to must name stations, cities or hubs")
        out.append(RailService(row["from"], row["to"], run, row["first_departure"], row["last_departure"], head,
                               row["source"] or f"file {Path(path).name}",
                               str(row.get("assumption", "")).lower() in ("true", "1", "yes"), where))
    return out


def declared_service(origin: str, destination: str, params: NetworkParams, *, kmh: float | None = None,
                     first_departure: str = "07:00", last_departure: str = "21:00",
                     headway_minutes: float = 60.0, where: str = "") -> RailService:
    """A planner-declared service: run time = great-circle x rail detour / speed (assumptions, labelled).
    ``where`` ('file:line: field') prefixes its errors and stays on the service."""
    try:
        a, b = locate(origin), locate(destination)
    except GeonetError as exc:
        raise InputError(f"{where or 'declared rail service'}: {exc}") from None
    speed = kmh or params.rail_hsr_kmh
    checks.number(speed, "declared rail speed", "km/h", *SPEED_BOUNDS_KMH["rail"])
    run = great_circle_m(a.lon, a.lat, b.lon, b.lat) * params.rail_detour_factor / (speed / 3.6) / 60
    return RailService(origin, destination, round(run, 1), first_departure, last_departure, headway_minutes,
                       f"scenario-declared: {speed:g} km/h x detour {params.rail_detour_factor:g} (assumption)", True,
                       where)


def rail_network(services: list[RailService], area=None, region: str | None = None
                 ) -> tuple[nx.MultiDiGraph, dict[str, Place]]:
    """Station nodes (at the located place) and one rail edge per service direction.

    Every service is checked: both ends resolve to known places, inside ``area`` (the region's polygon) when
    given, are different places, and the implied great-circle speed stays within the rail plausibility bound.
    """
    G = nx.MultiDiGraph()
    stations: dict[str, Place] = {}
    hi = SPEED_BOUNDS_KMH["rail"][1]
    for s in services:
        where = s.where or f"rail service {s.origin} -> {s.destination}"
        ends = []
        for name in (s.origin, s.destination):
            try:
                p = locate(name)
            except GeonetError as exc:
                raise InputError(f"{where}: station {name!r}: {exc}") from None
            if area is not None and not near([shapely.Point(p.lon, p.lat)], area, 0.05)[0]:  # ~5 km: border
                raise InputError(f"{where}: station {name} ({p.province}) lies outside region {region or 'area'}")
            ends.append(p)
        a, b = ends
        if a.name_zh == b.name_zh:
            raise InputError(f"{where}: a service from {a.name_zh} to itself")
        km = great_circle_m(a.lon, a.lat, b.lon, b.lat) / 1000
        kmh = km / (s.run_minutes / 60)
        if kmh > hi:
            raise InputError(f"{where}: {a.name_zh} -> {b.name_zh} is {km:.0f} km in {s.run_minutes:g} min, "
                             f"{kmh:,.0f} km/h over the great circle; rail runs at most {hi:g} km/h")
        for p in ends:
            stations[p.name_zh] = p
            G.add_node(rail_node(p.name_zh), x=p.lon, y=p.lat, mode="rail", kind="station", name=f"{re.sub('(市|区|县)$', '', p.name_zh)}站", name_en=f"{p.name_en} Station")
        G.add_edge(rail_node(a.name_zh), rail_node(b.name_zh),
                   length=round(km * 1000, 1), travel_time=s.run_minutes * 60,
                   mode="rail", source=s.source, proxy=False, assumption=s.assumption,
                   first_departure=s.first_departure, last_departure=s.last_departure,
                   headway_minutes=s.headway_minutes, name=f"{a.name_zh}-{b.name_zh}")
    return G, stations
