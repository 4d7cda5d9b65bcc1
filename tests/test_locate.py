"""Name resolution: Chinese, pinyin, English, codes; close matches for unknown names."""

import pytest

import geonet


@pytest.mark.parametrize("name", ["广州", "广州市", "Guangzhou", "guangzhou", "GUANG ZHOU", "440100"])
def test_aliases_resolve_to_one_city(name):
    p = geonet.locate(name)
    assert p.name_zh == "广州市" and p.level == "prefecture" and p.province == "广东省"


def test_apostrophe_pinyin_and_hub_ids():
    assert geonet.locate("Xi'an").name_zh == "西安市"
    assert geonet.locate("xian").name_zh == "西安市"
    ap = geonet.locate("gd-airport-can")
    assert ap.level == "hub" and ap.prefecture == "广州市"


def test_county_level_names():
    assert geonet.locate("义乌").level == "county"
    assert geonet.locate("Yiwu").prefecture == "金华市"


def test_unknown_name_suggests_close_matches():
    with pytest.raises(geonet.UnknownNameError) as e:
        geonet.locate("Guangzou")
    msg = str(e.value)
    assert "Guangzou" in msg and "Guangzhou" in msg and "\n" not in msg


def test_ambiguous_pinyin_lists_candidates():
    with pytest.raises(geonet.UnknownNameError) as e:
        geonet.locate("Suzhou")
    assert "苏州市" in str(e.value) and "宿州市" in str(e.value)


def test_unknown_region_and_system():
    with pytest.raises(geonet.UnknownNameError, match="guangdong"):
        geonet.cities("guangdon")
    with pytest.raises(geonet.UnknownNameError, match="guangdong-1\\+4\\+6"):
        geonet.hubs("NOPE")


# ------------------------------------------------------------------ names as people write them (issue 14)


@pytest.mark.parametrize("query, name_zh", [
    ("Harbin", "哈尔滨市"), ("Urumqi", "乌鲁木齐市"), ("Ürümqi", "乌鲁木齐市"), ("Hohhot", "呼和浩特市"),
    ("Lhasa", "拉萨市"), ("Xi'an", "西安市"), ("Hong Kong", "香港特别行政区"), ("Macau", "澳门特别行政区"),
    ("Qamdo", "昌都市"), ("Chamdo", "昌都市"), ("Kashgar", "喀什地区"), ("长治", "长治市"), ("Changzhi", "长治市"),
    ("Luohe", "漯河市"), ("Chaoyang", "朝阳市"), ("北京朝阳区", "朝阳区"), ("北京市朝阳区", "朝阳区"),
    ("Ha'erbin", "哈尔滨市"), ("Lasa", "拉萨市"),
])
def test_conventional_and_official_names(query, name_zh):
    assert geonet.locate(query).name_zh == name_zh


@pytest.mark.parametrize("name_zh, pinyin", [
    ("朝阳市", "Chaoyang"), ("长治市", "Changzhi"), ("漯河市", "Luohe"), ("昌都市", "Changdu"), ("长宁区", "Changning"),
    ("长海县", "Changhai"), ("花都区", "Huadu"), ("乐都区", "Ledu"), ("单县", "Shanxian"), ("六合区", "Luhe"),
])
def test_polyphones_read_as_place_names(name_zh, pinyin):
    import pandas as pd

    units = pd.concat([geonet.counties(None), geonet.cities(None)])
    assert pinyin in set(units.loc[units["name"] == name_zh, "name_pinyin"])


def test_ambiguous_names_come_with_alternatives(cli):
    p = geonet.locate("朝阳")
    assert p.name_zh == "朝阳市" and any("北京市" in a for a in p.alternatives)
    assert geonet.locate("北京朝阳区").province == "北京市"
    r = cli("locate", "朝阳")
    assert r.returncode == 0 and "朝阳区 (北京市" in r.stdout
    with pytest.raises(geonet.UnknownNameError, match="苏州市.*宿州市"):
        geonet.locate("Suzhou")


def test_conventional_names_cited_by_natural_earth_are_there():
    """Rows that cite a Natural Earth NAME must find it in the shipped Natural Earth file (read here)."""
    import csv
    import json
    import re

    from conftest import REPO, SHARED

    path = SHARED / "data" / "ne_10m_populated_places_china_bbox.geojson"
    if not path.is_file():
        pytest.skip("shared data not present")
    ne = {f["properties"]["NAME"] for f in json.loads(path.read_text(encoding="utf-8"))["features"]}
    rows = list(csv.DictReader((REPO / "layers" / "build" / "conventional_names.csv").open(encoding="utf-8")))
    cited = [(r, m) for r in rows for m in re.findall(r"Natural Earth (?:populated places )?NAME '([^']+)'", r["source"])]
    assert len(cited) > 20 and all(m in ne for _, m in cited), [m for _, m in cited if m not in ne]
