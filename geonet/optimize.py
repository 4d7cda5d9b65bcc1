"""Hub placement: p-hub median (single or multiple allocation), p-hub center and maximal covering.

Models follow spopt's shape (``from_cost_matrix`` -> ``solve``). The p-hub median is the Ernst &
Krishnamoorthy flow formulation (Location Science 4, 1996; EJOR 104, 1998) solved exactly as a MILP with HiGHS
(scipy.optimize.milp). The p-hub center enumerates hub sets exactly where that is small enough, else runs a
labelled greedy + swap heuristic. Maximal covering uses spopt's MCLP.
Benchmark readers: AP (Australia Post) and CAB formats of ../shared/data/phub (see its README).
"""

from __future__ import annotations

import itertools
import math
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from scipy.optimize import Bounds, LinearConstraint, milp

from . import checks
from .errors import DataError, InputError
from .io import read_text

ENUMERATION_LIMIT = 300_000  # hub sets; above it the p-hub center falls back to the labelled heuristic


@dataclass
class HubInstance:
    """A hub-location instance: cost[i, j] per unit flow, flow[i, j], collection/transfer/distribution
    factors (cost of i->k->l->j = collect*c[i,k] + transfer*c[k,l] + distribute*c[l,j]) and p."""

    cost: np.ndarray
    flow: np.ndarray
    p: int
    collect: float = 1.0
    transfer: float = 1.0
    distribute: float = 1.0
    name: str = ""

    def __post_init__(self) -> None:
        cost, flow = np.asarray(self.cost, float), np.asarray(self.flow, float)
        if cost.ndim != 2 or cost.shape[0] != cost.shape[1] or cost.shape != flow.shape or len(cost) < 2:
            raise DataError(f"{self.name or 'instance'}: costs and flows must be square matrices of the same size "
                            f"(at least 2 nodes), got {cost.shape} and {flow.shape}")
        if not (np.isfinite(cost).all() and np.isfinite(flow).all() and (cost >= 0).all() and (flow >= 0).all()):
            raise DataError(f"{self.name or 'instance'}: costs and flows must be finite and non-negative")
        for k in ("collect", "transfer", "distribute"):
            checks.number(getattr(self, k), f"{self.name or 'instance'}: {k} factor", "cost units", 0, 1e6)
        self.cost, self.flow = cost, flow

    @property
    def n(self) -> int:
        return len(self.cost)

    @classmethod
    def from_ap(cls, path: str | Path, p: int | None = None) -> HubInstance:
        """Read an AP file (n; n coordinates; n x n flows; p; c t d). Costs = Euclidean distance / 1000,
        the convention of the published AP objectives (phub README)."""
        nums = _numbers(path)
        try:
            n = int(nums[0])
            if not 2 <= n <= 10_000 or len(nums) < 1 + 2 * n + n * n + 4:
                raise ValueError
            xy = np.array(nums[1:1 + 2 * n]).reshape(n, 2)
            w = np.array(nums[1 + 2 * n:1 + 2 * n + n * n]).reshape(n, n)
            rest = nums[1 + 2 * n + n * n:]
            p_file, c, t, d = int(rest[0]), rest[1], rest[2], rest[3]
        except (ValueError, IndexError):
            raise DataError(f"{path}: not an AP hub-location file (n, coordinates, flows, p, c, t, d)") from None
        cost = np.sqrt(((xy[:, None, :] - xy[None, :, :]) ** 2).sum(-1)) / 1000.0
        return cls(cost, w, p or p_file, c, t, d, Path(path).name)

    @classmethod
    def from_cab(cls, path: str | Path, p: int, n: int | None = None, alpha: float = 1.0) -> HubInstance:
        """Read a CAB file (lines 'i j W C', optionally under an AMPL header); the first ``n`` nodes
        (10, 15, 20 or all 25); collection = distribution = 1, transfer = ``alpha``."""
        rows = []
        for line in read_text(path, "instance file").splitlines():
            parts = line.replace(";", " ").split()
            if len(parts) == 4:
                try:
                    rows.append((int(parts[0]), int(parts[1]), float(parts[2]), float(parts[3])))
                except ValueError:
                    continue
        if not rows:
            raise DataError(f"{path}: no 'i j W C' lines: not a CAB file")
        size = max(max(r[0], r[1]) for r in rows)
        w, c = np.zeros((size, size)), np.zeros((size, size))
        for i, j, wij, cij in rows:
            w[i - 1, j - 1], c[i - 1, j - 1] = wij, cij
        k = n or size
        if not 2 <= k <= size:
            raise InputError(f"--nodes {k}: the CAB file {Path(path).name} has {size} nodes; use 2 to {size}")
        return cls(c[:k, :k], w[:k, :k], p, 1.0, alpha, 1.0, f"{Path(path).name}[{k}]")


