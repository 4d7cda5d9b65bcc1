"""Hostile input and faults, round three (issue 25): scenario file fields confined, no "internal" errors, wrong
results refused, bounded work, killed writes swept, permissions kept, long non-ASCII names, outputs that would
replace inputs, terminal escapes, one-line usage errors, scenario errors with file:line."""

from __future__ import annotations

import os
import stat
import time

import pytest

import geonet
from conftest import REPO
from geonet import network
from geonet.io import atomic_path, sweep_stale_temporaries
from test_hardening import _one_line_exit_2, run

SC = REPO / "scenarios"


def _sc(folder, text, name="s.yaml"):
    p = folder / name
    p.write_text(text, encoding="utf-8")
    return p


LN = "name: t\nregion: liaoning\nhubs: [{id: ln-shenyang}, {id: ln-dalian}]\n"


# ------------------------------------------------------------------ 1. file fields of a scenario are confined

@pytest.mark.parametrize("where", ["../secret/data.csv", "ABS", "../../../../secret/data.csv"])
def test_rail_services_outside_the_scenario_tree_are_refused_without_echo(tmp_path, where):
    secret = tmp_path / "secret"
    secret.mkdir()
    (secret / "data.csv").write_text("from,to,run_minutes,first_departure,last_departure,headway_minutes\n"
                                     "TOPSECRET-VALUE-123,沈阳,60,07:00,21:00,60\n", encoding="utf-8")
    work = tmp_path / "work" / "a" / "b" / "c"
    work.mkdir(parents=True)
    value = str(secret / "data.csv") if where == "ABS" else where
    p = _sc(work, LN + f"network: {{modes: [road, rail], rail_services: '{value}'}}\n")
    for args in (["scenario", "run", str(p)], ["report", "--region", "liaoning", "--scenario", str(p), "--out",
                                               str(tmp_path / "r.html")]):
        line = _one_line_exit_2(run(*args), "network.rail_services", "s.yaml:4")
        assert "TOPSECRET" not in line
    assert not (tmp_path / "r.html").exists()


def test_rail_services_inside_the_tree_are_read(tmp_path):
    (tmp_path / "svc.csv").write_text("from,to,run_minutes,first_departure,last_departure,headway_minutes,source\n"
                                      "沈阳,大连,120,07:00,21:00,60,test\n", encoding="utf-8")
    sc = geonet.Scenario.from_yaml(_sc(tmp_path, LN + "network: {modes: [road, rail], rail_services: svc.csv}\n"))
    G = sc.model().G
    assert any(d.get("mode") == "rail" and d.get("travel_time") == 7200 for _, _, d in G.edges(data=True))


def test_base_with_a_null_byte_and_a_shipped_base_by_name(tmp_path):
    p = _sc(tmp_path, 'name: t\nbase: "ok\\0.yaml"\n')
    _one_line_exit_2(run("scenario", "run", str(p)), "base")
    sc = geonet.Scenario.from_yaml(_sc(tmp_path, "name: mine\nbase: liaoning.yaml\nremove_hubs: [ln-panjin]\n",
                                       "m.yaml"))
    assert sc.region == "liaoning" and "ln-panjin" not in set(sc.hub_table()["id"])


# ------------------------------------------------------------------ 2, 3, 11. one line with file:line, no "internal"

@pytest.mark.parametrize("body, words", [
    ("network: {rail_year: 1800}\n", ["s.yaml:4", "network.rail_year", "1990"]),
    ("network: {rail_year: true}\n", ["s.yaml:4", "network.rail_year"]),
    ("network: {add_air_lines: [[SHE, SHE]]}\n", ["s.yaml:4", "network.add_air_lines.0", "itself"]),
    ("network: {add_air_lines: [[she, DLC]]}\n", ["s.yaml:4", "add_air_lines.0", "upper case"]),
    ("network: {add_air_lines: [[SHE, CAN]]}\n", ["s.yaml:4", "add_air_lines.0", "not an airport of this region"]),
    ("network: {add_air_lines: [[SHE, XXX]]}\n", ["s.yaml:4", "'XXX'"]),
    ("network: {modes: [road, air], declared_rail: [{from: 沈阳, to: 大连}]}\n",
     ["s.yaml:4", "network.declared_rail", "rail among network.modes"]),
    ("network:\n  declared_rail:\n    - {from: 沈阳, to: 沈阳市}\n", ["s.yaml:6", "declared_rail.0", "same place"]),
    ("network:\n  declared_rail:\n    - {from: 沈阳, to: Nowhereville}\n", ["s.yaml:6", "declared_rail.0",
                                                                        "Nowhereville"]),
    ("assignments: {大连: nohub}\n", ["s.yaml:4", "assignments.大连", "not a hub"]),
    ("assignments: {Nowhereville: ln-dalian}\n", ["s.yaml:4", "assignments.Nowhereville"]),
    ("description: \"A\\e[2J\\e]0;PWNED\\aB\"\n", ["s.yaml:4", "description", "control characters"]),
])
def test_scenario_values_are_refused_with_file_line_and_field(tmp_path, body, words):
    p = _sc(tmp_path, LN + body)
    with pytest.raises(geonet.InputError) as e:
        geonet.Scenario.from_yaml(p).model()
    for w in words:
        assert w in str(e.value), (w, str(e.value))


