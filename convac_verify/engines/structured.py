"""Exact matricization ranks without forming the grid tensor (structured certificates).

:func:`structured_rank` returns the rank over GF(p) of ``[[A]]_{I,J}`` at the
decomposition's weights -- the same number as the dense path (grid tensor, then
``nmod_mat``) -- by contracting the mode tree on *matricized* channels:

1. **Compression.** Every node keeps its channels ``[[phi^{nu,gamma}]]_{I_nu,J_nu}`` as
   small *cores* ``X^gamma`` with ``[[phi^{nu,gamma}]] = P X^gamma Q^T`` for some full
   column rank ``P, Q`` that are never formed. After each step the cores are cut to a
   set of rows (columns) independent over the joint span of all channels. Selecting
   such rows is injective on that span, and Kronecker products of injective maps are
   injective on the tensor product of the spans, so every later rank is unchanged.
   Cores stay as small as the ranks (e.g. at most ``r`` for a subtree that lies on
   one side of the partition).
2. **Kronecker laziness.** A node with both row and column modes whose weight rows
   each pick a single child channel (one nonzero per row, as in the explicit weight
   assignments of the papers' proofs) is kept as a product: its channel is
   ``w * (x)_c [[phi^{c,alpha}]]`` up to row/column order, and
   ``rank(A (x) B) = rank(A) rank(B)``, so its rank is the product of the
   children's. This certifies ``rank >= M**(N/2)`` for N in the thousands.

Only product pooling (multilinear decompositions) is handled; ranks are over GF(p),
so, like every GF(p) rank, the result is a certified lower bound on the rank over Q
at the (integer) weights.

References
----------
N. Cohen, O. Sharir, A. Shashua. COLT 2016, App. B (Kronecker structure of the
matricized decomposition). N. Cohen, R. Tamari, A. Shashua. ICLR 2018, proof of Thm 7.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import prod

import networkx as nx
import numpy as np

from ..algebra.fields import MERSENNE_61, Array, PrimeField
from ..bounds.recursion import node_upper_bounds
from ..errors import BudgetExceeded
from ..networks import trees
from ..networks.decompositions import TreeDecomposition
from ..networks.partitions import Partition
from .gfp import independent_rows, rank_mod_p

__all__ = ["STRUCTURED_BYTES_PER_ENTRY", "structured_peak_entries", "structured_rank"]

STRUCTURED_BYTES_PER_ENTRY = 48  # uint64 core, products and the FLINT copy for rref


@dataclass
class _Dense:
    cores: Array
    """``(channels, a, b)`` residues: channel gamma's core."""


@dataclass
class _Lazy:
    picks: list[int | None]
    """Per output channel: the child channel it takes (``None``: the channel is zero)."""
    children: list[_Dense | _Lazy]


