"""Explicit weight assignments (witnesses) from the papers' proofs.

A witness is a weight setting with small integer entries whose matricization has a
known Kronecker structure. One integer point with rank ``>= k`` proves that the rank
is ``>= k`` for almost every weight setting (a ``k x k`` minor is a nonzero
polynomial), so a witness certifies an almost-everywhere lower bound for any N: the
structured contraction (:mod:`convac_verify.engines.structured`) computes its rank as a
product of small exact ranks.
"""

from __future__ import annotations

from collections.abc import Sequence

import networkx as nx
import numpy as np

from . import trees
from .decompositions import resolve_widths

__all__ = ["kronecker_witness"]


def kronecker_witness(
    tree: nx.DiGraph, dim: int, widths: int | Sequence[int], merge_height: int = 1
) -> dict[int, np.ndarray]:
    """Weights that pass ``r`` channels unmixed up to ``merge_height``, sum them there,
    and select channel 1 above.

    With ``r = min(r_0, ..., r_{merge_height-1}, M)``:

    * leaves: ``a^{0,j,alpha} = e_alpha`` for ``alpha <= r``, else 0;
    * heights ``1..merge_height-1``: ``W[gamma, gamma] = 1`` for ``gamma <= r`` (channel
      ``alpha`` of a node is ``e_alpha (x) ... (x) e_alpha``);
    * height ``merge_height``: ``W[1, alpha] = 1`` for ``alpha <= r`` (all ones);
    * above, and at the root: ``W[1, 1] = 1`` (select channel 1).

    For ``merge_height = 1`` and the balanced binary tree this is the assignment of the
    proof of COLT 2016 Theorem 1: each level-1 node's odd/even matricization is
    ``I_r`` (padded) and ``[A] = I_r (x) ... (x) I_r``, of rank ``r**(N/2)``.
    For a higher ``merge_height`` and the alternating-blocks partition with blocks of
    ``2**(merge_height-1)`` modes, each node at ``merge_height`` contributes a factor
    ``sum_alpha u_alpha v_alpha^T`` with orthonormal ``u, v``, of rank ``r``; this is the
    witness used here for COLT 2016 Theorem 3 (constructed for this tool in the spirit
    of the proof in the paper's App. A).

    References
    ----------
    N. Cohen, O. Sharir, A. Shashua. COLT 2016, App. B (proof of Thm 1); N. Cohen,
    "Foundations of Deep Learning" lecture notes (explicit assignment).
    """
    ws = resolve_widths(tree, widths)
    depth = len(ws)
    if not 1 <= merge_height <= depth:
        raise ValueError(f"merge_height must be in 1..{depth}; got {merge_height}")
    r = min([*ws[:merge_height], dim])
    root = trees.root(tree)
    weights: dict[int, np.ndarray] = {}
    for j in range(trees.n_modes(tree)):
        leaf = np.zeros((ws[0], dim), dtype=np.int64)
        for alpha in range(r):
            leaf[alpha, alpha] = 1
        weights[j] = leaf
    for v in trees.internal_nodes(tree):
        h = trees.height(tree, v)
        r_in = ws[trees.height(tree, trees.children(tree, v)[0])]
        r_out = 1 if v == root else ws[h]
        w = np.zeros((r_out, r_in), dtype=np.int64)
        if h < merge_height and v != root:
            for gamma in range(r):
                w[gamma, gamma] = 1
        elif h == merge_height:
            w[0, :r] = 1
        else:
            w[0, 0] = 1
        weights[v] = w
    return weights
