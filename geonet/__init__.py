"""geonet: hub networks, door-to-door times and time-goal tests for China's postal and express plans.

Flat public API; every function documents its units (degrees WGS-84, km, hours).
"""

from __future__ import annotations

from .catalog import hubs
from .datum import gcj02_to_wgs84, wgs84_to_gcj02
from .errors import DataError, GeonetError, InputError, OutputError, UnknownNameError
from .gazetteer import Place, locate
from .geography import cities, counties, provinces
from .settings import REGIONS, SYSTEMS

__version__ = "0.1.0"

__all__ = [
    "DataError", "GeonetError", "InputError", "OutputError", "Place", "REGIONS", "SYSTEMS", "UnknownNameError",
    "cities", "counties", "gcj02_to_wgs84", "hubs", "locate", "provinces", "wgs84_to_gcj02",
]
