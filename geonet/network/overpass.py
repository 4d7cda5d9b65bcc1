"""Robust Overpass requests for osmnx: bounded retries with exponential back-off on timeouts, HTTP 429 and 5xx,
strict checks of the response, atomic cache writes (a failed, partial or invalid response never reaches the
cache), a total deadline per request and a budget per download, and an offline mode that answers only from the
cache and says what is missing.

osmnx's own request function retries 429/504 forever after fixed pauses, bounds only each read (a server that
trickles its answer keeps it busy indefinitely), caches whatever parses as JSON and writes its cache
non-atomically; :func:`patched_requests` swaps in :func:`overpass_request` for the duration of one download.
"""

from __future__ import annotations

import contextlib
import json
import math
import time
import warnings
from collections import OrderedDict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .. import settings
from ..errors import DataError, GeonetWarning, InputError, OutputError
from ..io import atomic_path

RETRY_STATUS = {429, 500, 502, 503, 504}
ELEMENT_TYPES = {"node", "way", "relation", "area"}
_BUDGET: dict[str, float] = {}  # {"deadline": monotonic time} while a download runs


class _BadResponse(Exception):
    """A response that arrived but cannot be used (the message says why); counts as a failed attempt."""


def validate_response(body: Any) -> dict[str, Any]:
    """Check an Overpass JSON answer before it is used or cached; raise _BadResponse naming the first problem.

    Every element has a known type; every node a finite lat in [-90, 90] and lon in [-180, 180]; every way a
    list of node ids that are all present in the answer (osmnx's queries return ways with their nodes).
    """
    if not isinstance(body, dict) or not isinstance(body.get("elements"), list):
        raise _BadResponse("JSON without an 'elements' list")
    if "remark" in body and "runtime error" in str(body["remark"]):
        raise _BadResponse(f"the server reported an error: {str(body['remark'])[:200]}")
    nodes: set = set()
    ways = []
    for el in body["elements"]:
        if not isinstance(el, dict) or el.get("type") not in ELEMENT_TYPES or "id" not in el:
            raise _BadResponse(f"an element that is not a node, way or relation with an id ({str(el)[:80]})")
        if el["type"] == "node":
            lat, lon = el.get("lat"), el.get("lon")
            ok = all(isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)
                     for v in (lat, lon))
            if not ok or not (-90 <= lat <= 90 and -180 <= lon <= 180):
                raise _BadResponse(f"node {el['id']} has no valid lat/lon (got lat={str(lat)[:20]}, "
                                   f"lon={str(lon)[:20]})")
            nodes.add(el["id"])
        elif el["type"] == "way":
            ways.append(el)
    for w in ways:
        refs = w.get("nodes")
        if not isinstance(refs, list) or len(refs) < 2:
            raise _BadResponse(f"way {w['id']} has fewer than two nodes")
        missing = next((r for r in refs if r not in nodes), None)
        if missing is not None:
            raise _BadResponse(f"way {w['id']} references node {missing}, which the answer does not hold")
    return body


def _warn(msg: str) -> None:
    warnings.warn(msg, GeonetWarning, stacklevel=3)


def _from_cache(path: Path) -> dict[str, Any] | None:
    """A cached answer, or None; an unreadable or invalid cache entry is discarded with a warning."""
    try:
        if not path.is_file():
            return None
        body = validate_response(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, _BadResponse) as exc:
        why = exc if isinstance(exc, _BadResponse) else f"{type(exc).__name__}: {str(exc)[:80]}"
        try:
            path.unlink()
            _warn(f"discarded an invalid cached Overpass answer {path.name} ({why}); downloading it again")
        except OSError:
            _warn(f"ignored an invalid cached Overpass answer {path} ({why}); it cannot be removed")
        return None
    return body


def _to_cache(path: Path, body: dict[str, Any]) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with atomic_path(path) as tmp:
            tmp.write_text(json.dumps(body), encoding="utf-8")
    except (OSError, OutputError) as exc:
        _warn(f"the Overpass answer was used but not cached: cannot write {path.parent} ({exc})")


