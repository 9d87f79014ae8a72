"""ICML 2016 Claim 11: a deep ReLU + max network is, with positive probability,
realized by a shallow **ConvAC** (linear activation, product pooling) with Z = 1.

Hypotheses: as Claim 9 (covering templates, continuous weights with non-vanishing
density). Construction (supp. E.11, last remark): on the same open set, the deep grid
tensor is ``w (x) 1 (x) ... (x) 1``, realized by the shallow product network with
``a^{1,1} = F~^{-1} w`` and ``a^{1,i} = F~^{-1} 1`` (i > 1).

Evidence: as Claim 9 (draws verified exactly, interval certificate for the whole box),
with the product-pooling replica.

Negative controls: ``radius 1`` leaves the open set; ``rank - 1`` claims one below what
the worst draw shows. Both: a drawn point is a certain counterexample.

References
----------
N. Cohen, A. Shashua. ICML 2016, Claim 11; supplementary E.11.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..engines.measure import Context
from ..evidence.observation import Observation
from ..rectifier.generalized import REPRESENTATIONS
from ..rectifier.incomplete import box_rows
from .registry import register_theorem


@register_theorem(
    "icml16-claim-11",
    title="Deep ReLU + max = shallow ConvAC with Z = 1 on a positive-measure set (E.11 box)",
    reference="Cohen & Shashua, ICML 2016, Claim 11 (supp. E.11)",
    hypotheses=(
        "covering templates; deep ReLU + max, size-2 windows, N = 2^L; weights and F in a box "
        "around the E.11 point; shallow ConvAC = linear activation + product pooling"
    ),
    family="rectifier",
    defaults={"n_modes": 8, "dim": 3, "width": 2, "draws": 10, "radius": "1/1024", "F": "identity"},
    negative_controls={"radius 1": {"radius": "1"}, "rank - 1": {"claim": "rank-1"}},
    choices={"F": REPRESENTATIONS},
)
def check(
    ctx: Context, *, n_modes: int, dim: int, width: int, draws: int, radius: str, F: str
) -> Iterator[Observation]:
    """Draws from the E.11 box and the certificate, against a product-pooling replica."""
    yield from box_rows(
        ctx,
        n_modes=n_modes,
        dim=dim,
        width=width,
        draws=draws,
        radius=radius,
        F=F,
        deep="max",
        shallow="prod",
        variant="paper",
        key="claim11",
    )
