"""Commands on parcels: demand (parcels each city sends and receives per day) and flows (through the hubs)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer

from ..demand import demand
from ..display import network_label
from ..flows import flows
from ..scenario import Scenario
from ..errors import InputError
from ..io import atomic_path
from .app import app, check_csv_out

SE = "on_time_se"
DAY_LABEL = {"average": "average day", "peak": "11 November peak day"}


def _check_top(top: int) -> None:
    if top < 0:
        raise InputError(f"--top {top}: give 0 (all) or a positive number")
DEMAND_COLUMNS = ["adcode", "name", "province", "parcels_out_per_day", "parcels_in_per_day", "source"]


@app.command("demand")
def demand_cmd(
    region: str = typer.Option("national", help="guangdong | liaoning | yrd | national"),
    year: Optional[int] = typer.Option(None, help="Year of the national volume (default: the latest cited)"),
    day: str = typer.Option("average", help="average (the year's mean day) | peak (its 11 November)"),
    top: int = typer.Option(15, help="Cities (or provinces) to list, largest senders first (0: all)"),
    by: str = typer.Option("city", help="city | province (the cities summed by province)"),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
    out: Optional[Path] = typer.Option(None, help="Write the per-city (or per-province) table to this .csv"),
) -> None:
    """Parcels per day each city sends and receives, from cited express volumes."""

    check_csv_out(out)
    _check_top(top)
    if by not in ("city", "province"):
        raise InputError(f"--by {by!r}: use city or province")
    d = demand(region, year, day)
    table = (d.cities[DEMAND_COLUMNS] if by == "city" else d.provinces()).round(
        {"parcels_out_per_day": 0, "parcels_in_per_day": 0, "share_of_nation": 5})
    if out is not None:
        with atomic_path(out) as tmp:
            table.to_csv(tmp, index=False)
    if as_json:
        res = d.to_dict()
        if by == "province":
            res["provinces"] = table.to_dict(orient="records")
            del res["cities"]
        typer.echo(json.dumps(res, ensure_ascii=False))
        return
    s = d.summary
    typer.echo(f"demand of {region}, {s['year']} ({DAY_LABEL.get(day, day)}): "
               f"{s['parcels_per_day']:,} parcels a day sent, {s['parcels_in_per_day']:,} received; "
               f"{s['within_region_share']:.0%} of those sent stay in the region")
    typer.echo(f"  national {s['national_period']}: {s['national_parcels_per_day']:,} a day ({s['national_source']})")
    if by == "province":
        for r in (table if top == 0 else table.head(top)).itertuples():
            typer.echo(f"  {r.province:10s} {r.parcels_out_per_day:>13,.0f} out {r.parcels_in_per_day:>13,.0f} in  "
                       f"{r.share_of_nation:6.1%} of the nation's ({r.cities} cities; total "
                       f"{'cited' if r.total_cited else 'not cited: its cities by population'})")
        typer.echo(f"  method: {s['method']}")
        return
    rows = d.cities.sort_values("parcels_out_per_day", ascending=False)
    for r in (rows if top == 0 else rows.head(top)).itertuples():
        typer.echo(f"  {r.name:8s} {r.parcels_out_per_day:>13,.0f} out {r.parcels_in_per_day:>13,.0f} in   {r.source}")
    typer.echo(f"  method: {s['method']}")


@app.command("flows")
def flows_cmd(
    region: str = typer.Option("national", help="guangdong | liaoning | yrd | national"),
    scenario: Optional[Path] = typer.Option(None, help="Scenario YAML whose hubs and network carry the flows"),
    day: str = typer.Option("average", help="average (the year's mean day) | peak (its 11 November)"),
    year: Optional[int] = typer.Option(None, help="Year of the national volume (default: the latest cited)"),
    top: int = typer.Option(10, help="Hubs and links to list (0: all)"),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
) -> None:
    """Parcels per day through each hub and hub-to-hub link, hub capacity, backlog and on-time share by parcels."""

    _check_top(top)
    model, dp, fp = None, None, None
    if scenario is not None:
        sc = Scenario.from_yaml(scenario)
        if sc.region != region:
            raise InputError(f"--scenario {scenario.name} is for region {sc.region}; pass --region {sc.region}")
        model, dp, fp = sc.model(), sc.demand_params(), sc.flow_params()
    f = flows(region, model=model, day=day, year=year, params=fp, demand_params=dp)
    if as_json:
        typer.echo(json.dumps(f.to_dict(), ensure_ascii=False))
        return
    s = f.summary
    typer.echo(f"flows of {region}, {s['year']} ({DAY_LABEL.get(day, day)}, "
               f"{network_label(f.provenance)}): {s['parcels_per_day']:,} parcels a day sent, "
               f"{s['within_region_parcels_per_day']:,} of them to the region's cities")
    typer.echo(f"  {s['on_time_share']:.1%} of those parcels within {s['promise_hours']:g} h (standard product, "
               f"{s['on_time_pairs']:,} pairs{f', s.e. {s[SE]:.1%}' if s[SE] else ''}); "
               f"line-haul trucks {s['truck_km_per_day']:,} km a day")
    typer.echo(f"  over capacity: {', '.join(s['hubs_over_capacity']) or 'none'} (capacity: {s['capacity']})")
    n = None if top == 0 else top
    for r in f.hubs.sort_values("utilisation", ascending=False).head(n).itertuples():
        typer.echo(f"  hub {r.name:10s} {r.parcels_per_day:>13,.0f} a day, capacity {r.capacity_per_day:>13,.0f} "
                   f"({r.utilisation:.0%}){f', backlog {r.backlog_share:.0%} wait a day' if r.backlog_share else ''}")
    for r in f.links.head(n).itertuples():
        typer.echo(f"  link {r._1} -> {r.to} ({r.mode}, {r.km:,.0f} km): {r.parcels_per_day:,.0f} a day, "
                   f"{r.trucks_per_day:,} trucks")
