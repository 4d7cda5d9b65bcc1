"""Origin-destination matrices: network hours and door-to-door hours for sets of places."""

from __future__ import annotations

import re
from collections.abc import Iterable

import numpy as np
import pandas as pd
from tqdm import tqdm

from . import settings
from .engine import Snapshot
from .errors import InputError
from .gazetteer import locate
from .geography import cities, counties
from .models import plan_hubs, service_model
from .paths import ROAD_EDGE_MODES, layered
from .service import ServiceModel
from .network.nodes import city_node, county_node, node_code, place_node

PLACE_SETS = ("cities", "hubs", "counties")


def place_nodes(spec: str | Iterable[str], region: str) -> list[tuple[str, str]]:
    """(node id, name) of a place set: 'cities', 'hubs', 'counties' of ``region``, or a list of names."""
    if isinstance(spec, str):
        if spec == "cities":
            c = cities(region)
            return [(city_node(a), n) for a, n in zip(c["adcode"], c["name"])]
        if spec == "counties":
            c = counties(region)
            return [(county_node(a), n) for a, n in zip(c["adcode"], c["name"])]
        if spec == "hubs":
            h = plan_hubs(region)
            return list(zip(h["node"], h["name_zh"]))
        raise InputError(f"unknown place set {spec!r}; use {', '.join(PLACE_SETS)} or a list of names")
    out = []
    for name in spec:
        p = locate(name)
        out.append((place_node(p.level, p.code), p.name_zh))
    return out


ENGINES = ("local", "dask")
_SCHEDULER = re.compile(r"^(tcp|tls|inproc|ucx|ws|wss)://[^\s/]+(:\d{1,5})?/?$")


def od_matrix(origins: str | Iterable[str] = "cities", destinations: str | Iterable[str] = "cities", *,
              region: str, model: ServiceModel | None = None, via_hubs: bool | None = None,
              progress: bool = False, engine: str = "local", scheduler: str | None = None,
              n_workers: int = 2, hub_ids: tuple[str, ...] | None = None, detail: bool = True,
              product: str | None = None) -> pd.DataFrame:
    """Long-form OD table: one row per ordered pair (origin != destination).

    Columns: origin, destination (names), origin_node, destination_node, reachable, network_hours (fastest on
    all modes, no schedules), door_to_door_hours (hub-routed, posted at the cut-off), direct_hours (no hubs),
    delivered ('D+1 12:00'), km, via (hub ids), critical_leg ('mode from->to, hours').
    Unreachable pairs keep reachable=False and empty (NaN) hours: never 0, never inf.
    detail=False computes hub-routed door-to-door hours for the whole matrix at once (same values, see
    ServiceModel.door_to_door_matrix) and returns only origin, destination, nodes, reachable, network_hours,
    door_to_door_hours: the way to county-level national matrices.
    engine 'dask' splits the origins over a Dask cluster (``scheduler`` address, else a LocalCluster of
    ``n_workers``); each worker builds the region's default model (or ``hub_ids``'s) once; same rows, same order.
    product: the express product to time (geonet.settings.PRODUCTS; default the model's, next-day).
    """
    if engine not in ENGINES:
        raise InputError(f"unknown engine {engine!r}; use {' or '.join(ENGINES)}")
    if engine == "dask":
        if not isinstance(n_workers, int) or not 1 <= n_workers <= 64:
            raise InputError(f"n_workers must be a whole number from 1 to 64, got {n_workers!r}")
        if scheduler is not None and not _SCHEDULER.match(scheduler):
            raise InputError(f"--scheduler {scheduler[:60]!r}: give a Dask scheduler address such as "
                             "tcp://127.0.0.1:8786")
        if model is not None:
            raise InputError("engine dask builds the region's model on each worker; pass hub_ids, not a model")
        return _od_dask(origins, destinations, region, via_hubs, scheduler, n_workers, hub_ids, progress, detail,
                        product)
    m = model or service_model(region, hub_ids)
    if product is not None:
        m = m.for_product(product)
    o_nodes, d_nodes = place_nodes(origins, region), place_nodes(destinations, region)
    missing = [n for n, _ in o_nodes + d_nodes if n not in m.G]
    if missing:
        raise InputError(f"{len(missing)} place(s) are not on the {region} network, e.g. {missing[0]}")
    if not detail:
        if via_hubs is False:
            raise InputError("detail=False computes hub-routed times; use detail=True for direct times")
        dtd, net = m.door_to_door_matrix([n for n, _ in o_nodes], [n for n, _ in d_nodes], progress=progress)
        (o_id, o_name), (d_id, d_name) = (np.array(list(zip(*x)), dtype=object) for x in (o_nodes, d_nodes))
        oo, dd = np.meshgrid(np.arange(len(o_nodes)), np.arange(len(d_nodes)), indexing="ij")
        keep = (o_id[:, None] != d_id[None, :]).ravel()
        oi, di = oo.ravel()[keep], dd.ravel()[keep]
        dt, nt = dtd.ravel()[keep], net.ravel()[keep]
        # millions of rows: names and node ids as categoricals (codes into the place lists), not strings per row
        return _with_provenance(m, pd.DataFrame({
            "origin": _categorical(o_name, oi), "destination": _categorical(d_name, di),
            "origin_node": _categorical(o_id, oi), "destination_node": _categorical(d_id, di),
            "reachable": ~np.isnan(dt), "network_hours": np.where(np.isfinite(nt), np.round(nt, 3), np.nan),
            "door_to_door_hours": np.round(dt, 3)}))
    m.prepare([n for n, _ in o_nodes])
    rows = []
    pairs = [(o, d) for o in o_nodes for d in d_nodes if o[0] != d[0]]
    for (o, on), (d, dn) in tqdm(pairs, disable=not progress, desc="door-to-door", unit="pair"):
        j = m.journey(o, d, via_hubs=via_hubs)
        crit = j.critical_leg
        rows.append({
            "origin": on, "destination": dn, "origin_node": o, "destination_node": d, "reachable": j.reachable,
            "network_hours": _num(j.network_hours), "door_to_door_hours": _num(j.door_to_door_hours),
            "direct_hours": _num(j.direct_hours), "delivered": j.delivered_at or "",
            "km": _num(j.km), "via": ";".join(j.via),
            "critical_leg": f"{crit.mode} {crit.from_}->{crit.to}, {crit.hours:.2f} h" if crit else "",
        })
    return _with_provenance(m, pd.DataFrame(rows))


