"""How SimNet rows are measured: SymPy statements and rigorous interval enclosures.

Both are statements about real numbers (evidence field ``R``), never at random weights:

* ``symbolic identity`` / ``symbolic limit`` -- SymPy decides a statement for every real
  input. The measured value is 1 when SymPy proves it (certificate
  ``symbolic-identity``), 0 *exactly* when SymPy proves it false, and 0 as a mere lower
  bound when SymPy cannot decide it (the row is then ``inconclusive``, with the reason);
* ``interval`` -- counts or digits that mpmath's interval enclosures prove (certificate
  ``interval``): a lower bound on the true value, since a wider enclosure proves less.
  An enclosure proves inequalities, never an equality, so a claim that no point differs
  is only ``consistent``.

See :func:`convac_verify.evidence.status.decide` (``point`` claims).
"""

from __future__ import annotations

from ..evidence.status import Evidence, Measurement

__all__ = ["interval_evidence", "sympy_measurement"]


def sympy_measurement(outcome: bool | None, method: str = "symbolic identity") -> Measurement:
    """A SymPy statement: ``True`` proved, ``False`` refuted, ``None`` undecided."""
    evidence = Evidence.witness("symbolic inputs", field="R", method=method)
    return Measurement(int(outcome is True), evidence, exact=outcome is not None)


def interval_evidence(bits: int, seed: int) -> Evidence:
    """Interval enclosures (``bits`` of precision) at inputs drawn from ``seed``."""
    return Evidence.witness(
        f"random rational inputs, {bits}-bit intervals", field="R", method="interval", seed=seed
    )
