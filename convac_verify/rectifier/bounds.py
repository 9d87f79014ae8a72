"""Structural upper bounds on matricization ranks of generalized decompositions.

Each bound holds for **all** weights (and every F) and is derived from the architecture,
following the proofs of the ICML 2016 supplement:

* **sum pooling** (ReLU + average, supp. E.7): with ``g(a, b) = s(a) + s(b)``
  (``s`` = ReLU) the root computes ``A = sum_i X_i (x) 1`` with
  ``X_i = sum_alpha a_alpha s(phi^{c_i, alpha})`` a tensor over the modes of child
  ``c_i``. All children lying in I add up to one term ``f (x) 1`` (rank 1), all lying in
  J to one term (rank 1), and a child straddling the partition contributes
  ``[X_i] (x) O`` of rank at most ``min(M**|I & c_i|, M**|J & c_i|)``
  (:func:`sum_pooling_bound`). For the shallow network (all children leaves) this is
  ``[A] = v 1^T + 1 u^T``, rank <= 2; for the deep one under odd/even,
  ``[A] = V (x) O + O (x) U``, rank <= ``2 M**(N/4)`` (Claim 5).
  :func:`sum_pooling_terms` returns the ``X_i`` so a check can confirm the factorization
  entry by entry at every draw.
* **shallow max pooling** (ReLU + max, supp. E.10): each of the Z terms is
  ``max{R(d_I), C(d_J)}`` with ``R = max_{i in I} max{v_i[d_i], 0}`` taking at most
  ``M |I|`` values (rows with equal R are equal), so the rank is at most
  ``Z * min(M |I|, M |J|, M**|I|, M**|J|)``; odd/even: ``Z * M * N / 2``
  (:func:`shallow_max_bound`).
* **product pooling**: the foundation's c-recursion
  (:func:`convac_verify.bounds.recursion.recursive_upper_bound`).
* otherwise only the size of the matrix, ``min(M**|I|, M**|J|)``.

References
----------
N. Cohen, A. Shashua. ICML 2016, supplementary material, E.7 (proof of Claim 5) and
E.10 (proof of Claim 8).
"""

from __future__ import annotations

from collections.abc import Sequence

import networkx as nx
import numpy as np

from ..algebra.rationals import QArray, align
from ..bounds.recursion import UPPER_BOUND_BASIS, recursive_upper_bound
from ..networks import trees
from ..networks.partitions import Partition
from .generalized import GeneralizedDecomposition, grid_tensor_q, node_values

__all__ = [
    "matrix_size_bound",
    "shallow_max_bound",
    "structural_bound",
    "sum_pooling_bound",
    "sum_pooling_factorization_holds",
    "sum_pooling_terms",
]

SUM_BASIS = "sum pooling: A = sum over root children of X_i (x) 1 (ICML16 supp. E.7)"
E10_BASIS = "shallow max pooling: Z terms of <= M*|I| distinct rows each (ICML16 supp. E.10)"
SIZE_BASIS = "size of the matricization"


def matrix_size_bound(dim: int, partition: Partition) -> int:
    """``min(M**|I|, M**|J|)``."""
    return int(min(dim ** len(partition.rows), dim ** len(partition.cols)))


def sum_pooling_bound(tree: nx.DiGraph, dim: int, partition: Partition) -> int:
    """Rank bound of ``[[A]]_{I,J}`` for sum pooling (ReLU + average), all weights.

    Examples
    --------
    >>> from convac_verify.networks.partitions import odd_even
    >>> from convac_verify.networks.trees import balanced, cp_tree
    >>> sum_pooling_bound(cp_tree(8), 3, odd_even(8))     # shallow: v 1^T + 1 u^T
    2
    >>> sum_pooling_bound(balanced(8), 3, odd_even(8))    # deep: 2 * M**(N/4)
    18
    """
    rows = set(partition.rows)
    in_rows = in_cols = False
    total = 0
    for child in trees.children(tree, trees.root(tree)):
        modes = trees.leaves_below(tree, child)
        n_i = sum(m in rows for m in modes)
        n_j = len(modes) - n_i
        if n_j == 0:
            in_rows = True
        elif n_i == 0:
            in_cols = True
        else:
            total += min(dim**n_i, dim**n_j)
    return min(total + int(in_rows) + int(in_cols), matrix_size_bound(dim, partition))


def shallow_max_bound(n_modes: int, dim: int, width: int, partition: Partition) -> int:
    """Supp. E.10: rank of a Z-channel shallow ReLU + max network, all weights.

    Examples
    --------
    >>> from convac_verify.networks.partitions import odd_even
    >>> shallow_max_bound(8, 3, 1, odd_even(8))    # Z * M * N / 2
    12
    """
    i, j = len(partition.rows), len(partition.cols)
    return width * min(dim * i, dim * j, dim**i, dim**j)


def structural_bound(
    tree: nx.DiGraph, dim: int, widths: Sequence[int], partition: Partition, operator: str
) -> tuple[int, str]:
    """The best structural bound this module knows, and what it rests on."""
    size = matrix_size_bound(dim, partition)
    root_kids = trees.children(tree, trees.root(tree))
    is_cp = all(not trees.children(tree, c) for c in root_kids)
    if operator == "avg":
        return sum_pooling_bound(tree, dim, partition), SUM_BASIS
    if operator == "max" and is_cp:
        return min(shallow_max_bound(len(root_kids), dim, widths[0], partition), size), E10_BASIS
    if operator == "prod":
        return recursive_upper_bound(tree, dim, tuple(widths), partition), UPPER_BOUND_BASIS
    return size, SIZE_BASIS


def sum_pooling_terms(decomp: GeneralizedDecomposition) -> list[tuple[tuple[int, ...], QArray]]:
    """The proof's terms: ``(modes of c_i, X_i)`` with ``A = sum_i X_i (x) 1`` (sum pooling).

    ``X_i = sum_alpha a^{root}_alpha max{phi^{c_i, alpha}, 0}``, flattened in the tree's
    leaf order below ``c_i``.
    """
    tree = decomp.tree
    root = trees.root(tree)
    w = decomp.weights[root]
    terms = []
    for child in trees.children(tree, root):
        phi = node_values(decomp, child)
        relu = QArray(np.asarray(np.maximum(phi.num, 0), dtype=object), phi.den)
        terms.append((trees.leaves_below(tree, child), w.matmul(relu)))
    return terms


def sum_pooling_factorization_holds(decomp: GeneralizedDecomposition) -> bool:
    """Whether the grid tensor equals ``sum_i X_i (x) 1`` entry by entry (exactly)."""
    n, dim = decomp.n_modes, decomp.dim
    tensor = grid_tensor_q(decomp)
    parts: list[QArray] = []
    for modes, x in sum_pooling_terms(decomp):
        shape = [1] * n
        block = x.num[0].reshape((dim,) * len(modes))
        block = np.transpose(block, np.argsort(modes))  # axes in increasing mode order
        for m in modes:
            shape[m] = dim
        parts.append(QArray(np.asarray(block.reshape(shape), dtype=object), x.den))
    nums, den = align(parts)
    total = nums[0]
    for extra in nums[1:]:
        total = np.add(total, extra)
    full = QArray(np.asarray(np.broadcast_to(total, (dim,) * n), dtype=object), den)
    return full.equals(tensor)
