"""An explicit witness for the lower bound of Theorem 7 (eq. 3 tree decompositions).

For a binary mode tree T and a partition (I, J), these integer weights make the
matricization ``[[A^y]]_{I,J}`` a Kronecker product (up to row and column order) of

* one factor ``Phi_{nu_1} Phi_{nu_2}^T`` per sibling pair ``(nu_1, nu_2)`` of
  ``Theta(I;T) x Theta(I^c;T)`` of depth > 1, where ``Phi_nu`` is the matrix whose
  columns are the r channels of ``nu``; its rank is ``rank V`` = r;
* rank-one factors for everything else.

so its rank is ``r^P`` with P the number of such pairs -- Theorem 7's lower bound at
one point, hence (the grid tensor is polynomial in the weights) for almost all weights.
The weights (``e_k``: the k-th unit vector, ``1``: all ones; one row per output
channel gamma):

* a node inside ``I`` or inside ``J`` (a tile or below one): first child ``e_gamma``,
  second child ``e_1`` -- channel gamma is ``phi^{c_1,gamma} (x) phi^{c_2,1}``, so the r
  channels stay independent (``Phi_nu = Phi_{c_1} (x) phi^{c_2,1}``);
* the parent p of a pair (not the root): ``e_gamma`` for both children --
  channel gamma is ``phi^{nu_1,gamma} (x) phi^{nu_2,gamma}``; p's parent sums them
  (all-ones weights), giving ``Phi_{nu_1} Phi_{nu_2}^T``;
* every other node (the root included): each child gets the same row for every
  channel -- ``1`` if the child is a pair's parent, else ``e_1`` -- so all channels
  carry one tensor, the Kronecker product of the children's.

Discretizers: ``V`` = the first r columns of ``I_M`` (M >= r), of rank r. The pair at
depth 1 (the root's children) is not counted: the root has one output channel, so a
split at the root alone gives rank 1 -- the reason for "depth > 1" in Theorem 7.

This witness was constructed for this tool in the spirit of the paper's proof (which
propagates Kronecker factors with ``(A A') (.) (B B') = (A (.) B)(A' (.) B')``); its
rank is computed without the grid tensor by
:func:`convac_verify.engines.dilated_structured.dilated_structured_rank` and, where it
fits, densely (the two agree; ``tests/test_dilated_witness.py``).

References
----------
N. Cohen, R. Tamari, A. Shashua. ICLR 2018 (arXiv 1703.06846v3), eq. 3, Def. 6,
Theorem 7 and its proof.
"""

from __future__ import annotations

import networkx as nx
import numpy as np

from ..algebra.fields import Array, Ring
from ..errors import InvalidDecomposition
from . import trees
from .dilated import DilatedDecomposition
from .partitions import Partition

__all__ = ["THEOREM7_WITNESS", "theorem7_witness"]

THEOREM7_WITNESS = "Theorem 7 witness (Kronecker)"


def theorem7_witness(
    tree: nx.DiGraph, partition: Partition, dim: int, width: int, ring: Ring
) -> DilatedDecomposition:
    """The weights above for ``tree``, ``partition``, M = ``dim`` and size constant r.

    Raises
    ------
    InvalidDecomposition
        If the tree is not binary, ``M < r``, or the partition is not proper.

    Examples
    --------
    >>> from convac_verify.algebra.fields import PrimeField
    >>> from convac_verify.engines.gfp import rank_mod_p
    >>> from convac_verify.networks.dilated import dilated_grid_tensor
    >>> from convac_verify.networks.matricize import matricize
    >>> from convac_verify.networks.partitions import odd_even
    >>> w = theorem7_witness(trees.balanced(8), odd_even(8), 3, 3, PrimeField())
    >>> rank_mod_p(matricize(dilated_grid_tensor(w), odd_even(8)), 2**61 - 1)
    81
    """
    if dim < width:
        raise InvalidDecomposition(
            f"the witness needs M discretizers spanning R^r, so M >= r; got M = {dim}, r = {width}"
        )
    partition.require_proper()
    rows = set(partition.rows)
    root = trees.root(tree)

    def side(v: int) -> str:
        modes = trees.leaves_below(tree, v)
        n_i = sum(1 for m in modes if m in rows)
        return "I" if n_i == len(modes) else ("J" if n_i == 0 else "mixed")

    def is_pair_parent(v: int) -> bool:
        kids = trees.children(tree, v)
        return v != root and sorted(side(c) for c in kids) == ["I", "J"]

    unit = np.eye(width, dtype=np.int64)
    weights: dict[int, tuple[Array, ...]] = {}
    for v in trees.internal_nodes(tree):
        kids = trees.children(tree, v)
        if len(kids) != 2:
            raise InvalidDecomposition(f"Theorem 7 needs a binary tree; node {v} has {len(kids)}")
        if side(v) != "mixed":
            first, second = unit, np.tile(unit[0], (width, 1))
            mats = [first, second]
        elif is_pair_parent(v):
            mats = [unit, unit]
        else:
            out = 1 if v == root else width
            mats = [
                np.tile(np.ones(width, dtype=np.int64) if is_pair_parent(c) else unit[0], (out, 1))
                for c in kids
            ]
        weights[v] = tuple(ring.from_ints(m) for m in mats)
    v_mat = np.zeros((dim, width), dtype=np.int64)
    v_mat[:width, :width] = unit
    return DilatedDecomposition(tree, dim, width, ring.from_ints(v_mat), weights, ring)
