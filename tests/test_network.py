"""The default (proxy) network: connectivity of every required seat, no open-sea edges, modes, I/O."""

from __future__ import annotations

import json

import networkx as nx
import numpy as np
import pandas as pd
import pytest
import shapely

import geonet
from geonet import network
from geonet.routing import route

CROSSINGS = pd.read_csv(__import__("conftest").REPO / "layers" / "build" / "crossings.csv")


@pytest.fixture(scope="module")
def national():
    return network.build("national")


def test_every_required_seat_reachable_by_road_from_every_other(national):
    road = national.edge_subgraph([(u, v, k) for u, v, k, d in national.edges(keys=True, data=True)
                                   if d["mode"] in ("road", "ferry", "access")])
    need = set()
    for region in ("guangdong", "liaoning", "yrd"):
        need |= {f"city:{c}" for c in geonet.cities(region)["adcode"]}
    need |= {f"city:{c}" for c in geonet.cities("national").query("is_capital")["adcode"]}
    assert len(need) == 21 + 14 + 25 + 31 - 5  # 广州, 沈阳, 上海, 南京, 杭州 are counted once
    comp = max(nx.strongly_connected_components(road), key=len)
    missing = need - comp
    assert not missing, missing


def test_proxy_edges_stay_on_land_except_listed_crossings(national):
    c = geonet.counties(None)
    land = shapely.union_all(c[c["adcode"].str[:2] != "71"].geometry.values)  # with Hong Kong and Macau
    shapely.prepare(land)
    named = set(CROSSINGS["name_zh"])
    seen, lines, ends = set(), [], []
    for u, v, d in national.edges(data=True):
        if d["mode"] not in ("road", "ferry") or not d.get("proxy"):
            continue
        if d["name"]:
            assert d["name"] in named
            seen.add(d["name"])
        elif u < v:
            lines.append(d["geometry"])
            ends.append((national.nodes[u]["name"], national.nodes[v]["name"]))
    off = shapely.length(shapely.difference(lines, land))
    bad = [(e, round(o * 111, 1)) for e, o in zip(ends, off) if o > 0.01]  # > ~1 km over sea or abroad
    assert not bad
    assert len(lines) > 7000
    assert seen == named  # every listed crossing is in the national network


def test_water_is_crossed_only_where_listed(national):
    # Hainan's capital is reached from the mainland only over the listed Qiongzhou Strait ferry
    r = route("湛江", "海口", graph=national, mode="road")
    assert "ferry" in [leg.mode for leg in r.legs]
    # an island county with no listed crossing stays unreachable, reported as such (not 0, not inf)
    with pytest.raises(geonet.GeonetError, match="no road route"):
        route("大连", "长海县", graph=national, mode="road")


def test_the_crossings_trucks_use_are_in_the_network_of_their_year(national):
    """杭州湾跨海大桥 (2008) and 深中通道 (2024) shorten the drives round the bays; the Bohai train ferry carries
    trucks 烟台 -> 大连 in its cited 6.5 h; causeways and bridges reach 东山, 洞头 and 岱山; a network of 2023 has
    no 深中通道 yet (crossings.csv cites each)."""
    def km(a, b, g=national):
        return route(a, b, graph=g, mode="road").km

    assert km("上海", "宁波") < 240 and km("深圳", "中山") < 90  # were 262 and 144 km round the bays
    ferry = route("烟台", "大连", graph=national, mode="road")
    assert "ferry" in [x.mode for x in ferry.legs] and 8 < ferry.hours < 13  # 6.5 h at sea + boarding + roads
    for island in ("东山县", "洞头区", "岱山县"):
        assert route("福州" if island == "东山县" else "杭州", island, graph=national, mode="road").hours < 10
    older = network.build("guangdong", modes=("road", "rail"), rail_year=2023)
    assert km("深圳", "中山", older) > km("深圳", "中山", network.build("guangdong", modes=("road", "rail"),
                                                                        rail_year=2024)) + 40


def test_the_plateau_roads_come_out_at_their_cited_lengths_and_take_days(national):
    """成都 -> 拉萨 (G318, 2,115 km) and 西宁 -> 拉萨 (G109, 1,917 km) within 10 % of the cited lengths, at the
    plateau's mountain-road speed: a truck drives for a day and a half or more, not 18 h."""
    from geonet.network.calibrate import PLATEAU_ROUTES

    for a, b, km, _ in PLATEAU_ROUTES:
        r = route(a, b, graph=national, mode="road")
        assert abs(r.km / km - 1) < 0.10 and r.hours > 30, (a, b, r.km, r.hours)
    assert route("成都", "重庆", graph=national, mode="road").hours < 6  # the basin keeps the national level


