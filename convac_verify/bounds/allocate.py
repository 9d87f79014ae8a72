"""Width allocation: which per-layer widths maximize the min-cut under a parameter budget.

A design question raised by Levine, Yakira, Cohen & Shashua (ICLR 2018, Sec. 6-7): the
min-cut of a partition (I, J) bounds how much a network can correlate I with J, and it
depends on *where* the channels are. For a family of partitions (say, local ones or global
ones) and a budget of parameters, :func:`allocate` compares

* **wide-base** ``r_l = r 2^floor((L-1-l)/2)`` (the paper's ``[4r, 4r, 2r, 2r, r, r]``),
* **wide-tip** ``r_l = r 2^floor(l/2)`` (``[r, r, 2r, 2r, 4r, 4r]``), each with the largest
  r that fits the budget, and
* the **optimum** over widths that are powers of 2 up to ``max_width``, by exhaustive search.

The objective is the smallest ``log2`` min-cut over the family (the worst-covered
partition), ties broken by the sum over the family, then by fewer parameters. Min-cuts
are evaluated from their symbolic form (:mod:`convac_verify.bounds.mincut_symbolic`), and
the chosen allocations' min-cuts are recomputed exactly on their networks.

Parameters are counted as in the paper, with weights shared across locations:
``M r_0 + sum_l r_{l-1} r_l + r_{L-1} Y`` (Y outputs). For ``M = Y`` (the paper: 10 and 10)
wide-base and wide-tip cost the same, ``31 r^2 + 50 r`` at depth 6.

References
----------
Y. Levine, D. Yakira, N. Cohen, A. Shashua. ICLR 2018 (arXiv 1704.01552v2), Sec. 6 and
the experiment of Sec. 7 (fig. 10).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

import networkx as nx
import numpy as np

from ..errors import ConvacError
from ..networks import trees
from ..networks.compilers import tree_network
from ..networks.partitions import Partition
from .mincut import min_cut
from .mincut_symbolic import MonomialMin, symbolic_min_cut

__all__ = ["Allocation", "allocate", "parameter_count", "wide_base", "wide_tip"]

_MAX_CANDIDATES = 2_000_000


@dataclass(frozen=True)
class Allocation:
    """Per-level widths and what they give on the family."""

    scheme: str
    """``wide-base``, ``wide-tip`` or ``optimum``."""
    widths: tuple[int, ...]
    params: int
    min_cuts: tuple[int, ...]
    """Exact min-cut of each partition of the family."""

    @property
    def worst(self) -> int:
        """The smallest min-cut over the family (the objective)."""
        return min(self.min_cuts)


def parameter_count(dim: int, widths: Sequence[int], outputs: int = 1) -> int:
    """``M r_0 + sum r_{l-1} r_l + r_{L-1} Y`` (shared weights, as in the paper)."""
    chain = [dim, *widths, outputs]
    return sum(a * b for a, b in itertools.pairwise(chain))


def wide_base(depth: int, r: int) -> tuple[int, ...]:
    """``[..., 4r, 4r, 2r, 2r, r, r]`` read from the leaves up (``r_l = r 2^floor((L-1-l)/2)``)."""
    return tuple(r * 2 ** ((depth - 1 - l) // 2) for l in range(depth))


def wide_tip(depth: int, r: int) -> tuple[int, ...]:
    """``[r, r, 2r, 2r, 4r, 4r, ...]`` (``r_l = r 2^floor(l/2)``)."""
    return tuple(r * 2 ** (l // 2) for l in range(depth))


def _largest_r(scheme: str, depth: int, dim: int, outputs: int, budget: int) -> int:
    build = wide_base if scheme == "wide-base" else wide_tip
    r = 0
    while parameter_count(dim, build(depth, r + 1), outputs) <= budget:
        r += 1
    if r == 0:
        raise ConvacError(f"--budget {budget} does not fit even r = 1 for {scheme}")
    return r


def _exact(
    tree: nx.DiGraph, dim: int, ws: tuple[int, ...], family: Sequence[Partition]
) -> tuple[int, ...]:
    net = tree_network(tree, dim, ws)
    return tuple(min_cut(net, p).value for p in family)


def allocate(
    tree: nx.DiGraph,
    dim: int,
    family: Sequence[Partition],
    budget: int,
    *,
    outputs: int = 1,
    max_width: int = 64,
) -> list[Allocation]:
    """Wide-base, wide-tip and the optimal power-of-2 widths for ``family`` within ``budget``.

    Examples
    --------
    >>> from convac_verify.networks.trees import balanced
    >>> from convac_verify.networks.partitions import left_right
    >>> [(a.scheme, a.widths, a.worst) for a in allocate(balanced(16), 2, [left_right(16)], 60)]
    [('wide-base', (4, 4, 2, 2), 2), ('wide-tip', (2, 2, 4, 4), 4), ('optimum', (2, 2, 4, 4), 4)]
    """
    if not family:
        raise ConvacError("--allocate needs at least one partition (--rows)")
    depth = trees.height(tree, trees.root(tree))
    out = []
    for scheme, build in (("wide-base", wide_base), ("wide-tip", wide_tip)):
        ws = build(depth, _largest_r(scheme, depth, dim, outputs, budget))
        out.append(
            Allocation(scheme, ws, parameter_count(dim, ws, outputs), _exact(tree, dim, ws, family))
        )
    # the optimum: exhaustive over powers of 2, objective evaluated from the symbolic min-cuts
    base_net = tree_network(tree, dim, 2)  # labels M, r0..r_{L-1}; the symbolic form ignores dims
    forms: list[MonomialMin] = [symbolic_min_cut(base_net, p) for p in family]
    exps = list(range(int(math.log2(max_width)) + 1))
    n_cand = len(exps) ** depth
    if n_cand > _MAX_CANDIDATES:
        raise ConvacError(
            f"--allocate searches {len(exps)}^{depth} = {n_cand:,} width vectors; lower --max-width"
        )
    grid = np.array(list(itertools.product(exps, repeat=depth)), dtype=np.float64)  # log2 r_l
    widths = 2.0**grid
    chain = np.concatenate(
        [np.full((len(grid), 1), dim), widths, np.full((len(grid), 1), outputs)], axis=1
    )
    params = np.sum(chain[:, :-1] * chain[:, 1:], axis=1)
    ok = params <= budget
    if not ok.any():
        raise ConvacError(f"--budget {budget} fits no power-of-2 widths")
    logs = []
    for f in forms:
        labels = list(f.symbols)
        mat = np.array(sorted(f.monomials), dtype=np.float64)  # k x S
        x = np.zeros((len(grid), len(labels)))
        for j, lab in enumerate(labels):
            if lab == "M":
                x[:, j] = math.log2(dim)
            else:
                x[:, j] = grid[:, int(lab[1:])]
        logs.append(np.min(x @ mat.T, axis=1))
    per = np.stack(logs, axis=1)
    worst = np.where(ok, per.min(axis=1), -np.inf)
    total = np.where(ok, per.sum(axis=1), -np.inf)
    order = np.lexsort((params, -total, -worst))  # max worst, then max total, then min params
    best = tuple(int(w) for w in widths[order[0]])
    out.append(
        Allocation(
            "optimum", best, parameter_count(dim, best, outputs), _exact(tree, dim, best, family)
        )
    )
    return out
