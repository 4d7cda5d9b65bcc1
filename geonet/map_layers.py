"""The layers of geonet's maps, each toggleable and explained in the legend: county choropleth of hours from
the nearest hub, network links by mode, hubs by tier, the city pairs of a goal (green met / red missed), each
city's share of mass-market parcels on time (quantile classes), the parcels between hubs (line width by parcels)
and each hub's load against its capacity, what a scenario comparison changed, and the
city markers and zoom-dependent labels. ``geonet.maps`` assembles them into a page."""

from __future__ import annotations

import html
import json

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from branca.element import Element, MacroElement
from jinja2 import Template

from .catalog import hubs
from .errors import InputError
from .flows import flows
from .geography import cities, counties, provinces
from .goals import evaluate, goal_book
from .names import unknown
from .reliability import reliability
from .service import ServiceModel
from .network.nodes import city_node


ONTIME_COLOURS = ("#d73027", "#fc8d59", "#fee08b", "#91cf60", "#1a9850")  # lowest to highest class
ONTIME_DRAWS = 100  # parcels per pair for the on-time layer
TIER_STYLE = {1: ("#b2182b", 11), 2: ("#ef8a62", 8), 3: ("#2166ac", 6)}  # colour, radius px
OTHER_HUB = ("#666666", 4)
HOUR_COLOURS = ("#1a9850", "#91cf60", "#fee08b", "#fc8d59", "#d73027")  # fewest hours to most
UNREACHABLE = "#4d4d4d"
MAIN_AIR_AIRLINES = 5  # an air route flown by this many airlines or more (2014) is drawn as a main route
MODE_STYLE = {"road": ("#7f7f7f", 1.2), "ferry": ("#1f78b4", 2.0), "air": ("#6a3d9a", 1.5), "rail": ("#e31a1c", 2.0)}
LAYER_STYLE = {**MODE_STYLE, "air_other": (MODE_STYLE["air"][0], 0.8)}  # the air routes below MAIN_AIR_AIRLINES
FLOW_MAX_WEIGHT_PX = 12  # the busiest hub-to-hub link's line width; others by the square root of their parcels
UTILISATION_CLASSES = ((0.8, "#1a9850", "under 80 %"), (1.0, "#fc8d59", "80-100 %"),
                       (float("inf"), "#d73027", "over capacity"))  # a hub's peak-day load / its capacity


def class_limits(values, n: int, decimals: int) -> list[float]:
    """Upper limits of up to ``n`` classes chosen from the data shown: the n-quantiles of the finite values,
    rounded to ``decimals`` (duplicates dropped), so that the colours separate the places shown whatever the
    region (a region whose counties all lie within 3 h of a hub is not one colour)."""
    v = np.asarray(values, float)
    v = v[np.isfinite(v)]
    if v.size == 0:
        return [1.0]
    return sorted(set(np.round(np.quantile(v, np.linspace(0, 1, n + 1)[1:]), decimals).tolist()))


def class_colour(v: float, limits: list[float], colours: tuple) -> str:
    """The colour of the class of ``v`` (``colours`` lowest class first; UNREACHABLE for NaN/inf)."""
    if v is None or not np.isfinite(v):
        return UNREACHABLE
    return colours[min(len(colours) - 1, int(np.searchsorted(limits, v - 1e-9)))]


def class_rows(values, limits: list[float], colours: tuple, fmt) -> list[tuple[str, str]]:
    """Legend rows 'low–high' of each class (the lowest starts at the smallest value shown)."""
    finite = np.asarray(values, float)
    finite = finite[np.isfinite(finite)]
    lows = [float(finite.min()) if finite.size else 0.0] + limits[:-1]
    return [(c, f"{fmt(lo)}–{fmt(hi)}") for c, lo, hi in zip(colours, lows, limits)]


def simplified(gdf: gpd.GeoDataFrame, tol: float) -> gpd.GeoDataFrame:
    g = gdf.copy()
    g["geometry"] = shapely.coverage_simplify(g.geometry.values, tol) if tol > 0 else g.geometry.values
    g["geometry"] = shapely.set_precision(g.geometry.values, 1e-4)
    return g


def geojson(gdf: gpd.GeoDataFrame, props: list[str]) -> dict:
    return json.loads(gdf[props + ["geometry"]].to_json(na="null", drop_id=True))


