"""Rank over GF(p) with FLINT's ``nmod_mat`` (any prime below 2**64).

A GF(p) rank of an integer matrix is a **lower bound** on its rank over Q: a
``k x k`` minor that is nonzero mod p is a nonzero integer. It proves nothing about
upper bounds.
"""

from __future__ import annotations

import numpy as np
from flint import fmpz_mat, nmod_mat

from ..algebra.fields import Array
from .base import RankEngine

__all__ = ["ENGINE", "independent_rows", "rank_mod_p", "to_nmod_mat"]


def to_nmod_mat(matrix: Array, prime: int) -> nmod_mat:
    """Convert a 2-D array of residues (or integers) to ``nmod_mat`` (fastest path known)."""
    m, n = matrix.shape
    flat = np.asarray(matrix).ravel()
    if flat.dtype != object and flat.dtype != np.uint64:
        flat = flat.astype(object)
    values = flat.tolist()
    if flat.dtype == object:
        values = [int(v) % prime for v in values]
    return nmod_mat(fmpz_mat(m, n, values), prime)


def rank_mod_p(matrix: Array, prime: int) -> int:
    """Rank of ``matrix`` over GF(``prime``)."""
    if 0 in matrix.shape:
        return 0
    return int(to_nmod_mat(matrix, prime).rank())


def independent_rows(matrix: Array, prime: int) -> list[int]:
    """Indices of a maximal set of rows of ``matrix`` independent over GF(``prime``).

    They are the pivot columns of the reduced row echelon form of the transpose.

    Examples
    --------
    >>> independent_rows(np.array([[1, 2], [2, 4], [0, 1]], dtype=np.uint64), 7)
    [0, 2]
    """
    a, b = matrix.shape
    if a == 0 or b == 0:
        return []
    rref, rank = to_nmod_mat(np.ascontiguousarray(matrix.T), prime).rref()
    if rank == 0:
        return []
    entries = rref.entries()
    pivots = []
    col = 0
    for i in range(int(rank)):  # row i's leading entry lies right of row i-1's
        base = i * a
        while not int(entries[base + col]):
            col += 1
        pivots.append(col)
    return pivots


ENGINE = RankEngine(
    name="gfp",
    field="GF(p)",
    certifies=frozenset({"lower"}),
    rank=rank_mod_p,
    description="rank over GF(p) with FLINT nmod_mat: certifies lower bounds",
)
