"""The `geonet` command line: a thin layer over the library, one module per group of commands.

Errors print one line to stderr and exit with code 2 (``--debug`` shows the traceback instead).
"""

from . import places, networks, times, goals, outputs, scenarios, fitting, parcels  # noqa: F401 (register)
from .app import app, main

__all__ = ["app", "main"]