def _numbers(path: str | Path) -> list[float]:
    p = Path(path)
    try:
        return [float(x) for x in read_text(p, "instance file").split()]
    except ValueError:
        raise DataError(f"{p}: expected whitespace-separated numbers") from None


@dataclass
class HubSolution:
    """hubs: 0-based node indices; allocation: node -> hub (single) or None (multiple)."""

    objective: float
    hubs: list[int]
    allocation: list[int] | None
    optimal: bool
    seconds: float
    method: str
    extra: dict = field(default_factory=dict)

    def to_dict(self, one_based: bool = True) -> dict:
        off = 1 if one_based else 0
        return {"objective": self.objective, "hubs": [h + off for h in self.hubs],
                "allocation": None if self.allocation is None else [a + off for a in self.allocation],
                "optimal": self.optimal, "seconds": round(self.seconds, 3), "method": self.method}


def evaluate_single(inst: HubInstance, alloc: np.ndarray) -> float:
    """Total cost of a single allocation (node -> hub index)."""
    c, w = inst.cost, inst.flow
    a = np.asarray(alloc)
    col = inst.collect * c[np.arange(inst.n), a]
    dis = inst.distribute * c[a, np.arange(inst.n)]
    tr = inst.transfer * c[a[:, None], a[None, :]]
    return float((w * (col[:, None] + tr + dis[None, :])).sum())


def evaluate_multiple(inst: HubInstance, hubs: list[int]) -> float:
    """Total cost when every pair takes its cheapest path through the given hubs (multiple allocation)."""
    c, w, h = inst.cost, inst.flow, np.asarray(hubs)
    first = inst.collect * c[:, h][:, :, None] + inst.transfer * c[np.ix_(h, h)][None, :, :]  # i, k, l
    best_to_l = first.min(axis=1)  # i, l
    total = best_to_l[:, :, None] + inst.distribute * c[h, :][None, :, :]  # i, l, j
    return float((w * total.min(axis=1)).sum())


class _Rows:
    """Sparse constraint rows lower <= sum(val * x[col]) <= upper, built one at a time."""

    def __init__(self) -> None:
        self.rows: list[int] = []
        self.cols: list[int] = []
        self.vals: list[float] = []
        self.lo: list[float] = []
        self.hi: list[float] = []

    def add(self, entries, lower: float, upper: float) -> None:
        r = len(self.lo)
        for col, val in entries:
            self.rows.append(r)
            self.cols.append(col)
            self.vals.append(val)
        self.lo.append(lower)
        self.hi.append(upper)

    def matrix(self, n_cols: int):
        A = sp.csr_matrix((self.vals, (self.rows, self.cols)), shape=(len(self.lo), n_cols))
        return A, self.lo, self.hi


