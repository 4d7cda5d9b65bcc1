"""Where the benchmark scripts keep what they measured: one entry of bench/results.json, written atomically."""

from __future__ import annotations

import json
from pathlib import Path

from geonet.io import write_text

PATH = Path(__file__).with_name("results.json")


def record(key: str, result: dict) -> None:
    """Set ``key`` of bench/results.json to ``result``, keeping the other entries."""
    data = json.loads(PATH.read_text(encoding="utf-8")) if PATH.is_file() else {}
    data[key] = result
    write_text(PATH, json.dumps(data, indent=1) + "\n")
