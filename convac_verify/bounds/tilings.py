"""Tilings of an index set by a mode tree (Cohen, Tamari & Shashua, Def. 6) and the
bounds of their Theorem 7.

Definitions (modes 0-based; depth of the root = 0)
--------------------------------------------------
* ``Theta(I; T)``: the unique set of nodes of T whose leaf sets are disjoint, cover I,
  and are maximal -- a node ``nu`` with ``leaves(nu) <= I`` whose parent is not inside
  I (or which is the root). :func:`tiling` returns them in postorder.
* Theorem 7 (binary T, tree decomposition of eq. 3 with product pooling, discretizers
  spanning ``R^r``, ``{} != I != [N]``)::

      rank [[A^y]]_I <= r ** min(|Theta(I;T)|, |Theta(I^c;T)|)        (all weights)
      rank [[A^y]]_I >= r ** #{(nu1, nu2) in Theta(I;T) x Theta(I^c;T) :
                                nu1, nu2 siblings in T, depth > 1}     (almost always)

  :func:`sibling_pairs` counts the pairs. "Depth" is counted from the root (depth 0):
  the two children of the root have depth 1 and never count -- the root's output
  channel is a product of one linear combination per child, so a split at the root
  alone gives rank 1.

References
----------
N. Cohen, R. Tamari, A. Shashua. Boosting Dilated Convolutional Networks with Mixed
Tensor Decompositions. ICLR 2018 (arXiv 1703.06846v3), Def. 6 and Theorem 7.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import networkx as nx

from ..networks import trees
from ..networks.partitions import Partition

__all__ = [
    "TilingBounds",
    "depths",
    "is_binary",
    "parents",
    "sibling_pairs",
    "tiling",
    "tiling_bounds",
]


def parents(tree: nx.DiGraph) -> dict[int, int]:
    """``child -> parent`` for every non-root node."""
    return {c: v for v in trees.postorder(tree) for c in trees.children(tree, v)}


def depths(tree: nx.DiGraph) -> dict[int, int]:
    """Depth of every node (root 0)."""
    out = {trees.root(tree): 0}
    for v in reversed(trees.postorder(tree)):  # parents before children
        for c in trees.children(tree, v):
            out[c] = out[v] + 1
    return out


def is_binary(tree: nx.DiGraph) -> bool:
    """Whether every interior node has exactly two children (Def. 1: a binary mode tree)."""
    return all(len(trees.children(tree, v)) == 2 for v in trees.internal_nodes(tree))


def tiling(tree: nx.DiGraph, modes: Iterable[int]) -> list[int]:
    """``Theta(I; T)``: the maximal nodes whose leaves lie in ``modes`` (postorder).

    Examples
    --------
    Left half of the baseline tree over 8 modes is one node; odd-even gives leaves:

    >>> from convac_verify.networks.trees import balanced, leaves_below
    >>> T = balanced(8)
    >>> [leaves_below(T, v) for v in tiling(T, [0, 1, 2, 3])]
    [(0, 1, 2, 3)]
    >>> tiling(T, [0, 2, 4, 6])
    [0, 2, 4, 6]
    """
    inside_modes = set(modes)
    inside: dict[int, bool] = {}
    for v in trees.postorder(tree):
        kids = trees.children(tree, v)
        inside[v] = all(inside[c] for c in kids) if kids else v in inside_modes
    parent = parents(tree)
    return [
        v for v in trees.postorder(tree) if inside[v] and not inside.get(parent.get(v, -1), False)
    ]


def sibling_pairs(tree: nx.DiGraph, partition: Partition) -> list[tuple[int, int]]:
    """Pairs ``(nu1, nu2)`` in ``Theta(I) x Theta(I^c)`` that are siblings of depth > 1."""
    tiles_i = tiling(tree, partition.rows)
    tiles_j = set(tiling(tree, partition.cols))
    parent = parents(tree)
    depth = depths(tree)
    out = []
    for a in tiles_i:
        if a not in parent or depth[a] <= 1:
            continue
        for b in trees.children(tree, parent[a]):
            if b != a and b in tiles_j:
                out.append((a, b))
    return out


@dataclass(frozen=True)
class TilingBounds:
    """The exponents of Theorem 7 for one tree and partition."""

    tiles_i: tuple[int, ...]
    """Theta(I; T)."""
    tiles_j: tuple[int, ...]
    """Theta(I^c; T)."""
    pairs: tuple[tuple[int, int], ...]
    """Sibling pairs of depth > 1 across the two tilings."""

    @property
    def upper_exponent(self) -> int:
        """``min(|Theta(I)|, |Theta(I^c)|)``."""
        return min(len(self.tiles_i), len(self.tiles_j))

    @property
    def lower_exponent(self) -> int:
        """The number of sibling pairs."""
        return len(self.pairs)


def tiling_bounds(tree: nx.DiGraph, partition: Partition) -> TilingBounds:
    """Both tilings and the sibling pairs of Theorem 7.

    Examples
    --------
    The worked example after Theorem 7 (N = 16): the baseline tree gives
    ``r^(N/4 + N/8)`` on both sides.

    >>> from convac_verify.networks.trees import balanced
    >>> from convac_verify.networks.dilated import example_partition
    >>> b = tiling_bounds(balanced(16), example_partition(16))
    >>> b.lower_exponent, b.upper_exponent
    (6, 6)
    """
    partition.require_proper()
    return TilingBounds(
        tuple(tiling(tree, partition.rows)),
        tuple(tiling(tree, partition.cols)),
        tuple(sibling_pairs(tree, partition)),
    )
