"""Exact ranks without the ``M**N`` grid tensor: sketches with random product vectors.

For a tensor network with grid tensor ``A`` and a partition ``(I, J)`` of its modes,
:func:`sketch_rank` computes, over GF(p), the rank of the ``k x k'`` matrix

    ``S [[A]]_{I,J} T^T``,    row ``a`` of ``S`` = ``x_{a,1} (x) ... (x) x_{a,|I|}``,
                              row ``b`` of ``T`` = ``y_{b,1} (x) ... (x) y_{b,|J|}``,

with every vector ``x_{a,i}, y_{b,j}`` in ``F_p^M`` uniform and independent -- **fresh
vectors per mode and per row**. (One vector per row repeated on every mode,
``x^{(x)|I|}``, would not do: such powers span only the *symmetric* tensors, so the
sketch could miss the rank of a matricization that is not symmetric.) Entry ``(a, b)``
is the network contracted with ``x_{a,i}`` at the input leg of the i-th row mode and
``y_{b,j}`` at that of the j-th column mode: :func:`convac_verify.networks.contraction.
contract` contracts the **same** :class:`~convac_verify.networks.tensor_network.
FilledNetwork` as the dense path, with the ``(k, M)`` matrices of the row modes on one
sample index and the ``(k', M)`` matrices of the column modes on another. ``[[A]]`` is
never formed. On a tree-shaped network the subtrees with modes of one side only are
contracted first (``k x r`` or ``k' x r`` per channel); only nodes above both sides carry
``k x k' x r`` entries, batched as exact matrix products; a leg that is alone on its side
in a subtree stays open (``M`` instead of ``k``) until it meets another (see the
contraction's module docstring).

What the sketched rank proves
-----------------------------
* **A certain lower bound.** ``S [[A]] T^T`` has rank at most ``rank [[A]]``; a nonzero
  ``k x k`` minor of it mod p is a nonzero minor of ``[[A]]`` mod p, so ``rank [[A]] >= k``
  over Q at these (integer lifts of the) weights, hence for almost all weights: the same
  witness argument as every GF(p) rank.
* **The rank, with probability >= 1 - epsilon.** Let ``U`` be a certified upper bound
  (the smallest of the bounds home: c-recursion, joint spans, tilings, min-cut, matrix
  size) and take ``k = min(U, M**|I|)`` rows and ``k' = min(U, M**|J|)`` columns, so
  ``k, k' >= generic rank``. If the generic rank is ``>= v`` then some ``v x v`` minor of
  ``S [[A]] T^T`` is a nonzero polynomial in the weights and the sketch variables
  together: take weights where ``[[A]]`` has a nonzero ``v x v`` minor on rows R and
  columns C, and let the first v rows of S (of T) be the standard basis product vectors
  ``e_{r_1} (x) ... (x) e_{r_|I|}`` for ``r`` in R (in C). Each sketched entry has degree
  ``deg_w`` in the weights (:meth:`~convac_verify.networks.tensor_network.TensorNetwork.
  entry_degree`) plus ``|I| + |J| = N`` in the sketch variables, so the minor has degree
  at most ``v (N + deg_w)`` (``v N`` with fixed weights), and Schwartz--Zippel with every
  variable uniform over at least ``|S| = min(|S_w|, p)`` values bounds the chance that the
  draw misses it by ``v (N + deg_w) / |S|``. With the prime drawn at random the chance
  that p divides the minor polynomial's content is added: ``prime_failure(v (log2 v + b))``
  with ``b`` the bits of the sum of the absolute values of a sketched entry's
  coefficients, at most the grid entry's bound
  (:meth:`~convac_verify.networks.tensor_network.TensorNetwork.coefficient_bits`) times
  ``prod_m M_m`` (one sketch monomial per grid index), times ``B**deg_w`` for integer
  weights in ``[-B, B)``. :func:`sketch_evidence` records exactly this in the evidence
  model (``Evidence.random(..., degree=N + deg_w)``; method ``sketch``), so
  :meth:`~convac_verify.evidence.status.Evidence.failure` gives the epsilon.
* When the sketched rank **meets a certified upper bound** the rank is proved (lower
  bound certain, upper bound certified); the status is then ``proved`` with no epsilon.
  A claim above ``k`` is above a certified bound, so the sketch can never be too small
  to refute or confirm a claim.

Cost: the contraction (opt_einsum's operation count for these shapes,
:func:`convac_verify.networks.contraction.contraction_cost`) plus one ``k x k'`` rank
with FLINT; :func:`convac_verify.engines.estimate.sketch_estimate` turns both into
seconds and bytes before anything starts.

References
----------
N. Cohen, O. Sharir, A. Shashua. On the Expressive Power of Deep Learning: A Tensor
Analysis. COLT 2016 (matricizations; generic ranks of polynomial networks).
J. T. Schwartz. Fast probabilistic algorithms for verification of polynomial identities.
J. ACM 27(4), 1980. R. Zippel. Probabilistic algorithms for sparse polynomials. 1979.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from math import prod

import numpy as np

from ..algebra.fields import Array, IntegerRing, PrimeField, Ring
from ..evidence.status import Evidence
from ..networks.contraction import contract
from ..networks.partitions import Partition
from ..networks.tensor_network import FilledNetwork, TensorNetwork, fill_network
from .gfp import rank_mod_p

__all__ = [
    "SKETCH_MAX_RANK",
    "Sketch",
    "sketch_entry_bits",
    "sketch_evidence",
    "sketch_matrix",
    "sketch_rank",
    "sketch_shape",
]

SKETCH_MAX_RANK = 4096
"""The largest certified upper bound for which ``auto`` methods choose a sketch (its
``k x k'`` rank then costs at most about half a minute with FLINT)."""


@dataclass(frozen=True)
class Sketch:
    """A sketched rank and the sketch's shape."""

    rank: int
    """Rank over GF(p) of ``S [[A]] T^T``: a certified lower bound on ``rank [[A]]``."""
    rows: int
    """k, the rows of S (product vectors on the row modes)."""
    cols: int
    """k', the rows of T (product vectors on the column modes)."""


def sketch_shape(network: TensorNetwork, partition: Partition, bound: int) -> tuple[int, int]:
    """``(k, k')``: ``min(bound, prod of the row (column) modes' dimensions)``.

    ``bound`` must be a certified upper bound on the rank for all weights: then both are
    at least the generic rank.

    Examples
    --------
    >>> from convac_verify.networks.compilers import cp_network
    >>> from convac_verify.networks.partitions import Partition
    >>> sketch_shape(cp_network(6, 2, 5), Partition.from_rows([0, 1], 6, "I"), 5)
    (4, 5)
    """
    if bound < 0:
        raise ValueError(f"the sketch needs a certified upper bound >= 0; got {bound}")
    dims = network.dims
    rows = prod(dims[m] for m in partition.rows)
    cols = prod(dims[m] for m in partition.cols)
    return min(bound, rows), min(bound, cols)


def _in_field(filled: FilledNetwork, field: PrimeField) -> FilledNetwork:
    """The same network with its weights reduced into ``field`` (integer weights mod p)."""
    ring = filled.ring
    if isinstance(ring, PrimeField) and ring.prime == field.prime:
        return filled
    weights = {
        grp: field.from_ints(np.asarray(ring.to_ints(w), dtype=object).reshape(np.shape(w)))
        for grp, w in filled.weights.items()
    }
    return fill_network(filled.network, field, weights)


def sketch_matrix(
    filled: FilledNetwork,
    partition: Partition,
    shape: tuple[int, int],
    rng: np.random.Generator,
    *,
    prime: int | None = None,
) -> Array:
    """``S [[A]]_{I,J} T^T`` over GF(p) (``k x k'`` residues), never forming ``[[A]]``.

    Parameters
    ----------
    filled : FilledNetwork
        The network with its weights (integer weights are reduced mod ``prime``).
    partition : Partition
        The matricization (I, J).
    shape : (int, int)
        ``(k, k')``, the rows of S and of T.
    rng : numpy.random.Generator
        Draws the sketch vectors: for each row mode a ``(k, M)`` matrix (its row a is the
        vector of that mode in row a of S), then for each column mode a ``(k', M)``
        matrix, uniform in ``F_p``.
    prime : int, optional
        The field (default: the network's, which must then be GF(p)).

    Examples
    --------
    The sketch of a CP network with Z = 3 terms has rank 3 (or less, by bad luck):

    >>> from convac_verify.algebra.fields import PrimeField
    >>> from convac_verify.networks.compilers import cp_network
    >>> from convac_verify.networks.partitions import Partition
    >>> from convac_verify.networks.tensor_network import random_fill
    >>> F = PrimeField()
    >>> f = random_fill(cp_network(8, 2, 3), F, np.random.default_rng(0))
    >>> s = sketch_matrix(f, Partition.from_rows([0, 2, 4, 6], 8, "odd-even"), (3, 3),
    ...                   np.random.default_rng(1))
    >>> s.shape, rank_mod_p(s, F.prime)
    ((3, 3), 3)
    """
    k, k2 = shape
    if prime is None:
        if not isinstance(filled.ring, PrimeField):
            raise ValueError("a sketch over Z needs the prime to reduce the weights with")
        prime = filled.ring.prime
    field = PrimeField(prime)
    net = filled.network
    if partition.n_modes != net.n_modes:
        raise ValueError(
            f"partition is for N = {partition.n_modes} modes but the network has {net.n_modes}"
        )
    if k == 0 or k2 == 0:
        return np.zeros((k, k2), dtype=np.uint64)
    dims = net.dims
    inputs: dict[int, Array] = {}
    samples: dict[int, int] = {}
    for m in partition.rows:
        inputs[m] = field.random(rng, (k, dims[m]))
    for m in partition.cols:
        inputs[m] = field.random(rng, (k2, dims[m]))
        samples[m] = 1
    out = contract(_in_field(filled, field), inputs, samples=samples)
    return np.ascontiguousarray(out.reshape(k, k2))


def sketch_rank(
    filled: FilledNetwork,
    partition: Partition,
    shape: tuple[int, int],
    rng: np.random.Generator,
    *,
    prime: int | None = None,
    rank: Callable[[Array, int], int] = rank_mod_p,
) -> Sketch:
    """Rank over GF(p) of the sketch :func:`sketch_matrix` (see the module docstring for
    what it proves). ``rank`` is a rank function ``(matrix, prime) -> int`` (default
    FLINT's ``nmod_mat``).

    Examples
    --------
    >>> from convac_verify.algebra.fields import PrimeField
    >>> from convac_verify.networks.compilers import tree_network
    >>> from convac_verify.networks.partitions import odd_even
    >>> from convac_verify.networks.tensor_network import random_fill
    >>> from convac_verify.networks.trees import balanced
    >>> f = random_fill(tree_network(balanced(64), 2, 2), PrimeField(), np.random.default_rng(0))
    >>> sketch_rank(f, odd_even(64), (64, 64), np.random.default_rng(1)).rank  # c-recursion: 64
    64
    """
    if prime is None:
        prime = filled.ring.prime if isinstance(filled.ring, PrimeField) else 0
    matrix = sketch_matrix(filled, partition, shape, rng, prime=prime or None)
    value = int(rank(matrix, prime))
    return Sketch(value, shape[0], shape[1])


def sketch_entry_bits(network: TensorNetwork, weights: Ring) -> int:
    """``b`` with ``2**b >=`` the sum of the absolute values of the coefficients of one
    sketched entry as a polynomial in the sketch variables and the weights (for integer
    weights: in the sketch variables, at the drawn weights).

    One sketch monomial per grid index, with the grid entry's polynomial as coefficient:
    the grid entry's bound (:meth:`TensorNetwork.coefficient_bits`) times ``prod_m M_m``,
    times ``B**deg_w`` for integer weights in ``[-B, B)``.

    Examples
    --------
    >>> from convac_verify.algebra.fields import PrimeField
    >>> from convac_verify.networks.compilers import tree_network
    >>> from convac_verify.networks.trees import balanced
    >>> sketch_entry_bits(tree_network(balanced(4), 2, 2), PrimeField())  # 4 + 4 * 2 bits
    12
    """
    bits = network.coefficient_bits() + sum(int(d).bit_length() for d in network.dims)
    if isinstance(weights, IntegerRing):
        bits += network.entry_degree() * weights.bound.bit_length()
    return bits


def sketch_evidence(
    network: TensorNetwork,
    weights: Ring,
    *,
    seed: int,
    prime: int,
    prime_random: bool,
    method: str = "sketch",
) -> Evidence:
    """The evidence of a sketched rank at weights drawn uniformly from ``weights``
    (module docstring): a random point of degree ``N + deg_w`` over
    ``|S| = min(|S_w|, p)`` values, modulo ``prime``. ``method`` names how the sketch was
    ranked (``sketch``: FLINT; ``sketch-blas``: the BLAS engine, a prime below ``2**26``).

    Examples
    --------
    >>> from convac_verify.algebra.fields import PrimeField
    >>> from convac_verify.networks.compilers import tree_network
    >>> from convac_verify.networks.trees import balanced
    >>> net = tree_network(balanced(8), 2, 2)       # 15 weight tensors, N = 8
    >>> ev = sketch_evidence(net, PrimeField(), seed=0, prime=2**61 - 1, prime_random=False)
    >>> ev.method, ev.degree, ev.sample_space == 2**61 - 1
    ('sketch', 23, True)
    """
    return Evidence.random(
        field="GF(p)",
        method=method,
        seed=seed,
        sample_space=min(weights.sample_space, prime),
        degree=network.entry_degree() + network.n_modes,
        prime=prime,
        prime_random=prime_random,
        entry_bits=sketch_entry_bits(network, weights),
    )