def _read_body(r, url: str, deadline: float) -> bytes:
    """Read a streamed response, stopping at the request deadline and at the size limit."""
    limit = settings.OSM_MAX_RESPONSE_MB * 1e6
    chunks, size = [], 0
    while True:  # read1 returns what has arrived (one socket read), so the deadline is checked as data trickles
        chunk = r.raw.read1(65536)
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
        if size > limit:
            raise _BadResponse(f"an answer larger than {settings.OSM_MAX_RESPONSE_MB:g} MB (GEONET_OSM_MAX_MB)")
        if time.monotonic() > deadline:
            raise TimeoutError
    return b"".join(chunks)


def overpass_request(data: OrderedDict[str, Any]) -> dict[str, Any]:
    """POST one Overpass query (osmnx's signature), from the cache when a valid answer is there."""
    import requests
    import urllib3
    from osmnx import _http
    from osmnx import settings as ox_settings

    problems = settings.env_problems()
    if problems:
        raise InputError(problems[0])
    url = ox_settings.overpass_url.rstrip("/") + "/interpreter"
    check_url(url)
    prepared = str(requests.Request("GET", url, params=data).prepare().url)
    path = _http._resolve_cache_filepath(prepared)
    cached = _from_cache(path)
    if cached is not None:
        return cached
    if settings.OSM_OFFLINE:
        raise DataError(f"offline: no cached Overpass response for this area in {ox_settings.cache_folder} "
                        "(run once online, or without --offline, to fill the cache)")
    budget_end = _BUDGET.get("deadline", time.monotonic() + settings.OSM_BUDGET_S)
    last = ""
    for attempt in range(settings.OSM_RETRIES + 1):
        if attempt:
            pause = settings.OSM_BACKOFF_S * 2 ** (attempt - 1)
            if time.monotonic() + pause > budget_end:
                break
            time.sleep(pause)
        remaining = budget_end - time.monotonic()
        if remaining <= 0:
            break
        deadline = time.monotonic() + min(settings.OSM_REQUEST_DEADLINE_S, remaining)
        try:
            with requests.post(url, data=data, stream=True, headers=_http._get_http_headers(),
                               timeout=min(ox_settings.requests_timeout, settings.OSM_REQUEST_DEADLINE_S, remaining),
                               **ox_settings.requests_kwargs) as r:
                if r.status_code in RETRY_STATUS:
                    last = f"HTTP {r.status_code} {r.reason}"
                    continue
                if not r.ok:
                    raise DataError(f"Overpass API at {url} answered HTTP {r.status_code} {r.reason}; "
                                    "check the query area")
                content = _read_body(r, url, deadline)
        except (requests.exceptions.Timeout, TimeoutError, urllib3.exceptions.TimeoutError):
            last = f"no complete answer within {min(settings.OSM_REQUEST_DEADLINE_S, remaining):.0f} s"
            continue
        except (requests.exceptions.ConnectionError, urllib3.exceptions.ProtocolError) as exc:
            last = f"connection failed or the answer was cut short ({type(exc).__name__})"
            continue
        except requests.exceptions.RequestException as exc:
            raise DataError(f"Overpass API at {url}: request failed ({type(exc).__name__})") from None
        except _BadResponse as exc:
            last = f"an unusable answer: {exc}"
            continue
        try:
            body = validate_response(json.loads(content))
        except ValueError:
            last = f"a truncated or malformed response ({len(content)} bytes, not JSON)"
            continue
        except _BadResponse as exc:
            last = f"an unusable answer: {exc}"
            continue
        _to_cache(path, body)
        return body
    raise DataError(f"Overpass API at {url} failed {attempt + 1} time(s) (last: {last}); gave up after back-off "
                    f"within the {settings.OSM_BUDGET_S:g} s download budget; nothing was cached; try later or use "
                    "--offline with a filled cache")


def check_url(url: str) -> str:
    """An http(s) URL with a host, else InputError naming it."""
    if not settings.is_http_url(url):
        raise InputError(f"Overpass URL {url[:80]!r} is not an http(s) URL; set GEONET_OVERPASS_URL to e.g. "
                         "https://overpass-api.de/api")
    return url


@contextlib.contextmanager
def patched_requests() -> Iterator[None]:
    """Use :func:`overpass_request` inside osmnx for the block, all of it within settings.OSM_BUDGET_S."""
    from osmnx import _overpass

    original = _overpass._overpass_request
    _overpass._overpass_request = overpass_request
    _BUDGET["deadline"] = time.monotonic() + settings.OSM_BUDGET_S
    try:
        yield
    finally:
        _overpass._overpass_request = original
        _BUDGET.pop("deadline", None)
