"""Hostile input and faults (issue 16): every case gives one clear line and exit 2 (or a right answer), within
seconds, and touches no file but the requested output. Each fault test proves that its fault happened."""

from __future__ import annotations

import errno
import json
import os
import signal
import stat
import subprocess
import sys
import time

import pytest

import geonet
from conftest import REPO, run_cli, run_subprocess
from geonet import network, settings
from geonet.io import atomic_path, sweep_stale_temporaries

SC = REPO / "scenarios"


def _one_line_exit_2(r, *words):
    err = [x for x in r.stderr.strip().splitlines() if not x.startswith("warning: ")]
    assert r.returncode == 2, (r.returncode, r.stdout[-500:], r.stderr[-2000:])
    assert "Traceback" not in r.stderr and "internal" not in r.stderr, r.stderr[-2000:]
    assert len(err) == 1 and len(err[0]) <= 700, err[:3]
    for w in words:
        assert w in err[0], (w, err[0])
    return err[0]


def run(*args, cwd=None, env=None, timeout=None):
    """The command line: in this process (conftest.run_cli), or in a fresh one where ``env`` sets variables (read
    at start-up) or a ``timeout`` (s) must bound the command (a hang then fails the test; default there 120 s)."""
    if env is None and timeout is None:
        return run_cli(*args, cwd=cwd)
    return run_subprocess(*args, cwd=cwd, env=env, timeout=timeout or 120)


# ------------------------------------------------------------------ outputs: only regular files are replaced


@pytest.mark.parametrize("kind", ["fifo", "device", "folder", "symlink", "long"])
def test_outputs_that_are_not_regular_files_are_refused(tmp_path, kind):
    target = tmp_path / "out.csv"
    if kind == "fifo":
        os.mkfifo(target)
    elif kind == "device":
        if os.geteuid() != 0:
            pytest.skip("mknod needs root")
        os.mknod(target, 0o666 | stat.S_IFCHR, os.makedev(1, 3))  # a /dev/null of our own
    elif kind == "folder":
        target.mkdir()
    elif kind == "symlink":
        victim = tmp_path / "victim.txt"
        victim.write_text("keep")
        target.symlink_to(victim)
    else:
        target = tmp_path / ("a" * 260 + ".csv")
    before = os.lstat(target).st_mode if kind != "long" else None
    r = run("cities", "--region", "liaoning", "--format", "csv", "--out", str(target))
    _one_line_exit_2(r, "cannot write")
    if before is not None:
        assert os.lstat(target).st_mode == before  # still a FIFO / device / folder / link
    if kind == "symlink":
        assert (tmp_path / "victim.txt").read_text() == "keep"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["out.csv", "victim.txt"] if kind == "symlink" else [] if kind == "long" else ["out.csv"])


def test_screenshot_never_follows_a_link_nor_creates_folders(tmp_path):
    victim = tmp_path / "victim.png"
    victim.write_bytes(b"keep")
    (tmp_path / "shot.png").symlink_to(victim)
    r = run("map", "--region", "liaoning", "--layers", "hubs", "--out", str(tmp_path / "m.html"),
            "--screenshot", str(tmp_path / "shot.png"))
    _one_line_exit_2(r, "symbolic link")
    assert victim.read_bytes() == b"keep" and not (tmp_path / "m.html").exists()
    r = run("map", "--region", "liaoning", "--layers", "hubs", "--out", str(tmp_path / "m.html"),
            "--screenshot", str(tmp_path / "missing" / "shot.png"))
    _one_line_exit_2(r, "does not exist")
    assert not (tmp_path / "missing").exists()


