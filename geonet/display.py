"""Short printed forms of result objects: a title line and a table (``repr``), an HTML table in Jupyter
(``_repr_html_``). Results are large (an OD matrix, hundreds of pairs); printing one shows a summary."""

from __future__ import annotations

import html

import pandas as pd

MAX_ROWS = 20


class TableRepr:
    """Mix-in: a class gives ``_title()`` (one line) and ``_table()`` (a DataFrame); printing shows both."""

    def _title(self) -> str:  # pragma: no cover - every user overrides it
        return type(self).__name__

    def _table(self) -> pd.DataFrame:  # pragma: no cover
        return pd.DataFrame()

    def __repr__(self) -> str:
        t = self._table()
        body = t.to_string(index=False, max_rows=MAX_ROWS, max_colwidth=48) if len(t.columns) else ""
        return f"{self._title()}\n{body}".rstrip()

    def _repr_html_(self) -> str:
        t = self._table()
        return (f"<p><b>{html.escape(self._title())}</b></p>"
                + (t.to_html(index=False, max_rows=MAX_ROWS, escape=True) if len(t.columns) else ""))


def network_label(provenance: dict) -> str:
    """The network a result rests on, as printed after it: 'PROXY roads' or the road source."""
    return "PROXY roads" if provenance.get("proxy") else f"{provenance.get('network', 'file')} roads"


_CONTROL = {c: f"\\x{c:02x}" for c in [*range(0x20), 0x7f, *range(0x80, 0xa0)]}


def percent(x: float) -> str:
    """A share as a percentage with as many decimals as it needs (0.95 -> '95%', 0.992 -> '99.2%')."""
    pct = round(float(x) * 100, 6)
    return f"{x:.0%}" if pct.is_integer() else f"{x:.1%}" if round(pct, 1) == pct else f"{x:.2%}"


def printable(text: str) -> str:
    """``text`` with control characters (terminal escapes, bells, C1 codes) written as visible \\xNN escapes:
    a name or an echoed value can never drive the terminal it is printed on."""
    return str(text).translate(_CONTROL)


def readable(value, unit: str = "") -> str:
    """A parameter value as a planner reads it: seconds as hours (7200 s -> '2 h'), thousands separated
    (151,400), no exponents; dicts and tuples item by item; ``unit`` appended (except for seconds)."""
    if isinstance(value, dict):
        return "; ".join(f"{k}: {readable(v, unit)}" for k, v in value.items())
    if isinstance(value, (tuple, list)):
        return ", ".join(readable(v, unit) for v in value) or "none"
    if isinstance(value, bool):
        return str(value)
    if not isinstance(value, (int, float)):
        return f"{value} {unit}".strip()
    if unit == "s":
        h = value / 3600
        return f"{h:.2f}".rstrip("0").rstrip(".") + " h" + (f" ({value:,.0f} s)" if value % 3600 else "")
    if isinstance(value, int) and not unit:  # a count or code without a unit (a seed, a year): as written
        return str(value)
    text = f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.6g}"
    return f"{text} {unit}".strip()
