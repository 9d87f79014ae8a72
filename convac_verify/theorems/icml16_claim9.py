"""ICML 2016 Claim 9: depth efficiency of ReLU + max networks is **incomplete**.

Hypotheses: covering templates; deep ReLU + max network (size-2 windows, N = 2^L,
widths r_l), weights drawn from a continuous distribution with non-vanishing density.
Claim: with positive probability the deep network is realized by a shallow ReLU + max
network with a single hidden channel (Z = 1).

Construction (supp. E.11): for any invertible F, ``a^{0,j} = F^{-1} 1`` at odd j and 0
at even j, all-ones hidden weights at odd nodes and 0 at even ones, output 1; for all
small perturbations of these weights **and of F**, ``A = (prod r_l 1 + o(eps)) (x) 1
(x) ... (x) 1`` depends on the first input only and equals the grid tensor of the
shallow network with ``a^{1,1} = F~^{-1} w`` and ``a^{1,i} = 0`` (i > 1).

Evidence (:mod:`convac_verify.rectifier.incomplete`): uniform draws from the box of
half-width ``radius`` (weights and F), each verified exactly (depends on ``x_1`` only;
equals the Z = 1 replica entry by entry), and an exact interval-arithmetic certificate
that the same holds at **every** point of the box -- a set of positive measure, hence
positive probability under any density that does not vanish there. Rank 1 on that set
also shows that no "rank >= k almost everywhere" statement holds for ReLU + max.

The rows are claims on the box (scope ``box``: a set of positive measure, not all
weights), proved by the interval certificate.

Negative controls: ``radius 1`` -- perturbations as large as the weights leave the
open set; draws depend on other inputs and miss the replica; ``rank - 1`` claims one
below what the worst draw shows. Both: a drawn point is a certain counterexample.

References
----------
N. Cohen, A. Shashua. ICML 2016, Claim 9; supplementary E.11.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..engines.measure import Context
from ..evidence.observation import Observation
from ..rectifier.generalized import REPRESENTATIONS
from ..rectifier.incomplete import box_rows
from .registry import register_theorem


@register_theorem(
    "icml16-claim-9",
    title="Deep ReLU + max = shallow with Z = 1 on a positive-measure set (E.11 box)",
    reference="Cohen & Shashua, ICML 2016, Claim 9 (supp. E.11)",
    hypotheses=(
        "covering templates; deep ReLU + max, size-2 windows, N = 2^L; weights and F in a box "
        "around the E.11 point (continuous density, non-vanishing there)"
    ),
    family="rectifier",
    defaults={"n_modes": 8, "dim": 3, "width": 2, "draws": 10, "radius": "1/1024", "F": "identity"},
    negative_controls={"radius 1": {"radius": "1"}, "rank - 1": {"claim": "rank-1"}},
    choices={"F": REPRESENTATIONS},
)
def check(
    ctx: Context, *, n_modes: int, dim: int, width: int, draws: int, radius: str, F: str
) -> Iterator[Observation]:
    """Draws from the E.11 box and the certificate for the whole box."""
    yield from box_rows(
        ctx,
        n_modes=n_modes,
        dim=dim,
        width=width,
        draws=draws,
        radius=radius,
        F=F,
        deep="max",
        shallow="max",
        variant="paper",
        key="claim9",
    )
