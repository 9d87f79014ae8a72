"""Floating-point rank (NumPy SVD): a contrast only. It certifies nothing.

Float rank is wrong on innocent integer matrices (``kron(B, B)`` with entries near
1e6 and determinant 1 is reported rank 3 instead of 4), so no status is ever derived
from it.
"""

from __future__ import annotations

import numpy as np

from ..algebra.fields import Array
from .base import RankEngine

__all__ = ["ENGINE", "float_rank"]


def float_rank(matrix: Array, prime: int = 0) -> int:
    """``numpy.linalg.matrix_rank`` of the matrix converted to float64."""
    if 0 in matrix.shape:
        return 0
    return int(np.linalg.matrix_rank(np.asarray(matrix, dtype=np.float64)))


ENGINE = RankEngine(
    name="float",
    field="float64",
    certifies=frozenset(),
    rank=float_rank,
    description="NumPy SVD rank in float64: contrast only, proves nothing",
)
