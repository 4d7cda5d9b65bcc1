"""The offline rail layer (layers/rail_lines.csv), the network year, express staying aboard, and the public
reference checks (geonet validate / calibrate --reference)."""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

import pandas as pd
import pytest

from conftest import REPO, SHARED

import geonet
from geonet.errors import InputError
from geonet.network import build
from geonet.network.railways import latest_year, rail_year, sections, sections_in

DATA = Path(__file__).parent / "data"
OSM = SHARED / "data" / "osm_rail_stations_cn.csv"


def _build_module():
    if not OSM.is_file():
        pytest.skip(f"{OSM} not present")
    sys.path.insert(0, str(REPO / "layers" / "build"))
    import rail

    return rail


def test_every_line_is_cited_and_every_stop_placed():
    table = pd.read_csv(REPO / "layers" / "build" / "rail_lines.csv", dtype=str, keep_default_na=False)
    assert table["source"].str.contains("http").all()
    assert set(table["status"]) <= {"open", "under construction", "planned"}
    assert (table.loc[table["status"] == "open", "opened"].str.fullmatch(r"(19|20)\d\d")).all()
    s = sections()
    # every stop of the table is a node of the layer, at an OSM point or at the seat it names
    stops = {t.split("@")[0] for row in table["stations"] for t in row.split(";")}
    assert stops == set(s["from"]) | set(s["to"])
    assert set(s["from_placed"]) | set(s["to_placed"]) <= {"osm"} | {f"seat:{p}" for p in set(
        t.split("@")[1] for row in table["stations"] for t in row.split(";") if "@" in t)}


def test_osm_matches_are_exact_names_at_their_points():
    if not OSM.is_file():
        pytest.skip(f"{OSM} not present")
    osm = pd.read_csv(OSM, dtype={"name": str}, keep_default_na=False)
    s = sections()
    ends = pd.concat([s[["from", "from_lon", "from_lat", "from_placed"]].set_axis(["n", "x", "y", "p"], axis=1),
                      s[["to", "to_lon", "to_lat", "to_placed"]].set_axis(["n", "x", "y", "p"], axis=1)])
    at_osm = ends[ends["p"] == "osm"].drop_duplicates("n")
    assert len(at_osm) >= 150
    for r in at_osm.itertuples():
        same = osm[osm["name"] == r.n]
        assert len(same), r.n
        assert ((same["lon"] - r.x).abs() + (same["lat"] - r.y).abs()).min() < 1e-5, r.n
    # the well-known ones, where the extract has them
    for name in ("广州南", "深圳北", "北京南", "上海虹桥", "南京南", "郑州东", "长沙南", "沈阳北", "哈尔滨西"):
        assert name in set(at_osm["n"]), name


def test_layer_rebuilds_identically(tmp_path, monkeypatch):
    rail = _build_module()
    seg, meta = rail.build()
    shipped = sections()
    assert len(seg) == len(shipped) and meta["stations"] == json.loads(
        (REPO / "layers" / "rail_lines.json").read_text())["stations"]
    assert (seg["km"].round(2).to_numpy() == shipped["km"].to_numpy()).all()


def test_unmatched_station_fails_the_build_naming_line_and_station(tmp_path):
    rail = _build_module()
    bad = tmp_path / "lines.csv"
    bad.write_text("line,section,stations,design_kmh,opened,status,length_km,source\n"
                   "试验线,甲-乙,广州南;不存在站,350,2020,open,,https://example.org/x\n", encoding="utf-8")
    with pytest.raises(SystemExit) as exc:
        rail.build(bad)
    msg = str(exc.value)
    assert "试验线" in msg and "不存在站" in msg and "@" in msg
    misplaced = tmp_path / "far.csv"  # a stop in the wrong city shows up as an impossible circuity
    misplaced.write_text("line,section,stations,design_kmh,opened,status,length_km,source\n"
                         "试验线,甲-乙,广州南;虚构站@哈尔滨市,350,2020,open,102,https://example.org/x\n",
                         encoding="utf-8")
    with pytest.raises(SystemExit, match="misplaced"):
        rail.build(misplaced)


def test_guangzhou_shenzhen_by_rail_is_about_half_an_hour(cli):
    r = cli("route", "广州", "深圳", "--region", "guangdong", "--mode", "rail", "--json")
    assert r.returncode == 0, r.stderr
    legs = [x for x in json.loads(r.stdout)["legs"] if x["mode"] == "rail"]
    assert len(legs) == 1 and legs[0]["from"] == "广州南站"  # sections of one line read as one ride
    assert 0.3 <= legs[0]["hours"] <= 0.7


def test_network_year_and_plan_complete_view():
    assert latest_year() >= 2023 and rail_year(None) == latest_year()
    assert len(sections_in(2010)) < len(sections_in(2015)) < len(sections_in(None)) < len(sections_in("plan"))
    g2012 = build("guangdong", rail_year=2012)
    lines = {d.get("line") for _, _, d in g2012.edges(data=True) if d.get("mode") == "rail"}
    assert "广深港高速铁路" in lines and "赣深高速铁路" not in lines and "厦深铁路" not in lines
    assert "天津至潍坊高速铁路" in set(sections_in("plan")["line"]) - set(sections_in(None)["line"])
    for bad in ("1066", "soon"):
        with pytest.raises(InputError, match="rail year"):
            rail_year(bad)


