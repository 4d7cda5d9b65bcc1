"""Delivery times as the country measures them: the mass-market product, Monte Carlo outcomes, on-time rates,
the State Post Bureau calibration and goals that report capability and outcome."""

from __future__ import annotations

import json

import numpy as np
import pytest

import geonet
from geonet import settings
from geonet.calibration import read_spb, targets
from geonet.models import service_model
from geonet.settings import NetworkParams
from geonet.journeys import Journey
from geonet.timing import DAY, TimedLeg, Timing, next_departure
from geonet.timing import next_departures
from geonet.variability import programs, simulate


# ------------------------------------------------------------------ small pieces
def test_vectorised_next_departure_equals_the_scalar_one():
    rng = np.random.default_rng(1)
    times = np.array(sorted({3600.0 * h for h in (2, 12, 22)}))
    t = rng.uniform(0, 4 * DAY, 500)
    assert np.allclose(next_departures(t, times), [next_departure(x, list(times)) for x in t])


def test_drivers_rest_after_each_four_hours():
    import networkx as nx

    tm = Timing(nx.MultiDiGraph(), settings.ServiceParams())
    assert tm.rests(4 * 3600) == 0 and tm.rests(4 * 3600 + 1) == 1200 and tm.rests(8 * 3600 + 1) == 2400


def _journey(legs):
    return Journey("A", "B", True, None, legs[-1].arrive_s, None, None, 0.0, [], legs)


def _legs(t0=18 * 3600.0):
    """processing 2 h -> truck 5 h on the 22:00 bank -> processing 1 h -> the 08:00 round (4 h)."""
    banks = (2 * 3600.0, 12 * 3600.0, 22 * 3600.0)
    return [TimedLeg("A", "A", "processing at origin centre", t0, t0 + 7200),
            TimedLeg("A", "A", "wait for trunk", t0 + 7200, 22 * 3600, waiting=True),
            TimedLeg("A", "B", "road", 22 * 3600, 27 * 3600, 400, schedule=banks),
            TimedLeg("B", "B", "processing at destination centre", 27 * 3600, 28 * 3600),
            TimedLeg("B", "B", "wait for delivery round", 28 * 3600, 32 * 3600, waiting=True),
            TimedLeg("B", "B", "delivery round", 32 * 3600, 36 * 3600, schedule=(8 * 3600.0, 14 * 3600.0))]


def test_simulation_without_spread_reproduces_the_timetable():
    calm = settings.VariabilityParams().with_(processing_cv=0.0, road_sigma=0.0, miss_departure_p=0.0,
                                              failed_delivery_p=0.0)
    p = settings.ServiceParams().with_(round_duration_s=14400.0)
    dr = simulate(programs([_journey(_legs())], (2 * 3600.0, 12 * 3600.0, 22 * 3600.0)), p, calm, 2000, 7)
    d = dr.delivered_s[0]
    assert d.min() >= 32 * 3600 - 1 and d.max() <= 36 * 3600 + 1  # within the 08:00 round of D+1
    # stages: origin = collection (09:00-18:00) to the 22:00 departure; transport 5 h; destination 4 h to 08:00
    st = dict(zip(["origin", "transport", "destination", "delivery"], dr.stage_hours[0]))
    assert st["origin"] == pytest.approx(4 + 4.5, abs=0.15) and st["transport"] == pytest.approx(5.0)
    assert st["destination"] == pytest.approx(5.0) and st["delivery"] == pytest.approx(2.0, abs=0.1)
    assert np.nanmean(dr.hours[0]) == pytest.approx(sum(st.values()), abs=0.01)


def test_spread_delays_and_the_seed_reproduces():
    var = settings.VariabilityParams()
    prog = programs([_journey(_legs())] * 3, (2 * 3600.0, 12 * 3600.0, 22 * 3600.0))
    p = settings.ServiceParams()
    a, b = simulate(prog, p, var, 500, 11), simulate(prog, p, var, 500, 11)
    assert np.array_equal(a.delivered_s, b.delivered_s, equal_nan=True)
    c = simulate(prog, p, var.with_(miss_departure_p=0.5, failed_delivery_p=0.5), 500, 11)
    assert np.nanmean(c.hours) > np.nanmean(a.hours) + 3  # missed banks and failed attempts cost hours


def test_every_parameter_is_declared_once_with_its_rationale():
    d = settings.describe()
    assert {"name", "value", "unit", "bounds", "rationale", "evidence"} <= set(d.columns)
    assert (d["rationale"].str.len() > 10).all()
    names = set(d.loc[d["group"] == "service", "name"])
    assert {"trunk_departures", "night_air_airports", "collection_start"} <= names
    assert "air_connection_s" in set(d.loc[d["group"] == "network", "name"])  # the path search pays it too
    assert set(d.loc[d["group"] == "variability", "name"]) >= {"processing_cv", "flight_on_time_share"}
    with pytest.raises(geonet.InputError, match="IATA"):
        settings.ServiceParams().with_(night_air_airports=("lhasa",))


