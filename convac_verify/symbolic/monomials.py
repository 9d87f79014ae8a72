"""Minima of monomials in positive integer variables, and when one is below another.

A structural rank bound at a fixed tree and partition is ``min`` over monomials
``c * prod_k x_k**e_k`` (positive rational ``c``, exponents >= 0) in ``M, r_0, ...``.
:class:`MinMono` holds one, closed under products, ``min`` and positive powers, and pruned
of monomials that never attain the minimum.

When is ``min_i l_i <= r`` for all ``x >= 1``? Write ``x = 2**y``: a monomial is linear in
``y >= 0``, and the inequality holds for all ``y >= 0`` exactly when some convex
combination of the ``l_i`` (those with coefficient ``<= c_r``) is dominated by ``r``
exponent by exponent (Ville's theorem of the alternative; sufficient with coefficients,
exact with unit ones). :func:`dominance` finds the combination with
:func:`~convac_verify.symbolic.simplex.feasible_point` and checks it exactly; when none
exists (unit coefficients), :func:`counterexample_direction` gives a direction ``q`` along
which every ``l_i`` exceeds ``r`` (widths ``2**(t q)`` are a counterexample).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from fractions import Fraction
from typing import Any

from .simplex import feasible_point

__all__ = [
    "MinMono",
    "Mono",
    "counterexample_direction",
    "dominance",
    "mono_text",
    "to_minmono",
    "to_sympy",
]

Mono = tuple[Fraction, tuple[Fraction, ...]]  # coefficient, exponents (one per variable)


class MinMono:
    """``min`` over a set of monomials ``c * prod x_k**e_k`` (``x_k >= 1``), pruned of
    monomials that another one is below for all ``x >= 1``."""

    def __init__(self, monos: Iterable[Mono], n_vars: int, *, convex: bool = True) -> None:
        self.n = n_vars
        self.monos = _prune(set(monos))
        if convex and len(self.monos) > 2:
            self.monos = frozenset(_convex_prune(self.monos))

    @classmethod
    def const(cls, value: Fraction, n_vars: int) -> MinMono:
        return cls({(Fraction(value), (Fraction(0),) * n_vars)}, n_vars)

    @classmethod
    def var(cls, k: int, n_vars: int) -> MinMono:
        exps = tuple(Fraction(int(i == k)) for i in range(n_vars))
        return cls({(Fraction(1), exps)}, n_vars)

    def __mul__(self, other: MinMono) -> MinMono:
        return MinMono(
            {
                (c1 * c2, tuple(a + b for a, b in zip(e1, e2, strict=True)))
                for c1, e1 in self.monos
                for c2, e2 in other.monos
            },
            self.n,
        )

    def min(self, other: MinMono) -> MinMono:
        return MinMono(self.monos | other.monos, self.n)

    def power(self, e: Fraction) -> MinMono | None:
        if e <= 0:
            return None
        out = set()
        for c, exps in self.monos:
            ce = _rational_power(c, e)
            if ce is None:
                return None
            out.add((ce, tuple(x * e for x in exps)))
        return MinMono(out, self.n)


def _rational_power(c: Fraction, e: Fraction) -> Fraction | None:
    """``c**e`` when it is rational."""
    if e.denominator == 1:
        return c ** int(e)
    import sympy

    v = sympy.Rational(c.numerator, c.denominator) ** sympy.Rational(e.numerator, e.denominator)
    return Fraction(int(v.p), int(v.q)) if v.is_Rational else None


def _below(a: Mono, b: Mono) -> bool:
    """``a <= b`` for all ``x >= 1`` (coefficient and every exponent no larger)."""
    return a[0] <= b[0] and all(x <= y for x, y in zip(a[1], b[1], strict=True))


def _prune(monos: set[Mono]) -> frozenset[Mono]:
    keep = set()
    for m in monos:
        if not any(o != m and _below(o, m) for o in monos):
            keep.add(m)
    return frozenset(keep)


def to_minmono(expr: Any, variables: Sequence[Any]) -> MinMono | None:
    """``expr`` as a min of monomials in ``variables``, or ``None``."""
    import sympy

    n = len(variables)
    index = {v: i for i, v in enumerate(variables)}
    if expr in index:
        return MinMono.var(index[expr], n)
    if expr.is_Rational:
        return MinMono.const(Fraction(int(expr.p), int(expr.q)), n) if expr > 0 else None
    if isinstance(expr, sympy.Min):
        parts = [to_minmono(a, variables) for a in expr.args]
        if any(p is None for p in parts):
            return None
        out = parts[0]
        assert out is not None
        for p in parts[1:]:
            assert p is not None
            out = out.min(p)
        return out
    if expr.is_Mul:
        parts = [to_minmono(a, variables) for a in expr.args]
        if any(p is None for p in parts):
            return None
        out = MinMono.const(Fraction(1), n)
        for p in parts:
            assert p is not None
            out = out * p
        return out
    if expr.is_Pow and expr.exp.is_Rational:
        base = to_minmono(expr.base, variables)
        e = Fraction(int(expr.exp.p), int(expr.exp.q))
        return None if base is None else base.power(e)
    return None


def _convex_prune(monos: frozenset[Mono]) -> list[Mono]:
    """Drop every monomial that a convex combination of the others is below for all
    ``x >= 1`` (the min is unchanged: a weighted geometric mean is >= the minimum)."""
    keep = sorted(monos, key=lambda m: (m[1], m[0]))
    for m in list(keep):
        others = [o for o in keep if o != m]
        if not others:
            continue
        decided = dominance(
            MinMono(set(others), len(m[1]), convex=False),
            MinMono({m}, len(m[1]), convex=False),
        )
        if decided is not None and decided[0]:
            keep.remove(m)
    return keep


def to_sympy(f: MinMono, variables: Sequence[Any]) -> Any:
    import sympy

    terms = []
    for c, exps in _convex_prune(f.monos):
        t = sympy.Rational(c.numerator, c.denominator)
        for v, e in zip(variables, exps, strict=True):
            if e:
                t *= v ** sympy.Rational(e.numerator, e.denominator)
        terms.append(t)
    return terms[0] if len(terms) == 1 else sympy.Min(*terms, evaluate=False)


def dominance(lhs: MinMono, rhs: MinMono) -> tuple[bool, str] | None:
    """Proof of ``lhs <= rhs`` for all ``x >= 1`` (``(True, certificate)``), proof that no
    convex certificate exists (``(False, "")``, unit coefficients only), or ``None``."""
    proofs = []
    for cr, er in sorted(rhs.monos, key=lambda m: (m[1], m[0])):
        usable = sorted(m for m in lhs.monos if m[0] <= cr)
        if not usable:
            return None
        n_vars = len(er)
        # lam >= 0, sum_i lam_i a_i <= b, sum lam >= 1 (exponents are >= 0, so lam / sum
        # lam is a convex combination that works too)
        rows = [[m[1][k] for m in usable] for k in range(n_vars)]
        rhs_b = list(er)
        rows.append([Fraction(-1)] * len(usable))
        rhs_b.append(Fraction(-1))
        lam = feasible_point(rows, rhs_b)
        if lam is None:
            if all(m[0] == 1 for m in lhs.monos) and cr == 1:
                return False, ""
            return None
        total = sum(lam)
        lam = [w / total for w in lam]
        # the certificate is checked exactly, independently of how it was found
        assert all(
            sum(w * m[1][k] for w, m in zip(lam, usable, strict=True)) <= er[k]
            for k in range(n_vars)
        )
        proofs.append([(w, m) for w, m in zip(lam, usable, strict=True) if w])
    text = "; ".join(" + ".join(f"{w}*[{mono_text(m)}]" for w, m in combo) for combo in proofs)
    return True, text


def mono_text(m: Mono) -> str:
    return f"{m[0]}:" + ",".join(str(e) for e in m[1])


def counterexample_direction(lhs: MinMono, er: tuple[Fraction, ...]) -> list[int] | None:
    """Integer ``q >= 0`` with ``(a_i - b) . q >= 1`` for every lhs monomial ``a_i``."""
    n_vars = len(er)
    rows = [[-(m[1][k] - er[k]) for k in range(n_vars)] for m in lhs.monos]
    y = feasible_point(rows, [Fraction(-1)] * len(rows))
    if y is None:
        return None
    den = 1
    for v in y:
        den = den * v.denominator // math.gcd(den, v.denominator)
    return [int(v * den) for v in y]
