"""Explicit weights from the ICML 2016 proofs, shallow replicas, universality constructions.

Conventions: the balanced binary tree of :func:`convac_verify.networks.trees.balanced`; the
papers' 1-based "odd" location or node ``j`` (``j = 1, 3, 5, ...`` among the nodes of one
level) is the **first child** of its parent here (0-based mode 0, 2, 4, ... at the
leaves). Weights follow :mod:`convac_verify.rectifier.generalized` (leaf ``(r_0, M)`` rows
``a^{0,j,gamma}``; node ``(r_out, r_in)`` rows ``a^{l,j,gamma}``; root ``(1, r_{L-1})``).

* :func:`claim8_weights` -- supp. E.10, the witness of Claim 8.
* :func:`e11_weights`, :func:`perturb`, :func:`e11_replica`, :func:`e11_certificate` --
  supp. E.11, the open set of Claim 9 (and of Claim 11), with a certificate by exact
  interval arithmetic that holds on the whole box of perturbations.
* :func:`universal_shallow` -- shallow networks realizing any target grid tensor
  (Claims 3-4), constructed here (the constructions are this tool's; see their
  docstrings).

References
----------
N. Cohen, A. Shashua. ICML 2016, Claims 3, 4, 8, 9, 11 and supplementary E.10, E.11.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

import networkx as nx
import numpy as np

from ..algebra.rationals import QArray
from ..errors import ConvacError
from ..networks import trees
from ..networks.decompositions import resolve_widths
from .generalized import (
    GeneralizedDecomposition,
    generalized_from_weights,
    grid_tensor_q,
    inverse,
    random_weight,
)
from .operators import get_operator

__all__ = [
    "E11_VARIANTS",
    "BoxCertificate",
    "claim8_weights",
    "depends_on_modes",
    "e11_certificate",
    "e11_replica",
    "e11_weights",
    "identity_target",
    "mismatches",
    "perturb",
    "universal_shallow",
]

E11_VARIANTS = ("paper", "negative-even")


def _is_first_child(tree: nx.DiGraph, node: int) -> bool:
    parents = list(tree.predecessors(node))
    return bool(parents) and trees.children(tree, parents[0])[0] == node


def _vec(F_inv: QArray, v: Sequence[int | Fraction]) -> list[Fraction]:
    """``F^{-1} v`` as Fractions."""
    rows: list[list[Fraction]] = F_inv.to_fractions()  # type: ignore[assignment]
    return [sum((x * c for x, c in zip(row, v, strict=True)), Fraction(0)) for row in rows]


# --------------------------------------------------------------------------- Claim 8


def claim8_weights(
    tree: nx.DiGraph, dim: int, widths: int | Sequence[int], F: QArray
) -> dict[int, object]:
    """The witness of Claim 8 (supp. E.10), for an invertible F.

    * ``a^{0,j,gamma} = F^{-1} e-bar_gamma`` for ``gamma <= M``, else 0, where
      ``e-bar_gamma`` is 1 in every entry except 0 in entry gamma (so the conv outputs
      are ``e-bar_gamma``);
    * ``a^{l,j,gamma} = 1`` (all ones) for ``gamma = 1``, else 0, at every hidden level;
    * ``a^{L,1,y} = 1``.

    With ``g = max{a, b, 0}`` the odd/even matricization is ``m*O - D`` with
    ``m = min(r_0, M)``, O all ones and D a 0/1 diagonal with ``m**(N/2)`` ones: rank
    ``>= m**(N/2)``.
    """
    ws = resolve_widths(tree, widths)
    F_inv = inverse(F)
    root = trees.root(tree)
    weights: dict[int, object] = {}
    for j in range(trees.n_modes(tree)):
        rows = []
        for gamma in range(ws[0]):
            if gamma < dim:
                ebar = [0 if i == gamma else 1 for i in range(dim)]
                rows.append(_vec(F_inv, ebar))
            else:
                rows.append([Fraction(0)] * dim)
        weights[j] = rows
    for v in trees.internal_nodes(tree):
        r_in = ws[trees.height(tree, trees.children(tree, v)[0])]
        r_out = 1 if v == root else ws[trees.height(tree, v)]
        w = np.zeros((r_out, r_in), dtype=np.int64)
        w[0, :] = 1
        weights[v] = w.tolist()
    return weights


# --------------------------------------------------------------------------- E.11


def e11_weights(
    tree: nx.DiGraph, dim: int, widths: int | Sequence[int], F: QArray, variant: str = "paper"
) -> dict[int, QArray]:
    """The point of supp. E.11 around which Claim 9's open set lies.

    ``variant="paper"`` (as printed, for max pooling): ``a^{0,j,gamma} = F^{-1} 1`` for
    odd j and 0 for even j; ``a^{l,j,gamma} = 1`` (all ones) for odd j and 0 for even j;
    ``a^{L,1,y} = 1``.

    ``variant="negative-even"`` (this tool's adaptation to sum pooling, where a ReLU of a
    small positive even branch would leak into the sum): even locations get
    ``-F^{-1} 1`` (conv outputs -1) and even hidden nodes all ``-1``, so every even branch
    is strictly negative and its ReLU vanishes on a whole neighbourhood.
    """
    if variant not in E11_VARIANTS:
        raise ConvacError(f"E.11 variant must be one of {', '.join(E11_VARIANTS)}; got {variant!r}")
    ws = resolve_widths(tree, widths)
    F_inv = inverse(F)
    ones = _vec(F_inv, [1] * dim)
    even_sign = 0 if variant == "paper" else -1
    root = trees.root(tree)
    weights: dict[int, QArray] = {}
    for j in range(trees.n_modes(tree)):
        sign = 1 if _is_first_child(tree, j) else even_sign
        weights[j] = QArray.from_values([[sign * x for x in ones] for _ in range(ws[0])])
    for v in trees.internal_nodes(tree):
        r_in = ws[trees.height(tree, trees.children(tree, v)[0])]
        r_out = 1 if v == root else ws[trees.height(tree, v)]
        sign = 1 if v == root or _is_first_child(tree, v) else even_sign
        weights[v] = QArray.from_values(np.full((r_out, r_in), sign, dtype=np.int64).tolist())
    return weights


def perturb(
    weights: Mapping[int, QArray],
    F: QArray,
    radius: Fraction,
    rng: np.random.Generator,
    bits: int = 20,
) -> tuple[dict[int, QArray], QArray]:
    """Every weight and every entry of F moved by ``radius * k / 2**bits``, k uniform in
    ``[-2**bits, 2**bits]``: a uniform draw from the box of half-width ``radius``."""

    def move(q: QArray) -> QArray:
        step = random_weight(rng, q.shape, bits)  # k / 2**bits in [-1, 1]
        delta = QArray(
            np.asarray(step.num * radius.numerator, dtype=object), step.den * radius.denominator
        )
        return q.add(delta)

    return {v: move(q) for v, q in sorted(weights.items())}, move(F)


def depends_on_modes(tensor: QArray) -> tuple[int, ...]:
    """The modes along which the tensor is not constant (exactly)."""
    num = tensor.num
    out = []
    for m in range(num.ndim):
        first = np.take(num, [0], axis=m)
        if not np.all(num == first):
            out.append(m)
    return tuple(out)


_REPLICA_REST = {"max": 0, "prod": 1, "avg": -1}


def e11_replica(F: QArray, w: QArray, n_modes: int, shallow: str) -> GeneralizedDecomposition:
    """The shallow network with ONE hidden channel that E.11 says replicates the deep one.

    Conv outputs: ``w`` at the first location (``a^{1,1} = F^{-1} w``) and, at the
    others, 0 for max pooling (``a^{1,i} = 0``, as printed), 1 for product pooling
    (``a^{1,i} = F^{-1} 1``, Claim 11) and -1 for sum pooling (so their ReLU vanishes);
    output weight 1. It computes ``max{w[d_1], 0}``, ``w[d_1]`` and ``max{w[d_1], 0}``.
    """
    dim = F.shape[0]
    F_inv = inverse(F)
    first = F_inv.matmul(QArray(w.num.reshape(dim, 1), w.den)).reshape(1, dim)
    rest = QArray.from_values([_vec(F_inv, [_REPLICA_REST[shallow]] * dim)])
    weights: dict[int, object] = {0: first}
    for i in range(1, n_modes):
        weights[i] = rest
    weights[trees.root(trees.cp_tree(n_modes))] = [[1]]
    return generalized_from_weights(
        trees.cp_tree(n_modes), dim, 1, weights, get_operator(shallow), F=F
    )


@dataclass(frozen=True)
class BoxCertificate:
    """Result of :func:`e11_certificate`."""

    ok: bool
    """Whether the conclusion holds for every point of the box."""
    reason: str
    """What was shown, or the first condition that could not be shown."""
    radius: Fraction
    """Half-width of the box (every weight and every entry of F)."""


Interval = tuple[Fraction, Fraction]


def _imul(a: Interval, b: Interval) -> Interval:
    products = [a[0] * b[0], a[0] * b[1], a[1] * b[0], a[1] * b[1]]
    return min(products), max(products)


def _iadd(a: Interval, b: Interval) -> Interval:
    return a[0] + b[0], a[1] + b[1]


def _box(q: QArray, radius: Fraction) -> list[list[Interval]]:
    rows: list[list[Fraction]] = q.to_fractions()  # type: ignore[assignment]
    return [[(x - radius, x + radius) for x in row] for row in rows]


def e11_certificate(
    tree: nx.DiGraph,
    dim: int,
    widths: int | Sequence[int],
    F: QArray,
    radius: Fraction,
    deep: str,
    shallow: str,
    variant: str = "paper",
) -> BoxCertificate:
    """Prove, for **every** point of the box, that the deep grid tensor depends on the
    first input only and equals its Z = 1 shallow replica (:func:`e11_replica`).

    The box: every weight of :func:`e11_weights` and every entry of F moved by at most
    ``radius``. Exact interval arithmetic (Fractions) bounds every conv output and
    every node value over the whole box. Bottom-up, each pooling node must *resolve* to
    its first child for all points: for ``max{a, b, 0}`` the first child's lower bound is
    ``>= 0`` and ``>=`` the second child's upper bound; for sum pooling the first child is
    ``>= 0`` and the second ``<= 0``. Then every node's value is a function of its first
    leaf's template only, so the grid tensor is ``w[d_1] (x) 1 (x) ... (x) 1``. The
    replica needs F invertible on the box (``radius * M * ||F^{-1}||_inf < 1``) and, for
    max and sum pooling, ``w >= 0`` (shown by the root's interval). The box has positive
    measure, which is Claim 9's "positive probability".
    """
    if deep not in ("max", "avg") or shallow not in _REPLICA_REST:
        raise ConvacError(f"the E.11 certificate covers deep max/avg pooling; got {deep!r}")
    ws = resolve_widths(tree, widths)
    base = e11_weights(tree, dim, ws, F, variant)
    f_box = _box(F, radius)
    inv_rows: list[list[Fraction]] = inverse(F).to_fractions()  # type: ignore[assignment]
    f_inv_norm = max(sum(abs(x) for x in row) for row in inv_rows)
    if radius * dim * f_inv_norm >= 1:
        return BoxCertificate(
            False, "F may be singular on the box (radius*M*||F^-1|| >= 1)", radius
        )
    values: dict[int, list[list[Interval]]] = {}  # node -> [channel][template of first leaf]
    for v in trees.postorder(tree):
        kids = trees.children(tree, v)
        w_box = _box(base[v], radius)
        if not kids:  # conv outputs (F a)_d = sum_k F[d, k] a[k]
            values[v] = [
                [
                    _sum_intervals(_imul(f_box[d][k], w_box[g][k]) for k in range(dim))
                    for d in range(dim)
                ]
                for g in range(len(w_box))
            ]
            continue
        if len(kids) != 2:
            return BoxCertificate(False, "the E.11 construction needs a binary tree", radius)
        first, second = values[kids[0]], values[kids[1]]
        for alpha in range(len(first)):
            lo_first = min(iv[0] for iv in first[alpha])
            hi_second = max(iv[1] for iv in second[alpha])
            if deep == "max" and not (lo_first >= 0 and lo_first >= hi_second):
                return BoxCertificate(
                    False,
                    f"at node {v}, channel {alpha}: max{{a, b, 0}} may not resolve to a",
                    radius,
                )
            if deep == "avg" and not (lo_first >= 0 and hi_second <= 0):
                return BoxCertificate(
                    False, f"at node {v}, channel {alpha}: ReLU sum may not resolve to a", radius
                )
        values[v] = [
            [
                _sum_intervals(_imul(w_box[g][a], first[a][d]) for a in range(len(first)))
                for d in range(dim)
            ]
            for g in range(len(w_box))
        ]
    root_values = values[trees.root(tree)][0]
    if shallow in ("max", "avg") and min(iv[0] for iv in root_values) < 0:
        return BoxCertificate(False, "w >= 0 could not be shown for the Z = 1 replica", radius)
    return BoxCertificate(
        True,
        "every pooling resolves to its first child on the whole box (exact interval "
        "arithmetic): A = w(d_1) (x) 1 ... (x) 1 = the Z = 1 shallow replica",
        radius,
    )


def _sum_intervals(items: object) -> Interval:
    lo, hi = Fraction(0), Fraction(0)
    for a, b in items:  # type: ignore[attr-defined]
        lo, hi = lo + a, hi + b
    return lo, hi


# --------------------------------------------------------------------------- universality


def identity_target(n_modes: int, dim: int) -> QArray:
    """The grid tensor whose odd/even matricization is the identity (full rank M**(N/2))."""
    num = np.zeros((dim,) * n_modes, dtype=np.int64)
    for d in itertools.product(range(dim), repeat=n_modes):
        if all(d[2 * k] == d[2 * k + 1] for k in range(n_modes // 2)):
            num[d] = 1
    return QArray.from_values(num.tolist())


def universal_shallow(
    target: QArray, construction: str, operator: str, F: QArray
) -> GeneralizedDecomposition:
    """A shallow network whose grid tensor is ``target`` (constructions of this tool).

    ``construction="fibers"`` (for product pooling, Claim 3): one channel per nonzero
    fiber ``T[d_1..d_{N-1}, :]``, with conv outputs ``e_{d_1}, ..., e_{d_{N-1}}`` and the
    fiber at the last location, output weight 1: ``T = sum e_{d_1} (x) ... (x) fiber``.

    ``construction="indicators"`` (for max pooling, Claim 4): for a grid point d, the
    conv outputs ``v_i[c] = [c != d_i]`` give ``max{v_1[d'_1], ..., v_N[d'_N], 0} =
    1 - [d' = d]``; one more channel with outputs ``(1, 0, ..., 0)`` gives the constant
    1. So ``T = (sum_d T_d) * 1 - sum_d T_d * max{...}``: ``1 + #{d : T_d != 0}`` channels.

    Conv outputs v are realized as ``a = F^{-1} v``. ``operator`` is the pooling the
    network actually uses (a negative control runs a construction under the wrong one).
    """
    n = target.num.ndim
    dim = target.shape[0]
    F_inv = inverse(F)
    leaf_rows: list[list[list[Fraction]]] = [[] for _ in range(n)]
    out: list[Fraction] = []
    values = target.to_fractions()

    def entry(d: tuple[int, ...]) -> Fraction:
        x: object = values
        for i in d:
            x = x[i]  # type: ignore[index]
        assert isinstance(x, Fraction)
        return x

    def add_channel(outputs: list[list[Fraction]], weight: Fraction) -> None:
        for i in range(n):
            leaf_rows[i].append(_vec(F_inv, outputs[i]))
        out.append(weight)

    if construction == "fibers":
        for prefix in itertools.product(range(dim), repeat=n - 1):
            fiber = [entry((*prefix, c)) for c in range(dim)]
            if any(fiber):
                unit = [[Fraction(int(c == p)) for c in range(dim)] for p in prefix]
                add_channel([*unit, fiber], Fraction(1))
    elif construction == "indicators":
        total = sum((entry(d) for d in itertools.product(range(dim), repeat=n)), Fraction(0))
        const = [[Fraction(1)] * dim] + [[Fraction(0)] * dim for _ in range(n - 1)]
        add_channel(const, total)
        for d in itertools.product(range(dim), repeat=n):
            t = entry(d)
            if t:
                add_channel([[Fraction(int(c != d[i])) for c in range(dim)] for i in range(n)], -t)
    else:
        raise ConvacError(f"unknown universality construction {construction!r}")
    if not out:  # the zero tensor: one channel with output weight 0
        add_channel([[Fraction(0)] * dim for _ in range(n)], Fraction(0))
    tree = trees.cp_tree(n)
    weights: dict[int, object] = {i: leaf_rows[i] for i in range(n)}
    weights[trees.root(tree)] = [out]
    return generalized_from_weights(tree, dim, len(out), weights, get_operator(operator), F=F)


def mismatches(decomp: GeneralizedDecomposition, target: QArray) -> int:
    """Number of grid entries where ``decomp``'s grid tensor differs from ``target``."""
    a = grid_tensor_q(decomp)
    return int(np.count_nonzero(a.num * target.den != target.num * a.den))
