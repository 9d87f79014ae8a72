"""Tractable generative ConvACs (Sharir, Tamari, Cohen & Shashua), exactly over Q.

The model (Tensorial Mixture Model) of a sequence ``X = (x_1, ..., x_N)``::

    P(X | y) = sum_{d_1..d_N} P(d_1, ..., d_N | y) prod_i P(x_i | d_i)

* ``P(x | d)`` -- the **mixing components**, here exact tables over a small alphabet
  ``x in {0, ..., K-1}`` (the paper uses Gaussians on patches): ``components[d, x]``,
  every row a probability vector;
* ``P(d_1..d_N | y)`` -- the **priors tensor**, decomposed by a ConvAC whose 1x1
  convolutions have **non-negative, simplex-normalized** weights: every output channel
  is a convex combination of its inputs. With the CP tree this is the shallow GCP model,
  with the balanced binary tree the deep GHT model (size-2 pooling; any mode tree works);
* ``P(y)`` -- the class prior; the classes share every weight below the root, whose
  output ``y`` is row ``y`` of the root's weights (the paper's multi-class model).

Every weight is an exact rational, so every probability is a rational number and every
identity below is checked exactly.

Inference is **one forward pass**: the representation layer holds
``q[i][d] = P(x_i | d)``, each node computes ``sum_alpha a[gamma, alpha] prod_c v_c[alpha]``,
and the root outputs ``P(X | y)`` for every class. **Marginalization**: setting
``q[i][d] = 1`` for a missing ``x_i`` sums it out (``sum_x P(x | d) = 1``), still in one
pass. :func:`forward` counts the operations it performs.

References
----------
O. Sharir, R. Tamari, N. Cohen, A. Shashua. Tractable Generative Convolutional
Arithmetic Circuits (arXiv 1610.04167; "Tensorial Mixture Models"), Sec. 2-4.
"""

from __future__ import annotations

import itertools
import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

import networkx as nx
import numpy as np

from ..algebra.fields import Array
from ..errors import InvalidDecomposition
from ..networks import trees
from ..networks.decompositions import TreeDecomposition, resolve_widths
from ..networks.grid import grid_tensor

__all__ = [
    "MODELS",
    "MODEL_DEFAULTS",
    "FractionRing",
    "GenerativeConvAC",
    "OpCount",
    "all_inputs",
    "brute_force_likelihood",
    "build_models",
    "forward",
    "random_generative",
]

_WEIGHT_RANGE = 1000  # simplex rows: positive integers in [1, 1000], normalized


@dataclass(frozen=True)
class FractionRing:
    """Exact rationals (:class:`fractions.Fraction`) on ``object`` arrays: a
    :class:`~convac_verify.algebra.fields.Ring` for grid tensors of probabilities."""

    @property
    def name(self) -> str:
        """``Q``."""
        return "Q"

    @property
    def sample_space(self) -> int:
        """Rationals are not drawn here: 0."""
        return 0

    def random(self, rng: np.random.Generator, shape: tuple[int, ...]) -> Array:
        """Not available (use :func:`random_generative`)."""
        raise TypeError("draw simplex rows with random_generative")

    def from_ints(self, values: object) -> Array:
        """Integers as fractions."""
        arr = np.asarray(values, dtype=object)
        out = np.empty(arr.shape, dtype=object)
        for idx, v in np.ndenumerate(arr):
            out[idx] = Fraction(v)
        return out

    def to_ints(self, a: Array) -> list[int]:
        """Integral fractions back to ints."""
        vals = [Fraction(v) for v in np.asarray(a, dtype=object).ravel()]
        if any(v.denominator != 1 for v in vals):
            raise ValueError("not an integer")
        return [int(v) for v in vals]

    def add(self, a: Array, b: Array) -> Array:
        """Elementwise sum."""
        return np.asarray(np.add(a, b), dtype=object)

    def mul(self, a: Array, b: Array) -> Array:
        """Elementwise product."""
        return np.asarray(np.multiply(a, b), dtype=object)


@dataclass
class OpCount:
    """Arithmetic operations one pass performed."""

    mul: int = 0
    add: int = 0

    @property
    def total(self) -> int:
        """Multiplications plus additions."""
        return self.mul + self.add


