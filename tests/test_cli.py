"""The command line, run as a real subprocess."""

import json


def test_help_lists_commands(cli_subprocess):
    r = cli_subprocess("--help")
    assert r.returncode == 0
    for cmd in ("hubs", "cities", "counties", "locate"):
        assert cmd in r.stdout


def test_hubs_json_rows(cli_subprocess):
    r = cli_subprocess("hubs", "--system", "guangdong-1+4+6", "--format", "json")
    assert r.returncode == 0, r.stderr
    rows = json.loads(r.stdout)
    keys = {"id", "name_zh", "name_en", "system", "tier", "kind", "lon", "lat", "city", "province", "source"}
    assert rows and all(keys <= set(x) for x in rows)
    zh = {x["name_zh"] for x in rows if x["kind"] == "city hub"}
    assert {"广州市", "深圳市", "揭阳市", "肇庆市"} <= zh


def test_hubs_geojson_and_csv(cli_subprocess, tmp_path):
    out = tmp_path / "ln.geojson"
    r = cli_subprocess("hubs", "--system", "liaoning", "--format", "geojson", "--out", str(out))
    assert r.returncode == 0, r.stderr
    fc = json.loads(out.read_text())
    assert fc["type"] == "FeatureCollection" and all(f["geometry"]["type"] == "Point" for f in fc["features"])
    r = cli_subprocess("hubs", "--region", "yrd", "--format", "csv")
    assert r.returncode == 0 and r.stdout.splitlines()[0].startswith("id,name_zh,name_en")


def test_unknown_system_is_one_line_exit_2(cli_subprocess):
    r = cli_subprocess("hubs", "--system", "NOPE")
    assert r.returncode == 2
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "NOPE" in lines[0]
    for s in ("guangdong-1+4+6", "liaoning", "yrd", "national"):
        assert s in lines[0]
    assert "Traceback" not in r.stderr


def test_debug_shows_traceback(cli_subprocess):
    r = cli_subprocess("--debug", "hubs", "--system", "NOPE")
    assert r.returncode == 2 and "Traceback" in r.stderr


def test_unknown_place_suggests(cli_subprocess):
    r = cli_subprocess("locate", "Shenzen")
    assert r.returncode == 2 and "Shenzhen" in r.stderr and len(r.stderr.strip().splitlines()) == 1


def test_locate_json(cli_subprocess):
    r = cli_subprocess("locate", "揭阳", "--json")
    assert r.returncode == 0 and json.loads(r.stdout)["name_en"] == "Jieyang"


def test_output_to_missing_directory_is_a_clear_error(cli_subprocess, tmp_path):
    r = cli_subprocess("hubs", "--format", "csv", "--out", str(tmp_path / "nope" / "x.csv"))
    assert r.returncode == 2 and "does not exist" in r.stderr and "Traceback" not in r.stderr


def test_cities_table(cli_subprocess):
    r = cli_subprocess("cities", "--region", "liaoning")
    assert r.returncode == 0 and r.stdout.count("\n") == 15  # header + 14 cities
