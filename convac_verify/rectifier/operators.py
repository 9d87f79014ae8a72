"""Activation-pooling operators ``g(a, b) = P(sigma(a), sigma(b))``, in a registry.

A convolutional network with activation ``sigma`` and pooling ``P`` over windows of
size 2 computes, on the grid of templates, a *generalized* tensor decomposition in
which the tensor product is replaced by ``(A (x)_g B)_{d, e} = g(A_d, B_e)``
(ICML 2016, eq. 5 and Sec. 4). The built-in operators are

========  ======================  ===========  ============================
name      g(a, b)                 activation   pooling
========  ======================  ===========  ============================
``prod``  ``a * b``               linear       product (ConvAC)
``max``   ``max{a, b, 0}``        ReLU         max
``avg``   ``max{a,0} + max{b,0}`` ReLU         average, analysed as sum
========  ======================  ===========  ============================

Average pooling is not associative; the paper analyses **sum** pooling instead,
which is equivalent in expressiveness (the next layer's linear weights absorb the
factor 1/2), and so does this package.

A user-defined ``g`` is an expression in ``a`` and ``b`` (:func:`parse_operator`),
evaluated exactly on rationals. The framework needs ``g`` associative and
commutative (so that global pooling is well defined); :func:`check_algebra` tests
both on sampled rationals and reports a counterexample when one fails.

Operators act on :class:`~convac_verify.algebra.rationals.QArray` s: :meth:`Operator.apply`
brings both arguments to a common denominator and calls the operator's ``scaled``
function on the numerators, so the built-ins never leave Python ints.

References
----------
N. Cohen, A. Shashua. Convolutional Rectifier Networks as Generalized Tensor
Decompositions. ICML 2016, eq. 5 (activation-pooling operator), Sec. 4.
"""

from __future__ import annotations

import ast
import itertools
import operator as _op
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np

from ..algebra.fields import Array
from ..algebra.rationals import QArray, align
from ..errors import ConvacError

__all__ = [
    "OPERATORS",
    "AlgebraReport",
    "InvalidOperator",
    "Operator",
    "check_algebra",
    "get_operator",
    "parse_operator",
    "register_operator",
]

Scaled = Callable[[Array, Array, int], tuple[Array, int]]
Combine = Callable[[QArray, QArray], tuple[Array, int]]


class InvalidOperator(ConvacError):
    """A user-defined operator could not be parsed or evaluated."""


@dataclass(frozen=True)
class Operator:
    """An activation-pooling operator ``g`` with its exact implementation."""

    name: str
    """Registry key (``prod``, ``max``, ``avg``) or ``user`` for a parsed expression."""
    formula: str
    """``g(a, b)`` as text, e.g. ``max{a, b, 0}``."""
    activation: str
    """The activation sigma it encodes (``linear``, ``ReLU``, ``user``)."""
    pooling: str
    """The pooling P it encodes."""
    polynomial: bool
    """Whether ``g`` is a polynomial, so grid tensors are polynomials in the weights.

    Only then does a rank at one point bound the rank almost everywhere (a nonzero
    minor is a nonzero polynomial); max and ReLU give piecewise-polynomial maps.
    """
    scaled: Scaled
    """``scaled(x, y, den) -> (num, den')``: ``g(x/den, y/den) = num/den'`` entrywise."""
    latex: str = ""
    """``g`` in LaTeX."""
    combine: Combine | None = None
    """Optional ``combine(a, b) -> (num, den)`` that needs no common denominator
    (products: ``x/dx * y/dy = xy/(dx dy)``, which keeps numerators small)."""

    def apply(self, a: QArray, b: QArray) -> QArray:
        """``g(a, b)`` entrywise (NumPy broadcasting), exactly."""
        if self.combine is not None:
            num, out_den = self.combine(a, b)
        else:
            (x, y), den = align([a, b])
            num, out_den = self.scaled(x, y, den)
        return QArray(np.asarray(num, dtype=object), out_den)

    def value(self, a: int | Fraction, b: int | Fraction) -> Fraction:
        """``g(a, b)`` for two scalars (hand-computed examples, algebra checks)."""
        out = self.apply(QArray.from_values([a]), QArray.from_values([b]))
        return Fraction(int(out.num[0]), out.den)


def _prod(x: Array, y: Array, den: int) -> tuple[Array, int]:
    return np.multiply(x, y), den * den


