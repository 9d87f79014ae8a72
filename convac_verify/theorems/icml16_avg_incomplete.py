"""ReLU + average pooling: depth efficiency is incomplete too (E.11 adapted by this tool).

Not a numbered claim of the paper: it backs the "average pooling" cell of the talk's
summary table ("depth efficiency: incomplete" for convolutional rectifier networks).

Hypotheses: covering templates; deep ReLU + average (sum) pooling, size-2 windows,
N = 2^L; weights and F in a box around an adaptation of the E.11 point. As printed,
E.11 puts 0 on the even branches; with sum pooling a small *positive* perturbation of
such a branch survives the ReLU and leaks into the sum, so the construction fails (the
negative control shows it). This tool's variant gives even locations conv outputs -1
(``a^{0,j} = -F^{-1} 1``) and even hidden nodes weights -1: every even branch is then
strictly negative on a neighbourhood, its ReLU vanishes, and the deep grid tensor is
``w (x) 1 (x) ... (x) 1``, realized by the shallow sum-pooling network with ONE channel
(``a^{1,1} = F~^{-1} w``, ``a^{1,i} = -F~^{-1} 1``).

Evidence: as Claim 9 (draws verified exactly, interval certificate for the whole box).
On the other side, Claim 5 shows deep average-pooling networks reach ranks above 2,
which no shallow average-pooling network reaches at any width: where it exists, the
gap is unbounded, but it is not almost everywhere.

Negative controls: ``paper variant`` (E.11 as printed, even branches 0) under sum
pooling: draws depend on other inputs and miss the replica; ``rank - 1`` claims one
below what the worst draw shows. Both: a drawn point is a certain counterexample.

References
----------
N. Cohen, A. Shashua. ICML 2016, Claims 5, 9 and supplementary E.11 (construction
adapted here); N. Cohen, AAAI 2017 Spring Symposium talk, summary slide.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..engines.measure import Context
from ..evidence.observation import Observation
from ..rectifier.generalized import REPRESENTATIONS
from ..rectifier.incomplete import box_rows
from .registry import register_theorem


@register_theorem(
    "icml16-avg-incomplete",
    title="Deep ReLU + average = shallow with Z = 1 on a positive-measure set (adapted E.11 box)",
    reference="Cohen & Shashua, ICML 2016, supp. E.11 adapted to average pooling (this tool)",
    hypotheses=(
        "covering templates; deep ReLU + average (as sum) pooling, size-2 windows, N = 2^L; "
        "weights and F in a box around the E.11 point with negative even branches"
    ),
    family="rectifier",
    defaults={
        "n_modes": 8,
        "dim": 3,
        "width": 2,
        "draws": 10,
        "radius": "1/1024",
        "F": "identity",
        "variant": "negative-even",
    },
    negative_controls={"paper variant": {"variant": "paper"}, "rank - 1": {"claim": "rank-1"}},
    choices={"F": REPRESENTATIONS, "variant": ("negative-even", "paper")},
)
def check(
    ctx: Context,
    *,
    n_modes: int,
    dim: int,
    width: int,
    draws: int,
    radius: str,
    F: str,
    variant: str,
) -> Iterator[Observation]:
    """Draws from the adapted E.11 box and the certificate, sum pooling on both sides."""
    yield from box_rows(
        ctx,
        n_modes=n_modes,
        dim=dim,
        width=width,
        draws=draws,
        radius=radius,
        F=F,
        deep="avg",
        shallow="avg",
        variant=variant,
        key="avg-incomplete",
    )
