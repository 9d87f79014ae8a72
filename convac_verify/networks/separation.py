"""Separation ranks of real score functions, computed exactly (ICLR 2017 Claim 1).

A ConvAC with representation functions ``f_1..f_M : R -> R`` (patches are scalars
here, ``s = 1``) computes the score function

    h(x_1, ..., x_N) = sum_{d_1..d_N} A_{d_1..d_N} prod_i f_{d_i}(x_i)

where ``A`` is the coefficient tensor of its decomposition. This module evaluates
``h`` by running the network itself -- representation layer, 1x1 convolutions,
product pooling -- exactly in the integers, at points ``t_1..t_K`` of every patch.

What the numbers prove (any functions, any points)
--------------------------------------------------
* ``E = [h(t_{k_1}, ..., t_{k_N})]`` matricized by (I, J) -- rows = the points of the
  patches in I -- satisfies ``rank E <= sep(h; I, J)``: a separable expansion with R
  terms writes E as a sum of R rank-one matrices. So ``rank E`` (exact over Q) is a
  **certified lower bound** on the separation rank.
* If ``f = G g`` for functions ``g_1..g_rho`` (``f_d = sum_e G[d, e] g_e``), then
  ``h = sum_e A'_e prod_i g_{e_i}(x_i)`` with ``A' = A x_1 G^T ... x_N G^T``, and any
  rank-R factorization of ``[[A']]_{I,J}`` is an R-term separable expansion: ``rank
  [[A']]`` is a **certified upper bound**. For linearly independent f, ``G = I`` and
  ``A' = A``.

ICLR 2017 Claim 1 says ``sep(h; I, J) = rank [[A]]_{I,J}`` when the representation
functions are linearly independent. With ``K >= M`` points at which ``F_{kd} = f_d(t_k)``
has full column rank, ``E = F^{(x)|I|} [[A]] (F^{(x)|J|})^T`` and the two bounds meet.

Representation families (:data:`REPRESENTATIONS`), points ``t_k = k`` for ``k = 1..K``:

* ``monomials``: ``f_d(x) = x^(d-1)`` (Vandermonde F, independent);
* ``relu``: ``f_d(x) = max(0, x - d + 1)`` (ReLU neurons with distinct biases; F is
  lower triangular with unit diagonal at these points, independent);
* ``dependent``: monomials with the last function replaced by ``1 + x`` (needs
  ``M >= 3``): linearly dependent, ``G`` expresses them in the basis ``1, x, ..., x^(M-2)``.

References
----------
N. Cohen, A. Shashua. Inductive Bias of Deep Convolutional Networks through Pooling
Geometry. ICLR 2017, Sec. 3 (eq. 5, separation rank; Claim 1). G. Beylkin,
M. J. Mohlenkamp. Numerical operator calculus in higher dimensions. PNAS 2002.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from ..algebra.fields import Array, IntegerRing
from ..errors import InvalidDecomposition
from .compilers import compile_network
from .contraction import contract
from .decompositions import TreeDecomposition
from .tensor_network import fill_network

__all__ = [
    "REPRESENTATIONS",
    "Representation",
    "coefficient_decomposition",
    "evaluation_decomposition",
    "get_representation",
    "representation_matrix",
    "score_function",
]

Function = Callable[[int], int]


@dataclass(frozen=True)
class Representation:
    """M representation functions and their expansion ``f = G g`` in independent ones."""

    name: str
    functions: tuple[Function, ...]
    """``f_1..f_M`` on integer inputs (exact)."""
    basis: tuple[tuple[int, ...], ...]
    """G, ``M x rho``: ``f_d = sum_e G[d][e] g_e`` with ``g`` linearly independent."""
    independent: bool
    """Whether the f themselves are linearly independent (``G = I``)."""

    @property
    def dim(self) -> int:
        """M."""
        return len(self.functions)


def _monomials(dim: int) -> Representation:
    fs = tuple((lambda x, e=e: x**e) for e in range(dim))
    eye = tuple(tuple(int(i == j) for j in range(dim)) for i in range(dim))
    return Representation("monomials", fs, eye, True)


def _relu(dim: int) -> Representation:
    fs = tuple((lambda x, b=b: max(0, x - b)) for b in range(dim))
    eye = tuple(tuple(int(i == j) for j in range(dim)) for i in range(dim))
    return Representation("relu", fs, eye, True)


def _dependent(dim: int) -> Representation:
    if dim < 3:
        raise InvalidDecomposition(f"the dependent family needs M >= 3; got M = {dim}")
    fs = tuple((lambda x, e=e: x**e) for e in range(dim - 1)) + (lambda x: 1 + x,)
    rho = dim - 1
    rows = [tuple(int(i == j) for j in range(rho)) for i in range(rho)]
    rows.append(tuple(1 if j in (0, 1) else 0 for j in range(rho)))  # 1 + x = g_1 + g_2
    return Representation("dependent", fs, tuple(rows), False)


REPRESENTATIONS: dict[str, Callable[[int], Representation]] = {
    "monomials": _monomials,
    "relu": _relu,
    "dependent": _dependent,
}


def get_representation(name: str, dim: int) -> Representation:
    """Look up a family; the error lists the known ones."""
    try:
        return REPRESENTATIONS[name](dim)
    except KeyError:
        known = ", ".join(REPRESENTATIONS)
        raise InvalidDecomposition(f"unknown representation {name!r}; known: {known}") from None


def representation_matrix(rep: Representation, points: Sequence[int]) -> list[list[int]]:
    """``F[k][d] = f_d(t_k)``."""
    return [[f(t) for f in rep.functions] for t in points]


def score_function(decomp: TreeDecomposition, rep: Representation, x: Sequence[int]) -> int:
    """``h(x_1..x_N)``: the network at one input, exact over Z.

    The forward pass -- representation layer ``rep(i, d) = f_d(x_i)``, 1x1 convolutions,
    product pooling -- is the decomposition's tensor network contracted with the vector
    ``(f_1(x_i), ..., f_M(x_i))`` at input leg i (integer weights taken as integers).
    """
    if len(x) != decomp.n_modes:
        raise InvalidDecomposition(f"h takes N = {decomp.n_modes} inputs; got {len(x)}")
    ring = IntegerRing()
    compiled = compile_network(decomp)
    filled = fill_network(
        compiled.network,
        ring,
        {g: ring.from_ints(np.asarray(w, dtype=object)) for g, w in compiled.weights.items()},
    )
    feats = {i: ring.from_ints([f(int(x[i])) for f in rep.functions]) for i in range(len(x))}
    return int(contract(filled, feats))


def _with_leaves(
    decomp: TreeDecomposition, leaf_map: Sequence[Sequence[int]], dim: int
) -> TreeDecomposition:
    """The same network with every leaf's ``(r_0, M)`` weights right-multiplied by ``leaf_map``
    (``M x dim``), over Z."""
    ring = IntegerRing()
    tmat = np.asarray([[int(v) for v in row] for row in leaf_map], dtype=object)
    weights: dict[int, Array] = {}
    for v, w in decomp.weights.items():
        arr = np.asarray(
            [[int(a) for a in row] for row in np.asarray(w, dtype=object)], dtype=object
        )
        weights[v] = ring.from_ints(arr.dot(tmat) if v < decomp.n_modes else arr)
    return TreeDecomposition(decomp.tree, dim, decomp.widths, weights, ring, decomp.shared)


def evaluation_decomposition(
    decomp: TreeDecomposition, rep: Representation, points: Sequence[int]
) -> TreeDecomposition:
    """A decomposition whose grid tensor is ``h`` on the product grid of ``points``.

    The forward pass of the network on every point of the grid at once: the
    representation layer followed by the first 1x1 convolution maps point ``t_k`` of
    patch j to ``sum_d a^{0,j,gamma}_d f_d(t_k)``, i.e. the leaf weights become
    ``a^{0,j} F^T`` (``r_0 x K``); everything above is unchanged. Its grid tensor has
    entry ``(k_1..k_N)`` equal to ``score_function(decomp, rep, (t_{k_1}, ...))``.
    """
    fmat = representation_matrix(rep, points)  # K x M
    return _with_leaves(decomp, [list(col) for col in zip(*fmat, strict=True)], len(points))


def coefficient_decomposition(decomp: TreeDecomposition, rep: Representation) -> TreeDecomposition:
    """A decomposition whose grid tensor is ``A' = A x_i G^T``: the coefficients of h in the
    independent functions ``g`` (``A' = A`` when the f are independent)."""
    rho = len(rep.basis[0])
    return _with_leaves(decomp, rep.basis, rho)
