"""Parameter records: ``param()`` declares a parameter once (value, unit, bounds, rationale, evidence, kind);
``Params.with_()`` checks every change against its declaration; plausibility bounds of speeds."""

from __future__ import annotations

import math
import re
from dataclasses import field, fields, replace

from ..errors import InputError


def is_hhmm(v) -> bool:
    """True for a clock time 'HH:MM' (00:00-23:59; one-digit hours allowed)."""
    return isinstance(v, str) and re.fullmatch(r"([01]?\d|2[0-3]):[0-5]\d", v) is not None


def param(default, unit: str, rationale: str, *, bounds: tuple | None = None, evidence: str = "assumption",
          kind: str = "number"):
    """One parameter, declared once: its default, unit, plausibility bounds, rationale and evidence.

    ``kind`` says how a new value is checked: number (finite, within ``bounds``), seconds (0 .. 7 days), hhmm
    ('HH:MM'), hhmm_list (a non-empty list of 'HH:MM'), codes (a list of IATA codes), adcode_prefixes (a list of 2/4/6-digit
    administrative code prefixes), bool, tiers (tier 1-3 ->
    seconds), speeds (a mapping to km/h within ``bounds``), handling (mode pair -> seconds), product."""
    meta = {"unit": unit, "bounds": bounds, "rationale": rationale, "evidence": evidence, "kind": kind}
    if isinstance(default, dict):
        return field(default_factory=lambda: dict(default), metadata=meta)
    return field(default=default, metadata=meta)


def _problem(kind: str, bounds: tuple | None, v) -> str | None:
    """Why ``v`` is not a valid value of a parameter of ``kind`` (None when it is)."""
    def num(x) -> bool:
        return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)

    def within(xs, lo, hi, positive: bool) -> str | None:
        for x in xs:
            if not num(x) or (positive and x <= 0) or x < 0:
                return "must be a positive finite number" if positive else f"must be seconds from {lo:g} to {hi:g}"
            if not lo <= x <= hi:
                return f"must be from {lo:g} to {hi:g} (plausibility bound, geonet.settings)"
        return None

    if kind == "hhmm":
        return None if is_hhmm(v) else "must be HH:MM"
    if kind == "hhmm_list":
        ok = isinstance(v, (list, tuple)) and v and all(is_hhmm(x) for x in v)
        return None if ok else "must be a non-empty list of HH:MM times"
    if kind == "hhmm_list0":
        ok = isinstance(v, (list, tuple)) and all(is_hhmm(x) for x in v)
        return None if ok else "must be a list of HH:MM times (empty: none)"
    if kind == "adcode_prefixes":
        ok = isinstance(v, (list, tuple)) and bool(v) and all(
            isinstance(x, str) and x.isdigit() and len(x) in (2, 4, 6) for x in v)
        return None if ok else "must be a list of administrative code prefixes (2, 4 or 6 digits: '54', '5133')"
    if kind == "codes":
        ok = isinstance(v, (list, tuple)) and all(isinstance(x, str) and re.fullmatch(r"[A-Z]{3}", x) for x in v)
        return None if ok else "must be a list of three-letter IATA airport codes"
    if kind == "bool":
        return None if isinstance(v, bool) else "must be true or false"
    if kind == "product":
        return None if v in (bounds or ()) else f"must be one of {', '.join(bounds or ())}"  # bounds: the choices
    if kind == "tiers":
        ok = isinstance(v, dict) and v and all(t in (1, 2, 3) and num(x) and 0 <= x <= 7 * 86400
                                               for t, x in v.items())
        return None if ok else "must map tiers 1, 2, 3 to seconds between 0 and 604800"
    if kind in ("speeds", "handling"):
        if not isinstance(v, dict):
            return "must be a mapping"
        lo, hi = bounds or (0, 86400)
        return within(list(v.values()), lo, hi, positive=kind == "speeds")
    if kind == "seconds":
        lo, hi = bounds or (0, 7 * 86400)
        return None if num(v) and lo <= v <= hi else f"must be seconds between {lo:g} and {hi:g}"
    lo, hi = bounds or (0, float("inf"))
    if not num(v):
        return "must be a finite number"
    if not lo <= v <= hi:
        return f"must be a number from {lo:g} to {hi:g} (plausibility bound, geonet.settings)"
    return None


class Params:
    """Mixin of the parameter records: ``with_(**changes)`` checks every change against its declaration."""

    _label = "parameter"

    def with_(self, **changes):
        """A copy with some parameters changed; unknown names or bad values raise InputError."""
        known = {f.name: f for f in fields(self)}
        bad = sorted(set(changes) - set(known))
        if bad:
            raise InputError(f"unknown {self._label} parameter(s) {', '.join(bad)}; known: {', '.join(sorted(known))}")
        for k, v in changes.items():
            meta = known[k].metadata
            problem = _problem(meta["kind"], meta["bounds"], v) if meta else None
            if problem:
                text = repr(v)
                raise InputError(f"{self._label} parameter {k} {problem}, got {text[:60]}"
                                 f"{'...' if len(text) > 60 else ''}")
        return replace(self, **changes)

    def changed(self) -> dict:
        """The parameters whose value differs from the declared default (name -> value)."""
        base = type(self)()
        return {f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name) != getattr(base, f.name)}


# Plausibility bounds: a speed outside them is a typing error, not a scenario (km/h).
SPEED_BOUNDS_KMH: dict[str, tuple[float, float]] = {
    # trucks: the legal limit for goods vehicles on expressways is 100 km/h (条例 第七十八条); 130 leaves room
    # for a scenario about cars; below 5 km/h nothing moves
    "road": (5.0, 130.0),
    # the fastest scheduled trains in China run at 350 km/h (京沪高铁 复兴号); 400 bounds any design speed
    "rail": (10.0, 400.0),
    # jet cruise speeds are ~850-950 km/h; block speeds over great-circle distance stay below 1,000
    "air": (100.0, 1000.0),
    "ferry": (2.0, 80.0),
    "access": (2.0, 130.0),
}
_ROAD, _RAIL = SPEED_BOUNDS_KMH["road"], SPEED_BOUNDS_KMH["rail"]
