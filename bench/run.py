"""geonet's analysis engine against the obvious baselines, in one run, on the same graphs.

Graphs: a province (Guangdong's default network), the embedded national network, and a synthetic square grid
(default 1000 x 1000 = 1M nodes, seeded random travel times). For each: one-to-all Dijkstra and an OD matrix
(k origins to every node) with networkx vs geonet's CSR engine; osmnx.shortest_path vs geonet for OD pairs
with paths; pandana where it installs; memory of the networkx graph vs the snapshot. Then the national
door-to-door matrix with the Dask engine on 1 and 2 workers. Prints a table of ratios and writes
bench/results.json (speedup_vs_networkx = the OD-matrix ratio on the largest graph).

    make bench            # or: .venv/bin/python bench/run.py [--grid-side 1000] [--skip-dask]
"""

from __future__ import annotations

import argparse
import gc
import warnings
import json
import platform
import time
import tracemalloc
from pathlib import Path

import networkx as nx
import numpy as np

HERE = Path(__file__).resolve().parent


def timed(fn, repeat: int = 1):
    best, out = np.inf, None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return best, out


def grid_graph(side: int, seed: int = 0) -> nx.MultiDiGraph:
    """side x side lattice, both directions, 1 km spacing, travel times 36-108 s per edge (seeded)."""
    rng = np.random.default_rng(seed)
    G = nx.MultiDiGraph(crs="epsg:4326")
    ids = np.arange(side * side).reshape(side, side)
    for (r, c), i in np.ndenumerate(ids):
        G.add_node(int(i), x=100 + c * 0.01, y=20 + r * 0.01, mode="road", kind="junction")
    pairs = [(ids[:, :-1].ravel(), ids[:, 1:].ravel()), (ids[:-1, :].ravel(), ids[1:, :].ravel())]
    for a, b in pairs:
        tt = rng.uniform(36, 108, size=len(a))
        for u, v, t in zip(a.tolist(), b.tolist(), tt.tolist()):
            G.add_edge(u, v, length=1000.0, travel_time=t, mode="road")
            G.add_edge(v, u, length=1000.0, travel_time=t, mode="road")
    return G


def graph_bytes(G) -> int:
    """Memory a networkx graph holds: traced allocations of a full copy of it."""
    gc.collect()
    tracemalloc.start()
    H = G.copy()
    size, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del H
    return int(size)


