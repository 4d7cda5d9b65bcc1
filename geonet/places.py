"""Place sets: the named groups of places that goals, reliability tests and matrices run between.

A spec is ``cities``, ``counties``, ``capitals`` (municipalities and provincial capitals), ``spb50`` (the 50
cities of the State Post Bureau's time test, layers/spb_cities.csv, each with its basis), a set of the goals
file (``gba``, ``yrd_key``, ``ln_nodes``), ``hubs``, or any of these ``@region`` (``cities@guangdong``).
"""

from __future__ import annotations

import functools

import pandas as pd
import yaml

from .errors import DataError, InputError
from .gazetteer import locate
from .goal_spec import check_goal_book
from .geography import Region, resolve
from .io import read_records
from .matrix import place_nodes
from .settings import layers_dir, scenarios_dir
from .network.nodes import city_node, county_node, node_code


@functools.lru_cache(maxsize=1)
def goal_book() -> dict:
    """The goals file: place_sets, goals, out_of_scope."""
    path = scenarios_dir() / "goals.yaml"
    if not path.is_file():
        raise DataError(f"goals file {path} is missing")
    return check_goal_book(yaml.safe_load(path.read_text(encoding="utf-8")), str(path))


@functools.lru_cache(maxsize=1)
def spb_cities() -> pd.DataFrame:
    """The 50 cities of the State Post Bureau's 快递服务时限准时率测试: name, basis (named in a cited report,
    capital = assumption, stand-in = filled by population), source."""
    path = layers_dir() / "spb_cities.csv"
    if not path.is_file():
        raise DataError(f"layer {path} is missing: reinstall geonet")
    return pd.DataFrame([r for _, r in read_records(path, "the State Post Bureau test cities", ["name", "basis",
                                                                                                    "source"])])


def place_set(spec: str, region: Region | str) -> list[tuple[str, str, str]]:
    """(node, name, prefecture adcode) of every place of a place-set spec, in ``region`` unless the spec names
    its own (``cities@guangdong``); InputError for an unknown spec."""
    region = resolve(region) if isinstance(region, str) else region
    book = goal_book().get("place_sets", {})
    if "@" in spec:
        spec, other = spec.split("@", 1)
        region = resolve(other)
    if spec == "capitals":
        c = resolve("national").cities.query("is_capital")
        return [(city_node(a), n, a) for a, n in zip(c["adcode"], c["name"])]
    if spec == "cities":
        c = region.cities
        return [(city_node(a), n, a) for a, n in zip(c["adcode"], c["name"])]
    if spec == "counties":
        c = region.counties
        return [(county_node(a), n, p) for a, n, p in zip(c["adcode"], c["name"], c["prefecture_adcode"])]
    names = list(spb_cities()["name"]) if spec == "spb50" else book.get(spec)
    if names is not None:
        out = []
        for name in names:
            p = locate(name, level="prefecture")
            out.append((city_node(p.code), p.name_zh, p.code))
        return out
    try:
        return [(n, name, node_code(n)) for n, name in place_nodes(spec, region.name)]
    except InputError:
        raise InputError(f"unknown place set {spec!r}; use cities, counties, capitals, hubs, spb50, "
                         f"{', '.join(book)} (optionally @region)") from None
