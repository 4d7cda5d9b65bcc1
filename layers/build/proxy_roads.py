"""Build layers/proxy_roads.parquet: the offline PROXY road network (not real road geometry).

No openly licensed road geometry of China can be installed offline, so geonet ships this proxy:
- nodes: the seats of all county-level units (layers/counties.parquet; Taiwan excluded);
- edges: between counties whose territories share a border (>= ~0.5 km of common boundary);
  the edge runs seat -> seat in a straight line when that line stays on land, otherwise through the
  point of the shared border that keeps it on land and shortest ("via-border"); a pair that cannot be
  joined over land is dropped (open sea or foreign territory);
- water is crossed only on the named fixed links and ferries of layers/build/crossings.csv.
Lengths here are geodesic lengths of the edge geometry (m). The network builder multiplies them by the
detour factor and turns them into truck time (geonet.settings.NetworkParams), so both stay overridable.
Run: python layers/build/proxy_roads.py (after admin.py), or `make layers`.
"""

from __future__ import annotations

import json
import warnings

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd
import shapely
from pyproj import Geod

from common import HERE, LAYERS, LAYERS_OUT, write_parquet
from geonet.io import write_text

MIN_SHARED_DEG = 0.005  # common boundary needed to call two counties neighbours (~0.5 km)
MAX_OFFLAND_DEG = 0.005  # an edge may leave the (simplified) land polygon by at most ~0.5 km
BORDER_SAMPLES = np.linspace(0.05, 0.95, 19)
GEOD = Geod(ellps="WGS84")


def geodesic_m(line) -> float:
    return float(GEOD.geometry_length(line))


def build() -> gpd.GeoDataFrame:
    c = gpd.read_parquet(LAYERS / "counties.parquet")
    c = c[c["adcode"].str[:2] != "71"].reset_index(drop=True)
    geoms = c.geometry.values
    seats = shapely.points(c["seat_lon"].to_numpy(), c["seat_lat"].to_numpy())
    land = shapely.union_all(geoms)
    shapely.prepare(land)

    tree = shapely.STRtree(geoms)
    i, j = tree.query(geoms, predicate="intersects")
    keep = i < j
    i, j = i[keep], j[keep]
    border = shapely.intersection(shapely.boundary(geoms[i]), shapely.boundary(geoms[j]))
    nb = shapely.length(border) >= MIN_SHARED_DEG
    i, j, border = i[nb], j[nb], border[nb]

    rows, dropped = [], []
    for a, b, bd in zip(i, j, border):
        straight = shapely.LineString([seats[a], seats[b]])
        if shapely.length(shapely.difference(straight, land)) <= MAX_OFFLAND_DEG:
            rows.append((a, b, "straight", "", straight))
            continue
        best = None
        merged = shapely.line_merge(bd) if bd.geom_type == "MultiLineString" else bd
        parts = getattr(merged, "geoms", [merged])
        for part in parts:
            if part.geom_type != "LineString":
                continue
            for f in BORDER_SAMPLES:
                p = part.interpolate(f, normalized=True)
                line = shapely.LineString([seats[a], p, seats[b]])
                if shapely.length(shapely.difference(line, land)) <= MAX_OFFLAND_DEG:
                    if best is None or line.length < best.length:
                        best = line
        if best is not None:
            rows.append((a, b, "via-border", "", best))
        else:
            dropped.append((c["name"][a], c["name"][b]))

    # named fixed links and ferries across water
    cross = pd.read_csv(HERE / "crossings.csv", dtype=str, keep_default_na=False)
    for r in cross.itertuples():
        a = crossing_end(c, r.a_county, r.a_prefecture, None)
        b = crossing_end(c, r.b_county, r.b_prefecture, a)
        a = crossing_end(c, r.a_county, r.a_prefecture, b)
        a, b = min(a, b), max(a, b)
        rows.append((a, b, r.kind, r.name_zh, shapely.LineString([seats[a], seats[b]]),
                     int(r.opened) if r.opened else 0, float(r.km) if r.km else np.nan,
                     float(r.hours) if r.hours else np.nan))

    df = pd.DataFrame([x if len(x) == 8 else (*x, 0, np.nan, np.nan) for x in rows],
                      columns=["a", "b", "route", "crossing", "geometry", "opened", "cited_km", "cited_hours"])
    df = df.drop_duplicates(["a", "b", "crossing"]).reset_index(drop=True)
    out = gpd.GeoDataFrame({
        "u": c["adcode"].to_numpy()[df["a"]],
        "v": c["adcode"].to_numpy()[df["b"]],
        "route": df["route"],
        "crossing": df["crossing"],
        "kind": np.where(df["route"] == "ferry", "ferry", "road"),
        "gc_m": [round(geodesic_m(shapely.LineString([seats[a], seats[b]])), 1) for a, b in zip(df["a"], df["b"])],
        "geom_m": [round(geodesic_m(g), 1) for g in df["geometry"]],
        "opened": df["opened"].astype("int32"),  # a crossing's opening year (0: not a crossing or always open)
        "cited_km": df["cited_km"], "cited_hours": df["cited_hours"],  # a crossing's own length and crossing time
    }, geometry=list(df["geometry"]), crs=4326)
    out = out.sort_values(["u", "v", "crossing"]).reset_index(drop=True)
    out["geometry"] = shapely.set_precision(out.geometry.values, 1e-6)
    write_parquet(out, LAYERS_OUT / "proxy_roads.parquet")
    meta = inherent_circuity(out, c)
    write_text(LAYERS_OUT / "proxy_roads.json", json.dumps(meta, indent=1) + "\n")
    print(f"proxy road network: {len(c)} county seats, {len(out)} edges "
          f"({(out.route == 'straight').sum()} straight, {(out.route == 'via-border').sum()} via the shared border, "
          f"{(out.crossing != '').sum()} named crossings); {len(dropped)} neighbour pairs not joinable over land")
    return out


