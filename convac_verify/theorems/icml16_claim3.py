"""ICML 2016 Claim 3: shallow ConvACs (linear activation, product pooling) are universal.

Hypotheses: covering templates (so a score function is determined by its grid tensor),
F invertible, linear activation and product pooling, one hidden layer with enough
channels Z. Claim: every grid tensor is realized (hence, with covering templates,
every score function; and so by the deep network too).

Evidence (constructive, for small N): for the identity target (full odd/even rank
``M^{N/2}``) and a random integer target, the fiber construction of
:func:`~convac_verify.rectifier.constructions.universal_shallow` (Z = number of nonzero
fibers ``<= M^{N-1}``) realizes the target exactly, entry by entry; the realized
identity target has rank ``M^{N/2}`` (exact over Q).

Negative controls: ``average pooling`` runs the same construction with ReLU + average
(sum) pooling: the targets are missed, and rank ``M^{N/2}`` is impossible for every
weight setting (<= 2, Claim 5): ``violated``; ``rank + 1`` claims a rank one above the
full ``M^{N/2}`` reached, which no matrix of that size has.

References
----------
N. Cohen, A. Shashua. ICML 2016, Claim 3.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..engines.measure import Context
from ..evidence.observation import Observation
from ..rectifier.generalized import REPRESENTATIONS
from ..rectifier.universality import universality_rows
from .registry import register_theorem


@register_theorem(
    "icml16-claim-3",
    title="Shallow ConvAC (product pooling) is universal: any grid tensor, constructively",
    reference="Cohen & Shashua, ICML 2016, Claim 3",
    hypotheses="covering templates, F invertible, linear activation, product pooling, Z >= M^(N-1)",
    family="rectifier",
    defaults={"n_modes": 4, "dim": 3, "pooling": "prod", "F": "identity"},
    negative_controls={"average pooling": {"pooling": "avg"}, "rank + 1": {"claim": "rank+1"}},
    choices={"pooling": ("prod", "max", "avg"), "F": REPRESENTATIONS},
)
def check(ctx: Context, *, n_modes: int, dim: int, pooling: str, F: str) -> Iterator[Observation]:
    """Realize the identity and a random target for N' = 2, ..., n_modes."""
    yield from universality_rows(
        ctx, n_modes=n_modes, dim=dim, pooling=pooling, construction="fibers", F=F
    )
