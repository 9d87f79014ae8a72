"""The tree decomposition of Cohen, Tamari & Shashua (dilated convolutional networks).

This is the decomposition Theorem 7 of that paper is stated for (ICLR 2018, eq. 3).
It differs from the same-channel pooling of :mod:`convac_verify.networks.decompositions`:

* **leaves** are the discretizers, shared by all leaves: ``phi^{{j},gamma} =
  [v^(1)_gamma, ..., v^(M)_gamma]^T``, i.e. column ``gamma`` of the ``M x r`` matrix ``V``
  whose rows are the discretizers ``v^(d)`` in ``R^r`` (``r`` = the size constant, also
  the input dimension ``r_0``);
* an **interior node** ``nu`` with children ``c_1, c_2`` has one ``r x r`` weight
  matrix *per child* (``a^{nu,gamma,I}``, ``a^{nu,gamma,II}``) and computes::

      phi^{nu,gamma} = (sum_alpha a^{nu,gamma,I}_alpha phi^{c_1,alpha})
                       (x) (sum_alpha a^{nu,gamma,II}_alpha phi^{c_2,alpha})

  (for a node with k children: the product of k such combinations);
* ``A^y = phi^{[N],y}``: the root computes one output channel here (its weight
  matrices are ``1 x r``).

Every width is the size constant ``r`` (the paper's uniform setting), weights are
per node (unshared, as in the paper's analysis).

"Discretizers span R^r"
-----------------------
Theorem 7 assumes the M discretizers span ``R^r``, i.e. ``rank V = r`` (so ``M >= r``).
:func:`random_dilated` draws ``V`` with the other weights (``discretizers="random"``)
and :func:`discretizer_rank` computes ``rank V`` exactly over Q (FLINT ``fmpz_mat`` on
the small ``M x r`` integer matrix: residues mod p are lifted to integers, the matrix
the reduced network is the image of). It enters the span bound, which must hold over Q,
so a rank modulo p (a lower bound only) would not do. The check reports it and treats
``rank V < r`` as a failed hypothesis.
``discretizers="identity"`` (``V`` = the first ``r`` rows of ``I_M``) satisfies it by
construction; ``"degenerate"`` (all discretizers equal) violates it on purpose.

Mode trees of dilation schemes
------------------------------
:mod:`convac_verify.networks.dilations` holds dilation schemes and their trees, both
directions (:func:`dilation_tree` and :func:`swapped_tree` are re-exported here);
:func:`example_hybrid_tree` is the hybrid tree of the worked example after Theorem 7
(:mod:`convac_verify.networks.mixed` builds every hybrid of Def. 4).

References
----------
N. Cohen, R. Tamari, A. Shashua. Boosting Dilated Convolutional Networks with Mixed
Tensor Decompositions. ICLR 2018 (arXiv 1703.06846v3): eq. 2-3, Def. 1, Def. 4,
Def. 6, Theorem 7 (Theorem 1 of the ICLR version).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

import networkx as nx
import numpy as np
from flint import fmpz_mat

from ..algebra.fields import Array, Ring
from ..errors import InvalidDecomposition, NotAModeTree
from . import trees
from .compilers import cached_eq3_network, compile_network
from .contraction import contract
from .dilations import dilation_tree, swapped_tree
from .dilations import log2_modes as _log2
from .partitions import Partition, register_partition
from .tensor_network import FilledNetwork, fill_network

__all__ = [
    "DISCRETIZERS",
    "DilatedDecomposition",
    "dilated_grid_tensor",
    "dilated_span_bound",
    "dilation_tree",
    "discretizer_rank",
    "example_hybrid_tree",
    "example_partition",
    "random_dilated",
    "swapped_tree",
]

DISCRETIZERS = ("random", "identity", "degenerate")


@dataclass(frozen=True)
class DilatedDecomposition:
    """A tree decomposition of ICLR 2018 eq. 3 with concrete weights (product ``g``)."""

    tree: nx.DiGraph
    """The mode tree (any arity; Theorem 7 needs binary)."""
    dim: int
    """M: number of discretizers (dimension of every mode)."""
    width: int
    """r: the size constant (channels of every node, and the discretizers' dimension)."""
    discretizers: Array
    """V, shape ``(M, r)``: row d is the discretizer ``v^(d)``."""
    weights: Mapping[int, tuple[Array, ...]]
    """Interior node -> one ``(out, r)`` matrix per child (``out = 1`` at the root)."""
    ring: Ring
    """Where everything lives."""

    @property
    def n_modes(self) -> int:
        """N."""
        return trees.n_modes(self.tree)

    def entry_degree(self) -> int:
        """Degree of a grid-tensor entry in all parameters: one weight per tree edge and
        one discretizer entry per mode."""
        return (self.tree.number_of_nodes() - 1) + self.n_modes

    def coefficient_bits(self) -> int:
        """Bits of the number of monomials in a grid-tensor entry: one channel choice per
        tree edge, ``r**(#edges)``."""
        return (self.width ** (self.tree.number_of_nodes() - 1)).bit_length()


def _discretizer_matrix(
    kind: str, dim: int, width: int, ring: Ring, rng: np.random.Generator
) -> Array:
    if kind == "random":
        return ring.random(rng, (dim, width))
    if kind == "identity":
        eye = np.zeros((dim, width), dtype=np.int64)
        for k in range(min(dim, width)):
            eye[k, k] = 1
        return ring.from_ints(eye)
    if kind == "degenerate":
        row = ring.random(rng, (1, width))
        return ring.from_ints(
            np.repeat(np.asarray(ring.to_ints(row), dtype=object)[None, :], dim, 0)
        )
    raise InvalidDecomposition(
        f"discretizers must be one of {', '.join(DISCRETIZERS)}; got {kind!r}"
    )


def random_dilated(
    tree: nx.DiGraph,
    dim: int,
    width: int,
    ring: Ring,
    rng: np.random.Generator,
    *,
    discretizers: str = "random",
) -> DilatedDecomposition:
    """Draw every weight (and, by default, the discretizers) uniformly from the ring.

    Raises
    ------
    InvalidDecomposition
        If ``dim`` or ``width`` is below 1, or ``discretizers`` is unknown.
    """
    if dim < 1 or width < 1:
        raise InvalidDecomposition(f"M and r must be >= 1; got M = {dim}, r = {width}")
    if trees.n_modes(tree) < 2:
        raise InvalidDecomposition("a decomposition needs N >= 2 modes")
    v = _discretizer_matrix(discretizers, dim, width, ring, rng)
    root = trees.root(tree)
    weights: dict[int, tuple[Array, ...]] = {}
    for node in trees.internal_nodes(tree):
        out = 1 if node == root else width
        weights[node] = tuple(ring.random(rng, (out, width)) for _ in trees.children(tree, node))
    return DilatedDecomposition(tree, dim, width, v, weights, ring)


@compile_network.register
def _(decomp: DilatedDecomposition) -> FilledNetwork:
    """The eq. 3 tree as a tensor network (:func:`convac_verify.networks.compilers.eq3_network`)."""
    weights: dict[str, object] = {"V": decomp.discretizers}
    for v, mats in decomp.weights.items():
        for k, w in enumerate(mats):
            weights[f"A{v}_{k}"] = w
    net = cached_eq3_network(decomp.tree, decomp.dim, decomp.width)
    return fill_network(net, decomp.ring, weights)


def discretizer_rank(decomp: DilatedDecomposition) -> int:
    """``rank V`` exactly over Q (entries lifted to integers).

    Examples
    --------
    >>> from convac_verify.algebra.fields import IntegerRing
    >>> from convac_verify.networks.trees import balanced
    >>> d = random_dilated(balanced(4), 3, 2, IntegerRing(), np.random.default_rng(0),
    ...                    discretizers="degenerate")
    >>> discretizer_rank(d)
    1
    """
    v = [int(x) for x in decomp.ring.to_ints(decomp.discretizers)]
    return int(fmpz_mat(decomp.dim, decomp.width, v).rank())


def dilated_grid_tensor(decomp: DilatedDecomposition) -> Array:
    """The grid tensor ``A^y``: shape ``(M,) * N``, axis m = mode m (the compiled tensor
    network, contracted by :func:`convac_verify.networks.contraction.contract`)."""
    return contract(compile_network(decomp))


def dilated_span_bound(
    tree: nx.DiGraph, dim: int, width: int, partition: Partition, v_rank: int | None = None
) -> int:
    """Upper bound on ``rank [[A^y]]_{I,J}`` for all weights of the eq. 3 decomposition.

    The joint-span recursion of :mod:`convac_verify.bounds.spans` adapted to per-child weights:
    a child contributes a linear combination ``Y = sum_alpha a_alpha X^{c,alpha}``, of
    rank at most ``min(R(c), C(c), r * c(c))``; the node's channel is the Kronecker
    product of its children's combinations, so ``c(nu) = prod`` of those,
    ``R(nu) <= min(prod_c R(c), r * c(nu), M**|I_nu|)`` and likewise ``C``. A leaf's
    channels are the columns of V: ``R = rank V`` (``v_rank``, default ``min(M, r)``) on
    the I side.

    Examples
    --------
    >>> from convac_verify.networks.trees import balanced
    >>> from convac_verify.networks.partitions import odd_even, left_right
    >>> dilated_span_bound(balanced(8), 2, 2, odd_even(8)), dilated_span_bound(
    ...     balanced(8), 2, 2, left_right(8))
    (16, 1)
    """
    rho = min(dim, width) if v_rank is None else v_rank
    rows = set(partition.rows)
    rank_of: dict[int, tuple[int, int, int]] = {}  # node -> (c, R, C)
    for v in trees.postorder(tree):
        kids = trees.children(tree, v)
        if not kids:
            rank_of[v] = (1, rho, 1) if v in rows else (1, 1, rho)
            continue
        modes = trees.leaves_below(tree, v)
        n_i = sum(1 for m in modes if m in rows)
        c = prod_r = prod_c = 1
        for k in kids:
            ck, rk, colk = rank_of[k]
            c *= min(rk, colk, width * ck)
            prod_r *= rk
            prod_c *= colk
        col = min(prod_r, width * c, dim**n_i)
        row = min(prod_c, width * c, dim ** (len(modes) - n_i))
        rank_of[v] = (min(c, col, row), col, row)
    return rank_of[trees.root(tree)][0]


# --------------------------------------------------------------------------- trees


@lru_cache(maxsize=64)
def example_hybrid_tree(n_modes: int) -> nx.DiGraph:
    """The hybrid tree H of the worked example after ICLR 2018 Theorem 7.

    Mixture nodes at depth L-2 (blocks of 4 contiguous inputs): H takes the segments
    below the first half of them from the baseline tree T and the rest from the swapped
    tree T-bar (k = 2); the segment above them is taken from T (the example leaves it
    open; the ranks in the example do not depend on it).
    """
    depth = _log2(n_modes, "the hybrid example")
    if depth < 4 or depth % 2:
        raise NotAModeTree(f"the hybrid example needs L = log2 N even and >= 4; got N = {n_modes}")

    def top(lo: int, size: int) -> trees.Nested:
        if size == 4:  # a mixture node: its segment from T (first half) or T-bar (rest)
            if lo < n_modes // 2:
                return ((lo, lo + 1), (lo + 2, lo + 3))
            return ((lo, lo + 2), (lo + 1, lo + 3))
        half = size // 2
        return (top(lo, half), top(lo + half, half))

    tree = trees.from_nested(top(0, n_modes))
    tree.graph["name"] = f"hybrid:{n_modes}"
    return nx.freeze(tree)


def example_partition(n_modes: int) -> Partition:
    """The index set of the worked example after ICLR 2018 Theorem 7 (0-based).

    ``I = {2k-1 : k in [N/4]} u {N/2 + 4k - k' : k in [N/8], k' = 2, 3}`` (1-based).

    Examples
    --------
    >>> example_partition(16).rows
    (0, 2, 4, 6, 8, 9, 12, 13)
    """
    if n_modes < 8 or n_modes % 8:
        raise NotAModeTree(f"the example partition needs N divisible by 8; got {n_modes}")
    one_based = {2 * k - 1 for k in range(1, n_modes // 4 + 1)} | {
        n_modes // 2 + 4 * k - kp for k in range(1, n_modes // 8 + 1) for kp in (2, 3)
    }
    return Partition.from_rows([i - 1 for i in one_based], n_modes, "ctm18-example")


trees.register_tree_builder("hybrid", "hybrid:N")(example_hybrid_tree)
register_partition("ctm18-example", "ctm18-example")(lambda n, rng, a: example_partition(n))
