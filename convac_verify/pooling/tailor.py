"""Tailoring a pooling geometry to a task: rank candidate mode trees for given partitions.

The seed talk asks whether pooling geometries can be tailored to a task. Given the
partitions whose correlations must be modeled (*favored*) and, optionally, ones that
*may be limited*, :func:`rank_candidates` scores candidate geometries by proved
quantities only and returns them best first.

Candidates
----------
* ``square`` and ``mirror`` (when the grid sides are powers of 2);
* a **search** over level sequences: every sequence of windows that reduces the grid
  to one node, each level contiguous or mirrored, with window shapes ``quad`` (2x2:
  the same depth and size as square pooling; 4 sequences on 4x4), ``pairs`` (2x1, 1x2)
  or ``any`` (all three: 148 sequences on 4x4); capped by ``max_candidates`` and by a
  budget of tree nodes (large grids), in enumeration order;
* a **tailored** tree built greedily for the favored partitions
  (:func:`tailored_tree`): first-level windows of 4 patches, each chosen to be split by
  as many favored partitions as possible (ties: spatially compact), then windows of
  4 nodes grouped by proximity;
* user trees (files or specs) passed in.

Score (all terms proved for every weight setting or certified at a witness)
---------------------------------------------------------------------------
For a candidate T and partition P let ``lo(T, P)`` be the certified lower bound on the
generic rank -- ``min(r, M)**S_h`` from the best Kronecker witness
(:func:`convac_verify.pooling.profiles.witness_bound`; h = 1 is Theorem 1's), or the rank at
random weights if ``measure`` is given and it is larger -- and ``up(T, P)`` the
smallest upper bound of the bounds home (:func:`convac_verify.bounds.tree_upper_bounds`:
joint spans, c-recursion, min-cut, matrix size). Candidates are
sorted by, in order:

1. ``min`` over favored P of ``log2 lo`` (the weakest favored partition), descending;
2. ``sum`` over favored P of ``log2 lo``, descending;
3. ``sum`` over the *other* partitions (the default panel minus favored and may-limit
   ones) of ``log2 lo``, descending -- expressiveness kept elsewhere;
4. the gap ``sum over favored of log2(up / lo)``, ascending (better-determined ranks);
5. fewer levels, then the name.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache

import networkx as nx
import numpy as np

from ..bounds import best_bound, tree_upper_bounds
from ..errors import ConvacError, NotAModeTree
from ..networks import trees
from ..networks.geometry2d import Grid, Level, grid_tree, mirror_tree, square_tree
from ..networks.partitions import Partition
from .profiles import witness_bound

__all__ = [
    "Candidate",
    "CandidateScore",
    "candidates",
    "count_level_sequences",
    "iter_level_sequences",
    "level_sequences",
    "rank_candidates",
    "tailored_tree",
]

DEFAULT_MAX_CANDIDATES = 400
DEFAULT_MAX_NODES = 60_000
"""Total tree nodes the level search may build (scoring cost is nodes x partitions)."""
WINDOW_SHAPES: dict[str, tuple[tuple[int, int], ...]] = {
    "quad": ((2, 2),),
    "pairs": ((2, 1), (1, 2)),
    "any": ((2, 2), (2, 1), (1, 2)),
}
"""``--search``: which window shapes the level search uses (quad = the 4-patch windows
of ICLR 2017, so candidates have the same depth and size as square pooling)."""


@dataclass(frozen=True)
class Candidate:
    """A geometry to score."""

    name: str
    tree: nx.DiGraph
    origin: str
    """``standard``, ``search``, ``tailored`` or ``user``."""


def _shapes(h: int, w: int, search: str) -> tuple[tuple[int, int], ...]:
    shapes = WINDOW_SHAPES[search]
    if search == "quad" and (h == 1 or w == 1):
        shapes = ((min(h, 2), min(w, 2)),)
    return tuple((a, b) for a, b in shapes if h % a == 0 and w % b == 0)


@lru_cache(maxsize=1024)
def count_level_sequences(h: int, w: int, search: str = "any") -> int:
    """How many sequences :func:`iter_level_sequences` yields (without listing them).

    Examples
    --------
    >>> count_level_sequences(8, 8), count_level_sequences(32, 32) > 10**5
    (2440, True)
    """
    if h == 1 and w == 1:
        return 1
    return sum(2 * count_level_sequences(h // a, w // b, search) for a, b in _shapes(h, w, search))


def iter_level_sequences(h: int, w: int, search: str = "any") -> Iterator[tuple[Level, ...]]:
    """Every sequence of windows of the ``search`` shapes (contiguous or mirror) reducing
    ``h x w`` to one node, lazily; once a side is 1, 2x2 windows continue as 1x2 or 2x1."""
    if h == 1 and w == 1:
        yield ()
        return
    for a, b in _shapes(h, w, search):
        for kind in ("contiguous", "mirror"):
            for rest in iter_level_sequences(h // a, w // b, search):
                yield (Level(a, b, kind), *rest)


def level_sequences(h: int, w: int, search: str = "any") -> list[tuple[Level, ...]]:
    """All of :func:`iter_level_sequences` as a list (small grids).

    Examples
    --------
    >>> len(level_sequences(2, 2)), len(level_sequences(4, 4)), len(level_sequences(4, 4, "quad"))
    (10, 148, 4)
    """
    return list(iter_level_sequences(h, w, search))


def _canonical(tree: nx.DiGraph) -> object:
    def rec(v: int) -> object:
        kids = trees.children(tree, v)
        if not kids:
            return v
        return tuple(sorted((rec(c) for c in kids), key=repr))

    return rec(trees.root(tree))


def tailored_tree(grid: Grid, favored: Sequence[Partition], window: int = 4) -> nx.DiGraph:
    """A tree whose first-level windows are split by as many favored partitions as possible.

    A patch's *class* is its side (I or J) under each favored partition. Level 1 starts
    each window with a patch of the largest remaining class (reading order among ties)
    and adds, one at a time, the unassigned patch that maximizes the number of favored
    partitions splitting the window so far, then the size of its remaining class, then
    minimizes its Manhattan distance to the window. Higher levels
    group ``window`` nodes by the distance of their centroids. The last group of a level
    takes what is left (at least 2 nodes).
    """
    n = grid.n_modes
    if n < 2:
        raise NotAModeTree(f"a pooling geometry needs at least 2 patches; got grid {grid}")
    pos = np.array([grid.coords(m) for m in range(n)], dtype=np.int64)
    # side[m, k]: patch m is in I of favored partition k; its class is that row of bits
    side = np.zeros((n, len(favored)), dtype=bool)
    for k, p in enumerate(favored):
        side[list(p.rows), k] = True
    _, cls = np.unique(side, axis=0, return_inverse=True) if favored else (None, np.zeros(n, int))
    cls = np.asarray(cls).ravel()
    left = np.bincount(cls, minlength=int(cls.max()) + 1)
    free = np.ones(n, dtype=bool)
    ids = np.arange(n)

    def pick(keys: list[np.ndarray]) -> int:
        """The free patch maximizing ``keys`` lexicographically (ties: the smallest id)."""
        cand = ids[free]
        order = np.lexsort([-cand, *(k[free] for k in reversed(keys))])
        return int(cand[order[-1]])

    # level 1: patches; the largest remaining class goes first so the last windows can
    # still be split
    groups: list[list[int]] = []
    remaining = n
    while remaining:
        size = remaining if remaining < 2 * window else window
        first = pick([left[cls]])
        group = [first]
        has_i, has_j = side[first].copy(), ~side[first]
        free[first] = False
        left[cls[first]] -= 1
        spread = np.abs(pos - pos[first]).sum(axis=1)  # Manhattan distance to the window
        while len(group) < size:
            splits = ((has_i | side) & (has_j | ~side)).sum(axis=1)
            best = pick([splits, left[cls], -spread])
            group.append(best)
            free[best] = False
            left[cls[best]] -= 1
            has_i |= side[best]
            has_j |= ~side[best]
            spread = spread + np.abs(pos - pos[best]).sum(axis=1)
        groups.append(group)
        remaining -= len(group)

    def dist(a: tuple[float, float], b: tuple[float, float]) -> float:
        return abs(a[0] - b[0]) + abs(a[1] - b[1])

    nodes: list[trees.Nested] = [tuple(g) for g in groups]
    centers = [(float(pos[g, 0].mean()), float(pos[g, 1].mean())) for g in groups]
    # higher levels: proximity of centroids
    while len(nodes) > 1:
        order = sorted(range(len(nodes)), key=lambda i: (centers[i], i))
        free_i = list(order)
        new_nodes: list[trees.Nested] = []
        new_centers: list[tuple[float, float]] = []
        while free_i:
            size = len(free_i) if len(free_i) < 2 * window else window
            first = free_i.pop(0)
            members = [first]
            while len(members) < size:
                best_i = min(free_i, key=lambda i: (dist(centers[i], centers[first]), i))
                free_i.remove(best_i)
                members.append(best_i)
            new_nodes.append(tuple(nodes[i] for i in members))
            k = len(members)
            new_centers.append(
                (sum(centers[i][0] for i in members) / k, sum(centers[i][1] for i in members) / k)
            )
        nodes, centers = new_nodes, new_centers
    tree = trees.from_nested(nodes[0])
    tree.graph["grid"] = (grid.height, grid.width)
    tree.graph["name"] = "tailored"
    return nx.freeze(tree)


def candidates(
    grid: Grid,
    favored: Sequence[Partition],
    user: Sequence[tuple[nx.DiGraph, str]] = (),
    max_candidates: int = DEFAULT_MAX_CANDIDATES,
    search: str = "quad",
    max_nodes: int = DEFAULT_MAX_NODES,
) -> tuple[list[Candidate], int, int]:
    """The candidate geometries (deduplicated up to child order), how many level
    sequences there are, and how many were examined (the search stops at
    ``max_candidates`` candidates or ``max_nodes`` tree nodes in all, so that scoring
    stays fast on large grids)."""
    out: list[Candidate] = []
    seen: set[str] = set()

    def add(name: str, tree: nx.DiGraph, origin: str) -> None:
        key = repr(_canonical(tree))
        if key not in seen:
            seen.add(key)
            out.append(Candidate(name, tree, origin))

    for tree, name in user:
        add(name, tree, "user")
    try:
        add("square", square_tree(grid), "standard")
        add("mirror", mirror_tree(grid), "standard")
    except NotAModeTree:
        pass
    if search not in WINDOW_SHAPES:
        raise ConvacError(f"search must be one of {', '.join(WINDOW_SHAPES)}; got {search!r}")
    if favored:
        add("tailored", tailored_tree(grid, favored, 2 if search == "pairs" else 4), "tailored")
    total = count_level_sequences(grid.height, grid.width, search)
    examined = 0
    nodes = sum(c.tree.number_of_nodes() for c in out)
    for levels in iter_level_sequences(grid.height, grid.width, search):
        if len(out) >= max_candidates or nodes >= max_nodes:
            break
        examined += 1
        name = "rect:" + ",".join(map(str, levels))
        tree = grid_tree(grid, levels, f"rect:{grid}:{','.join(map(str, levels))}")
        add(name, tree, "search")
        nodes += tree.number_of_nodes()
    if not out:
        raise ConvacError(f"no candidate geometry fits grid {grid}")
    return out, total, examined


@dataclass(frozen=True)
class CandidateScore:
    """A candidate with its per-partition bounds and its sort key."""

    candidate: Candidate
    lower: dict[str, int]
    """Certified lower bound on the generic rank, per partition name."""
    upper: dict[str, int]
    """Proved upper bound (the bounds home's smallest), per partition name."""
    key: tuple[float, ...]
    """Sort key (smaller is better)."""

    def favored_min(self, favored: Sequence[Partition]) -> int:
        """The smallest certified lower bound over the favored partitions."""
        return min(self.lower[p.name] for p in favored)


def rank_candidates(
    cands: Sequence[Candidate],
    favored: Sequence[Partition],
    others: Sequence[Partition],
    dim: int,
    width: int,
    measure: Callable[[nx.DiGraph, Partition], int] | None = None,
) -> list[CandidateScore]:
    """Score and sort the candidates (rule in the module docstring)."""
    if not favored:
        raise ConvacError("tailoring needs at least one partition to favor (--favor)")
    scored = []
    for cand in cands:
        depth = trees.height(cand.tree, trees.root(cand.tree))
        ws = (width,) * depth
        lower: dict[str, int] = {}
        upper: dict[str, int] = {}
        for part in (*favored, *others):
            lo = witness_bound(cand.tree, dim, width, part)[0]
            if measure is not None:
                lo = max(lo, measure(cand.tree, part))
            lower[part.name] = lo
            best = best_bound(tree_upper_bounds(cand.tree, dim, ws, part))
            assert best is not None  # the bounds home always certifies the matrix size
            upper[part.name] = best.value
        fav = [math.log2(lower[p.name]) for p in favored]
        gap = sum(math.log2(upper[p.name] / lower[p.name]) for p in favored)
        key = (
            -min(fav),
            -sum(fav),
            -sum(math.log2(lower[p.name]) for p in others),
            gap,
            float(depth),
        )
        scored.append(CandidateScore(cand, lower, upper, key))
    return sorted(scored, key=lambda s: (s.key, s.candidate.name))
