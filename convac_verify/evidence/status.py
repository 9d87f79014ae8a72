"""What a result proves: claims, evidence and the four statuses.

Statuses
--------
``proved``
    Certain. A lower bound from a witness point (a GF(p) or Q rank ``>= k`` at integer
    weights means a nonzero ``k x k`` minor, so rank ``>= k`` for almost all weights), or
    an upper bound from the structure of the decomposition (a bound for all weights).
``verified``
    Holds with probability ``>= 1 - epsilon`` over the random draw, where ``epsilon``
    is the Schwartz--Zippel bound ``(k + 1) * deg / |S|``: ``deg`` is the degree of a
    grid-tensor entry in the weights, ``|S|`` the number of values each weight was drawn
    from, and ``k`` the bound (a rank above ``k`` would need a nonzero
    ``(k+1) x (k+1)`` minor, a polynomial of degree ``<= (k + 1) * deg``). Over GF(p) this
    is the probability for the decomposition reduced mod p; it equals the bound over Q
    unless p divides every coefficient of every such minor.
``consistent``
    Agrees with the claim but proves nothing (no certificate, no randomness to bound).
``violated``
    The claim is false: with certainty when a point's rank exceeds an upper bound
    claimed for all weights, or when a proved structural upper bound is below a claimed
    lower bound; with probability ``>= 1 - epsilon`` when a random point falls below a
    claimed almost-everywhere lower bound.

Claims
------
``>=`` claims the rank is ``>= value`` for almost all weights (generic rank);
``<=`` claims ``<= value`` for all weights; ``==`` claims the generic rank equals value.
Strict ``>``/``<`` are turned into these by :func:`normalize_relation`.

Two optional scopes (``Claim.quantifier``) serve statements that are not about almost
all weights:

* ``"point"`` -- the claim is about the measured weights only (e.g. a proof's explicit
  witness). An exact rank over Q decides it with certainty either way; a GF(p) rank
  decides only what a lower bound can.
* ``"exists"`` (``>=`` only) -- some weights reach the value. A point that reaches it
  proves it; a structural upper bound below it refutes it; a point below it proves
  nothing (``violated`` with epsilon 1: uncertified).

Piecewise-polynomial maps (``Evidence.polynomial = False``)
----------------------------------------------------------
Grid tensors of ReLU / max-pooling networks are piecewise polynomial in the weights.
A rank ``>= k`` at one point then does **not** imply rank ``>= k`` almost everywhere
(it can fail on a set of positive measure; ICML 2016 Claim 9), and no Schwartz--Zippel
bound applies to random draws. So, for such evidence: an almost-everywhere ``>=`` that a
point meets is only ``consistent`` (the point proves existence, not the a.e. claim); one
that a point misses is ``violated`` with epsilon 1 (uncertified) unless a structural bound
makes it certain; random draws never give ``verified``. Upper bounds ``<=`` are decided as
before: a point above is a counterexample, a structural bound proves them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from enum import Enum
from fractions import Fraction

__all__ = [
    "Claim",
    "Evidence",
    "Measurement",
    "Status",
    "Verdict",
    "decide",
    "normalize_relation",
    "schwartz_zippel",
]


class Status(str, Enum):
    """What a result proves (see the module docstring)."""

    PROVED = "proved"
    VERIFIED = "verified"
    CONSISTENT = "consistent"
    VIOLATED = "violated"


@dataclass(frozen=True)
class Claim:
    """A claimed bound on a matricization rank."""

    relation: str
    """``">="`` (almost everywhere), ``"<="`` (all weights) or ``"=="`` (generic rank)."""
    formula: str
    """The bound as the theory writes it, e.g. ``min(r0, M)**(N/2)``."""
    value: int
    """The bound evaluated exactly for this row."""
    latex: str = ""
    """The formula in LaTeX (math mode, without ``$``)."""
    quantifier: str = ""
    """Scope: ``""`` (the relation's default, see the module docstring), ``"point"`` or
    ``"exists"``."""
    quantity: str = "rank"
    """What the measured integer is (``rank`` unless a check says otherwise)."""

    def __post_init__(self) -> None:
        if self.relation not in (">=", "<=", "=="):
            raise ValueError(f"relation must be >=, <= or ==; got {self.relation!r}")
        if self.quantifier not in ("", "point", "exists"):
            raise ValueError(f"quantifier must be '', 'point' or 'exists'; got {self.quantifier!r}")
        if self.quantifier == "exists" and self.relation != ">=":
            raise ValueError("an 'exists' claim must use >=")


@dataclass(frozen=True)
class Evidence:
    """How a rank was obtained: enough to reproduce it and to judge it."""

    field: str
    """``"GF(p)"`` or ``"Q"``."""
    method: str
    """E.g. ``"dense"`` (grid tensor + FLINT) or ``"structured"`` (Kronecker/compressed)."""
    weights: str
    """``"random"``, or the name of an explicit witness."""
    prime: int | None = None
    """The prime of GF(p) (also the rank prime for structured Q points)."""
    seed: int | None = None
    """The seed the random weights came from."""
    sample_space: int | None = None
    """|S|: each random weight was uniform over this many values."""
    degree: int | None = None
    """Total degree of a grid-tensor entry in the weights."""
    polynomial: bool = True
    """Whether grid-tensor entries are polynomials in the weights (False for max/ReLU)."""

    @property
    def is_random(self) -> bool:
        """Whether the weights were drawn at random (and a Schwartz--Zippel bound applies)."""
        return (
            self.polynomial
            and self.weights == "random"
            and bool(self.sample_space)
            and bool(self.degree)
        )


@dataclass(frozen=True)
class Measurement:
    """A rank computed exactly at one weight setting."""

    rank: int
    """The rank (over ``evidence.field``); a certified lower bound on the rank over Q."""
    evidence: Evidence
    """How it was computed."""
    upper_bound: int | None = None
    """A bound for **all** weights derived from the structure, if one is known."""
    upper_basis: str = ""
    """What the structural upper bound rests on."""
    extra: dict[str, object] = field(default_factory=dict)
    """Free-form details for reports (e.g. the float rank as a contrast)."""


def schwartz_zippel(k: int, evidence: Evidence) -> Fraction | None:
    """``k * deg / |S|``: chance that a random point misses a nonzero ``k x k`` minor."""
    if not evidence.is_random:
        return None
    assert evidence.degree is not None and evidence.sample_space is not None
    return min(Fraction(1), Fraction(k * evidence.degree, evidence.sample_space))


@dataclass(frozen=True)
class Verdict:
    """A status with its failure probability (0 when certain)."""

    status: Status
    epsilon: Fraction | None
    """``None`` or 0 when certain; else a bound on the probability that the status is
    wrong (1: uncertified -- the evidence points this way but proves nothing)."""
    reason: str
    """One sentence: why this status."""


def decide(claim: Claim, m: Measurement) -> Verdict:
    """The runner's rule: from a claim and a measurement to a status.

    Examples
    --------
    >>> ev = Evidence("GF(p)", "dense", "random", prime=7, seed=0, sample_space=2**61, degree=31)
    >>> decide(Claim(">=", "4", 4), Measurement(4, ev)).status
    <Status.PROVED: 'proved'>
    >>> decide(Claim("<=", "Z", 2), Measurement(3, ev)).status
    <Status.VIOLATED: 'violated'>

    A ReLU network's rank at a random point proves existence only:

    >>> relu = Evidence("Q", "exact", "random", seed=0, sample_space=2**21, polynomial=False)
    >>> decide(Claim(">=", "81", 81), Measurement(81, relu)).status
    <Status.CONSISTENT: 'consistent'>
    >>> decide(Claim(">=", "81", 81, quantifier="point"), Measurement(81, relu)).status
    <Status.PROVED: 'proved'>
    """
    if claim.quantifier == "point":
        return _decide_point(claim, m)
    if claim.quantifier == "exists":
        return _decide_exists(claim, m)
    k, v, up = m.rank, claim.value, m.upper_bound
    what = claim.quantity
    poly = m.evidence.polynomial
    if claim.relation in (">=", "=="):
        if k < v:
            if up is not None and up < v:
                return Verdict(
                    Status.VIOLATED, None, f"structural upper bound {up} < {v}{_basis(m)}"
                )
            eps = schwartz_zippel(v, m.evidence)
            if eps is not None:
                return Verdict(
                    Status.VIOLATED, eps, f"random point has {what} {k} < {v} (wrong w.p. <= eps)"
                )
            if not poly:
                return Verdict(
                    Status.VIOLATED,
                    Fraction(1),
                    f"a point has {what} {k} < {v}; uncertified (piecewise-polynomial map)",
                )
            return Verdict(
                Status.VIOLATED, None, f"witness ({m.evidence.weights}) reaches {k} < {v}"
            )
        if not poly and (claim.relation == ">=" or k == v):
            return Verdict(
                Status.CONSISTENT,
                None,
                f"a point has {what} {k} >= {v}: such weights exist, but a piecewise-polynomial "
                "map can stay below on a set of positive measure",
            )
        if claim.relation == ">=":
            return Verdict(Status.PROVED, None, f"witness point has {what} {k} >= {v}")
    # "<=" or "==" with k >= v
    if k > v:
        return Verdict(Status.VIOLATED, None, f"counterexample: {what} {k} > {v} at this point")
    if up is not None and up <= v:
        return Verdict(Status.PROVED, None, f"structural bound {up} <= {v} ({m.upper_basis})")
    eps = schwartz_zippel(v + 1, m.evidence)
    if eps is not None and eps < 1:
        return Verdict(Status.VERIFIED, eps, f"random point has {what} {k} <= {v}")
    return Verdict(
        Status.CONSISTENT,
        None,
        f"{what} {k} at sampled points proves no upper bound for all weights",
    )


def _basis(m: Measurement) -> str:
    return f" ({m.upper_basis})" if m.upper_basis else ""


def _decide_point(claim: Claim, m: Measurement) -> Verdict:
    """A claim about the measured weights only."""
    k, v, what = m.rank, claim.value, claim.quantity
    holds = {">=": k >= v, "<=": k <= v, "==": k == v}[claim.relation]
    if m.evidence.field == "Q":  # exact at this point: certain either way
        status = Status.PROVED if holds else Status.VIOLATED
        return Verdict(status, None, f"at these weights the {what} is exactly {k} (over Q)")
    # a GF(p) rank is a lower bound on the rank over Q at this point
    if k > v and claim.relation in ("<=", "=="):
        return Verdict(Status.VIOLATED, None, f"at these weights the {what} is >= {k} > {v}")
    if k >= v and claim.relation == ">=":
        return Verdict(Status.PROVED, None, f"at these weights the {what} is >= {k} >= {v}")
    if k < v:
        return Verdict(
            Status.VIOLATED,
            Fraction(1),
            f"{what} mod p is {k} < {v}; uncertified (the rank over Q may be higher)",
        )
    return Verdict(Status.CONSISTENT, None, f"{what} mod p is {k}; a rank mod p bounds only below")


def _decide_exists(claim: Claim, m: Measurement) -> Verdict:
    """``>=`` for some weights: a witness proves it, a structural bound refutes it."""
    k, v, up, what = m.rank, claim.value, m.upper_bound, claim.quantity
    if k >= v:
        return Verdict(Status.PROVED, None, f"witness has {what} {k} >= {v}")
    if up is not None and up < v:
        return Verdict(
            Status.VIOLATED, None, f"no weights reach {v}: upper bound {up} for all{_basis(m)}"
        )
    return Verdict(
        Status.VIOLATED, Fraction(1), f"this witness has {what} {k} < {v}; others may reach it"
    )


def normalize_relation(relation: str, value: Fraction | float) -> tuple[str, int | None]:
    """Turn ``(relation, real value)`` into an integer claim, or ``None`` if unsatisfiable.

    ``> x`` becomes ``>= floor(x) + 1``, ``< x`` becomes ``<= ceil(x) - 1``, ``>= x`` becomes
    ``>= ceil(x)``, ``<= x`` becomes ``<= floor(x)``; ``== x`` needs an integer ``x``.

    Examples
    --------
    >>> normalize_relation(">", Fraction(5, 2))
    ('>=', 3)
    >>> normalize_relation("==", Fraction(5, 2))
    ('==', None)
    """
    if relation == ">":
        return ">=", math.floor(value) + 1
    if relation == "<":
        return "<=", math.ceil(value) - 1
    if relation == ">=":
        return ">=", math.ceil(value)
    if relation == "<=":
        return "<=", math.floor(value)
    if relation == "==":
        return "==", int(value) if value == int(value) else None
    raise ValueError(f"relation must be one of >=, >, <=, <, ==; got {relation!r}")
