"""`geonet scenario run / compare` and hub-placement optimisation."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import pandas as pd
import typer

from .. import checks
from ..display import network_label
from ..errors import InputError
from ..io import check_writable, read_text, refuse_overwriting_inputs
from ..maps import geonet_map, save_map
from ..optimize import HubInstance, PHubMedian
from ..placement import optimize_region
from ..scenario import compare, kpi_lines, Scenario
from .app import app


sc_app = typer.Typer(no_args_is_help=True, rich_markup_mode=None, help="Run and compare hub-layout scenarios.")
app.add_typer(sc_app, name="scenario")


@sc_app.command("run")
def scenario_run(path: Path = typer.Argument(..., help="Scenario YAML"),
                 as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
                 sensitivity: bool = typer.Option(False, "--sensitivity", help="Also say where each verdict flips")
                 ) -> None:
    """Run one scenario: goal table and KPIs."""

    res = Scenario.from_yaml(path).run(progress=True, sensitivity=sensitivity)
    typer.echo(json.dumps(res.to_dict(), ensure_ascii=False) if as_json else "\n".join(res.lines()))


@sc_app.command("compare")
def scenario_compare(
    a: Path = typer.Argument(..., help="Scenario A (YAML)"),
    b: Path = typer.Argument(..., help="Scenario B (YAML)"),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
    map_out: Optional[Path] = typer.Option(None, "--map", help="Write a comparison map (.html)"),
    sensitivity: bool = typer.Option(False, "--sensitivity", help="Also say where each verdict flips, A and B"),
) -> None:
    """Compare two scenarios: KPI deltas, flips, map."""

    if map_out is not None:
        check_writable(map_out)
        refuse_overwriting_inputs(map_out, [a, b], "--map")
    sa, sb = Scenario.from_yaml(a), Scenario.from_yaml(b)
    cmp = compare(sa, sb, progress=True, sensitivity=sensitivity)
    if map_out is not None:
        save_map(geonet_map(sb.region, model=sb.model(), comparison=cmp.map_changes()), map_out)
        typer.echo(f"wrote {map_out}", err=True)
    typer.echo(json.dumps(cmp.to_dict(), ensure_ascii=False) if as_json else "\n".join(cmp.lines()))


@app.command("optimize")
def optimize_cmd(
    region: Optional[str] = typer.Option(None, help="guangdong | liaoning | yrd | national"),
    p: Optional[int] = typer.Option(None, "--p", help="Number of hubs"),
    objective: str = typer.Option("median", help="median | center | coverage"),
    hours: Optional[float] = typer.Option(None, help="Coverage threshold (h) for --objective coverage"),
    candidates: Optional[Path] = typer.Option(None, help="File with candidate cities, one per line"),
    instance: Optional[Path] = typer.Option(None, help="AP or CAB benchmark instance file instead of a region"),
    allocation: str = typer.Option("single", help="single | multiple (benchmark instances)"),
    alpha: float = typer.Option(1.0, help="CAB inter-hub discount (collection = distribution = 1)"),
    nodes: Optional[int] = typer.Option(None, "--nodes", help="CAB: use the first N nodes (10, 15, 20, 25)"),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
) -> None:
    """Hub placement (median, center, coverage); AP/CAB."""

    checks.number(alpha, "--alpha (inter-hub discount)", "cost factor", 0, 1)
    if instance is not None:
        if objective != "median":
            raise InputError("benchmark instances are solved for --objective median (p-hub median)")

        text = read_text(instance, "instance file")[:4000]
        is_cab = "param" in text or any(len(line.split()) == 4 for line in text.splitlines()[:3])
        if is_cab:
            if p is None:
                raise InputError("a CAB instance needs --p (the file does not give it)")
            inst = HubInstance.from_cab(instance, p, nodes, alpha)
        else:
            inst = HubInstance.from_ap(instance, p)
        sol = PHubMedian(inst, allocation).solve()
        d = sol.to_dict(one_based=True)
        out = {"objective": round(d["objective"], 4), "hubs": d["hubs"], "allocation": d["allocation"] if allocation
               == "single" else "multiple", "optimal": d["optimal"], "seconds": d["seconds"]}
        typer.echo(json.dumps(out) if as_json else
                   f"{inst.name}: p={inst.p}, {allocation} allocation: objective {out['objective']}, hubs "
                   f"{out['hubs']} ({'proved optimal' if out['optimal'] else 'NOT proved optimal'}, {out['seconds']} s)")
        return
    if region is None or p is None:
        raise InputError("give --region and --p (or --instance FILE for a benchmark)")

    res = optimize_region(region, p, objective, hours=hours, candidates=candidates, progress=True)
    if as_json:
        typer.echo(json.dumps(res, ensure_ascii=False))
        return
    typer.echo(f"{region}: {objective}, p = {p}: hubs {', '.join(res['hubs'])}")
    typer.echo(f"  value {res['value']:.4g} ({res['unit']}); plan's layout ({', '.join(res['plan_hubs'])}): "
               f"{res['plan_value']:.4g}")
    typer.echo(f"  {res['method']}; {'proved optimal' if res['optimal'] else 'not proved optimal'}; {res['seconds']} s")
    typer.echo(f"  {res['demand']}; network: {network_label(res['provenance'])} + rail layer + air")
    typer.echo("  KPIs, plan (A) vs optimised (B):")
    for line in kpi_lines(pd.DataFrame(res["kpis_vs_plan"])):
        typer.echo(line)
