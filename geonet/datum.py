"""GCJ-02 ("Mars" datum of Chinese web maps) <-> WGS-84 conversion.

Chinese map services (Amap/Gaode, Tencent) publish coordinates in GCJ-02, an obfuscated datum offset by
up to ~700 m from WGS-84. geonet works in WGS-84 everywhere inside, so any GCJ-02 input is converted on
load with :func:`gcj02_to_wgs84`.

The forward transform is the published GCJ-02 formula (Krasovsky 1940 ellipsoid). The inverse has no
closed form; it is solved by fixed-point iteration to better than 1e-7 degrees (~1 cm).
Points outside mainland China's rough bounding box are returned unchanged, as GCJ-02 does.
"""

from __future__ import annotations

import numpy as np

_A = 6378245.0  # Krasovsky 1940 semi-major axis, m
_EE = 0.00669342162296594323  # Krasovsky 1940 first eccentricity squared


def _outside_china(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    return (lon < 72.004) | (lon > 137.8347) | (lat < 0.8293) | (lat > 55.8271)


def _delta(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Offset (dlon, dlat) in degrees that GCJ-02 adds to a WGS-84 point."""
    x, y = lon - 105.0, lat - 35.0
    pi = np.pi
    dlat = (-100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * np.sqrt(np.abs(x))
            + (20.0 * np.sin(6.0 * x * pi) + 20.0 * np.sin(2.0 * x * pi)) * 2.0 / 3.0
            + (20.0 * np.sin(y * pi) + 40.0 * np.sin(y / 3.0 * pi)) * 2.0 / 3.0
            + (160.0 * np.sin(y / 12.0 * pi) + 320.0 * np.sin(y * pi / 30.0)) * 2.0 / 3.0)
    dlon = (300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * np.sqrt(np.abs(x))
            + (20.0 * np.sin(6.0 * x * pi) + 20.0 * np.sin(2.0 * x * pi)) * 2.0 / 3.0
            + (20.0 * np.sin(x * pi) + 40.0 * np.sin(x / 3.0 * pi)) * 2.0 / 3.0
            + (150.0 * np.sin(x / 12.0 * pi) + 300.0 * np.sin(x / 30.0 * pi)) * 2.0 / 3.0)
    rad = lat / 180.0 * pi
    magic = 1 - _EE * np.sin(rad) ** 2
    sqrt_magic = np.sqrt(magic)
    dlat = (dlat * 180.0) / ((_A * (1 - _EE)) / (magic * sqrt_magic) * pi)
    dlon = (dlon * 180.0) / (_A / sqrt_magic * np.cos(rad) * pi)
    outside = _outside_china(lon, lat)
    return np.where(outside, 0.0, dlon), np.where(outside, 0.0, dlat)


def wgs84_to_gcj02(lon, lat):
    """WGS-84 lon/lat (degrees, scalars or arrays) -> GCJ-02 lon/lat (degrees)."""
    lon_a, lat_a = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    dlon, dlat = _delta(lon_a, lat_a)
    return _unwrap(lon_a + dlon, lon), _unwrap(lat_a + dlat, lat)


def gcj02_to_wgs84(lon, lat, tol: float = 1e-9, max_iter: int = 30):
    """GCJ-02 lon/lat (degrees, scalars or arrays) -> WGS-84 lon/lat (degrees), exact to ~1 cm."""
    glon, glat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    wlon, wlat = glon.copy(), glat.copy()
    for _ in range(max_iter):
        dlon, dlat = _delta(wlon, wlat)
        nlon, nlat = glon - dlon, glat - dlat
        done = np.all(np.abs(nlon - wlon) < tol) and np.all(np.abs(nlat - wlat) < tol)
        wlon, wlat = nlon, nlat
        if done:
            break
    return _unwrap(wlon, lon), _unwrap(wlat, lat)


def _unwrap(arr: np.ndarray, like):
    return float(arr) if np.ndim(like) == 0 else arr