def test_terminal_escapes_never_reach_the_terminal(tmp_path):
    p = _sc(tmp_path, 'name: "A\\e[2J\\e]0;PWNED\\aB"\nregion: liaoning\nhubs: [{id: ln-shenyang}]\n')
    r = run("scenario", "run", str(p))
    line = _one_line_exit_2(r, "name", "control characters")
    assert "\x1b" not in r.stderr + r.stdout and "\a" not in r.stderr + r.stdout
    assert "\\x1b" in line
    r = run("route", "北京\x1b[2J", "天津", "--region", "national")
    assert r.returncode == 2 and "\x1b" not in r.stderr


def test_reference_rows_that_compare_nothing(tmp_path):
    ref = tmp_path / "ref.csv"
    ref.write_text("origin,destination,mode,hours,source\n沈阳,沈阳,road,3,test\n", encoding="utf-8")
    for cmd in ("validate", "calibrate"):
        _one_line_exit_2(run(cmd, "--reference", str(ref)), "ref.csv:2", "same place")
    ref.write_text("origin,destination,mode,hours,source\n长海,大连,road,3,test\n", encoding="utf-8")
    for cmd in ("validate", "calibrate"):
        r = run(cmd, "--reference", str(ref), "--region", "liaoning")
        assert r.returncode == 0, r.stderr[-800:]
        assert "1 unreachable" in r.stdout and "n/a" in r.stdout


def test_a_huge_csv_cell_is_one_line(tmp_path):
    ref = tmp_path / "ref.csv"
    ref.write_text("origin,destination,mode,hours,source\n沈阳,大连,road,3,\"" + "x" * 140_000 + "\"\n",
                   encoding="utf-8")
    _one_line_exit_2(run("validate", "--reference", str(ref)), "ref.csv", "cell")


def test_foreign_or_unlabelled_graphml_and_fifo_networks(tmp_path):
    G = network.build("liaoning", modes=["road"])
    for _, _, d in G.edges(data=True):
        d.pop("mode", None)
    network.save(G, tmp_path / "nomode.graphml")
    _one_line_exit_2(run("route", "沈阳", "大连", "--network", str(tmp_path / "nomode.graphml")), "edge mode")
    os.mkfifo(tmp_path / "n.graphml")
    _one_line_exit_2(run("network", "info", str(tmp_path / "n.graphml")), "not a regular file")


def test_rail_services_need_the_rail_mode(tmp_path):
    f = tmp_path / "svc.csv"
    f.write_text("from,to,run_minutes,first_departure,last_departure,headway_minutes,source\n"
                 "沈阳,大连,120,07:00,21:00,60,t\n", encoding="utf-8")
    _one_line_exit_2(run("network", "build", "--region", "liaoning", "--modes", "road", "--rail-services", str(f),
                         "--out", str(tmp_path / "n.graphml")), "rail services need the rail mode")
    assert not (tmp_path / "n.graphml").exists()


# ------------------------------------------------------------------ 4. bounded work


def test_long_inputs_are_capped_before_the_work(tmp_path):
    t = time.monotonic()
    _one_line_exit_2(run("route", "x" * 120_000, "天津", "--region", "national"), "characters long")
    ref = tmp_path / "ref.csv"
    ref.write_text("origin,destination,mode,hours,source\n" + "沈阳,大连,road,3,t\n" * 20_000, encoding="utf-8")
    _one_line_exit_2(run("validate", "--reference", str(ref)), "at most 5,000")
    svc = tmp_path / "svc.csv"
    svc.write_text("from,to,run_minutes,first_departure,last_departure,headway_minutes,source\n"
                   + "沈阳,大连,120,07:00,21:00,60,t\n" * 5_000, encoding="utf-8")
    _one_line_exit_2(run("network", "build", "--region", "liaoning", "--rail-services", str(svc), "--out",
                         str(tmp_path / "n.graphml")), "at most 2,000")
    _one_line_exit_2(run("coverage", "--region", "liaoning", "--hours", ",".join(["6"] * 5000)), "at most 50")
    cand = tmp_path / "cand.txt"
    cand.write_text("沈阳\n" * 100_000, encoding="utf-8")
    _one_line_exit_2(run("optimize", "--region", "liaoning", "--p", "2", "--candidates", str(cand)), "cities")
    assert time.monotonic() - t < 90


def test_reference_comparison_is_fast_per_pair():
    rows = geonet.read_reference(REPO / "tests/data/reference_rail.csv")
    geonet.validate(rows[:2], region="national")  # the network and its caches
    t = time.monotonic()
    v = geonet.validate(rows * 4, region="national")
    assert len(v.pairs) == 4 * len(rows)
    assert (time.monotonic() - t) / len(v.pairs) < 0.05  # was ~19 ms of layered-graph size checks per pair alone


