"""Build layers/rail_lines.csv: the offline RAIL layer, one row per section between consecutive stops.

Source: layers/build/rail_lines.csv, a curated table (one row per line or section: ordered stops, design
speed, opening year, status, length, and the public source each row rests on). Stops are placed on the
OpenStreetMap railway-station points of ../shared/data/osm_rail_stations_cn.csv (ODbL) by exact Chinese
name. The OSM extract lacks many stations (about two thirds of its points have no name): a stop written
``name@place`` whose name is not in it is placed at the seat of ``place`` (a county or city of the layers)
and marked so. A stop that can be placed neither way stops the build, naming the line and the stop.

Section length: the great-circle distance between consecutive stops, scaled so that the row's stops add
up to its published length (the scale is the line's circuity, checked to lie in [0.75, 1.6]: a stop placed
in the wrong city shows up here; below 1 where stops placed at county seats zig-zag off the line); rows without a published length use the median circuity of the others.
Run: python layers/build/rail.py (after admin.py), or `make layers`.
"""

from __future__ import annotations

import json
import math
import sys

import pandas as pd
import shapely

from pypinyin import lazy_pinyin

from common import HERE, LAYERS, LAYERS_OUT, SHARED_DATA
from geonet.io import atomic_path, write_text

STATUSES = ("open", "under construction", "planned")
CIRCUITY = (0.75, 1.6)  # published line length / sum of great circles between its stops (below 1 where stops
# placed at county seats zig-zag off the line)
NAME_CLASH_KM = 30.0  # two OSM stations of one name further apart than this: pick the one near the line


DIRECTIONS = {"东": "East", "西": "West", "南": "South", "北": "North"}


def english(station: str) -> str:
    """The station's name as China Railway writes it in English: pinyin, a final 东/西/南/北 as a direction
    (广州南 -> Guangzhou South, 正定机场 -> Zhengdingjichang)."""
    base, last = station[:-1], station[-1]
    if len(station) > 2 and last in DIRECTIONS:
        return f"{''.join(lazy_pinyin(base)).title()} {DIRECTIONS[last]}"
    return "".join(lazy_pinyin(station)).title()


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    (x1, y1), (x2, y2) = a, b
    p1, p2 = math.radians(y1), math.radians(y2)
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(x2 - x1) / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(h))


def osm_stations() -> dict[str, list[tuple[float, float]]]:
    """OSM station points by name, Taiwan's left out (the layers' mainland, Hong Kong and Macau only)."""
    st = pd.read_csv(SHARED_DATA / "osm_rail_stations_cn.csv", dtype={"name": str}, keep_default_na=False)
    st = st[st["name"] != ""]
    import geopandas as gpd

    prov = gpd.read_parquet(LAYERS / "provinces.parquet")
    taiwan = prov.loc[prov["adcode"].str[:2] == "71", "geometry"].iloc[0]
    pts = shapely.points(st["lon"].to_numpy(float), st["lat"].to_numpy(float))
    st = st[~shapely.contains(taiwan, pts)]
    out: dict[str, list[tuple[float, float]]] = {}
    for r in st.itertuples():
        out.setdefault(r.name, []).append((float(r.lon), float(r.lat)))
    return out


def place(token: str, osm: dict, where: str) -> tuple[str, float, float, str, str]:
    """(station, lon, lat, placed, place) of one stop token 'name' or 'name@place'."""
    from geonet.errors import GeonetError
    from geonet.gazetteer import locate

    name, _, at = token.strip().partition("@")
    if not name:
        raise SystemExit(f"rail.py: {where}: an empty stop")
    pts = osm.get(name)
    hint = None
    if at:
        try:
            p = locate(at)
        except GeonetError as exc:
            raise SystemExit(f"rail.py: {where}: stop {name!r}: place {at!r} unknown ({exc})") from None
        hint = (p.lon, p.lat)
    if pts:
        if len(pts) > 1 and max(_km(pts[0], q) for q in pts) > NAME_CLASH_KM:
            return name, *pts[0], "osm?", at  # resolved against the neighbours below
        lon, lat = pts[0]
        return name, lon, lat, "osm", at
    if hint is None:
        raise SystemExit(f"rail.py: {where}: station {name!r} is not in the OSM station extract; write it as "
                         f"{name}@<county or city> to place it at that seat")
    return name, *hint, "seat", at


