"""Registered theorem checks. Importing this package registers every check.

Each module registers one check and returns data; the runner decides the status.
``tests/test_registry.py`` fails when a module here is not imported below.
"""

from __future__ import annotations

from ..registry import THEOREMS, get_theorem
from . import (  # noqa: F401  (imported for registration)
    colt16_corollary2,
    colt16_theorem1,
    colt16_theorem3,
    cp_rank_bound,
    ctm18_theorem7,
    iclr17_claim1,
    iclr17_claim2,
    iclr17_shallow,
    iclr17_theorem1,
    icml16_appendix_f,
    icml16_avg_incomplete,
    icml16_claim3,
    icml16_claim4,
    icml16_claim5,
    icml16_claim8,
    icml16_claim9,
    icml16_claim10,
    icml16_claim11,
    icml16_e10,
    pooling_bounds,
)

__all__ = ["THEOREMS", "get_theorem"]
