"""Real roads and rail from OpenStreetMap through osmnx (Overpass API, with osmnx's response cache), and
from files a user brings (.osm XML, .osm.pbf, GraphML, GeoPackage/GeoJSON lines with a class column).

Road speeds for trucks: per OSM highway class (NetworkParams.truck_kmh), lowered by a ``maxspeed`` tag,
capped at the legal expressway limit for goods vehicles (NetworkParams.truck_max_kmh). Rail: ``maxspeed``
tag, else high-speed or conventional speed by the ``highspeed`` tag.
"""

from __future__ import annotations

import re
from pathlib import Path

import geopandas as gpd
import networkx as nx
import shapely

from .. import settings
from ..errors import DataError, InputError
from ..settings import NetworkParams
from .overpass import check_url, patched_requests

SOURCE = "OpenStreetMap contributors (ODbL), via osmnx"


def configure_osmnx(overpass_url: str | None = None, cache_dir: Path | None = None) -> None:
    """Point osmnx at the Overpass endpoint and geonet's cache folder (osmnx caches every response)."""
    import osmnx as ox

    ox.settings.overpass_url = check_url(overpass_url or settings.OVERPASS_URL).rstrip("/")
    ox.settings.use_cache = True
    ox.settings.cache_folder = str((cache_dir or settings.CACHE_DIR) / "osmnx")
    ox.settings.requests_timeout = settings.OSM_TIMEOUT_S
    ox.settings.log_console = False


def download(polygon, kind: str = "road", *, overpass_url: str | None = None,
             cache_dir: Path | None = None) -> nx.MultiDiGraph:
    """Download the line-haul ``kind`` ('road' or 'rail') network inside ``polygon`` (WGS-84) with osmnx.

    Returns the raw osmnx MultiDiGraph (simplified, all components kept). Responses are cached on disk.
    """
    import osmnx as ox

    configure_osmnx(overpass_url, cache_dir)
    filt = {"road": settings.OSM_ROAD_FILTER, "rail": settings.OSM_RAIL_FILTER}.get(kind)
    if filt is None:
        raise InputError(f"unknown OSM network kind {kind!r}; use road or rail")
    try:
        with patched_requests():
            return ox.graph_from_polygon(polygon, custom_filter=filt, simplify=True, retain_all=True,
                                         truncate_by_edge=True)
    except ox._errors.InsufficientResponseError:
        raise DataError(f"OpenStreetMap returned no {kind} ways inside the requested area: nothing to build") from None


_NUM = re.compile(r"(\d+(?:\.\d+)?)")


def _maxspeed_kmh(value) -> float | None:
    vals = value if isinstance(value, list) else [value]
    speeds = []
    for v in vals:
        m = _NUM.search(str(v)) if v is not None else None
        if m:
            s = float(m.group(1))
            speeds.append(s * 1.609344 if "mph" in str(v) else s)
    return min(speeds) if speeds else None


def _first(v):
    return v[0] if isinstance(v, list) and v else v


def to_geonet(G_osm: nx.MultiDiGraph, mode: str, params: NetworkParams, source: str = SOURCE) -> nx.MultiDiGraph:
    """Convert an osmnx graph into geonet's form: node ids ``{mode}:{osmid}``, truck/rail speeds and times."""
    G = nx.MultiDiGraph()
    for n, d in G_osm.nodes(data=True):
        G.add_node(f"{mode}:{n}", x=float(d["x"]), y=float(d["y"]), mode=mode, kind="junction", osm_id=str(n))
    for u, v, d in G_osm.edges(data=True):
        length = float(d["length"])
        tagged = _maxspeed_kmh(d.get("maxspeed"))
        if mode == "road":
            cls = str(_first(d.get("highway", "primary")))
            speed = params.truck_kmh.get(cls, params.truck_kmh.get("primary", 55.0))
            if tagged:
                speed = min(speed, tagged)
            speed = min(speed, params.truck_max_kmh)
        else:
            cls = "rail"
            hs = str(_first(d.get("highspeed", ""))).lower() == "yes"
            speed = tagged or (params.rail_hsr_kmh if hs else params.rail_conventional_kmh)
        attrs = dict(length=round(length, 1), travel_time=round(length / (speed / 3.6), 1), mode=mode,
                     source=source, proxy=False, highway=cls, speed_kph=round(speed, 1),
                     name=str(_first(d.get("name", "")) or ""))
        if "geometry" in d:
            attrs["geometry"] = d["geometry"]
        G.add_edge(f"{mode}:{u}", f"{mode}:{v}", **attrs)
    return G