def legend_html(title: str, rows: list[tuple[str, str]]) -> str:
    items = "".join(f'<div><span style="display:inline-block;width:9px;height:9px;background:{c};'
                    f'margin-right:4px;border:1px solid #333"></span>{html.escape(t)}</div>' for c, t in rows)
    return f"<div style='margin:3px 0'><b>{html.escape(title)}</b>{items}</div>"
LABEL_MIN_ZOOM = {"national": 6, "default": 8}


class _PopupMarkers(MacroElement):
    """Small city markers with an HTML popup each, bound with plain Leaflet (folium's Popup needs jQuery,
    which a self-contained page does not load)."""

    _template = Template("""{% macro script(this, kwargs) %}
        (function(){var g = {{ this._parent.get_name() }};
         {{ this.data_json }}.forEach(function(p){
           L.circleMarker([p[0], p[1]], {radius: 3, color: '#333', weight: 1, fillColor: '#fff', fillOpacity: 0.9,
                                         className: 'geonet-city'}).bindPopup(p[2], {maxWidth: 360}).addTo(g);
         });})();
    {% endmacro %}""")

    def __init__(self, points: list[list]):
        super().__init__()
        self._name = "GeonetPopupMarkers"
        self.data_json = json.dumps(points, ensure_ascii=False).replace("</", "<\\/")


class _ZoomLabels(MacroElement):
    """Shows the city labels only from a zoom level on (a class on the map container; CSS hides them)."""

    _template = Template("""{% macro script(this, kwargs) %}
        (function(){var m = {{ this._parent.get_name() }};
         function f(){ m.getContainer().classList.toggle('geonet-nolabels', m.getZoom() < {{ this.min_zoom }}); }
         m.on('zoomend', f); f();})();
    {% endmacro %}""")

    def __init__(self, min_zoom: int):
        super().__init__()
        self._name = "GeonetZoomLabels"
        self.min_zoom = int(min_zoom)


def city_layers(fmap: folium.Map, region: str, model: ServiceModel, goal_res, national: bool) -> None:
    """City labels (appear from a zoom level on) and city markers whose popup gives the city's hours to each
    hub and the legs of its worst pair in the goal drawn."""
    c = cities(region)
    labels = folium.FeatureGroup(name="City labels (zoom in)")
    for r in c.itertuples():
        folium.Marker([r.seat_lat, r.seat_lon], icon=folium.DivIcon(
            html=f"<div class='geonet-label'>{html.escape(r.name.removesuffix('市'))}</div>",
            icon_size=(80, 14), icon_anchor=(-6, 7)), interactive=False).add_to(labels)
    labels.add_to(fmap)
    fmap.get_root().header.add_child(Element(
        "<style>.geonet-label{font:11px sans-serif;color:#222;text-shadow:0 0 2px #fff,0 0 2px #fff;"
        "white-space:nowrap}.geonet-nolabels .geonet-label{display:none}"
        # the collapsed layer control shows a word, not Leaflet's layers.png (not embedded: nothing is fetched)
        ".leaflet-control-layers-toggle{background-image:none!important;width:auto!important;height:auto!important;"
        "padding:4px 8px;font:12px sans-serif;color:#222;text-decoration:none}"
        ".leaflet-control-layers-toggle::after{content:'Layers \\25BE'}"
        ".leaflet-control-attribution{font-size:10px!important;max-width:75vw}</style>"), name="geonet_label_css")
    fmap.add_child(_ZoomLabels(LABEL_MIN_ZOOM["national" if national else "default"]))

    worst: dict[str, tuple[str, float]] = {}
    if goal_res is not None:
        for (o, d, _), h in zip(goal_res.pairs, goal_res.pair_hours):
            key = np.inf if h != h else h
            if o not in worst or key > worst[o][1]:
                worst[o] = (d, key)
    hub_nodes = model.hub_nodes
    code_of = dict(zip(cities(None)["name"], cities(None)["adcode"]))
    fg = folium.FeatureGroup(name="Cities: hours to the hubs, worst pair (click)")
    points: list[list] = []
    for r in c.itertuples():
        node = city_node(r.adcode)
        if node not in model.G:
            continue
        row = model.paths.row(node)
        times = sorted((row[model.paths.multi.index[h]] / 3600, model.hub_ids[h]) for h in hub_nodes)
        hub_rows = "".join(f"<tr><td>{html.escape(str(hid))}</td><td>{t:.1f} h</td></tr>"
                           for t, hid in times[: 4 if national else 8] if np.isfinite(t))
        text = (f"<b>{html.escape(r.name)}</b><br><i>network hours to the hubs</i>"
                f"<table style='font-size:11px'>{hub_rows}</table>")
        if r.name in worst and goal_res is not None:
            d, h = worst[r.name]
            dn = city_node(code_of[d]) if d in code_of else None
            if dn is not None and dn in model.G:
                j = model.journey(node, dn)
                steps = "".join(f"<li>{html.escape(x.depart_at)} {html.escape(x.describe())}</li>"
                                for x in j.legs if x.hours >= 0.25 or x.waiting)
                head = "unreachable" if not j.reachable else f"{j.door_to_door_hours:.1f} h, {j.delivered_at}"
                text += (f"<i>worst pair of {html.escape(goal_res.id)}: → {html.escape(d)} ({head})</i>"
                         f"<ol style='padding-left:16px;margin:2px 0;font-size:11px'>{steps}</ol>")
        points.append([round(r.seat_lat, 5), round(r.seat_lon, 5), text])
    fg.add_child(_PopupMarkers(points))
    fg.add_to(fmap)