def test_disk_full_is_one_line_and_leaves_nothing(tmp_path):
    """A real full file system (a 64 KiB tmpfs) when we may mount one; always the in-process equivalent."""
    target = tmp_path / "net.graphml"
    with pytest.raises(geonet.OutputError, match="no space left"):
        with atomic_path(target) as tmp:
            assert tmp.exists()  # the temporary existed before the failure
            raise OSError(errno.ENOSPC, "No space left on device")
    assert list(tmp_path.iterdir()) == []
    mnt = tmp_path / "small"
    mnt.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mnt)],
                                           capture_output=True).returncode != 0:
        pytest.skip("cannot mount a small tmpfs here; the in-process case above ran")
    try:
        r = run("map", "--region", "liaoning", "--out", str(mnt / "m.html"))
        _one_line_exit_2(r, "no space left", str(mnt / "m.html"))
        assert list(mnt.iterdir()) == []  # nothing partial left behind
        r = run("network", "build", "--region", "liaoning", "--out", str(mnt / "n.gpkg"))  # GDAL's own errors
        _one_line_exit_2(r, "cannot write", str(mnt / "n.gpkg"))
        assert list(mnt.iterdir()) == []
    finally:
        subprocess.run(["umount", str(mnt)], check=False)


def test_stale_temporaries_of_dead_writers_are_swept(tmp_path):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    stale = tmp_path / f".nat.csv.geonet-{dead.pid}-0123abcd.tmp"
    stale.write_text("half")
    live = tmp_path / f".nat.csv.geonet-{os.getppid()}-0123abcd.tmp"  # a running process's: kept
    live.write_text("in progress")
    other = tmp_path / ".someone-elses.tmp"
    other.write_text("not ours")
    r = run("cities", "--region", "liaoning", "--format", "csv", "--out", str(tmp_path / "c.csv"))
    assert r.returncode == 0, r.stderr
    assert not stale.exists() and live.exists() and other.exists() and (tmp_path / "c.csv").exists()
    assert sweep_stale_temporaries(tmp_path) == []


