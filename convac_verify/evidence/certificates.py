"""Certificates: what an upper (or lower) bound on a rank rests on, by name.

Every ``proved`` result names its certificate (JSON ``evidence.certificate``: ``{kind,
detail}``). A certificate is computed by code that is independent of the claim it proves:
the kind says which argument, the detail says what it gave on this instance.

:data:`CERTIFICATE_KINDS` is the registry of kinds (tests iterate it); each entry says
what the argument is and which direction it certifies.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["CERTIFICATE_KINDS", "Certificate", "CertificateKind"]


@dataclass(frozen=True)
class CertificateKind:
    """One kind of argument that certifies a rank bound."""

    name: str
    """Registry key, e.g. ``"c-recursion"``."""
    direction: str
    """``"upper"`` (bounds the rank for all weights) or ``"lower"`` (a.e. from a point)."""
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
        "upper",
        "the rank over the field of rational functions Q(w): the maximum over all weights",
    ),
    CertificateKind(
        "matrix-size",
        "upper",
        "the number of rows or columns of the matricization",
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
