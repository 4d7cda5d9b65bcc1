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
