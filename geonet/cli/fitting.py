"""Checking and fitting against references: doctor, validate, calibrate."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer

from .. import geography, network
from ..calibration import calibrate_spb
from ..checks import number
from ..doctor import report
from ..display import network_label
from ..errors import DataError, InputError
from ..network.calibrate import calibrate
from ..validation import calibrate_reference, summary_lines, validate
from .app import _bbox, app


@app.command("doctor")
def doctor_cmd(as_json: bool = typer.Option(False, "--json", help="Print the result as JSON.")) -> None:
    """Report versions, layers, cache and Chromium."""

    rep = report()
    bad = rep["problems"]
    if as_json:
        typer.echo(json.dumps(rep, ensure_ascii=False, indent=1))
        if bad:
            raise typer.Exit(2)
        return
    typer.echo(f"geonet {rep['geonet']} on Python {rep['python']}")
    typer.echo("packages: " + ", ".join(f"{k} {v}" for k, v in rep["packages"].items()))
    typer.echo(f"layers in {rep['layers_dir']}: " + ", ".join(f"{k} ({'ok' if v else 'BAD'})"
                                                              for k, v in rep["layers"].items()))
    typer.echo(f"cache {rep['cache_dir']}: {rep['cache_files']} files, {rep['cache_mb']} MB; Overpass endpoint "
               f"{rep['overpass_url']}{' (offline mode)' if rep['offline'] else ''}")
    typer.echo(f"chromium: {rep['chromium'] or 'not found (make chromium)'}; playwright: {rep['playwright'] or 'missing'}")
    if bad:
        raise DataError(f"{len(bad)} problem(s): {'; '.join(bad)}")


def _print_validation(s: dict) -> None:
    for line in summary_lines(s):
        typer.echo(line)


@app.command("validate")
def validate_cmd(
    reference: Path = typer.Option(..., "--reference", help="CSV: origin,destination,mode,hours[,km],source"),
    region: Optional[str] = typer.Option(None, help="Network to check: guangdong | liaoning | yrd | national "
                                                    "(default national)"),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
) -> None:
    """Model times against a public reference: per pair, median ratio, shares within +-10/20/25 %."""

    v = validate(reference, region=region, progress=True)
    v.summary.pop("_fit", None)
    if as_json:
        typer.echo(json.dumps(v.to_dict(), ensure_ascii=False))
        return
    label = f" [{network_label({'proxy': v.summary['network'] == 'proxy', 'network': v.summary['network']})}]"
    typer.echo(f"{reference.name} vs the {v.summary['region']} network{label}:")
    for r in v.pairs.itertuples():
        model = f"{r.model_hours:6.2f} h" if r.model_hours == r.model_hours else "  unreachable"
        ratio = f"{r.ratio:5.2f}" if r.ratio == r.ratio else "   - "
        typer.echo(f"  {r.origin} -> {r.destination} ({r.mode}): reference {r.reference_hours:5.2f} h, model "
                   f"{model}, ratio {ratio}")
    _print_validation(v.summary)


@app.command("calibrate")
def calibrate_cmd(
    region: Optional[str] = typer.Option(None, help="guangdong | liaoning | yrd | national"),
    bbox: Optional[str] = typer.Option(None, help="west,south,east,north instead of a region"),
    reference: Optional[Path] = typer.Option(None, "--reference", help="Fit speeds to this reference CSV "
                                             "(origin,destination,mode,hours[,km],source) instead of OSM; 'spb' "
                                             "(or a CSV in its form) fits the standard product to the State Post "
                                             "Bureau's time test"),
    year: Optional[int] = typer.Option(None, help="With --reference spb: the test year to fit (default latest)"),
    draws: int = typer.Option(200, help="With --reference spb: simulated parcels per pair (1 to 5,000)"),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
) -> None:
    """Fit the road speed and rail operating share to a reference (--reference), the standard product to the
    State Post Bureau's test (--reference spb), or re-estimate the proxy detour factor from OSM (--region)."""

    if reference is not None and _is_spb(reference):
        res = calibrate_spb(reference, year=year, draws=int(number(draws, "--draws", "parcels", 1, 5000)),
                            progress=True)
        if as_json:
            typer.echo(json.dumps(res, ensure_ascii=False, default=str))
            return
        tg = res["targets"]
        typer.echo(f"standard product fitted to the State Post Bureau's {tg['year']} test ({tg['stage_basis']}; "
                   f"{res['pairs']} pairs of its 50 cities, {res['draws']} parcels each):")
        for k, v in res["fitted"].items():
            typer.echo(f"  {k} = {v['value']:g} {v['unit']} (bounds {v['bounds'][0]:g}-{v['bounds'][1]:g})")
        for label, s in (("before", res["before"]), ("after", res["after"])):
            typer.echo(f"  {label}: mean {s['mean_hours']} h (target {tg['mean_hours']}), 72 h "
                       f"{s['on_time_share']:.1%} (target {tg['on_time_share']:.1%}), stages " +
                       ", ".join(f"{k} {v}" + (f" ({tg['stages'][k]})" if tg["stages"] else "")
                                 for k, v in s["stages"].items()))
        typer.echo(f"  held: {res['held']}")
        return
    if reference is not None:
        if bbox is not None:
            raise InputError("--reference fits on a region's network (--region), not a --bbox")

        res = calibrate_reference(reference, region=region, progress=True)
        if as_json:
            typer.echo(json.dumps(res, ensure_ascii=False))
            return
        typer.echo(f"fitted to {reference.name} ({res['road_pairs']} road, {res['rail_pairs']} rail pairs; least "
                   "squares on log ratios, paths held fixed):")
        for k, v in res["fitted"].items():
            typer.echo(f"  {k}: {v['before']} -> {v['after']}")
        for note in res["notes"]:
            typer.echo(f"  note: {note}")
        typer.echo("before:")
        _print_validation(res["before"])
        typer.echo("after:")
        _print_validation(res["after"])
        typer.echo(f"fitted {res['params']}")
        return
    if (region is None) == (bbox is None):
        raise InputError("give exactly one of --region or --bbox")
    area = _bbox(bbox) if bbox else network.region_polygon(region)
    c = geography.counties(None)
    c = c[c.intersects(area)] if bbox else geography.cities(region)
    pts = [(r.name, r.seat_lon, r.seat_lat) for r in c.itertuples()]
    res = calibrate(pts, area)
    if as_json:
        typer.echo(json.dumps(res, ensure_ascii=False))
    else:
        typer.echo(f"detour factor from {len(res['pairs'])} OSM road routes: median {res['detour_factor']} "
                   f"(p10-p90 {res['p10_p90']}); geonet's default is {res['current_default']}")


def _is_spb(reference: Path) -> bool:
    """True for 'spb' or a CSV whose header is the State Post Bureau series' (year, period, mean_hours, ...)."""
    if str(reference) == "spb":
        return True
    try:
        with open(reference, encoding="utf-8", errors="replace") as f:
            return "on_time_72h_pct" in f.readline()
    except OSError:
        return False