@dataclass(frozen=True)
class GenerativeConvAC:
    """A generative ConvAC with exact rational weights (see the module docstring)."""

    name: str
    """``GCP``, ``GHT`` or ``tree``."""
    tree: nx.DiGraph
    """The mode tree of the priors decomposition."""
    dim: int
    """M: number of mixing components."""
    alphabet: int
    """K: each ``x_i`` takes values ``0..K-1``."""
    widths: tuple[int, ...]
    """r_0..r_{L-1}."""
    weights: Mapping[int, Array]
    """Leaf ``(r_0, M)``, internal node ``(r_out, r_in)``, root ``(Y, r_{L-1})``; every
    row a probability vector (object arrays of Fractions)."""
    class_prior: tuple[Fraction, ...]
    """P(y)."""
    components: Array
    """``(M, K)``: ``P(x = k | d)``."""

    @property
    def n_modes(self) -> int:
        """N."""
        return trees.n_modes(self.tree)

    @property
    def classes(self) -> int:
        """Y."""
        return len(self.class_prior)

    def decomposition(self, y: int) -> TreeDecomposition:
        """The priors decomposition of class ``y`` (root row ``y``)."""
        root = trees.root(self.tree)
        ws = dict(self.weights)
        ws[root] = self.weights[root][y : y + 1]
        return TreeDecomposition(self.tree, self.dim, self.widths, ws, FractionRing())

    def priors(self, y: int) -> Array:
        """The priors tensor ``P(d_1, ..., d_N | y)``: shape ``(M,) * N``, exact."""
        return grid_tensor(self.decomposition(y))

    def representation(
        self, x: Sequence[int | None], missing_value: Fraction = Fraction(1)
    ) -> list[list[Fraction]]:
        """``q[i][d] = P(x_i | d)``, or ``missing_value`` (1: marginalize) where ``x_i`` is
        ``None``."""
        if len(x) != self.n_modes:
            raise InvalidDecomposition(f"X has {len(x)} entries; the model has N = {self.n_modes}")
        out = []
        for xi in x:
            if xi is None:
                out.append([Fraction(missing_value)] * self.dim)
            else:
                if not 0 <= xi < self.alphabet:
                    raise InvalidDecomposition(f"x_i must lie in 0..{self.alphabet - 1}; got {xi}")
                out.append([self.components[d, xi] for d in range(self.dim)])
        return out

    def likelihood(
        self, x: Sequence[int | None], missing_value: Fraction = Fraction(1)
    ) -> tuple[list[Fraction], OpCount]:
        """``P(x_observed | y)`` for every class by one forward pass, and its cost."""
        return forward(self, self.representation(x, missing_value))


def forward(
    model: GenerativeConvAC, q: Sequence[Sequence[Fraction]]
) -> tuple[list[Fraction], OpCount]:
    """One bottom-up pass of the ConvAC over the representation ``q`` (``N x M``).

    Returns the root's outputs (one per class) and the operations performed. Leaf ``j``:
    ``v[gamma] = sum_d a^{0,j}[gamma, d] q[j][d]``; internal node:
    ``v[gamma] = sum_alpha a[gamma, alpha] prod_c v_c[alpha]``.
    """
    tree = model.tree
    ops = OpCount()
    values: dict[int, list[Fraction]] = {}

    def combine(w: Array, inputs: Sequence[Fraction]) -> list[Fraction]:
        out = []
        for g in range(w.shape[0]):
            acc = w[g, 0] * inputs[0]
            ops.mul += 1
            for a in range(1, w.shape[1]):
                acc += w[g, a] * inputs[a]
                ops.mul += 1
                ops.add += 1
            out.append(acc)
        return out

    for v in trees.postorder(tree):
        kids = trees.children(tree, v)
        w = model.weights[v]
        if not kids:
            values[v] = combine(w, q[v])
            continue
        prods = list(values[kids[0]])
        for c in kids[1:]:
            prods = [p * u for p, u in zip(prods, values[c], strict=True)]
            ops.mul += len(prods)
        values[v] = combine(w, prods)
    return values[trees.root(tree)], ops


