"""The MEX operator of Deep SimNets: symbolic (SymPy) and rigorous interval (mpmath) forms.

``MEX_beta{c_i + b_i} = (1/beta) log((1/n) sum_i exp(beta (c_i + b_i)))`` (offsets ``b_i``
optional). Properties checked here (Cohen, Sharir & Shashua, Deep SimNets, Sec. 3):

* **collapsing**: ``MEX_beta{MEX_beta{c_ij}_j}_i = MEX_beta{c_ij}_ij`` when every inner
  group has the same size (the ``1/n`` normalizations multiply); with groups of
  different sizes it fails;
* **limits**: ``MEX_beta -> max`` as ``beta -> +inf``, ``-> mean`` as ``beta -> 0``,
  ``-> min`` as ``beta -> -inf``; with the sandwich bounds (for a sample of n values of
  range R)::

      max - log(n)/beta <= MEX_beta <= max          (beta > 0)
      min <= MEX_beta <= min + log(n)/|beta|        (beta < 0)
      mean <= MEX_beta <= mean + beta R**2 / 8      (beta > 0; Jensen and Hoeffding's lemma)

Symbolic statements are decided by SymPy: an identity is proved when SymPy reduces the
difference of the two sides to 0 (every rewrite it applies -- ``exp(log z) = z``,
``beta / beta = 1``, expansion -- is valid for all real inputs and ``beta != 0``); a
limit is proved when ``sympy.limit`` (Gruntz's algorithm) returns the expected value.
By translation invariance (``MEX{c_i} = c_1 + MEX{c_i - c_1}``, proved the same way) and
symmetry, the limits need only inputs ``0, -d_1, -d_1-d_2, ...`` with positive gaps.

Numeric statements use mpmath's interval arithmetic (``mpmath.iv``): every interval
contains the exact real value, so an interval that excludes 0 **proves** two quantities
differ, and an interval inside ``[-10^-k, 10^-k]`` proves they agree to ``k`` digits; it
never proves an identity or a limit.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

__all__ = [
    "IntervalComparison",
    "collapse_sides",
    "compare_intervals",
    "interval",
    "interval_precision",
    "limit_proof",
    "mex_interval",
    "mex_sympy",
    "parse_groups",
    "sympy_identity",
    "translation_proof",
]


def mex_sympy(values: Sequence[Any], beta: Any, offsets: Sequence[Any] | None = None) -> Any:
    """``MEX_beta`` as a SymPy expression."""
    import sympy

    n = len(values)
    offs = offsets if offsets is not None else [0] * n
    total = sympy.Add(*(sympy.exp(beta * (v + b)) for v, b in zip(values, offs, strict=True)))
    return sympy.log(total / n) / beta


def sympy_identity(lhs: Any, rhs: Any) -> bool:
    """Whether SymPy reduces ``lhs - rhs`` to 0 (a proof; ``False`` proves nothing)."""
    import sympy

    diff = lhs - rhs
    if sympy.expand(diff) == 0:
        return True
    return bool(sympy.simplify(diff) == 0)


def collapse_sides(shape: Sequence[int]) -> tuple[Any, Any]:
    """Both sides of the collapsing property for groups of the given sizes (symbols
    ``c_ij``, ``beta``)."""
    import sympy

    beta = sympy.Symbol("beta", real=True, nonzero=True)
    groups = [
        [sympy.Symbol(f"c_{i}{j}", real=True) for j in range(size)] for i, size in enumerate(shape)
    ]
    lhs = mex_sympy([mex_sympy(g, beta) for g in groups], beta)
    rhs = mex_sympy([c for g in groups for c in g], beta)
    return lhs, rhs


def translation_proof(n: int) -> bool:
    """``MEX_beta{c_i} = c_1 + MEX_beta{c_i - c_1}`` for ``n`` symbolic inputs (via
    ``exp(beta * side)``, expanded)."""
    import sympy

    beta = sympy.Symbol("beta", real=True, nonzero=True)
    c = [sympy.Symbol(f"c_{i}", real=True) for i in range(n)]
    lhs = mex_sympy(c, beta)
    rhs = c[0] + mex_sympy([x - c[0] for x in c], beta)
    diff = sympy.expand(sympy.exp(beta * lhs) - sympy.exp(beta * rhs), power_exp=True)
    return bool(diff == 0 or sympy.simplify(diff) == 0)


def limit_proof(n: int, target: str, at: str | None = None) -> tuple[bool | None, str]:
    """``lim MEX_beta`` of ``0, -d_1, -d_1-d_2, ...`` (positive gaps ``d_k``) as beta tends
    to ``at`` (``+oo``, ``0`` or ``-oo``; default: where ``target`` is the expected
    limit -- ``max`` at ``+oo``, ``mean`` at ``0``, ``min`` at ``-oo``), against
    ``target``'s value.

    Returns (outcome, SymPy's answer): ``True`` when SymPy's limit equals the target,
    ``False`` when it provably differs (for every choice of positive gaps), ``None`` when
    SymPy cannot decide (no limit computed, or a difference it cannot sign).
    """
    import sympy

    if target not in ("max", "mean", "min"):
        raise ValueError(f"target must be max, mean or min; got {target!r}")
    at = at or {"max": "+oo", "mean": "0", "min": "-oo"}[target]
    if at not in ("+oo", "0", "-oo"):
        raise ValueError(f"beta tends to +oo, 0 or -oo; got {at!r}")
    beta = sympy.Symbol("beta", real=True)
    gaps = [sympy.Symbol(f"d_{k}", positive=True) for k in range(1, n)]
    values = [-sum(gaps[:k], sympy.Integer(0)) for k in range(n)]
    expected = {"max": values[0], "min": values[-1], "mean": sympy.Add(*values) / n}[target]
    point = {"+oo": sympy.oo, "-oo": -sympy.oo, "0": sympy.Integer(0)}[at]
    expr = sympy.log(sympy.Add(*(sympy.exp(beta * v) for v in values)) / n) / beta
    try:
        found = sympy.limit(expr, beta, point)
    except NotImplementedError:  # SymPy cannot decide: no proof
        return None, "not computed"
    if found.has(sympy.Limit):
        return None, str(found)
    diff = sympy.simplify(found - expected)
    if diff == 0:
        return True, str(found)
    return (False if diff.is_zero is False else None), str(found)


# --------------------------------------------------------------------------- intervals


def interval_precision(bits: int) -> Any:
    """Set mpmath's interval precision (bits); returns the ``iv`` context."""
    from mpmath import iv

    iv.prec = bits
    return iv


def interval(value: Fraction | int) -> Any:
    """A rational number as an (enclosing) interval."""
    from mpmath import iv

    q = Fraction(value)
    return iv.mpf(q.numerator) / q.denominator


def mex_interval(values: Sequence[Any], beta: Any, offsets: Sequence[Any] | None = None) -> Any:
    """``MEX_beta`` in interval arithmetic (contains the exact value)."""
    from mpmath import iv

    n = len(values)
    offs = offsets if offsets is not None else [0] * n
    total = sum((iv.exp(beta * (v + b)) for v, b in zip(values, offs, strict=True)), iv.mpf(0))
    return iv.log(total / n) / beta


@dataclass(frozen=True)
class IntervalComparison:
    """What an interval enclosure of ``a - b`` proves."""

    digits: int
    """``|a - b| <= 10^-digits`` is proved (``DIGITS_CAP`` when the enclosure is exactly 0)."""
    differ: bool
    """``a != b`` is proved (the enclosure excludes 0)."""
    max_digits: int | None
    """``|a - b| > 10^-(max_digits+1)`` is proved when ``differ`` (else ``None``)."""


DIGITS_CAP = 1000


def compare_intervals(a: Any, b: Any) -> IntervalComparison:
    """What the enclosure of ``a - b`` proves (digits of agreement, or a difference)."""
    from mpmath import mp

    diff = a - b
    upper = mp.mpf(abs(diff).b)
    digits = DIGITS_CAP if upper == 0 else max(0, math.floor(-float(mp.log10(upper))) - 1)
    differ = (diff > 0) is True or (diff < 0) is True
    lower = mp.mpf(abs(diff).a) if differ else None
    max_digits = None if lower is None else math.ceil(-float(mp.log10(lower))) + 1
    return IntervalComparison(min(digits, DIGITS_CAP), differ, max_digits)


def parse_groups(text: str) -> tuple[int, ...]:
    """Group sizes: ``GxS`` (G groups of S values) or ``s1+s2+...`` (ragged).

    Examples
    --------
    >>> parse_groups("2x3"), parse_groups("2+3")
    ((3, 3), (2, 3))
    """
    from ..errors import ConvacError

    text = text.strip()
    try:
        if "x" in text:
            g, s = (int(v) for v in text.split("x"))
            sizes = (s,) * g
        else:
            sizes = tuple(int(v) for v in text.split("+"))
    except ValueError:
        raise ConvacError(f"groups are GxS or s1+s2+...; got {text!r}") from None
    if not sizes or min(sizes) < 1 or len(sizes) < 1:
        raise ConvacError(f"groups need positive sizes; got {text!r}")
    return sizes
