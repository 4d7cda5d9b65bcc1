"""Commands writing maps and reports."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from ..browser import inspect_map
from ..errors import InputError
from ..io import check_writable, refuse_overwriting_inputs
from ..maps import geonet_map, save_map
from ..report import report
from ..scenario import Scenario
from .app import _modes, app


@app.command("map")
def map_cmd(
    region: str = typer.Option(..., help="guangdong | liaoning | yrd | national"),
    out: Path = typer.Option(..., help="Output .html (self-contained)"),
    goal: Optional[str] = typer.Option(None, help="Goal id to draw (default: the region's first)"),
    layers: str = typer.Option(",".join(("counties", "service_areas", "network", "hubs", "goal", "flows")),
                               help="Comma list of counties, service_areas, network, hubs, goal, ontime, flows"),
    scenario: Optional[Path] = typer.Option(None, help="Scenario YAML whose hubs and parameters to map"),
    screenshot: Optional[Path] = typer.Option(None, help="Also write a PNG screenshot (headless Chromium)"),
    tiles: str = typer.Option("none", help="Base map: none (offline, default) | osm | carto (fetched when online)"),
) -> None:
    """Write an interactive map (self-contained HTML)."""

    check_writable(out)
    refuse_overwriting_inputs(out, [scenario])
    if screenshot is not None:
        if screenshot.suffix.lower() != ".png":
            raise InputError(f"--screenshot {screenshot.name}: give a .png file name")
        check_writable(screenshot)
        refuse_overwriting_inputs(screenshot, [scenario, out], "--screenshot")
    model = None
    if scenario is not None:
        sc = Scenario.from_yaml(scenario)
        if sc.region != region:
            raise InputError(f"scenario {scenario} is for region {sc.region}, not {region}")
        model = sc.model()
    fmap = geonet_map(region, layers=_modes(layers), goal=goal, model=model, tiles=tiles)
    save_map(fmap, out)
    typer.echo(f"wrote {out} ({out.stat().st_size / 1e6:.1f} MB)", err=True)
    if screenshot is not None:
        info = inspect_map(out, screenshot)
        typer.echo(f"wrote {screenshot}; page loaded in {info['load_seconds']} s, {len(info['js_errors'])} JS errors",
                   err=True)


@app.command("report")
def report_cmd(
    region: str = typer.Option(..., help="guangdong | liaoning | yrd | national"),
    out: Path = typer.Option(..., help="Output .html (one self-contained file)"),
    scenario: Optional[Path] = typer.Option(None, help="Scenario YAML (default: the region's plan baseline)"),
    compare_with: Optional[Path] = typer.Option(None, "--compare", help="A second scenario, shown side by side"),
    pdf: Optional[Path] = typer.Option(None, "--pdf", help="Also print the report to this PDF (headless Chromium)"),
) -> None:
    """Write a one-file HTML report: verdicts, why, where they flip, charts, map, sources."""

    path = report(region, out, scenario=scenario, compare_with=compare_with, pdf=pdf, progress=True)
    typer.echo(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB){f' and {pdf}' if pdf else ''}", err=True)