def network_layers(fmap: folium.Map, model: ServiceModel, region: str, legend: list[str]) -> None:
    G = model.G
    area = shapely.buffer(shapely.union_all(provinces(region).geometry.values), 0.05)
    shapely.prepare(area)
    feats: dict[str, list] = {k: [] for k in LAYER_STYLE}
    seen = set()
    for u, v, d in G.edges(data=True):
        mode = d.get("mode")
        ends = (G.nodes[u].get("iata", u), G.nodes[v].get("iata", v))  # a flight lands at the arrivals node
        if mode not in MODE_STYLE or (*ends[::-1], mode) in seen:
            continue
        seen.add((*ends, mode))
        if mode == "air" and 0 < d.get("n_airlines", 0) < MAIN_AIR_AIRLINES:  # express lines (0) are main
            mode = "air_other"
        geom = d.get("geometry") or shapely.LineString([(G.nodes[u]["x"], G.nodes[u]["y"]),
                                                        (G.nodes[v]["x"], G.nodes[v]["y"])])
        if not shapely.intersects(area, geom):
            continue
        feats[mode].append({"type": "Feature", "geometry": shapely.geometry.mapping(shapely.set_precision(geom, 1e-4)),
                            "properties": {"link": f"{G.nodes[u].get('name', u)} – {G.nodes[v].get('name', v)}",
                                           "hours": round(d.get("travel_time", 0) / 3600, 2),
                                           "km": round(d.get("length", 0) / 1000, 1), "name": d.get("name", "")}})
    rows = []
    for mode, fs in feats.items():
        if not fs:
            continue
        col, w = LAYER_STYLE[mode]
        label = {"road": "Network: road (PROXY)" if G.graph.get("proxy") else "Network: road (OSM)",
                 "ferry": "Network: ferries and fixed links",
                 "air": f"Network: air, main routes ({MAIN_AIR_AIRLINES}+ airlines in OpenFlights 2014; express "
                        "cargo lines)",
                 "air_other": f"Network: air, other routes (1-{MAIN_AIR_AIRLINES - 1} airlines)",
                 "rail": "Network: rail (cited lines, schematic)"}[mode]
        fg = folium.FeatureGroup(name=label, show=mode not in ("road", "air_other") or region != "national")
        folium.GeoJson({"type": "FeatureCollection", "features": fs},
                       style_function=lambda f, col=col, w=w: {"color": col, "weight": w, "opacity": 0.7},
                       tooltip=folium.GeoJsonTooltip(["link", "hours", "km", "name"],
                                                     aliases=["link", "hours", "km", "name"])).add_to(fg)
        fg.add_to(fmap)
        rows.append((col, label))
    legend.append(legend_html("Network links", rows))


