"""GCJ-02 <-> WGS-84: checked against an independent implementation (fast_geocn.coord) and by round trip."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import geonet

coord = pytest.importorskip("fast_geocn.coord")

china_lon = st.floats(min_value=74.0, max_value=134.0)
china_lat = st.floats(min_value=18.0, max_value=53.0)


@given(china_lon, china_lat)
@settings(max_examples=200, deadline=None)
def test_forward_matches_reference(lon, lat):
    glon, glat = geonet.wgs84_to_gcj02(lon, lat)
    rlon, rlat = coord.wgs84_to_gcj02(lon, lat)
    assert glon == pytest.approx(rlon, abs=1e-9) and glat == pytest.approx(rlat, abs=1e-9)


@given(china_lon, china_lat)
@settings(max_examples=200, deadline=None)
def test_inverse_round_trip_to_a_centimetre(lon, lat):
    glon, glat = geonet.wgs84_to_gcj02(lon, lat)
    wlon, wlat = geonet.gcj02_to_wgs84(glon, glat)
    assert abs(wlon - lon) < 1e-7 and abs(wlat - lat) < 1e-7  # 1e-7 deg ~ 1 cm


def test_offset_is_hundreds_of_metres_inside_china_and_zero_outside():
    # Guangzhou's cpca seat (GCJ-02) moves by a few hundred metres; Tokyo is outside GCJ-02
    lon, lat = 113.264385, 23.129110
    wlon, wlat = geonet.gcj02_to_wgs84(lon, lat)
    shift_m = np.hypot((lon - wlon) * 111_320 * np.cos(np.radians(lat)), (lat - wlat) * 110_574)
    assert 100 < shift_m < 1000
    assert geonet.gcj02_to_wgs84(139.7, 35.7) == (139.7, 35.7)


def test_vectorised():
    lon = np.array([113.26, 121.47, 123.43])
    lat = np.array([23.13, 31.23, 41.80])
    wlon, wlat = geonet.gcj02_to_wgs84(lon, lat)
    assert wlon.shape == (3,) and np.all(wlon < lon)
