"""What a rank engine is, and what its answers certify.

A rank engine turns an explicit matrix into an integer rank. Its ``certifies``
capability says what that integer proves about the matrix of integers it came from
(``docs/exact-ranks.md`` and the README's status table):

* ``"lower"`` -- the true rank over Q is at least the answer (GF(p) ranks: a nonzero
  ``k x k`` minor mod p is a nonzero integer);
* ``"point"`` -- the answer is the exact rank over Q of this matrix (rank over Q);
* nothing -- floating point: a contrast, never evidence.

The runner reads ``certifies`` before it says ``proved`` or ``verified``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..algebra.fields import Array

__all__ = ["RankEngine"]


@dataclass(frozen=True)
class RankEngine:
    """A registered way to compute the rank of an explicit matrix."""

    name: str
    """Registry key (``gfp``, ``qq``, ``float``)."""
    field: str
    """Where the rank is computed: ``"GF(p)"``, ``"Q"`` or ``"float64"``."""
    certifies: frozenset[str]
    """Subset of ``{"lower", "point"}``; empty for floating point."""
    rank: Callable[[Array, int], int]
    """``rank(matrix, prime)``: the rank of a 2-D array (residues mod ``prime`` or ints)."""
    description: str
    """One line for ``convac-verify list``."""
