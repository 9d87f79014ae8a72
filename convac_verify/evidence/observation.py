"""An observation: one measured rank and the claim it is held against (data, no status).

Checks return observations; the runner (:mod:`convac_verify.theorems.runner`) decides
their status with :func:`convac_verify.evidence.status.decide`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .status import Claim, Measurement

__all__ = ["Observation"]


@dataclass(frozen=True)
class Observation:
    """One measured rank and the claim it is held against."""

    label: str
    """Row key shared by the checks of one family (e.g. ``"N=16"``)."""
    subject: str
    """What was measured, e.g. ``"deep (HT) odd-even rank"``."""
    claim: Claim
    """The bound the theory gives for this row."""
    measurement: Measurement
    """The exact rank and how it was obtained."""
    params: Mapping[str, Any] = field(default_factory=dict)
    """The parameters of this row (N, M, r, partition, ...)."""
    series: str = ""
    """Growth series this row belongs to ('' for none)."""
    x: int | None = None
    """The series' variable (e.g. N) for growth classification."""
    x_name: str = "N"
    """How to print the variable."""
    unmet: str = ""
    """A hypothesis of the theorem that the measured instance does not meet (e.g.
    ``"discretizers span R^r: rank V = 1 < r = 2"``); the row is then ``inconclusive``,
    never evidence against the theorem."""
