"""Every default geonet uses, in one place, with its rationale.

Later modules (network speeds, handling times, cut-offs) add their defaults here; scenarios override them.
"""

from __future__ import annotations

import os
from pathlib import Path

_PKG = Path(__file__).resolve().parent


def layers_dir() -> Path:
    """Folder of the shipped layers: $GEONET_LAYERS, else the repository's layers/, else the installed copy."""
    env = os.environ.get("GEONET_LAYERS")
    if env:
        return Path(env)
    repo = _PKG.parent / "layers"
    if (repo / "hubs.csv").is_file():
        return repo
    return _PKG / "_layers"


# Regions geonet analyses. Provinces are 2-digit adcode prefixes (GB/T 2260).
REGIONS: dict[str, dict] = {
    "guangdong": {"label": "Guangdong 广东省", "provinces": ["44"]},
    "liaoning": {"label": "Liaoning 辽宁省", "provinces": ["21"]},
    "yrd": {"label": "Yangtze River Delta 长三角 (Shanghai, Jiangsu, Zhejiang)", "provinces": ["31", "32", "33"]},
    # mainland China: the plans' national goals cover the 31 mainland provincial units
    "national": {"label": "Mainland China (31 provincial units)", "provinces": None},
}
MAINLAND_EXCLUDED = ["71", "81", "82"]  # Taiwan, Hong Kong, Macau: in the layers, not in "national" analyses

# Hub systems of the catalog, one per plan (the two national plans share one system).
SYSTEMS: dict[str, str] = {
    "guangdong-1+4+6": "广东省邮政业发展“十四五”规划: the 1+4+6 hub system and Guangdong's named sites",
    "liaoning": "辽宁省“十四五”邮政业发展规划: node cities, mail centres, ports, airports, stations, parks",
    "yrd": "长江三角洲地区快递服务发展“十三五”规划: tier-1/2 express-park cities, air-express parks",
    "national": "“十四五”邮政业/快递业发展规划: five global hub clusters, cross-border processing centres",
}

# Prefecture-level units that count as "cities" in analyses (province-administered counties are
# county-level in law and are analysed as counties).
CITY_LEVELS = ["prefecture", "municipality"]
