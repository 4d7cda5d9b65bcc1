"""The source audit: every web host cited by a curated table or a setting's evidence, classified by publisher.

``source_hosts.csv`` classes each host (or a domain and all its sub-domains) as government, operator,
newspaper (newspapers, broadcasters, news agencies, trade press), encyclopedia, academic or other (content farms,
reposting sites, forums, mirrors). A citation is acceptable when its host is classified and not "other"; a bare
IP address never is. The table lists cited hosts only.

    python sources.py          # the audit: one line per citation that is not acceptable; exit 1 if any
    python sources.py --hosts  # every cited host with its class and how often it is cited
"""

from __future__ import annotations

import ast
import re
import sys
from collections.abc import Iterator
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
HOSTS = HERE / "source_hosts.csv"
CLASSES = ("government", "operator", "newspaper", "encyclopedia", "academic", "other")
ACCEPTED = set(CLASSES) - {"other"}

# a host with a scheme, or a bare host followed by a path (straitstimes.com/asia/...); a port is dropped
_URL = re.compile(r"(?:https?://|(?<![\w./@-]))((?:[a-z0-9-]+\.)+[a-z]{2,}|\d{1,3}(?:\.\d{1,3}){3})(?::\d+)?/",
                  re.IGNORECASE)
_FILES = {"php", "asp", "aspx", "htm", "html", "shtml", "jsp", "cgi"}  # index.php/... is a path, not a host
_IP = re.compile(r"^\d{1,3}(?:\.\d{1,3}){3}$")


def cited_hosts(text: str) -> list[str]:
    """The web hosts cited in ``text``, lower case, in order of appearance (a host once)."""
    hosts = (h.lower() for h in _URL.findall(text))
    return list(dict.fromkeys(h for h in hosts if h.rsplit(".", 1)[-1] not in _FILES))


def curated_tables() -> list[Path]:
    """Every curated table: the typed tables the layers are built from and the tests' cited references."""
    return sorted([*(HERE.glob("*.csv")), *((REPO / "tests" / "data").glob("*.csv"))])


def _settings_strings() -> Iterator[tuple[str, int, str]]:
    """(file, line, text) of every string literal in geonet/settings (rationale and evidence)."""
    for path in sorted((REPO / "geonet" / "settings").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                yield str(path.relative_to(REPO)), node.lineno, node.value


def citations() -> pd.DataFrame:
    """One row per (place, host) cited: ``where`` (file:row or file:line), ``host``."""
    rows = []
    for path in curated_tables():
        if path == HOSTS:
            continue
        table = pd.read_csv(path, dtype=str, keep_default_na=False)
        for i, rec in enumerate(table.itertuples(index=False), start=2):
            for host in cited_hosts(" ".join(rec)):
                rows.append((f"{path.relative_to(REPO)}:{i}", host))
    for file, line, text in _settings_strings():
        for host in cited_hosts(text):
            rows.append((f"{file}:{line}", host))
    return pd.DataFrame(rows, columns=["where", "host"])


def classify(hosts: pd.Series, table: pd.DataFrame | None = None) -> pd.DataFrame:
    """Class and publisher of each host: the longest entry of source_hosts.csv it equals or ends with."""
    table = pd.read_csv(HOSTS, dtype=str, keep_default_na=False) if table is None else table
    entries = dict(zip(table["host"].str.lower(), zip(table["class"], table["publisher"])))
    out = []
    for host in hosts:
        parts = host.split(".")
        match = next((entries[".".join(parts[i:])] for i in range(len(parts) - 1)
                      if ".".join(parts[i:]) in entries), None)
        if _IP.match(host):
            out.append(("bare IP address", ""))
        else:
            out.append(match or ("unclassified", ""))
    return pd.DataFrame(out, columns=["class", "publisher"], index=hosts.index)


def problems() -> pd.DataFrame:
    """Citations a committee could not accept: unclassified hosts, bare IP addresses, hosts classed other."""
    cited = citations()
    cited = cited.join(classify(cited["host"]))
    return cited[~cited["class"].isin(ACCEPTED)]


def check_table(table: pd.DataFrame) -> list[str]:
    """What is wrong with source_hosts.csv itself (unknown classes, duplicate hosts, no publisher)."""
    bad = [f"{h}: class {c!r} is not one of {', '.join(CLASSES)}"
           for h, c in zip(table["host"], table["class"]) if c not in CLASSES]
    bad += [f"{h}: listed twice" for h in table["host"][table["host"].str.lower().duplicated()]]
    bad += [f"{h}: no publisher named" for h, p in zip(table["host"], table["publisher"]) if not p.strip()]
    return bad


def unused(table: pd.DataFrame, hosts) -> list[str]:
    """Entries of source_hosts.csv that no citation uses (the table lists cited hosts only)."""
    hosts = set(hosts)
    return [f"{h}: listed but cited nowhere" for h in table["host"]
            if not any(c == h or c.endswith("." + h) for c in hosts)]


def main(argv: list[str]) -> int:
    if "--hosts" in argv:
        cited = citations()
        counts = cited.groupby("host").size().rename("citations").reset_index()
        print(counts.join(classify(counts["host"])).sort_values(["class", "host"]).to_string(index=False))
        return 0
    table = pd.read_csv(HOSTS, dtype=str, keep_default_na=False)
    bad = check_table(table) + unused(table, citations()["host"]) + [
        f"{r.where}: {r.host} ({r[2]})" for r in problems().itertuples(index=False)]
    for line in bad:
        print(line)
    print(f"{len(bad)} citation(s) a committee could not accept" if bad else "every cited host is classified")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