def _with_provenance(m: ServiceModel, df: pd.DataFrame) -> pd.DataFrame:
    """``df`` with ``attrs['provenance']``: what the model's answers rest on (ServiceModel.provenance)."""
    df.attrs["provenance"] = m.provenance
    return df


def _categorical(values: np.ndarray, index: np.ndarray) -> pd.Categorical:
    """values[index] as a categorical column, built from codes (no string per row)."""
    cats, codes = np.unique(values.astype(str), return_inverse=True)
    return pd.Categorical.from_codes(codes[index], categories=cats)


def _num(v) -> float:
    return float("nan") if v is None or not np.isfinite(v) else round(float(v), 3)


def _od_chunk(origins: list[str], destinations, region: str, via_hubs, hub_ids, detail, product) -> pd.DataFrame:
    """One Dask task: the rows of some origins (names resolved on the worker)."""
    return od_matrix(origins, destinations, region=region, via_hubs=via_hubs, hub_ids=hub_ids, detail=detail,
                     product=product)


def _od_dask(origins, destinations, region, via_hubs, scheduler, n_workers, hub_ids, progress,
             detail, product=None) -> pd.DataFrame:
    from dask.distributed import Client, LocalCluster, progress as dask_progress

    o_nodes = place_nodes(origins, region)
    names = [node_code(n) for n, _ in o_nodes]  # adcodes / hub ids resolve back through locate
    chunks = [names[i:i + max(1, len(names) // (4 * max(1, n_workers)))]
              for i in range(0, len(names), max(1, len(names) // (4 * max(1, n_workers))))]
    dest = destinations if isinstance(destinations, str) else list(destinations)
    cluster = None
    if scheduler is None:
        cluster = LocalCluster(n_workers=n_workers, threads_per_worker=1, processes=True, dashboard_address=None)
    try:
        try:
            client = Client(scheduler or cluster, timeout=f"{settings.DASK_CONNECT_TIMEOUT_S}s")
        except (OSError, TimeoutError) as exc:
            raise InputError(f"cannot reach the Dask scheduler at {scheduler} within "
                             f"{settings.DASK_CONNECT_TIMEOUT_S} s ({type(exc).__name__}); check the address "
                             "(e.g. tcp://10.0.0.5:8786) or leave --scheduler out for a local cluster") from None
        with client:
            futures = [client.submit(_od_chunk, c, dest, region, via_hubs, hub_ids, detail, product, pure=False)
                       for c in chunks]
            if progress:
                dask_progress(futures)
            parts = client.gather(futures)
    finally:
        if cluster is not None:
            cluster.close()
    out = pd.concat(parts, ignore_index=True)
    out.attrs["provenance"] = parts[0].attrs.get("provenance", {}) if parts else {}
    return out


MATRIX_MODES = ("road", "rail", "air", "multimodal")


def mode_matrix(origins: str | Iterable[str] = "cities", destinations: str | Iterable[str] = "cities", *,
                region: str, mode: str, model: ServiceModel | None = None, progress: bool = False) -> pd.DataFrame:
    """Network hours on one mode only: 'road' (roads and ferries), 'air' or 'rail' (the path must ride that mode,
    with road access at both ends; geonet.paths.layered). One row per ordered pair: origin, destination,
    origin_node, destination_node, reachable, mode, network_hours (the whole path, access and transfers
    included, no schedules) and ride_hours (time aboard the main mode only: flights, trains with their dwell, or
    road and ferry legs; access, transfers and waits excluded). NaN where no such path exists."""
    if mode not in MATRIX_MODES or mode == "multimodal":
        raise InputError(f"mode_matrix takes road, rail or air (multimodal is od_matrix), got {mode!r}")
    m = model or service_model(region)
    G = m.G
    o_nodes, d_nodes = place_nodes(origins, region), place_nodes(destinations, region)
    main = {"road": {"road", "ferry"}, "air": {"air"}, "rail": {"rail"}}[mode]
    if mode == "road":
        H, src, dst = G, (lambda n: n), (lambda n: n)
        keep = lambda d: d.get("mode") in ROAD_EDGE_MODES  # noqa: E731
    else:
        if not any(d.get("mode") == mode for _, _, d in G.edges(data=True)):
            raise InputError(f"the {region} network has no {mode} links; build it with that mode")
        H, src, dst = layered(G, mode), (lambda n: (n, 0)), (lambda n: (n, 1))
        keep = None
    snap = Snapshot.from_graph(H, edge_filter=keep)
    # time aboard of each chosen edge: its travel time when it is the main mode, else 0 (a tiny epsilon keeps
    # the sparse entry explicit)
    coo = snap.matrix.tocoo()
    edges = (H.edges[snap.nodes[i], snap.nodes[j], snap.edge_keys[(i, j)]] for i, j in zip(coo.row, coo.col))
    rw = np.array([float(e.get("travel_time", 0.0)) if e.get("mode") in main else 0.0 for e in edges])
    from scipy.sparse import csr_matrix

    R = csr_matrix((rw + 1e-12, (coo.row, coo.col)), shape=snap.matrix.shape)
    d_idx = np.array([snap.index.get(dst(n), -1) for n, _ in d_nodes])
    rows = []
    for o, on in tqdm(o_nodes, desc=f"{mode} matrix", unit="origin", disable=not progress):
        s = snap.index.get(src(o))
        if s is None:
            dist, aboard = np.full(len(snap.nodes), np.inf), np.zeros(len(snap.nodes))
        else:
            dist, pred = snap.times([src(o)], predecessors=True)
            dist, pred = dist[0], pred[0]
            aboard = np.zeros(len(snap.nodes))
            order = np.argsort(dist)
            order = order[np.isfinite(dist[order]) & (pred[order] >= 0)]
            w = np.asarray(R[pred[order], order]).ravel() - 1e-12
            for v, p_, x in zip(order.tolist(), pred[order].tolist(), w.tolist()):
                aboard[v] = aboard[p_] + x
        for (d, dn), j in zip(d_nodes, d_idx):
            if d == o:
                continue
            t = dist[j] if j >= 0 else np.inf
            ok = bool(np.isfinite(t))
            rows.append({"origin": on, "destination": dn, "origin_node": o, "destination_node": d, "reachable": ok,
                         "mode": mode, "network_hours": round(t / 3600, 3) if ok else np.nan,
                         "ride_hours": round(max(aboard[j], 0.0) / 3600, 3) if ok else np.nan})
    return _with_provenance(m, pd.DataFrame(rows))