def test_a_parcel_crossing_the_boundary_of_hong_kong_or_macau_clears_customs():
    """澳门 -> 香港 over the 港珠澳大桥 clears customs once (a step of NetworkParams.customs_s); 广州 -> 深圳 never."""
    g = network.build("guangdong", modes=("road",))
    r = route("澳门", "香港", graph=g, mode="road")
    customs = [x for x in r.legs if x.mode == "customs"]
    assert len(customs) == 1 and abs(customs[0].hours - geonet.NetworkParams().customs_s / 3600) < 0.01
    assert "口岸" in customs[0].from_ and r.hours < 5
    assert not [x for x in route("广州", "深圳", graph=g, mode="road").legs if x.mode == "customs"]


def test_proxy_distance_tracks_detour_factor_times_great_circle(national):
    from geonet.network.geo import great_circle_m

    a, b = geonet.locate("广州"), geonet.locate("北京")
    r = route("广州", "北京", graph=national, mode="road")
    ratio = r.km * 1000 / great_circle_m(a.lon, a.lat, b.lon, b.lat)
    assert 1.0 < ratio < 1.4  # intercity detour 1.13 (cited expressways) on a zig-zag of seats
    assert r.network == "proxy"


def test_modes_change_the_answer():
    g = network.build("guangdong")
    road = route("广州", "湛江", graph=g, mode="road")
    air = route("广州", "湛江", graph=g, mode="air")
    multi = route("广州", "湛江", graph=g, mode="multimodal")
    assert {leg.mode for leg in road.legs} <= {"road", "access", "ferry"}
    assert "air" in {leg.mode for leg in air.legs} and "transfer" in {leg.mode for leg in air.legs}
    assert multi.hours <= min(road.hours, air.hours) + 1e-6
    transfer = [leg for leg in air.legs if leg.mode == "transfer"]
    p = geonet.settings.NetworkParams()
    assert transfer[0].hours >= p.handling_s[("road", "air")] / 3600  # the acceptance cut-off is in the time


def test_truck_speed_cap_and_params_override():
    p = geonet.settings.NetworkParams()
    slow = p.with_(proxy_truck_kmh=p.proxy_truck_kmh / 2)
    g1, g2 = network.build("liaoning", modes=["road"]), network.build("liaoning", modes=["road"], params=slow)
    r1, r2 = route("沈阳", "大连", graph=g1, mode="road"), route("沈阳", "大连", graph=g2, mode="road")
    assert r2.hours == pytest.approx(2 * r1.hours, rel=0.02)
    assert max(p.truck_kmh.values()) <= p.truck_max_kmh
    with pytest.raises(geonet.InputError, match="unknown network parameter"):
        p.with_(nonsense=1)
    with pytest.raises(geonet.InputError, match="from 2 to 130"):
        p.with_(access_kmh=-5)


def test_added_and_removed_air_lines():
    base = network.build("guangdong")
    from geonet.network.air import arrival_node

    airports = sorted(d["iata"] for n, d in base.nodes(data=True) if d.get("kind") == "airport")

    def flies(g, a, b):  # a flight from a lands at b's arrivals
        return g.has_edge(f"air:{a}", arrival_node(b))

    a, b = next((a, b) for a in airports for b in airports if a < b and not flies(base, a, b)
                and flies(base, a, "CAN") and flies(base, b, "CAN"))  # linked only via Guangzhou
    added = network.build("guangdong", air_lines=[(a, b)])
    assert flies(added, a, b) and flies(added, b, a)
    assert added[f"air:{a}"][arrival_node(b)][0]["source"] == "scenario-declared cargo line"
    t_base = nx.shortest_path_length(base, f"air:{a}", arrival_node(b), weight="travel_time")
    t_added = nx.shortest_path_length(added, f"air:{a}", arrival_node(b), weight="travel_time")
    assert t_added < t_base - 3600  # no connection at Guangzhou (2 h), one flight
    removed = network.build("guangdong", removed_air=[("CAN", "ZHA")])
    assert not flies(removed, "CAN", "ZHA") and flies(base, "CAN", "ZHA")
    with pytest.raises(geonet.InputError, match="XXX"):
        network.build("guangdong", air_lines=[("SWA", "XXX")])


