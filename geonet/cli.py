"""The `geonet` command line: a thin layer over the library.

Errors print one line to stderr and exit with code 2 (``--debug`` shows the traceback instead).
"""

from __future__ import annotations

import json
import sys
import traceback
import warnings
from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from . import catalog, gazetteer, geography, network, routing
from .display import network_label, printable
from .errors import GeonetError, InputError
from .io import atomic_path as _atomic
from .io import check_writable, refuse_overwriting_inputs, write_text

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False, rich_markup_mode=None,
                  help="geonet: hub networks, door-to-door times and time-goal tests for China's postal plans.")

class Lang(str, Enum):
    zh = "zh"
    en = "en"
    zh_py = "zh-py"


class Fmt(str, Enum):
    table = "table"
    csv = "csv"
    json = "json"
    geojson = "geojson"


@app.callback()
def _main(debug: bool = typer.Option(False, "--debug", help="Show full tracebacks on errors."),
          offline: bool = typer.Option(False, "--offline", help="OSM downloads answer only from the cache.")) -> None:
    """geonet: hub networks, door-to-door times and time-goal tests for China's postal plans."""
    if offline:
        from . import settings

        settings.OSM_OFFLINE = True


HUB_COLUMNS = ["id", "name_zh", "name_en", "system", "tier", "tier_rank", "kind", "lon", "lat", "city", "province",
               "geocode_method", "precision", "source", "quote_id", "quote"]
HUB_TABLE = ["id", "name_zh", "name_en", "tier", "kind", "lon", "lat", "city", "precision"]


def _emit(df, fmt: Fmt, out: Optional[Path], table_cols: list[str], json_cols: list[str]) -> None:
    """Render a (Geo)DataFrame as table/csv/json/geojson to stdout or, atomically, to ``out``."""
    if fmt is Fmt.table:
        text = df[table_cols].to_string(index=False, na_rep="-") + "\n"
    elif fmt is Fmt.csv:
        text = df[json_cols].to_csv(index=False, lineterminator="\n")
    elif fmt is Fmt.json:
        rows = json.loads(df[json_cols].to_json(orient="records", force_ascii=False))
        text = json.dumps(rows, ensure_ascii=False, indent=1) + "\n"
    else:
        text = df[json_cols + ["geometry"]].to_json(ensure_ascii=False, drop_id=True, na="null") + "\n"
    if out is None:
        sys.stdout.write(text)
    else:
        write_text(out, text)
        typer.echo(f"wrote {out} ({len(df)} rows)", err=True)


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


def _note_alternatives(*queries: str) -> None:
    """A one-line note on stderr when a route endpoint's name also fits other places."""
    for q in queries:
        try:
            p = gazetteer.locate(q)
        except GeonetError:
            continue  # not a place name (a node id, lon,lat): the route call reports real problems
        if p.alternatives:
            typer.echo(f"note: {q} is taken as {p.name_zh} ({p.province}); it also names "
                       f"{'; '.join(p.alternatives[:4])}", err=True)


net_app = typer.Typer(no_args_is_help=True, rich_markup_mode=None, help="Build, save and inspect the multimodal network.")
app.add_typer(net_app, name="network")


def _modes(text: str) -> list[str]:
    return [m for m in text.split(",") if m.strip()]


def _bbox(text: str):
    import shapely

    try:
        w, s_, e, n = (float(v) for v in text.split(","))
    except ValueError:
        raise InputError(f"--bbox {text!r}: give west,south,east,north in degrees, e.g. 113.2,22.9,113.5,23.3") from None
    if not (-180 <= w < e <= 180 and -90 <= s_ < n <= 90):
        raise InputError(f"--bbox {text!r}: need west < east and south < north, in degrees")
    return shapely.box(w, s_, e, n)


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
        from .network.railways import rail_year as _check_year

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
        from .names import in_language

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
    from .matrix import od_matrix

    if out.suffix.lower() not in (".csv", ".parquet"):
        raise InputError(f"--out {out.name}: use a .csv or .parquet file name")
    check_writable(out)
    if mode != "multimodal":
        from .matrix import MATRIX_MODES, mode_matrix

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
        from .matrix import place_nodes

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