class PHubMedian:
    """Uncapacitated p-hub median, single or multiple allocation, exact MILP (HiGHS)."""

    def __init__(self, inst: HubInstance, allocation: str = "single", candidates: list[int] | None = None):
        if allocation not in ("single", "multiple"):
            raise InputError(f"allocation {allocation!r}: use single or multiple")
        if not 1 <= inst.p <= inst.n:
            raise InputError(f"p = {inst.p} must be between 1 and the number of nodes ({inst.n})")
        self.inst, self.allocation = inst, allocation
        self.candidates = sorted(set(candidates)) if candidates is not None else list(range(inst.n))
        if len(self.candidates) < inst.p:
            raise InputError(f"{len(self.candidates)} candidate sites for p = {inst.p} hubs")

    @classmethod
    def from_cost_matrix(cls, cost, flow, p: int, *, collect: float = 1.0, transfer: float = 1.0,
                         distribute: float = 1.0, allocation: str = "single",
                         candidates: list[int] | None = None) -> PHubMedian:
        return cls(HubInstance(np.asarray(cost, float), np.asarray(flow, float), p, collect, transfer, distribute),
                   allocation, candidates)

    def solve(self, time_limit: float = 120.0) -> HubSolution:
        t0 = time.perf_counter()
        res, decode = (self._single if self.allocation == "single" else self._multiple)(time_limit)
        secs = time.perf_counter() - t0
        if res.x is None:
            raise DataError(f"HiGHS found no solution within {time_limit:g} s ({res.message})")
        hubs, alloc = decode(res.x)
        obj = evaluate_single(self.inst, np.array(alloc)) if alloc is not None else evaluate_multiple(self.inst, hubs)
        return HubSolution(obj, hubs, alloc, res.status == 0, secs,
                           f"p-hub median, {self.allocation} allocation, exact MILP (Ernst & Krishnamoorthy "
                           "flow formulation, HiGHS)")

    # E&K 1996: Z[i,k] allocation (Z[k,k] = hub), Y[i,k,l] flow from origin i between hubs k != l
    def _single(self, time_limit):
        inst = self.inst
        n, c, w = inst.n, inst.cost, inst.flow
        O, D = w.sum(1), w.sum(0)
        nz, ny = n * n, n * n * n
        zi = lambda i, k: i * n + k  # noqa: E731
        yi = lambda i, k, l: nz + (i * n + k) * n + l  # noqa: E731
        cost = np.zeros(nz + ny)
        for i in range(n):
            cost[i * n:(i + 1) * n] = c[i, :] * (inst.collect * O[i] + inst.distribute * D[i])
        cost[nz:] = np.tile((inst.transfer * c).ravel(), n)
        rb = _Rows()
        add = rb.add

        add([(zi(k, k), 1.0) for k in range(n)], inst.p, inst.p)
        for i in range(n):
            add([(zi(i, k), 1.0) for k in range(n)], 1, 1)
            for k in range(n):
                if i != k:
                    add([(zi(i, k), 1.0), (zi(k, k), -1.0)], -np.inf, 0)
        for i in range(n):
            for k in range(n):
                e = [(yi(i, k, l), 1.0) for l in range(n) if l != k] + [(yi(i, l, k), -1.0) for l in range(n) if l != k]
                e += [(zi(i, k), -O[i])] + [(zi(j, k), w[i, j]) for j in range(n)]
                merged: dict[int, float] = {}
                for col, val in e:
                    merged[col] = merged.get(col, 0.0) + val
                add(list(merged.items()), 0, 0)
        A, lo, hi = rb.matrix(nz + ny)
        ub = np.full(nz + ny, np.inf)
        ub[:nz] = 1
        for i in range(n):
            for k in range(n):
                ub[yi(i, k, k)] = 0
        for k in set(range(n)) - set(self.candidates):
            ub[zi(k, k)] = 0
        integ = np.zeros(nz + ny)
        integ[:nz] = 1
        res = milp(cost, integrality=integ, bounds=Bounds(np.zeros(nz + ny), ub),
                   constraints=LinearConstraint(A, lo, hi), options={"time_limit": time_limit, "disp": False})

        def decode(x):
            z = np.round(x[:nz]).reshape(n, n)
            hubs = [k for k in range(n) if z[k, k] > 0.5]
            return hubs, [int(np.argmax(z[i])) for i in range(n)]

        return res, decode

    # E&K 1998 (multiple): H[k] hub, Z[i,k] flow i->k, Y[i,k,l] hub-hub flow of origin i, X[i,l,j] l->j
    def _multiple(self, time_limit):
        inst = self.inst
        n, c, w = inst.n, inst.cost, inst.flow
        O = w.sum(1)
        nh, nzz, ny, nx = n, n * n, n ** 3, n ** 3
        H = lambda k: k  # noqa: E731
        Z = lambda i, k: nh + i * n + k  # noqa: E731
        Y = lambda i, k, l: nh + nzz + (i * n + k) * n + l  # noqa: E731
        X = lambda i, l, j: nh + nzz + ny + (i * n + l) * n + j  # noqa: E731
        N = nh + nzz + ny + nx
        cost = np.zeros(N)
        for i in range(n):
            cost[Z(i, 0):Z(i, 0) + n] = inst.collect * c[i, :]
        cost[nh + nzz:nh + nzz + ny] = np.tile((inst.transfer * c).ravel(), n)
        cost[nh + nzz + ny:] = np.tile((inst.distribute * c).ravel(), n)
        rb = _Rows()
        add = rb.add

        add([(H(k), 1.0) for k in range(n)], inst.p, inst.p)
        for i in range(n):
            add([(Z(i, k), 1.0) for k in range(n)], O[i], O[i])
            for j in range(n):
                if w[i, j] > 0:
                    add([(X(i, l, j), 1.0) for l in range(n)], w[i, j], w[i, j])
            for k in range(n):
                e = [(Y(i, k, l), 1.0) for l in range(n) if l != k] + [(X(i, k, j), 1.0) for j in range(n)]
                e += [(Y(i, l, k), -1.0) for l in range(n) if l != k] + [(Z(i, k), -1.0)]
                add(e, 0, 0)
                add([(Z(i, k), 1.0), (H(k), -O[i])], -np.inf, 0)
                for j in range(n):
                    if w[i, j] > 0:
                        add([(X(i, k, j), 1.0), (H(k), -w[i, j])], -np.inf, 0)
        A, lo, hi = rb.matrix(N)
        ub = np.full(N, np.inf)
        ub[:nh] = 1
        for k in set(range(n)) - set(self.candidates):
            ub[H(k)] = 0
        for i in range(n):
            for k in range(n):
                ub[Y(i, k, k)] = 0
                for j in range(n):
                    if w[i, j] <= 0:
                        ub[X(i, k, j)] = 0
        integ = np.zeros(N)
        integ[:nh] = 1
        res = milp(cost, integrality=integ, bounds=Bounds(np.zeros(N), ub),
                   constraints=LinearConstraint(A, lo, hi), options={"time_limit": time_limit, "disp": False})

        def decode(x):
            return [k for k in range(n) if x[H(k)] > 0.5], None

        return res, decode


