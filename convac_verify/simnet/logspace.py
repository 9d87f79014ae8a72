"""A ConvAC computed in log space is a SimNet (Deep SimNets; COLT 2016 App. E).

For a **positive** ConvAC (positive weights and representations) take logs node by node:

* a 1x1 convolution with positive weights ``a``, ``y -> sum_alpha a_alpha y_alpha``, becomes
  a MEX with offsets: ``log sum_alpha a_alpha y_alpha = MEX_{beta=1}{log y_alpha +
  log a_alpha} + log n`` (``n`` inputs: the MEX averages, the ``log n`` restores the sum);
* product pooling becomes a plain sum of logs: ``log prod_c v_c = sum_c log v_c``.

:func:`operator_identities` proves both with SymPy for symbolic positive inputs;
:func:`log_space_output` evaluates the SimNet built this way on a mode tree in rigorous
interval arithmetic, and :func:`convac_output` the ConvAC itself exactly over Q, so the
two can be compared: the SimNet's output must be the log of the ConvAC's.

Mode trees and weights follow :mod:`convac_verify.networks.decompositions` (leaf ``j``:
``(r_0, M)`` weights applied to the representation ``q[j]`` of length M; internal node:
``(r_out, r_in)``; the root has one output).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import networkx as nx
import numpy as np

from ..algebra.fields import Array
from ..networks import trees
from ..networks.decompositions import resolve_widths
from .mex import interval, mex_interval, sympy_identity

__all__ = [
    "PositiveConvAC",
    "convac_output",
    "log_space_output",
    "operator_identities",
    "random_positive_convac",
]


@dataclass(frozen=True)
class PositiveConvAC:
    """A ConvAC with positive rational weights and a positive representation."""

    tree: nx.DiGraph
    weights: Mapping[int, Array]
    """Object arrays of positive Fractions (shapes as in the module docstring)."""
    representation: Sequence[Sequence[Fraction]]
    """``N x M`` positive Fractions: ``q[j][d] = f_d(x_j)``."""


def random_positive_convac(
    tree: nx.DiGraph, dim: int, widths: int | Sequence[int], rng: np.random.Generator
) -> PositiveConvAC:
    """Weights and representation drawn as positive rationals ``k / 64``, ``k in [1, 640]``."""
    ws = resolve_widths(tree, widths)
    root = trees.root(tree)

    def draw(shape: tuple[int, int]) -> Array:
        out = np.empty(shape, dtype=object)
        for idx in np.ndindex(*shape):
            out[idx] = Fraction(int(rng.integers(1, 641)), 64)
        return out

    weights: dict[int, Array] = {}
    for v in trees.postorder(tree):
        kids = trees.children(tree, v)
        if not kids:
            weights[v] = draw((ws[0], dim))
        else:
            r_out = 1 if v == root else ws[trees.height(tree, v)]
            weights[v] = draw((r_out, ws[trees.height(tree, kids[0])]))
    rep = [list(row) for row in draw((trees.n_modes(tree), dim))]
    return PositiveConvAC(tree, weights, rep)


def convac_output(net: PositiveConvAC) -> Fraction:
    """The ConvAC's output, exactly over Q (1x1 convolutions and product pooling)."""
    values: dict[int, list[Fraction]] = {}
    for v in trees.postorder(net.tree):
        kids = trees.children(net.tree, v)
        inputs = list(net.representation[v]) if not kids else _products([values[c] for c in kids])
        w = net.weights[v]
        values[v] = [
            sum((w[g, a] * inputs[a] for a in range(w.shape[1])), Fraction(0))
            for g in range(w.shape[0])
        ]
    return values[trees.root(net.tree)][0]


def _products(channels: list[list[Any]]) -> list[Any]:
    out = list(channels[0])
    for ch in channels[1:]:
        out = [a * b for a, b in zip(out, ch, strict=True)]
    return out


def log_space_output(net: PositiveConvAC, *, log_n_offset: bool = True) -> Any:
    """The SimNet's output in interval arithmetic: log-representation, each 1x1 conv as
    ``MEX_1{z_alpha + log a_alpha} + log n``, each pooling as a sum of logs.

    ``log_n_offset=False`` drops the ``+ log n`` (a wrong translation, for the negative
    control).
    """
    from mpmath import iv

    values: dict[int, list[Any]] = {}
    one = iv.mpf(1)
    for v in trees.postorder(net.tree):
        kids = trees.children(net.tree, v)
        if not kids:
            inputs = [iv.log(interval(q)) for q in net.representation[v]]
        else:
            inputs = [
                sum(parts, iv.mpf(0)) for parts in zip(*(values[c] for c in kids), strict=True)
            ]
        w = net.weights[v]
        n = w.shape[1]
        shift = iv.log(iv.mpf(n)) if log_n_offset else iv.mpf(0)
        values[v] = [
            mex_interval(inputs, one, [iv.log(interval(w[g, a])) for a in range(n)]) + shift
            for g in range(w.shape[0])
        ]
    return values[trees.root(net.tree)][0]


def operator_identities(n: int) -> dict[str, bool]:
    """SymPy proofs, for ``n`` symbolic positive inputs, of the two translations:
    ``conv`` (1x1 conv = MEX with offsets + log n) and ``pooling`` (log of a product =
    sum of logs)."""
    import sympy

    a = [sympy.Symbol(f"a_{i}", positive=True) for i in range(n)]
    y = [sympy.Symbol(f"y_{i}", positive=True) for i in range(n)]
    lhs = sympy.log(sympy.Add(*(ai * yi for ai, yi in zip(a, y, strict=True))))
    from .mex import mex_sympy

    rhs = mex_sympy([sympy.log(yi) for yi in y], sympy.Integer(1), [sympy.log(ai) for ai in a])
    rhs = rhs + sympy.log(n)
    conv = sympy_identity(lhs, rhs)
    v = [sympy.Symbol(f"v_{i}", positive=True) for i in range(n)]
    pooling = sympy_identity(
        sympy.expand_log(sympy.log(sympy.Mul(*v))), sympy.Add(*(sympy.log(x) for x in v))
    )
    return {"conv": conv, "pooling": pooling}