def brute_force_likelihood(
    model: GenerativeConvAC, q: Sequence[Sequence[Fraction]], y: int
) -> Fraction:
    """``sum_d P(d | y) prod_i q[i][d_i]`` over all ``M**N`` assignments (the definition)."""
    priors = model.priors(y)
    total = Fraction(0)
    for d in itertools.product(range(model.dim), repeat=model.n_modes):
        term = priors[d]
        for i, di in enumerate(d):
            term *= q[i][di]
        total += term
    return total


def _simplex_rows(rng: np.random.Generator, shape: tuple[int, int]) -> Array:
    raw = rng.integers(1, _WEIGHT_RANGE + 1, size=shape)
    out = np.empty(shape, dtype=object)
    for i in range(shape[0]):
        total = int(raw[i].sum())
        for j in range(shape[1]):
            out[i, j] = Fraction(int(raw[i, j]), total)
    return out


def random_generative(
    tree: nx.DiGraph,
    dim: int,
    alphabet: int,
    widths: int | Sequence[int],
    classes: int,
    rng: np.random.Generator,
    *,
    name: str = "tree",
) -> GenerativeConvAC:
    """Random positive simplex-normalized rational weights and components; uniform P(y).

    Raises
    ------
    InvalidDecomposition
        If a size is below 1 (M, K, Y) or the widths do not fit the tree.
    """
    if dim < 1 or alphabet < 1 or classes < 1:
        raise InvalidDecomposition(
            f"M, K and Y must be >= 1; got M = {dim}, K = {alphabet}, Y = {classes}"
        )
    if trees.n_modes(tree) < 2:
        raise InvalidDecomposition("a generative ConvAC needs N >= 2 modes")
    ws = resolve_widths(tree, widths)
    root = trees.root(tree)
    weights: dict[int, Array] = {}
    for v in trees.postorder(tree):
        kids = trees.children(tree, v)
        if not kids:
            weights[v] = _simplex_rows(rng, (ws[0], dim))
            continue
        r_in = ws[trees.height(tree, kids[0])]
        r_out = classes if v == root else ws[trees.height(tree, v)]
        weights[v] = _simplex_rows(rng, (r_out, r_in))
    prior = tuple(Fraction(1, classes) for _ in range(classes))  # uniform, as in the paper's tasks
    components = _simplex_rows(rng, (dim, alphabet))
    return GenerativeConvAC(name, tree, dim, alphabet, ws, weights, prior, components)


def all_inputs(
    model: GenerativeConvAC, fixed: Mapping[int, int] | None = None
) -> Iterable[tuple[int, ...]]:
    """Every ``X`` in ``{0..K-1}^N`` (agreeing with ``fixed`` where given)."""
    fixed = fixed or {}
    free = [i for i in range(model.n_modes) if i not in fixed]
    for values in itertools.product(range(model.alphabet), repeat=len(free)):
        x = [0] * model.n_modes
        for i, v in fixed.items():
            x[i] = v
        for i, v in zip(free, values, strict=True):
            x[i] = v
        yield tuple(x)


MODELS = ("gcp", "ght")
MODEL_DEFAULTS: dict[str, object] = {
    "models": "gcp,ght",
    "n_modes": 4,
    "dim": 2,
    "alphabet": 2,
    "width": 2,
    "classes": 2,
}
"""The model parameters every generative check takes (small enough for ``all``)."""


def build_models(
    names: str,
    n_modes: int,
    dim: int,
    alphabet: int,
    width: int,
    classes: int,
    seed: int,
) -> list[GenerativeConvAC]:
    """The named models (``gcp``: CP tree with Z = ``width``; ``ght``: balanced binary
    tree, N a power of 2), each with its own random stream from ``seed``.

    Examples
    --------
    >>> [m.name for m in build_models("gcp,ght", 4, 2, 2, 2, 2, 0)]
    ['GCP', 'GHT']
    """
    out = []
    for name in (s.strip().lower() for s in names.split(",") if s.strip()):
        if name not in MODELS:
            raise InvalidDecomposition(f"models are {', '.join(MODELS)}; got {name!r}")
        tree = trees.cp_tree(n_modes) if name == "gcp" else trees.balanced(n_modes)
        key = repr((name, n_modes, dim, alphabet, width, classes)).encode()
        rng = np.random.default_rng([seed, zlib.crc32(key)])
        out.append(random_generative(tree, dim, alphabet, width, classes, rng, name=name.upper()))
    return out
