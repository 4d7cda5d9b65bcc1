"""Errors geonet raises on bad input. The CLI prints ``str(error)`` as one line and exits with code 2."""

from __future__ import annotations


class GeonetError(Exception):
    """Base class: a user-facing problem with a one-line message saying what is wrong and what is right."""


class UnknownNameError(GeonetError, KeyError):
    """A place, hub, region, system or mode name that geonet does not know; the message lists close matches."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0])


class InputError(GeonetError, ValueError):
    """An argument or input file with a wrong value, type or format."""


class OutputError(GeonetError, OSError):
    """An output path that cannot be written."""


class DataError(GeonetError):
    """A shipped or user-supplied data layer that is missing or corrupt."""


class GeonetWarning(UserWarning):
    """Something geonet worked around (an invalid cache entry discarded, a cache not written); the CLI prints
    it as one line starting with ``warning:``."""
