"""Resolve a place name (Chinese, pinyin or English, any case) to one prefecture, county or hub."""

from __future__ import annotations

import functools
from dataclasses import asdict, dataclass

import pandas as pd

from .catalog import hubs
from .errors import InputError, UnknownNameError
from .geography import cities, counties
from .names import norm, unknown


MAX_NAME_CHARS = 200  # the longest official names are ~20 characters; longer input is refused before any search


@dataclass(frozen=True)
class Place:
    """A located place. lon/lat in degrees WGS-84; ``level`` is 'prefecture', 'county' or 'hub'.

    ``alternatives`` lists other places the same name also fits ('朝阳区 (北京市, 110105)', ...) when the name
    was not unique and the prefecture was chosen: give the full name, 'prefecture+county' (北京朝阳区) or the
    code to pick another."""

    name_zh: str
    name_en: str
    level: str
    code: str  # adcode for admin units, catalog id for hubs
    lon: float
    lat: float
    prefecture: str
    province: str
    alternatives: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        d = asdict(self)
        d["alternatives"] = list(self.alternatives)
        return d


_LEVEL_ORDER = {"prefecture": 0, "hub": 1, "county": 2}
_SUFFIX = r"(特别行政区|自治州|自治县|自治旗|地区|盟|市|区|县|旗)$"


@functools.lru_cache(maxsize=1)
def _index() -> pd.DataFrame:
    pref = cities(None)
    cty = counties(None)
    hub = hubs(placed=True)
    short = lambda s: s.str.replace(_SUFFIX, "", regex=True)  # noqa: E731
    alt = lambda g: g["names_alt"].fillna("") if "names_alt" in g else g["name_en"]  # noqa: E731
    parts = [
        pd.DataFrame({"name_zh": pref["name"], "short_zh": short(pref["name"]), "name_en": pref["name_en"],
                      "alt": alt(pref), "level": "prefecture", "code": pref["adcode"], "lon": pref["seat_lon"],
                      "lat": pref["seat_lat"], "prefecture": pref["name"], "province": pref["province"]}),
        pd.DataFrame({"name_zh": hub["name_zh"], "short_zh": hub["name_zh"], "name_en": hub["name_en"],
                      "alt": hub["name_en"], "level": "hub", "code": hub["id"], "lon": hub["lon"], "lat": hub["lat"],
                      "prefecture": hub["prefecture"], "province": hub["province"]}),
        pd.DataFrame({"name_zh": cty["name"], "short_zh": short(cty["name"]), "name_en": cty["name_en"],
                      "alt": alt(cty), "level": "county", "code": cty["adcode"], "lon": cty["seat_lon"],
                      "lat": cty["seat_lat"], "prefecture": cty["prefecture"], "province": cty["province"]}),
    ]
    idx = pd.concat(parts, ignore_index=True).fillna({"province": "", "prefecture": "", "alt": ""})
    idx["key_en"] = idx["name_en"].map(norm)
    idx["key_alt"] = idx["alt"].map(lambda a: {norm(x) for x in str(a).split(";") if x})
    idx["key_code"] = idx["code"].str.lower()
    idx["rank"] = idx["level"].map(_LEVEL_ORDER)
    return idx


def _row_to_place(r: pd.Series, alternatives: tuple[str, ...] = ()) -> Place:
    return Place(r["name_zh"], r["name_en"], r["level"], r["code"], float(r["lon"]), float(r["lat"]),
                 r["prefecture"], r["province"], alternatives)


def _label(r) -> str:
    where = r.prefecture if r.level == "county" and r.prefecture else r.province
    return f"{r.name_zh} ({where}, {r.code})"


def _pick(hit: pd.DataFrame, q: str) -> Place:
    """One place from the rows an exact key matched: the highest level wins when it is one unit; the other
    units the name fits come back as ``alternatives``; two units of the same level are ambiguous."""
    units = hit.drop_duplicates(["name_zh", "province", "level"])  # a unit may also appear as hubs
    top = units[units["rank"] == units["rank"].min()]
    if len(top.drop_duplicates(["name_zh", "province"])) > 1:
        opts = ", ".join(_label(r) for r in top.itertuples())
        raise UnknownNameError(f"ambiguous place {q!r}: it matches {opts}; give the Chinese name with its city "
                               "(北京朝阳区) or the code")
    best = top.iloc[0]
    others = units[~((units["name_zh"] == best["name_zh"]) & (units["province"] == best["province"]))]
    others = others[~((others["level"] == "hub") & (others["prefecture"] == best["name_zh"]))]
    return _row_to_place(best, tuple(_label(r) for r in others.itertuples()))


def locate(name: str, *, level: str | None = None) -> Place:
    """The place called ``name``: '广州', '广州市', 'Guangzhou', 'guangzhou', 'Harbin', 'gd-airport-can', '440100',
    or a county with its city in front ('北京朝阳区', '北京市朝阳区').

    Exact matches rank first: the Chinese name, the code, the short Chinese name, then conventional English
    names (Harbin, Urumqi, Lhasa) and pinyin; fuzzy matches are only suggested. A prefecture wins over a hub
    or county of the same name and the others come back in ``Place.alternatives`` (朝阳: the Liaoning city;
    also 朝阳区 of Beijing and of Changchun). ``level`` ('prefecture', 'county', 'hub') restricts the search.
    Raises UnknownNameError with close matches, or when a name fits two units of the same level
    ('Suzhou': 苏州 and 宿州) with the candidates to choose from.
    """
    q = str(name).strip()
    if len(q) > MAX_NAME_CHARS:
        raise InputError(f"place name {q[:20]!r}... is {len(q):,} characters long; a place name has at most "
                         f"{MAX_NAME_CHARS} (give a name such as 广州, Guangzhou or 440100)")
    if level is not None and level not in _LEVEL_ORDER:
        raise unknown("level", level, _LEVEL_ORDER, list_all=True)
    return _locate(q, level)


@functools.lru_cache(maxsize=4096)
def _locate(q: str, level: str | None) -> Place:
    idx = _index()
    if level is not None:
        idx = idx[idx["level"] == level]
    key = norm(q)
    for mask in (idx["name_zh"] == q, idx["code"] == q, idx["key_code"] == key.lower(), idx["short_zh"] == q,
                 idx["key_en"] == key, idx["key_alt"].map(lambda s: key in s)):
        hit = idx[mask]
        if not hit.empty:
            return _pick(hit, q)
    qualified = _qualified(idx, q)
    if qualified is not None:
        return qualified
    raise unknown("place", q, list(idx["name_zh"]) + list(idx["name_en"]))


def _qualified(idx: pd.DataFrame, q: str) -> Place | None:
    """'北京朝阳区' / '北京市朝阳区' / '辽宁朝阳': a county (or city) named after its prefecture or province."""
    admin = idx[idx["level"] != "hub"]
    for cut in range(len(q) - 1, 1, -1):
        head, tail = q[:cut], q[cut:]
        inside = admin[(admin["prefecture"].str.startswith(head) | admin["province"].str.startswith(head))
                       & ((admin["name_zh"] == tail) | (admin["short_zh"] == tail))]
        if len(inside):
            return _pick(inside, q)
    return None