def test_killed_writer_leaves_the_old_file_and_its_temporary_is_swept(tmp_path):
    """Kill a GraphML writer while its temporary exists (proved by seeing it), then check the old file."""
    out = tmp_path / "nat.graphml"
    out.write_text("old content\n")
    p = subprocess.Popen([sys.executable, "-m", "geonet", "network", "build", "--region", "national", "--out",
                          str(out)], cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    seen, t0 = None, time.monotonic()
    while time.monotonic() - t0 < 240 and p.poll() is None:
        tmps = list(tmp_path.glob(".nat.graphml.geonet-*.tmp"))
        if tmps and tmps[0].stat().st_size > 0:
            seen = tmps[0]
            break
        time.sleep(0.02)
    p.send_signal(signal.SIGKILL)
    p.wait(timeout=30)
    assert seen is not None, "the writer never showed its temporary file: the test proved nothing"
    assert out.read_text() == "old content\n"
    assert seen.exists()  # left by the killed writer ...
    r = run("cities", "--region", "liaoning", "--format", "csv", "--out", str(tmp_path / "c.csv"))
    assert r.returncode == 0 and not seen.exists()  # ... and swept by the next write to the folder


# ------------------------------------------------------------------ scenarios


def _sc(tmp_path, text, name="s.yaml"):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_base_must_be_a_scenario_and_secrets_are_never_echoed(tmp_path):
    secret = tmp_path / "secret" / "credentials"
    secret.parent.mkdir()
    secret.write_text("name: AKIA-SECRET-KEY\nregion: liaoning\npassword: hunter2-SECRET\n")
    work = tmp_path / "work"
    work.mkdir()
    for base in ("../secret/credentials", "/etc/shadow", str(secret), "../secret/credentials.yaml"):
        p = _sc(work, f"name: x\nregion: liaoning\nbase: {base}\n")
        r = run("scenario", "run", str(p))
        line = _one_line_exit_2(r, "base")
        assert "SECRET" not in r.stderr and "hunter2" not in r.stderr, line
    # a YAML in the tree that is not a scenario: refused without echoing it
    (work / "notes.yaml").write_text("token: AKIA-SECRET-TOKEN\n")
    p = _sc(work, "name: x\nregion: liaoning\nbase: notes.yaml\n")
    line = _one_line_exit_2(run("scenario", "run", str(p)), "not a scenario")
    assert "SECRET" not in line
    # a shipped scenario is a valid base from anywhere
    p = _sc(work, f"name: x\nbase: {SC / 'liaoning.yaml'}\nremove_hubs: [ln-panjin]\n")
    assert len(geonet.Scenario.from_yaml(p).hub_table()) == 3


def test_yaml_alias_bomb_is_refused_fast_and_briefly(tmp_path):
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for prev, cur in zip("abcdefghi", "bcdefghij"):
        lines.append(f"{cur}: &{cur} [{', '.join([f'*{prev}'] * 10)}]")  # 10 ** 10 leaves in all
    p = _sc(tmp_path, "\n".join(lines) + "\nname: *j\nregion: liaoning\n")
    assert p.stat().st_size < 1000
    t0 = time.monotonic()
    r = run("scenario", "run", str(p))
    assert time.monotonic() - t0 < 30
    _one_line_exit_2(r, "aliases")


@pytest.mark.parametrize("body, words", [
    ("service: {sort_s_by_tier: {1: .nan}}", "sort_s_by_tier"),
    ("service: {sort_s_by_tier: {1: -600}}", "sort_s_by_tier"),
    ("service: {origin_processing_s: -5}", "origin_processing_s"),
    ("service: {dest_processing_s: .inf}", "dest_processing_s"),
    ("network: {modes: [road, rail], declared_rail: [{from: 沈阳, to: 大连, first_departure: abc}]}", "HH:MM"),
    ("network: {modes: [road, rail], declared_rail: [{from: 沈阳, to: 大连, first_departure: '99:99'}]}", "HH:MM"),
    ("network: {modes: [road, rail], declared_rail: [{from: 沈阳, to: 大连, first_departure: '21:00', "
     "last_departure: '07:00'}]}", "midnight"),
    ("network: {modes: [road, rail], declared_rail: [{from: 沈阳, to: 大连, kmh: 20700}]}", "kmh"),
    ("network: {params: {proxy_truck_kmh: 900}}", "proxy_truck_kmh"),
    ("network: {params: {air_block_kmh: .nan}}", "air_block_kmh"),
])
def test_scenario_nonsense_is_refused_with_file_and_line(tmp_path, body, words):
    p = _sc(tmp_path, f"name: x\nregion: liaoning\nbase: {SC / 'liaoning.yaml'}\n{body}\n")
    _one_line_exit_2(run("scenario", "run", str(p)), str(p), words)


def test_scenario_file_not_utf8_or_not_a_file(tmp_path):
    p = tmp_path / "latin1.yaml"
    p.write_bytes("name: Zürich\nregion: liaoning\n".encode("latin-1"))
    _one_line_exit_2(run("scenario", "run", str(p)), "UTF-8")
    _one_line_exit_2(run("scenario", "run", str(tmp_path)), "not a regular file")
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    _one_line_exit_2(run("scenario", "run", str(fifo), timeout=30), "not a regular file")


# ------------------------------------------------------------------ rail service files


@pytest.mark.parametrize("rows, words", [
    ("", "empty"),
    (None, "header and no services"),
    ("沈阳,沈阳,60,07:00,21:00,60,x", "to itself"),
    ("沈阳,Atlantis,60,07:00,21:00,60,x", "Atlantis"),
    ("沈阳,广州,600,07:00,21:00,60,x", "outside region liaoning"),
    ("沈阳,大连,60,07:00", "field(s)"),
    ("沈阳,大连,90,21:00,07:00,60,x", "midnight"),
    ("沈阳,大连,1,07:00,21:00,60,x", "km/h"),
    ("沈阳,大连,nan,07:00,21:00,60,x", "run_minutes"),
    ("沈阳,大连,90,25:00,21:00,60,x", "first_departure"),
])
def test_rail_service_files_are_checked_row_by_row(tmp_path, rows, words):
    f = tmp_path / "svc.csv"
    header = "from,to,run_minutes,first_departure,last_departure,headway_minutes,source\n"
    f.write_text("" if rows == "" else header + (rows + "\n" if rows else ""), encoding="utf-8")
    r = run("network", "build", "--region", "liaoning", "--modes", "road,rail", "--rail-services", str(f),
            "--out", str(tmp_path / "n.graphml"))
    line = _one_line_exit_2(r, words)
    assert str(f) in line
    assert not (tmp_path / "n.graphml").exists()


# ------------------------------------------------------------------ numbers, places, networks, engines


@pytest.mark.parametrize("args, words", [
    (["coverage", "--region", "liaoning", "--hours", "nan"], "finite"),
    (["coverage", "--region", "liaoning", "--hours", "inf"], "finite"),
    (["coverage", "--region", "liaoning", "--hours", "-3"], "positive"),
    (["optimize", "--region", "liaoning", "--p", "2", "--objective", "coverage", "--hours", "nan"], "finite"),
    (["optimize", "--region", "liaoning", "--p", "2", "--alpha", "nan"], "alpha"),
    (["route", "0,0", "湛江", "--region", "guangdong"], "outside region guangdong"),
    (["route", "0,0", "湛江", "--region", "national"], "km from the nearest road"),
    (["route", "广州", "北京", "--region", "guangdong"], "--region national"),
    (["matrix", "--region", "liaoning", "--out", "m.csv", "--engine", "dask", "--scheduler", "not an address"],
     "scheduler"),
])
def test_nonsense_numbers_and_places(args, words, tmp_path):
    _one_line_exit_2(run(*args, cwd=tmp_path), words)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("workers", ["0", "-1"])
def test_dask_workers_below_one_fail_at_once(tmp_path, workers):
    t0 = time.monotonic()
    r = run("matrix", "--region", "liaoning", "--out", "m.csv", "--engine", "dask", "--workers", workers,
            cwd=tmp_path, timeout=60)
    assert r.returncode == 2 and "Traceback" not in r.stderr and "--workers" in r.stderr
    assert time.monotonic() - t0 < 20


def test_unreachable_dask_scheduler_fails_within_10_s(tmp_path):
    t0 = time.monotonic()
    r = run("matrix", "--region", "liaoning", "--out", "m.csv", "--engine", "dask", "--scheduler",
            "tcp://127.0.0.1:1", cwd=tmp_path, timeout=60)
    line = _one_line_exit_2(r, "tcp://127.0.0.1:1")
    assert time.monotonic() - t0 < 20 and "8 s" in line  # 8 s connect timeout + interpreter start-up


def test_route_on_a_network_of_another_region(tmp_path):
    G = network.build("liaoning", modes=["road"])
    network.save(G, tmp_path / "ln.graphml")
    line = _one_line_exit_2(run("route", "广州", "湛江", "--network", str(tmp_path / "ln.graphml")), "outside region")
    assert "liaoning" in line


def test_foreign_graphml_without_geonet_attributes(tmp_path):
    import networkx as nx

    G = nx.MultiDiGraph(crs="epsg:4326")
    G.add_node(1, x=24.9, y=60.1)
    G.add_node(2, x=24.95, y=60.15)
    G.add_edge(1, 2, length=100.0)
    nx.write_graphml(G, tmp_path / "foreign.graphml")
    _one_line_exit_2(run("route", "24.9,60.1", "24.95,60.15", "--network", str(tmp_path / "foreign.graphml")),
                     "not a geonet network")


# ------------------------------------------------------------------ environment, doctor, cache


@pytest.mark.parametrize("env, words", [
    ({"GEONET_OSM_RETRIES": "abc"}, "GEONET_OSM_RETRIES"),
    ({"GEONET_OSM_BACKOFF": "nan"}, "GEONET_OSM_BACKOFF"),
    ({"GEONET_OVERPASS_URL": "not a url"}, "GEONET_OVERPASS_URL"),
    ({"GEONET_OVERPASS_URL": "file:///etc/passwd"}, "http(s)"),
])
def test_bad_environment_is_one_line_even_from_doctor(tmp_path, env, words):
    _one_line_exit_2(run("doctor", env=env), words)
    r = run("network", "build", "--bbox", "24.935,60.164,24.953,60.179", "--source", "osm", "--modes", "road",
            "--out", str(tmp_path / "x.graphml"), env={**env, "GEONET_CACHE": str(tmp_path / "cache")})
    _one_line_exit_2(r, words)
    assert not (tmp_path / "cache").exists()  # stopped before any request or cache write


@pytest.mark.parametrize("damage", ["missing", "truncated", "empty"])
def test_doctor_fails_on_missing_or_damaged_layers(tmp_path, damage):
    layers = tmp_path / "layers"
    layers.mkdir()
    src = settings.layers_dir()
    for f in src.iterdir():
        if f.is_file():
            (layers / f.name).write_bytes(f.read_bytes())
    victim = layers / "counties.parquet"
    if damage == "missing":
        victim.unlink()
    elif damage == "truncated":
        victim.write_bytes(victim.read_bytes()[: 4096])
    else:
        (layers / "hubs.csv").write_text((layers / "hubs.csv").read_text().splitlines()[0] + "\n")
    _one_line_exit_2(run("doctor", env={"GEONET_LAYERS": str(layers)}), "problem")
    r = run("doctor", "--json", env={"GEONET_LAYERS": str(layers)})
    assert r.returncode == 2 and json.loads(r.stdout)["problems"]
    assert run("doctor", "--json", env={"GEONET_LAYERS": str(src)}).returncode == 0  # the shipped ones pass


BOX = "24.935,60.164,24.953,60.179"


def _osm_env(overpass, cache):
    return {"GEONET_OVERPASS_URL": overpass.url, "GEONET_CACHE": str(cache), "GEONET_OSM_BACKOFF": "0.05",
            "GEONET_OSM_RETRIES": "1"}


def test_invalid_cache_entries_are_discarded_and_fetched_again(overpass, tmp_path):
    cache = tmp_path / "c"
    env = _osm_env(overpass, cache)
    args = ("network", "build", "--bbox", BOX, "--source", "osm", "--modes", "road")
    assert run(*args, "--out", str(tmp_path / "a.graphml"), env=env).returncode == 0
    assert len(overpass.requests) == 1
    (entry,) = (cache / "osmnx").glob("*.json")
    entry.write_text(entry.read_text()[:1000])  # truncated on disk
    r = run("--offline", *args, "--out", str(tmp_path / "b.graphml"), env=env)
    _one_line_exit_2(r, "offline: no cached")  # the bad entry is not used ...
    assert "warning: discarded an invalid cached Overpass answer" in r.stderr
    assert len(overpass.requests) == 1
    r = run(*args, "--out", str(tmp_path / "c.graphml"), env=env)  # ... and fetched again online
    assert r.returncode == 0 and len(overpass.requests) == 2
    assert json.loads(entry.read_text())["elements"]


def test_a_cache_that_cannot_be_written_still_answers(overpass, tmp_path):
    cache = tmp_path / "c"
    cache.write_text("a file where the cache folder should be")
    r = run("network", "build", "--bbox", BOX, "--source", "osm", "--modes", "road", "--out",
            str(tmp_path / "a.graphml"), env=_osm_env(overpass, cache))
    assert r.returncode == 0, r.stderr
    assert "warning: the Overpass answer was used but not cached" in r.stderr and "Traceback" not in r.stderr
    assert len(overpass.requests) == 1 and (tmp_path / "a.graphml").exists()


@pytest.mark.parametrize("fault", ["nolatlon", "missingnode", "truncated"])
def test_bad_answers_are_retried_and_never_cached(overpass, tmp_path, fault):
    cache = tmp_path / "c"
    overpass.fault = fault
    r = run("network", "build", "--bbox", BOX, "--source", "osm", "--modes", "road", "--out",
            str(tmp_path / "a.graphml"), env=_osm_env(overpass, cache))
    _one_line_exit_2(r, "failed 2 time(s)")
    assert len(overpass.requests) == 2  # a bad answer counts as a failed attempt: retried once, then an error
    assert not list(cache.rglob("*.json"))
    r = run("--offline", "network", "build", "--bbox", BOX, "--source", "osm", "--modes", "road", "--out",
            str(tmp_path / "a.graphml"), env=_osm_env(overpass, cache))
    _one_line_exit_2(r, "offline: no cached")
