"""geonet: hub networks, door-to-door times and time-goal tests for China's postal and express plans.

Flat public API; every function documents its units (degrees WGS-84, km, hours).
"""

from __future__ import annotations

from . import network
from .catalog import hubs
from .coverage import Coverage, coverage
from .goals import goals
from .maps import geonet_map as map  # noqa: A004
from .maps import save_map
from .matrix import od_matrix
from .datum import gcj02_to_wgs84, wgs84_to_gcj02
from .demand import Demand, demand
from .flows import Flows, flows
from .errors import DataError, GeonetError, GeonetWarning, InputError, OutputError, UnknownNameError
from .gazetteer import Place, locate
from .geography import cities, counties, provinces
from .models import plan_hubs
from .placement import optimize_region
from .report import report
from .routing import Route, UnreachableError, journey, route
from .scenario import Comparison, Result, Scenario, compare
from .calibration import calibrate_spb, read_spb
from .reliability import Reliability, reliability
from .settings import REGIONS, SYSTEMS, VERSION, NetworkParams, ServiceParams, VariabilityParams
from .settings import DemandParams, FlowParams
from .settings import describe as describe_parameters
from .validation import calibrate_reference, read_reference, validate

__version__ = VERSION

__all__ = [
    "Comparison", "Coverage", "DataError", "Result", "Scenario", "compare", "optimize_region", "GeonetError", "InputError", "NetworkParams", "OutputError", "Place", "REGIONS", "Route",
    "SYSTEMS", "ServiceParams", "UnknownNameError", "GeonetWarning", "UnreachableError", "cities", "counties", "coverage", "gcj02_to_wgs84", "goals",
    "hubs", "journey", "locate", "map", "network", "od_matrix", "plan_hubs", "provinces", "report", "route",
    "save_map", "validate", "read_reference", "calibrate_reference", "calibrate_spb", "read_spb", "Reliability",
    "reliability", "VariabilityParams", "describe_parameters", "Demand", "demand", "DemandParams",
    "Flows", "flows", "FlowParams",
    "wgs84_to_gcj02",
]
