"""Small geodesic helpers (metres, degrees WGS-84)."""

from __future__ import annotations

import numpy as np

EARTH_RADIUS_M = 6_371_008.8


def great_circle_m(lon1, lat1, lon2, lat2):
    """Great-circle (haversine) distance in metres; scalars or arrays, degrees in."""
    lon1, lat1, lon2, lat2 = (np.radians(np.asarray(v, dtype=float)) for v in (lon1, lat1, lon2, lat2))
    a = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    d = 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(a, 0, 1)))
    return float(d) if np.ndim(d) == 0 else d
