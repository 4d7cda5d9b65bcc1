"""The one-file report and the maps in real headless Chromium (issue 15): no JS errors, charts and the map
present (screenshots not blank), compact controls, labels on zoom, city popups, PDF, comparison."""

from __future__ import annotations

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

import geonet
from conftest import REPO
from geonet.browser import CHROMIUM_ARGS, chromium_path

pytest.importorskip("playwright")
if chromium_path() is None:
    pytest.fail("Chromium is not installed: run `make chromium` (Debian package chromium)", pytrace=False)


def _not_blank(png, min_colours: int = 20) -> None:
    from PIL import Image

    img = Image.open(png).convert("RGB").resize((200, 140))
    colours = img.getcolors(maxcolors=200 * 140)
    assert colours is not None and len(colours) > min_colours


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield b
        b.close()


def _open(browser, path, errors):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(path.resolve().as_uri(), wait_until="load")
    return page


@pytest.fixture(scope="module")
def liaoning_report(tmp_path_factory):
    out = tmp_path_factory.mktemp("rep") / "report_liaoning.html"
    pdf = out.with_suffix(".pdf")
    from conftest import run_cli

    r = run_cli("report", "--region", "liaoning", "--out", str(out), "--pdf", str(pdf))
    assert r.returncode == 0, r.stderr[-2000:]
    return out, pdf


def test_report_opens_offline_with_charts_and_map(browser, liaoning_report, tmp_path):
    out, pdf = liaoning_report
    text = out.read_text(encoding="utf-8")
    assert "<script src=" not in text.replace("srcdoc", "") and "cdn." not in text  # nothing fetched
    assert "PROXY" in text and "OpenFlights" in text and "LN-next-day-prefectures" in text
    errors: list[str] = []
    page = _open(browser, out, errors)
    page.wait_for_timeout(1500)
    n_goals = len(geonet.goals("liaoning"))
    assert page.locator("table").first.is_visible()
    assert page.locator(".goal").count() == n_goals
    assert page.locator(".chart svg").count() >= 2 * n_goals + 2  # ECDF + tornado per goal, loads, coverage
    frame = page.frame_locator("iframe")
    assert frame.locator(".leaflet-container").count() == 1
    page.screenshot(path=str(tmp_path / "top.png"))
    _not_blank(tmp_path / "top.png")
    page.locator(".chart").first.screenshot(path=str(tmp_path / "chart.png"))
    _not_blank(tmp_path / "chart.png", 5)
    page.locator("iframe").scroll_into_view_if_needed()
    page.wait_for_timeout(800)
    page.locator("iframe").screenshot(path=str(tmp_path / "map.png"))
    _not_blank(tmp_path / "map.png")
    assert errors == []
    assert pdf.read_bytes()[:5] == b"%PDF-" and pdf.stat().st_size > 20_000


def test_the_pdf_prints_whole_page_by_page(browser, liaoning_report):
    """No page ends on a heading (it goes with what follows), the map's legend prints, and the map is fitted to
    the region at the printed width, so that the PDF does not crop its east (丹东)."""
    import html as html_mod
    import re

    from pypdf import PdfReader

    from geonet.report import PRINT_WIDTH_PX

    out, pdf = liaoning_report
    text = out.read_text(encoding="utf-8")
    heads = {html_mod.unescape(re.sub(r"<[^>]+>", "", h)).strip()
             for h in re.findall(r"<h[23][^>]*>(.*?)</h[23]>", text, re.S)}
    pages = [p.extract_text() or "" for p in PdfReader(pdf).pages]
    assert len(pages) >= 3
    for number, page_text in enumerate(pages[:-1], 1):
        lines = [x.strip() for x in page_text.splitlines() if x.strip()]
        assert lines and lines[-1] not in heads, f"page {number} ends on the heading {lines[-1]!r}"
    page = browser.new_page(viewport={"width": PRINT_WIDTH_PX, "height": 1000})
    page.emulate_media(media="print")
    page.goto(out.resolve().as_uri(), wait_until="load")
    page.wait_for_timeout(800)
    frame = next(f for f in page.frames if f != page.main_frame)
    west, south, east, north = frame.evaluate("""() => { const m = Object.values(window).find(
        v => v instanceof L.Map); const b = m.getBounds(); return [b.getWest(), b.getSouth(), b.getEast(),
        b.getNorth()]; }""")
    minx, miny, maxx, maxy = geonet.provinces("liaoning").total_bounds
    assert west <= minx + 0.05 and east >= maxx - 0.05 and south <= miny + 0.05 and north >= maxy - 0.05
    page.close()


