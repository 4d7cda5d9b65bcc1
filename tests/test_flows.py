"""Flows (issue 23): parcels through the hubs and links, capacity, the peak day's backlog, on-time share by
parcels; through the public API and the CLI."""

from __future__ import annotations

import json

import numpy as np
import pytest

import geonet
from geonet.flows import flows
from geonet.scenario import Scenario
from geonet.settings import FlowParams, scenarios_dir


@pytest.fixture(scope="module")
def gd():
    return flows("guangdong")


def test_every_parcel_passes_its_hubs_and_the_links_carry_the_chains(gd):
    d = geonet.demand("guangdong")
    s = gd.summary
    assert s["parcels_per_day"] == d.summary["parcels_per_day"]
    assert s["within_region_parcels_per_day"] == pytest.approx(d.od.sum(), abs=1)
    # each parcel is sorted at its origin hub and at its destination hub (one hub when both are the same)
    sent, received = d.summary["parcels_per_day"], d.summary["parcels_in_per_day"]
    assert sent <= gd.hubs["parcels_per_day"].sum() <= sent + received + 1
    assert gd.links["parcels_per_day"].sum() < d.od.sum()  # parcels sorted in one hub take no hub-to-hub link
    road = gd.links["mode"] == "road"
    assert (gd.links.loc[road, "trucks_per_day"] >= gd.links.loc[road, "parcels_per_day"] / 8000).all()
    assert s["truck_km_per_day"] == round(float(gd.links["truck_km_per_day"].sum()))


def test_plan_hubs_share_the_national_capacity_and_keep_up_on_the_peak_day(gd):
    national = geonet.demand("national").summary["national_parcels_per_day"]
    headroom = FlowParams().national_peak_capacity_per_day / national
    assert np.allclose(gd.hubs["utilisation"], 1 / headroom, rtol=1e-9)
    peak = flows("guangdong", day="peak", on_time=False)
    assert peak.summary["hubs_over_capacity"] == [] and (peak.hubs["backlog_share"] == 0).all()
    assert np.allclose(peak.hubs["utilisation"], gd.hubs["utilisation"] * gd.summary["peak_ratio"], rtol=1e-4)
    assert 1.4 < gd.summary["peak_ratio"] < 1.6  # 701 million on 11 November 2024 vs the year's mean day


def test_without_jieyang_hub_shantou_runs_over_on_the_peak_day_and_parcels_arrive_later():
    plan = flows("guangdong", day="peak")
    alt = flows("guangdong", model=Scenario.from_yaml(scenarios_dir() / "guangdong_no_jieyang.yaml").model(),
                day="peak")
    over = alt.hubs.set_index("id").loc["gd-shantou"]
    assert over["utilisation"] > 1 and over["backlog_share"] == pytest.approx(1 - 1 / over["utilisation"])
    assert any(h.startswith("汕头") for h in alt.summary["hubs_over_capacity"])
    assert alt.summary["on_time_share"] < plan.summary["on_time_share"]
    cap = plan.hubs.set_index("id")["capacity_per_day"]
    assert over["capacity_per_day"] == pytest.approx(cap["gd-shantou"])  # a plan hub keeps its capacity


def test_national_peak_on_time_share_is_estimated_from_parcel_weighted_pairs():
    f = flows("national", day="peak", params=FlowParams().with_(sample_pairs=300))
    s = f.summary
    assert s["on_time_pairs"] == 300 and 0 < s["on_time_se"] < 0.05 and 0.5 < s["on_time_share"] < 1
    assert s["parcels_per_day"] == 701_000_000


def test_flows_cli(cli):
    r = cli("flows", "--region", "guangdong", "--scenario", str(scenarios_dir() / "guangdong_no_jieyang.yaml"),
            "--day", "peak", "--json")
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)
    assert {"id", "parcels_per_day", "capacity_per_day", "utilisation"} <= set(d["hubs"][0])
    assert {"from", "to", "parcels_per_day", "trucks_per_day", "km"} <= set(d["links"][0])
    assert {"parcels_per_day", "truck_km_per_day", "on_time_share"} <= set(d["summary"])
    r = cli("flows", "--region", "liaoning", "--scenario", str(scenarios_dir() / "guangdong_no_jieyang.yaml"))
    assert r.returncode == 2 and "pass --region guangdong" in r.stderr
    r = cli("flows", "--region", "liaoning", "--top", "2")
    assert r.returncode == 0 and "over capacity: none" in r.stdout and r.stdout.count("\n  hub ") == 2


def test_a_scenario_that_doubles_the_parcels_overloads_every_plan_hub_on_the_peak_day(cli, tmp_path):
    sc = Scenario.from_yaml(scenarios_dir() / "guangdong_double_peak.yaml")
    assert sc.demand_params().volume_scale == 2.0
    f = flows("guangdong", model=sc.model(), day="peak", demand_params=sc.demand_params(), on_time=False)
    base = flows("guangdong", day="peak", on_time=False)
    assert f.summary["parcels_per_day"] == pytest.approx(2 * base.summary["parcels_per_day"], abs=2)
    assert np.allclose(f.hubs["utilisation"], 2 * base.hubs["utilisation"]) and (f.hubs["utilisation"] > 1).all()
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\nregion: guangdong\nbase: guangdong_1p4p6.yaml\ndemand:\n  volume_scale: -1\n",
                   encoding="utf-8")
    r = cli("flows", "--region", "guangdong", "--scenario", str(bad))
    assert r.returncode == 2 and "bad.yaml:5: demand.volume_scale" in r.stderr and "Traceback" not in r.stderr


def test_a_plan_hub_no_city_reaches_is_idle_not_broken():
    # 义乌 is a county-level city: its parcels are 金华's (one city node), so the YRD's 义乌 hub sorts none
    f = flows("yrd", on_time=False)
    yiwu = f.hubs.set_index("id").loc["yrd-yiwu"]
    assert yiwu["parcels_per_day"] == 0 and yiwu["capacity_per_day"] > 0 and yiwu["utilisation"] == 0
    assert f.hubs["utilisation"].notna().all()
    html = geonet.map("yrd", layers=["flows"]).get_root().render()
    assert "Parcels between hubs" in html and "0 parcels a day" in html  # 义乌's ring: idle


def test_flows_refuse_a_model_of_another_region():
    from geonet.models import service_model

    with pytest.raises(geonet.InputError, match="pass a model of guangdong's network"):
        flows("guangdong", model=service_model("liaoning"), on_time=False)