def test_spb_reference_and_targets():
    t = read_spb("spb")
    assert {"2016", "2019", "2024"} <= set(t["year"])
    tg = targets(t)  # latest year: 2024, stage split of 2024 Q2 scaled to the annual mean
    assert tg["year"] == "2024" and tg["mean_hours"] == 53.88 and tg["on_time_share"] == pytest.approx(0.8395)
    assert sum(tg["stages"].values()) == pytest.approx(53.88, abs=0.05) and "Q2" in tg["stage_basis"]
    assert targets(t, 2019)["stages"]["transport"] == pytest.approx(33.66 * 56.20 / 56.21, abs=0.05)
    with pytest.raises(geonet.InputError, match="no annual figures for 1999"):
        targets(t, 1999)


def test_spb50_place_set_has_fifty_cited_cities():
    from geonet.places import place_set, spb_cities

    c = spb_cities()
    assert len(c) == 50 and set(c["basis"]) == {"named", "capital", "stand-in"} and (c["source"] != "").all()
    assert len({n for n, _, _ in place_set("spb50", "national")}) == 50


# ------------------------------------------------------------------ the network under the products
@pytest.fixture(scope="module")
def national():
    return service_model("national")


def _capital_journeys(m):
    c = geonet.cities("national").query("is_capital")
    nodes = [f"city:{a}" for a in c["adcode"]]
    return [m.journey(o, d) for o in nodes[:12] for d in nodes if o != d]


def test_air_connections_respect_the_minimum_and_night_waves_their_airports(national):
    p = national.params
    night = {t for t in p.night_air_waves} - set(p.air_waves)
    flights = 0
    for j in _capital_journeys(national):
        air = [x for x in j.legs if x.mode == "air"]
        flights += len(air)
        moving = [x for x in j.legs if not x.waiting]
        for a, b in zip(moving, moving[1:]):
            if a.mode == "air" and b.mode == "air":  # no flight connection shorter than the minimum
                assert b.depart_s - a.arrive_s >= NetworkParams().air_connection_s - 1, j.legs
        for x in air:
            if x.depart_at[-5:] in night:
                assert any(code in x.from_ for code in p.night_air_airports), x.describe()
    assert flights > 0


def test_the_fastest_air_path_pays_the_connection_time(cli):
    """上海 -> 哈尔滨 has a direct flight: the fastest air path takes it instead of connecting in 0 minutes; the
    minimum connection time is a network parameter with its rationale."""
    r = cli("route", "上海", "哈尔滨", "--region", "national", "--mode", "air", "--json")
    assert r.returncode == 0, r.stderr
    flights = [x for x in json.loads(r.stdout)["legs"] if x["mode"] == "air"]
    assert len(flights) == 1, flights
    d = settings.describe().set_index("name")
    assert d.loc["air_connection_s", "value"] == 7200.0 and "connection" in d.loc["air_connection_s", "rationale"]


def test_standard_is_trucked_on_banks_and_differs_by_distance(cli):
    out = {}
    for a, b in (("北京", "天津"), ("广州", "乌鲁木齐")):
        r = cli("route", a, b, "--region", "national", "--product", "standard", "--json")
        assert r.returncode == 0, r.stderr
        j = json.loads(r.stdout)
        assert {x["mode"] for x in j["legs"]} <= {"access", "road", "ferry", "handling", "wait for trunk",
                                                  "wait for delivery round", "delivery round",
                                                  "processing at origin centre", "processing and sorting at hub",
                                                  "sorting at hub", "sorting and processing at hub",
                                                  "processing at destination centre"}
        assert any(x["mode"] == "wait for trunk" or x["depart_at"].endswith("22:00") for x in j["legs"])
        assert j["provenance"]["product"] == "standard" and j["provenance"]["proxy"] is True
        out[b] = j["door_to_door_hours"]
    assert out["乌鲁木齐"] - out["天津"] > 24


