"""Brute-force grid tensors, entry by entry, for cross-checking the contraction.

Deliberately naive and independent of the package's contraction: every entry
``A[d_1..d_N]`` is the decomposition's recursion evaluated with Python integers.
"""

from __future__ import annotations

import itertools

import numpy as np

from convac_verify.networks import trees


def _ints(a: object) -> list[list[int]]:
    return [[int(v) for v in row] for row in np.asarray(a, dtype=object)]


def tree_grid(decomp: object, modulus: int | None) -> np.ndarray:
    """Same-channel tree decomposition (COLT eq. 4 on any tree)."""
    tree, n, dim = decomp.tree, decomp.n_modes, decomp.dim  # type: ignore[attr-defined]
    w = {v: _ints(a) for v, a in decomp.weights.items()}  # type: ignore[attr-defined]
    out = np.empty((dim,) * n, dtype=object)
    for idx in itertools.product(range(dim), repeat=n):
        val: dict[int, list[int]] = {}
        for v in trees.postorder(tree):
            kids = trees.children(tree, v)
            if not kids:
                val[v] = [row[idx[v]] for row in w[v]]
                continue
            pooled = [1] * len(w[v][0])
            for c in kids:
                pooled = [p * x for p, x in zip(pooled, val[c], strict=True)]
            val[v] = [sum(a * p for a, p in zip(row, pooled, strict=True)) for row in w[v]]
        e = val[trees.root(tree)][0]
        out[idx] = e % modulus if modulus else e
    return out


def dilated_grid(decomp: object, modulus: int | None) -> np.ndarray:
    """Cohen-Tamari-Shashua eq. 3: per-child weights, product pooling, discretizers V."""
    tree, n, dim = decomp.tree, decomp.n_modes, decomp.dim  # type: ignore[attr-defined]
    v_mat = _ints(decomp.discretizers)  # type: ignore[attr-defined]
    w = {v: [_ints(a) for a in mats] for v, mats in decomp.weights.items()}  # type: ignore[attr-defined]
    out = np.empty((dim,) * n, dtype=object)
    for idx in itertools.product(range(dim), repeat=n):
        val: dict[int, list[int]] = {}
        for v in trees.postorder(tree):
            kids = trees.children(tree, v)
            if not kids:
                val[v] = list(v_mat[idx[v]])
                continue
            prod = [1] * len(w[v][0])
            for mat, c in zip(w[v], kids, strict=True):
                comb = [sum(a * x for a, x in zip(row, val[c], strict=True)) for row in mat]
                prod = [p * y for p, y in zip(prod, comb, strict=True)]
            val[v] = prod
        e = val[trees.root(tree)][0]
        out[idx] = e % modulus if modulus else e
    return out
