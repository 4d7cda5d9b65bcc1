"""Resolve a place name (Chinese, pinyin or English, any case) to one prefecture, county or hub."""

from __future__ import annotations

import functools
from dataclasses import asdict, dataclass

import pandas as pd

from .catalog import hubs
from .errors import UnknownNameError
from .geography import cities, counties
from .names import norm, unknown


@dataclass(frozen=True)
class Place:
    """A located place. lon/lat in degrees WGS-84; ``level`` is 'prefecture', 'county' or 'hub'."""

    name_zh: str
    name_en: str
    level: str
    code: str  # adcode for admin units, catalog id for hubs
    lon: float
    lat: float
    prefecture: str
    province: str

    def to_dict(self) -> dict:
        return asdict(self)


_LEVEL_ORDER = {"prefecture": 0, "hub": 1, "county": 2}


@functools.lru_cache(maxsize=1)
def _index() -> pd.DataFrame:
    pref = cities(None)
    cty = counties(None)
    hub = hubs(placed=True)
    short = lambda s: s.str.replace(r"(特别行政区|市|区|县)$", "", regex=True)  # noqa: E731
    parts = [
        pd.DataFrame({"name_zh": pref["name"], "short_zh": short(pref["name"]), "name_en": pref["name_en"],
                      "level": "prefecture", "code": pref["adcode"], "lon": pref["seat_lon"], "lat": pref["seat_lat"],
                      "prefecture": pref["name"], "province": pref["province"]}),
        pd.DataFrame({"name_zh": hub["name_zh"], "short_zh": hub["name_zh"], "name_en": hub["name_en"],
                      "level": "hub", "code": hub["id"], "lon": hub["lon"], "lat": hub["lat"],
                      "prefecture": hub["prefecture"], "province": hub["province"]}),
        pd.DataFrame({"name_zh": cty["name"], "short_zh": short(cty["name"]), "name_en": cty["name_en"],
                      "level": "county", "code": cty["adcode"], "lon": cty["seat_lon"], "lat": cty["seat_lat"],
                      "prefecture": cty["prefecture"], "province": cty["province"]}),
    ]
    idx = pd.concat(parts, ignore_index=True).fillna({"province": "", "prefecture": ""})
    idx["key_en"] = idx["name_en"].map(norm)
    idx["key_code"] = idx["code"].str.lower()
    idx["rank"] = idx["level"].map(_LEVEL_ORDER)
    return idx


def _row_to_place(r: pd.Series) -> Place:
    return Place(r["name_zh"], r["name_en"], r["level"], r["code"], float(r["lon"]), float(r["lat"]),
                 r["prefecture"], r["province"])


def locate(name: str, *, level: str | None = None) -> Place:
    """The place called ``name``: '广州', '广州市', 'Guangzhou', 'guangzhou', 'gd-airport-can', '440100'.

    A prefecture wins over a hub or county of the same name. ``level`` ('prefecture', 'county', 'hub')
    restricts the search. Raises UnknownNameError with close matches, or when a name is ambiguous
    (e.g. 'Suzhou' is both 苏州 and 宿州) with the candidates to choose from.
    """
    idx = _index()
    if level is not None:
        if level not in _LEVEL_ORDER:
            raise unknown("level", level, _LEVEL_ORDER, list_all=True)
        idx = idx[idx["level"] == level]
    q = str(name).strip()
    key = norm(q)
    for mask in (idx["name_zh"] == q, idx["code"] == q, idx["key_code"] == key.lower(),
                 idx["short_zh"] == q, idx["key_en"] == key):
        hit = idx[mask]
        if hit.empty:
            continue
        top = hit[hit["rank"] == hit["rank"].min()]
        # the same admin unit may appear once as a unit and again as hubs; distinct units are ambiguous
        distinct = top.drop_duplicates(["name_zh", "province"])
        if len(distinct) > 1:
            opts = ", ".join(f"{r.name_zh} ({r.province}, {r.code})" for r in distinct.itertuples())
            raise UnknownNameError(f"ambiguous place {q!r}: it matches {opts}; give the Chinese name or the code")
        return _row_to_place(top.iloc[0])
    raise unknown("place", q, list(idx["name_zh"]) + list(idx["name_en"]))
