"""Robust Overpass requests for osmnx: bounded retries with exponential back-off on timeouts, HTTP 429 and 5xx,
strict checks of the response, atomic cache writes (a failed or partial response never reaches the cache),
and an offline mode that answers only from the cache and says what is missing.

osmnx's own request function retries 429/504 forever after fixed pauses and writes its cache non-atomically;
:func:`patched_requests` swaps in :func:`overpass_request` for the duration of one download.
"""

from __future__ import annotations

import contextlib
import json
import time
from collections import OrderedDict
from collections.abc import Iterator
from typing import Any

from .. import settings
from ..errors import DataError
from ..io import atomic_path

RETRY_STATUS = {429, 500, 502, 503, 504}


def overpass_request(data: OrderedDict[str, Any]) -> dict[str, Any]:
    """POST one Overpass query (osmnx's signature), from osmnx's cache when present."""
    import requests
    from osmnx import _http
    from osmnx import settings as ox_settings

    url = ox_settings.overpass_url.rstrip("/") + "/interpreter"
    prepared = str(requests.Request("GET", url, params=data).prepare().url)
    cached = _http._retrieve_from_cache(prepared)
    if isinstance(cached, dict):
        return cached
    if settings.OSM_OFFLINE:
        raise DataError(f"offline: no cached Overpass response for this area in {ox_settings.cache_folder} "
                        "(run once online, or without --offline, to fill the cache)")
    last = ""
    for attempt in range(settings.OSM_RETRIES + 1):
        if attempt:
            time.sleep(settings.OSM_BACKOFF_S * 2 ** (attempt - 1))
        try:
            r = requests.post(url, data=data, timeout=ox_settings.requests_timeout,
                              headers=_http._get_http_headers(), **ox_settings.requests_kwargs)
        except requests.exceptions.Timeout:
            last = f"timed out after {ox_settings.requests_timeout:g} s"
            continue
        except requests.exceptions.ConnectionError as exc:
            last = f"connection failed ({type(exc).__name__})"
            continue
        if r.status_code in RETRY_STATUS:
            last = f"HTTP {r.status_code} {r.reason}"
            continue
        if not r.ok:
            raise DataError(f"Overpass API at {url} answered HTTP {r.status_code} {r.reason}; check the query area")
        try:
            body = r.json()
        except ValueError:
            raise DataError(f"Overpass API at {url} sent a truncated or malformed response "
                            f"({len(r.content)} bytes, not JSON); nothing was cached, try again") from None
        if not isinstance(body, dict) or not isinstance(body.get("elements"), list):
            raise DataError(f"Overpass API at {url} sent JSON without an 'elements' list; nothing was cached")
        if "remark" in body and "runtime error" in str(body["remark"]):
            raise DataError(f"Overpass API reported an error: {body['remark']}")
        path = _http._resolve_cache_filepath(prepared)
        path.parent.mkdir(parents=True, exist_ok=True)
        with atomic_path(path) as tmp:
            tmp.write_text(json.dumps(body), encoding="utf-8")
        return body
    raise DataError(f"Overpass API at {url} failed {settings.OSM_RETRIES + 1} times ({last}); gave up after "
                    "back-off; try later or use --offline with a filled cache")


@contextlib.contextmanager
def patched_requests() -> Iterator[None]:
    """Use :func:`overpass_request` inside osmnx for the duration of the block."""
    from osmnx import _overpass

    original = _overpass._overpass_request
    _overpass._overpass_request = overpass_request
    try:
        yield
    finally:
        _overpass._overpass_request = original
