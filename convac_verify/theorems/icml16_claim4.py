"""ICML 2016 Claim 4: shallow ReLU networks with **max** pooling are universal.

Hypotheses: covering templates, F invertible, ReLU activation and max pooling
(``g = max{a, b, 0}``), one hidden layer with enough channels Z. Claim: every grid
tensor is realized (hence every score function, and by the deep network too).

Evidence (constructive, for small N): the indicator construction of
:func:`~convac_verify.rectifier.constructions.universal_shallow` (this tool's: conv
outputs ``[c != d_i]`` make ``max{..., 0} = 1 - [d' = d]``; Z = 1 + number of nonzero
entries) realizes the identity target and a random integer target exactly, entry by
entry; the realized identity target has rank ``M^{N/2}`` (exact over Q).

Negative controls: ``average pooling`` runs the same construction with average (sum)
pooling: the targets are missed and rank ``M^{N/2}`` is impossible (<= 2, Claim 5):
``violated``; ``rank + 1`` claims a rank one above the full ``M^{N/2}`` reached.

References
----------
N. Cohen, A. Shashua. ICML 2016, Claim 4.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..engines.measure import Context
from ..evidence.observation import Observation
from ..rectifier.generalized import REPRESENTATIONS
from ..rectifier.universality import universality_rows
from .registry import register_theorem


@register_theorem(
    "icml16-claim-4",
    title="Shallow ReLU + max pooling is universal: any grid tensor, constructively",
    reference="Cohen & Shashua, ICML 2016, Claim 4",
    hypotheses="covering templates, F invertible, ReLU, max pooling, Z >= 1 + #nonzero entries",
    family="rectifier",
    defaults={"n_modes": 4, "dim": 3, "pooling": "max", "F": "identity"},
    negative_controls={"average pooling": {"pooling": "avg"}, "rank + 1": {"claim": "rank+1"}},
    choices={"pooling": ("max", "prod", "avg"), "F": REPRESENTATIONS},
)
def check(ctx: Context, *, n_modes: int, dim: int, pooling: str, F: str) -> Iterator[Observation]:
    """Realize the identity and a random target for N' = 2, ..., n_modes."""
    yield from universality_rows(
        ctx, n_modes=n_modes, dim=dim, pooling=pooling, construction="indicators", F=F
    )
