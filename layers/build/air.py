"""Build layers/airports.csv and layers/air_routes.csv from OpenFlights (ODbL 1.0, ../shared/data).

The routes are OpenFlights' June-2014 snapshot: HISTORICAL, not today's schedule; passenger routes, whose
belly capacity carries most domestic air mail. Kept: routes with both ends in mainland China, Hong Kong or
Macau; one row per directed airport pair with the number of distinct operating airlines (codeshares dropped).
Airport points: the catalog's gazetteer-checked point where the catalog has the airport, else OpenFlights.
Run: python layers/build/air.py (after catalog.py), or `make layers`.
"""

from __future__ import annotations

import re
import warnings

import geopandas as gpd
import pandas as pd

from common import HERE, LAYERS, LAYERS_OUT, SHARED_DATA, short
from geonet.io import atomic_path


def _gazetteer_point(iata: str) -> tuple[float, float, str, str]:
    """(lon, lat, name, source) of an airport the 2014 OpenFlights file lacks: airports-py (OurAirports-derived,
    full precision), cross-checked against airportsdata; a gap over 5 km stops the build."""
    import airportsdata
    from airports import airport_data

    a = next(x for x in airport_data.get_airport_by_country_code("CN") if x.get("iata") == iata)
    lon, lat = round(float(a["longitude"]), 6), round(float(a["latitude"]), 6)
    b = airportsdata.load("IATA").get(iata)
    if b is not None:
        import math

        km = 6371 * math.hypot(math.radians(b["lon"] - lon) * math.cos(math.radians(lat)), math.radians(b["lat"] - lat))
        if km > 5:
            raise SystemExit(f"air.py: {iata} airports-py and airportsdata disagree by {km:.1f} km")
    return lon, lat, a["airport"], "airports-py (checked against airportsdata)"


GENERIC = re.compile(r"\s*\b(International|Air Base|Airport|Airfield|Regional)\b", re.I)


def _names(ap: pd.DataFrame, cat: pd.DataFrame) -> tuple[list[str], list[str]]:
    """Each airport's own name today, in English: airports-py's (OurAirports; 'Diqing Shangri-La Airport', where
    OpenFlights 2014 says 'Diqing Airport') unless it says less than OpenFlights' ('Baoshan Airport' for 'Baoshan
    Yunduan Airport') or is written oddly ('An Shun/Huang Guo Shu'), else OpenFlights'. In Chinese: the plans' name where the hub catalog
    has the airport (揭阳潮汕机场), else the short name of its prefecture with 机场 (迪庆机场): no Chinese
    airport gazetteer exists offline, so the airport's own Chinese name is not invented."""
    from airports import airport_data

    today = {a["iata"]: a["airport"] for cc in ("CN", "HK", "MO")
             for a in airport_data.get_airport_by_country_code(cc) if a.get("iata")}
    def words(name: str) -> int:
        return len(GENERIC.sub("", name).split())

    def odd(t: str, n: str) -> bool:  # 'An Shun/Huang Guo Shu', 'Mei Xian' for Meixian, 'Liaoning Province'
        squeeze = lambda x: re.sub(r"[\s'-]", "", GENERIC.sub("", x)).lower()  # noqa: E731
        split_up = squeeze(n) in squeeze(t) and not set(GENERIC.sub("", n).split()) <= set(t.split())
        return "/" in t or bool(re.search(r"\b(Province|County|City)\b", t)) or split_up

    en = [t if t and not odd(t, n) and words(t) >= words(n) else n
          for t, n in ((today.get(i, ""), n) for i, n in zip(ap["iata"], ap["name"]))]
    places = _places_en()

    def named_for(name: str, site: str) -> str:  # 'Beijing Daxing' lies in 廊坊, 'Dunhuang' in 酒泉
        w = GENERIC.sub("", name).split()
        for k in (2, 1):
            hit = places.get(" ".join(w[:k]).lower())
            if hit:
                return hit
        return short(site)

    zh = [cat.at[i, "name_zh"] if i in cat.index else f"{named_for(n, str(p))}机场"
          for i, n, p in zip(ap["iata"], en, ap["prefecture"])]
    return en, zh


def _places_en() -> dict[str, str]:
    """Lower-case English name -> Chinese short name of every prefecture and county whose English name is
    unique (Fuzhou is 福州 and 抚州: left out)."""
    rows = pd.concat([pd.read_parquet(LAYERS / f"{k}.parquet", columns=["name", "name_en"])
                      for k in ("prefectures", "counties")])
    rows = rows.assign(key=rows["name_en"].str.lower(), short=rows["name"].map(short)).drop_duplicates(["key", "short"])
    rows = rows[~rows["key"].duplicated(keep=False)]
    return dict(zip(rows["key"], rows["short"]))


