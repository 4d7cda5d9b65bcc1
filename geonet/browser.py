"""Open a written map in real headless Chromium (Debian's `chromium`, via Playwright) and read the page:
JavaScript errors, the overlays in the layer control, the number of hub markers; optionally a screenshot."""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import functools
import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from .errors import DataError
from .io import atomic_path

CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def chromium_path() -> str | None:
    """Path of the system Chromium, or None."""
    for name in ("chromium", "chromium-browser", "google-chrome"):
        p = shutil.which(name)
        if p:
            return p
    return None


def off_loop(fn: Callable) -> Callable:
    """Run ``fn`` in a worker thread when this thread runs an asyncio event loop (a notebook, an async test):
    Playwright's sync API refuses to start inside one."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return fn(*args, **kwargs)
        with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
            return pool.submit(fn, *args, **kwargs).result()
    return wrapper


@contextlib.contextmanager
def chromium(purpose: str, timeout_s: float = 60.0) -> Iterator:
    """A headless Debian Chromium (Playwright's Browser) for ``purpose``, closed afterwards; one-line errors
    when playwright or Chromium is missing."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise DataError(f"{purpose} needs playwright: pip install playwright") from None
    exe = chromium_path()
    if exe is None:
        raise DataError(f"{purpose} needs Chromium: install Debian's chromium (make chromium)")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS, timeout=timeout_s * 1000)
        try:
            yield browser
        finally:
            browser.close()


@off_loop
def inspect_map(html_path: str | Path, screenshot: str | Path | None = None, timeout_s: float = 60.0,
                size: tuple[int, int] = (1280, 900)) -> dict:
    """Load ``html_path`` in headless Chromium and report {'js_errors', 'leaflet', 'overlays', 'shown' (the
    overlays switched on when the page opens), 'hub_markers',
    'load_seconds'}; write a PNG screenshot if asked."""
    errors: list[str] = []
    with chromium("map inspection", timeout_s) as browser:
        page = browser.new_page(viewport={"width": size[0], "height": size[1]})
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        t0 = time.perf_counter()
        page.goto(Path(html_path).resolve().as_uri(), timeout=timeout_s * 1000, wait_until="load")
        try:
            page.wait_for_function("() => window.L !== undefined && document.querySelector('.leaflet-container')",
                                   timeout=timeout_s * 1000)
        except Exception:
            raise DataError(f"the map {html_path} did not load in Chromium within {timeout_s:g} s; page errors: "
                            + ("; ".join(errors[:3]) or "none")) from None
        page.wait_for_timeout(500)
        load = time.perf_counter() - t0
        info = page.evaluate("""() => ({
            leaflet: window.L ? L.version : null,
            overlays: [...document.querySelectorAll('.leaflet-control-layers-overlays label')]
                         .map(l => l.textContent.trim()),
            shown: [...document.querySelectorAll('.leaflet-control-layers-overlays label')]
                      .filter(l => (l.querySelector('input') || {}).checked).map(l => l.textContent.trim()),
            hub_markers: document.querySelectorAll('path.geonet-hub').length,
        })""")
        if screenshot is not None:  # written atomically; never through a link at the path
            with atomic_path(screenshot) as tmp:
                page.screenshot(path=str(tmp), type="png", full_page=False)
    info["js_errors"] = errors
    info["load_seconds"] = round(load, 2)
    return info
