"""`geonet network build / info`: the multimodal network."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer

from .. import network
from ..errors import InputError
from ..io import check_writable
from ..network.railways import rail_year as _check_year
from .app import _bbox, _modes, app


net_app = typer.Typer(no_args_is_help=True, rich_markup_mode=None, help="Build, save and inspect the multimodal network.")
app.add_typer(net_app, name="network")


def _graph_from_options(region, bbox, source, modes, rail_services, rail_source=None, rail_year=None):
    sources = {"road": source}
    if rail_source:
        sources["rail"] = rail_source
    return network.build(region, polygon=_bbox(bbox) if bbox else None, sources=sources, modes=_modes(modes),
                         rail_services=rail_services, rail_year=rail_year)


@net_app.command("build")
def network_build(
    out: Path = typer.Option(..., help="Output .graphml or .gpkg"),
    region: Optional[str] = typer.Option(None, help="guangdong | liaoning | yrd | national"),
    bbox: Optional[str] = typer.Option(None, help="west,south,east,north (degrees) instead of a region"),
    source: str = typer.Option("proxy", help="Road source: proxy (offline default) | osm | FILE"),
    modes: str = typer.Option("road,rail,air", help="Comma list of road, rail, air"),
    rail_services: Optional[Path] = typer.Option(None, help="Rail service CSV (see README)"),
    rail_source: Optional[str] = typer.Option(None, help="Rail network: layer (the shipped rail layer, default) "
                                              "| osm | FILE"),
    rail_year: Optional[str] = typer.Option(None, help="Rail layer year (default the latest), or 'plan' for the "
                                            "plan-complete network (lines under construction and planned too)"),
) -> None:
    """Build a region's network (proxy or OSM), save it."""
    check_writable(out)
    if rail_year is not None:
        rail_year = _check_year(rail_year)
    G = _graph_from_options(region, bbox, source, modes, rail_services, rail_source, rail_year)
    network.save(G, out)
    typer.echo(f"wrote {out}: {G.number_of_nodes()} nodes, {G.number_of_edges()} edges, network={G.graph['network']}",
               err=True)


@net_app.command("info")
def network_info(
    path: Optional[Path] = typer.Argument(None, help="A saved network (.graphml/.gpkg)"),
    region: Optional[str] = typer.Option(None, help="Or the default network of a region"),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
) -> None:
    """Size, km and hours by mode, components, sources."""
    if path is None and region is None:
        raise InputError("give a network file or --region (guangdong, liaoning, yrd, national)")
    G = network.load(path) if path is not None else network.build(region)
    info = network.info(G)
    if as_json:
        typer.echo(json.dumps(info, ensure_ascii=False, indent=1))
        return
    typer.echo(f"network {info['network']} ({'PROXY: not real road geometry' if info['proxy'] else 'real'}) "
               f"region {info['region']}: {info['nodes']} nodes, {info['edges']} edges")
    for mode, m in info["by_mode"].items():
        typer.echo(f"  {mode:9s} {m['edges']:7d} edges {m['km']:11.1f} km {m['hours']:10.1f} h")
    typer.echo(f"  road components: {info['road_components']} (largest {info['largest_road_component']} nodes; "
               f"others {info['small_road_components']})")
    for s in info["sources"]:
        typer.echo(f"  source: {s}")
