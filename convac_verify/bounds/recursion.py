"""Structural upper bounds on matricization ranks, valid for **all** weights.

:func:`recursive_upper_bound` generalises the ``c^{l,k}`` recursion of Cohen &
Shashua (ICLR 2017, Thm 1) from 2x2 windows to any mode tree and any widths. For a
node ``nu`` with children ``c_1..c_k`` the matricization of each channel is
``sum_alpha W[gamma, alpha] (x)_c [[phi^{c,alpha}]]``, so

    c(leaf) = 1                                  (a vector: rank <= 1)
    c(nu)   = min( M**min(|I_nu|, |J_nu|),  r_in(nu) * prod_c c(c) )

(rank is subadditive, multiplicative under Kronecker products, and at most the
smaller side of the matrix). The root's value bounds ``rank [[A]]_{I,J}``. Special
cases: CP with Z terms gives ``min(M**min(|I|,|J|), Z)``; a subtree inside I or J
contributes 1; the truncated network of COLT eq. 5 under a partition that keeps its
pooled blocks one-sided gives ``r_{L_c - 1}``.

References
----------
N. Cohen, A. Shashua. Inductive Bias of Deep Convolutional Networks through Pooling
Geometry. ICLR 2017, Thm 1 (upper bound) and eq. 10.
"""

from __future__ import annotations

from collections.abc import Sequence

import networkx as nx

from ..networks import trees
from ..networks.decompositions import resolve_widths
from ..networks.partitions import Partition

__all__ = ["UPPER_BOUND_BASIS", "node_upper_bounds", "recursive_upper_bound"]

UPPER_BOUND_BASIS = "c-recursion (ICLR 2017 Thm 1, any tree)"


def node_upper_bounds(
    tree: nx.DiGraph, dim: int, widths: int | Sequence[int], partition: Partition
) -> dict[int, int]:
    """The bound ``c(nu)`` for every node (per channel)."""
    ws = resolve_widths(tree, widths)
    rows = set(partition.rows)
    c: dict[int, int] = {}
    for v in trees.postorder(tree):
        kids = trees.children(tree, v)
        if not kids:
            c[v] = 1
            continue
        modes = trees.leaves_below(tree, v)
        n_i = sum(1 for m in modes if m in rows)
        side = dim ** min(n_i, len(modes) - n_i)
        r_in = ws[trees.height(tree, kids[0])]
        prod = r_in
        for k in kids:
            prod *= c[k]
            if prod >= side:
                break
        c[v] = min(side, prod)
    return c


def recursive_upper_bound(
    tree: nx.DiGraph, dim: int, widths: int | Sequence[int], partition: Partition
) -> int:
    """Upper bound on ``rank [[A]]_{I,J}`` for every weight setting.

    Examples
    --------
    >>> from convac_verify.networks.trees import balanced, cp_tree
    >>> from convac_verify.networks.partitions import odd_even, left_right
    >>> recursive_upper_bound(balanced(16), 2, 2, odd_even(16))
    256
    >>> recursive_upper_bound(balanced(16), 2, 2, left_right(16))
    2
    >>> recursive_upper_bound(cp_tree(16), 2, 3, odd_even(16))
    3
    """
    return node_upper_bounds(tree, dim, widths, partition)[trees.root(tree)]
