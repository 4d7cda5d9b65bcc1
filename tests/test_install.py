"""`pip install .` outside the repository still finds the shipped layers."""

import os
import subprocess
import sys
import zipfile

import pytest

from conftest import REPO


def test_wheel_carries_layers_and_works_outside_the_repo(tmp_path):
    pytest.importorskip("hatchling")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                    "-w", str(tmp_path / "dist"), str(REPO)], check=True, capture_output=True, timeout=300)
    wheel = next((tmp_path / "dist").glob("geonet-*.whl"))
    site = tmp_path / "site"
    with zipfile.ZipFile(wheel) as z:
        names = z.namelist()
        assert "geonet/_layers/hubs.csv" in names and "geonet/_layers/counties.parquet" in names
        z.extractall(site)
    code = ("import geonet, geonet.settings as s; print(s.layers_dir()); "
            "print(len(geonet.hubs('guangdong-1+4+6')), len(geonet.cities('guangdong')), "
            "geonet.demand('liaoning').summary['year'])")
    env = {k: v for k, v in os.environ.items() if k != "GEONET_LAYERS"}
    env["PYTHONPATH"] = str(site)
    r = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True,
                       timeout=120)
    assert r.returncode == 0, r.stderr
    where, counts = r.stdout.splitlines()
    assert where.startswith(str(site)) and counts.split()[1] == "21" and counts.split()[2] == "2024"
