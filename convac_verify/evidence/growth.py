"""Growth of a sequence of exact ranks: bounded, polynomial, exponential or double exponential.

:func:`classify` works with exact arithmetic whenever the ranks are powers of one
integer base ``b`` (the usual case: ``2, 4, 16, 256``): it writes ``y_i = b**e_i`` with
integer ``e_i`` and fits

* **bounded** -- ``y`` constant over the last half of the points;
* **exponential** -- ``e_i = c + s * x_i`` exactly (``s`` a Fraction): ``y = b**c * (b**s)**x``;
* **polynomial** -- ``e_i = c + d * log_b(x_i)`` exactly, when every ``x_i`` is a power of
  ``b`` too: ``y = b**c * x**d``;
* **double exponential** -- the exponents ``e_i`` themselves grow exponentially in ``x``.

Otherwise it falls back to least squares on ``log y`` and says ``exact=False``. At
least three points are needed to tell the classes apart.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

__all__ = ["Growth", "classify", "common_power_base"]


@dataclass(frozen=True)
class Growth:
    """A growth class with its parameter, as measured."""

    kind: str
    """``bounded``, ``polynomial``, ``exponential``, ``double exponential`` or ``undetermined``."""
    formula: str
    """A closed form in ``x`` (e.g. ``2**(x/2)``), or a description."""
    exact: bool
    """Whether the formula was verified exactly on every point."""

    def describe(self, var: str = "x") -> str:
        """One phrase, e.g. ``exponential: 2**(N/2) (exact fit)``.

        A compound variable name is parenthesized: ``2**(2**(L-L2))``.
        """
        tag = "exact fit" if self.exact else "approximate"
        name = var if var.isidentifier() else f"({var})"
        formula = re.sub(r"\bx\b", name, self.formula)
        formula = formula.replace(f"({name})", f"{name}") if name != var else formula
        return f"{self.kind}: {formula} ({tag})" if self.formula else self.kind


def _int_root(y: int, k: int) -> int | None:
    lo, hi = 1, 1 << (y.bit_length() // k + 1)
    while lo <= hi:
        mid = (lo + hi) // 2
        p = mid**k
        if p == y:
            return mid
        if p < y:
            lo = mid + 1
        else:
            hi = mid - 1
    return None


def _perfect_power(y: int) -> tuple[int, int]:
    """``(a, k)`` with ``y = a**k`` and ``k`` maximal (``y >= 2``)."""
    for k in range(y.bit_length(), 1, -1):
        a = _int_root(y, k)
        if a is not None:
            return a, k
    return y, 1


def common_power_base(values: Sequence[int]) -> tuple[int, list[int]] | None:
    """The smallest ``b >= 2`` with every value a power of ``b``, and the exponents.

    Examples
    --------
    >>> common_power_base([2, 4, 16, 256])
    (2, [1, 2, 4, 8])
    >>> common_power_base([1, 9, 27])
    (3, [0, 2, 3])
    >>> common_power_base([2, 3]) is None
    True
    """
    if any(v < 1 for v in values):
        return None
    roots = [_perfect_power(v) for v in values if v > 1]
    if not roots:
        return None
    bases = {a for a, _ in roots}
    # all roots must be powers of the smallest one
    base = min(bases)
    base = _perfect_power(base)[0]
    exps = []
    for v in values:
        if v == 1:
            exps.append(0)
            continue
        e = round(math.log(v, base))
        for cand in (e - 1, e, e + 1):
            if cand >= 0 and base**cand == v:
                exps.append(cand)
                break
        else:
            return None
    return base, exps


def _affine(xs: Sequence[Fraction], ys: Sequence[Fraction]) -> tuple[Fraction, Fraction] | None:
    """``(c, s)`` with ``y = c + s x`` exactly on all points, else None."""
    if xs[1] == xs[0]:
        return None
    s = (ys[1] - ys[0]) / (xs[1] - xs[0])
    c = ys[0] - s * xs[0]
    if all(c + s * x == y for x, y in zip(xs, ys, strict=True)):
        return c, s
    return None


def _fmt_frac(f: Fraction) -> str:
    return str(f.numerator) if f.denominator == 1 else f"({f.numerator}/{f.denominator})"


def _power(base: int, expo: str) -> str:
    return f"{base}**{expo}"


def classify(xs: Sequence[int], ys: Sequence[int]) -> Growth:
    """Classify how ``ys`` grows with ``xs`` (both positive integers, ``xs`` increasing).

    Examples
    --------
    >>> classify([2, 4, 8, 16], [2, 4, 16, 256]).describe("N")
    'exponential: 2**(N/2) (exact fit)'
    >>> classify([2, 4, 8, 16], [2, 2, 2, 2]).describe("N")
    'bounded: 2 (exact fit)'
    >>> classify([2, 4, 8, 16], [4, 16, 64, 256]).describe("N")
    'polynomial: N**2 (exact fit)'
    >>> classify([1, 2, 3], [4, 16, 256]).describe("k")
    'double exponential: 2**(2**k) (exact fit)'

    A degenerate start is dropped when the rest fits exactly (growth is asymptotic):

    >>> classify([1, 2, 4, 8], [1, 4, 16, 256]).describe("N")
    'exponential: 2**N for N >= 2 (exact fit)'
    """
    if len(xs) != len(ys):
        raise ValueError("xs and ys differ in length")
    if len(xs) < 3:
        return Growth("undetermined", "needs at least 3 points", False)
    tail = list(ys[len(ys) // 2 :])
    if len(set(tail)) == 1 and max(ys) == tail[0]:
        return Growth("bounded", str(tail[0]), True)
    for start in range(len(xs) - 2):
        fit = _exact(xs[start:], ys[start:])
        if fit is not None:
            if start:
                return Growth(fit.kind, f"{fit.formula} for x >= {xs[start]}", True)
            return fit
    return _approximate(xs, ys)


def _exact(xs: Sequence[int], ys: Sequence[int]) -> Growth | None:
    """An exact exponential, polynomial or double-exponential fit of every point, or None."""
    fx = [Fraction(x) for x in xs]
    found = common_power_base(list(ys))
    if found is not None:
        base, exps = found
        fe = [Fraction(e) for e in exps]
        lin = _affine(fx, fe)
        if lin is not None:
            c, s = lin
            expo = _slope_expr(c, s)
            return Growth("exponential", _power(base, expo), True)
        xb = common_power_base(list(xs))
        if xb is not None and xb[0] == base:
            lin = _affine([Fraction(e) for e in xb[1]], fe)
            if lin is not None:
                c, d = lin
                coef = "" if c == 0 else f"{base}**{_fmt_frac(c)} * "
                return Growth("polynomial", f"{coef}x**{_fmt_frac(d)}", True)
        inner = common_power_base(list(exps))
        if inner is not None and all(e > 0 for e in exps):
            ib, iexps = inner
            lin = _affine(fx, [Fraction(e) for e in iexps])
            if lin is not None:
                c, s = lin
                return Growth(
                    "double exponential", _power(base, f"({ib}**{_slope_expr(c, s)})"), True
                )
    return None


def _slope_expr(c: Fraction, s: Fraction) -> str:
    """``c + s*x`` written compactly, e.g. ``(x/2)``, ``(x+1)``, ``(2x-1)``."""
    if s.denominator != 1 and c == 0 and s.numerator == 1:
        return f"(x/{s.denominator})"
    sx = "x" if s == 1 else f"{_fmt_frac(s)}*x"
    if c == 0:
        return sx if s == 1 else f"({sx})"
    sign = "+" if c > 0 else "-"
    return f"({sx}{sign}{_fmt_frac(abs(c))})"


def _approximate(xs: Sequence[int], ys: Sequence[int]) -> Growth:
    logs = [math.log(max(y, 1)) for y in ys]
    exp_res = _lsq_residual([float(x) for x in xs], logs)
    poly_res = _lsq_residual([math.log(x) for x in xs], logs)
    if exp_res[1] <= poly_res[1]:
        return Growth("exponential", f"~{math.exp(exp_res[0]):.3g}**x", False)
    return Growth("polynomial", f"~x**{poly_res[0]:.3g}", False)


def _lsq_residual(us: list[float], vs: list[float]) -> tuple[float, float]:
    n = len(us)
    mu, mv = sum(us) / n, sum(vs) / n
    suu = sum((u - mu) ** 2 for u in us) or 1.0
    slope = sum((u - mu) * (v - mv) for u, v in zip(us, vs, strict=True)) / suu
    res = sum((v - mv - slope * (u - mu)) ** 2 for u, v in zip(us, vs, strict=True))
    return slope, res