def test_a_parcel_stays_aboard_along_a_line():
    from geonet.models import service_model

    m = service_model("liaoning")
    G = m.G
    a, b = "rail:大连北", "rail:沈阳北"
    import networkx as nx

    from geonet.paths import PathCache
    from geonet.timing import Timing

    path = nx.shortest_path(G.edge_subgraph([(u, v, k) for u, v, k, d in G.edges(keys=True, data=True)
                                             if d.get("mode") == "rail"]), a, b, weight="travel_time")
    assert len(path) > 5
    legs, arrive = Timing(G, geonet.ServiceParams()).simulate(path, "multi", PathCache(G), 12 * 3600 + 1)
    waits = [x for x in legs if x.waiting]
    assert len(waits) == 1 and waits[0].hours <= 1.0  # one wait for the train, none at intermediate stops
    ride = sum(x.hours for x in legs if x.mode == "rail")
    assert 1.0 <= ride <= 2.5  # 大连-沈阳 ~ 370 km by 哈大高铁


def test_default_network_rides_rail_nationally(tmp_path, cli):
    out = tmp_path / "r.csv"
    r = cli("matrix", "--region", "national", "--mode", "rail", "--out", str(out))
    assert r.returncode == 0, r.stderr
    m = pd.read_csv(out)
    assert m["ride_hours"].notna().mean() > 0.9
    bj = m.set_index(["origin", "destination"])
    assert 3.5 <= bj.loc[("北京市", "上海市"), "ride_hours"] <= 7  # 京沪 4 h 38 on the 2018 timetable


def test_shipped_reference_within_25_percent():
    from geonet.validation import read_reference, validate

    pairs = read_reference(DATA / "reference_rail.csv") + read_reference(DATA / "reference_road.csv")
    v = validate(pairs, region="national")
    s = v.summary
    assert s["compared"] == s["pairs"] == len(pairs) >= 15
    # the measure: rail pairs the model joins by rail end to end, their ride hours within 25 % of the
    # cited train; the pairs it trucks most of the way are counted apart (README: measured error). Measured on
    # the 81 cited pairs: 85 % end to end, 78 % of those within 25 % (issue 21's target: 85 % and 80 %); these
    # bounds guard against regressions and rise as lines are joined
    assert s["rail_end_to_end"] >= 0.83 and s["within_25pct_end_to_end"] >= 0.77, s["worst"]
    assert s["within_25pct"] >= 0.70, s["worst"]
    assert 0.85 <= s["median_ratio"] <= 1.15
    for f in (DATA / "reference_rail.csv", DATA / "reference_road.csv"):
        assert all("http" in r["source"] for r in csv.DictReader(f.open(encoding="utf-8")))


def test_validate_and_calibrate_cli(cli, tmp_path):
    r = cli("validate", "--reference", str(DATA / "reference_road.csv"), "--json")
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)
    assert d["summary"]["pairs"] == 2 and {p["origin"] for p in d["pairs"]} == {"沈阳", "上海"}
    r = cli("calibrate", "--reference", str(DATA / "reference_road.csv"), "--region", "national", "--json")
    assert r.returncode == 0, r.stderr
    c = json.loads(r.stdout)
    f = c["fitted"]["proxy_truck_kmh"]
    assert 50 <= f["after"] <= 130 and c["road_pairs"] == 2
    # fitting can only lower the squared log error it minimises
    assert abs(c["after"]["median_ratio"] - 1) <= abs(c["before"]["median_ratio"] - 1) + 0.05


@pytest.mark.parametrize("row, field", [("北京,上海,rail,-2,x", "hours"), ("北京,上海,rail,abc,x", "hours"),
                                        ("北晶,上海,rail,2,x", "origin"), ("北京,上海,boat,2,x", "mode"),
                                        ("北京,上海,rail,2,", "source")])
def test_bad_reference_rows_are_one_line(cli, tmp_path, row, field):
    f = tmp_path / "ref.csv"
    f.write_text("origin,destination,mode,hours,source\n" + row + "\n", encoding="utf-8")
    r = cli("validate", "--reference", str(f))
    assert r.returncode == 2 and r.stdout == ""
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and f"{f}:2" in lines[0] and field in lines[0]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ref.csv"]


def test_plan_complete_scenario_adds_the_lines_under_construction():
    from geonet.scenario import Scenario

    sc = Scenario.from_yaml(REPO / "scenarios" / "national_rail_plan.yaml")
    assert sc.spec.network.rail_year == "plan"
    G = sc.model().G
    lines = {d.get("line") for _, _, d in G.edges(data=True) if d.get("mode") == "rail"}
    assert "天津至潍坊高速铁路" in lines and "京沪高速铁路" in lines


def test_rail_pairs_trucked_most_of_the_way_are_counted_apart():
    import pandas as pd

    from geonet.validation import RAIL_END_TO_END_ROAD_KM, _summary

    df = pd.DataFrame({"origin": list("abcd"), "destination": list("efgh"), "mode": ["rail"] * 3 + ["road"],
                       "reference_hours": [1.0] * 4, "model_hours": [1.1, 0.4, 1.0, 1.0],
                       "ratio": [1.1, 0.4, 1.0, 1.0], "road_km": [5, RAIL_END_TO_END_ROAD_KM + 1, 20, 300]})
    s = _summary(df)
    assert s["rail_end_to_end"] == round(2 / 3, 3)  # the road pair does not count, the trucked rail pair does
    assert s["within_25pct_end_to_end"] == 1.0 and s["within_25pct"] == 0.75