def _prod_combine(a: QArray, b: QArray) -> tuple[Array, int]:
    return np.multiply(a.num, b.num), a.den * b.den


def _max(x: Array, y: Array, den: int) -> tuple[Array, int]:
    return np.maximum(np.maximum(x, y), 0), den


def _sum_relu(x: Array, y: Array, den: int) -> tuple[Array, int]:
    return np.maximum(x, 0) + np.maximum(y, 0), den


_OPERATORS: dict[str, Operator] = {}
OPERATORS = _OPERATORS


def register_operator(op: Operator) -> Operator:
    """Add ``op`` under ``op.name``."""
    if op.name in _OPERATORS:
        raise KeyError(f"operator {op.name!r} is already registered")
    _OPERATORS[op.name] = op
    return op


def get_operator(name: str) -> Operator:
    """Look up a registered operator; the error lists the known ones."""
    try:
        return _OPERATORS[name]
    except KeyError:
        known = ", ".join(_OPERATORS)
        raise ConvacError(
            f"unknown pooling/operator {name!r}; known: {known} (or a user g via --g)"
        ) from None


for _builtin in (
    Operator("prod", "a*b", "linear", "product", True, _prod, r"a\cdot b", _prod_combine),
    Operator("max", "max{a, b, 0}", "ReLU", "max", False, _max, r"\max\{a,b,0\}"),
    Operator(
        "avg",
        "max{a,0} + max{b,0}",
        "ReLU",
        "average (as sum)",
        False,
        _sum_relu,
        r"\max\{a,0\}+\max\{b,0\}",
    ),
):
    register_operator(_builtin)


# --------------------------------------------------------------------------- user operators

_BINOPS: dict[type[ast.operator], Callable[[Any, Any], Any]] = {
    ast.Add: _op.add,
    ast.Sub: _op.sub,
    ast.Mult: _op.mul,
    ast.Div: _op.truediv,
    ast.Pow: _op.pow,
}
_FUNCS: dict[str, Callable[..., Any]] = {
    "max": max,
    "min": min,
    "abs": abs,
    "relu": lambda x: max(x, 0),
}
_PIECEWISE = {"max", "min", "abs", "relu"}
_MAX_POWER = 8


def _compile(node: ast.AST, text: str) -> tuple[Callable[[Fraction, Fraction], Any], bool]:
    """``(evaluate, polynomial)`` for an expression tree, or :class:`InvalidOperator`."""
    if isinstance(node, ast.Expression):
        return _compile(node.body, text)
    if isinstance(node, ast.Name):
        if node.id == "a":
            return (lambda a, b: a), True
        if node.id == "b":
            return (lambda a, b: b), True
        raise InvalidOperator(f"g may use the variables a and b only; got {node.id!r} in {text!r}")
    if (
        isinstance(node, ast.Constant)
        and isinstance(node.value, int)
        and not isinstance(node.value, bool)
    ):
        c = Fraction(node.value)
        return (lambda a, b: c), True
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        f, poly = _compile(node.operand, text)
        sign = -1 if isinstance(node.op, ast.USub) else 1
        return (lambda a, b: sign * f(a, b)), poly
    if isinstance(node, ast.BinOp) and type(node.op) in _BINOPS:
        fl, pl = _compile(node.left, text)
        fr, pr = _compile(node.right, text)
        binop = _BINOPS[type(node.op)]
        poly = pl and pr
        if isinstance(node.op, ast.Pow) and not (
            isinstance(node.right, ast.Constant)
            and isinstance(node.right.value, int)
            and 0 <= node.right.value <= _MAX_POWER
        ):
            raise InvalidOperator(
                f"powers in g must be integer constants 0..{_MAX_POWER}; got {text!r}"
            )
        if isinstance(node.op, ast.Div):
            poly = pl and isinstance(node.right, ast.Constant)
        return (lambda a, b: binop(fl(a, b), fr(a, b))), poly
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in _FUNCS
        and not node.keywords
        and node.args
    ):
        parts = [_compile(arg, text) for arg in node.args]
        fn = _FUNCS[node.func.id]
        fs = [f for f, _ in parts]
        if node.func.id in ("abs", "relu") and len(fs) != 1:
            raise InvalidOperator(f"{node.func.id}() takes one argument; got {text!r}")
        return (lambda a, b: fn(*(f(a, b) for f in fs))), False
    raise InvalidOperator(
        "g is an expression in a and b with integers, + - * / **, max, min, abs, relu; "
        f"got {text!r}"
    )