def hub_layer(fmap: folium.Map, region: str, model: ServiceModel, legend: list[str]) -> None:
    system = {"guangdong": "guangdong-1+4+6", "liaoning": "liaoning", "yrd": "yrd", "national": "national"}[region]
    in_model = set(model.hub_ids.values())
    h = hubs(system, placed=True)
    h = h[h["id"].isin(in_model) | (h["system"] == system)]
    fg = folium.FeatureGroup(name=f"Hubs: {system} ({len(h)})")
    for r in h.itertuples():
        rank = None if pd.isna(r.tier_rank) else int(r.tier_rank)
        col, rad = TIER_STYLE.get(rank, OTHER_HUB) if r.id in in_model or rank else OTHER_HUB
        tip = (f"<b>{html.escape(r.name_zh)}</b> {html.escape(r.name_en)}<br>tier: {html.escape(str(r.tier))}"
               f" · {html.escape(r.kind)}{' · <b>routing hub</b>' if r.id in in_model else ''}<br>"
               f"{html.escape(str(r.roles))[:160]}<br><i>{html.escape(r.quote)}</i> [{r.quote_id}]")
        folium.CircleMarker([r.lat, r.lon], radius=rad, color="#222", weight=1, fill=True, fill_color=col,
                            fill_opacity=0.9, tooltip=tip, class_name="geonet-hub").add_to(fg)
    for node, hid in model.hub_ids.items():  # scenario hubs placed at a city, not in the catalog
        if hid in set(h["id"]):
            continue
        d = model.G.nodes[node]
        rank = model.sort_s and next((k for k, v in model.params.sort_s_by_tier.items() if v == model.sort_s[node]), None)
        col, rad = TIER_STYLE.get(rank, OTHER_HUB)
        folium.CircleMarker([d["y"], d["x"]], radius=rad, color="#00a65a", weight=2, fill=True, fill_color=col,
                            fill_opacity=0.9, tooltip=f"<b>{html.escape(d.get('name', node))}</b> scenario hub ({hid})",
                            class_name="geonet-hub").add_to(fg)
    fg.add_to(fmap)
    tiers = [(TIER_STYLE[k][0], "tier {}: {}".format(k, " / ".join(sorted(set(h.loc[h["tier_rank"] == k, "tier"])))))
             for k in (1, 2, 3) if (h["tier_rank"] == k).any()]  # the plan's own tier names
    legend.append(legend_html("Hubs by tier", [*tiers, (OTHER_HUB[0], "other named node / site")]))


def flows_layer(fmap: folium.Map, region: str, model: ServiceModel, legend: list[str]) -> None:
    """Parcels per day between hubs (both directions on one line, width by parcels) and each hub's load on the
    11 November peak day against its capacity (geonet.flows)."""
    f = flows(region, model=model, on_time=False)
    node = {hid: n for n, hid in model.hub_ids.items()}
    pair = f.links.assign(key=[tuple(sorted(k)) for k in zip(f.links["from"], f.links["to"])])
    both = pair.groupby("key").agg(parcels=("parcels_per_day", "sum"), mode=("mode", "first"),
                                   km=("km", "first"), trucks=("trucks_per_day", "sum"))
    fg = folium.FeatureGroup(name=f"Parcels between hubs ({f.summary['year']}, average day)")
    top = float(both["parcels"].max()) if len(both) else 1.0
    for (a, b), r in both.iterrows():
        ya, xa = model.G.nodes[node[a]]["y"], model.G.nodes[node[a]]["x"]
        yb, xb = model.G.nodes[node[b]]["y"], model.G.nodes[node[b]]["x"]
        folium.PolyLine([[ya, xa], [yb, xb]], weight=max(1.0, FLOW_MAX_WEIGHT_PX * (r.parcels / top) ** 0.5),
                        color=MODE_STYLE.get(r["mode"], ("#555", 1))[0], opacity=0.7,
                        tooltip=f"{html.escape(a)} – {html.escape(b)}: {r.parcels:,.0f} parcels a day both ways "
                                f"({r['mode']}, {r.km:,.0f} km, {r.trucks:,} trucks)").add_to(fg)
    peak = f.summary["peak_ratio"]
    for h in f.hubs.itertuples():
        n = model.G.nodes[node[h.id]]
        u = h.utilisation * peak
        col = next(c for lim, c, _ in UTILISATION_CLASSES if u <= lim)
        folium.CircleMarker([n["y"], n["x"]], radius=12 + 6 * min(u, 1.5), color=col, weight=3, fill=False,
                            class_name="geonet-flow-hub",
                            tooltip=f"<b>{html.escape(h.name)}</b>: {h.parcels_per_day:,.0f} parcels a day, "
                                    f"{h.parcels_per_day * peak:,.0f} on 11 November; capacity "
                                    f"{h.capacity_per_day:,.0f} ({u:.0%} on the peak day)").add_to(fg)
    fg.add_to(fmap)
    legend.append(legend_html("Parcels and hub loads (peak day)",
                              [(c, f"ring: hub {label}") for _, c, label in UTILISATION_CLASSES]
                              + [("#555", f"line width: parcels a day (busiest {top / 1e6:.1f} M)")]))


