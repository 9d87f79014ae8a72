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
* **sum pooling, relaxed** (:func:`sum_pooling_relaxation`): every grid tensor lies in
  the linear space ``{sum_i T_i (x) 1 : T_i any tensor over the modes of child c_i}``;
  its generic rank -- the largest rank in the space -- is measured at a random point
  modulo a random prime (a ``relaxation`` bound, correct with probability
  ``>= 1 - eps``). It uses the architecture (sum pooling at the root), not the formula
  of Claim 5, so it may decide Claim 5.
* **product pooling**: every bound of the bounds home
  (:func:`convac_verify.bounds.tree_upper_bounds`: c-recursion, joint spans, min-cut,
  matrix size); F multiplies ``[A]`` by ``F^{(x)|I|}`` and ``F^{(x)|J|}``,
  which never raises the rank.
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

from ..algebra.fields import PrimeField
from ..algebra.primes import seeded_prime
from ..algebra.rationals import QArray, align
from ..bounds import tree_upper_bounds
from ..evidence.certificates import Bound, Certificate
from ..evidence.status import Evidence
from ..networks import trees
from ..networks.matricize import matricize
from ..networks.partitions import Partition
from .generalized import GeneralizedDecomposition, grid_tensor_q, node_values

__all__ = [
    "matrix_size_bound",
    "shallow_max_bound",
    "structural_bound",
    "structural_bounds",
    "sum_pooling_bound",
    "sum_pooling_factorization_holds",
    "sum_pooling_relaxation",
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


def sum_pooling_relaxation(tree: nx.DiGraph, dim: int, partition: Partition, seed: int) -> Bound:
    """The generic rank of ``{sum_i T_i (x) 1}`` (one free tensor per root child), at a
    random point modulo a random prime, as a bound for all sum-pooling weights.

    Examples
    --------
    >>> from convac_verify.networks.partitions import odd_even
    >>> from convac_verify.networks.trees import balanced, cp_tree
    >>> sum_pooling_relaxation(cp_tree(8), 3, odd_even(8), 0).value     # v 1^T + 1 u^T
    2
    >>> b = sum_pooling_relaxation(balanced(8), 3, odd_even(8), 0)
    >>> b.value, float(b.epsilon) < 1e-15     # 2 M^(N/4) - 1: both halves span the ones
    (17, True)
    """
    from flint import fmpz_mat, nmod_mat

    n = trees.n_modes(tree)
    kids = trees.children(tree, trees.root(tree))
    key = f"relaxation/{trees.to_nested(tree)}/{dim}/{partition.rows}"
    prime = seeded_prime(seed, key)
    field = PrimeField(prime)
    rng = np.random.default_rng([seed, len(key), n])
    total = np.zeros((dim,) * n, dtype=object)
    for child in kids:
        modes = trees.leaves_below(tree, child)
        block = np.asarray(field.random(rng, (dim,) * len(modes)), dtype=object)
        block = np.transpose(block, np.argsort(modes))  # axes in increasing mode order
        shape = [dim if m in modes else 1 for m in range(n)]
        total = total + block.reshape(shape)
    matrix = matricize(total % prime, partition)
    rows, cols = matrix.shape
    flat = [int(v) for v in matrix.ravel()]
    rank = int(nmod_mat(fmpz_mat(rows, cols, flat), prime).rank())
    evidence = Evidence.random(
        field="GF(p)",
        method="relaxation",
        seed=seed,
        sample_space=prime,
        degree=1,  # every entry is a sum of one entry of each T_i
        prime=prime,
        prime_random=True,
        entry_bits=len(kids).bit_length(),
    )
    eps = evidence.failure(rank + 1)
    assert eps is not None
    detail = (
        f"sum pooling maps every weight setting into sum_i T_i (x) 1 over the {len(kids)} "
        f"root children; generic rank of that space {rank} (random point mod a random prime)"
    )
    return Bound(rank, Certificate("relaxation", detail), eps)


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


def structural_bounds(
    tree: nx.DiGraph,
    dim: int,
    widths: Sequence[int],
    partition: Partition,
    operator: str,
    seed: int | None = None,
) -> list[Bound]:
    """Every bound this module certifies for ``operator``, each named (with ``seed``, also
    the probabilistic relaxation bound of sum pooling).

    ``sum-pooling`` (E.7, Claim 5's own argument) and ``distinct-values`` (E.10) are the
    claims' own bounds for those checks
    (:data:`~convac_verify.evidence.certificates.OWN_BOUNDS`), so there they decide
    nothing; they still decide other claims (e.g. Claim 3's existence row under sum
    pooling).
    """
    size = matrix_size_bound(dim, partition)
    out = [Bound(size, Certificate("matrix-size", f"{SIZE_BASIS}: {size}"))]
    root_kids = trees.children(tree, trees.root(tree))
    is_cp = all(not trees.children(tree, c) for c in root_kids)
    if operator == "avg":
        value = sum_pooling_bound(tree, dim, partition)
        out.append(Bound(value, Certificate("sum-pooling", f"{SUM_BASIS}: {value}")))
        if seed is not None:
            out.append(sum_pooling_relaxation(tree, dim, partition, seed))
    if operator == "max" and is_cp:
        value = min(shallow_max_bound(len(root_kids), dim, widths[0], partition), size)
        out.append(Bound(value, Certificate("distinct-values", f"{E10_BASIS}: {value}")))
    if operator == "prod":  # a ConvAC: every bound of the bounds home (F keeps the rank)
        kinds = {b.certificate.kind for b in out}
        out += [
            b
            for b in tree_upper_bounds(tree, dim, tuple(widths), partition)
            if b.certificate.kind not in kinds
        ]
    return out


def structural_bound(
    tree: nx.DiGraph, dim: int, widths: Sequence[int], partition: Partition, operator: str
) -> tuple[int, str]:
    """The smallest of :func:`structural_bounds` and what it rests on."""
    best = min(structural_bounds(tree, dim, widths, partition, operator), key=lambda b: b.value)
    return best.value, best.certificate.detail


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