@app.command("coverage")
def coverage_cmd(
    region: str = typer.Option(..., help="guangdong | liaoning | yrd | national"),
    hours: str = typer.Option("3,6,12,24", help="Comma list of thresholds (h)"),
    basis: str = typer.Option("road", help="road (truck time from the nearest hub) | network (all modes)"),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
) -> None:
    """Counties, area, population within H hours of a hub."""
    from .coverage import coverage

    try:
        hs = [float(h) for h in hours.split(",") if h.strip()]
    except ValueError:
        raise InputError(f"--hours {hours!r}: give numbers separated by commas, e.g. 6,12,24") from None
    cov = coverage(region, hs, basis=basis)
    if as_json:
        typer.echo(json.dumps(cov.to_dict(), ensure_ascii=False))
        return
    typer.echo(f"coverage of {region} counties by its plan hubs ({basis} hours, PROXY roads)")
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
    from .goals import goals as run_goals
    from .goals import out_of_scope
    from .sensitivity import describe
    from .settings import describe as describe_params

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
    from .reliability import PAIR_COLUMNS, reliability

    if out is not None:
        if out.suffix.lower() != ".csv":
            raise InputError(f"--out {out.name}: use a .csv file name")
        check_writable(out)
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


@app.command("map")
def map_cmd(
    region: str = typer.Option(..., help="guangdong | liaoning | yrd | national"),
    out: Path = typer.Option(..., help="Output .html (self-contained)"),
    goal: Optional[str] = typer.Option(None, help="Goal id to draw (default: the region's first)"),
    layers: str = typer.Option(",".join(("counties", "service_areas", "network", "hubs", "goal")),
                               help="Comma list of counties, service_areas, network, hubs, goal"),
    scenario: Optional[Path] = typer.Option(None, help="Scenario YAML whose hubs and parameters to map"),
    screenshot: Optional[Path] = typer.Option(None, help="Also write a PNG screenshot (headless Chromium)"),
    tiles: str = typer.Option("none", help="Base map: none (offline, default) | osm | carto (fetched when online)"),
) -> None:
    """Write an interactive map (self-contained HTML)."""
    from .maps import geonet_map, save_map

    check_writable(out)
    refuse_overwriting_inputs(out, [scenario])
    if screenshot is not None:
        if screenshot.suffix.lower() != ".png":
            raise InputError(f"--screenshot {screenshot.name}: give a .png file name")
        check_writable(screenshot)
        refuse_overwriting_inputs(screenshot, [scenario, out], "--screenshot")
    model = None
    if scenario is not None:
        from .scenario import Scenario

        sc = Scenario.from_yaml(scenario)
        if sc.region != region:
            raise InputError(f"scenario {scenario} is for region {sc.region}, not {region}")
        model = sc.model()
    fmap = geonet_map(region, layers=_modes(layers), goal=goal, model=model, tiles=tiles)
    save_map(fmap, out)
    typer.echo(f"wrote {out} ({out.stat().st_size / 1e6:.1f} MB)", err=True)
    if screenshot is not None:
        from .browser import inspect_map

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
    from .report import report

    path = report(region, out, scenario=scenario, compare_with=compare_with, pdf=pdf, progress=True)
    typer.echo(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB){f' and {pdf}' if pdf else ''}", err=True)


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
    from .scenario import Scenario
    from .sensitivity import describe

    res = Scenario.from_yaml(path).run(progress=True, sensitivity=sensitivity)
    if as_json:
        typer.echo(json.dumps(res.to_dict(), ensure_ascii=False))
        return
    typer.echo(f"scenario {res.scenario.name} ({res.scenario.region}; PROXY roads): hubs "
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
    from .maps import geonet_map, save_map
    from .scenario import Scenario, compare
    from .sensitivity import describe

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
    typer.echo(f"A = {sa.name}\nB = {sb.name}   ({sb.region}; PROXY roads)")
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
    from .optimize import HubInstance, PHubMedian

    from . import checks

    checks.number(alpha, "--alpha (inter-hub discount)", "cost factor", 0, 1)
    if instance is not None:
        if objective != "median":
            raise InputError("benchmark instances are solved for --objective median (p-hub median)")
        from .io import read_text

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
    from .placement import optimize_region

    res = optimize_region(region, p, objective, hours=hours, candidates=candidates, progress=True)
    if as_json:
        typer.echo(json.dumps(res, ensure_ascii=False))
        return
    typer.echo(f"{region}: {objective}, p = {p}: hubs {', '.join(res['hubs'])}")
    typer.echo(f"  value {res['value']:.4g} ({res['unit']}); plan's layout ({', '.join(res['plan_hubs'])}): "
               f"{res['plan_value']:.4g}")
    typer.echo(f"  {res['method']}; {'proved optimal' if res['optimal'] else 'not proved optimal'}; {res['seconds']} s")
    typer.echo(f"  {res['demand']}; network: PROXY roads + rail layer + air")
    typer.echo("  KPIs, plan (A) vs optimised (B):")
    import pandas as pd

    for line in _kpi_lines(pd.DataFrame(res["kpis_vs_plan"])):
        typer.echo(line)


@app.command("doctor")
def doctor_cmd(as_json: bool = typer.Option(False, "--json", help="Print the result as JSON.")) -> None:
    """Report versions, layers, cache and Chromium."""
    from .doctor import report

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
        from .errors import DataError

        raise DataError(f"{len(bad)} problem(s): {'; '.join(bad)}")


def _print_validation(s: dict) -> None:
    from .validation import summary_lines

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
    from .validation import validate

    v = validate(reference, region=region, progress=True)
    v.summary.pop("_fit", None)
    if as_json:
        typer.echo(json.dumps(v.to_dict(), ensure_ascii=False))
        return
    label = " [PROXY roads]" if v.summary["network"] == "proxy" else ""
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
    from .network.calibrate import calibrate

    if reference is not None and _is_spb(reference):
        from .calibration import calibrate_spb
        from .checks import number

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
        from .validation import calibrate_reference

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


MAX_ERROR_CHARS = 600


def _clip(text: str) -> str:
    """One line of at most MAX_ERROR_CHARS characters (long echoes of input are cut)."""
    text = printable(" ".join(text.split()).encode("utf-8", "backslashreplace").decode("utf-8"))
    return text if len(text) <= MAX_ERROR_CHARS else text[:MAX_ERROR_CHARS - 20] + f" ... [{len(text)} chars]"


def _one_line_warning(message, category, filename, lineno, file=None, line=None) -> None:
    typer.echo(f"warning: {_clip(str(message))}", err=True)


def main() -> None:
    """Console entry point: run the app, turning GeonetError into one line on stderr and exit code 2."""
    debug = "--debug" in sys.argv[1:]
    warnings.showwarning = _one_line_warning
    try:
        for i, arg in enumerate(sys.argv[1:], start=1):
            try:
                arg.encode("utf-8")
            except UnicodeEncodeError:
                raise InputError(f"argument {i} ({_clip(arg)!s}) is not valid UTF-8 text; names and paths must be "
                                 "UTF-8") from None
        rc = app(standalone_mode=False)  # usage errors come here as exceptions: one line, like every error
        if isinstance(rc, int) and rc:
            sys.exit(rc)
    except typer.TyperException as exc:  # click's usage errors: unknown option, bad value, missing file
        if debug:
            traceback.print_exc()
        ctx = getattr(exc, "ctx", None)
        if type(exc).__name__ == "NoArgsIsHelpError" and ctx is not None:  # `geonet` alone: its help
            typer.echo(ctx.get_help())
            sys.exit(0)
        msg = exc.format_message() if hasattr(exc, "format_message") else str(exc)
        hint = f" (see {ctx.command_path} --help)" if ctx is not None else ""
        typer.echo(f"error: {_clip(msg + hint)}", err=True)
        sys.exit(2)
    except typer.Abort:
        typer.echo("aborted", err=True)
        sys.exit(1)
    except GeonetError as exc:
        if debug:
            traceback.print_exc()
        typer.echo(f"error: {_clip(str(exc))}", err=True)
        sys.exit(2)
    except OSError as exc:  # a file the user named could not be read or written
        if debug:
            traceback.print_exc()
        from .io import describe_os_error

        typer.echo(f"error: {_clip(describe_os_error(exc))}", err=True)
        sys.exit(2)
    except KeyboardInterrupt:
        typer.echo("interrupted", err=True)
        sys.exit(130)
    except Exception as exc:  # a bug: still one line unless --debug
        if debug:
            traceback.print_exc()
        typer.echo(f"error: internal {type(exc).__name__}: {_clip(str(exc))} (run with --debug for the traceback)",
                   err=True)
        sys.exit(1)


if __name__ == "__main__":
    main()

