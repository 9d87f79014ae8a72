"""How generative rows are measured: exact values over Q at the drawn rational weights.

Every generative check measures a count or a value (mismatches, operations, risk gaps)
exactly over Q, with no random evaluation: rows are ``point`` claims certified by the
``enumeration`` certificate (``proved`` or ``violated`` with certainty). The method says
whether every case was enumerated (``enumeration``) or a stated sample of cases was
computed exactly (``exact arithmetic``).
"""

from __future__ import annotations

from ..evidence.status import Evidence
from .model import GenerativeConvAC

__all__ = ["exact_evidence"]


def exact_evidence(model: GenerativeConvAC, seed: int, method: str = "enumeration") -> Evidence:
    """Exact over Q at ``model``'s rational weights (drawn from ``seed``)."""
    return Evidence.witness(
        f"random simplex rows ({model.name})", field="Q", method=method, seed=seed
    )
