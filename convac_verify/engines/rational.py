"""Exact rank over Q with FLINT's ``fmpz_mat``.

The matrix holds integers (Z ring). A rank mod a prime is tried first: if it is
already full (``min(m, n)``), the rank over Q is full too and the slow exact
elimination is skipped. Otherwise ``fmpz_mat.rank()`` decides exactly; it is fast at
full rank and slow on large rank-deficient matrices (minutes beyond ~1000 x 1000),
which is why GF(p) is the default field.
"""

from __future__ import annotations

import numpy as np
from flint import fmpz_mat

from ..algebra.fields import MERSENNE_61, Array
from .base import RankEngine
from .gfp import rank_mod_p

__all__ = ["ENGINE", "rank_over_q"]


def rank_over_q(matrix: Array, prime: int = MERSENNE_61) -> int:
    """Exact rank over Q of an integer matrix (``prime`` is only used for the shortcut)."""
    if 0 in matrix.shape:
        return 0
    m, n = matrix.shape
    if rank_mod_p(matrix, prime) == min(m, n):
        return min(m, n)
    values = [int(v) for v in np.asarray(matrix, dtype=object).ravel()]
    return int(fmpz_mat(m, n, values).rank())


ENGINE = RankEngine(
    name="qq",
    field="Q",
    certifies=frozenset({"lower", "point"}),
    rank=rank_over_q,
    description="exact rank over Q with FLINT fmpz_mat: the rank at this integer point",
)
