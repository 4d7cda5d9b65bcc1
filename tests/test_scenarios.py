"""Scenario files: validation with file/line/field errors, extension, running and comparing."""

from __future__ import annotations

import json

import pytest

import geonet
from conftest import REPO
from geonet.scenario import Scenario, compare

SC = REPO / "scenarios"


@pytest.mark.parametrize("name", ["guangdong_1p4p6", "guangdong_no_jieyang", "guangdong_plus_heyuan",
                                  "guangdong_double_peak", "guangdong_late_cutoff", "liaoning", "liaoning_jinzhou_west",
                                  "liaoning_panjin_west", "liaoning_hsr", "yrd", "yrd_tier1_only", "national"])
def test_shipped_scenarios_load_and_cite_the_digest(name, digest):
    sc = Scenario.from_yaml(SC / f"{name}.yaml")
    ids = {n["id"] for n in digest["nodes"]} | {x["id"] for x in digest["scenario_levers"]}
    assert sc.spec.sources and set(sc.spec.sources) <= ids
    assert len(sc.hub_table()) >= 2


def test_extension_changes_only_what_it_says():
    base, alt = Scenario.from_yaml(SC / "guangdong_1p4p6.yaml"), Scenario.from_yaml(SC / "guangdong_no_jieyang.yaml")
    hb, ha = base.hub_table().set_index("id"), alt.hub_table().set_index("id")
    assert set(hb.index) - set(ha.index) == {"gd-jieyang"}
    assert hb.loc["gd-shantou", "tier_rank"] == 3 and ha.loc["gd-shantou", "tier_rank"] == 2
    late = Scenario.from_yaml(SC / "guangdong_late_cutoff.yaml")
    assert late.service_params().cutoff == "20:00" and base.service_params().cutoff == "18:00"


def test_later_cutoff_never_helps_and_more_hubs_never_hurt_coverage():
    base = Scenario.from_yaml(SC / "guangdong_1p4p6.yaml").run()
    late = Scenario.from_yaml(SC / "guangdong_late_cutoff.yaml").run()
    for k, v in base.kpis.items():
        if k.startswith("goal_share:") and not k.endswith("national"):
            assert late.kpis[k] <= v + 1e-9, k
    plus = Scenario.from_yaml(SC / "guangdong_plus_heyuan.yaml").run()
    assert plus.kpis["counties_within_12h"] >= base.kpis["counties_within_12h"]


def _write(tmp_path, text: str, name: str = "bad.yaml"):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


@pytest.mark.parametrize("text, line, words", [
    ("name: x\nregion: guangdong\nhubs:\n  - {id: gd-guangzhou\n", 5, "line 4"),
    ("name: x\nhubs:\n  - {id: gd-guangzhou}\n", 1, "region"),
    ("name: x\nregion: guangdong\nhubs:\n  - {id: gd-guangzhou}\n  - {city: 河源, tier: five}\n", 5, "tier"),
    ("name: x\nregion: mars\nhubs:\n  - {id: gd-guangzhou}\n", 2, "region"),
    ("name: x\nregion: guangdong\nservice:\n  cutoff: 7\nhubs:\n  - {id: gd-guangzhou}\n", 4, "service"),
    ("name: x\nregion: guangdong\nhubz:\n  - {id: gd-guangzhou}\n", 3, "hubz"),
])
def test_malformed_scenarios_name_file_line_and_field(tmp_path, text, line, words):
    p = _write(tmp_path, text)
    with pytest.raises(geonet.InputError) as e:
        sc = Scenario.from_yaml(p)
        sc.model()
    msg = str(e.value)
    assert msg.startswith(f"{p}:{line}:"), msg
    assert words in msg and "\n" not in msg


def test_semantic_errors(tmp_path):
    p = _write(tmp_path, "name: x\nregion: liaoning\nhubs:\n  - {id: gd-guangzhou}\n")
    with pytest.raises(geonet.InputError, match="outside region liaoning"):
        Scenario.from_yaml(p).hub_table()
    p = _write(tmp_path, "name: x\nregion: guangdong\nhubs:\n  - {id: gd-guangzhuo}\n")
    with pytest.raises(geonet.UnknownNameError, match="gd-guangzhou"):
        Scenario.from_yaml(p).hub_table()
    p = _write(tmp_path, "name: x\nregion: liaoning\nhubs:\n  - {id: ln-rail-jinzhoubei}\n")
    with pytest.raises(geonet.InputError, match="unplaced"):
        Scenario.from_yaml(p).hub_table()
    p = _write(tmp_path, "name: x\nbase: nothere.yaml\n")
    with pytest.raises(geonet.InputError, match="not found"):
        Scenario.from_yaml(p)


def test_compare_cli_table_flips_and_map(cli, tmp_path):
    out = tmp_path / "cmp.html"
    r = cli("scenario", "compare", str(SC / "guangdong_1p4p6.yaml"), str(SC / "guangdong_no_jieyang.yaml"),
            "--map", str(out), "--json")
    assert r.returncode == 0, r.stderr
    page = out.read_text(encoding="utf-8")
    assert "Scenario comparison" in page and "Network: rail" in page  # the plan's network: road, rail and air
    d = json.loads(r.stdout)
    assert d["hubs_removed"] == ["gd-jieyang"] and "GD-next-day-province" in d["flips"]
    api = compare(Scenario.from_yaml(SC / "guangdong_1p4p6.yaml"), Scenario.from_yaml(SC / "guangdong_no_jieyang.yaml"))
    assert api.to_dict()["flips"] == d["flips"]
    text = "\n".join(api.lines())  # what `scenario compare` prints without --json
    assert "door_to_door_mean_h" in text and "removed: gd-jieyang" in text and "GD-next-day-province:" in text
    kpi = api.table.set_index("kpi")  # parcels side by side: without 揭阳's hub, 汕头's runs over on 11 November
    assert kpi.loc["hubs_over_capacity_peak", "a"] == 0 and kpi.loc["hubs_over_capacity_peak", "b"] >= 1
    assert kpi.loc["parcels_sent_per_day", "a"] == kpi.loc["parcels_sent_per_day", "b"] > 0
    assert api.b.hub_loads["gd-shantou"]["utilisation_peak"] > 1 > api.a.hub_loads["gd-shantou"]["utilisation_peak"]


def test_scenario_run_cli_and_bad_file(cli, tmp_path):
    r = cli("scenario", "run", str(SC / "liaoning_hsr.yaml"), "--json", "--sensitivity")
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)
    assert d["kpis"]["goal_share:LN-next-day-prefectures"] >= 0 and "ln-shenyang" in d["hubs"]
    for g in d["goals"]:  # each verdict swept over its levers: the values tried and the share met at each
        assert g["sensitivity"] and all(len(s["values"]) >= 3 or s.get("note") for s in g["sensitivity"]), g["id"]
    bad = _write(tmp_path, "name: x\nregion: guangdong\nhubs: 5\n")
    r = cli("scenario", "run", str(bad))
    assert r.returncode == 2 and f"{bad}:3: hubs" in r.stderr and "Traceback" not in r.stderr
