"""Grid tensors: the coefficient tensor of a decomposition, evaluated exactly.

With the identity representation matrix (``F = I``, the default throughout the depth
checks) the grid tensor of a ConvAC equals its coefficient tensor ``A^y``: an order-N
tensor with dimension M in every mode. Entries live in the decomposition's ring
(GF(p) as ``uint64`` residues, or Z as Python ints), so nothing overflows.

Layout: :func:`grid_tensor` returns an array of shape ``(M,) * N`` whose axis ``m`` is
mode ``m``. It may be a non-contiguous view (axes are permuted from the tree's leaf
order without copying); :func:`convac_verify.networks.matricize.matricize` copies once.

The contraction is bottom-up over the mode tree. At each node the scalar weight is
folded into the smallest factor before the outer products, so a node with two
children of sizes ``n1, n2`` costs ``r_out * r_in`` modular outer products of size
``n1 * n2``.
"""

from __future__ import annotations

from functools import reduce

import numpy as np

from ..algebra.fields import Array, Ring
from . import trees
from .decompositions import TreeDecomposition

__all__ = ["grid_tensor", "grid_tensor_bytes", "node_tensor"]

_BYTES_PER_ENTRY = 8


def grid_tensor_bytes(n_modes: int, dim: int) -> int:
    """Bytes of one ``uint64`` grid tensor with ``dim**n_modes`` entries."""
    return int(dim) ** int(n_modes) * _BYTES_PER_ENTRY


def _outer(ring: Ring, factors: list[Array]) -> Array:
    """Flattened outer product ``f_1 (x) f_2 (x) ...`` (first factor most significant)."""
    return reduce(lambda a, b: ring.mul(a[:, None], b[None, :]).ravel(), factors)


def node_tensor(decomp: TreeDecomposition, node: int) -> Array:
    """``phi^{node, gamma}`` for all channels: shape ``(out_width, M**|node|)``.

    Entries are flattened with the modes in the tree's leaf order below ``node``
    (:func:`convac_verify.networks.trees.leaves_below`), the first mode most significant.
    """
    tree, ring = decomp.tree, decomp.ring
    kids = trees.children(tree, node)
    if not kids:
        return decomp.weights[node]
    child_tensors = [node_tensor(decomp, c) for c in kids]
    w = decomp.weights[node]
    smallest = min(range(len(kids)), key=lambda i: child_tensors[i].shape[1])
    rows = []
    for gamma in range(w.shape[0]):
        acc: Array | None = None
        for alpha in range(w.shape[1]):
            factors = [t[alpha] for t in child_tensors]
            factors[smallest] = ring.mul(w[gamma, alpha], factors[smallest])
            term = _outer(ring, factors)
            acc = term if acc is None else ring.add(acc, term)
        assert acc is not None  # in_width >= 1
        rows.append(acc)
    return np.stack(rows) if len(rows) > 1 else rows[0][None, :]


def grid_tensor(decomp: TreeDecomposition) -> Array:
    """The grid tensor of ``decomp``: shape ``(M,) * N``, axis ``m`` = mode ``m``.

    Examples
    --------
    >>> from convac_verify.algebra.fields import IntegerRing
    >>> from convac_verify.networks.trees import cp_tree
    >>> from convac_verify.networks.decompositions import decomposition_from_weights
    >>> W = {0: [[1, 2]], 1: [[3, 4]], 2: [[1]]}   # rank-1: (1,2) (x) (3,4)
    >>> d = decomposition_from_weights(cp_tree(2), 2, 1, W, IntegerRing())
    >>> grid_tensor(d).tolist()
    [[3, 4], [6, 8]]
    """
    root = trees.root(decomp.tree)
    flat = node_tensor(decomp, root)[0]
    order = trees.leaves_below(decomp.tree, root)
    tensor = flat.reshape((decomp.dim,) * decomp.n_modes)
    return np.transpose(tensor, np.argsort(order))
