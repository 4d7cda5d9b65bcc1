"""Commands on parcels: demand (parcels each city sends and receives per day)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer

from ..demand import demand
from ..errors import InputError
from ..io import atomic_path
from .app import app, check_csv_out

DEMAND_COLUMNS = ["adcode", "name", "province", "parcels_out_per_day", "parcels_in_per_day", "source"]


@app.command("demand")
def demand_cmd(
    region: str = typer.Option("national", help="guangdong | liaoning | yrd | national"),
    year: Optional[int] = typer.Option(None, help="Year of the national volume (default: the latest cited)"),
    day: str = typer.Option("average", help="average (the year's mean day) | peak (its 11 November)"),
    top: int = typer.Option(15, help="Cities to list, largest senders first (0: all)"),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
    out: Optional[Path] = typer.Option(None, help="Write the per-city table to this .csv"),
) -> None:
    """Parcels per day each city sends and receives, from cited express volumes."""

    check_csv_out(out)
    if top < 0:
        raise InputError(f"--top {top}: give 0 (all cities) or a positive number")
    d = demand(region, year, day)
    if out is not None:
        with atomic_path(out) as tmp:
            d.cities[DEMAND_COLUMNS].round({"parcels_out_per_day": 0, "parcels_in_per_day": 0}).to_csv(tmp, index=False)
    if as_json:
        typer.echo(json.dumps(d.to_dict(), ensure_ascii=False))
        return
    s = d.summary
    typer.echo(f"demand of {region}, {s['year']} ({'11 November peak day' if day == 'peak' else 'average day'}): "
               f"{s['parcels_per_day']:,} parcels a day sent, {s['parcels_in_per_day']:,} received; "
               f"{s['within_region_share']:.0%} of those sent stay in the region")
    typer.echo(f"  national {s['national_period']}: {s['national_parcels_per_day']:,} a day ({s['national_source']})")
    rows = d.cities.sort_values("parcels_out_per_day", ascending=False)
    for r in (rows if top == 0 else rows.head(top)).itertuples():
        typer.echo(f"  {r.name:8s} {r.parcels_out_per_day:>13,.0f} out {r.parcels_in_per_day:>13,.0f} in   {r.source}")
    typer.echo(f"  method: {s['method']}")
