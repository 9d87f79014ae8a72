"""Generalized CP and HT decompositions (ICML 2016): grid tensors of rectifier networks.

A convolutional network with activation-pooling operator ``g`` (see
:mod:`convac_verify.rectifier.operators`) over a mode tree computes, on the grid of templates,

* at leaf (input location) ``j``: the conv outputs ``F a^{0,j,gamma}`` for the ``r_0``
  channels, where ``F`` (``M x M``, ``F[i, k] = f_theta_k(x^(i))``) holds the
  representation functions on the templates;
* at an internal node ``nu`` with children ``c_1..c_k`` and weights ``W^nu``
  (``r_out x r_in``)::

      phi^{nu,gamma} = sum_alpha W^nu[gamma, alpha] * phi^{c_1,alpha} (x)_g ... (x)_g phi^{c_k,alpha}

  with ``(A (x)_g B)_{d,e} = g(A_d, B_e)``, folded left to right;
* the root has one output (``Y = 1``).

The balanced binary tree gives the generalized HT decomposition (deep network, eq. 7);
:func:`~convac_verify.networks.trees.cp_tree` with widths ``(Z,)`` gives the generalized CP
decomposition (shallow network with Z hidden channels, eq. 6). With ``g = a*b`` and
``F = I`` this is the foundation's :class:`~convac_verify.networks.decompositions.TreeDecomposition`.

Weights, shapes and widths follow :mod:`convac_verify.networks.decompositions` (leaf j:
``(r_0, M)``; internal node: ``(out_width, in_width)``; root: ``(1, r_{L-1})``).
Everything is exact: weights are :class:`~convac_verify.algebra.rationals.QArray` s and the
grid tensor is a QArray of shape ``(M,) * N`` whose axis ``m`` is mode ``m``.

Random weights are uniform on the multiples of ``2**-bits`` in ``[-1, 1]`` (``bits = 20``
by default: 2**21 + 1 values per weight), as exact rationals.

References
----------
N. Cohen, A. Shashua. Convolutional Rectifier Networks as Generalized Tensor
Decompositions. ICML 2016, eqs. 3-4 (grid tensor, F), 6 (generalized CP), 7
(generalized HT).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

import networkx as nx
import numpy as np

from ..algebra.fields import Array
from ..algebra.rationals import QArray, as_object_ints, lcm
from ..errors import BudgetExceeded, ConvacError, InvalidDecomposition
from ..networks import trees
from ..networks.decompositions import resolve_widths
from ..networks.matricize import matricize
from ..networks.partitions import Partition
from .operators import Operator

__all__ = [
    "DEFAULT_BITS",
    "REPRESENTATIONS",
    "GeneralizedDecomposition",
    "check_generalized_budget",
    "generalized_bytes",
    "generalized_from_weights",
    "grid_matrix",
    "grid_matrix_mod_p",
    "grid_tensor_q",
    "inverse",
    "node_values",
    "random_generalized",
    "random_weight",
    "representation_matrix",
]

DEFAULT_BITS = 20
REPRESENTATIONS = ("identity", "random")
_F_ENTRY_BOUND = 4  # random F: integer entries in [-4, 4]
_CHUNK = 64  # channels pooled at once (bounds the memory of one node)
_BYTES_PER_ENTRY = 120  # object pointer + a Python int of up to ~100 bits + temporaries


@dataclass(frozen=True)
class GeneralizedDecomposition:
    """A generalized tree decomposition with exact weights (see the module docstring)."""

    tree: nx.DiGraph
    """The mode tree (pooling geometry)."""
    dim: int
    """M: number of templates (and of representation functions)."""
    widths: tuple[int, ...]
    """r_0..r_{L-1}, indexed by height."""
    weights: Mapping[int, QArray]
    """Leaf j: ``(r_0, M)``; internal node: ``(out_width, in_width)``; root: ``(1, r_{L-1})``."""
    F: QArray
    """The representation matrix on the templates, ``M x M``."""
    operator: Operator
    """The activation-pooling operator g."""

    @property
    def n_modes(self) -> int:
        """N."""
        return trees.n_modes(self.tree)


def _shapes(tree: nx.DiGraph, dim: int, ws: tuple[int, ...]) -> dict[int, tuple[int, int]]:
    root = trees.root(tree)
    shapes: dict[int, tuple[int, int]] = dict.fromkeys(range(trees.n_modes(tree)), (ws[0], dim))
    for v in trees.internal_nodes(tree):
        first = trees.children(tree, v)[0]
        out = 1 if v == root else ws[trees.height(tree, v)]
        shapes[v] = (out, ws[trees.height(tree, first)])
    return shapes


def representation_matrix(kind: str, dim: int, rng: np.random.Generator | None = None) -> QArray:
    """``F``: the identity, or a random invertible integer matrix (entries in [-4, 4]).

    Raises
    ------
    ConvacError
        For an unknown ``kind``.
    """
    if kind == "identity":
        return QArray(as_object_ints(np.eye(dim, dtype=np.int64)), 1)
    if kind != "random":
        raise ConvacError(f"F must be one of {', '.join(REPRESENTATIONS)}; got {kind!r}")
    from flint import fmpz_mat

    gen = rng if rng is not None else np.random.default_rng(0)
    while True:
        entries = gen.integers(-_F_ENTRY_BOUND, _F_ENTRY_BOUND + 1, size=(dim, dim))
        if fmpz_mat(entries.tolist()).det() != 0:
            return QArray(as_object_ints(entries), 1)


def inverse(F: QArray) -> QArray:
    """``F^{-1}`` exactly (FLINT ``fmpq_mat``).

    Raises
    ------
    ConvacError
        If ``F`` is singular.
    """
    from flint import fmpq, fmpq_mat

    m = F.shape[0]
    mat = fmpq_mat(m, m, [fmpq(int(v), F.den) for v in F.num.ravel()])
    if mat.det() == 0:
        raise ConvacError("the representation matrix F is singular; the papers assume F invertible")
    inv = mat.inv()
    values = [[Fraction(int(inv[i, j].p), int(inv[i, j].q)) for j in range(m)] for i in range(m)]
    return QArray.from_values(values)


def random_weight(
    rng: np.random.Generator, shape: tuple[int, ...], bits: int = DEFAULT_BITS
) -> QArray:
    """Uniform on the multiples of ``2**-bits`` in ``[-1, 1]``, exactly."""
    ks = rng.integers(-(2**bits), 2**bits + 1, size=shape, dtype=np.int64)
    return QArray(as_object_ints(ks), 2**bits)


def _check_architecture(tree: nx.DiGraph, dim: int, F: QArray) -> None:
    if "postorder" not in tree.graph:
        trees.validate_mode_tree(tree)
    if trees.n_modes(tree) < 2:
        raise InvalidDecomposition(f"a decomposition needs N >= 2 modes; got {trees.n_modes(tree)}")
    if dim < 1:
        raise InvalidDecomposition(f"M must be >= 1; got {dim}")
    if F.shape != (dim, dim):
        raise InvalidDecomposition(f"F must be {dim} x {dim}; got shape {F.shape}")


def random_generalized(
    tree: nx.DiGraph,
    dim: int,
    widths: int | Sequence[int],
    operator: Operator,
    rng: np.random.Generator,
    *,
    F: QArray | None = None,
    bits: int = DEFAULT_BITS,
) -> GeneralizedDecomposition:
    """Every weight uniform on the multiples of ``2**-bits`` in ``[-1, 1]``.

    Parameters
    ----------
    tree, dim, widths
        The architecture (mode tree, M, ``r_0..r_{L-1}`` or one uniform width).
    operator : Operator
        The activation-pooling operator.
    rng : numpy.random.Generator
        Source of randomness.
    F : QArray, optional
        Representation matrix (identity by default).
    bits : int
        Resolution of the weights.
    """
    F = F if F is not None else representation_matrix("identity", dim)
    _check_architecture(tree, dim, F)
    ws = resolve_widths(tree, widths)
    weights = {v: random_weight(rng, shape, bits) for v, shape in _shapes(tree, dim, ws).items()}
    return GeneralizedDecomposition(tree, dim, ws, weights, F, operator)


def generalized_from_weights(
    tree: nx.DiGraph,
    dim: int,
    widths: int | Sequence[int],
    weights: Mapping[int, object],
    operator: Operator,
    *,
    F: QArray | None = None,
) -> GeneralizedDecomposition:
    """Explicit weights (ints, Fractions or QArrays), e.g. a proof's witness.

    Raises
    ------
    InvalidDecomposition
        If a node's weights are missing or have the wrong shape.
    """
    F = F if F is not None else representation_matrix("identity", dim)
    _check_architecture(tree, dim, F)
    ws = resolve_widths(tree, widths)
    out: dict[int, QArray] = {}
    for v, shape in _shapes(tree, dim, ws).items():
        if v not in weights:
            raise InvalidDecomposition(f"no weights for node {v}")
        w = weights[v]
        q = w if isinstance(w, QArray) else QArray.from_values(w)
        if q.shape != shape:
            raise InvalidDecomposition(
                f"weights of node {v} have shape {q.shape}; expected {shape}"
            )
        out[v] = q
    return GeneralizedDecomposition(tree, dim, ws, out, F, operator)


# --------------------------------------------------------------------------- evaluation


def _pool(op: Operator, kids: list[QArray], lo: int, hi: int) -> QArray:
    """``phi^{c_1,alpha} (x)_g ... (x)_g phi^{c_k,alpha}`` for channels ``lo..hi-1``."""
    acc = kids[0][lo:hi]
    for kid in kids[1:]:
        part = kid[lo:hi]
        acc = op.apply(acc.reshape(hi - lo, -1, 1), part.reshape(hi - lo, 1, -1))
        acc = acc.reshape(hi - lo, -1)
    return acc


def node_values(decomp: GeneralizedDecomposition, node: int) -> QArray:
    """``phi^{node, gamma}`` for all channels: shape ``(out_width, M**|node|)``.

    Entries are flattened with the modes in the tree's leaf order below ``node``, the
    first mode most significant.
    """
    tree = decomp.tree
    kids = trees.children(tree, node)
    w = decomp.weights[node]
    if not kids:  # conv outputs (F a)_d for every template d: a @ F^T
        return w.matmul(QArray(np.asarray(decomp.F.num.T), decomp.F.den)).normalized()
    child_values = [node_values(decomp, c) for c in kids]
    r_in = w.shape[1]
    acc: QArray | None = None
    for lo in range(0, r_in, _CHUNK):  # bounded memory: chunks of channels
        hi = min(lo + _CHUNK, r_in)
        term = w[:, lo:hi].matmul(_pool(decomp.operator, child_values, lo, hi))
        acc = term if acc is None else acc.add(term)
    assert acc is not None  # r_in >= 1
    return acc


def grid_tensor_q(decomp: GeneralizedDecomposition) -> QArray:
    """The grid tensor ``A(h_y)``: a QArray of shape ``(M,) * N``, axis ``m`` = mode ``m``.

    Examples
    --------
    Hand-computed (ICML 2016 eq. 6 with N = 2, Z = 1, F = I, g = max{a, b, 0}):
    ``A[d1, d2] = max{u[d1], v[d2], 0}`` for u = (1, -2), v = (0, 3):

    >>> from convac_verify.rectifier.operators import get_operator
    >>> from convac_verify.networks.trees import cp_tree
    >>> W = {0: [[1, -2]], 1: [[0, 3]], 2: [[1]]}
    >>> d = generalized_from_weights(cp_tree(2), 2, 1, W, get_operator("max"))
    >>> grid_tensor_q(d).num.tolist()
    [[1, 3], [0, 3]]
    """
    root = trees.root(decomp.tree)
    flat = node_values(decomp, root)
    order = trees.leaves_below(decomp.tree, root)
    tensor = flat.num[0].reshape((decomp.dim,) * decomp.n_modes)
    return QArray(np.transpose(tensor, np.argsort(order)), flat.den)


def grid_matrix(decomp: GeneralizedDecomposition, partition: Partition) -> Array:
    """Numerators of ``[[A]]_{I,J}`` (the denominator is a positive scale: same rank)."""
    return matricize(grid_tensor_q(decomp).num, partition)


def _bits(values: Array) -> int:
    return max((abs(int(v)).bit_length() for v in values.ravel()), default=0)


def grid_matrix_mod_p(
    decomp: GeneralizedDecomposition, partition: Partition, prime: int
) -> tuple[Array, int]:
    """``[[A]]_{I,J}`` numerators reduced mod ``prime``, and a bound on their bit length.

    Exact everywhere below the root; the root's ``M**N`` entries are formed mod p. The
    root's max/ReLU decisions are still exact: for max, the (few) exact values of its
    two children and 0 are ranked once, so every comparison is between exact integers'
    ranks. The result is exactly the numerator matrix of :func:`grid_matrix` mod p
    (``tests/test_generalized.py`` pins this). The bit bound (``|entry| < 2**bits``)
    feeds the Hadamard bound of :mod:`convac_verify.rectifier.ranks`.

    Falls back to the exact tensor for roots with more than two children and for
    user-defined operators.
    """
    from ..algebra.fields import PrimeField

    field = PrimeField(prime)
    tree, op = decomp.tree, decomp.operator
    root = trees.root(tree)
    kids = trees.children(tree, root)
    if len(kids) != 2 or op.name not in ("max", "avg", "prod"):
        exact = grid_matrix(decomp, partition)
        return field.from_ints(exact), _bits(exact)
    left, right = (node_values(decomp, c) for c in kids)
    w = decomp.weights[root]
    den = lcm(left.den, right.den)
    x, y = left.scaled_to(den), right.scaled_to(den)
    n1, n2 = x.shape[1], y.shape[1]
    acc: Array = np.zeros((n1, n2), dtype=np.uint64)
    for alpha in range(w.shape[1]):
        wa = int(w.num[0, alpha])
        xa, ya = x[alpha].tolist(), y[alpha].tolist()
        if op.name == "max":  # rank the exact values once; compare ranks
            distinct = sorted({0, *xa, *ya})
            code = {v: i for i, v in enumerate(distinct)}
            cx = np.array([code[v] for v in xa], dtype=np.int64)
            cy = np.array([code[v] for v in ya], dtype=np.int64)
            top = np.maximum(np.maximum(cx[:, None], cy[None, :]), code[0])
            val = field.from_ints([wa * v for v in distinct])[top]
        elif op.name == "avg":
            wx = field.from_ints([wa * max(v, 0) for v in xa])
            wy = field.from_ints([wa * max(v, 0) for v in ya])
            val = field.add(wx[:, None], wy[None, :])
        else:
            val = field.mul(
                field.from_ints([wa * v for v in xa])[:, None], field.from_ints(ya)[None, :]
            )
        acc = field.add(acc, val)
    child_bits = {"max": max(_bits(x), _bits(y)), "avg": max(_bits(x), _bits(y)) + 1}.get(
        op.name, _bits(x) + _bits(y)
    )
    bits = _bits(w.num) + child_bits + max(1, int(w.shape[1]).bit_length())
    order = trees.leaves_below(tree, root)
    tensor = np.transpose(acc.reshape((decomp.dim,) * decomp.n_modes), np.argsort(order))
    return matricize(tensor, partition), bits


# --------------------------------------------------------------------------- budget


def generalized_bytes(n_modes: int, dim: int, max_channels: int) -> int:
    """Estimated peak memory of one exact grid tensor: ``M**N`` entries times the channels
    pooled at once (at most 64) plus a few copies, at ~120 bytes per Python int."""
    return int(dim) ** int(n_modes) * (min(int(max_channels), _CHUNK) + 4) * _BYTES_PER_ENTRY


def check_generalized_budget(n_modes: int, dim: int, max_channels: int, max_memory: int) -> None:
    """Refuse, before any allocation, an exact grid tensor over the memory budget."""
    need = generalized_bytes(n_modes, dim, max_channels)
    if need > max_memory:
        raise BudgetExceeded(
            f"the exact grid tensor of a rectifier network with N = {n_modes}, M = {dim} has "
            f"{dim}**{n_modes} entries and needs ~{need / 2**30:.3g} GiB, over --max-memory "
            f"{max_memory / 2**30:.3g} GiB; lower N or M (max and ReLU need exact rationals, "
            "so there is no modular shortcut)"
        )