def build(table=HERE / "rail_lines.csv") -> tuple[pd.DataFrame, dict]:
    """Sections and a summary from the curated ``table``; SystemExit naming the row on any problem."""
    osm = osm_stations()
    lines = pd.read_csv(table, dtype=str, keep_default_na=False)
    rows, circuity = [], {}
    placed_rows = []
    for i, r in enumerate(lines.itertuples(), start=2):
        where = f"{getattr(table, 'name', table)}:{i} ({r.line} {r.section})"
        if r.status not in STATUSES:
            raise SystemExit(f"rail.py: {where}: status {r.status!r}; use one of {', '.join(STATUSES)}")
        if r.status == "open" and not r.opened.isdigit():
            raise SystemExit(f"rail.py: {where}: an open line needs its opening year")
        if not r.source.strip():
            raise SystemExit(f"rail.py: {where}: every row needs its source")
        stops = [place(t, osm, where) for t in r.stations.split(";")]
        if len(stops) < 2:
            raise SystemExit(f"rail.py: {where}: a line needs at least two stops")
        for k, s in enumerate(stops):  # a name two OSM stations share: the one nearest the neighbouring stops
            if s[3] == "osm?":
                near = [t for t in (stops[k - 1] if k else None, stops[k + 1] if k + 1 < len(stops) else None)
                        if t is not None and t[3] != "osm?"]
                best = min(osm[s[0]], key=lambda q: sum(_km(q, (t[1], t[2])) for t in near))
                stops[k] = (s[0], *best, "osm", s[4])
        gc = [_km((a[1], a[2]), (b[1], b[2])) for a, b in zip(stops[:-1], stops[1:])]
        for (a, b), d in zip(zip(stops[:-1], stops[1:]), gc):
            if d < 0.5:
                raise SystemExit(f"rail.py: {where}: stops {a[0]} and {b[0]} are placed {d:.1f} km apart")
        if r.length_km:
            c = float(r.length_km) / sum(gc)
            if not CIRCUITY[0] <= c <= CIRCUITY[1]:
                raise SystemExit(f"rail.py: {where}: published length {r.length_km} km is {c:.2f} x the great "
                                 f"circles between the stops; a stop is misplaced (allowed {CIRCUITY})")
            circuity[f"{r.line} {r.section}"] = round(c, 3)
        placed_rows.append((r, stops, gc))
    median = sorted(circuity.values())[len(circuity) // 2]
    for r, stops, gc in placed_rows:
        c = float(r.length_km) / sum(gc) if r.length_km else median
        for a, b, d in zip(stops[:-1], stops[1:], gc):
            rows.append({"line": r.line, "section": r.section, "from": a[0], "to": b[0],
                         "from_en": english(a[0]), "to_en": english(b[0]),
                         "from_lon": round(a[1], 6), "from_lat": round(a[2], 6), "to_lon": round(b[1], 6),
                         "to_lat": round(b[2], 6), "from_placed": a[3] if a[3] == "osm" else f"seat:{a[4]}",
                         "to_placed": b[3] if b[3] == "osm" else f"seat:{b[4]}", "km": round(d * c, 2),
                         "km_basis": "published length" if r.length_km else "median circuity",
                         "design_kmh": int(r.design_kmh), "opened": r.opened, "status": r.status,
                         "source": r.source})
    seg = pd.DataFrame(rows)
    stations = pd.concat([seg[["from", "from_placed"]].set_axis(["s", "p"], axis=1),
                          seg[["to", "to_placed"]].set_axis(["s", "p"], axis=1)]).drop_duplicates("s")
    meta = {"lines": int(len(lines)), "sections": int(len(seg)), "stations": int(len(stations)),
            "stations_at_osm_point": int((stations["p"] == "osm").sum()),
            "stations_at_seat": int((stations["p"] != "osm").sum()),
            "circuity_median": median, "circuity": circuity}
    return seg, meta


def main() -> None:
    seg, meta = build()
    with atomic_path(LAYERS_OUT / "rail_lines.csv") as tmp:
        seg.to_csv(tmp, index=False, lineterminator="\n")
    write_text(LAYERS_OUT / "rail_lines.json", json.dumps(meta, ensure_ascii=False, indent=1) + "\n")
    print(f"rail_lines.csv: {meta['sections']} sections, {meta['stations']} stations "
          f"({meta['stations_at_osm_point']} at OSM points, {meta['stations_at_seat']} at seats), "
          f"median circuity {meta['circuity_median']}", file=sys.stderr)


if __name__ == "__main__":
    main()
