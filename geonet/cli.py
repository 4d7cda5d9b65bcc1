"""The `geonet` command line: a thin layer over the library.

Errors print one line to stderr and exit with code 2 (``--debug`` shows the traceback instead).
"""

from __future__ import annotations

import json
import sys
import traceback
from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from . import catalog, gazetteer, geography
from .errors import GeonetError
from .io import write_text

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="geonet: hub networks, door-to-door times and time-goal tests for China's postal plans.")

_STATE = {"debug": False}


class Fmt(str, Enum):
    table = "table"
    csv = "csv"
    json = "json"
    geojson = "geojson"


@app.callback()
def _main(debug: bool = typer.Option(False, "--debug", help="Show full tracebacks on errors.")) -> None:
    _STATE["debug"] = debug


HUB_COLUMNS = ["id", "name_zh", "name_en", "system", "tier", "tier_rank", "kind", "lon", "lat", "city", "province",
               "geocode_method", "precision", "source", "quote_id"]
HUB_TABLE = ["id", "name_zh", "name_en", "tier", "kind", "lon", "lat", "city", "precision"]


def _emit(df, fmt: Fmt, out: Optional[Path], table_cols: list[str], json_cols: list[str]) -> None:
    """Render a (Geo)DataFrame as table/csv/json/geojson to stdout or, atomically, to ``out``."""
    if fmt is Fmt.table:
        text = df[table_cols].to_string(index=False, na_rep="-") + "\n"
    elif fmt is Fmt.csv:
        text = df[json_cols].to_csv(index=False, lineterminator="\n")
    elif fmt is Fmt.json:
        rows = json.loads(df[json_cols].to_json(orient="records", force_ascii=False))
        text = json.dumps(rows, ensure_ascii=False, indent=1) + "\n"
    else:
        text = df[json_cols + ["geometry"]].to_json(ensure_ascii=False, drop_id=True, na="null") + "\n"
    if out is None:
        sys.stdout.write(text)
    else:
        write_text(out, text)
        typer.echo(f"wrote {out} ({len(df)} rows)", err=True)


@app.command("hubs")
def hubs_cmd(
    system: Optional[str] = typer.Option(None, help="guangdong-1+4+6 | liaoning | yrd | national"),
    region: Optional[str] = typer.Option(None, help="guangdong | liaoning | yrd | national"),
    fmt: Fmt = typer.Option(Fmt.table, "--format", help="Output format."),
    unplaced: bool = typer.Option(False, "--unplaced", help="List the names that could not be placed, and why."),
    out: Optional[Path] = typer.Option(None, help="Write to this file instead of stdout."),
) -> None:
    """List the hub catalog: every hub, node and park of the plans, geocoded (WGS-84)."""
    df = catalog.hubs(system, region, placed=not unplaced).rename(columns={"prefecture": "city"})
    if unplaced:
        _emit(df, fmt, out, ["id", "name_zh", "kind", "city", "unplaced_reason"],
              ["id", "name_zh", "name_en", "system", "tier", "kind", "city", "province", "unplaced_reason",
               "source", "quote_id"])
        return
    _emit(df, fmt, out, HUB_TABLE, HUB_COLUMNS)
    if fmt is Fmt.table and out is None:
        n_un = len(catalog.hubs(system, region, placed=False))
        typer.echo(f"{len(df)} placed hubs; {n_un} named in the plans could not be placed (--unplaced lists them). "
                   "Points: admin seats (cpca, GCJ-02->WGS-84), airport gazetteers, Natural Earth ports.", err=True)


ADMIN_JSON = ["adcode", "name", "name_en", "level", "seat_lon", "seat_lat", "area_km2", "pop_ne"]


@app.command("cities")
def cities_cmd(
    region: str = typer.Option(..., help="guangdong | liaoning | yrd | national"),
    fmt: Fmt = typer.Option(Fmt.table, "--format"),
    out: Optional[Path] = typer.Option(None),
) -> None:
    """List the prefecture-level cities of a region with seats, area and population."""
    df = geography.cities(region)
    cols = ["adcode", "name", "name_en", "province", "is_capital", "seat_lon", "seat_lat", "area_km2", "pop_ne"]
    _emit(df, fmt, out, cols, cols + ["seat_source"])


@app.command("counties")
def counties_cmd(
    region: str = typer.Option(..., help="guangdong | liaoning | yrd | national"),
    fmt: Fmt = typer.Option(Fmt.table, "--format"),
    out: Optional[Path] = typer.Option(None),
) -> None:
    """List the county-level units of a region with their prefecture and seat."""
    df = geography.counties(region)
    cols = ["adcode", "name", "name_en", "prefecture", "province", "seat_lon", "seat_lat", "area_km2"]
    _emit(df, fmt, out, cols, cols + ["seat_source"])


@app.command("locate")
def locate_cmd(
    name: str = typer.Argument(..., help="Chinese, pinyin or English name, adcode or hub id"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Resolve a place name to a prefecture, county or hub (with close matches if unknown)."""
    p = gazetteer.locate(name)
    if as_json:
        typer.echo(json.dumps(p.to_dict(), ensure_ascii=False))
    else:
        typer.echo(f"{p.name_zh} ({p.name_en}) {p.level} {p.code}: {p.lon:.5f}, {p.lat:.5f} "
                   f"[{p.prefecture}, {p.province}]")


def main() -> None:
    """Console entry point: run the app, turning GeonetError into one line on stderr and exit code 2."""
    try:
        app(standalone_mode=False)
    except GeonetError as exc:
        if _STATE["debug"]:
            traceback.print_exc()
        typer.echo(f"error: {exc}", err=True)
        sys.exit(2)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        typer.echo("aborted", err=True)
        sys.exit(1)
    except Exception as exc:  # click usage errors carry their own exit code
        import click

        if isinstance(exc, click.ClickException):
            exc.show()
            sys.exit(exc.exit_code)
        if _STATE["debug"]:
            traceback.print_exc()
        typer.echo(f"error: internal {type(exc).__name__}: {exc} (run with --debug for the traceback)", err=True)
        sys.exit(1)


if __name__ == "__main__":
    main()

