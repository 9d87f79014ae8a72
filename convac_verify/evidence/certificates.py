"""Certificates: what an upper (or lower) bound on a rank rests on, by name.

Every ``proved`` result names its certificate (JSON ``evidence.certificate``: ``{kind,
detail}``). A certificate is computed by code that is independent of the claim it proves:
the kind says which argument, the detail says what it gave on this instance.

:data:`CERTIFICATE_KINDS` is the registry of kinds (tests iterate it); each entry says
what the argument is and which direction it certifies.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

__all__ = [
    "CERTIFICATE_KINDS",
    "OWN_BOUNDS",
    "Bound",
    "Certificate",
    "CertificateKind",
    "detail_int",
    "may_decide",
]


@dataclass(frozen=True)
class CertificateKind:
    """One kind of argument that certifies a rank bound."""

    name: str
    """Registry key, e.g. ``"c-recursion"``."""
    direction: str
    """``"upper"`` (bounds the rank for all weights), ``"lower"`` (a.e. from a point),
    ``"point"`` (the exact value at the measured point), ``"box"`` (a bound on every point
    of a box of positive measure), ``"probabilistic"`` (holds with probability
    ``>= 1 - epsilon``) or ``"both"`` (the generic rank itself: lower almost everywhere
    and upper for all weights)."""
    description: str
    """One sentence: the argument."""


_KINDS = (
    CertificateKind(
        "witness",
        "lower",
        "a point whose exact rank (GF(p) or Q) is >= k: a nonzero k x k minor, so rank >= k "
        "for almost all weights",
    ),
    CertificateKind(
        "kronecker",
        "lower",
        "an explicit witness whose matricization is a Kronecker product: its rank is the "
        "product of exact ranks of small factors",
    ),
    CertificateKind(
        "c-recursion",
        "upper",
        "the c-recursion over the mode tree (rank is subadditive, multiplicative under "
        "Kronecker products, at most the smaller side): ICLR 2017 Thm 1 carried to any tree",
    ),
    CertificateKind(
        "joint-span",
        "upper",
        "the joint-span recursion: the column/row spans of all channels of a node together",
    ),
    CertificateKind(
        "tiling",
        "upper",
        "Cohen-Tamari-Shashua Thm 7: a factor of size r^|Theta(I)| x r^|Theta(I^c)|",
    ),
    CertificateKind(
        "min-cut",
        "upper",
        "a cut of the tensor-network graph separating the I-inputs from the J-inputs: rank <= "
        "the product of the cut bonds' dimensions (Levine et al. Claim 1, delta counted once)",
    ),
    CertificateKind(
        "factorization",
        "upper",
        "the matrix is U V with k columns in U, derived from the architecture",
    ),
    CertificateKind(
        "interface",
        "upper",
        "the interface argument over the network as a DAG: rank <= the number of functions of "
        "one side that the units crossing the cut can carry (docs/overlaps.md)",
    ),
    CertificateKind(
        "exact-q-factor",
        "upper",
        "an exact rank over Q of a factor the matrix provably factors through",
    ),
    CertificateKind(
        "symbolic",
        "both",
        "the rank over the field of rational functions Q(w) (exact fraction-free elimination "
        "with symbolic weights): a nonzero maximal minor proves it almost everywhere, and it "
        "is the maximum over all weights",
    ),
    CertificateKind(
        "matrix-size",
        "upper",
        "the number of rows or columns of the matricization",
    ),
    CertificateKind(
        "sum-pooling",
        "upper",
        "ICML 2016 supp. E.7: with sum pooling the grid tensor is a sum of tensors over the "
        "root's children (Claim 5's own argument)",
    ),
    CertificateKind(
        "distinct-values",
        "upper",
        "ICML 2016 supp. E.10: each shallow max-pooling channel has at most M*|I| distinct "
        "rows (the E.10 argument)",
    ),
    CertificateKind(
        "exact-rank",
        "point",
        "the exact rank over Q at the measured point (FLINT fmpz_mat): certain at that point",
    ),
    CertificateKind(
        "enumeration",
        "point",
        "an exact count (or value) from an exhaustive enumeration or exact integer "
        "arithmetic, with no weights: certain",
    ),
    CertificateKind(
        "symbolic-identity",
        "point",
        "SymPy reduces the difference of two expressions to 0 by rewrites valid for every "
        "real input (or sympy.limit returns the claimed limit): certain for all inputs",
    ),
    CertificateKind(
        "interval",
        "point",
        "rigorous interval arithmetic (mpmath.iv, outward rounding) encloses every exact real "
        "value: an enclosure proves the inequalities it decides (two values differ, or agree "
        "to k digits) at the sampled point, never an equality",
    ),
    CertificateKind(
        "interval-box",
        "box",
        "exact interval arithmetic over a whole box of weights: every pooling resolves the "
        "same way at every point of the box (ICML 2016 supp. E.11)",
    ),
    CertificateKind(
        "relaxation",
        "probabilistic",
        "the architecture maps every weight setting into a linear space (e.g. sum pooling: "
        "a sum of tensors over the root's children); that space's generic rank, measured at "
        "a random point modulo a random prime, bounds the rank for all weights w.p. >= 1 - eps",
    ),
    CertificateKind(
        "random-evaluation",
        "probabilistic",
        "a random point (weights uniform over a large set, rank modulo a random prime or over "
        "Q) at the claimed rank: a higher generic rank would need a nonzero minor polynomial "
        "to vanish there (Schwartz-Zippel), or the prime to divide it",
    ),
)

CERTIFICATE_KINDS: dict[str, CertificateKind] = {k.name: k for k in _KINDS}


@dataclass(frozen=True)
class Certificate:
    """A named argument and what it gave on this instance."""

    kind: str
    """A key of :data:`CERTIFICATE_KINDS`."""
    detail: str = ""
    """What it gave here, e.g. ``"c-recursion over balanced:16, M = 2, r = 2: 256"``."""

    def __post_init__(self) -> None:
        if self.kind not in CERTIFICATE_KINDS:
            known = ", ".join(CERTIFICATE_KINDS)
            raise ValueError(f"unknown certificate kind {self.kind!r}; known: {known}")

    def to_dict(self) -> dict[str, str]:
        """JSON form: ``{"kind": ..., "detail": ...}``."""
        return {"kind": self.kind, "detail": self.detail}


_DETAIL_BITS = 14_000  # below Python's default limit for int -> str (4300 digits)


def detail_int(n: int) -> str:
    """An integer for a certificate's detail: all digits, or for one too long to print
    under Python's default limit its size (the exact value is the bound's ``value``).

    Examples
    --------
    >>> detail_int(256), detail_int(2**20000)
    ('256', 'a 20001-bit integer')
    """
    return str(n) if n.bit_length() <= _DETAIL_BITS else f"a {n.bit_length()}-bit integer"


@dataclass(frozen=True)
class Bound:
    """An upper bound for all weights (or, for ``box`` certificates, on a box) and the
    certificate it rests on."""

    value: int
    certificate: Certificate
    epsilon: Fraction | None = None
    """``None`` for a certain bound; for a ``probabilistic`` certificate, a bound on the
    probability that it is wrong."""


OWN_BOUNDS: dict[str, frozenset[str]] = {
    # the c-recursion IS ICLR 2017 Thm 1's upper bound; the joint spans refine the same
    # argument (their recursion contains the c-recursion)
    "iclr17-theorem-1": frozenset({"c-recursion", "joint-span"}),
    "pooling-bounds": frozenset({"c-recursion", "joint-span"}),
    # eq. 10 (a sum of r0 rank-one terms) is the c-recursion on the one-level tree
    "iclr17-shallow": frozenset({"c-recursion", "joint-span"}),
    "cp-rank-bound": frozenset({"c-recursion", "joint-span"}),
    # network 2's bound is the proof's own argument: pooled blocks on one side
    "colt16-theorem-3": frozenset({"c-recursion", "joint-span"}),
    # the tilings ARE Theorem 7's bounds (the worked example's T, T-bar rows claim them)
    "ctm18-theorem-7": frozenset({"tiling"}),
    "ctm18-mixed": frozenset({"tiling"}),
    # Claim 5's bound is E.7's factorization; E.10's is the distinct-values argument
    "icml16-claim-5": frozenset({"sum-pooling"}),
    "icml16-e10-shallow-max": frozenset({"distinct-values"}),
    # the tool's own overlap claims whose value IS the interface bound (docs/overlaps.md:
    # the upper bound is proved by the interface argument and the certificate computes
    # exactly the claimed number); the other overlap checks' claims are not its output
    "overlap-gc-stack": frozenset({"interface"}),
    "overlap-large-rf-formula": frozenset({"interface"}),
    # the min-cut IS Levine et al.'s Claim 1 (Claim 7: deltas counted once); Theorem 2's
    # own content is the lower side, its upper side is Claim 1 (so min-cut may prove it)
    "lycs18-claim-1": frozenset({"min-cut"}),
    "lycs18-claim-7": frozenset({"min-cut"}),
}
"""Check -> the certificate kinds that are the theorem's own bound.

A theorem's own bound can neither prove nor refute that theorem's rows (a verifier that
proves a formula with the same formula verifies nothing); it may decide any other claim,
e.g. a user's ``--expect``. The tensor-network min-cut is independent of every check
listed here except the min-cut claims themselves, so it proves their rows wherever it
meets the claim.
"""


def may_decide(check: str, kind: str) -> bool:
    """Whether a certificate of ``kind`` may decide a row of ``check``.

    Examples
    --------
    >>> may_decide("iclr17-theorem-1", "c-recursion"), may_decide("rank", "c-recursion")
    (False, True)
    >>> may_decide("iclr17-theorem-1", "min-cut")
    True
    """
    return kind not in OWN_BOUNDS.get(check, frozenset())
