"""Joint-span upper bounds: a structural bound at least as tight as the c-recursion.

For a node ``nu`` and a partition (I, J) write ``X^{nu,gamma} = [[phi^{nu,gamma}]]`` for
the matricized channels and track three numbers, valid for **all** weights:

* ``c(nu)``  -- the rank of any one channel (the c-recursion of ICLR 2017 Thm 1);
* ``R(nu)``  -- the dimension of the joint column space ``sum_gamma col(X^{nu,gamma})``;
* ``C(nu)``  -- the dimension of the joint row space.

Facts used: ``col(A (x) B) = col(A) (x) col(B)``; column spaces of sums lie in the sum
of the column spaces; a matrix's rank is at most the dimension of any space holding
its columns (or rows).

Same-channel pooling (:class:`~convac_verify.networks.decompositions.TreeDecomposition`),
node ``nu`` with children ``c_1..c_k`` and ``r_in`` input channels::

    leaf in I:  c = 1, R = min(r_0, M), C = 1        (r_0 vectors in R^M)
    leaf in J:  c = 1, R = 1, C = min(r_0, M)
    R(nu) = min(M**|I_nu|, prod_c R(c), r_in * prod_c c(c))
    C(nu) = min(M**|J_nu|, prod_c C(c), r_in * prod_c c(c))
    c(nu) = min(R(nu), C(nu), r_in * prod_c c(c))

(``X^{nu,gamma} = sum_alpha W[gamma,alpha] (x)_c X^{c,alpha}``: its columns lie in
``sum_alpha (x)_c col(X^{c,alpha})`` and in ``(x)_c col(c)``.) Dropping ``R`` and ``C``
gives back :func:`convac_verify.bounds.recursion.recursive_upper_bound`, so this bound is never
larger. Example: square pooling on a 4x4 grid, M = r = 2, checkerboard: the
c-recursion gives 32, the joint spans 16 (each split window's columns lie in the
r_0-dimensional span of ``a_beta (x) a_beta``), which random weights attain.

The per-child-weights decomposition of Cohen, Tamari & Shashua is handled by
:func:`dilated_span_bound` in :mod:`convac_verify.networks.dilated`.

References
----------
N. Cohen, A. Shashua. ICLR 2017, Thm 1 (the c-recursion this refines). N. Cohen,
R. Tamari, A. Shashua. ICLR 2018, proof of Thm 7 (column spaces of Kronecker
products of matricized subtrees).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import networkx as nx

from ..networks import trees
from ..networks.decompositions import resolve_widths
from ..networks.partitions import Partition

__all__ = ["SPAN_BASIS", "NodeSpans", "node_spans", "span_upper_bound"]

SPAN_BASIS = "joint-span recursion (structural, all weights)"


@dataclass(frozen=True)
class NodeSpans:
    """Bounds at one node, for all weights."""

    channel_rank: int
    """c: rank of any single channel."""
    col_span: int
    """R: dimension of the joint column space of all channels."""
    row_span: int
    """C: dimension of the joint row space of all channels."""


def node_spans(
    tree: nx.DiGraph, dim: int, widths: int | Sequence[int], partition: Partition
) -> dict[int, NodeSpans]:
    """:class:`NodeSpans` of every node of a same-channel decomposition."""
    ws = resolve_widths(tree, widths)
    rows = set(partition.rows)
    out: dict[int, NodeSpans] = {}
    for v in trees.postorder(tree):
        kids = trees.children(tree, v)
        if not kids:
            span = min(ws[0], dim)
            out[v] = NodeSpans(1, span, 1) if v in rows else NodeSpans(1, 1, span)
            continue
        modes = trees.leaves_below(tree, v)
        n_i = sum(1 for m in modes if m in rows)
        r_in = ws[trees.height(tree, kids[0])]
        terms = r_in
        prod_r = prod_c = 1
        for k in kids:
            terms *= out[k].channel_rank
            prod_r *= out[k].col_span
            prod_c *= out[k].row_span
        col = min(dim**n_i, prod_r, terms)
        row = min(dim ** (len(modes) - n_i), prod_c, terms)
        out[v] = NodeSpans(min(col, row, terms), col, row)
    return out


def span_upper_bound(
    tree: nx.DiGraph, dim: int, widths: int | Sequence[int], partition: Partition
) -> int:
    """Upper bound on ``rank [[A]]_{I,J}`` for every weight setting (same-channel pooling).

    Examples
    --------
    >>> from convac_verify.networks.geometry2d import Grid, square_tree
    >>> from convac_verify.networks.partitions2d import parse_grid_partition
    >>> import numpy as np
    >>> g = Grid(4, 4)
    >>> P = parse_grid_partition("checkerboard", g, np.random.default_rng(0))
    >>> span_upper_bound(square_tree(g), 2, 2, P)
    16
    """
    return node_spans(tree, dim, widths, partition)[trees.root(tree)].channel_rank