def test_reliability_reproduces_the_calibrated_year_and_rises_with_distance(cli, tmp_path):
    csv = tmp_path / "pairs.csv"
    r = cli("reliability", "--region", "national", "--from", "spb50", "--to", "spb50", "--draws", "200",
            "--json", "--out", str(csv))
    assert r.returncode == 0, r.stderr
    s = json.loads(r.stdout)["summary"]
    assert s["pairs"] == 2450 and s["unreachable"] == 0
    assert abs(s["mean_hours"] - 53.88) / 53.88 < 0.10 and abs(s["on_time_share"] - 0.8395) < 0.05
    assert {"mean_hours", "p50_hours", "p95_hours", "on_time_share", "buffer_index", "stages"} <= set(s)
    assert set(s["stages"]) == {"origin", "transport", "destination", "delivery"}
    means = [b["mean_hours"] for b in s["by_distance"]]
    assert means == sorted(means) and means[-1] - means[0] > 36
    assert {b["region"] for b in s["by_region"]} == {"East", "Centre", "West", "Northeast"}
    head = csv.read_text(encoding="utf-8").splitlines()[0]
    assert head == "origin,destination,origin_node,destination_node,km,mean_hours,p50_hours,p95_hours,on_time_share"


def test_reliability_api_is_seeded_and_checks_its_input():
    a = geonet.reliability("liaoning", "cities", "cities", draws=50, seed=3)
    b = geonet.reliability("liaoning", "cities", "cities", draws=50, seed=3)
    assert a.summary == b.summary and a.provenance["product"] == "standard"
    assert a.pairs["on_time_share"].between(0, 1).all()
    with pytest.raises(geonet.InputError, match="--draws"):
        geonet.reliability("liaoning", "cities", "cities", draws=0)
    with pytest.raises(geonet.InputError, match="unknown place set"):
        geonet.reliability("liaoning", "villages", "cities")


def test_goals_report_capability_and_outcome_and_can_fail():
    res = {g.id: g for g in geonet.goals("liaoning")}
    g = res["LN-on-time-next-day"]
    assert g.verdict_on == "outcome" and g.outcome["product"] == "standard"
    assert 0 < g.outcome["on_time_share"] < 1 and g.verdict in ("PASS", "FAIL")
    assert g.passed == (g.outcome["on_time_share"] >= 0.8)
    for r in res.values():
        assert r.outcome and r.capability_share == r.share_met and r.outcome["draws"] == 200
        assert r.provenance["product"] == r.product and 0 <= r.outcome["on_time_share"] <= 1
    assert {"NX-T01", "NP-T02", "LN-T02"}.isdisjoint(geonet.goals.__globals__["out_of_scope"]())


def test_sensitivity_line_shows_the_whole_curve():
    from geonet.sensitivity import describe

    s = {"parameter": "cutoff", "unit": "hours later", "current": 0, "flips_at": -1, "dips": [-1],
         "values": [{"value": -3, "share_met": 1.0, "passed": True}, {"value": -1, "share_met": 0.918, "passed": False},
                    {"value": 0, "share_met": 1.0, "passed": True}]}
    line = describe(s)
    assert "-3: 100.0%" in line and "-1: 91.8% FAIL (dip)" in line and "0: 100.0%" in line


def test_calibrate_refuses_a_bad_spb_file(cli, tmp_path):
    f = tmp_path / "spb.csv"
    f.write_text("year,period,mean_hours,on_time_72h_pct\n2024,annual,fast,80\n", encoding="utf-8")
    r = cli("calibrate", "--reference", str(f))
    assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1 and "mean_hours" in r.stderr


def test_on_time_map_layer_separates_the_cities(tmp_path):
    from geonet.map_layers import ontime_classes

    assert ontime_classes(np.array([0.5, 0.6, 0.7, 0.8, 0.9, 1.0])) == [0.6, 0.7, 0.8, 0.9, 1.0]
    assert ontime_classes(np.array([1.0, 1.0, 1.0])) == [1.0]  # one class when every city is alike
    m = geonet.map("liaoning", layers=["hubs", "ontime"])
    out = tmp_path / "ln.html"
    geonet.save_map(m, out)
    html = out.read_text(encoding="utf-8")
    assert "Cities: parcels on time within 48 h (standard)" in html and "classes: quantiles" in html
    i = html.index("Parcels on time within 48 h")
    assert html[i:i + 3000].count("%–") >= 3  # several classes, each with its range


def test_matrix_arrivals_equal_the_timed_segments(national):
    m = national.for_product("standard")
    c = geonet.cities("national").query("is_capital")
    nodes = [f"city:{a}" for a in c["adcode"]][:8]
    for a in nodes:
        for b in m.hub_nodes[:6]:
            for t in (18 * 3600.0, 21.5 * 3600, 30 * 3600):
                seg = m.segment(a, b, t)
                arr = float(m.arrivals(a, b, t))
                assert (seg is None and np.isnan(arr)) or seg[1] == pytest.approx(arr)
        ts = np.array([17.0, 18.5, np.nan, 23.9, 30.0]) * 3600
        for b in m.hub_nodes[:6]:
            one = [np.nan if np.isnan(t) else (m.segment(a, b, t) or (None, np.nan))[1] for t in ts]
            assert np.allclose(m.arrivals(a, b, ts), one, equal_nan=True)
