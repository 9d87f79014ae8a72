"""Exact ranks of the eq. 3 tree decomposition without the grid tensor (Kronecker cores).

:func:`dilated_structured_rank` returns the rank over GF(p) of ``[[A^y]]_{I,J}`` for a
:class:`~convac_verify.networks.dilated.DilatedDecomposition` at its weights -- the
number the dense path (grid tensor, then ``nmod_mat``) gives -- by carrying, per node
``nu``, the matricizations of its channels in factored form::

    [[phi^{nu,gamma}]] = P ( Z_nu (x) X^gamma ) Q^T

* ``X^gamma`` are small **cores** (``channels x a x b``); ``P``, ``Q`` have full column
  rank and are never formed. After each node the cores are cut to rows (columns)
  independent over the joint span of all channels: selecting them is injective on that
  span, and Kronecker products of injective maps are injective, so every later rank is
  unchanged (the compression of :mod:`convac_verify.engines.structured`).
* ``Z_nu`` is a fixed tensor shared by all channels, of which only the **rank** is
  kept: when a node's cores span one dimension (``X^gamma = lambda_gamma D``) the
  factor ``D`` is absorbed, ``rank Z <- rank Z * rank D``
  (``rank(A (x) B) = rank A rank B``), and the cores become the scalars ``lambda``.
  A node whose weight rows are all equal (or proportional) thus costs nothing, and an
  explicit witness such as Theorem 7's (:mod:`convac_verify.networks.dilated_witness`)
  keeps every core at most ``r x r``: ranks like ``2^32`` (N = 64) are exact products.

Per node: a child contributes ``Y^gamma = sum_alpha W_{gamma alpha} X^{c,alpha}``; the
node's core is ``Y^{1,gamma} (x) Y^{2,gamma}`` and ``Z_nu = Z_{c_1} (x) Z_{c_2}``
(the Kronecker product up to fixed row and column permutations, the same for every
channel, so sums over channels commute with it). Leaves: the columns of V, as a
column (mode in I) or a row (mode in J).

Like every GF(p) rank of an integer matrix, the result is a certified **lower** bound
on the rank over Q at these (integer) weights; it equals the dense GF(p) rank
(cross-checked in ``tests/test_dilated_witness.py``).

References
----------
N. Cohen, R. Tamari, A. Shashua. ICLR 2018 (arXiv 1703.06846v3), eq. 3 and the proof
of Theorem 7 (matricization turns the tensor product into a Kronecker product).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..algebra.fields import MERSENNE_61, Array, PrimeField
from ..errors import BudgetExceeded, InvalidField, InvalidPartition
from ..networks import trees
from ..networks.dilated import DilatedDecomposition
from ..networks.partitions import Partition
from .gfp import independent_rows, rank_mod_p

__all__ = ["DILATED_BYTES_PER_ENTRY", "dilated_structured_rank"]

DILATED_BYTES_PER_ENTRY = 64  # Python-int cores, their products and the FLINT copy


@dataclass
class _Rep:
    z_rank: int
    """Rank of the absorbed factor ``Z`` (0: every channel is zero)."""
    cores: Array
    """``(channels, a, b)`` object array of residues."""


class _Contraction:
    def __init__(self, decomp: DilatedDecomposition, partition: Partition, prime: int, budget: int):
        ring = decomp.ring
        if isinstance(ring, PrimeField) and ring.prime != prime:
            raise InvalidField(
                f"the weights live in GF({ring.prime}); the rank was asked over GF({prime})"
            )
        self.p = prime
        self.decomp = decomp
        self.rows = set(partition.rows)
        self.max_entries = max(1, budget // DILATED_BYTES_PER_ENTRY)

    def residues(self, a: Array) -> Array:
        ints = self.decomp.ring.to_ints(a)
        return np.asarray([int(v) % self.p for v in ints], dtype=object).reshape(np.shape(a))

    def leaf(self, mode: int) -> _Rep:
        v = self.residues(self.decomp.discretizers)  # (M, r)
        dim, width = v.shape
        if mode in self.rows:
            cores = np.transpose(v).reshape(width, dim, 1)
        else:
            cores = np.transpose(v).reshape(width, 1, dim)
        return self.settle(_Rep(1, cores))

    def combine(self, weights: Array, rep: _Rep) -> Array:
        w = self.residues(weights)  # (out, r)
        c = rep.cores
        flat = c.reshape(c.shape[0], -1)
        return (np.dot(w, flat) % self.p).reshape((w.shape[0], *c.shape[1:]))

    def node(self, v: int, kids: list[_Rep]) -> _Rep:
        ys = [self.combine(w, k) for w, k in zip(self.decomp.weights[v], kids, strict=True)]
        z = 1
        for k in kids:
            z *= k.z_rank
        cores = ys[0]
        for y in ys[1:]:
            out, a1, b1 = cores.shape
            _, a2, b2 = y.shape
            if out * a1 * a2 * b1 * b2 > self.max_entries:
                raise BudgetExceeded(
                    f"the eq. 3 structured contraction needs {out * a1 * a2 * b1 * b2:,} core "
                    f"entries at node {v} (over the memory budget): these weights have no "
                    "Kronecker structure to exploit at this N; use an explicit witness or "
                    "a smaller N"
                )
            kron = np.multiply(cores[:, :, None, :, None], y[:, None, :, None, :])  # g,a1,a2,b1,b2
            cores = kron.reshape(out, a1 * a2, b1 * b2) % self.p
        return self.settle(_Rep(z, cores))

    def settle(self, rep: _Rep) -> _Rep:
        """Absorb a one-dimensional family into Z, else compress the cores."""
        cores = rep.cores
        out, a, b = cores.shape
        flat = cores.reshape(out, a * b)
        span = rank_mod_p(flat, self.p) if rep.z_rank else 0
        if span == 0:
            return _Rep(0, np.zeros((out, 1, 1), dtype=object))
        if span == 1:
            g0 = next(g for g in range(out) if any(flat[g]))
            j0 = next(j for j in range(a * b) if flat[g0, j])
            inv = pow(int(flat[g0, j0]), -1, self.p)
            lam = np.asarray([int(flat[g, j0]) * inv % self.p for g in range(out)], dtype=object)
            d_rank = rank_mod_p(cores[g0], self.p)
            return _Rep(rep.z_rank * d_rank, lam.reshape(out, 1, 1))
        rows = independent_rows(np.concatenate(list(cores), axis=1), self.p)
        cores = cores[:, rows, :]
        cols = independent_rows(np.concatenate(list(cores), axis=0).T, self.p)
        return _Rep(rep.z_rank, np.ascontiguousarray(cores[:, :, cols]))

    def run(self) -> int:
        tree = self.decomp.tree
        reps: dict[int, _Rep] = {}
        for v in trees.postorder(tree):
            kids = trees.children(tree, v)
            if not kids:
                reps[v] = self.leaf(v)
            else:
                reps[v] = self.node(v, [reps.pop(c) for c in kids])
        top = reps[trees.root(tree)]
        if top.z_rank == 0:
            return 0
        return top.z_rank * rank_mod_p(top.cores[0], self.p)


def dilated_structured_rank(
    decomp: DilatedDecomposition,
    partition: Partition,
    *,
    prime: int = MERSENNE_61,
    budget: int = 4 * 2**30,
) -> int:
    """Rank over GF(``prime``) of ``[[A^y]]_{I,J}`` at the decomposition's weights.

    Raises
    ------
    BudgetExceeded
        If a core would exceed ``budget`` bytes (random weights at large N).

    Examples
    --------
    >>> from convac_verify.algebra.fields import PrimeField
    >>> from convac_verify.networks.dilations import swapped_tree
    >>> from convac_verify.networks.dilated import example_partition
    >>> from convac_verify.networks.dilated_witness import theorem7_witness
    >>> w = theorem7_witness(swapped_tree(64, 2), example_partition(64), 2, 2, PrimeField())
    >>> dilated_structured_rank(w, example_partition(64)) == 2**24
    True
    """
    if partition.n_modes != decomp.n_modes:
        raise InvalidPartition(
            f"partition is for N = {partition.n_modes} modes but the tree has {decomp.n_modes}"
        )
    return _Contraction(decomp, partition, prime, budget).run()
