"""Admin geography from the shipped layers: counts, capitals, seats inside their own units."""

import numpy as np
import pandas as pd
import shapely

import geonet


def test_prefecture_counts():
    assert len(geonet.cities("guangdong")) == 21
    assert len(geonet.cities("liaoning")) == 14
    yrd = geonet.cities("yrd")
    assert yrd["province"].value_counts().to_dict() == {"江苏省": 13, "浙江省": 11, "上海市": 1}
    national = geonet.cities("national")
    assert 330 <= len(national) <= 345  # ~333 prefectures + 4 municipalities
    assert not national["adcode"].str[:2].isin(["71", "81", "82"]).any()


def test_every_provincial_capital_and_municipality():
    caps = geonet.cities("national").query("is_capital")
    assert len(caps) == 31  # 27 provincial capitals + 4 municipalities
    assert caps["adcode"].str[:2].is_unique
    assert {"沈阳市", "广州市", "南京市", "杭州市", "上海市", "北京市", "重庆市"} <= set(caps["name"])


def test_counties_carry_their_prefecture_and_province():
    c = geonet.counties("guangdong")
    assert len(c) > 100 and c["prefecture"].notna().all()
    assert set(c["prefecture"]) == set(geonet.cities("guangdong")["name"])
    assert (c["province"] == "广东省").all()


def test_seats_lie_in_their_own_county():
    c = geonet.counties("national")
    pts = shapely.points(c["seat_lon"].to_numpy(), c["seat_lat"].to_numpy())
    inside = shapely.covers(shapely.buffer(c.geometry.values, 0.01), pts)
    assert inside.mean() == 1.0, c.loc[~inside, ["name", "seat_source"]]


def test_county_polygons_tile_their_prefecture():
    # coverage-simplified polygons keep shared borders: the counties of Guangzhou cover its polygon
    gz = geonet.cities("guangdong").set_index("name").loc["广州市", "geometry"]
    parts = geonet.counties("guangdong").query("prefecture == '广州市'")
    union = shapely.union_all(parts.geometry.values)
    assert abs(union.area - gz.area) / gz.area < 0.01


def test_population_is_natural_earth_pop_max_of_places_inside():
    import geopandas as gpd
    import pytest

    from conftest import SHARED

    path = SHARED / "data" / "ne_10m_populated_places_china_bbox.geojson"
    if not path.is_file():
        pytest.skip("shared data not present")
    ne = gpd.read_file(path)
    ne = ne[ne["ADM0_A3"] == "CHN"]
    c = geonet.cities("guangdong")
    for row in c.itertuples():
        inside = ne[ne.within(row.geometry)]
        expected = inside["POP_MAX"].sum()
        if inside.empty:
            assert pd.isna(row.pop_ne), row.name
        else:
            assert np.isclose(row.pop_ne, expected, rtol=0.02), row.name
