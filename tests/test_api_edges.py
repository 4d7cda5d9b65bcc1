"""The public API and CLI agree and read well (issue 14): units in names, short printed forms, one JSON
vocabulary, exports with the plan quote, help on every option, progress on long runs, readable legs."""

from __future__ import annotations

import dataclasses
import json

import typer

import geonet
from conftest import REPO
from geonet.cli import app
from geonet.scenario import Scenario, compare

SC = REPO / "scenarios"


def test_every_cli_option_has_help():
    missing = []

    def walk(c, prefix=()):
        if hasattr(c, "commands"):
            for name, sub in c.commands.items():
                walk(sub, prefix + (name,))
        else:
            missing.extend(f"{' '.join(prefix)} {p.opts[0]}" for p in c.params if not getattr(p, "help", None))

    walk(typer.main.get_command(app))
    assert missing == []


def test_printing_results_shows_a_summary_not_thousands_of_characters():
    cmp = compare(Scenario.from_yaml(SC / "liaoning.yaml"), Scenario.from_yaml(SC / "liaoning_panjin_west.yaml"))
    text = repr(cmp)
    assert text.startswith("Comparison of") and len(text) < 4000 and "B - A" in text
    assert "<table" in cmp._repr_html_()
    res = cmp.a
    assert repr(res).startswith("Result of scenario") and "LN-next-day-prefectures" in repr(res)
    for obj in (geonet.goals("liaoning")[0], geonet.coverage("liaoning", [3]),
                geonet.journey("沈阳", "大连", region="liaoning"), geonet.route("沈阳", "大连", region="liaoning")):
        assert len(repr(obj)) < 3000 and "<table" in obj._repr_html_()


def test_times_are_named_with_their_unit_and_match_the_cli(cli):
    j = geonet.journey("沈阳", "大连", region="liaoning")
    from geonet.service import clock

    assert isinstance(j.delivered_s, float) and j.delivered_at == clock(j.delivered_s) and j.delivered_at.startswith("D+1")
    assert j.legs[0].depart_at == "D 18:00" and j.legs[0].depart_s == 18 * 3600
    r = cli("route", "沈阳", "大连", "--region", "liaoning", "--via-hubs")
    assert r.returncode == 0 and f"delivered {j.delivered_at}" in r.stdout


def test_json_keys_are_the_python_names(cli):
    g = geonet.goals("liaoning")[0]
    fields = {f.name for f in dataclasses.fields(g)} - {"pairs", "pair_hours", "outcome_hours"}
    assert set(g.to_dict()) == fields and "pass" not in g.to_dict()
    r = cli("goals", "--region", "liaoning", "--json")
    assert r.returncode == 0 and set(json.loads(r.stdout)["goals"][0]) == fields
    j = geonet.journey("沈阳", "大连", region="liaoning").to_dict()
    assert j["delivered_at"].startswith("D+1 ") and {"depart_at", "arrive_at"} <= set(j["legs"][0])


def test_hubs_api_and_cli_agree_and_exports_keep_the_quote(cli, tmp_path):
    h = geonet.hubs("guangdong-1+4+6")
    assert h.geometry.notna().all() and not h.geometry.is_empty.any() and h["placed"].all()
    r = cli("hubs", "--system", "guangdong-1+4+6", "--format", "csv")
    assert r.returncode == 0
    import io

    import pandas as pd

    csv = pd.read_csv(io.StringIO(r.stdout))
    assert len(csv) == len(h) and csv["quote"].notna().all() and csv["quote"].str.len().min() > 5
    r = cli("hubs", "--system", "liaoning", "--format", "geojson", "--out", str(tmp_path / "h.geojson"))
    feats = json.loads((tmp_path / "h.geojson").read_text(encoding="utf-8"))["features"]
    assert r.returncode == 0 and all(f["properties"]["quote"] for f in feats)
    assert len(geonet.hubs("guangdong-1+4+6", placed=None)) > len(h)  # unplaced rows on request


def test_goal_without_the_goal_layer_adds_it():
    fmap = geonet.map("liaoning", layers=["hubs"], goal="LN-same-day-same-city")
    names = [getattr(c, "layer_name", "") for c in fmap._children.values()]
    assert any("LN-same-day-same-city" in n for n in names), names


def test_long_runs_show_progress(cli):
    r = cli("scenario", "run", str(SC / "liaoning.yaml"))
    assert r.returncode == 0 and "scenario" in r.stderr and "step" in r.stderr


def test_legs_read_without_guessing(cli):
    import re

    r = cli("route", "汕头", "湛江", "--region", "guangdong", "--via-hubs", "--product", "standard")
    out = r.stdout
    assert r.returncode == 0 and out.startswith("汕头市 -> 湛江市")
    assert re.search(r"wait at \S+ for the \d\d:\d\d trunk departure", out)
    assert re.search(r"wait at 湛江市 for the \d\d:\d\d delivery round", out)
    assert not any(x.endswith("汕头市 -> 汕头市") for x in out.splitlines()) and "Airport ->" not in out
    assert "processing and sorting at hub: 汕头市枢纽" in out
    r = cli("route", "汕头", "湛江", "--region", "guangdong", "--product", "standard", "--lang", "en")
    assert r.stdout.startswith("Shantou -> Zhanjiang") and "trunk departure" in r.stdout
    assert "揭阳" not in r.stdout


def test_coverage_states_population_only_over_the_known_part(cli):
    r = cli("coverage", "--region", "liaoning", "--hours", "3")
    line = [x for x in r.stdout.splitlines() if x.strip().startswith("<= 3 h")][0]
    assert "counties with a Natural Earth figure" in line and "unknown for the other" in line
    assert "population 100.0 %" not in line