def read_file(path: str | Path, mode: str, params: NetworkParams) -> nx.MultiDiGraph:
    """A road or rail network from a file: .graphml, .osm (XML), .osm.pbf, .gpkg/.geojson lines.

    Line files need a ``highway`` (or ``class``) column for roads; endpoints closer than 1 m are joined.
    """
    import osmnx as ox

    p = Path(path)
    if not p.is_file():
        raise DataError(f"network file {p} not found")
    name = p.name.lower()
    try:
        if name.endswith(".graphml"):
            raw = ox.load_graphml(p)
        elif name.endswith(".osm") or name.endswith(".xml"):
            raw = ox.graph_from_xml(p, simplify=True, retain_all=True)
        elif name.endswith(".pbf"):
            raw = _graph_from_pbf(p, mode)
        elif name.endswith((".gpkg", ".geojson", ".json", ".parquet")):
            return _graph_from_lines(p, mode, params)
        else:
            raise InputError(f"unsupported network file {p.name}; use .graphml, .osm, .osm.pbf, .gpkg or .geojson")
    except (InputError, DataError):
        raise
    except Exception as exc:
        raise DataError(f"network file {p} cannot be read as {p.suffix} ({type(exc).__name__}: {exc})") from None
    return to_geonet(raw, mode, params, source=f"{SOURCE}; file {p.name}")


def _graph_from_pbf(path: Path, mode: str) -> nx.MultiDiGraph:
    try:
        import pyrosm
    except ImportError:  # pragma: no cover - optional
        raise DataError("reading .osm.pbf needs pyrosm: pip install pyrosm") from None
    osm = pyrosm.OSM(str(path))
    if mode == "road":
        nodes, edges = osm.get_network(network_type="driving", nodes=True)
        edges = edges[edges["highway"].str.match(r"^(motorway|trunk|primary|secondary|tertiary)(_link)?$", na=False)]
    else:
        raise DataError("rail from .osm.pbf is not supported yet; use a .graphml or the OSM download")
    return osm.to_graph(nodes, edges, graph_type="networkx", osmnx_compatible=True)


def _graph_from_lines(path: Path, mode: str, params: NetworkParams) -> nx.MultiDiGraph:
    gdf = gpd.read_parquet(path) if path.suffix == ".parquet" else gpd.read_file(path)
    if gdf.crs is not None and gdf.crs.to_epsg() != 4326:
        gdf = gdf.to_crs(4326)
    col = "highway" if "highway" in gdf.columns else "class" if "class" in gdf.columns else None
    if mode == "road" and col is None:
        raise InputError(f"{path.name}: line file needs a 'highway' or 'class' column (motorway, trunk, ...)")
    lines = gdf.explode(index_parts=False)
    lines = lines[lines.geometry.geom_type == "LineString"]
    if lines.empty:
        raise DataError(f"{path.name} holds no LineString features")
    from pyproj import Geod

    geod = Geod(ellps="WGS84")
    raw = nx.MultiDiGraph(crs="epsg:4326")
    key = lambda pt: (round(pt[0], 5), round(pt[1], 5))  # noqa: E731  (~1 m)
    ids: dict = {}
    for r in lines.itertuples():
        coords = list(r.geometry.coords)
        a, b = key(coords[0]), key(coords[-1])
        for k in (a, b):
            if k not in ids:
                ids[k] = len(ids)
                raw.add_node(ids[k], x=k[0], y=k[1])
        attrs = dict(length=float(geod.geometry_length(r.geometry)), geometry=r.geometry,
                     highway=str(getattr(r, col)) if col else "rail")
        raw.add_edge(ids[a], ids[b], **attrs)
        raw.add_edge(ids[b], ids[a], **{**attrs, "geometry": shapely.reverse(r.geometry)})
    return to_geonet(raw, mode, params, source=f"user file {path.name}")
