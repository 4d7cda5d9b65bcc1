"""Save and load networks: GraphML (osmnx format) and GeoPackage (layers 'nodes' and 'edges'), atomically."""

from __future__ import annotations

import math
import re
from pathlib import Path

import networkx as nx

from ..errors import DataError, InputError, OutputError
from ..io import atomic_path

_BOOL = {"True": True, "False": False, "true": True, "false": False, "1": True, "0": False}


def _to_bool(v) -> bool:
    return _BOOL.get(str(v), bool(v))


def save(G: nx.MultiDiGraph, path: str | Path) -> Path:
    """Write ``G`` to .graphml or .gpkg; the file appears complete or not at all."""
    import osmnx as ox

    p = Path(path)
    suffix = p.suffix.lower()
    if suffix not in (".graphml", ".gpkg"):
        raise InputError(f"cannot save a network as {p.name}: use a .graphml or .gpkg file name")
    with atomic_path(p) as tmp:
        if suffix == ".graphml":
            ox.save_graphml(G, tmp)
        else:  # GeoPackage needs its own suffix and must not pre-exist
            gpkg = tmp.parent / f"{tmp.name}.gpkg"
            try:
                ox.save_graph_geopackage(G, gpkg, directed=True)
                gpkg.replace(tmp)
            except OSError:
                raise
            except Exception as exc:  # GDAL/SQLite write failures (a full disk: 'database or disk is full')
                raise OutputError(f"cannot write {p}: the GeoPackage driver failed ({_first_line(exc)}); nothing "
                                  "was written") from None
            finally:
                gpkg.unlink(missing_ok=True)
    return p


def _first_line(exc: Exception) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0][:200]


GRAPHML_HEAD_BYTES = 1 << 20  # the <key> declarations come first: a foreign GraphML is refused from its head


def _check_graphml_head(p: Path) -> None:
    """Refuse, before parsing a large file, a GraphML whose keys lack what geonet routes on (node x, y and
    mode; edge mode, travel_time and length)."""
    with open(p, "rb") as f:
        head = f.read(GRAPHML_HEAD_BYTES).decode("utf-8", "ignore")
    keys = set(re.findall(r'<key\b[^>]*\bfor="(node|edge)"[^>]*\battr\.name="([^"]+)"', head))
    keys |= {(a, b) for b, a in re.findall(r'<key\b[^>]*\battr\.name="([^"]+)"[^>]*\bfor="(node|edge)"', head)}
    need = [("node", "x"), ("node", "y"), ("node", "mode"), ("edge", "mode"), ("edge", "travel_time"),
            ("edge", "length")]
    missing = [f"{a} {b}" for a, b in need if (a, b) not in keys]
    if missing:
        raise DataError(f"network file {p} is not a geonet network: its GraphML declares no {', '.join(missing)} "
                        "attribute; build one with `geonet network build`")


def load(path: str | Path) -> nx.MultiDiGraph:
    """Read a network written by :func:`save` (or any osmnx GraphML); clear errors for missing/corrupt files."""
    import geopandas as gpd
    import osmnx as ox

    p = Path(path)
    if not p.exists():
        raise DataError(f"network file {p} not found")
    if not p.is_file():
        raise DataError(f"network file {p} is not a regular file (a folder, device or FIFO); give a .graphml or "
                        ".gpkg file")
    suffix = p.suffix.lower()
    try:
        if suffix == ".graphml":
            _check_graphml_head(p)
            G = ox.load_graphml(p, node_dtypes={"osmid": str, "osm_id": str, "adcode": str, "iata": str},
                                edge_dtypes={"proxy": _to_bool, "handling_s": float, "n_airlines": float,
                                             "assumption": _to_bool, "headway_minutes": float},
                                graph_dtypes={"proxy": _to_bool})
        elif suffix == ".gpkg":
            nodes = gpd.read_file(p, layer="nodes").set_index("osmid")
            edges = gpd.read_file(p, layer="edges").set_index(["u", "v", "key"])
            if "proxy" in edges:
                edges["proxy"] = edges["proxy"].map(_to_bool)
            G = ox.graph_from_gdfs(nodes, edges, graph_attrs={"crs": "epsg:4326"})
        else:
            raise InputError(f"cannot load {p.name}: use a .graphml or .gpkg file")
    except (InputError, DataError):
        raise
    except Exception as exc:
        raise DataError(f"network file {p} is corrupt or not a geonet network ({type(exc).__name__})") from None
    if G.number_of_nodes() == 0:
        raise DataError(f"network file {p} holds an empty network")
    _check_attributes(G, p)
    for n in list(G.nodes):  # gpkg/graphml may give non-str ids; geonet node ids are strings
        if not isinstance(n, str):
            G = nx.relabel_nodes(G, str)
            break
    if "network" not in G.graph:  # GeoPackage keeps no graph attributes: derive the label from the edges
        srcs = {str(d.get("source", "")) for _, _, d in G.edges(data=True)}
        proxy = any(_to_bool(d.get("proxy", False)) for _, _, d in G.edges(data=True))
        G.graph["network"] = "proxy" if proxy else ("osm" if any(s.startswith("OpenStreetMap") for s in srcs)
                                                    else "file")
        G.graph["proxy"] = proxy
    return G


def _check_attributes(G: nx.MultiDiGraph, p: Path) -> None:
    """Refuse a graph without what geonet routes on: finite x/y (degrees) on every node, a ``mode`` on every
    node, finite non-negative ``travel_time`` (s) and ``length`` (m) on every edge."""
    def num(v) -> float | None:
        try:
            f = float(v)
        except (TypeError, ValueError):
            return None
        return f if math.isfinite(f) else None

    hint = ("; build one with `geonet network build`, or bring OSM roads with "
            "`geonet network build --source FILE`")
    for n, d in G.nodes(data=True):
        x, y = num(d.get("x")), num(d.get("y"))
        if x is None or y is None or not (-180 <= x <= 180 and -90 <= y <= 90):
            raise DataError(f"network file {p} is not a geonet network: node {str(n)[:40]} has no valid x/y{hint}")
        if "mode" not in d:
            raise DataError(f"network file {p} is not a geonet network: node {str(n)[:40]} has no mode{hint}")
    for u, v, d in G.edges(data=True):
        if not d.get("mode"):
            raise DataError(f"network file {p} is not a geonet network: edge {str(u)[:30]} -> {str(v)[:30]} has no "
                            f"mode (road, rail, air, access, transfer, ferry, connection, customs){hint}")
        t, length = num(d.get("travel_time")), num(d.get("length"))
        if t is None or length is None or t < 0 or length < 0:
            raise DataError(f"network file {p} is not a geonet network: edge {str(u)[:30]} -> {str(v)[:30]} has no "
                            f"valid travel_time/length{hint}")
        d["travel_time"], d["length"] = t, length
