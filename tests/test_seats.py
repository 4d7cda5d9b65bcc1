"""Seat check (issue 14): every prefecture and county seat against independent points named for it; every
disagreement over 10 km is resolved and recorded (seat_check_km, seat_note)."""

from __future__ import annotations

import csv

import pandas as pd
import pytest
import shapely

import geonet
from conftest import REPO, SHARED
from geonet.network.geo import great_circle_m


@pytest.fixture(scope="module")
def units():
    c = geonet.cities(None).assign(kind="prefecture")
    k = geonet.counties(None).assign(kind="county")
    return pd.concat([c, k], ignore_index=True)


def test_every_disagreement_over_10_km_is_explained(units):
    far = units[units["seat_check_km"] > 10]
    assert len(far) > 50  # the check really ran against the independent points
    unexplained = far[far["seat_note"].fillna("") == ""]
    assert unexplained.empty, unexplained[["adcode", "name", "seat_check_km", "seat_check_source"]].to_string()
    checked = units["seat_check_km"].notna()
    assert checked.sum() > 900 and (units.loc[checked, "seat_check_km"] <= 10).mean() > 0.8


def _station(name):
    path = SHARED / "data" / "osm_rail_stations_cn.csv"
    if not path.is_file():
        pytest.skip(f"{path} not present")
    rows = [r for r in csv.DictReader(path.open(encoding="utf-8")) if r["name"] == name]
    assert rows, name
    return float(rows[0]["lon"]), float(rows[0]["lat"])


def test_naqu_sits_at_its_seat_not_400_km_away(units):
    nq = units[(units["name"] == "那曲市")].iloc[0]
    lon, lat = _station("那曲")  # read here, independently of the build script
    assert great_circle_m(nq.seat_lon, nq.seat_lat, lon, lat) < 10_000
    r = geonet.route("那曲", "拉萨", region="national", mode="road")
    assert all(leg.km < 10 for leg in r.legs if leg.mode == "access")


@pytest.mark.parametrize("city, county", [("盘锦市", "大洼区"), ("本溪市", "溪湖区"), ("海东市", "乐都区"),
                                          ("那曲市", "色尼区"), ("昆明市", "呈贡区"), ("伊春市", "伊美区")])
def test_cited_government_counties_hold_the_seat(units, city, county):
    c = units[(units["kind"] == "prefecture") & (units["name"] == city)].iloc[0]
    k = units[(units["kind"] == "county") & (units["name"] == county) & (units["prefecture"] == city)].iloc[0]
    assert shapely.buffer(k.geometry, 0.01).covers(shapely.Point(c.seat_lon, c.seat_lat))
    assert "government seat per http" in c.seat_note


def test_seat_table_rows_cite_a_source():
    rows = list(csv.DictReader((REPO / "layers" / "build" / "seat_counties.csv").open(encoding="utf-8")))
    assert rows and all(r["source"].startswith("http") and r["evidence"] for r in rows)


def test_renamed_counties_sit_at_their_former_seat_not_a_polygon_point(units):
    k = units[(units["kind"] == "county") & (units["name"] == "嫩江市")].iloc[0]
    assert k.seat_source.startswith("cpca seat of the former unit 嫩江县")
    lon, lat = _station("嫩江")
    assert great_circle_m(k.seat_lon, k.seat_lat, lon, lat) < 10_000  # was 81 km from its station before
