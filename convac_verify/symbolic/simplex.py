"""An exact linear-programming feasibility test (phase one of the simplex method).

:func:`feasible_point` finds ``x >= 0`` with ``A x <= b`` over the rationals, or shows there
is none. It serves :mod:`convac_verify.symbolic.monomials` (convex certificates between
minima of monomials), whose systems are small.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

__all__ = ["feasible_point"]


def feasible_point(
    rows: Sequence[Sequence[Fraction]], rhs: Sequence[Fraction]
) -> list[Fraction] | None:
    """A point ``x >= 0`` with ``rows . x <= rhs``, or ``None`` when there is none.

    Phase one of the simplex method in exact rational arithmetic, with Bland's rule
    (which cannot cycle): minimise the sum of artificial variables. The systems here
    are small (a variable per monomial of a bound formula). SymPy 1.14's exact simplex
    is not used: on infeasible problems it can loop or return a point that violates the
    constraints (sympy issue #28089); tests cross-check this one against brute force.

    Examples
    --------
    >>> F = Fraction
    >>> feasible_point([[F(1), F(1)], [F(-1), F(0)]], [F(2), F(-1)])   # x + y <= 2, x >= 1
    [Fraction(1, 1), Fraction(0, 1)]
    >>> feasible_point([[F(1)], [F(-1)]], [F(1), F(-2)]) is None        # x <= 1, x >= 2
    True
    """
    m = len(rows)
    n = len(rows[0]) if m else 0
    # columns: x (n), slacks (m), artificials (one per row with rhs < 0); tableau rows
    # are equalities with a nonnegative right-hand side
    negative = [i for i in range(m) if rhs[i] < 0]
    n_cols = n + m + len(negative)
    table: list[list[Fraction]] = []
    basis: list[int] = []
    for i in range(m):
        sign = -1 if rhs[i] < 0 else 1
        row = [Fraction(sign * v) for v in rows[i]] + [Fraction(0)] * (m + len(negative))
        row[n + i] = Fraction(sign)
        if sign < 0:
            art = n + m + negative.index(i)
            row[art] = Fraction(1)
            basis.append(art)
        else:
            basis.append(n + i)
        row.append(Fraction(sign) * Fraction(rhs[i]))
        table.append(row)
    artificial = set(range(n + m, n_cols))
    # reduced costs of "minimise the sum of artificials", kept as the last row
    cost = [Fraction(0)] * (n_cols + 1)
    for i in range(m):
        if basis[i] in artificial:
            cost = [c - v for c, v in zip(cost, table[i], strict=True)]
    for a in artificial:
        cost[a] = Fraction(0)
    while True:
        entering = next((j for j in range(n_cols) if cost[j] < 0), None)  # Bland: first
        if entering is None:
            break
        ratios = [
            (table[i][-1] / table[i][entering], basis[i], i)
            for i in range(m)
            if table[i][entering] > 0
        ]
        if not ratios:  # cannot happen in phase one (the objective is bounded below by 0)
            break
        _, _, leave = min(ratios)  # smallest ratio, ties by smallest basis index (Bland)
        piv = table[leave][entering]
        table[leave] = [v / piv for v in table[leave]]
        for i in range(m):
            if i != leave and table[i][entering]:
                f = table[i][entering]
                table[i] = [a - f * b for a, b in zip(table[i], table[leave], strict=True)]
        f = cost[entering]
        cost = [a - f * b for a, b in zip(cost, table[leave], strict=True)]
        basis[leave] = entering
    x = [Fraction(0)] * n
    for i, b in enumerate(basis):
        if b in artificial and table[i][-1] != 0:
            return None
        if b < n:
            x[b] = table[i][-1]
    if not all(
        sum((a * v for a, v in zip(r, x, strict=True)), Fraction(0)) <= b
        for r, b in zip(rows, rhs, strict=True)
    ):  # defensive: the point is checked exactly before it is used
        raise AssertionError("simplex returned an infeasible point")
    return x
