"""The evaluators the tensor-network contraction replaced, kept here only as the
benchmarks' baseline (``benchmarks/networks.py`` times both in the same run).

Verbatim from ``convac_verify/networks/grid.py`` (recursive same-channel tree evaluator)
and ``convac_verify/networks/dilated.py`` (eq. 3 evaluator) before the network core.
"""

from __future__ import annotations

from functools import reduce

import numpy as np

from convac_verify.algebra.fields import Array, Ring
from convac_verify.networks import trees
from convac_verify.networks.decompositions import TreeDecomposition
from convac_verify.networks.dilated import DilatedDecomposition


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


def _combine(ring: Ring, weights: Array, channels: Array) -> Array:
    """``weights @ channels`` in the ring: ``(out, r) x (r, n) -> (out, n)``."""
    acc: Array | None = None
    for alpha in range(weights.shape[1]):
        term = ring.mul(weights[:, alpha : alpha + 1], channels[alpha : alpha + 1, :])
        acc = term if acc is None else ring.add(acc, term)
    assert acc is not None
    return acc


def _node_tensor(decomp: DilatedDecomposition, node: int) -> Array:
    """``phi^{node, gamma}`` for all channels: ``(out, M**|node|)``, tree leaf order."""
    kids = trees.children(decomp.tree, node)
    if not kids:
        return np.ascontiguousarray(np.asarray(decomp.discretizers).T)
    ring = decomp.ring
    factors = [
        _combine(ring, w, _node_tensor(decomp, c))
        for w, c in zip(decomp.weights[node], kids, strict=True)
    ]
    return reduce(
        lambda a, b: ring.mul(a[:, :, None], b[:, None, :]).reshape(a.shape[0], -1), factors
    )


def dilated_grid_tensor(decomp: DilatedDecomposition) -> Array:
    """The grid tensor ``A^y``: shape ``(M,) * N``, axis m = mode m."""
    root = trees.root(decomp.tree)
    flat = _node_tensor(decomp, root)[0]
    order = trees.leaves_below(decomp.tree, root)
    tensor = flat.reshape((decomp.dim,) * decomp.n_modes)
    return np.transpose(tensor, np.argsort(order))
