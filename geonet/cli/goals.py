"""Commands on goals: coverage and the plans' time goals."""

from __future__ import annotations

import json

import typer

from ..coverage import coverage
from ..display import network_label
from ..errors import InputError
from ..goals import out_of_scope
from ..goals import goals as run_goals
from ..sensitivity import describe
from ..settings import describe as describe_params
from .app import app


@app.command("coverage")
def coverage_cmd(
    region: str = typer.Option(..., help="guangdong | liaoning | yrd | national"),
    hours: str = typer.Option("3,6,12,24", help="Comma list of thresholds (h)"),
    basis: str = typer.Option("road", help="road (truck time from the nearest hub) | network (all modes)"),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
) -> None:
    """Counties, area, population within H hours of a hub."""

    try:
        hs = [float(h) for h in hours.split(",") if h.strip()]
    except ValueError:
        raise InputError(f"--hours {hours!r}: give numbers separated by commas, e.g. 6,12,24") from None
    cov = coverage(region, hs, basis=basis)
    if as_json:
        typer.echo(json.dumps(cov.to_dict(), ensure_ascii=False))
        return
    typer.echo(f"coverage of {region} counties by its plan hubs ({basis} hours, {network_label(cov.provenance)})")
    for t in cov.to_dict()["thresholds"]:
        if t["share_population_known"] is None:
            pop = "population unknown (no county has a Natural Earth figure)"
        else:
            pop = (f"population {t['share_population_known']:.1%} of the {t['population_known'] / 1e6:.1f} M people "
                   f"of the {t['population_known_counties']} counties with a Natural Earth figure (unknown for the "
                   f"other {t['counties_total'] - t['population_known_counties']}, "
                   f"{t['counties_outside_population_unknown']} of them outside)")
        typer.echo(f"  <= {t['hours']:g} h: {t['counties_covered']}/{t['counties_total']} counties "
                   f"({t['share_counties']:.1%}), area {t['share_area']:.1%}, {pop}")
        if t["outside"]:
            names = ", ".join(f"{o['name']}({o['prefecture']}, {o['hours'] if o['hours'] is not None else 'unreachable'})"
                              for o in t["outside"][:12])
            more = len(t["outside"]) - 12
            typer.echo(f"     outside: {names}{f' ... +{more}' if more > 0 else ''}")


@app.command("goals")
def goals_cmd(
    region: str = typer.Option(..., help="guangdong | liaoning | yrd | national"),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
    explain: bool = typer.Option(False, "--explain", help="Also print every assumption and the goals out of scope"),
    sensitivity: bool = typer.Option(False, "--sensitivity",
                                     help="Sweep each key assumption over a stated range: where each verdict flips"),
) -> None:
    """Test the plans' time goals (pass/fail, why, where it flips)."""

    res = run_goals(region, sensitivity=sensitivity, progress=True)
    if as_json:
        out = {"region": region, "network": res[0].provenance.get("network") if res else None,
               "goals": [r.to_dict() for r in res]}
        if explain:
            out["assumptions"] = json.loads(describe_params().to_json(orient="records", force_ascii=False,
                                                                      default_handler=str))
            out["out_of_scope"] = out_of_scope()
        typer.echo(json.dumps(out, ensure_ascii=False))
        return
    proxy = bool(res and res[0].provenance.get("proxy"))
    typer.echo(f"time goals for {region} (door to door on the {'PROXY road network' if proxy else 'road network'} "
               "+ the rail layer + OpenFlights 2014 air; capability = best case over pairs, outcome = simulated "
               "parcels)")
    for r in res:
        typer.echo(f"{r.verdict} {r.id} [{r.source}] {r.description}")
        typer.echo(f"     product {r.product}; {r.lines()[0]}")
        if r.unattainable_reason:
            typer.echo(f"     unattainable under its assumptions: {r.unattainable_reason}")
        for place, why in r.excluded.items():
            typer.echo(f"     excluded: {place} ({why})")
        if r.binding_steps:
            typer.echo("     missed pairs decided by: " + ", ".join(f"{k} ({v})" for k, v in r.binding_steps.items()))
        for w in r.worst[:3]:
            hrs = "unreachable" if not w["reachable"] else f"{w['door_to_door_hours']} h"
            typer.echo(f"     worst: {w['origin']} -> {w['destination']} {hrs} via {','.join(w['via']) or '-'}: "
                       f"{w['binding_step']}")
        if r.note:
            typer.echo(f"     note: {r.note}")
        for lever in r.sensitivity:
            typer.echo(f"     sensitivity: {describe(lever)}")
    if explain:
        typer.echo("\nassumptions (geonet.settings.describe(); override in scenarios):")
        for p in describe_params().itertuples():
            typer.echo(f"  [{p.group}] {p.name} = {p.value} {p.unit}: {p.rationale} (evidence: {p.evidence})")
        typer.echo("\ngoals of the plans not tested (and why):")
        for k, v in out_of_scope().items():
            typer.echo(f"  {k}: {v}")