def test_report_comparison_side_by_side(tmp_path, cli):
    out = tmp_path / "cmp.html"
    r = cli("report", "--region", "liaoning", "--scenario", str(REPO / "scenarios" / "liaoning.yaml"),
            "--compare", str(REPO / "scenarios" / "liaoning_panjin_west.yaml"), "--out", str(out))
    assert r.returncode == 0, r.stderr[-2000:]
    text = out.read_text(encoding="utf-8")
    assert "A vs B" in text and "B − A" in text and "Hubs added" in text


def test_report_bad_input(cli, tmp_path):
    r = cli("report", "--region", "liaoning", "--out", str(tmp_path / "r.txt"))
    assert r.returncode == 2 and ".html" in r.stderr
    r = cli("report", "--region", "guangdong", "--scenario", str(REPO / "scenarios" / "liaoning.yaml"),
            "--out", str(tmp_path / "r.html"))
    assert r.returncode == 2 and "liaoning" in r.stderr and not (tmp_path / "r.html").exists()


def test_map_controls_compact_labels_on_zoom_and_city_popups(browser, tmp_path):
    out = tmp_path / "gd.html"
    geonet.save_map(geonet.map("guangdong"), out)
    errors: list[str] = []
    page = _open(browser, out, errors)
    page.wait_for_function("() => window.L && document.querySelector('.leaflet-container')")
    area = page.evaluate("""() => ['#geonet-legend', '.leaflet-control-layers'].map(s => {
        const r = document.querySelector(s).getBoundingClientRect(); return r.width * r.height; })""")
    assert sum(area) <= 0.10 * 1400 * 1000, area
    assert page.evaluate("() => document.querySelector('.leaflet-control-layers-expanded') === null")  # collapsed
    assert page.evaluate("() => document.querySelector('.leaflet-container').classList.contains('geonet-nolabels')")
    page.evaluate("""() => { const m = Object.values(window).find(v => v instanceof L.Map); m.setZoom(9); }""")
    page.wait_for_timeout(500)
    assert not page.evaluate("() => document.querySelector('.leaflet-container').classList.contains('geonet-nolabels')")
    page.evaluate("""() => { const m = Object.values(window).find(v => v instanceof L.Map); m.setZoom(7); }""")
    page.wait_for_timeout(300)
    for attempt in range(3):  # under load the zoom animation can swallow the first click
        page.locator("path.geonet-city").first.click(force=True)
        try:
            page.wait_for_selector(".leaflet-popup-content", timeout=5000)
            break
        except PlaywrightTimeout:
            if attempt == 2:
                raise
            page.wait_for_timeout(1000)
    popup = page.locator(".leaflet-popup-content").inner_text()
    assert "network hours to the hubs" in popup and "worst pair of" in popup
    assert errors == []


def test_online_base_map_is_optional_and_attributed():
    html = geonet.map("liaoning", layers=["hubs"], tiles="osm").get_root().render()
    assert "tile.openstreetmap.org" in html and "OpenStreetMap\\u003c/a\\u003e contributors" in html
    assert "tile.openstreetmap.org" not in geonet.map("liaoning", layers=["hubs"]).get_root().render()
    with pytest.raises(geonet.InputError, match="osm"):
        geonet.map("liaoning", tiles="google")
