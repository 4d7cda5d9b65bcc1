"""Air links: airports and routes from OpenFlights (ODbL 1.0; June-2014 snapshot, HISTORICAL), plus lines
a scenario declares. Flight time = great-circle distance / block speed + taxi time (NetworkParams).

Each airport is two nodes: ``air:XXX`` where parcels board (from the road) and ``air:XXX:arr`` where flights
land (to the road). A flight lands at the arrival node; going on by air takes the ``connection`` edge to the
departure node, which costs the minimum connection time (NetworkParams.air_connection_s), so that the fastest
path never connects in 0 minutes when a direct flight exists."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

import networkx as nx
import pandas as pd

from ..errors import DataError, InputError
from ..geography import cities, counties
from ..layers import layer_path
from ..settings import NetworkParams
from .geo import great_circle_m
from .nodes import air_node, arrival_node  # noqa: F401 (network.air.arrival_node is public)

SOURCE = "OpenFlights routes (ODbL 1.0, June 2014: historical)"


@functools.lru_cache(maxsize=1)
def airports() -> pd.DataFrame:
    """Airports with domestic routes: iata, icao, name, lon, lat (degrees WGS-84), county/province codes."""
    path = layer_path("airports.csv")
    if not path.is_file():
        raise DataError(f"layer {path} is missing: run `make layers`")
    ap = pd.read_csv(path, dtype={"county_adcode": str, "province_adcode": str}, keep_default_na=False)
    ap["label_zh"], ap["label_en"] = zip(*(airport_labels(r) for r in ap.itertuples()))
    return ap


_GENERIC = re.compile(r"\s*\b(International|Air Base|Airport|Airfield|Regional)\b", re.I)


def airport_labels(r) -> tuple[str, str]:
    """(Chinese, English) label of an airport with its code: ('揭阳潮汕机场 (SWA)', 'Jieyang Chaoshan (SWA)').
    The names are the layer's (layers/build/air.py): the airport's own English name today, and in Chinese the
    plans' name or, where they do not name it, its prefecture's short name with 机场 ('迪庆机场 (DIG)'). An
    English name that leaves out the city gets it in front ('Enshi Xujiaping (ENH)')."""
    core = _GENERIC.sub("", str(r.name_en)).strip()
    city = _places_en().get(str(r.prefecture)) or str(r.city).strip()
    if not core or core.split()[0].lower() not in _place_words():  # 'Xujiaping' -> 'Enshi Xujiaping'
        core = f"{city} {core}".strip()
    return f"{r.name_zh} ({r.iata})", f"{core} ({r.iata})"


@functools.lru_cache(maxsize=1)
def _places_en() -> dict[str, str]:
    """Chinese name -> English name of every prefecture and county."""
    return {n: e for t in (counties(None), cities(None)) for n, e in zip(t["name"], t["name_en"])}


@functools.lru_cache(maxsize=1)
def _place_words() -> frozenset[str]:
    return frozenset(e.split()[0].lower() for e in _places_en().values() if e)


@functools.lru_cache(maxsize=1)
def routes() -> pd.DataFrame:
    """Directed airport pairs with the number of operating airlines (OpenFlights 2014; a closed airport's
    routes moved to its successor, said in ``note``)."""
    rt = pd.read_csv(layer_path("air_routes.csv"), keep_default_na=False)
    if "note" not in rt:
        rt["note"] = ""
    return rt


@functools.lru_cache(maxsize=1)
def express_lines() -> list[tuple[str, str, str]]:
    """Default express cargo lines (both directions are added): (a, b, source); assumptions, cited."""
    path = layer_path("express_lines.csv")
    if not path.is_file():
        return []
    e = pd.read_csv(path, dtype=str, keep_default_na=False)
    return list(zip(e["a"], e["b"], e["source"]))


def flight_time_s(length_m: float, params: NetworkParams) -> float:
    """Block time of one flight in seconds: taxi time + distance at the block speed."""
    return params.air_taxi_s + length_m / (params.air_block_kmh / 3.6)


def airport_codes(provinces: set[str] | None) -> set[str]:
    """IATA codes of the airports in ``provinces`` (2-digit codes; None = all)."""
    ap = airports()
    return set(ap["iata"] if provinces is None else ap.loc[ap["province_adcode"].str[:2].isin(provinces), "iata"])


def air_line_problem(a, b, known: set[str]) -> str | None:
    """What is wrong with a declared air line a-b (IATA codes) among the airports ``known`` (airport_codes), or
    None: codes must be upper-case IATA codes of airports of the region, and differ."""
    for code in (a, b):
        if not isinstance(code, str) or code not in known:
            hint = (f"; IATA codes are upper case ({code.upper()})" if isinstance(code, str) and code.upper() in known
                    else "")
            return (f"air line {a}-{b}: {str(code)[:12]!r} is not an airport of this region{hint} "
                    f"(known: {', '.join(sorted(known)[:12])} ...)")
    if a == b:
        return f"air line {a}-{b}: a line from an airport to itself; give two different airports"
    return None


def air_network(provinces: set[str] | None, params: NetworkParams,
                extra_lines: Iterable[tuple[str, str]] = (), removed: Iterable[tuple[str, str]] = ()) -> nx.MultiDiGraph:
    """Airports in ``provinces`` (2-digit codes; None = all) and the routes among them, both directions
    of each extra line (IATA pairs, labelled 'scenario'), minus removed pairs."""
    ap = airports()
    if provinces is not None:
        ap = ap[ap["province_adcode"].str[:2].isin(provinces)]
    ap = ap.set_index("iata")
    G = nx.MultiDiGraph()
    for iata, r in ap.iterrows():
        alt = pd.to_numeric(r.get("altitude_m", ""), errors="coerce")
        node = dict(x=float(r.lon), y=float(r.lat), mode="air", name=r["label_zh"], name_en=r["label_en"], iata=iata,
                    altitude_m=float(alt) if pd.notna(alt) else 0.0)
        G.add_node(air_node(iata), kind="airport", **node)
        G.add_node(arrival_node(iata), kind="arrivals", **node)
        G.add_edge(arrival_node(iata), air_node(iata), length=0.0, travel_time=params.air_connection_s,
                   mode="connection", source="minimum connection time (NetworkParams.air_connection_s)",
                   proxy=False, name=f"{iata} connection")
    drop = {tuple(p) for p in removed} | {tuple(reversed(p)) for p in removed}
    rt = routes()
    pairs = [(s, d, int(n), SOURCE + (f" ({note})" if note else "")) for s, d, n, note in
             zip(rt["src_iata"], rt["dst_iata"], rt["n_airlines"], rt["note"].fillna(""))]
    for a, b, why in express_lines():  # the express carriers' cargo lines a planner expects (assumptions)
        if a in ap.index and b in ap.index:
            label = f"express cargo line (assumption: {why})"
            pairs += [(a, b, 0, label), (b, a, 0, label)]
    for a, b in extra_lines:
        problem = air_line_problem(a, b, set(ap.index))
        if problem:
            raise InputError(problem)
        pairs += [(a, b, 0, "scenario-declared cargo line"), (b, a, 0, "scenario-declared cargo line")]
    for s, d, n, src in pairs:
        if s not in ap.index or d not in ap.index or (s, d) in drop:
            continue
        length = great_circle_m(ap.at[s, "lon"], ap.at[s, "lat"], ap.at[d, "lon"], ap.at[d, "lat"])
        G.add_edge(air_node(s), arrival_node(d), length=round(length, 1),
                   travel_time=round(flight_time_s(length, params), 1), mode="air", source=src, proxy=False,
                   n_airlines=n, name=f"{s}-{d}")
    return G
