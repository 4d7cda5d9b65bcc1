"""Mode-restricted matrices (part of issue 12): network hours on one mode only, and the time aboard it."""

from __future__ import annotations

import time

import numpy as np
import pandas as pd

import geonet
from geonet.matrix import mode_matrix


def test_air_matrix_rides_a_flight_and_counts_time_aboard():
    df = mode_matrix(["北京", "广州"], ["天津", "上海", "广州", "北京"], region="national", mode="air")
    df = df.set_index(["origin", "destination"])
    bj_tj = df.loc[("北京市", "天津市")]
    assert bj_tj["reachable"] and bj_tj["ride_hours"] > 0.5  # even next door: a flight, not a walk through PEK
    ok = df[df["reachable"]]
    assert (ok["ride_hours"] <= ok["network_hours"] + 1e-9).all() and (ok["ride_hours"] > 0).all()
    gz_sh = df.loc[("广州市", "上海市")]
    r = geonet.route("广州", "上海", region="national", mode="air")
    assert gz_sh["network_hours"] == np.round(r.hours, 3) or abs(gz_sh["network_hours"] - r.hours) < 0.01
    flown = sum(x.hours for x in r.legs if x.mode == "air")
    assert abs(gz_sh["ride_hours"] - flown) < 0.01


def test_road_matrix_excludes_access_from_time_aboard():
    df = mode_matrix("cities", "cities", region="liaoning", mode="road")
    assert len(df) == 14 * 13 and df["reachable"].all()
    assert (df["ride_hours"] < df["network_hours"]).all() and (df["ride_hours"] >= 0).all()
    assert (df["ride_hours"] > 0).mean() > 0.95  # (two city seats may join the same proxy road node)
    assert (df["ride_hours"] / df["network_hours"]).median() > 0.7  # access is the minor part


def test_national_mode_matrix_under_a_minute_through_the_cli(cli, tmp_path):
    t0 = time.monotonic()
    r = cli("matrix", "--region", "national", "--mode", "air", "--out", str(tmp_path / "a.csv"))
    assert r.returncode == 0, r.stderr[-1500:]
    assert time.monotonic() - t0 < 60
    df = pd.read_csv(tmp_path / "a.csv")
    assert len(df) == 337 * 336 and {"origin", "destination", "origin_node", "destination_node", "network_hours",
                                      "ride_hours"} <= set(df.columns)
    assert df["ride_hours"].notna().mean() > 0.95
    r = cli("matrix", "--region", "guangdong", "--mode", "rail", "--out", str(tmp_path / "r.csv"))
    assert r.returncode == 0, r.stderr[-1500:]  # the default network carries the rail layer
    rail = pd.read_csv(tmp_path / "r.csv")
    assert len(rail) == 21 * 20 and rail["ride_hours"].notna().all() and (rail["ride_hours"] > 0).mean() > 0.9
    r = cli("matrix", "--region", "guangdong", "--mode", "boat", "--out", str(tmp_path / "r.csv"))
    assert r.returncode == 2 and "road" in r.stderr


def test_todays_airports_replace_closed_ones_and_ezhou_flies():
    from geonet.models import region_network

    G = region_network("national")
    assert "air:NAY" not in G and "air:PKX" in G and "air:EHU" in G
    moved = [d for u, v, d in G.edges(data=True) if u == "air:PKX" and "moved to its successor PKX" in d["source"]]
    assert len(moved) > 10  # Nanyuan's 2014 routes now fly from Daxing, labelled so
    ehu = {G.nodes[v]["iata"]: d["source"] for u, v, d in G.edges(data=True) if u == "air:EHU" and d["mode"] == "air"}
    assert {"SZX", "PVG", "PKX"} <= set(ehu) and all("assumption" in s for s in ehu.values())
    r = geonet.route("鄂州", "深圳", region="national", mode="air")
    assert any(x.mode == "air" and "EHU" in x.from_ for x in r.legs)
    assert geonet.route("北京", "广州", region="national", mode="air").legs  # no Nanyuan on the way
    assert not any("NAY" in x.from_ or "NAY" in x.to for x in geonet.route("北京", "广州", region="national",
                                                                            mode="air").legs)


def test_ezhou_huahu_is_a_catalog_hub_with_its_plan_role():
    ehu = geonet.hubs("national").set_index("id").loc["cn-airport-ehu"]
    assert ehu["kind"] == "airport" and ehu["tier"] == "global cluster" and ehu["quote_id"] == "NP-N01"
    assert "武汉(鄂州)" in ehu["quote"] and "opened 2022-11-27" in ehu["cross_check"]
    assert ehu["prefecture"] == "鄂州市"
