"""The hub catalog, checked from the data: every named hub present, tiered, inside its own city."""

from __future__ import annotations

import os
import subprocess
import sys

import pandas as pd
import pytest
import shapely

import geonet
from conftest import REPO, SHARED

EXPECTED_TIERS = {  # node group -> (tier the catalog carries for each member, its rank in that plan)
    "GD-N01": ("global", 1), "GD-N02": ("national", 2), "GD-N03": ("regional", 3),
    "LN-N01": ("postal-area-centre", 1), "YRD-N01": ("tier-1 park city", 1), "YRD-N02": ("tier-2 park city", 2),
    "NP-N01": ("global cluster", 1),
}
SYSTEM = {"GD": "guangdong-1+4+6", "LN": "liaoning", "YRD": "yrd", "NP": "national"}


def _members(node):
    ms = node.get("members_split") or node["members"]
    if isinstance(ms, dict):
        return [m for v in ms.values() for m in v]
    out = []
    for m in ms:
        out += [p for p in m.replace("（", "-").replace("）", "").split("-") if p]
    return out


def _city_row(h: pd.DataFrame, name: str) -> pd.DataFrame:
    return h[(h["kind"] == "city hub") & h["name_zh"].str.startswith(name)]


@pytest.mark.parametrize("node_id", list(EXPECTED_TIERS))
def test_named_hub_present_with_tier(digest_nodes, node_id):
    node = digest_nodes[node_id]
    h = geonet.hubs(SYSTEM[node["doc"]], placed=None)
    for m in _members(node):
        if m == "雄安":  # not an admin unit in any offline gazetteer: listed as unplaced
            assert not h[h["name_zh"] == "雄安"]["placed"].any()
            continue
        row = _city_row(h, m)
        assert len(row) == 1, (node_id, m)
        assert node_id in row.iloc[0]["designations"].split(";")
        tier, rank = EXPECTED_TIERS[node_id]
        # a city named in several groups carries the highest of its tiers
        r = row.iloc[0]
        assert r["tier"] == tier or r["tier_rank"] < rank, (m, r["tier"])


def test_guangdong_1p4p6_tiers_exactly():
    h = geonet.hubs("guangdong-1+4+6")
    h = h[(h["kind"] == "city hub") & (h["tier_rank"].fillna(99) <= 3)]
    assert h.groupby("tier").size().to_dict() == {"global": 2, "national": 4, "regional": 6}


@pytest.mark.parametrize("system", ["guangdong-1+4+6", "liaoning", "yrd"])
def test_city_hubs_and_airports_lie_inside_their_own_prefecture(system):
    pref = geonet.cities(None).set_index("name")
    h = geonet.hubs(system, placed=True)
    h = h[h["kind"].isin(["city hub", "airport"])]
    assert len(h) >= 5
    for r in h.itertuples():
        poly = pref.loc[r.plan_prefecture, "geometry"]
        assert shapely.covers(shapely.buffer(poly, 0.005), shapely.Point(r.lon, r.lat)), (r.id, r.plan_prefecture)
        assert r.prefecture == r.plan_prefecture


def test_every_hub_has_prefecture_and_province_from_its_point():
    h = geonet.hubs(placed=True)
    cty = geonet.counties(None).set_index("adcode")
    for r in h.itertuples():
        assert r.province and r.prefecture
        assert shapely.distance(cty.loc[r.county_adcode, "geometry"], shapely.Point(r.lon, r.lat)) < 0.02


def test_airport_points_come_from_the_airport_gazetteers():
    airportsdata = pytest.importorskip("airportsdata")
    from airports import airport_data

    ad = airportsdata.load("IATA")
    h = geonet.hubs(placed=True).query("kind == 'airport'")
    assert {"gd-airport-can", "gd-airport-szx", "gd-airport-zuh", "gd-airport-swa", "gd-airport-zha",
            "ln-airport-she", "yrd-airport-pvg", "yrd-airport-nkg", "yrd-airport-hgh"} <= set(h["id"])
    for r in h.itertuples():
        assert r.geocode_method.startswith("airport gazetteer:")
        code = r.id.rsplit("-", 1)[1].upper()
        positions = [(ad[code]["lon"], ad[code]["lat"])] if code in ad else []
        positions += [(a["longitude"], a["latitude"]) for a in airport_data.get_airport_by_iata(code)]
        assert any(abs(r.lon - x) < 1e-5 and abs(r.lat - y) < 1e-5 for x, y in positions), r.id


def test_stale_gazetteer_entry_is_recorded_not_used():
    # airportsdata still places SWA/ZGOW at the former Shantou Waisha airport; the catalog keeps the
    # Jieyang Chaoshan position and records the disagreement (> 5 km)
    swa = geonet.hubs("guangdong-1+4+6").set_index("id").loc["gd-airport-swa"]
    assert swa["prefecture"] == "揭阳市"
    assert "airportsdata" in swa["disagreement"] and "Waisha" in swa["disagreement"]


def test_unplaced_names_are_listed_with_a_reason():
    un = geonet.hubs(placed=False)
    assert {"锦州北站", "锦州东站", "大连新机场"} <= set(un["name_zh"])
    assert (un["unplaced_reason"].str.len() > 20).all()
    assert un["lon"].isna().all()


def test_city_seats_are_cpca_points_converted_from_gcj02():
    cpca_csv = pytest.importorskip("cpca").__file__.replace("__init__.py", "resources/adcodes.csv")
    raw = pd.read_csv(cpca_csv, dtype={"adcode": str}).set_index("adcode")
    gz = geonet.hubs("guangdong-1+4+6").set_index("id").loc["gd-guangzhou"]
    lon, lat = geonet.gcj02_to_wgs84(raw.loc["440100000000", "longitude"], raw.loc["440100000000", "latitude"])
    assert (gz["lon"], gz["lat"]) == pytest.approx((lon, lat), abs=2e-6)
    assert "GCJ-02 -> WGS-84" in gz["geocode_method"]


def test_catalog_is_rebuilt_identically_by_its_script(tmp_path):
    pytest.importorskip("cpca")
    if not (SHARED / "seeds" / "digest.yaml").is_file():
        pytest.skip("shared seeds not present")
    env = dict(os.environ, GEONET_LAYERS_OUT=str(tmp_path))
    subprocess.run([sys.executable, "catalog.py"], cwd=REPO / "layers" / "build", env=env, check=True,
                   capture_output=True, timeout=600)
    assert (tmp_path / "hubs.csv").read_bytes() == (REPO / "layers" / "hubs.csv").read_bytes()


def test_region_filter_uses_the_point():
    gd = geonet.hubs(region="guangdong", placed=None)
    assert set(gd["province"]) == {"广东省"}
    assert "cn-guangzhou" in set(gd["id"]) and "gd-guangzhou" in set(gd["id"])


def test_hub_english_names_agree_with_the_gazetteer():
    """One conventional English name everywhere: a hub at a city's seat is named as `locate` names the city."""
    h = geonet.hubs(placed=True)
    h = h[h["geocode_method"].str.startswith("admin seat") & (h["name_zh"] == h["prefecture"])]
    assert len(h) > 20
    for r in h.itertuples():
        assert r.name_en == geonet.locate(r.name_zh).name_en, (r.id, r.name_en)
    assert {"Harbin", "Urumqi"} <= set(geonet.hubs(placed=True)["name_en"])