def goal_layer(fmap: folium.Map, region: str, goal: str | None, model: ServiceModel, legend: list[str]):
    book = goal_book()["goals"]
    choices = [g for g in book if g["region"] == region]
    if goal is None:
        if not choices:
            return
        g = choices[0]
    else:
        g = next((x for x in book if x["id"] == goal), None)
        if g is None:
            raise unknown("goal", goal, [x["id"] for x in book])
        if g["region"] != region:
            raise InputError(f"goal {goal} is tested on the {g['region']} network, not {region}; use --region "
                             f"{g['region']}")
    res = evaluate(g, model, n_worst=10**9)
    if len(res.worst) > 4000:  # keep the map light: the missed pairs and a sample of the met ones
        res.worst = [w for w in res.worst if not w["met"]] + [w for w in res.worst if w["met"]][:1000]
    coords = {}
    for c in cities(None).itertuples():
        coords[c.name] = (c.seat_lat, c.seat_lon)
    for c in counties(region).itertuples():
        coords.setdefault(c.name, (c.seat_lat, c.seat_lon))
    fg = folium.FeatureGroup(name=f"Goal {res.id}: {res.pairs_met}/{res.pairs_total} met", show=False)
    for w in res.worst:
        a, b = coords.get(w["origin"]), coords.get(w["destination"])
        if a is None or b is None:
            continue
        crit = w["critical_leg"]
        hours = "unreachable" if not w["reachable"] else f"{w['door_to_door_hours']} h"
        tip = (f"{html.escape(w['origin'])} → {html.escape(w['destination'])}: {hours} "
               f"({'met' if w['met'] else 'missed'})<br>via {', '.join(w['via']) or '-'}"
               + (f"<br>critical: {html.escape(crit['mode'])} {html.escape(crit['from'])}→{html.escape(crit['to'])} "
                  f"{crit['hours']} h" if crit else ""))
        folium.PolyLine([a, b], color="#1a9850" if w["met"] else "#d73027", weight=1.5, opacity=0.6,
                        tooltip=tip).add_to(fg)
    fg.add_to(fmap)
    legend.append(legend_html(f"Goal {res.id} ({res.threshold_hours:g} h; {res.verdict})",
                          [("#1a9850", "pair meets the goal"), ("#d73027", "pair misses it")]))
    return res


def ontime_classes(shares: np.ndarray, n: int = len(ONTIME_COLOURS)) -> list[float]:
    """Class limits for on-time shares: quantile classes of the cities' shares (class_limits)."""
    return class_limits(shares, n, 4)


def ontime_layer(fmap: folium.Map, region: str, model: ServiceModel, legend: list[str]) -> None:
    """Each city's share of mass-market parcels (standard product) delivered on time to the region's cities
    (nationally to the 50 cities of the State Post Bureau's test, within 72 h; regionally within 48 h),
    coloured by quantile classes of the shares shown."""
    dest, promise = ("spb50", 72.0) if region == "national" else ("cities", 48.0)
    r = reliability(region, "cities", dest, product="standard", promise_hours=promise, draws=ONTIME_DRAWS,
                    model=model)
    by = r.pairs.groupby("origin_node").agg(share=("on_time_share", "mean"), mean=("mean_hours", "mean"))
    limits = ontime_classes(by["share"].to_numpy())
    cols = ONTIME_COLOURS[len(ONTIME_COLOURS) - len(limits):]  # as many colours as classes, greenest on top
    colour = {k: class_colour(v, limits, cols) for k, v in by["share"].items()}
    fg = folium.FeatureGroup(name=f"Cities: parcels on time within {promise:g} h (standard)", show=False)
    for c in cities(region).itertuples():
        node = city_node(c.adcode)
        if node not in by.index:
            continue
        v, h = by.at[node, "share"], by.at[node, "mean"]
        folium.CircleMarker([c.seat_lat, c.seat_lon], radius=6, color="#333", weight=0.6, fill=True,
                            fill_color=colour[node], fill_opacity=0.9,
                            tooltip=f"{html.escape(c.name)}: {v:.1%} of parcels to {dest} within {promise:g} h "
                                    f"(mean {h:.1f} h)").add_to(fg)
    fg.add_to(fmap)
    legend.append(legend_html(f"Parcels on time within {promise:g} h (standard, to {dest}; classes: quantiles)",
                              class_rows(by["share"], limits, cols, "{:.1%}".format)))


