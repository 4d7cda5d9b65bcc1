"""Commands on places: the hub catalog, cities, counties, locate."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer

from .. import catalog, gazetteer, geography
from .app import _emit, app, Fmt, HUB_COLUMNS, HUB_TABLE


@app.command("hubs")
def hubs_cmd(
    system: Optional[str] = typer.Option(None, help="guangdong-1+4+6 | liaoning | yrd | national"),
    region: Optional[str] = typer.Option(None, help="guangdong | liaoning | yrd | national"),
    fmt: Fmt = typer.Option(Fmt.table, "--format", help="Output format."),
    unplaced: bool = typer.Option(False, "--unplaced", help="List the names that could not be placed, and why."),
    out: Optional[Path] = typer.Option(None, help="Write to this file instead of stdout."),
) -> None:
    """Hub catalog of the plans, geocoded (WGS-84)."""
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


SEAT_COLUMNS = ["seat_source", "seat_check_km", "seat_check_source", "seat_note"]


@app.command("cities")
def cities_cmd(
    region: str = typer.Option(..., help="guangdong | liaoning | yrd | national"),
    fmt: Fmt = typer.Option(Fmt.table, "--format", help="Output format."),
    out: Optional[Path] = typer.Option(None, help="Write to this file instead of stdout."),
) -> None:
    """Prefecture-level cities of a region."""
    df = geography.cities(region)
    cols = ["adcode", "name", "name_en", "province", "is_capital", "seat_lon", "seat_lat", "area_km2", "pop_ne"]
    _emit(df, fmt, out, cols, cols + SEAT_COLUMNS)


@app.command("counties")
def counties_cmd(
    region: str = typer.Option(..., help="guangdong | liaoning | yrd | national"),
    fmt: Fmt = typer.Option(Fmt.table, "--format", help="Output format."),
    out: Optional[Path] = typer.Option(None, help="Write to this file instead of stdout."),
) -> None:
    """County-level units of a region."""
    df = geography.counties(region)
    cols = ["adcode", "name", "name_en", "prefecture", "province", "seat_lon", "seat_lat", "area_km2"]
    _emit(df, fmt, out, cols, cols + SEAT_COLUMNS)


@app.command("locate")
def locate_cmd(
    name: str = typer.Argument(..., help="Chinese, pinyin or English name, adcode or hub id"),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
) -> None:
    """Resolve a place name (zh, pinyin, English, code)."""
    p = gazetteer.locate(name)
    if as_json:
        typer.echo(json.dumps(p.to_dict(), ensure_ascii=False))
    else:
        typer.echo(f"{p.name_zh} ({p.name_en}) {p.level} {p.code}: {p.lon:.5f}, {p.lat:.5f} "
                   f"[{p.prefecture}, {p.province}]")
        if p.alternatives:
            typer.echo(f"also named {name}: {'; '.join(p.alternatives)} (give the full name, 北京朝阳区, or the code)")