class _Contraction:
    def __init__(
        self, decomp: TreeDecomposition, partition: Partition, prime: int, budget: int
    ) -> None:
        self.decomp = decomp
        self.rows = set(partition.rows)
        self.field = PrimeField(prime)
        self.prime = prime
        self.max_entries = max(1, budget // STRUCTURED_BYTES_PER_ENTRY)
        self.c = node_upper_bounds(decomp.tree, decomp.dim, decomp.widths, partition)
        self._memo: dict[tuple[int, bool, bool], _Dense | _Lazy] = {}
        self._rank_memo: dict[tuple[int, int], int] = {}
        same = isinstance(decomp.ring, PrimeField) and decomp.ring.prime == prime
        self.weights = (
            dict(decomp.weights)
            if same
            else {
                v: self.field.from_ints(np.asarray(w, dtype=object))
                for v, w in decomp.weights.items()
            }
        )

        # identical subtrees (same weights, same partition pattern) are computed once:
        # explicit witnesses repeat one weight array per level
        signatures: dict[tuple[object, ...], int] = {}
        self.sig: dict[int, int] = {}
        for v in trees.postorder(decomp.tree):
            kids = trees.children(decomp.tree, v)
            key = (
                v in self.rows if not kids else None,
                self.weights[v].tobytes(),
                tuple(self.sig[c] for c in kids),
            )
            self.sig[v] = signatures.setdefault(key, len(signatures))

    # ------------------------------------------------------------------ helpers
    def _check(self, entries: int, where: str) -> None:
        if entries > self.max_entries:
            need = entries * STRUCTURED_BYTES_PER_ENTRY
            raise BudgetExceeded(
                f"structured certificate needs a core of {entries:,} entries (~{_gib(need)}) "
                f"at {where}, over the memory budget; raise --max-memory or use a smaller N"
            )

    def _compress(self, cores: Array, bound: int | None = None) -> Array:
        """Keep rows/columns independent over the joint span of all channels.

        ``bound`` is an upper bound on that span's dimension: a side no longer than it
        is left alone (selection could not be guaranteed to shrink it).
        """
        u, a, b = cores.shape
        limit = 1 if bound is None else max(1, bound)
        if u == 0 or a == 0 or b == 0:
            return cores
        if a > limit:
            keep = independent_rows(cores.transpose(1, 0, 2).reshape(a, u * b), self.prime)
            cores = cores[:, keep, :]
            a = len(keep)
        if b > limit and a > 0:
            keep = independent_rows(cores.reshape(u * a, b).T, self.prime)
            cores = cores[:, :, keep]
        return np.ascontiguousarray(cores)

    def _kron(self, x: Array, y: Array, where: str) -> Array:
        u, a, b = x.shape
        _, c, d = y.shape
        self._check(u * a * b * c * d, where)
        prod_ = self.field.mul(x[:, :, None, :, None], y[:, None, :, None, :])
        return prod_.reshape(u, a * c, b * d)

    def _as_dense(self, value: _Dense | _Lazy, where: str) -> _Dense:
        if isinstance(value, _Dense):
            return value
        kids = [self._as_dense(c, where) for c in value.children]
        channels = []
        for pick in value.picks:
            if pick is None:
                shape = (
                    1,
                    prod(k.cores.shape[1] for k in kids),
                    prod(k.cores.shape[2] for k in kids),
                )
                self._check(shape[1] * shape[2], where)
                channels.append(np.zeros(shape, dtype=np.uint64))
                continue
            core = kids[0].cores[pick : pick + 1]
            for k in kids[1:]:
                core = self._kron(core, k.cores[pick : pick + 1], where)
            channels.append(core)
        return _Dense(np.concatenate(channels, axis=0))

    # ------------------------------------------------------------------ contraction
    def value(self, node: int, dense: bool, is_root: bool = False) -> _Dense | _Lazy:
        key = (self.sig[node], dense, is_root)
        if key not in self._memo:
            self._memo[key] = self._value(node, dense, is_root)
        return self._memo[key]

    def _value(self, node: int, dense: bool, is_root: bool) -> _Dense | _Lazy:
        tree = self.decomp.tree
        kids = trees.children(tree, node)
        w = self.weights[node]
        if not kids:
            r0 = w.shape[0]  # the joint span of r_0 vectors has dimension <= r_0
            if node in self.rows:  # column vectors, M x 1
                return _Dense(self._compress(np.ascontiguousarray(w[:, :, None]), r0))
            return _Dense(self._compress(np.ascontiguousarray(w[:, None, :]), r0))
        n_i, n_j = _side(tree, node, self.rows)
        one_hot = bool(np.all(np.count_nonzero(w, axis=1) <= 1))
        if one_hot and n_i > 0 and n_j > 0 and not dense:
            picks: list[int | None] = []
            for row in w:
                nz = np.flatnonzero(row)
                picks.append(int(nz[0]) if nz.size else None)
            return _Lazy(picks, [self.value(c, False) for c in kids])
        where = f"node {node} ({n_i} row modes, {n_j} column modes)"
        used = np.flatnonzero(np.any(w != 0, axis=0))
        if used.size == 0:  # every output channel is zero
            return _Dense(np.zeros((w.shape[0], 1, 1), dtype=np.uint64))
        children = [self._as_dense(self.value(c, True), where) for c in kids]
        acc = children[0].cores[used]
        per_channel = self.c[kids[0]]  # rank bound of one channel of the partial product
        for i, child in enumerate(children[1:], start=1):
            acc = self._kron(acc, child.cores[used], where)
            per_channel *= self.c[kids[i]]
            if not (is_root and i == len(children) - 1):
                acc = self._compress(acc, len(used) * per_channel)
        # cores[gamma] = sum_alpha w[gamma, alpha] * acc[alpha]
        terms = self.field.mul(w[:, used][:, :, None, None], acc[None])
        cores = terms[:, 0]
        for k in range(1, len(used)):
            cores = self.field.add(cores, terms[:, k])
        if is_root:
            return _Dense(cores)
        return _Dense(self._compress(np.ascontiguousarray(cores), w.shape[0] * self.c[node]))

    def channel_rank(self, value: _Dense | _Lazy, channel: int) -> int:
        key = (id(value), channel)
        if key not in self._rank_memo:
            self._rank_memo[key] = self._channel_rank(value, channel)
        return self._rank_memo[key]

    def _channel_rank(self, value: _Dense | _Lazy, channel: int) -> int:
        if isinstance(value, _Dense):
            return rank_mod_p(value.cores[channel], self.prime)
        pick = value.picks[channel]
        if pick is None:
            return 0
        result = 1
        for child in value.children:
            result *= self.channel_rank(child, pick)
            if result == 0:
                return 0
        return result


def structured_peak_entries(
    tree: nx.DiGraph, dim: int, widths: tuple[int, ...], partition: Partition
) -> int:
    """Upper bound on the largest core (entries) the contraction forms for random weights.

    It follows the algorithm: children are folded in one at a time and the partial
    product is compressed after each step, so its joint row dimension is at most
    ``min(M**|I part|, r_in * prod c(child), product of the children's dims)`` with ``c``
    the per-channel c-recursion bound (:mod:`convac_verify.bounds.recursion`).
    """

    c = node_upper_bounds(tree, dim, widths, partition)
    rows = set(partition.rows)
    root = trees.root(tree)
    dims: dict[int, tuple[int, int]] = {}
    peak = 0
    for v in trees.postorder(tree):
        kids = trees.children(tree, v)
        if not kids:
            k = min(dim, widths[0])
            dims[v] = (k, 1) if v in rows else (1, k)
            continue
        r_in = widths[trees.height(tree, kids[0])]
        pr, pc = dims[kids[0]]
        per_channel = c[kids[0]]
        n_i, n_j = _side(tree, kids[0], rows)
        for k in kids[1:]:
            pr, pc = pr * dims[k][0], pc * dims[k][1]
            peak = max(peak, r_in * pr * pc)
            per_channel *= c[k]
            ki, kj = _side(tree, k, rows)
            n_i, n_j = n_i + ki, n_j + kj
            pr = min(pr, r_in * per_channel, dim**n_i)
            pc = min(pc, r_in * per_channel, dim**n_j)
        out = 1 if v == root else widths[trees.height(tree, v)]
        dims[v] = (min(pr, out * c[v]), min(pc, out * c[v]))
    return peak


def _side(tree: nx.DiGraph, node: int, rows: set[int]) -> tuple[int, int]:
    modes = trees.leaves_below(tree, node)
    n_i = sum(1 for m in modes if m in rows)
    return n_i, len(modes) - n_i


def _gib(nbytes: int) -> str:
    return f"{nbytes / 2**30:.3g} GiB"


def structured_rank(
    decomp: TreeDecomposition,
    partition: Partition,
    *,
    prime: int = MERSENNE_61,
    budget: int = 4 * 2**30,
) -> int:
    """Rank over GF(``prime``) of ``[[A]]_{I,J}`` for the decomposition's weights.

    Parameters
    ----------
    decomp : TreeDecomposition
        Product-pooling decomposition; integer weights are reduced mod ``prime``.
    partition : Partition
        The matricization (I, J).
    prime : int
        The field.
    budget : int
        Bytes; a step that would exceed it raises before allocating.

    Raises
    ------
    BudgetExceeded
        If an intermediate core does not fit.

    Examples
    --------
    >>> from convac_verify.algebra.fields import PrimeField
    >>> from convac_verify.networks.trees import balanced
    >>> from convac_verify.networks.partitions import left_right
    >>> from convac_verify.networks.decompositions import random_decomposition
    >>> d = random_decomposition(balanced(64), 2, 2, PrimeField(), np.random.default_rng(0))
    >>> structured_rank(d, left_right(64))   # rank <= r_{L-1} = 2 at the root
    2
    """
    if partition.n_modes != decomp.n_modes:
        raise ValueError(
            f"partition is for {partition.n_modes} modes; decomposition has {decomp.n_modes}"
        )
    run = _Contraction(decomp, partition, prime, budget)
    root = trees.root(decomp.tree)
    return run.channel_rank(run.value(root, False, is_root=True), 0)
