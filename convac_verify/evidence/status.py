"""What a result proves: claims, evidence and the five statuses.

Statuses
--------
``proved``
    Certain, and named by a certificate (:mod:`convac_verify.evidence.certificates`). A
    lower bound from a witness point (a GF(p) or Q rank ``>= k`` at integer weights means
    a nonzero ``k x k`` minor, so rank ``>= k`` for almost all weights), or an upper
    bound from a certificate computed independently of the claim (a theorem's own bound
    never proves that theorem: :data:`~convac_verify.evidence.certificates.OWN_BOUNDS`).
``verified``
    Holds with probability ``>= 1 - epsilon`` over the random draw (and the random
    prime), ``epsilon`` printed: a random point at rank ``<= v`` when the claim is an
    upper bound with no independent certificate (for a polynomial network the maximal
    rank is the generic rank). ``epsilon = (v + 1) * deg / |S|`` (Schwartz--Zippel:
    ``deg`` is the degree of a grid-tensor entry in the weights, ``|S|`` the number of
    values each weight was drawn from) plus, over GF(p), the chance that the random
    prime divides the relevant minor polynomial (:mod:`convac_verify.algebra.primes`).
``consistent``
    Agrees with the claim, which evidence of this kind can never decide: a sample
    statistic, or a point of a piecewise-polynomial map meeting an almost-everywhere
    lower bound (existence only).
``inconclusive``
    The evidence can neither confirm nor refute the claim with the required certainty:
    no independent certificate and no rigorous random evaluation (e.g. an upper bound
    that only the theorem's own bound would prove, an explicit witness), epsilon above
    :data:`VIOLATION_THRESHOLD`, a rank modulo a fixed prime (which bounds only the
    generic rank of the network reduced mod p), a single non-random point below an
    almost-everywhere bound, a sample statistic that disagrees, a hypothesis of the
    theorem that the drawn instance does not meet. Counted and shown with its reason;
    it fails the gate only with ``--strict``.
``violated``
    The claim is false: with certainty (a point above a claimed all-weights upper bound,
    a certified upper bound below a claimed lower bound, an exact rank at a point), or
    with probability ``>= 1 - epsilon`` and ``epsilon <= VIOLATION_THRESHOLD`` (a random
    point below a claimed almost-everywhere lower bound).

Claims
------
``>=`` claims the rank is ``>= value`` for almost all weights (generic rank);
``<=`` claims ``<= value`` for all weights; ``==`` claims the generic rank equals value.
Strict ``>``/``<`` are turned into these by :func:`normalize_relation`.

Scopes (``Claim.quantifier``) for statements that are not about almost all weights:

* ``"point"`` -- the claim is about the measured weights only (e.g. a proof's explicit
  witness). An exact rank over Q decides it with certainty either way; a GF(p) rank
  decides only what a lower bound can.
* ``"exists"`` (``>=`` only) -- some weights reach the value. A point that reaches it
  proves it; an upper bound below it refutes it; a point below it is inconclusive.
* ``"box"`` -- every point of a box of positive measure (ICML 2016 supp. E.11). A drawn
  point that breaks it refutes it with certainty; a certificate for the whole box
  proves it; agreeing draws alone are inconclusive.
* ``"sample"`` -- a statistic of the drawn sample held to a statement about the
  distribution (ICML 2016 App. F). It never proves and never refutes: consistent when
  it agrees, inconclusive when it does not.

Point claims are certified by the method that measured the value
(:data:`POINT_METHODS`): exact enumeration or arithmetic over Q (``enumeration``), a
SymPy identity or limit (``symbolic-identity``: 1 when SymPy proved it, 0 when it could
not decide: a lower bound), a rigorous interval enclosure (``interval``: the measured
count is what the enclosures prove, a lower bound; an enclosure proves inequalities,
never an equality, so a ``<=`` claim it cannot refute is ``consistent``).

Fields: ``GF(p)`` and ``Q`` (ranks at a point), ``Q(w)`` (a symbolic rank over the field
of rational functions in the weights: the generic rank, so ``proved`` both ways with the
``symbolic`` certificate), ``R`` (real-number statements: SymPy identities and interval
enclosures; never exact unless the measurement says so).

Piecewise-polynomial maps (``Evidence.polynomial = False``)
----------------------------------------------------------
Grid tensors of ReLU / max-pooling networks are piecewise polynomial in the weights.
A rank ``>= k`` at one point then does **not** imply rank ``>= k`` almost everywhere
(it can fail on a set of positive measure; ICML 2016 Claim 9), and no Schwartz--Zippel
bound applies to random draws. So, for such evidence: an almost-everywhere ``>=`` that a
point meets is only ``consistent``; one that a point misses is ``inconclusive`` unless a
certified upper bound refutes it; random draws never give ``verified``. Upper bounds
``<=`` are decided as before: a point above is a counterexample, an independent
certificate proves them, and without one they are inconclusive.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from enum import Enum
from fractions import Fraction

from ..algebra.primes import prime_failure, prime_range_bits
from ..errors import BudgetExceeded
from .certificates import CERTIFICATE_KINDS, Bound, Certificate, may_decide

__all__ = [
    "QUANTIFIERS",
    "VIOLATION_THRESHOLD",
    "Claim",
    "Evidence",
    "Measurement",
    "Status",
    "Verdict",
    "decide",
    "decide_escalated",
    "normalize_relation",
    "schwartz_zippel",
]

VIOLATION_THRESHOLD = Fraction(1, 10**6)
"""Largest epsilon at which a random point may report a claim ``violated`` or ``verified``
(1e-6); a larger epsilon leaves the row ``inconclusive`` (after one escalation to a fresh
point modulo a fresh random prime, where the settings allow it)."""

QUANTIFIERS = ("", "point", "exists", "box", "sample")

FIELDS = ("GF(p)", "Q", "Q(w)", "R")
"""Where a value was computed (see the module docstring)."""

POINT_METHODS: dict[str, str] = {
    "enumeration": "enumeration",
    "exact arithmetic": "enumeration",
    "symbolic identity": "symbolic-identity",
    "symbolic limit": "symbolic-identity",
    "interval": "interval",
}
"""Evidence method -> the certificate kind of a value it measured at a point."""

_LOWER_ONLY_METHODS = ("symbolic identity", "symbolic limit", "interval")
"""Methods whose measured value is a certified lower bound (what was proved), not the
exact value: a failed simplification or a wide enclosure proves nothing."""


class Status(str, Enum):
    """What a result proves (see the module docstring)."""

    PROVED = "proved"
    VERIFIED = "verified"
    CONSISTENT = "consistent"
    INCONCLUSIVE = "inconclusive"
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
    """Scope: ``""`` (the relation's default), ``"point"``, ``"exists"``, ``"box"`` or
    ``"sample"`` (see the module docstring)."""
    quantity: str = "rank"
    """What the measured integer is (``rank`` unless a check says otherwise)."""

    def __post_init__(self) -> None:
        if self.relation not in (">=", "<=", "=="):
            raise ValueError(f"relation must be >=, <= or ==; got {self.relation!r}")
        if self.quantifier not in QUANTIFIERS:
            known = ", ".join(repr(q) for q in QUANTIFIERS)
            raise ValueError(f"quantifier must be one of {known}; got {self.quantifier!r}")
        if self.quantifier == "exists" and self.relation != ">=":
            raise ValueError("an 'exists' claim must use >=")

    @property
    def scope(self) -> str:
        """The scope as reports print it: ``a.e.``, ``all``, or the quantifier."""
        return self.quantifier or ("all" if self.relation == "<=" else "a.e.")


@dataclass(frozen=True)
class Evidence:
    """How a rank was obtained: enough to reproduce it and to judge it.

    Build it with :meth:`random` (polynomial networks: needs |S| and the entry degree),
    :meth:`random_piecewise` (ReLU / max draws) or :meth:`witness` (explicit weights);
    ``__post_init__`` refuses anything a status could be misjudged from (random weights
    without |S| or degree, a GF(p) rank without its prime, ...).
    """

    field: str
    """``"GF(p)"``, ``"Q"``, ``"Q(w)"`` (symbolic weights) or ``"R"`` (see :data:`FIELDS`)."""
    method: str
    """E.g. ``"dense"`` (grid tensor + FLINT) or ``"structured"`` (Kronecker/compressed)."""
    weights: str
    """``"random"`` (uniform over a product set: Schwartz--Zippel applies), or the name of
    explicit (or otherwise drawn) weights."""
    prime: int | None = None
    """The prime of GF(p)."""
    seed: int | None = None
    """The seed the weights came from."""
    sample_space: int | None = None
    """|S|: each random weight was uniform over this many values."""
    degree: int | None = None
    """Total degree of a grid-tensor entry in the weights."""
    polynomial: bool = True
    """Whether grid-tensor entries are polynomials in the weights (False for max/ReLU)."""
    prime_random: bool = False
    """Whether the prime was drawn uniformly from the primes of its bit length,
    ``[2**b, 2**(b+1))`` with ``b = prime.bit_length() - 1``
    (:func:`~convac_verify.algebra.primes.random_prime`: ``b = 61`` by default, ``19`` or
    ``25`` for the BLAS engine); the prime term of epsilon is computed for that range."""
    entry_bits: int | None = None
    """``b`` with ``|D| <= k! * 2**(k b)`` for the integer D a prime must divide to lower a
    ``k x k`` minor (its content for weights mod p, its value for integer weights)."""
    point: str = "witness"
    """Certificate kind of the measured point (``witness``, ``kronecker``, or ``symbolic``
    for a rank over Q(w))."""

    def __post_init__(self) -> None:
        if self.field not in FIELDS:
            known = ", ".join(repr(f) for f in FIELDS)
            raise ValueError(f"field must be one of {known}; got {self.field!r}")
        if self.field == "GF(p)" and (self.prime is None or self.prime < 2):
            raise ValueError("a GF(p) rank needs its prime")
        if self.field != "GF(p)" and (self.prime is not None or self.prime_random):
            raise ValueError(f"a value over {self.field} has no prime")
        if self.point not in ("witness", "kronecker", "symbolic"):
            raise ValueError(
                f"point must be 'witness', 'kronecker' or 'symbolic'; got {self.point!r}"
            )
        if (self.point == "symbolic") != (self.field == "Q(w)"):
            raise ValueError("a symbolic point is a rank over Q(w), and only it")
        if self.field in ("Q(w)", "R") and self.weights == "random":
            raise ValueError(f"a value over {self.field} is not at random weights")
        if self.weights == "random":
            if self.seed is None or not self.sample_space or self.sample_space < 2:
                raise ValueError("random weights need their seed and |S| (sample_space >= 2)")
            if self.polynomial and not self.degree:
                raise ValueError("random weights of a polynomial network need the entry degree")
            if self.polynomial and self.prime_random and self.entry_bits is None:
                raise ValueError("a rank modulo a random prime needs entry_bits")
        elif self.sample_space is not None or self.degree is not None:
            raise ValueError(
                f"explicit weights ({self.weights!r}) have no |S| or degree: use Evidence.random"
            )

    @classmethod
    def random(
        cls,
        *,
        field: str,
        method: str,
        seed: int,
        sample_space: int,
        degree: int,
        prime: int | None = None,
        prime_random: bool = False,
        entry_bits: int | None = None,
    ) -> Evidence:
        """Weights uniform over ``sample_space`` values, grid tensor polynomial of ``degree``."""
        return cls(
            field,
            method,
            "random",
            prime=prime,
            seed=seed,
            sample_space=sample_space,
            degree=degree,
            prime_random=prime_random,
            entry_bits=entry_bits,
        )

    @classmethod
    def random_piecewise(
        cls,
        *,
        field: str,
        method: str,
        seed: int,
        sample_space: int,
        prime: int | None = None,
        prime_random: bool = False,
    ) -> Evidence:
        """Random draws of a piecewise-polynomial (ReLU / max) network."""
        return cls(
            field,
            method,
            "random",
            prime=prime,
            seed=seed,
            sample_space=sample_space,
            polynomial=False,
            prime_random=prime_random,
        )

    @classmethod
    def witness(
        cls,
        name: str,
        *,
        field: str,
        method: str,
        prime: int | None = None,
        prime_random: bool = False,
        seed: int | None = None,
        polynomial: bool = True,
        point: str = "witness",
    ) -> Evidence:
        """Explicit weights called ``name`` (a proof's witness, a construction, or named
        draws such as the perturbations of a box)."""
        if name == "random":
            raise ValueError("explicit weights need a name other than 'random'")
        return cls(
            field,
            method,
            name,
            prime=prime,
            seed=seed,
            polynomial=polynomial,
            prime_random=prime_random,
            point=point,
        )

    @property
    def is_random(self) -> bool:
        """Whether the weights were drawn at random (and a Schwartz--Zippel bound applies)."""
        return self.polynomial and self.weights == "random"

    def failure(self, k: int) -> Fraction | None:
        """A bound on P(this random point misses a nonzero ``k x k`` minor of the generic
        matrix over Q), or ``None`` when no rigorous bound exists (explicit weights, a
        piecewise-polynomial map, or a rank modulo a fixed prime).

        Examples
        --------
        >>> ev = Evidence.random(field="Q", method="dense", seed=0, sample_space=2**32, degree=31)
        >>> ev.failure(256) == Fraction(256 * 31, 2**32)
        True
        >>> fixed = Evidence.random(field="GF(p)", method="dense", seed=0, prime=3,
        ...                         sample_space=3, degree=31)
        >>> fixed.failure(2) is None
        True
        """
        if not self.is_random or k <= 0:
            return Fraction(0) if self.is_random else None
        assert self.degree is not None and self.sample_space is not None
        eps = Fraction(k * self.degree, self.sample_space)
        if self.field == "GF(p)":
            if not self.prime_random:
                return None
            assert self.entry_bits is not None and self.prime is not None
            bits = prime_range_bits(self.prime)
            eps += prime_failure(k * (k.bit_length() + self.entry_bits), bits)
        return min(Fraction(1), eps)

    def caveat(self) -> str:
        """Why :meth:`failure` gives no bound, in one clause."""
        if not self.polynomial:
            return "a piecewise-polynomial map: points prove nothing almost everywhere"
        if self.weights != "random":
            return f"the weights are explicit ({self.weights}), not random"
        if self.field == "GF(p)" and not self.prime_random:
            return (
                f"the prime p = {self.prime} is fixed: a rank mod one fixed p bounds only the "
                "generic rank of the network reduced mod p (omit --prime for a random prime)"
            )
        return ""


@dataclass(frozen=True)
class Measurement:
    """A rank computed exactly at one weight setting."""

    rank: int
    """The measured value (over ``evidence.field``); a certified lower bound on the rank
    over Q at this point."""
    evidence: Evidence
    """How it was computed."""
    bounds: tuple[Bound, ...] = ()
    """Certified upper bounds for all weights (``box`` certificates: for the box), each
    with the certificate it rests on."""
    extra: dict[str, object] = field(default_factory=dict)
    """Free-form details for reports (e.g. the float rank as a contrast)."""
    exact: bool | None = None
    """Whether ``rank`` is the exact value of the quantity at this point (default: the
    evidence is a rank over Q). A GF(p) rank that meets one of ``bounds`` is exact (it is
    a lower bound on the rank over Q); ``decide`` then still takes the upper side from
    a bound that may decide the row, never from this flag."""
    bound_only: bool = False
    """Whether ``rank`` only bounds the claimed quantity from below (e.g. the channels a
    shallow network needs are at least a rank): then a value below a claimed lower bound
    proves nothing, and random points verify no upper bound."""
    redraw: Callable[[], Measurement] | None = field(default=None, compare=False, repr=False)
    """Re-measure at a fresh random point modulo a fresh random prime (per-row escalation),
    when the settings allow it."""

    @property
    def is_exact(self) -> bool:
        """Whether the measured value is exact at this point."""
        if self.bound_only:
            return False
        if self.exact is not None:
            return self.exact
        return self.evidence.field in ("Q", "Q(w)") and self.evidence.method not in (
            _LOWER_ONLY_METHODS
        )

    def best_bound(self, check: str = "", *, box: bool = False) -> Bound | None:
        """The smallest bound that may decide a row of ``check`` (all for ``""``).

        Bounds on a box of weights (``box`` certificates) count only with ``box=True``:
        they refute an almost-everywhere lower bound and prove a claim on the box, but
        bound nothing for all weights.
        """
        usable = [
            b
            for b in self.bounds
            if may_decide(check, b.certificate.kind)
            and b.epsilon is None
            and (box or CERTIFICATE_KINDS[b.certificate.kind].direction != "box")
        ]
        return min(usable, key=lambda b: b.value) if usable else None

    def likely_bound(self, check: str = "") -> Bound | None:
        """The smallest probabilistic bound (with its epsilon) that may decide ``check``."""
        usable = [
            b
            for b in self.bounds
            if b.epsilon is not None and may_decide(check, b.certificate.kind)
        ]
        return min(usable, key=lambda b: (b.value, b.epsilon)) if usable else None

    @property
    def upper_bound(self) -> int | None:
        """The smallest certified upper bound (any certificate), for reports."""
        best = self.best_bound()
        return None if best is None else best.value

    @property
    def upper_basis(self) -> str:
        """What the smallest upper bound rests on, for reports."""
        best = self.best_bound()
        return "" if best is None else f"{best.certificate.kind}: {best.certificate.detail}"


def schwartz_zippel(k: int, evidence: Evidence) -> Fraction | None:
    """Chance that a random point misses a nonzero ``k x k`` minor (see :meth:`Evidence.failure`)."""
    return evidence.failure(k)


@dataclass(frozen=True)
class Verdict:
    """A status with its failure probability, its reason and its certificate."""

    status: Status
    epsilon: Fraction | None
    """``None`` when certain; else a bound on the probability that a random point misled
    (for ``inconclusive``: the bound that was too large)."""
    reason: str
    """One sentence: why this status."""
    certificate: Certificate | None = None
    """What a ``proved`` or ``violated`` status rests on (``random-evaluation`` for the
    probabilistic ones)."""
    escalate: bool = False
    """Whether a fresh random point modulo a fresh random prime could decide it."""

    @property
    def certain(self) -> bool:
        """Whether the status holds with certainty."""
        return self.status in (Status.PROVED, Status.VIOLATED) and not self.epsilon


def decide(claim: Claim, m: Measurement, check: str = "") -> Verdict:
    """The runner's rule: from a claim and a measurement to a status.

    ``check`` names the registered check the row belongs to: its own bounds
    (:data:`~convac_verify.evidence.certificates.OWN_BOUNDS`) may not decide it.

    Examples
    --------
    >>> ev = Evidence.random(field="GF(p)", method="dense", seed=0, prime=2**61 - 1,
    ...                      prime_random=True, entry_bits=8, sample_space=2**61, degree=31)
    >>> decide(Claim(">=", "4", 4), Measurement(4, ev)).status
    <Status.PROVED: 'proved'>
    >>> decide(Claim("<=", "Z", 2), Measurement(3, ev)).status
    <Status.VIOLATED: 'violated'>
    >>> decide(Claim("<=", "Z", 4), Measurement(4, ev)).status
    <Status.VERIFIED: 'verified'>

    A ReLU network's rank at a random point proves existence only:

    >>> relu = Evidence.random_piecewise(field="Q", method="exact", seed=0, sample_space=2**21)
    >>> decide(Claim(">=", "81", 81), Measurement(81, relu)).status
    <Status.CONSISTENT: 'consistent'>
    >>> decide(Claim(">=", "81", 81, quantifier="point"), Measurement(81, relu)).status
    <Status.PROVED: 'proved'>
    """
    if claim.quantifier == "point":
        return _decide_point(claim, m, check)
    if claim.quantifier == "exists":
        return _decide_exists(claim, m, check)
    if claim.quantifier == "box":
        return _decide_box(claim, m, check)
    if claim.quantifier == "sample":
        return _decide_sample(claim, m)
    return _decide_generic(claim, m, check)


def _point_certificate(m: Measurement, point: bool = False) -> Certificate:
    """The measured point as a certificate: for a claim about the point itself
    (``point=True``) an exact rank over Q is an ``exact-rank`` certificate; otherwise the
    point is a witness (a lower bound)."""
    ev = m.evidence
    where = "random point" if ev.weights == "random" else f"{ev.weights}"
    kind = POINT_METHODS.get(ev.method)
    if point and kind is not None and ev.method in _LOWER_ONLY_METHODS:
        how = "SymPy" if kind == "symbolic-identity" else "interval enclosures"
        value = "exactly" if m.is_exact else f"{how} prove >="
        return Certificate(kind, f"{where}: {value} {m.rank} ({ev.method})")
    if point and m.is_exact and ev.field != "GF(p)":
        if kind is not None:
            return Certificate(kind, f"{where}: exactly {m.rank}")
        return Certificate("exact-rank", f"{where}: exact rank over Q {m.rank}")
    field_text = f"mod p = {ev.prime}" if ev.field == "GF(p)" else f"over {ev.field}"
    return Certificate(ev.point, f"{where}: rank {m.rank} {field_text} ({ev.method})")


def _random_certificate(m: Measurement, k: int, eps: Fraction) -> Certificate:
    ev = m.evidence
    prime = f", prime p = {ev.prime} drawn at random" if ev.field == "GF(p)" else " over Q"
    return Certificate(
        "random-evaluation",
        f"random point (seed {ev.seed}, |S| = {ev.sample_space}, entry degree {ev.degree}"
        f"{prime}): rank {m.rank}; a {k} x {k} minor missed w.p. <= {float(eps):.2g}",
    )


def _bound_text(b: Bound) -> str:
    return (
        f"{b.certificate.kind}: {b.certificate.detail}"
        if b.certificate.detail
        else b.certificate.kind
    )


def _decide_generic(claim: Claim, m: Measurement, check: str) -> Verdict:
    k, v, what = m.rank, claim.value, claim.quantity
    ev = m.evidence
    up = m.best_bound(check)
    if claim.relation in (">=", "=="):
        if k < v:
            return _below(claim, m, m.best_bound(check, box=True), check)
        if not ev.polynomial and (claim.relation == ">=" or k == v):
            return Verdict(
                Status.CONSISTENT,
                None,
                f"a point has {what} {k} >= {v}: such weights exist, but a piecewise-polynomial "
                "map can stay below on a set of positive measure",
            )
        if claim.relation == ">=":
            cert = _point_certificate(m)
            return Verdict(Status.PROVED, None, f"{cert.detail} >= {v}", cert)
    # "<=" or "==" with k >= v
    if k > v:
        cert = _point_certificate(m)
        return Verdict(
            Status.VIOLATED, None, f"counterexample: {what} {k} > {v} at this point", cert
        )
    if up is not None and up.value <= v:
        return Verdict(
            Status.PROVED,
            None,
            f"upper bound {up.value} <= {v} ({_bound_text(up)})",
            up.certificate,
        )
    likely = m.likely_bound(check)
    if (
        likely is not None
        and likely.value <= v
        and likely.epsilon is not None
        and likely.epsilon <= VIOLATION_THRESHOLD
    ):
        return Verdict(
            Status.VERIFIED,
            likely.epsilon,
            f"upper bound {likely.value} <= {v} w.p. >= 1 - eps ({_bound_text(likely)})",
            likely.certificate,
        )
    eps = None if m.bound_only else ev.failure(v + 1)
    if eps is not None and eps <= VIOLATION_THRESHOLD:
        return Verdict(
            Status.VERIFIED,
            eps,
            f"random point has {what} {k} <= {v}; no independent certificate for all weights",
            _random_certificate(m, v + 1, eps),
        )
    if eps is not None:  # a fresh point modulo a fresh (61-bit) random prime may decide
        return Verdict(
            Status.INCONCLUSIVE,
            eps,
            f"random point has {what} {k} <= {v}, but epsilon {float(eps):.2g} is above the "
            f"threshold {float(VIOLATION_THRESHOLD):.0e} and no independent certificate bounds "
            "all weights",
            escalate=True,
        )
    why = ev.caveat() or (
        f"epsilon {float(eps):.2g} is too large" if eps is not None else "no random evaluation"
    )
    if m.bound_only:
        why = f"the measured value only bounds the {what} from below"
    own = _own_note(m, check)
    return Verdict(
        Status.INCONCLUSIVE,
        eps,
        f"{what} {k} <= {v} here, but no independent certificate{own} and {why}",
    )


def _own_note(m: Measurement, check: str) -> str:
    """``" (c-recursion: the claim's own bound)"`` when such bounds were set aside."""
    own = sorted(
        {b.certificate.kind for b in m.bounds if not may_decide(check, b.certificate.kind)}
    )
    return f" ({', '.join(own)}: the claim's own bound)" if own else ""


def _below(claim: Claim, m: Measurement, up: Bound | None, check: str = "") -> Verdict:
    """An almost-everywhere (or generic) claim ``>= v`` and a point below it."""
    k, v, what = m.rank, claim.value, claim.quantity
    ev = m.evidence
    if up is not None and up.value < v:
        return Verdict(
            Status.VIOLATED,
            None,
            f"certified upper bound {up.value} < {v} ({_bound_text(up)})",
            up.certificate,
        )
    likely = m.likely_bound(check)
    if (
        likely is not None
        and likely.value < v
        and likely.epsilon is not None
        and likely.epsilon <= VIOLATION_THRESHOLD
    ):
        return Verdict(
            Status.VIOLATED,
            likely.epsilon,
            f"upper bound {likely.value} < {v} w.p. >= 1 - eps ({_bound_text(likely)})",
            likely.certificate,
        )
    if m.bound_only:
        return Verdict(
            Status.INCONCLUSIVE,
            None,
            f"the measured {k} only bounds the {what} from below; it may still reach {v}",
        )
    if ev.is_random:
        eps = ev.failure(v)
        if eps is None:
            return Verdict(
                Status.INCONCLUSIVE, None, f"random point has {what} {k} < {v}, but {ev.caveat()}"
            )
        if eps <= VIOLATION_THRESHOLD:
            return Verdict(
                Status.VIOLATED,
                eps,
                f"random point has {what} {k} < {v} (wrong w.p. <= eps)",
                _random_certificate(m, v, eps),
            )
        return Verdict(
            Status.INCONCLUSIVE,
            eps,
            f"random point has {what} {k} < {v}, but eps {float(eps):.2g} is above the "
            f"threshold {float(VIOLATION_THRESHOLD):.0e}",
            escalate=True,
        )
    if not ev.polynomial:
        return Verdict(
            Status.INCONCLUSIVE,
            None,
            f"a point has {what} {k} < {v}; points of a piecewise-polynomial map prove nothing "
            "almost everywhere",
        )
    return Verdict(
        Status.INCONCLUSIVE,
        None,
        f"the explicit weights ({ev.weights}) reach {k} < {v}: one non-random point below an "
        "almost-everywhere bound proves nothing",
    )


def _decide_point(claim: Claim, m: Measurement, check: str) -> Verdict:
    """A claim about the measured weights only: the value lies in ``[lo, hi]``."""
    k, v, what = m.rank, claim.value, claim.quantity
    # a GF(p) rank is exact only through a certified bound it meets (a large matrix on
    # BLAS, engines/measure.py); that bound must itself be allowed to decide the row
    exact = m.is_exact and m.evidence.field != "GF(p)"
    lo, hi = k, (k if exact else None)
    hi_cert = _point_certificate(m, point=True) if exact else None
    b = m.best_bound(check)
    if b is not None and (hi is None or b.value < hi):
        hi, hi_cert = b.value, b.certificate
    where = f"{'here' if m.evidence.field == 'R' else 'at these weights'} the {what} is"
    span = f"exactly {k}" if hi == lo else (f"in [{lo}, {hi}]" if hi is not None else f">= {lo}")
    lo_ok = {">=": lo >= v, "<=": hi is not None and hi <= v, "==": lo >= v}[claim.relation]
    hi_ok = claim.relation != "==" or (hi is not None and hi <= v)
    if lo_ok and hi_ok:
        cert = hi_cert if claim.relation != ">=" else _point_certificate(m, point=True)
        return Verdict(Status.PROVED, None, f"{where} {span}", cert)
    if claim.relation in ("<=", "==") and lo > v:
        cert = _point_certificate(m, point=True)
        return Verdict(Status.VIOLATED, None, f"{where} {span} > {v}", cert)
    if claim.relation in (">=", "==") and hi is not None and hi < v:
        return Verdict(Status.VIOLATED, None, f"{where} {span} < {v}", hi_cert)
    if m.evidence.method in _LOWER_ONLY_METHODS:
        return _undecided_point(claim, m)
    if claim.relation == "<=" or lo >= v:
        return Verdict(
            Status.INCONCLUSIVE, None, f"{where} {span}; a rank mod p bounds only from below"
        )
    return Verdict(
        Status.INCONCLUSIVE,
        None,
        f"{where} {span}: mod p it is {k} < {v}, but the rank over Q may be higher",
    )


def _undecided_point(claim: Claim, m: Measurement) -> Verdict:
    """A point claim that a SymPy or interval measurement (a proved lower bound) leaves
    open: an upper bound it cannot refute is ``consistent`` for intervals (an enclosure
    proves inequalities, never an equality); anything else is ``inconclusive``."""
    k, v, what, ev = m.rank, claim.value, claim.quantity, m.evidence
    if ev.method == "interval":
        if claim.relation == "<=":
            return Verdict(
                Status.CONSISTENT,
                None,
                f"the interval enclosures prove {what} >= {k} and nothing above {v}; an "
                "enclosure proves inequalities, never an equality",
            )
        return Verdict(
            Status.INCONCLUSIVE,
            None,
            f"the interval enclosures prove {what} >= {k} only, against {claim.relation} {v}; "
            "an enclosure too wide to decide proves nothing either way",
        )
    if claim.relation == "<=":
        return Verdict(
            Status.INCONCLUSIVE,
            None,
            f"SymPy proves {what} >= {k}; it cannot bound it by {v} from above",
        )
    return Verdict(
        Status.INCONCLUSIVE,
        None,
        f"SymPy could not decide it ({what} {k}, against {claim.relation} {v}): an "
        f"expression it does not reduce ({ev.method}) is neither proved nor refuted",
    )


def _decide_exists(claim: Claim, m: Measurement, check: str) -> Verdict:
    """``>=`` for some weights: a witness proves it, an upper bound refutes it."""
    k, v, what = m.rank, claim.value, claim.quantity
    up = m.best_bound(check)
    if k >= v:
        cert = _point_certificate(m)
        return Verdict(Status.PROVED, None, f"{cert.detail} >= {v}", cert)
    if up is not None and up.value < v:
        return Verdict(
            Status.VIOLATED,
            None,
            f"no weights reach {v}: upper bound {up.value} for all ({_bound_text(up)})",
            up.certificate,
        )
    return Verdict(
        Status.INCONCLUSIVE, None, f"this point has {what} {k} < {v}; other weights may reach it"
    )


def _decide_box(claim: Claim, m: Measurement, check: str) -> Verdict:
    """A claim on every point of a box of positive measure; ``rank`` is the worst draw."""
    k, v, what = m.rank, claim.value, claim.quantity
    up = m.best_bound(check, box=True)
    broken = {"<=": k > v, ">=": k < v, "==": k != v}[claim.relation]
    if broken:
        return Verdict(
            Status.VIOLATED,
            None,
            f"a drawn point of the box has {what} {k}, against {claim.relation} {v}",
            _point_certificate(m),
        )
    if claim.relation == "<=" and up is not None and up.value <= v:
        return Verdict(
            Status.PROVED,
            None,
            f"{what} <= {up.value} <= {v} on the whole box ({_bound_text(up)})",
            up.certificate,
        )
    return Verdict(
        Status.INCONCLUSIVE,
        None,
        f"the draws agree ({what} {k}), but no certificate covers the whole box",
    )


def _decide_sample(claim: Claim, m: Measurement) -> Verdict:
    """A statistic of the drawn sample: never proves, never refutes."""
    k, v, what = m.rank, claim.value, claim.quantity
    holds = {">=": k >= v, "<=": k <= v, "==": k == v}[claim.relation]
    if holds:
        return Verdict(
            Status.CONSISTENT,
            None,
            f"{what} {k} {claim.relation} {v} in this sample; a sample statistic proves nothing "
            "about the distribution",
        )
    return Verdict(
        Status.INCONCLUSIVE,
        None,
        f"{what} {k} in this sample, against {claim.relation} {v}; a sample statistic cannot "
        "refute a statement about the distribution",
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


ESCALATED = "escalated: fresh point, fresh random prime"
"""What the reason of an escalated row says (``Measurement.extra["escalated"]`` is set)."""


def decide_escalated(
    claim: Claim | Callable[[Measurement], Claim], m: Measurement, check: str = ""
) -> tuple[Claim, Measurement, Verdict]:
    """:func:`decide`, escalated once per row where that can help: the one escalation of
    every command (the check runner, ``rank``, ``mincut``, ``symbolic``, the Python API).

    When the status depends on an epsilon above :data:`VIOLATION_THRESHOLD`
    (``Verdict.escalate``) and the measurement can be redrawn (:attr:`Measurement.redraw`:
    a fresh random point modulo a fresh random 61-bit prime; set only where the settings
    allow it, never under a fixed ``--prime``), the row is decided again on the fresh
    measurement, and its reason says so (:data:`ESCALATED`). A witness lower bound is
    certain with any prime and never escalates. A redraw that does not fit the budget
    leaves the row undecided, with why.

    ``claim`` may be a function of the measurement (e.g. "the generic rank is the measured
    rank", which must be read off the fresh point). Returns the claim, the measurement the
    verdict rests on (the fresh one when escalated) with its redraw spent (``None``: the
    closure holds a context, and results travel between processes), and the verdict.
    """
    claim_of = claim if callable(claim) else (lambda _m: claim)
    first = claim_of(m)
    verdict = decide(first, m, check)
    if not verdict.escalate or m.redraw is None:
        return first, replace(m, redraw=None), verdict
    try:
        fresh = m.redraw()
    except BudgetExceeded as exc:  # the fresh prime's path does not fit: stay undecided
        why = f"{verdict.reason}; no escalation: {exc}"
        return first, replace(m, redraw=None), replace(verdict, reason=why, escalate=False)
    fresh = replace(fresh, extra={**m.extra, **fresh.extra, "escalated": True}, redraw=None)
    again = claim_of(fresh)
    verdict = decide(again, fresh, check)
    return again, fresh, replace(verdict, reason=f"{verdict.reason} ({ESCALATED})")
