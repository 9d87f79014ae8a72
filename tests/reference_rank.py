"""A tiny independent elimination, used only to cross-check the FLINT engines.

Plain Gaussian elimination over Q (Fractions) or GF(p) (Python ints), no NumPy, no
FLINT: slow and obviously correct.
"""

from __future__ import annotations

from fractions import Fraction


def rank_q(rows: list[list[int]]) -> int:
    m = [[Fraction(v) for v in row] for row in rows]
    return _eliminate(m, lambda a, b: a / b, lambda v: v != 0)


def rank_mod(rows: list[list[int]], p: int) -> int:
    m = [[v % p for v in row] for row in rows]
    return _eliminate(m, lambda a, b: a * pow(b, p - 2, p) % p, lambda v: v % p != 0, p)


def _eliminate(m, div, nonzero, p=None) -> int:  # type: ignore[no-untyped-def]
    rank = 0
    n_cols = len(m[0]) if m else 0
    for col in range(n_cols):
        pivot = next((i for i in range(rank, len(m)) if nonzero(m[i][col])), None)
        if pivot is None:
            continue
        m[rank], m[pivot] = m[pivot], m[rank]
        for i in range(len(m)):
            if i != rank and nonzero(m[i][col]):
                f = div(m[i][col], m[rank][col])
                m[i] = [a - f * b for a, b in zip(m[i], m[rank], strict=True)]
                if p is not None:
                    m[i] = [a % p for a in m[i]]
        rank += 1
    return rank
