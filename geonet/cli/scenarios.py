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
from ..scenario import compare, Scenario
from ..sensitivity import describe
from .app import app


sc_app = typer.Typer(no_args_is_help=True, rich_markup_mode=None, help="Run and compare hub-layout scenarios.")
app.add_typer(sc_app, name="scenario")


def _kpi_lines(table) -> list[str]:
    out = []
    for r in table.itertuples():
        fmt = lambda v: "-" if v is None else (f"{v:.4g}" if isinstance(v, float) else str(v))  # noqa: E731
        d = "" if r.delta is None else f"{r.delta:+.4g}"
        out.append(f"  {r.kpi:42s} {fmt(r.a):>12s} {fmt(r.b):>12s} {d:>10s}")
    return out


@sc_app.command("run")
def scenario_run(path: Path = typer.Argument(..., help="Scenario YAML"),
                 as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
                 sensitivity: bool = typer.Option(False, "--sensitivity", help="Also say where each verdict flips")
                 ) -> None:
    """Run one scenario: goal table and KPIs."""

    res = Scenario.from_yaml(path).run(progress=True, sensitivity=sensitivity)
    if as_json:
        typer.echo(json.dumps(res.to_dict(), ensure_ascii=False))
        return
    label = network_label(res.scenario.model().provenance)
    typer.echo(f"scenario {res.scenario.name} ({res.scenario.region}; {label}): hubs "
               f"{', '.join(res.to_dict()['hubs'])}")
    for k, v in res.kpis.items():
        typer.echo(f"  {k:42s} {v}")
    for g in res.goals:
        typer.echo(f"  {g.verdict} {g.id} ({g.product}): {g.pairs_met}/{g.pairs_total} ({g.share_met:.1%}, "
                   f"target {g.target_share:.0%}); missed {g.pairs_missed}, unreachable {g.pairs_unreachable}")
        for lever in g.sensitivity:
            typer.echo(f"      sensitivity: {describe(lever)}")


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
    if as_json:
        typer.echo(json.dumps(cmp.to_dict(), ensure_ascii=False))
        return
    typer.echo(f"A = {sa.name}\nB = {sb.name}   ({sb.region}; {network_label(sb.model().provenance)})")
    typer.echo(f"  {'kpi':42s} {'A':>12s} {'B':>12s} {'B - A':>10s}")
    for line in _kpi_lines(cmp.table):
        typer.echo(line)
    typer.echo(f"hubs added: {', '.join(cmp.added) or '-'}; removed: {', '.join(cmp.removed) or '-'}")
    for gid, f in cmp.flips.items():
        if f["now_met"] or f["now_missed"]:
            typer.echo(f"{gid}: {len(f['now_met'])} pairs now meet it, {len(f['now_missed'])} now miss it")
            for o, d in f["now_missed"][:8]:
                typer.echo(f"    now missed: {o} -> {d}")
            for o, d in f["now_met"][:8]:
                typer.echo(f"    now met:    {o} -> {d}")
    if sensitivity:
        for ga in cmp.a.goals:
            gb = next((g for g in cmp.b.goals if g.id == ga.id), None)
            if gb is None:
                continue
            typer.echo(f"{ga.id}: A {ga.verdict}, B {gb.verdict}")
            for la, lb in zip(ga.sensitivity, gb.sensitivity):
                typer.echo(f"    A {describe(la)}\n    B {describe(lb)}")


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
    for line in _kpi_lines(pd.DataFrame(res["kpis_vs_plan"])):
        typer.echo(line)