class PHubCenter:
    """p-hub center with nearest-hub allocation (the planners' rule: a city uses its nearest hub):
    minimise the worst pair cost c[i,h(i)] + c[h(i),h(j)] + c[h(j),j]. Exact by enumeration up to
    ENUMERATION_LIMIT hub sets, else greedy + swap (labelled heuristic)."""

    def __init__(self, inst: HubInstance, candidates: list[int] | None = None):
        self.inst = inst
        self.candidates = sorted(set(candidates)) if candidates is not None else list(range(inst.n))

    @classmethod
    def from_cost_matrix(cls, cost, p: int, candidates: list[int] | None = None) -> PHubCenter:
        cost = np.asarray(cost, float)
        return cls(HubInstance(cost, np.ones_like(cost), p), candidates)

    def value(self, hubs) -> float:
        c = self.inst.cost
        h = np.asarray(hubs)
        a = h[np.argmin(c[:, h], axis=1)]
        n = self.inst.n
        tot = c[np.arange(n), a][:, None] + c[a[:, None], a[None, :]] + c[a, np.arange(n)][None, :]
        return float(tot.max())

    def solve(self, time_limit: float = 120.0) -> HubSolution:
        t0 = time.perf_counter()
        p, cand = self.inst.p, self.candidates
        if math.comb(len(cand), p) <= ENUMERATION_LIMIT:
            best = min(itertools.combinations(cand, p), key=self.value)
            return HubSolution(self.value(best), list(best), None, True, time.perf_counter() - t0,
                               "p-hub center, nearest-hub allocation, exact (all hub sets enumerated)")
        hubs = _greedy_swap(self.value, cand, p, t0 + time_limit)
        return HubSolution(self.value(hubs), hubs, None, False, time.perf_counter() - t0,
                           "p-hub center, nearest-hub allocation, HEURISTIC (greedy + swap; not proved optimal)")


def _greedy_swap(value, cand: list[int], p: int, deadline: float) -> list[int]:
    hubs: list[int] = []
    for _ in range(p):
        hubs.append(min((k for k in cand if k not in hubs), key=lambda k: value(hubs + [k])))
    improved = True
    while improved and time.perf_counter() < deadline:
        improved = False
        cur = value(hubs)
        for i in range(p):
            for k in cand:
                if k in hubs:
                    continue
                trial = hubs[:i] + [k] + hubs[i + 1:]
                v = value(trial)
                if v < cur - 1e-9:
                    hubs, cur, improved = trial, v, True
    return sorted(hubs)


def max_covering(cost, weights, radius: float, p: int, candidates: list[int] | None = None) -> HubSolution:
    """Maximal covering (spopt MCLP): choose p of the candidate columns to cover the most demand weight within
    ``radius`` (cost units). cost[i, k]: demand i to candidate k."""
    import pulp
    from spopt.locate import MCLP

    t0 = time.perf_counter()
    cost = np.asarray(cost, float)
    cand = list(range(cost.shape[1])) if candidates is None else sorted(set(candidates))
    model = MCLP.from_cost_matrix(np.nan_to_num(cost[:, cand], nan=1e12, posinf=1e12), np.asarray(weights, float),
                                  service_radius=radius, p_facilities=p)
    model = model.solve(pulp.PULP_CBC_CMD(msg=False))
    chosen = [cand[k] for k, v in enumerate(model.fac_vars) if v.value() and v.value() > 0.5]
    covered = (cost[:, chosen] <= radius).any(axis=1) if chosen else np.zeros(len(cost), bool)
    status = pulp.LpStatus[model.problem.status]
    return HubSolution(float(np.asarray(weights)[covered].sum()), chosen, None, status == "Optimal",
                       time.perf_counter() - t0, "maximal covering (spopt MCLP, CBC)",
                       {"covered": covered.tolist()})