def bench_graph(name: str, G, k: int, n_paths: int, rng) -> dict:
    from geonet.engine import Snapshot

    nodes = list(G.nodes)
    origins = [nodes[i] for i in rng.choice(len(nodes), size=min(k, len(nodes)), replace=False)]
    res = {"graph": name, "nodes": G.number_of_nodes(), "edges": G.number_of_edges(), "origins": len(origins)}
    t_snap, snap = timed(lambda: Snapshot.from_graph(G))
    res["snapshot_build_s"] = round(t_snap, 3)
    res["nx_graph_bytes"] = graph_bytes(G)
    res["snapshot_bytes"] = snap.nbytes
    res["memory_ratio"] = round(snap.nbytes / res["nx_graph_bytes"], 4)

    # one-to-all
    t_nx1, ref = timed(lambda: nx.single_source_dijkstra_path_length(G, origins[0], weight="travel_time"))
    t_ge1, d1 = timed(lambda: snap.times([origins[0]]), repeat=3)
    res["one_to_all_networkx_s"], res["one_to_all_geonet_s"] = round(t_nx1, 4), round(t_ge1, 4)
    res["one_to_all_speedup"] = round(t_nx1 / t_ge1, 1)
    some = list(ref.items())[:: max(1, len(ref) // 500)]
    assert all(abs(d1[0, snap.index[n]] - v) < 1e-6 * max(1, v) for n, v in some), "engine differs from networkx"

    # OD matrix: k origins x all nodes
    def nx_matrix():
        return [nx.shortest_path_length(G, source=o, weight="travel_time") for o in origins]

    t_nx, _ = timed(nx_matrix)
    t_ge, dk = timed(lambda: snap.times(origins), repeat=2)
    res["od_networkx_s"], res["od_geonet_s"] = round(t_nx, 3), round(t_ge, 4)
    res["od_speedup"] = round(t_nx / t_ge, 1)

    # OD pairs with paths: osmnx.shortest_path vs geonet (predecessors + path reconstruction)
    import osmnx as ox

    o = [nodes[i] for i in rng.choice(len(nodes), n_paths)]
    d = [nodes[i] for i in rng.choice(len(nodes), n_paths)]
    t_ox, _ = timed(lambda: ox.shortest_path(G, o, d, weight="travel_time", cpus=1))

    def ge_paths():
        uniq = list(dict.fromkeys(o))
        dist, pred = snap.times(uniq, predecessors=True)
        row = {s: i for i, s in enumerate(uniq)}
        return [snap.path(pred[row[a]], snap.index[b]) for a, b in zip(o, d)]

    t_gp, _ = timed(ge_paths)
    res["paths_osmnx_s"], res["paths_geonet_s"] = round(t_ox, 3), round(t_gp, 4)
    res["paths_speedup"] = round(t_ox / t_gp, 1)

    # pandana (contraction hierarchies), where it installs
    try:
        import pandana
        import pandas as pd

        idx = {n: i for i, n in enumerate(nodes)}
        xs = pd.Series([G.nodes[n]["x"] for n in nodes], index=range(len(nodes)))
        ys = pd.Series([G.nodes[n]["y"] for n in nodes], index=range(len(nodes)))
        rows = [(idx[u], idx[v], float(dd["travel_time"])) for u, v, dd in G.edges(data=True)]
        e = pd.DataFrame(rows, columns=["from", "to", "w"])
        t_build, net = timed(lambda: pandana.Network(xs, ys, e["from"], e["to"], e[["w"]], twoway=False))
        dest_sample = rng.choice(len(nodes), size=min(2000, len(nodes)), replace=False)
        oo = np.repeat([idx[x] for x in origins], len(dest_sample))
        dd_ = np.tile(dest_sample, len(origins))
        t_pa, pl = timed(lambda: net.shortest_path_lengths(oo, dd_, imp_name="w"))
        t_gs, gd = timed(lambda: snap.times(origins)[:, dest_sample], repeat=2)
        gd, pl = np.asarray(gd).ravel(), np.asarray(pl, dtype=float)
        ok = np.isfinite(gd) & (pl < 4e6)  # pandana's value for unreachable pairs is a large sentinel
        res["pandana_max_rel_diff"] = float(np.max(np.abs(pl[ok] - gd[ok]) / np.maximum(gd[ok], 1))) if ok.any() else 0
        assert np.allclose(pl[ok], gd[ok], rtol=2e-3, atol=1.0), "pandana differs from geonet"  # pandana rounds weights
        res["pandana_build_s"], res["od_pandana_s"] = round(t_build, 3), round(t_pa, 4)
        res["od_geonet_same_pairs_s"] = round(t_gs, 4)
        res["geonet_vs_pandana"] = round(t_pa / t_gs, 2)
    except ImportError as exc:
        res["pandana"] = f"not installed ({exc})"
    return res


def bench_dask(workers: list[int]) -> dict:
    import pandas as pd

    import geonet

    out = {}
    t, base = timed(lambda: geonet.od_matrix("cities", "cities", region="national"))
    out["national_door_to_door_local_s"] = round(t, 2)
    out["pairs"] = len(base)
    for w in workers:
        t, df = timed(lambda w=w: geonet.od_matrix("cities", "cities", region="national", engine="dask", n_workers=w))
        pd.testing.assert_frame_equal(base, df)
        out[f"dask_{w}_workers_s"] = round(t, 2)
    if len(workers) >= 2:
        out["dask_2_vs_1"] = round(out[f"dask_{workers[0]}_workers_s"] / out[f"dask_{workers[1]}_workers_s"], 2)
    out["identical_to_local"] = True
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description="geonet engine benchmark")
    ap.add_argument("--grid-side", type=int, default=1000, help="synthetic grid side (nodes = side^2)")
    ap.add_argument("--origins", type=int, default=8)
    ap.add_argument("--skip-dask", action="store_true")
    ap.add_argument("--out", default=str(HERE / "results.json"))
    args = ap.parse_args()
    from geonet.models import region_network

    warnings.filterwarnings("ignore", module="pandana")
    rng = np.random.default_rng(42)
    rows = []
    print("building graphs ...", flush=True)
    graphs = [("province: guangdong (proxy + air)", region_network("guangdong"), 50),
              ("national (proxy + air)", region_network("national"), 50),
              (f"grid {args.grid_side}x{args.grid_side}", grid_graph(args.grid_side), args.origins)]
    for name, G, k in graphs:
        print(f"  {name}: {G.number_of_nodes():,} nodes", flush=True)
        rows.append(bench_graph(name, G, k, 20, rng))
        del G
        gc.collect()
    results = {"machine": f"{platform.machine()}, {platform.processor() or 'cpu'}, python {platform.python_version()}",
               "graphs": rows, "speedup_vs_networkx": rows[-1]["od_speedup"],
               "memory_ratio_largest": rows[-1]["memory_ratio"]}
    Path(args.out).write_text(json.dumps(results, indent=1) + "\n")  # keep what was measured so far
    if not args.skip_dask:
        print("dask: national door-to-door matrix ...", flush=True)
        results["dask"] = bench_dask([1, 2])
        Path(args.out).write_text(json.dumps(results, indent=1) + "\n")
    print(f"\n{'graph':38s} {'nodes':>9s} {'1-to-all x':>10s} {'OD x':>8s} {'paths x':>8s} {'vs pandana':>10s} "
          f"{'mem %':>7s}")
    for r in rows:
        print(f"{r['graph']:38s} {r['nodes']:9,d} {r['one_to_all_speedup']:10.1f} {r['od_speedup']:8.1f} "
              f"{r['paths_speedup']:8.1f} {r.get('geonet_vs_pandana', float('nan')):10.2f} "
              f"{100 * r['memory_ratio']:6.1f}%")
    if "dask" in results:
        d = results["dask"]
        print(f"\nnational door-to-door matrix ({d['pairs']:,} pairs): local {d['national_door_to_door_local_s']} s, "
              f"dask 1 worker {d['dask_1_workers_s']} s, 2 workers {d['dask_2_workers_s']} s "
              f"(2 vs 1: {d['dask_2_vs_1']}x), identical results")
    print(f"\nwrote {args.out}")


if __name__ == "__main__":
    main()
