"""Reliability: bad input, network faults against a local Overpass server, integrity, determinism, properties."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import networkx as nx
import numpy as np
import pytest
import shapely
from hypothesis import given, settings as hsettings
from hypothesis import strategies as st

import geonet
from geonet import network, settings
from geonet.engine import Snapshot

# ------------------------------------------------------------------ bad input through the CLI


@pytest.mark.parametrize("args, words", [
    (["route", "广州", "Shenzen", "--region", "guangdong"], "Shenzhen"),
    (["hubs", "--region", "hainan"], "guangdong"),
    (["hubs", "--system", "NOPE"], "guangdong-1+4+6"),
    (["route", "广州", "深圳", "--region", "guangdong", "--mode", "teleport"], "multimodal"),
    (["coverage", "--region", "guangdong", "--hours", "1e9"], "at most"),
    (["route", "广州", "深圳", "--region", "guangdong", "--via-hubs", "--depart", "-1:00"], "HH:MM"),
    (["network", "info", "/nonexistent/x.graphml"], "not found"),
    (["matrix", "--region", "liaoning", "--out", "/nonexistent-dir/x.csv"], "does not exist"),
    (["matrix", "--region", "liaoning", "--out", "x.xlsx"], ".parquet"),
    (["optimize", "--region", "liaoning", "--p", "2", "--objective", "coverage"], "--hours"),
])
def test_bad_input_is_one_line_exit_2(cli, args, words):
    r = cli(*args)
    assert r.returncode == 2, (args, r.stdout, r.stderr)
    err = r.stderr.strip().splitlines()
    assert len(err) == 1 and words in err[0] and "Traceback" not in r.stderr


def test_corrupt_files(tmp_path, cli):
    gpkg = tmp_path / "x.gpkg"
    gpkg.write_bytes(b"SQLite format 3\x00garbage" * 10)
    r = cli("network", "info", str(gpkg))
    assert r.returncode == 2 and "corrupt" in r.stderr
    empty = tmp_path / "empty.graphml"
    network.save(nx.MultiDiGraph(crs="epsg:4326"), empty)
    r = cli("network", "info", str(empty))
    assert r.returncode == 2 and "empty" in r.stderr
    parquet = tmp_path / "layers"
    parquet.mkdir()
    (parquet / "prefectures.parquet").write_bytes(b"PAR1 truncated")
    env = dict(os.environ, GEONET_LAYERS=str(parquet))
    r = subprocess.run([sys.executable, "-m", "geonet", "cities", "--region", "guangdong"], capture_output=True,
                       text=True, env=env, cwd=tmp_path, timeout=120)
    assert r.returncode == 2 and ("cannot be read" in r.stderr or "missing" in r.stderr)


def test_output_path_that_is_not_a_directory(tmp_path, cli):
    f = tmp_path / "file.txt"
    f.write_text("x")
    r = cli("hubs", "--format", "csv", "--out", str(f / "out.csv"))
    assert r.returncode == 2 and "does not exist" in r.stderr


# ------------------------------------------------------------------ OSM faults (local server only)

BOX = shapely.box(24.935, 60.164, 24.953, 60.179)


@pytest.fixture
def server(overpass, monkeypatch):
    monkeypatch.setattr(settings, "OSM_BACKOFF_S", 0.05)
    monkeypatch.setattr(settings, "OSM_RETRIES", 2)
    monkeypatch.setattr(settings, "OSM_TIMEOUT_S", 1.0)
    monkeypatch.setattr(settings, "OSM_REQUEST_DEADLINE_S", 1.5)
    return overpass


def _build():
    return network.build(polygon=BOX, sources={"road": "osm"}, modes=["road"], places=False)


@pytest.mark.parametrize("fault, words, tries", [
    ("http429", "HTTP 429", 3), ("http504", "HTTP 504", 3), ("http500", "HTTP 500", 3),
    ("timeout", "no complete answer within", 3), ("truncated", "truncated or malformed", 3),
    ("malformed", "malformed", 3), ("nolatlon", "no valid lat/lon", 3), ("missingnode", "does not hold", 3),
    ("trickle", "no complete answer within", 3), ("empty", "no road ways", 1),
])
def test_faults_give_clear_errors_and_never_poison_the_cache(server, fault, words, tries):
    server.fault = fault
    t0 = time.monotonic()
    with pytest.raises(geonet.DataError, match=words):
        _build()
    assert time.monotonic() - t0 < 15  # each request is bounded by its deadline, however slow the server
    assert len(server.requests) == tries  # bounded retries with back-off, then a clear error
    cached = list((server.cache / "osmnx").glob("*.json")) if (server.cache / "osmnx").is_dir() else []
    assert fault == "empty" or not cached  # no failed response is cached
    server.fault = None
    G = _build() if fault != "empty" else None
    if G is not None:
        assert G.number_of_edges() > 0 and len(server.requests) == tries + 1


def test_offline_uses_only_the_cache(server, monkeypatch):
    monkeypatch.setattr(settings, "OSM_OFFLINE", True)
    with pytest.raises(geonet.DataError, match="offline: no cached"):
        _build()
    assert server.requests == []
    monkeypatch.setattr(settings, "OSM_OFFLINE", False)
    G1 = _build()
    monkeypatch.setattr(settings, "OSM_OFFLINE", True)
    G2 = _build()
    assert len(server.requests) == 1 and G2.number_of_edges() == G1.number_of_edges()


# ------------------------------------------------------------------ integrity and determinism


def test_rerunning_gives_identical_outputs(tmp_path, cli):
    for name in ("a", "b"):
        r = cli("matrix", "--region", "liaoning", "--out", str(tmp_path / f"{name}.csv"))
        assert r.returncode == 0, r.stderr
        r = cli("map", "--region", "liaoning", "--layers", "hubs,network,goal", "--out", str(tmp_path / f"{name}.html"))
        assert r.returncode == 0, r.stderr
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()
    assert (tmp_path / "a.html").read_bytes() == (tmp_path / "b.html").read_bytes()


def test_doctor(cli):
    r = cli("doctor", "--json")
    assert r.returncode == 0
    import json

    rep = json.loads(r.stdout)
    assert rep["layers"]["hubs.csv"] and rep["packages"]["osmnx"] != "not installed" and "cache_dir" in rep


# ------------------------------------------------------------------ properties on real and generated networks


@st.composite
def random_graphs(draw, directed=True):
    n = draw(st.integers(3, 25))
    seed = draw(st.integers(0, 10_000))
    rng = np.random.default_rng(seed)
    G = nx.MultiDiGraph()
    G.add_nodes_from(range(n))
    m = draw(st.integers(n, 4 * n))
    for _ in range(m):
        u, v = (int(x) for x in rng.integers(0, n, 2))
        if u == v:
            continue
        w = float(rng.uniform(0.5, 100))
        G.add_edge(u, v, travel_time=w)
        if not directed:
            G.add_edge(v, u, travel_time=w)
    return G


@given(random_graphs())
@hsettings(max_examples=40, deadline=None)
def test_engine_equals_networkx_on_generated_graphs(G):
    snap = Snapshot.from_graph(G)
    d = snap.times(list(G.nodes))
    for s in G.nodes:
        ref = nx.single_source_dijkstra_path_length(G, s, weight="travel_time")
        for t in G.nodes:
            got = d[snap.index[s], snap.index[t]]
            assert (np.isinf(got) and t not in ref) or got == pytest.approx(ref[t])


@given(random_graphs(directed=False))
@hsettings(max_examples=30, deadline=None)
def test_undirected_graphs_give_symmetric_matrices_and_triangle_inequality(G):
    d = Snapshot.from_graph(G).times(list(G.nodes))
    assert np.allclose(np.nan_to_num(d, posinf=-1), np.nan_to_num(d.T, posinf=-1))
    n = len(d)
    for k in range(n):
        assert np.all(d <= d[:, [k]] + d[[k], :] + 1e-9)


def test_triangle_inequality_on_the_national_network():
    from geonet.models import region_network

    snap = Snapshot.from_graph(region_network("national"))
    c = [f"city:{a}" for a in geonet.cities("national")["adcode"][::7]]
    d = snap.times(c)[:, snap.idx(c)]
    for k in range(len(c)):
        assert np.all(d <= d[:, [k]] + d[[k], :] + 1e-6)


@given(st.lists(st.floats(0.5, 30), min_size=2, max_size=5, unique=True))
@hsettings(max_examples=10, deadline=None)
def test_coverage_monotone_in_threshold(hours):
    cov = geonet.coverage("liaoning", hours)
    s = cov.summary.sort_values("hours")
    assert s["counties_covered"].is_monotonic_increasing and s["share_area"].is_monotonic_increasing
