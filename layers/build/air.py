"""Build layers/airports.csv and layers/air_routes.csv from OpenFlights (ODbL 1.0, ../shared/data).

The routes are OpenFlights' June-2014 snapshot: HISTORICAL, not today's schedule; passenger routes, whose
belly capacity carries most domestic air mail. Kept: routes with both ends in mainland China, Hong Kong or
Macau; one row per directed airport pair with the number of distinct operating airlines (codeshares dropped).
Airport points: the catalog's gazetteer-checked point where the catalog has the airport, else OpenFlights.
Run: python layers/build/air.py (after catalog.py), or `make layers`.
"""

from __future__ import annotations

import warnings

import geopandas as gpd
import pandas as pd

from common import LAYERS, LAYERS_OUT, SHARED_DATA
from geonet.io import atomic_path


def build() -> None:
    ap = pd.read_csv(SHARED_DATA / "openflights_airports_china.csv", dtype=str, keep_default_na=False)
    ap = ap[ap["iata"].str.fullmatch(r"[A-Z]{3}")].copy()
    ap["lon"], ap["lat"] = ap["lon"].astype(float).round(6), ap["lat"].astype(float).round(6)
    ap["point_source"] = "OpenFlights airports.dat"
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

    r = pd.read_csv(SHARED_DATA / "openflights_routes_china.csv", dtype=str, keep_default_na=False)
    r = r[(r["codeshare"] != "Y") & r["src_iata"].isin(pts["iata"]) & r["dst_iata"].isin(pts["iata"])]
    r = r[r["src_iata"] != r["dst_iata"]]
    routes = (r.groupby(["src_iata", "dst_iata"])["airline"].nunique().rename("n_airlines").reset_index()
              .sort_values(["src_iata", "dst_iata"]))
    served = set(routes["src_iata"]) | set(routes["dst_iata"])
    cols = ["iata", "icao", "name", "city", "country", "lon", "lat", "point_source", "county_adcode", "prefecture",
            "province_adcode"]
    out = pts[pts["iata"].isin(served)][cols].sort_values("iata")
    with atomic_path(LAYERS_OUT / "airports.csv") as tmp:
        out.to_csv(tmp, index=False, lineterminator="\n")
    with atomic_path(LAYERS_OUT / "air_routes.csv") as tmp:
        routes.to_csv(tmp, index=False, lineterminator="\n")
    print(f"air: {len(out)} airports with routes, {len(routes)} directed airport pairs (OpenFlights 2014)")


if __name__ == "__main__":
    build()
