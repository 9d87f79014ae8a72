"""Results and reports: what every output format renders.

Schema (``to_dict``; JSON ``schema_version`` 2) -- documented in the README.
Ranks are exact integers and may exceed 2**53 (e.g. ``2**512``); parse JSON with
arbitrary-precision integers (Python's ``json`` does).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from .. import __version__
from ..engines.measure import RankSettings
from ..evidence.growth import Growth
from ..evidence.observation import Observation
from ..evidence.status import Status, Verdict
from ..symbolic.family import FamilyCheck

__all__ = ["SCHEMA_VERSION", "CheckResult", "GrowthLine", "Report"]

SCHEMA_VERSION = 2


@dataclass(frozen=True)
class CheckResult:
    """An observation with the status the runner decided for it."""

    check: str
    """Registered theorem name."""
    reference: str
    """Paper and theorem number."""
    family: str
    """Check family."""
    observation: Observation
    """What was measured against which claim."""
    verdict: Verdict
    """Status, epsilon and reason."""

    @property
    def status(self) -> Status:
        """Shortcut for ``verdict.status``."""
        return self.verdict.status

    def to_dict(self) -> dict[str, Any]:
        """The JSON form of one result."""
        o, m, v = self.observation, self.observation.measurement, self.verdict
        ev = m.evidence
        eps = v.epsilon
        best = m.best_bound()
        return {
            "check": self.check,
            "reference": self.reference,
            "family": self.family,
            "label": o.label,
            "subject": o.subject,
            "params": dict(o.params),
            "measured_rank": m.rank,
            "relation": o.claim.relation,
            "bound": {
                "formula": o.claim.formula,
                "value": o.claim.value,
                "quantifier": o.claim.scope,
                "quantity": o.claim.quantity,
            },
            "upper_bound": (
                None
                if best is None
                else {"value": best.value, "certificate": best.certificate.to_dict()}
            ),
            "upper_bounds": [
                {"value": b.value, "certificate": b.certificate.to_dict()} for b in m.bounds
            ],
            "status": v.status.value,
            "epsilon": None if eps is None else float(eps),
            "reason": v.reason,
            "evidence": {
                "field": ev.field,
                "prime": ev.prime,
                "prime_random": ev.prime_random,
                "seed": ev.seed,
                "method": ev.method,
                "weights": ev.weights,
                "sample_space": ev.sample_space,
                "degree": ev.degree,
                "polynomial": ev.polynomial,
                "certificate": None if v.certificate is None else v.certificate.to_dict(),
            },
            **({"extra": dict(m.extra)} if m.extra else {}),
        }


@dataclass(frozen=True)
class GrowthLine:
    """Growth of one series of a check: measured ranks beside the theory's bound."""

    check: str
    series: str
    x_name: str
    points: list[tuple[int, int]]
    """``(x, measured rank)``."""
    measured: Growth
    theory: Growth
    theory_formula: str

    def to_dict(self) -> dict[str, Any]:
        """The JSON form."""
        return {
            "check": self.check,
            "series": self.series,
            "variable": self.x_name,
            "points": [list(p) for p in self.points],
            "measured": _growth(self.measured),
            "theory": {**_growth(self.theory), "bound": self.theory_formula},
        }


def _growth(g: Growth) -> dict[str, Any]:
    return {"kind": g.kind, "formula": g.formula, "exact": g.exact}


@dataclass(frozen=True)
class Report:
    """Everything one command computed."""

    command: str
    settings: RankSettings
    results: list[CheckResult]
    growth: list[GrowthLine] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    """Lines printed after the tables (e.g. what was bounded rather than computed)."""

    strict: bool = False
    """``--strict``: ``inconclusive`` results fail the gate too."""

    family: list[FamilyCheck] = field(default_factory=list)
    """Claims judged for a whole family of widths (``rank --expect``); a ``violated`` one
    fails the gate (its counterexample is exact)."""

    @property
    def violated(self) -> list[CheckResult]:
        """Results whose claim is false."""
        return [r for r in self.results if r.status is Status.VIOLATED]

    @property
    def inconclusive(self) -> list[CheckResult]:
        """Results the evidence could not decide."""
        return [r for r in self.results if r.status is Status.INCONCLUSIVE]

    @property
    def failing(self) -> list[CheckResult]:
        """Results that fail the gate: violated ones, and inconclusive ones with ``strict``."""
        return [
            r
            for r in self.results
            if r.status is Status.VIOLATED or (self.strict and r.status is Status.INCONCLUSIVE)
        ]

    @property
    def family_violated(self) -> list[FamilyCheck]:
        """Family claims refuted at an exhibited member."""
        return [f for f in self.family if f.status == "violated"]

    @property
    def verdict(self) -> str:
        """``pass`` when nothing fails the gate, else ``fail``."""
        return "fail" if self.failing or self.family_violated else "pass"

    @property
    def exit_code(self) -> int:
        """0 when nothing fails the gate, 1 otherwise."""
        return 1 if self.failing or self.family_violated else 0

    def counts(self) -> dict[str, int]:
        """Number of results per status (all five keys)."""
        c = Counter(r.status.value for r in self.results)
        return {s.value: c.get(s.value, 0) for s in Status}

    def certificate_counts(self) -> dict[str, int]:
        """``proved`` results per certificate kind."""
        c = Counter(
            r.verdict.certificate.kind if r.verdict.certificate else "none"
            for r in self.results
            if r.status is Status.PROVED
        )
        return dict(sorted(c.items()))

    def to_dict(self) -> dict[str, Any]:
        """The JSON document (schema version 2)."""
        s = self.settings
        return {
            "schema_version": SCHEMA_VERSION,
            "tool": {"name": "convac-verify", "version": __version__},
            "command": self.command,
            "settings": {
                "field": s.field,
                "prime": s.prime,
                "seed": s.seed,
                "method": s.method,
                "max_memory": s.max_memory,
                "max_time": s.max_seconds,
                "prime_random": s.prime_random,
                "strict": self.strict,
            },
            "verdict": self.verdict,
            "counts": self.counts(),
            "proved_by": self.certificate_counts(),
            "results": [r.to_dict() for r in self.results],
            "growth": [g.to_dict() for g in self.growth],
            "notes": list(self.notes),
            **({"family": [f.to_dict() for f in self.family]} if self.family else {}),
        }
