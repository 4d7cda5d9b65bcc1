"""Build layers/hubs.csv: every placeable hub, node and park of the five plans, geocoded offline.

Input: ../shared/seeds/digest.yaml (node groups with verbatim quotes) and the admin layers built by admin.py.
Nothing here is typed by hand except the *classification* tables below (which digest categories a network
tool can place, which tier label a node group carries); every name comes from the digest and every
coordinate from a gazetteer:
- cities, counties and named districts -> their seat in layers/*.parquet (cpca seat, GCJ-02 -> WGS-84);
- airports -> the airport gazetteers (airportsdata, airports-py, OpenFlights, Natural Earth), matched by the
  pinyin of the airport's own name inside its city, cross-checked against every other gazetteer entry with
  the same IATA/ICAO code (disagreements over 5 km recorded);
- ports -> Natural Earth ports, matched by city name inside the city, checked against the city seat;
- anything else (rail stations, named sites below county level) is listed as unplaced, with the reason.
Run: python layers/build/catalog.py (after admin.py), or `make layers`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
import yaml

from common import HERE, LAYERS, LAYERS_OUT, SEEDS, SHARED_DATA, pinyin, short, title_pinyin
from geonet.io import atomic_path

DISAGREE_KM = 5.0

# digest category -> catalog kind (categories not listed are not places a network tool routes through:
# regulators, pilot/demo cities, agricultural origins, regions, siting rules, overseas nodes ...)
KIND = {
    "hub_cluster": "city hub", "hub_tier": "city hub", "airport": "airport", "port": "port",
    "rail_station": "rail station", "express_park": "park", "processing_centre": "site",
    "intl_processing_centre": "site", "exchange_office": "site", "cross_border_zone": "site",
    "hq_base": "site", "supply_chain_base": "site",
}
KIND_BY_NODE = {"YRD-N01": "city hub", "YRD-N02": "city hub"}  # park-layout cities are the YRD's hub cities
KIND_PRIORITY = ["city hub", "airport", "port", "rail station", "park", "site"]

# node group -> (tier code, rank: 1 = top of that plan's hierarchy); groups not listed keep the digest's text
TIERS = {
    "GD-N01": ("global", 1), "GD-N02": ("national", 2), "GD-N03": ("regional", 3),
    "LN-N01": ("postal-area-centre", 1), "LN-N02": ("express-node", 1), "LN-N03": ("node-hub", 1),
    "YRD-N01": ("tier-1 park city", 1), "YRD-N02": ("tier-2 park city", 2),
    "YRD-N04": ("air-express park", None), "YRD-N05": ("express park", None),
    "YRD-N06": ("international transport hub", 1), "YRD-N07": ("national transport hub", 2),
    "YRD-N08": ("regional transport hub", 3),
    "NP-N01": ("global cluster", 1),
    "NX-N02": ("cross-border centre A", None), "NX-N03": ("cross-border centre B", None),
    "NX-N04": ("cross-border centre C", None), "NX-N05": ("cross-border centre D", None),
    "NX-N06": ("cross-border rail centre", None),
}
SYSTEM = {"GD": "guangdong-1+4+6", "LN": "liaoning", "YRD": "yrd", "NX": "national", "NP": "national"}
SYSTEM_PREFIX = {"guangdong-1+4+6": "gd", "liaoning": "ln", "yrd": "yrd", "national": "cn"}
# provinces (2-digit adcode prefixes) in which a plan's names are looked up first
SCOPE = {"GD": ["44", "81", "82"], "LN": ["21"], "YRD": ["31", "32", "33"], "NX": None, "NP": None}

PREF_SUFFIXES = ["特别行政区", "自治州", "地区", "市", "盟"]
COUNTY_SUFFIXES = ["新区", "区", "县", "市", "林区", "旗"]
def norm_ascii(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", str(text).lower())


def haversine_km(lon1, lat1, lon2, lat2) -> float:
    lon1, lat1, lon2, lat2 = map(np.radians, (lon1, lat1, lon2, lat2))
    a = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    return float(2 * 6371.0088 * np.arcsin(np.sqrt(a)))


# ---------------------------------------------------------------- admin names
class Admin:
    def __init__(self) -> None:
        self.pref = gpd.read_parquet(LAYERS / "prefectures.parquet")
        self.cty = gpd.read_parquet(LAYERS / "counties.parquet")
        self.pref["short"] = self.pref["name"].map(short)
        self.cty["short"] = self.cty["name"].map(short)

    def _in_scope(self, df: pd.DataFrame, scope) -> pd.DataFrame:
        return df if scope is None else df[df["adcode"].str[:2].isin(scope)]

    def find_pref(self, name: str, scope) -> pd.Series | None:
        for sc in ([scope, None] if scope else [None]):
            df = self._in_scope(self.pref, sc)
            hit = df[(df["name"] == name) | (df["short"] == name)]
            if len(hit) == 0:
                hit = df[df["name"].isin([name + s for s in PREF_SUFFIXES])]
            if len(hit) == 1:
                return hit.iloc[0]
        return None

    def find_county(self, name: str, scope, within: str | None = None) -> pd.Series | None:
        for sc in ([scope, None] if scope else [None]):
            df = self._in_scope(self.cty, sc)
            if within is not None:
                df = df[df["prefecture_adcode"] == within]
            hit = df[df["name"].isin([name] + [name + s for s in COUNTY_SUFFIXES]) | (df["short"] == name)]
            if len(hit) == 1:
                return hit.iloc[0]
            if within is not None:
                break
        return None

    def split_city(self, name: str, scope) -> tuple[pd.Series | None, str]:
        """'广州白云' -> (广州市 row, '白云'): the longest leading city or county name and what follows."""
        for k in range(len(name), 1, -1):
            head = name[:k]
            unit = self.find_pref(head, scope)
            unit = unit if unit is not None else self.find_county(head, scope)
            if unit is not None:
                return unit, name[k:]
        return None, name

    def resolve(self, name: str, scope) -> tuple[pd.Series | None, str, str]:
        """Name -> (admin unit row, level 'prefecture'|'county'|'', unresolved remainder)."""
        p = self.find_pref(name, scope)
        if p is not None:
            return p, "prefecture", ""
        c = self.find_county(name, scope)
        if c is not None:
            return c, "county", ""
        # compound names: '<prefecture><county>' or '<prefecture|county><something smaller>'
        for k in range(len(name) - 1, 1, -1):
            head, rest = name[:k], name[k:]
            p = self.find_pref(head, scope)
            if p is not None:
                c = self.find_county(rest, scope, within=p["adcode"])
                return (c, "county", "") if c is not None else (p, "prefecture", rest)
            c = self.find_county(head, scope)
            if c is not None:
                return c, "county", rest
        return None, "", name


# ---------------------------------------------------------------- gazetteers
@dataclass
class GazEntry:
    source: str
    iata: str
    icao: str
    name: str
    text: str
    lon: float
    lat: float


def airport_gazetteers() -> list[GazEntry]:
    import airportsdata
    from airports import airport_data

    out: list[GazEntry] = []
    for a in airportsdata.load("ICAO").values():
        if a["country"] == "CN":
            out.append(GazEntry("airportsdata", a["iata"], a["icao"], a["name"], norm_ascii(a["name"]),
                                a["lon"], a["lat"]))
    for a in airport_data.get_airport_by_country_code("CN"):
        out.append(GazEntry("airports-py", a.get("iata", ""), a.get("icao", ""), a["airport"],
                            norm_ascii(a["airport"] + a.get("wikipedia", "")), a["longitude"], a["latitude"]))
    of = pd.read_csv(SHARED_DATA / "openflights_airports_china.csv", dtype=str, keep_default_na=False)
    for r in of.itertuples():
        out.append(GazEntry("OpenFlights", r.iata, r.icao, r.name, norm_ascii(r.name), float(r.lon), float(r.lat)))
    ne = gpd.read_file(SHARED_DATA / "ne_10m_airports_china_bbox.geojson")
    for r in ne.itertuples():
        out.append(GazEntry("Natural Earth", r.iata_code or "", r.gps_code or "", r.name,
                            norm_ascii(f"{r.name}{r.wikipedia or ''}"), r.geometry.x, r.geometry.y))
    return out


GAZ_ORDER = ["airportsdata", "airports-py", "OpenFlights", "Natural Earth"]


# ---------------------------------------------------------------- places
@dataclass
class Place:
    key: str
    system: str
    name_zh: str
    name_en: str
    kind: str
    lon: float | None
    lat: float | None
    method: str
    precision: str
    check: str = ""
    disagreement: str = ""
    unplaced_reason: str = ""
    unit: pd.Series | None = None  # admin unit the name resolved to (for prefecture/province if unplaced)
    designations: list[dict] = field(default_factory=list)


class Geocoder:
    def __init__(self) -> None:
        self.admin = Admin()
        self.gaz = airport_gazetteers()
        self.ports = gpd.read_file(SHARED_DATA / "ne_10m_ports_china_bbox.geojson")

    def _prefecture_of(self, unit: pd.Series) -> pd.Series:
        code = unit["adcode"] if "prefecture_adcode" not in unit else unit["prefecture_adcode"]
        return self.admin.pref.set_index("adcode").loc[code]

    def _admin_place(self, name, unit, level, rest, system, kind) -> Place:
        seat = "prefecture seat" if level == "prefecture" else "county seat"
        if rest:
            return Place(f"{kind}:{unit['adcode']}:{rest}", system, name, title_pinyin(name), kind, None, None,
                         "", "", unplaced_reason=f"'{rest}' (within {unit['name']}) is not in any offline gazetteer; "
                         f"its {unit['name']} is known, the site is not", unit=unit)
        method = f"admin seat: {unit['name']} {unit['adcode']} ({unit['seat_source']})"
        # the unit's conventional English name (Harbin, Urumqi), as the gazetteer and the city tables give it
        label = unit.get("name_en") or title_pinyin(short(unit["name"]))
        pure = short(unit["name"]) == name or unit["name"].startswith(name)
        return Place(f"admin:{unit['adcode']}", system, unit["name"] if pure else name, label, kind,
                     float(unit["seat_lon"]), float(unit["seat_lat"]), method, seat, unit=unit)

    def airport(self, name: str, system: str, scope) -> Place:
        base = name.removesuffix("机场")
        unit, distinct = self.admin.split_city(base, scope)
        if unit is None:
            return Place(f"airport:{name}", system, name, title_pinyin(base) + " Airport", "airport", None, None, "",
                         "", unplaced_reason=f"'{base}' names no city or county in the admin gazetteer")
        pref = self._prefecture_of(unit)
        area = shapely.buffer(self.admin.pref.set_index("adcode").loc[pref.name, "geometry"], 0.1)
        key = pinyin(distinct)
        if len(distinct) < 2:
            local = [g for g in self.gaz if shapely.contains_xy(area, g.lon, g.lat) and g.iata]
            have = sorted({f"{g.iata} {g.name}" for g in local if g.source == "airports-py"})
            return Place(f"airport:{name}", system, name, title_pinyin(base) + " Airport", "airport", None, None, "",
                         "", unit=unit, unplaced_reason=f"'{name}' has no own name to match (planned or renamed "
                         f"airport); no gazetteer lists it. Airports the gazetteers list in {pref['name']}: "
                         + (", ".join(have) or "none"))
        hits = [g for g in self.gaz if key in g.text and shapely.contains_xy(area, g.lon, g.lat)]
        if not hits:
            return Place(f"airport:{name}", system, name, title_pinyin(base) + " Airport", "airport", None, None, "",
                         "", unit=unit, unplaced_reason=f"no airport gazetteer names '{key}' in {pref['name']}")
        hits.sort(key=lambda g: GAZ_ORDER.index(g.source))
        best = hits[0]
        codes = {c for c in (best.iata, best.icao) if c}
        same = [g for g in self.gaz if g is not best and ({g.iata, g.icao} & codes)]
        checks, disagree = [], []
        for g in sorted(same, key=lambda g: GAZ_ORDER.index(g.source)):
            d = haversine_km(best.lon, best.lat, g.lon, g.lat)
            checks.append(f"{g.source} {d:.1f} km")
            if d > DISAGREE_KM:
                disagree.append(f"{g.source} lists {g.iata or g.icao} as '{g.name}' {d:.1f} km away")
        return Place(f"airport:{best.icao or best.iata}", system, name, best.name, "airport", round(best.lon, 6),
                     round(best.lat, 6), f"airport gazetteer: {best.source} {best.iata}/{best.icao} '{best.name}'",
                     "airport reference point", "; ".join(checks) or "no second source lists this code",
                     "; ".join(disagree), unit=unit)

    def port(self, name: str, system: str, scope) -> Place:
        unit, level, rest = self.admin.resolve(name, scope)
        if unit is None:
            return Place(f"port:{name}", system, name + "港", title_pinyin(name) + " Port", "port", None, None, "", "",
                         unplaced_reason=f"'{name}' names no city in the admin gazetteer")
        pref = self._prefecture_of(unit)
        area = shapely.buffer(pref["geometry"], 0.1)
        want = norm_ascii(title_pinyin(short(unit["name"])))
        hits = self.ports[[norm_ascii(n) == want and shapely.contains_xy(area, g.x, g.y)
                           for n, g in zip(self.ports["name"], self.ports.geometry)]]
        if hits.empty:
            return Place(f"port:{unit['adcode']}", system, name + "港", title_pinyin(name) + " Port", "port", None,
                         None, "", "", unit=unit, unplaced_reason=f"Natural Earth ports lists no port named "
                         f"'{want}' in {unit['name']}; no other port gazetteer is available offline")
        g = hits.iloc[0]
        d = haversine_km(g.geometry.x, g.geometry.y, unit["seat_lon"], unit["seat_lat"])
        return Place(f"port:{unit['adcode']}", system, name + "港", f"{g['name']} Port", "port",
                     round(g.geometry.x, 6), round(g.geometry.y, 6), f"port gazetteer: Natural Earth ports '{g['name']}'",
                     "port point (Natural Earth 10m)", f"no second port gazetteer offline; {d:.1f} km from the "
                     f"{unit['name']} seat", unit=unit)

    def place(self, name: str, category: str, system: str, scope) -> Place:
        kind = KIND[category]
        if kind == "airport" or (kind == "park" and category == "express_park"):
            if kind == "airport" or name.endswith("机场"):
                return self.airport(name, system, scope)
        if kind == "port":
            return self.port(name, system, scope)
        unit, level, rest = self.admin.resolve(name, scope)
        if kind == "rail station":
            return Place(f"rail:{name}", system, name, title_pinyin(name.removesuffix("站")) + " Station",
                         kind, None, None, "", "", unit=unit, unplaced_reason="no railway-station gazetteer is "
                         "available offline; OSM railway=station places it when online")
        if kind == "park" and rest:
            # an air-express park named after its airport ('南京禄口'): place it at that airport
            ap = self.airport(name, system, scope)
            if ap.lon is not None:
                ap.kind = "park"
                ap.name_zh = name
                ap.precision = "airport reference point (park at the airport)"
                return ap
        if unit is None:
            return Place(f"{kind}:{name}", system, name, title_pinyin(name), kind, None, None, "", "",
                         unplaced_reason=f"'{name}' is not a city, county or airport in any offline gazetteer")
        return self._admin_place(name, unit, level, rest, system, kind)


def members(node: dict) -> list[str]:
    ms = node.get("members_split")
    if isinstance(ms, dict):
        return [m for v in ms.values() for m in v]
    src = ms if isinstance(ms, list) else node.get("members") or []
    out = []
    for m in src:
        m = m.replace("中国（", "").replace("（", "-").replace("）", "")
        out.extend(p for p in m.split("-") if p)
    return out


def build() -> pd.DataFrame:
    digest = yaml.safe_load((SEEDS / "digest.yaml").read_text(encoding="utf-8"))
    geo = Geocoder()
    places: dict[tuple[str, str], Place] = {}
    for node in digest["nodes"]:
        if node["category"] not in KIND:
            continue
        system = SYSTEM[node["doc"]]
        for m in members(node):
            p = geo.place(m, node["category"], system, SCOPE[node["doc"]])
            if p.key.startswith("admin:") and node["id"] in KIND_BY_NODE:
                p.kind = KIND_BY_NODE[node["id"]]
            key = (system, p.key)
            if key in places:
                p0 = places[key]
                if KIND_PRIORITY.index(p.kind) < KIND_PRIORITY.index(p0.kind):
                    p0.kind, p0.name_zh = p.kind, p.name_zh
            else:
                places[key] = p0 = p
            p0.designations.append(node)

    # airports opened since the plans' sources and named for a city the plan gives a role (airport_changes.csv:
    # Ezhou Huahu, the cargo-hub airport of the 武汉(鄂州) cluster): a catalog row with that plan node's role
    nodes = {n["id"]: n for n in digest["nodes"]}
    changes = pd.read_csv(HERE / "airport_changes.csv", dtype=str, keep_default_na=False)
    for ch in changes[(changes["change"] == "new") & (changes["plan_node"] != "")].itertuples():
        node = nodes[ch.plan_node]
        system = SYSTEM[node["doc"]]
        p = geo.airport(ch.name_zh, system, SCOPE[node["doc"]])
        if p.lon is None:
            raise SystemExit(f"catalog.py: airport_changes.csv {ch.iata}: {p.unplaced_reason}")
        p.check = "; ".join(filter(None, [p.check, f"opened {ch.date} ({ch.source})"]))
        places.setdefault((system, p.key), p).designations.append(node)

    pref = geo.admin.pref
    cty = geo.admin.cty
    rows = []
    for (system, _), p in places.items():
        ranks = [(TIERS.get(n["id"], (None, None))[1] or 99, i) for i, n in enumerate(p.designations)]
        best = p.designations[min(ranks)[1]]
        tier, rank = TIERS.get(best["id"], (str(best.get("tier", "")).split(" (")[0], None))
        row = dict(
            name_zh=p.name_zh, name_en=p.name_en, system=system, tier=tier,
            tier_rank=rank, kind=p.kind, placed=p.lon is not None, lon=p.lon, lat=p.lat,
            geocode_method=p.method, precision=p.precision, cross_check=p.check, disagreement=p.disagreement,
            unplaced_reason=p.unplaced_reason,
            designations=";".join(dict.fromkeys(n["id"] for n in p.designations)),
            roles=" | ".join(dict.fromkeys(str(n.get("tier", n["category"])) for n in p.designations)),
            source=best["file"], quote_id=best["id"], quote=best["quote"],
        )
        named = None
        if p.unit is not None:
            named = p.unit["prefecture_adcode"] if "prefecture_adcode" in p.unit else p.unit["adcode"]
        row["plan_prefecture"] = pref.set_index("adcode").loc[named, "name"] if named else ""
        if p.lon is not None:  # prefecture/county/province from the point itself (point in polygon)
            pt = shapely.Point(p.lon, p.lat)
            c = cty[cty.geometry.covers(pt)]
            if c.empty:  # coastal points can fall just outside simplified polygons: nearest county
                c = cty.iloc[[int(np.argmin(shapely.distance(cty.geometry.values, pt)))]]
            c = c.iloc[0]
            if named and c["prefecture_adcode"] != named:
                row["disagreement"] = "; ".join(filter(None, [row["disagreement"], (
                    f"the point lies in {c['prefecture']}, the plan names {row['plan_prefecture']}")]))
            row.update(county=c["name"], county_adcode=c["adcode"], prefecture=c["prefecture"],
                       prefecture_adcode=c["prefecture_adcode"], province=c["province"],
                       province_adcode=c["province_adcode"])
        elif p.unit is not None:
            u = p.unit
            pa = u["prefecture_adcode"] if "prefecture_adcode" in u else u["adcode"]
            pr = pref.set_index("adcode").loc[pa]
            row.update(county=u["name"] if "prefecture_adcode" in u else "",
                       county_adcode=u["adcode"] if "prefecture_adcode" in u else "",
                       prefecture=pr["name"], prefecture_adcode=pa, province=pr["province"],
                       province_adcode=pr["province_adcode"])
        rows.append(row)

    df = pd.DataFrame(rows)
    kind_tag = {"city hub": "", "airport": "airport-", "port": "port-", "rail station": "rail-", "park": "park-",
                "site": "site-"}
    def slug(kind: str, name: str, method: str) -> str:
        code = re.search(r"airport gazetteer: \S+ (\w{3})/", str(method))
        if code:  # airports (and parks at airports) by IATA code: stable across renamings
            return code.group(1).lower()
        return norm_ascii(pinyin(short(name.removesuffix("机场").removesuffix("站").removesuffix("港"))))

    df["id"] = [f"{SYSTEM_PREFIX[s]}-{kind_tag[k]}{slug(k, n, m)}"
                for s, k, n, m in zip(df.system, df.kind, df.name_zh, df.geocode_method)]
    dup = df["id"].duplicated(keep=False)
    df.loc[dup, "id"] = df.loc[dup, "id"] + "-" + df.loc[dup, "county_adcode"].fillna("x").astype(str)
    assert not df["id"].duplicated().any(), df[df["id"].duplicated(keep=False)]
    df["tier_rank"] = df["tier_rank"].astype("Int64")
    order = list(SYSTEM_PREFIX)
    df["_s"] = df["system"].map(order.index)
    df["_k"] = df["kind"].map(KIND_PRIORITY.index)
    df = df.sort_values(["_s", "_k", "tier_rank", "prefecture_adcode", "id"], na_position="last")
    cols = ["id", "name_zh", "name_en", "system", "tier", "tier_rank", "kind", "placed", "lon", "lat",
            "geocode_method", "precision", "cross_check", "disagreement", "unplaced_reason", "plan_prefecture", "county",
            "county_adcode", "prefecture", "prefecture_adcode", "province", "province_adcode", "designations",
            "roles", "source", "quote_id", "quote"]
    df = df[cols].reset_index(drop=True)
    with atomic_path(LAYERS_OUT / "hubs.csv") as tmp:
        df.to_csv(tmp, index=False, encoding="utf-8", lineterminator="\n")
    print(f"hub catalog: {len(df)} rows, {int(df.placed.sum())} placed, {int((~df.placed).sum())} unplaced; "
          f"{int((df.disagreement.fillna('') != '').sum())} gazetteer disagreements over {DISAGREE_KM:g} km")
    return df


if __name__ == "__main__":
    build()
