"""Fraction-free elimination: the rank of a polynomial matrix over ``Q(w)``, exactly.

Bareiss' fraction-free Gaussian elimination works in the ring ``Z[w]`` and never forms
a fraction: step ``k`` replaces every entry of the trailing block by

    a_ij <- (a_kk a_ij - a_ik a_kj) / p_{k-1}        (p_{k-1} = the previous pivot)

and the division is exact (Sylvester's identity: after step ``k`` every trailing entry
is a ``(k+2) x (k+2)`` minor of the input). Zero tests are exact (a polynomial is zero
when it has no terms), so the rank is the rank over the field of fractions ``Q(w)``:
never a heuristic, unlike ``sympy.Matrix.rank``.

With full pivoting (row and column swaps) the pivot of the last step is the
determinant of the leading ``k x k`` block of the permuted matrix: a **nonzero maximal
minor**, returned with its rows and columns and the sign that makes it the minor on
sorted rows and columns. Pivots are chosen smallest first (fewest terms, then lowest
degree), which keeps the intermediate minors small.

References
----------
E. H. Bareiss. Sylvester's identity and multistep integer-preserving Gaussian
elimination. Math. Comp. 22 (1968) 565-578.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import Any

from ..errors import ConvacError
from .polynomials import PolynomialRing

__all__ = [
    "Elimination",
    "EliminationTooLarge",
    "all_maximal_minors",
    "determinant",
    "fraction_free_rank",
]


@dataclass(frozen=True)
class Elimination:
    """The result of fraction-free elimination."""

    rank: int
    """The rank over the field of fractions Q(w)."""
    rows: tuple[int, ...]
    """The rows of a nonzero maximal minor, increasing."""
    cols: tuple[int, ...]
    """Its columns, increasing."""
    minor: Any
    """``det A[rows, cols]`` (a nonzero polynomial; the constant 1 when the rank is 0)."""
    steps: int
    """Entry updates performed (each: two products, a difference, an exact division)."""
    work: int
    """Term pairs multiplied: the sum over updates of ``terms(a_kk) terms(a_ij) +
    terms(a_ik) terms(a_kj)`` (what the time is proportional to)."""


class EliminationTooLarge(ConvacError):
    """The next elimination step would exceed the work budget (refused before it starts)."""

    def __init__(self, message: str, step: int, work_done: int, work_needed: int) -> None:
        super().__init__(message)
        self.step = step
        self.work_done = work_done
        self.work_needed = work_needed


def _parity(order: Sequence[int]) -> int:
    inversions = sum(1 for i, j in combinations(range(len(order)), 2) if order[i] > order[j])
    return inversions % 2


def fraction_free_rank(
    matrix: Sequence[Sequence[Any]],
    ring: PolynomialRing,
    *,
    progress: Callable[[int, int], None] | None = None,
    budget: int | None = None,
) -> Elimination:
    """Rank over ``Q(w)`` of a matrix of polynomials, with a nonzero maximal minor.

    Parameters
    ----------
    matrix : sequence of sequences
        Entries are elements of ``ring`` (not modified).
    ring : PolynomialRing
        Their ring.
    progress : callable, optional
        Called as ``progress(step, max_steps)`` after each elimination step.
    budget : int, optional
        Most term pairs the whole elimination may multiply. Before each step its exact
        cost (from the term counts of the entries it will multiply) is added up; a step
        that would exceed the budget raises :class:`EliminationTooLarge` before it runs.

    Examples
    --------
    >>> R = PolynomialRing(("x", "y"))
    >>> x, y = R.gens
    >>> e = fraction_free_rank([[x, y], [x * y, y * y]], R)   # row 2 = y * row 1
    >>> e.rank, e.rows, e.cols, str(R.to_sympy(e.minor))
    (1, (0,), (0,), 'x')
    >>> str(R.to_sympy(fraction_free_rank([[x, y], [y, x]], R).minor))
    'x**2 - y**2'
    """
    a = [[ring.coerce(p) for p in r] for r in matrix]
    m = len(a)
    n = len(a[0]) if m else 0
    row_of = list(range(m))
    col_of = list(range(n))
    prev = ring.constant(1)
    steps = work = 0
    k = 0
    key: Callable[[Any], tuple[int, int]] = lambda p: (ring.n_terms(p), ring.total_degree(p))
    while k < min(m, n):
        best: tuple[tuple[int, int], int, int] | None = None
        for i in range(k, m):
            for j in range(k, n):
                p = a[i][j]
                if not ring.is_zero(p):
                    cand = (key(p), i, j)
                    if best is None or cand[0] < best[0]:
                        best = cand
        if best is None:
            break
        _, pi, pj = best
        a[k], a[pi] = a[pi], a[k]
        row_of[k], row_of[pi] = row_of[pi], row_of[k]
        if pj != k:
            for r in a:
                r[k], r[pj] = r[pj], r[k]
            col_of[k], col_of[pj] = col_of[pj], col_of[k]
        pivot = a[k][k]
        pivot_row = a[k]
        if budget is not None:
            need = _step_work(a, k, ring)
            if work + need > budget:
                raise EliminationTooLarge(
                    f"step {k + 1} would multiply {need:.3g} term pairs "
                    f"(done {work:.3g}, budget {budget:.3g})",
                    k + 1,
                    work,
                    need,
                )
        for i in range(k + 1, m):
            row = a[i]
            lead = row[k]
            lead_zero = ring.is_zero(lead)
            for j in range(k + 1, n):
                work += ring.n_terms(pivot) * ring.n_terms(row[j])
                if lead_zero or ring.is_zero(pivot_row[j]):
                    value = pivot * row[j]
                else:
                    work += ring.n_terms(lead) * ring.n_terms(pivot_row[j])
                    value = pivot * row[j] - lead * pivot_row[j]
                row[j] = ring.exquo(value, prev)
                steps += 1
            row[k] = ring.constant(0)
        prev = pivot
        k += 1
        if progress is not None:
            progress(k, min(m, n))
    rows, cols = tuple(row_of[:k]), tuple(col_of[:k])
    sign = -1 if (_parity(rows) + _parity(cols)) % 2 else 1
    minor = prev if sign == 1 else -prev
    return Elimination(k, tuple(sorted(rows)), tuple(sorted(cols)), minor, steps, work)


def _step_work(a: list[list[Any]], k: int, ring: PolynomialRing) -> int:
    """Term pairs step ``k`` multiplies (pivot ``a[k][k]`` already in place)."""
    t_pivot = ring.n_terms(a[k][k])
    row_terms = [ring.n_terms(p) for p in a[k]]
    total = 0
    for row in a[k + 1 :]:
        t_lead = ring.n_terms(row[k])
        for j in range(k + 1, len(row)):
            total += t_pivot * ring.n_terms(row[j]) + t_lead * row_terms[j]
    return total


def determinant(matrix: Sequence[Sequence[Any]], ring: PolynomialRing) -> Any:
    """Determinant of a square polynomial matrix (fraction-free, exact).

    Examples
    --------
    >>> R = PolynomialRing(("x",))
    >>> (x,) = R.gens
    >>> str(R.to_sympy(determinant([[x, 1], [1, x]], R)))
    'x**2 - 1'
    """
    size = len(matrix)
    if size == 0:
        return ring.constant(1)
    e = fraction_free_rank(matrix, ring)
    return e.minor if e.rank == size else ring.constant(0)


def all_maximal_minors(
    matrix: Sequence[Sequence[Any]], ring: PolynomialRing, size: int
) -> list[tuple[tuple[int, ...], tuple[int, ...], Any]]:
    """Every ``size x size`` minor ``(rows, cols, det)``, zero ones included."""
    m = len(matrix)
    n = len(matrix[0]) if m else 0
    out = []
    for rows in combinations(range(m), size):
        for cols in combinations(range(n), size):
            sub = [[matrix[i][j] for j in cols] for i in rows]
            out.append((rows, cols, determinant(sub, ring)))
    return out