def parse_operator(text: str) -> Operator:
    """A user-defined operator from an expression such as ``max(a, b, 0)``.

    Evaluation is exact (:class:`fractions.Fraction`); ``polynomial`` is detected from
    the syntax (only ``+ - *``, integer powers and division by constants).

    Examples
    --------
    >>> g = parse_operator("max(a,0) + max(b,0)")
    >>> g.value(-2, 3), g.polynomial
    (Fraction(3, 1), False)
    >>> parse_operator("a*b + a + b").polynomial
    True
    """
    source = text.strip()
    if not source or len(source) > 200:
        raise InvalidOperator(
            f"g must be a non-empty expression of at most 200 characters; got {text!r}"
        )
    try:
        tree = ast.parse(source, mode="eval")
    except SyntaxError:
        raise InvalidOperator(
            f"cannot parse g {text!r}: write an expression in a and b, e.g. 'max(a, b, 0)'"
        ) from None
    fn, poly = _compile(tree, source)

    def scalar(a: Fraction, b: Fraction) -> Fraction:
        try:
            out = fn(a, b)
        except ZeroDivisionError:
            raise InvalidOperator(f"g = {source} divides by zero at a = {a}, b = {b}") from None
        return Fraction(out)

    vectorized = np.frompyfunc(scalar, 2, 1)

    def scaled(x: Array, y: Array, den: int) -> tuple[Array, int]:
        to_fraction = np.frompyfunc(lambda v: Fraction(int(v), den), 1, 1)
        values = vectorized(to_fraction(x), to_fraction(y))
        out = QArray.from_values(np.asarray(values, dtype=object))
        return out.num, out.den

    return Operator("user", source, "user", "user", poly, scaled, source)


# --------------------------------------------------------------------------- algebra


@dataclass(frozen=True)
class AlgebraReport:
    """Associativity and commutativity of ``g`` on sampled rationals."""

    commutative: bool
    associative: bool
    samples: int
    """Number of sampled values (all pairs and triples of them were tested)."""
    counterexamples: tuple[str, ...]
    """One line per failed property (empty when both hold on the samples)."""

    @property
    def ok(self) -> bool:
        """Both properties held on every sample."""
        return self.commutative and self.associative


_SPECIAL = (Fraction(0), Fraction(1), Fraction(-1), Fraction(2), Fraction(-3, 2), Fraction(1, 3))


def check_algebra(op: Operator, rng: np.random.Generator, n_random: int = 6) -> AlgebraReport:
    """Test ``g(a,b) = g(b,a)`` and ``g(g(a,b),c) = g(a,g(b,c))`` on sampled rationals.

    The samples are a few special values (0, +-1, 2, -3/2, 1/3) and ``n_random`` random
    dyadic rationals in ``[-4, 4]``; every pair and triple is tested. Passing proves
    nothing in general (it is a sample); failing is a certain counterexample.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> check_algebra(get_operator("max"), rng).ok
    True
    >>> r = check_algebra(parse_operator("a - b"), rng)
    >>> r.commutative, r.associative
    (False, False)
    """
    values = list(_SPECIAL) + [
        Fraction(int(k), 2**10) for k in rng.integers(-(2**12), 2**12 + 1, size=n_random)
    ]
    bad: list[str] = []
    commutative = associative = True
    for a, b in itertools.combinations(values, 2):
        ab, ba = op.value(a, b), op.value(b, a)
        if ab != ba:
            commutative = False
            bad.append(f"not commutative: g({a}, {b}) = {ab} but g({b}, {a}) = {ba}")
            break
    for a, b, c in itertools.product(values, repeat=3):
        left = op.value(op.value(a, b), c)
        right = op.value(a, op.value(b, c))
        if left != right:
            associative = False
            bad.append(
                f"not associative: g(g({a}, {b}), {c}) = {left} but g({a}, g({b}, {c})) = {right}"
            )
            break
    return AlgebraReport(commutative, associative, len(values), tuple(bad))


def builtin_names() -> Sequence[str]:
    """Names of the registered operators."""
    return tuple(_OPERATORS)