def comparison_layer(fmap: folium.Map, comparison: dict, legend: list[str]) -> None:
    fg = folium.FeatureGroup(name="Scenario comparison: what changed")
    h = hubs(placed=True).set_index("id")
    for key, col in (("added", "#00a65a"), ("removed", "#000000")):
        for hid in comparison.get(key, []):
            if hid in h.index:
                r = h.loc[hid]
                folium.CircleMarker([r.lat, r.lon], radius=14, color=col, weight=3, fill=False,
                                    tooltip=f"{key}: {html.escape(r.name_zh)} ({hid})",
                                    class_name=f"geonet-{key}").add_to(fg)
    coords = {c.name: (c.seat_lat, c.seat_lon) for c in cities(None).itertuples()}
    for o, d, state in comparison.get("flipped", []):
        if o in coords and d in coords:
            folium.PolyLine([coords[o], coords[d]], color="#1a9850" if state == "met" else "#d73027", weight=3,
                            dash_array="6,4", tooltip=f"{o} → {d}: now {state}").add_to(fg)
    fg.add_to(fmap)
    legend.append(legend_html("Scenario comparison", [("#00a65a", "hub added"), ("#000000", "hub removed"),
                                                  ("#1a9850", "pair now meets the goal"),
                                                  ("#d73027", "pair now misses it")]))


def coverage_layers(fmap: folium.Map, cov, layers: list[str], tol: float, legend: list[str]) -> None:
    """The county choropleth of hours from the nearest hub ('counties') and the service area of each threshold
    ('service_areas') of a geonet.coverage result."""
    limits = class_limits(cov.counties["hours"], len(HOUR_COLOURS), 1)
    cols = HOUR_COLOURS[:len(limits)]
    if "counties" in layers:
        c = simplified(cov.counties, tol)
        c["colour"] = [class_colour(h, limits, cols) for h in c["hours"]]
        c["hours_text"] = [f"{h:.1f} h" if np.isfinite(h) else "unreachable" for h in c["hours"]]
        fg = folium.FeatureGroup(name="Counties: hours from nearest hub (road)")
        folium.GeoJson(geojson(c, ["name", "prefecture", "hours_text", "nearest_hub", "colour"]),
                       style_function=lambda f: {"fillColor": f["properties"]["colour"], "color": "#555",
                                                 "weight": 0.3, "fillOpacity": 0.65},
                       tooltip=folium.GeoJsonTooltip(["name", "prefecture", "hours_text", "nearest_hub"],
                                                     aliases=["county", "city", "hours from hub", "nearest hub"])
                       ).add_to(fg)
        fg.add_to(fmap)
        rows = class_rows(c["hours"], limits, cols, lambda h: f"{h:.1f} h")
        legend.append(legend_html("Hours from the nearest hub (truck, road; classes: quintiles of the counties "
                                  "shown)", rows + [(UNREACHABLE, "unreachable")]))
    if "service_areas" in layers:
        for r in cov.areas.itertuples():
            fg = folium.FeatureGroup(name=f"Service area ≤ {r.hours:g} h", show=r.hours == max(cov.areas["hours"]))
            geom = shapely.simplify(r.geometry, tol)
            folium.GeoJson(shapely.geometry.mapping(geom), style_function=lambda f, col=class_colour(r.hours, limits,
                                                                                                       cols): {
                "color": col, "weight": 2, "fillOpacity": 0.08, "fillColor": col},
                tooltip=f"within {r.hours:g} h of a hub: {r.counties} counties").add_to(fg)
            fg.add_to(fmap)