def test_rail_services_from_file_and_declared(tmp_path):
    csv = tmp_path / "svc.csv"
    csv.write_text("from,to,run_minutes,first_departure,last_departure,headway_minutes,source,assumption\n"
                   "沈阳,大连,120,07:00,21:00,30,test timetable,true\n大连,沈阳,120,07:00,21:00,30,test timetable,true\n")
    g = network.build("liaoning", modes=["road", "rail"], rail_services=csv, sources={"rail": "none"})
    r = route("沈阳", "大连", graph=g, mode="rail")
    rail = [leg for leg in r.legs if leg.mode == "rail"]
    assert len(rail) == 1 and rail[0].hours == pytest.approx(2.0)
    both = network.build("liaoning", modes=["road", "rail"], rail_services=csv)  # services on top of the layer
    lines = {d.get("line") for _, _, d in both.edges(data=True) if d.get("mode") == "rail"}
    assert "哈大高速铁路" in lines and None in lines
    svc = geonet.network.rail.declared_service("沈阳", "锦州", geonet.settings.NetworkParams())
    assert svc.assumption and "assumption" in svc.source and svc.run_minutes > 0
    bad = tmp_path / "bad.csv"
    bad.write_text("from,to,run_minutes,first_departure,last_departure,headway_minutes,source\n沈阳,大连,-5,07:00,21:00,30,x\n")
    with pytest.raises(geonet.InputError, match="bad.csv:2"):
        network.build("liaoning", modes=["road", "rail"], rail_services=bad)


@pytest.mark.parametrize("suffix", [".graphml", ".gpkg"])
def test_save_load_round_trip_keeps_routes(tmp_path, suffix):
    g = network.build("guangdong")
    path = network.save(g, tmp_path / f"gd{suffix}")
    h = network.load(path)
    for mode in ("road", "multimodal"):
        assert route("广州", "汕头", graph=h, mode=mode).to_dict() == route("广州", "汕头", graph=g, mode=mode).to_dict()
    info = network.info(h)
    assert info["proxy"] and info["network"] == "proxy"


def test_corrupt_and_missing_network_files(tmp_path):
    bad = tmp_path / "x.graphml"
    bad.write_text("<graphml><not closed")
    with pytest.raises(geonet.DataError, match="corrupt"):
        network.load(bad)
    with pytest.raises(geonet.DataError, match="not found"):
        network.load(tmp_path / "missing.graphml")


def test_cli_route_matches_api(cli):
    r = cli("route", "广州", "湛江", "--region", "guangdong", "--mode", "road", "--json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout) == route("广州", "湛江", region="guangdong", mode="road").to_dict()
    out = json.loads(r.stdout)
    assert out["network"] == "proxy" and set(out["legs"][0]) == {"from", "to", "from_en", "to_en", "mode", "km", "hours"}


def test_cli_network_build_and_info(cli, tmp_path):
    out = tmp_path / "ln.graphml"
    r = cli("network", "build", "--region", "liaoning", "--out", str(out))
    assert r.returncode == 0, r.stderr
    r = cli("network", "info", str(out), "--json")
    info = json.loads(r.stdout)
    assert info["proxy"] is True and info["by_mode"]["road"]["edges"] > 500 and "air" in info["by_mode"]
    r = cli("network", "info", str(out))
    assert "PROXY" in r.stdout


def test_cli_bad_inputs(cli, tmp_path):
    r = cli("route", "广州", "Zhanjaing", "--region", "guangdong")
    assert r.returncode == 2 and "Zhanjiang" in r.stderr
    r = cli("route", "广州", "湛江", "--region", "guangdong", "--mode", "boat")
    assert r.returncode == 2 and "multimodal" in r.stderr
    r = cli("network", "build", "--region", "guangdong", "--modes", "road,ship", "--out", str(tmp_path / "x.graphml"))
    assert r.returncode == 2 and "valid modes" in r.stderr
    r = cli("network", "build", "--region", "guangdong", "--out", str(tmp_path / "x.txt"))
    assert r.returncode == 2 and ".graphml" in r.stderr


def test_network_layers_rebuilt_identically_by_their_scripts(tmp_path):
    import os
    import subprocess
    import sys

    from conftest import REPO, SHARED

    if not (SHARED / "data").is_dir():
        pytest.skip("shared data not present")
    env = dict(os.environ, GEONET_LAYERS_OUT=str(tmp_path))
    for script in ("proxy_roads.py", "air.py"):
        subprocess.run([sys.executable, script], cwd=REPO / "layers" / "build", env=env, check=True,
                       capture_output=True, timeout=600)
    for name in ("airports.csv", "air_routes.csv"):
        assert (tmp_path / name).read_bytes() == (REPO / "layers" / name).read_bytes(), name
    # geometry goes through GEOS: same edges, same lengths to 0.1 % whatever the shapely build
    import geopandas as gpd

    new, old = gpd.read_parquet(tmp_path / "proxy_roads.parquet"), gpd.read_parquet(REPO / "layers" / "proxy_roads.parquet")
    key = ["u", "v", "route", "crossing"]
    assert new[key].equals(old[key])
    assert np.allclose(new["geom_m"], old["geom_m"], rtol=1e-3)
