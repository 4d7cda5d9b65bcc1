"""Paths and atomic writers shared by the layer build scripts."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import pandas as pd
from pypinyin import lazy_pinyin

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
LAYERS = HERE.parent
SHARED_DATA = Path(os.environ.get("GEONET_SHARED_DATA", REPO.parent / "shared" / "data"))
# where the scripts write (tests rebuild into a temporary folder and compare with the shipped files)
LAYERS_OUT = Path(os.environ.get("GEONET_LAYERS_OUT", LAYERS))
SEEDS = Path(os.environ.get("GEONET_SEEDS", REPO.parent / "shared" / "seeds"))

sys.path.insert(0, str(REPO))  # build scripts use geonet's own helpers (datum, atomic writes)

from geonet.io import atomic_path  # noqa: E402


def package_file(pkg: str, *parts: str) -> Path:
    """A data file inside an installed package (the build-time gazetteers)."""
    import importlib.util

    spec = importlib.util.find_spec(pkg)
    if spec is None or spec.origin is None:
        sys.exit(f"error: package {pkg!r} is needed to build layers: pip install '.[build]'")
    return Path(spec.origin).parent.joinpath(*parts)


def write_parquet(gdf, path: Path) -> None:
    """Write a GeoDataFrame to GeoParquet atomically, with deterministic row order."""
    with atomic_path(path) as tmp:
        gdf.reset_index(drop=True).to_parquet(tmp, index=False, compression="zstd")


# ---------------------------------------------------------------- Chinese place names
SUFFIX_RE = re.compile(r"(特别行政区|自治州|自治县|自治旗|新区|地区|林区|市|区|县|盟|旗|省)$")


def _nations() -> list[str]:
    """Ethnic-group names (cpca's 56_nations.csv), longest first, with and without the trailing 族."""
    names = pd.read_csv(package_file("cpca", "resources", "56_nations.csv"), header=None)[0].astype(str)
    full = {n.strip() for n in names if n.strip()}
    return sorted(full | {n.removesuffix("族") for n in full if len(n) > 2}, key=len, reverse=True)


NATIONS = _nations()


def short(name: str) -> str:
    """'德宏傣族景颇族自治州' -> '德宏', '浦东新区' -> '浦东', '广州市' -> '广州'."""
    s = SUFFIX_RE.sub("", name)
    stripped = True
    while stripped and len(s) > 2:
        stripped = False
        for n in NATIONS:
            if s.endswith(n) and len(s) - len(n) >= 2:
                s, stripped = s[: -len(n)], True
                break
    return s if len(s) >= 2 else name


def _load_place_pinyin() -> None:
    """Phrase-aware pinyin for place names: pypinyin's phrase dictionary, the larger phrase-pinyin-data of
    pypinyin-dict (长治 Changzhi, 昌都 Changdu, 花都 Huadu, 单县 Shanxian ...), then geonet's own short table of
    place-name readings the dictionaries get wrong (place_pinyin.csv: 朝阳 Chaoyang, 漯河 Luohe ...), each row
    citing its source."""
    from pypinyin import load_phrases_dict
    from pypinyin_dict.phrase_pinyin_data import large_pinyin

    large_pinyin.load()
    table = pd.read_csv(HERE / "place_pinyin.csv")
    load_phrases_dict({r.phrase: [[s] for s in r.pinyin.split()] for r in table.itertuples()}, style="default")


_load_place_pinyin()


def pinyin(text: str) -> str:
    return "".join(lazy_pinyin(text)).lower()


def title_pinyin(text: str) -> str:
    """Hanyu pinyin as a proper name: '西安' -> "Xi'an", '广州' -> 'Guangzhou'."""
    if not re.search(r"[\u4e00-\u9fff]", text):
        return text
    sylls = lazy_pinyin(text)
    out = sylls[0] + "".join(("'" + s) if s[:1] in "aoe" else s for s in sylls[1:])
    return out.capitalize()