# ------------------------------------------------------------------ 5-8. writes: orphans, modes, names, own inputs


def test_killed_geopackage_temporaries_are_swept(tmp_path):
    dead = 2 ** 22 + 12345  # no such pid on Linux (pid_max is at most 2**22)
    for name in (f".n.gpkg.geonet-{dead}-0123abcd.tmp.gpkg", f".n.gpkg.geonet-{dead}-0123abcd.tmp.gpkg-journal",
                 f".m.html.geonet-{dead}-89abcdef.tmp"):
        (tmp_path / name).write_text("x")
    (tmp_path / "keep.gpkg").write_text("x")
    gone = sweep_stale_temporaries(tmp_path)
    assert len(gone) == 3 and sorted(p.name for p in tmp_path.iterdir()) == ["keep.gpkg"]


def test_replaced_files_keep_their_mode(tmp_path):
    out = tmp_path / "m.html"
    out.write_text("old")
    os.chmod(out, 0o600)
    r = run("map", "--region", "liaoning", "--layers", "hubs", "--out", str(out))
    assert r.returncode == 0, r.stderr[-500:]
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600 and "old" not in out.read_text()[:10]
    new = tmp_path / "new.txt"
    with atomic_path(new) as tmp:
        tmp.write_text("x")
    assert stat.S_IMODE(os.stat(new).st_mode) == 0o666 & ~_umask()


def _umask() -> int:
    u = os.umask(0)
    os.umask(u)
    return u


def test_long_non_ascii_output_names(tmp_path):
    name = "报告" * 40 + ".html"  # 245 bytes
    assert len(os.fsencode(name)) == 245
    with atomic_path(tmp_path / name) as tmp:
        assert len(os.fsencode(tmp.name)) <= 255
        tmp.write_text("x")
    assert (tmp_path / name).read_text() == "x"
    too_long = "报告" * 43 + ".html"
    t = time.monotonic()
    _one_line_exit_2(run("report", "--region", "liaoning", "--out", str(tmp_path / too_long)), "bytes long")
    assert time.monotonic() - t < 20


def test_an_output_never_replaces_an_input(tmp_path):
    a = tmp_path / "a.html"  # a scenario may have any file name
    a.write_text((SC / "liaoning.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    b = tmp_path / "b.html"
    b.write_text((SC / "liaoning_jinzhou_west.yaml").read_text(encoding="utf-8").replace(
        "base: liaoning.yaml", f"base: {(SC / 'liaoning.yaml').resolve()}"), encoding="utf-8")
    before = a.read_bytes(), b.read_bytes()
    _one_line_exit_2(run("report", "--region", "liaoning", "--scenario", str(a), "--out", str(a)), "also an input")
    _one_line_exit_2(run("report", "--region", "liaoning", "--compare", str(b), "--out", str(b)), "also an input")
    _one_line_exit_2(run("scenario", "compare", str(a), str(b), "--map", str(b)), "also an input")
    _one_line_exit_2(run("map", "--region", "liaoning", "--scenario", str(a), "--out", str(a)), "also an input")
    assert (a.read_bytes(), b.read_bytes()) == before


# ------------------------------------------------------------------ 10, 12. one-line usage errors, smaller cases


@pytest.mark.parametrize("args, words", [
    (["route", "北京", "天津", "--lang", "fr"], ["--lang", "--help"]),
    (["validate", "--reference"], ["--reference"]),
    (["nosuchcommand"], ["nosuchcommand"]),
    (["matrix", "--region", "liaoning", "--mode", "road", "--engine", "dask", "--out", "x.csv"],
     ["--engine dask", "--mode multimodal"]),
    (["matrix", "--region", "liaoning", "--mode", "road", "--direct", "--out", "x.csv"], ["--direct"]),
])
def test_usage_errors_are_one_line(args, words, tmp_path):
    r = run(*args, cwd=tmp_path)
    line = _one_line_exit_2(r, *words)
    assert "Usage:" not in r.stderr and "Try " not in line
    assert not (tmp_path / "x.csv").exists()


def test_unreadable_input_files_are_one_line(tmp_path):
    for args in (["validate", "--reference", str(tmp_path / "none.csv")], ["scenario", "run", str(tmp_path / "n.yaml")],
                 ["network", "info", str(tmp_path / "n.graphml")]):
        _one_line_exit_2(run(*args), "not found")


def test_help_still_prints(tmp_path):
    r = run()
    assert r.returncode == 0 and "Usage" in r.stdout
    r = run("route", "--help")
    assert r.returncode == 0 and "--product" in r.stdout


def test_cross_region_compare_fails_before_the_work(tmp_path):
    t = time.monotonic()
    _one_line_exit_2(run("report", "--region", "liaoning", "--compare", str(SC / "yrd.yaml"), "--out",
                         str(tmp_path / "r.html")), "cannot be compared")
    assert time.monotonic() - t < 8