def build() -> None:
    ap = pd.read_csv(SHARED_DATA / "openflights_airports_china.csv", dtype=str, keep_default_na=False)
    ap = ap[ap["iata"].str.fullmatch(r"[A-Z]{3}")].copy()
    ap["lon"], ap["lat"] = ap["lon"].astype(float).round(6), ap["lat"].astype(float).round(6)
    ap["point_source"] = "OpenFlights airports.dat"
    ap["altitude_m"] = (pd.to_numeric(ap["altitude_ft"], errors="coerce") * 0.3048).round(0)
    hubs = pd.read_csv(LAYERS / "hubs.csv", dtype=str, keep_default_na=False)
    cat = hubs[hubs["geocode_method"].str.startswith("airport gazetteer")].copy()
    cat["iata"] = cat["geocode_method"].str.extract(r"airport gazetteer: \S+ (\w{3})/")[0]
    cat = cat.drop_duplicates("iata").set_index("iata")
    has = ap["iata"].isin(cat.index)
    ap.loc[has, "lon"] = ap.loc[has, "iata"].map(cat["lon"]).astype(float)
    ap.loc[has, "lat"] = ap.loc[has, "iata"].map(cat["lat"]).astype(float)
    ap.loc[has, "point_source"] = "hub catalog (" + ap.loc[has, "iata"].map(cat["geocode_method"]) + ")"

    counties = gpd.read_parquet(LAYERS / "counties.parquet")[["adcode", "prefecture", "province_adcode", "geometry"]]
    pts = gpd.GeoDataFrame(ap, geometry=gpd.points_from_xy(ap["lon"], ap["lat"]), crs=4326)
    warnings.filterwarnings("ignore", "Geometry is in a geographic CRS")  # nearest within 0.2 deg is enough
    pts = gpd.sjoin_nearest(pts, counties, how="left", max_distance=0.2).drop_duplicates("iata")
    pts = pts.rename(columns={"adcode": "county_adcode"})

    # today's airports: successors of closed ones and airports opened since 2014 (airport_changes.csv, cited)
    changes = pd.read_csv(HERE / "airport_changes.csv", dtype=str, keep_default_na=False)
    new_pts = []
    for c in changes[~changes["iata"].isin(pts["iata"])].itertuples():  # PKX is in OpenFlights' 2019 airports
        lon, lat, name, src = _gazetteer_point(c.iata)
        new_pts.append({"iata": c.iata, "icao": "", "name": name, "city": "", "country": "China", "lon": lon,
                        "lat": lat, "point_source": f"{src}; {c.note}"})
    extra = gpd.GeoDataFrame(pd.DataFrame(new_pts), geometry=gpd.points_from_xy([p["lon"] for p in new_pts],
                                                                             [p["lat"] for p in new_pts]), crs=4326)
    extra = gpd.sjoin_nearest(extra, counties, how="left", max_distance=0.2).drop_duplicates("iata")
    pts = pd.concat([pts, extra.rename(columns={"adcode": "county_adcode"})], ignore_index=True)
    moved = dict(zip(changes.loc[changes["change"] == "successor", "replaces"],
                     changes.loc[changes["change"] == "successor", "iata"]))

    r = pd.read_csv(SHARED_DATA / "openflights_routes_china.csv", dtype=str, keep_default_na=False)
    r["note"] = ""
    for old, new in moved.items():  # a closed airport's routes fly from its successor today
        for col in ("src_iata", "dst_iata"):
            hit = r[col] == old
            r.loc[hit, "note"] = f"OpenFlights 2014 route of {old} (closed), moved to its successor {new}"
            r.loc[hit, col] = new
    r = r[(r["codeshare"] != "Y") & r["src_iata"].isin(pts["iata"]) & r["dst_iata"].isin(pts["iata"])]
    r = r[r["src_iata"] != r["dst_iata"]]
    routes = (r.groupby(["src_iata", "dst_iata"]).agg(n_airlines=("airline", "nunique"), note=("note", "max"))
              .reset_index().sort_values(["src_iata", "dst_iata"]))
    express = pd.read_csv(HERE / "express_lines.csv", dtype=str, keep_default_na=False)
    served = set(routes["src_iata"]) | set(routes["dst_iata"]) | set(express["a"]) | set(express["b"])
    cols = ["iata", "icao", "name", "name_en", "name_zh", "city", "country", "lon", "lat", "altitude_m",
            "point_source", "county_adcode", "prefecture", "province_adcode"]
    out = pts[pts["iata"].isin(served) & ~pts["iata"].isin(moved)].copy()
    out["name_en"], out["name_zh"] = _names(out, cat)
    out = out[cols].sort_values("iata")
    with atomic_path(LAYERS_OUT / "express_lines.csv") as tmp:
        express.to_csv(tmp, index=False, lineterminator="\n")
    with atomic_path(LAYERS_OUT / "airports.csv") as tmp:
        out.to_csv(tmp, index=False, lineterminator="\n")
    with atomic_path(LAYERS_OUT / "air_routes.csv") as tmp:
        routes.to_csv(tmp, index=False, lineterminator="\n")
    print(f"air: {len(out)} airports with routes, {len(routes)} directed airport pairs (OpenFlights 2014; "
          f"{', '.join(f'{o} -> {n}' for o, n in moved.items())} moved), {len(express)} express lines (assumptions)")


if __name__ == "__main__":
    build()
