"""The seat check: every prefecture and county seat against independent points named for it.

Independent points (../shared/data): Natural Earth populated places (NAME_ZH) and OpenStreetMap railway stations
(station=train, named exactly for the unit, e.g. 那曲). For each unit, ``seat_check_km`` is the distance from
its seat to the nearest such point inside (or within ~10 km of) its polygon, ``seat_check_source`` names it.

Where they disagree by more than 10 km the disagreement is resolved, and ``seat_note`` says how:
- a prefecture listed in ``seat_counties.csv`` (its government seat county, each row citing a public source):
  the seat must lie in that county; if it does not, it is **corrected** to that county's own seat;
- a prefecture whose point lies within 8 km of one of its own districts' seats: the government sits in that
  district (cpca's prefecture and county points agree), the independent point marks an old centre or a
  station in another district;
- a county named like its prefecture (邵阳县 in 邵阳市): the point is named for the prefecture city;
- a county whose only disagreeing points are railway stations: stations are often built outside the town
  they are named for; the seat (inside the county polygon) is kept;
- a county named like another unit of its prefecture (伊宁县 / 伊宁市): the point is named for that unit;
- the few left are listed in ``seat_open.csv`` with what is known, marked ``open``;
- anything else stays unexplained, and tests/test_seats.py fails on it.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from common import HERE, SHARED_DATA, short

CHECK_KM = 10.0  # disagreements beyond this need a resolution
GOVERNMENT_DISTRICT_KM = 8.0  # a prefecture point this close to one of its districts' seats sits in it
NEAR_DEG = 0.1  # points up to ~10 km outside a unit's polygon still count as named for it


def _km(lon1, lat1, lon2, lat2) -> np.ndarray:
    lon1, lat1, lon2, lat2 = (np.radians(np.asarray(v, float)) for v in (lon1, lat1, lon2, lat2))
    a = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    return 6371.0088 * 2 * np.arcsin(np.sqrt(a))


def independent_points() -> pd.DataFrame:
    """name, label, kind, lon, lat of every point an independent source names (WGS-84)."""
    ne = gpd.read_file(SHARED_DATA / "ne_10m_populated_places_china_bbox.geojson")
    ne = ne[ne["ADM0_A3"].isin(["CHN", "HKG", "MAC"]) & ne["NAME_ZH"].notna()]
    a = pd.DataFrame({"name": ne["NAME_ZH"].str.removesuffix("镇"), "label": "Natural Earth place " + ne["NAME"],
                      "kind": "ne", "lon": ne.geometry.x, "lat": ne.geometry.y})
    st = pd.read_csv(SHARED_DATA / "osm_rail_stations_cn.csv").dropna(subset=["name"])
    b = pd.DataFrame({"name": st["name"], "label": "OSM railway station " + st["name"], "kind": "station",
                      "lon": st["lon"], "lat": st["lat"]})
    return pd.concat([a, b], ignore_index=True)


def seat_counties() -> pd.DataFrame:
    return pd.read_csv(HERE / "seat_counties.csv", dtype={"adcode": str}).set_index("adcode")


def correct_prefecture_seats(city: gpd.GeoDataFrame, dist: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Move a listed prefecture's seat to its government county's seat when it lies outside that county."""
    city = city.copy()
    city["seat_note"] = ""
    table = seat_counties()
    for adcode, row in table.iterrows():
        i = city.index[city["adcode"] == adcode]
        if len(i) != 1:
            raise SystemExit(f"seat_counties.csv: {adcode} {row['prefecture']} is not a prefecture in the layers")
        i = i[0]
        cty = dist[(dist["prefecture_adcode"] == adcode) & (dist["name"] == row["seat_county"])]
        if len(cty) != 1:
            raise SystemExit(f"seat_counties.csv: {row['seat_county']} is not a county of {row['prefecture']}")
        c = cty.iloc[0]
        pt = shapely.Point(city.at[i, "seat_lon"], city.at[i, "seat_lat"])
        if shapely.buffer(c.geometry, 0.01).covers(pt):
            city.at[i, "seat_note"] = (f"kept: the seat lies in {row['seat_county']}, the government seat per "
                                       f"{row['source']}")
            continue
        old = _km(city.at[i, "seat_lon"], city.at[i, "seat_lat"], c.seat_lon, c.seat_lat)
        city.at[i, "seat_lon"], city.at[i, "seat_lat"] = c.seat_lon, c.seat_lat
        city.at[i, "seat_source"] = f"seat of {row['seat_county']} (the government seat county, seat_counties.csv)"
        city.at[i, "seat_note"] = (f"corrected by {float(old):.0f} km: the former point lay outside {row['seat_county']}, "
                                   f"the government seat per {row['source']}")
    return city


