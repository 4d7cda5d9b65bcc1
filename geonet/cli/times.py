"""Commands on times: route, matrix, reliability."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer

from .. import network, routing
from ..display import network_label
from ..errors import InputError
from ..io import check_writable
from ..io import atomic_path as _atomic
from ..matrix import MATRIX_MODES, mode_matrix, od_matrix, place_nodes
from ..names import in_language
from ..reliability import PAIR_COLUMNS, reliability
from .app import _note_alternatives, app, check_csv_out, Lang


@app.command("route")
def route_cmd(
    origin: str = typer.Argument(..., help="Place name, hub id, or lon,lat"),
    destination: str = typer.Argument(..., help="Place name, hub id, or lon,lat"),
    region: Optional[str] = typer.Option(None, help="guangdong | liaoning | yrd | national"),
    mode: str = typer.Option("multimodal", help="road | rail | air | multimodal"),
    via_hubs: bool = typer.Option(False, "--via-hubs", help="Door-to-door through the plan's hubs (service model)"),
    depart: Optional[str] = typer.Option(None, help="Posting time HH:MM for door-to-door (default the cut-off)"),
    network_file: Optional[Path] = typer.Option(None, "--network", help="Use a saved network instead"),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
    lang: Lang = typer.Option(Lang.zh, "--lang", help="Names in legs: zh (Chinese), en (English), zh-py (both)."),
    product: Optional[str] = typer.Option(None, help="Door to door for an express product: same-day | "
                                                     "next-morning | next-day | standard (mass market, trucked)"),
) -> None:
    """Fastest path, or door to door with --via-hubs (or --product)."""
    _note_alternatives(origin, destination)
    if via_hubs or depart or product:
        if region is None:
            raise InputError("door-to-door (--via-hubs/--depart/--product) needs --region")
        j = routing.journey(origin, destination, region=region, depart=depart, via_hubs=via_hubs or bool(product),
                            mode=mode, product=product)
        if as_json:
            typer.echo(json.dumps(j.to_dict(), ensure_ascii=False))
            return
        if not j.reachable:
            raise routing.UnreachableError(f"{j.origin} -> {j.destination}: unreachable on the {region} network")

        o_name, d_name = in_language(j.origin, j.origin_en, lang.value), in_language(j.destination, j.destination_en,
                                                                                      lang.value)
        pv = j.provenance
        typer.echo(f"{o_name} -> {d_name}: door to door {j.door_to_door_hours:.2f} h, delivered "
                   f"{j.delivered_at} (network {j.network_hours:.2f} h, direct {j.direct_hours:.2f} h, "
                   f"via {', '.join(j.via) or '-'}; product {pv.get('product')}) "
                   f"[{network_label(pv)}]")
        for leg in j.legs:
            typer.echo(f"  {leg.depart_at:>9s} -> {leg.arrive_at:>9s}  {leg.hours:5.2f} h  {leg.describe(lang.value)}"
                       f"{'  ' + str(round(leg.km)) + ' km' if leg.km else ''}")
        return
    G = network.load(network_file) if network_file else None
    r = routing.route(origin, destination, region=region, graph=G, mode=mode)
    if as_json:
        typer.echo(json.dumps(r.to_dict(), ensure_ascii=False))
        return
    label = " [PROXY network: county-adjacency roads, not real geometry]" if r.network == "proxy" else ""
    o_name = r.legs[0].names(lang.value)[0] if r.legs else r.origin
    d_name = r.legs[-1].names(lang.value)[1] if r.legs else r.destination
    typer.echo(f"{o_name} -> {d_name} ({r.mode}): {r.hours:.2f} h, {r.km:.1f} km{label}")
    for leg in r.legs:
        a, b = leg.names(lang.value)
        typer.echo(f"  {leg.mode:9s} {a} -> {b}: {leg.km:.1f} km, {leg.hours:.2f} h")


@app.command("matrix")
def matrix_cmd(
    region: str = typer.Option(..., help="guangdong | liaoning | yrd | national"),
    origins: str = typer.Option("cities", "--from", help="cities | hubs | counties"),
    destinations: str = typer.Option("cities", "--to", help="cities | hubs | counties"),
    out: Path = typer.Option(..., help="Output .csv or .parquet"),
    direct: bool = typer.Option(False, "--direct", help="Door-to-door without routing through hubs"),
    engine: str = typer.Option("local", help="local | dask (split the origins over a Dask cluster)"),
    scheduler: Optional[str] = typer.Option(None, help="Dask scheduler address (default: a LocalCluster)"),
    workers: int = typer.Option(2, min=1, max=64, help="LocalCluster workers for --engine dask (1 to 64)"),
    mode: str = typer.Option("multimodal", help="multimodal (door to door, as before) | road | rail | air: network "
                                               "hours on that mode only, with ride_hours aboard it"),
    detail: Optional[bool] = typer.Option(None, "--detail/--fast",
                                          help="Per-pair legs, direct times (default up to 200,000 pairs) or the "
                                               "fast whole-matrix door-to-door times"),
    product: Optional[str] = typer.Option(None, help="Express product to time: same-day | next-morning | "
                                                     "next-day (default) | standard"),
) -> None:
    """OD matrix: network and door-to-door hours."""

    if out.suffix.lower() not in (".csv", ".parquet"):
        raise InputError(f"--out {out.name}: use a .csv or .parquet file name")
    check_writable(out)
    if mode != "multimodal":
        if mode not in MATRIX_MODES:
            raise InputError(f"--mode {mode!r}: use one of {', '.join(MATRIX_MODES)}")
        ignored = [flag for flag, given in (("--engine dask", engine != "local"), ("--scheduler", scheduler),
                                            ("--direct", direct), ("--product", product),
                                            ("--detail/--fast", detail is not None)) if given]
        if ignored:
            raise InputError(f"--mode {mode} gives network hours on one mode; {', '.join(ignored)}: only for "
                             "door-to-door matrices (--mode multimodal), leave out")
        df = mode_matrix(origins, destinations, region=region, mode=mode, progress=True)
        pv = df.attrs["provenance"]
        df.insert(0, "network", pv["network"])
        with _atomic(out) as tmp:
            df.to_csv(tmp, index=False) if out.suffix.lower() == ".csv" else df.to_parquet(tmp, index=False)
        typer.echo(f"wrote {out}: {len(df)} pairs on {mode} only ({int(df['reachable'].sum())} with a {mode} path); "
                   f"median {df['network_hours'].median():.1f} h, {df['ride_hours'].median():.1f} h aboard "
                   f"[{network_label(pv)}]", err=True)
        return
    if detail is None:
        detail = direct or len(place_nodes(origins, region)) * len(place_nodes(destinations, region)) <= 200_000
    df = od_matrix(origins, destinations, region=region, via_hubs=not direct, progress=True, engine=engine,
                   scheduler=scheduler, n_workers=workers, detail=detail, product=product)
    if product:
        df.insert(1, "product", product)
    pv = df.attrs["provenance"]
    df.insert(0, "network", pv["network"])
    with _atomic(out) as tmp:
        df.to_csv(tmp, index=False) if out.suffix.lower() == ".csv" else df.to_parquet(tmp, index=False)
    bad = int((~df["reachable"]).sum())
    typer.echo(f"wrote {out}: {len(df)} pairs ({bad} unreachable); door-to-door median "
               f"{df['door_to_door_hours'].median():.1f} h, max {df['door_to_door_hours'].max():.1f} h "
               f"[{network_label(pv)}]",
               err=True)


@app.command("reliability")
def reliability_cmd(
    region: str = typer.Option("national", help="guangdong | liaoning | yrd | national"),
    origins: str = typer.Option("spb50", "--from", help="Place set: spb50 | cities | capitals | counties | hubs | "
                                                       "gba | yrd_key | ln_nodes (optionally @region)"),
    destinations: str = typer.Option("spb50", "--to", help="Place set, as --from"),
    product: str = typer.Option("standard", help="same-day | next-morning | next-day | standard"),
    promise: float = typer.Option(72.0, help="On-time promise in hours from collection"),
    draws: int = typer.Option(1000, help="Simulated parcels per pair (1 to 100,000)"),
    seed: int = typer.Option(2024, help="Random seed (the same seed gives the same answer)"),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
    out: Optional[Path] = typer.Option(None, help="Write the per-pair table to this .csv"),
) -> None:
    """On-time share, mean/p50/p95 hours and the State Post Bureau's stages for parcels between place sets."""

    check_csv_out(out)
    r = reliability(region, origins, destinations, product=product, promise_hours=promise, draws=draws, seed=seed,
                    progress=True)
    if out is not None:
        with _atomic(out) as tmp:
            r.pairs[PAIR_COLUMNS].to_csv(tmp, index=False)
    if as_json:
        typer.echo(json.dumps(r.to_dict(), ensure_ascii=False, default=str))
        return
    typer.echo(f"reliability {origins} -> {destinations} on the {region} network:")
    for line in r.lines():
        typer.echo("  " + line)