def crossing_end(c: gpd.GeoDataFrame, county: str, prefecture: str, other: int | None) -> int:
    """Row of ``c`` at one end of a crossing: the named county of the prefecture; '*' = the county that holds the
    prefecture's seat (a source that names the city, not the district); 'nearest' = the county of the prefecture
    nearest the other end's seat (a source that names only 'the mainland'). Unknown names stop the build."""
    inp = c["prefecture"] == prefecture
    if county == "*":
        pref = gpd.read_parquet(LAYERS / "prefectures.parquet").set_index("name")
        if prefecture not in pref.index:
            raise SystemExit(f"crossings.csv: unknown prefecture {prefecture}")
        seat = shapely.Point(pref.at[prefecture, "seat_lon"], pref.at[prefecture, "seat_lat"])
        hit = c.index[inp & c.geometry.intersects(seat)]
    elif county == "nearest":
        if other is None:
            return -1
        far = c.geometry[inp & (c.index != other)]
        warnings.filterwarnings("ignore", "Geometry is in a geographic CRS")  # nearest in degrees is enough
        hit = [far.distance(shapely.Point(c.at[other, "seat_lon"], c.at[other, "seat_lat"])).idxmin()] if len(far) else []
    else:
        hit = c.index[inp & (c["name"] == county)]
    if len(hit) != 1:
        raise SystemExit(f"crossings.csv: end {county} of {prefecture} matches {len(hit)} counties")
    return int(hit[0])


def inherent_circuity(edges: gpd.GeoDataFrame, c: gpd.GeoDataFrame, n_sources: int = 60) -> dict:
    """How much longer than the great circle the adjacency graph itself is (edge geometry, no detour factor):
    median over pairs of prefecture seats more than 50 km apart (n_sources origins, fixed seed).
    The network builder divides the detour factor by this, so proxy distances average detour x great circle."""
    road = edges[edges["kind"] == "road"]
    G = nx.Graph()
    G.add_weighted_edges_from(zip(road["u"], road["v"], road["geom_m"]))
    pref = gpd.read_parquet(LAYERS / "prefectures.parquet")
    pref = pref[pref["level"].isin(["prefecture", "municipality"])]
    seats = c.set_index("adcode")[["seat_lon", "seat_lat"]]
    # the county whose seat is nearest each prefecture seat
    d2 = ((seats["seat_lon"].to_numpy()[None, :] - pref["seat_lon"].to_numpy()[:, None]) ** 2
          + (seats["seat_lat"].to_numpy()[None, :] - pref["seat_lat"].to_numpy()[:, None]) ** 2)
    codes = seats.index.to_numpy()[d2.argmin(axis=1)]
    lon, lat = seats.loc[codes, "seat_lon"].to_numpy(), seats.loc[codes, "seat_lat"].to_numpy()
    rng = np.random.default_rng(0)
    ratios = []
    for k in sorted(rng.choice(len(codes), n_sources, replace=False)):
        dist = nx.single_source_dijkstra_path_length(G, codes[k], weight="weight")
        for j in range(len(codes)):
            if j != k and codes[j] in dist:
                _, _, gc = GEOD.inv(lon[k], lat[k], lon[j], lat[j])
                if gc > 50_000:
                    ratios.append(dist[codes[j]] / gc)
    r = np.array(ratios)
    return {"inherent_circuity_median": round(float(np.median(r)), 4),
            "inherent_circuity_p10_p90": [round(float(x), 4) for x in np.percentile(r, [10, 90])],
            "pairs": int(len(r)), "method": inherent_circuity.__doc__.split("\n")[0].strip()}


if __name__ == "__main__":
    build()
