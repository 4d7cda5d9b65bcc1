"""Checks of numbers and clock times at the boundary: one InputError line naming the value, its unit and range."""

from __future__ import annotations

import math

from .errors import InputError
from .settings import is_hhmm


def number(value, name: str, unit: str, lo: float, hi: float, *, lo_open: bool = False) -> float:
    """``value`` as a finite float within [lo, hi] ((lo, hi] with ``lo_open``), else InputError."""
    try:
        v = float(value)
    except (TypeError, ValueError):
        v = math.nan
    ok = math.isfinite(v) and (v > lo if lo_open else v >= lo) and v <= hi
    if not ok or isinstance(value, bool):
        if lo_open and lo == 0:
            what = f"a positive, finite number of {unit}, at most {hi:g}"
        else:
            what = f"a finite number of {unit} {'more than' if lo_open else 'from'} {lo:g} to {hi:g}"
        raise InputError(f"{name} must be {what}, got {str(value)[:40]!r}")
    return v


def hhmm_minutes(value, name: str) -> int:
    """Minutes after midnight of an 'HH:MM' clock time (00:00-23:59), else InputError."""
    if not is_hhmm(value):
        raise InputError(f"{name} must be a clock time HH:MM from 00:00 to 23:59, got {str(value)[:40]!r}")
    h, m = value.split(":")
    return int(h) * 60 + int(m)
