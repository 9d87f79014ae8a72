r"""Dilated and mixed networks with a generalized operator g (ReLU), exactly over Z.

The paper's experiment (Cohen, Tamari & Shashua, ICLR 2018, Sec. 6) replaces the
product of eq. 3 by ``g(a, b) = max{a + b, 0}``: a size-2 dilated convolution (one weight
matrix per input) followed by ReLU. Per node ``nu`` with children ``c_1``, ``c_2``::

    phi^{nu,gamma} = g( sum_a W1[gamma, a] phi^{c_1,a} , sum_a W2[gamma, a] phi^{c_2,a} )

on the grid, ``(A (x)_g B)_{d,e} = g(A_d, B_e)`` (ICML 2016, eq. 5). Leaves carry the
discretizers ``V[d, :]``; the mixed network (eq. 4) swaps the low half of the channels at
each mixture node and sums the two trees' outputs (``networks/mixed.py`` states the
semantics once; here g replaces the product). A ReLU network is not multilinear, hence
not a tensor network: this is its own evaluator (the product case is the tensor-network
core's; ``tests/test_relu_dilated.py`` checks this evaluator against it with ``g = a*b``).

Exactness: weights and discretizers are integers (uniform in ``[-2^20, 2^20]``: the dyadic
weights of :mod:`convac_verify.rectifier.generalized` scaled by ``2^20``; ReLU is
positively homogeneous, so the scale changes no rank) and every value is a Python int.
Ranks are taken modulo a random prime (a certified lower bound on the rank over Q at the
point, :mod:`convac_verify.rectifier.ranks`). Grid tensors of ReLU networks are piecewise
polynomial in the weights: a point proves nothing almost everywhere (the evidence says
``polynomial = False``; :mod:`convac_verify.evidence.status`).

References
----------
N. Cohen, R. Tamari, A. Shashua. ICLR 2018 (arXiv 1703.06846v3): eq. 3-4, Sec. 6. N.
Cohen, A. Shashua. Convolutional Rectifier Networks as Generalized Tensor
Decompositions. ICML 2016, eq. 5.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np

from ..algebra.fields import Array
from ..errors import ConvacError
from ..networks import trees
from ..networks.mixed import Mixture, Node, node_index

__all__ = [
    "BOUND",
    "NETWORKS",
    "WEIGHT_VALUES",
    "Weights",
    "dilated_relu_grid",
    "g_product",
    "g_relu_sum",
    "random_weights",
]

BOUND = 2**20
WEIGHT_VALUES = 2 * BOUND + 1
"""|S|: every weight is uniform over the integers in ``[-2^20, 2^20]``."""
NETWORKS = ("T", "T-bar", "T+T-bar", "mixed")
"""What :func:`dilated_relu_grid` evaluates: one tree, their plain sum, or the mixture."""

G = Callable[[Array, Array], Array]
Weights = tuple[Mapping[Node, tuple[Array, ...]], Mapping[Node, tuple[Array, ...]]]


def g_relu_sum(a: Array, b: Array) -> Array:
    """``g(a, b) = max{a + b, 0}`` entrywise (the paper's experiment)."""
    return np.maximum(np.add(a, b), 0)


def g_product(a: Array, b: Array) -> Array:
    """``g(a, b) = a * b`` (eq. 3; for cross-checks with the tensor-network core)."""
    return np.multiply(a, b)


def random_weights(mixture: Mixture, width: int, rng: np.random.Generator) -> Weights:
    """Integer weights per tree, node and child, uniform in ``[-2^20, 2^20]``."""
    out: list[dict[Node, tuple[Array, ...]]] = []
    for tree in mixture.pair():
        w: dict[Node, tuple[Array, ...]] = {}
        for v in trees.internal_nodes(tree):
            node = frozenset(trees.leaves_below(tree, v))
            rows = 1 if node == mixture.root else width
            w[node] = tuple(
                rng.integers(-BOUND, BOUND + 1, (rows, width)).astype(object)
                for _ in trees.children(tree, v)
            )
        out.append(w)
    return out[0], out[1]


def dilated_relu_grid(
    mixture: Mixture,
    network: str,
    weights: Weights,
    discretizers: Array,
    g: G = g_relu_sum,
) -> Array:
    """The grid tensor (shape ``(M,) * N``, axis m = mode m, Python ints) of T, T-bar,
    their plain sum, or the mixed network, with operator g on binary trees.

    Raises
    ------
    ConvacError
        An unknown ``network``, a non-binary tree, or an odd width with mixture nodes.
    """
    if network not in NETWORKS:
        raise ConvacError(f"network must be one of {', '.join(NETWORKS)}; got {network!r}")
    v = np.asarray(discretizers, dtype=object)
    width = v.shape[1]
    swap = network == "mixed"
    if swap and mixture.nodes and width % 2:
        raise ConvacError(f"a mixed network swaps half of its channels: r even; got {width}")
    mix = set(mixture.nodes) if swap else set()
    cache: dict[tuple[int, Node], tuple[Array, list[int]]] = {}

    def value(s: int, node: Node) -> tuple[Array, list[int]]:
        if len(node) == 1:
            return v.T, [min(node)]
        if node not in mix:
            return pre(s, node)
        mine, modes = pre(s, node)
        other, _ = pre(1 - s, node)
        return np.concatenate([other[: width // 2], mine[width // 2 :]]), modes

    def pre(s: int, node: Node) -> tuple[Array, list[int]]:
        if (s, node) in cache:
            return cache[s, node]
        tree = mixture.pair()[s]
        kids = [
            frozenset(trees.leaves_below(tree, c))
            for c in trees.children(tree, node_index(tree)[node])
        ]
        if len(kids) != 2:
            raise ConvacError(f"g acts on pairs: node {sorted(node)} has {len(kids)} children")
        (a, ma), (b, mb) = value(s, kids[0]), value(s, kids[1])
        w1, w2 = weights[s][node]
        x = np.tensordot(np.asarray(w1, dtype=object), a, axes=(1, 0))
        y = np.tensordot(np.asarray(w2, dtype=object), b, axes=(1, 0))
        out = g(
            x.reshape(x.shape + (1,) * (b.ndim - 1)),
            y.reshape(y.shape[:1] + (1,) * (a.ndim - 1) + y.shape[1:]),
        )
        modes = ma + mb
        order = np.argsort(modes)
        cache[s, node] = (np.transpose(out, (0, *(1 + order))), sorted(modes))
        return cache[s, node]

    which: Sequence[int] = {"T": (0,), "T-bar": (1,)}.get(network, (0, 1))
    total = None
    for s in which:
        out, _ = pre(s, mixture.root)
        total = out[0] if total is None else total + out[0]
    assert total is not None
    return total
