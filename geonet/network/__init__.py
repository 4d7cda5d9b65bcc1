"""The multimodal network: one osmnx-compatible networkx MultiDiGraph per region.

Nodes carry x, y (degrees WGS-84), ``mode`` and ``kind``; edges carry length (m), travel_time (s),
``mode`` (road, ferry, air, rail, access, transfer), ``source`` and ``proxy`` (True on the offline proxy).
"""

from ..geography import region_polygon
from .build import build
from .info import info
from .io import load, save

__all__ = ["build", "info", "load", "region_polygon", "save"]