def _nearest(units: gpd.GeoDataFrame, points: pd.DataFrame, names: list[list[str]]) -> pd.DataFrame:
    """Per unit: the nearest independent point named for it near its polygon (km, label, kind) and all kinds."""
    rows = []
    by_name = {k: g for k, g in points.groupby("name")}
    for (i, u), keys in zip(units.iterrows(), names):
        cand = pd.concat([by_name[k] for k in dict.fromkeys(keys) if k in by_name]) if any(
            k in by_name for k in keys) else points.iloc[:0]
        if len(cand):
            zone = shapely.buffer(u.geometry, NEAR_DEG)
            shapely.prepare(zone)
            cand = cand[shapely.contains_xy(zone, cand["lon"].to_numpy(), cand["lat"].to_numpy())]
        if not len(cand):
            rows.append((np.nan, "", ""))
            continue
        d = _km(u.seat_lon, u.seat_lat, cand["lon"].to_numpy(), cand["lat"].to_numpy())
        j = int(np.argmin(d))
        far_kinds = ",".join(sorted(set(cand["kind"][d > CHECK_KM])))
        rows.append((round(float(d[j]), 1), cand["label"].iloc[j], far_kinds))
    return pd.DataFrame(rows, columns=["seat_check_km", "seat_check_source", "_far_kinds"], index=units.index)


def check(city: gpd.GeoDataFrame, dist: gpd.GeoDataFrame) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """Add seat_check_km, seat_check_source and seat_note to prefectures and counties (see module doc)."""
    pts = independent_points()
    city, dist = city.copy(), dist.copy()
    if "seat_note" not in city:
        city["seat_note"] = ""
    dist["seat_note"] = ""
    c = _nearest(city, pts, [[short(n), n] for n in city["name"]])
    d = _nearest(dist, pts, [[short(n), n] for n in dist["name"]])
    for g, r in ((city, c), (dist, d)):
        g[["seat_check_km", "seat_check_source"]] = r[["seat_check_km", "seat_check_source"]]
        borrowed = g["seat_source"].str.contains("not independently checked")
        g.loc[borrowed, ["seat_check_km", "seat_check_source"]] = [np.nan, ""]
        g.loc[borrowed, "seat_note"] = "not checked: the seat itself is the only independent point (no cpca seat)"

    for i, u in city.iterrows():
        km = u["seat_check_km"]
        if u["adcode"][:2] == "71":
            city.at[i, "seat_note"] = "not checked: Taiwan is outside geonet's analyses"
            continue
        if u["seat_note"] or not km > CHECK_KM:
            continue
        if u["level"] == "province-administered county":  # a county in law: the county rule applies
            if c.at[i, "_far_kinds"] == "station" and str(u["seat_source"]).startswith("cpca"):
                city.at[i, "seat_note"] = _station_note(u["seat_check_source"], km)
            continue
        own = dist[dist["prefecture_adcode"] == u["adcode"]]
        if len(own):
            dk = _km(u.seat_lon, u.seat_lat, own["seat_lon"].to_numpy(), own["seat_lat"].to_numpy())
            j = int(np.argmin(dk))
            if dk[j] <= GOVERNMENT_DISTRICT_KM:
                city.at[i, "seat_note"] = (
                    f"kept: the city point lies {dk[j]:.1f} km from the seat of {own['name'].iloc[j]} (cpca's city and "
                    f"district points agree: the government sits there); {u['seat_check_source']} at {km:.0f} km "
                    "marks an older centre or a station elsewhere in the city")
    pref_short = dict(zip(city["adcode"], (short(n) for n in city["name"])))
    dist_short = pd.Series([short(n) for n in dist["name"]], index=dist.index)
    for i, u in dist.iterrows():
        km = u["seat_check_km"]
        if u["adcode"][:2] == "71":
            dist.at[i, "seat_note"] = "not checked: Taiwan is outside geonet's analyses"
            continue
        if not km > CHECK_KM:
            continue
        if short(u["name"]) == pref_short.get(u["prefecture_adcode"]):
            dist.at[i, "seat_note"] = (f"kept: {u['seat_check_source']} is named for the prefecture city "
                                       f"{u['prefecture']}, not for this county")
        elif d.at[i, "_far_kinds"] == "station" and str(u["seat_source"]).startswith("cpca"):
            dist.at[i, "seat_note"] = _station_note(u["seat_check_source"], km)
        else:  # named like another unit of the same prefecture (伊宁县 / 伊宁市) whose polygon holds the point
            twins = dist[(dist_short == dist_short[i]) & (dist["prefecture_adcode"] == u["prefecture_adcode"])
                         & (dist.index != i)]
            if len(twins):
                dist.at[i, "seat_note"] = (f"kept: {u['seat_check_source']} is named for {twins['name'].iloc[0]}, "
                                           "a unit of the same name in the same prefecture")
    for g in (city, dist):  # seats taken from the former unit's cpca point replace polygon interior points
        former = g["seat_source"].str.startswith("cpca seat of the former unit")
        g.loc[former, "seat_note"] = ("corrected: " + g.loc[former, "seat_source"]
                                      + np.where(g.loc[former, "seat_note"] != "", "; " + g.loc[former, "seat_note"], ""))
    open_ = pd.read_csv(HERE / "seat_open.csv", dtype={"adcode": str}).set_index("adcode")["note"]
    for g in (city, dist):
        hit = g["adcode"].isin(open_.index) & (g["seat_note"] == "") & (g["seat_check_km"] > CHECK_KM)
        g.loc[hit, "seat_note"] = g.loc[hit, "adcode"].map(open_)
    return city, dist


def _station_note(source: str, km: float) -> str:
    return (f"kept: the only disagreeing point is {source}, {km:.0f} km away; railway stations (high-speed ones "
            "above all) are often built outside the town they are named for, and cpca's seat lies inside the county")
