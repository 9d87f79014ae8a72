"""ICML 2016, App. F: the simulation of odd/even ranks of random deep ReLU + max networks.

Setting of the paper: generalized HT decomposition with ``g = max{a, b, 0}``, L = 3
(N = 8), M = 3, F = I, weights uniform in [-1, 1], widths (2,2,2), (4,4,4), (8,8,8),
1000 draws each. Reported (qualitatively): the rank histogram shifts toward the maximum
``M^{N/2} = 81`` as the width grows, but full rank is not reached for every draw --
depth efficiency becomes "more prevalent" but is not complete.

What this check encodes, per width:

* the number of draws at full rank, held to "not every draw is full rank"
  (``<= draws - 1``). It is a **sample statistic** (scope ``sample``): a statement
  about a distribution is neither proved nor refuted by a finite sample, so agreement
  is ``consistent`` and disagreement (e.g. two draws, both full rank) is
  ``inconclusive`` -- never a counterexample. The paper's incompleteness itself (a
  positive-measure set of low rank) is proved by ``icml16-claim-9``, not by sampling;
* the largest rank reached, against ``M^{N/2}`` for all weights (proved by the size of
  the matrix; full rank mod p is full rank over Q, so the value is certified).

The histogram, mean, median and the exactly recomputed minimum are in the measurement's
``extra``; ``convac-verify rectifier`` prints them (and plots them). Default draws are
small for CI; ``convac-verify rectifier --draws 1000`` reproduces the paper's size.

Negative control: ``rank - 1`` claims the largest rank reached is one below what a
draw reached: that draw is a certain counterexample.

References
----------
N. Cohen, A. Shashua. ICML 2016, supplementary App. F (simulation).
"""

from __future__ import annotations

from collections.abc import Iterator

from ..bounds import matrix_size_bound
from ..engines.measure import Context
from ..evidence.observation import Observation
from ..evidence.status import Claim, Measurement
from ..networks.partitions import odd_even
from ..networks.trees import balanced_sizes
from ..rectifier.generalized import REPRESENTATIONS
from ..rectifier.measure import representation, stream
from ..rectifier.operators import get_operator
from ..rectifier.ranks import random_prime
from ..rectifier.simulation import parse_width_specs, rank_histogram
from .registry import register_theorem


@register_theorem(
    "icml16-appendix-f",
    title="App. F simulation: deep ReLU + max ranks approach M^(N/2) with width, not for every draw",
    reference="Cohen & Shashua, ICML 2016, App. F (simulation)",
    hypotheses=(
        "deep ReLU + max (generalized HT), size-2 windows, N = 8, M = 3, F = I, weights uniform "
        "in [-1, 1] (multiples of 2^-20), widths per spec, independent draws"
    ),
    family="rectifier",
    defaults={
        "n_modes": 8,
        "dim": 3,
        "widths": "2 4 8",
        "draws": 12,
        "pooling": "max",
        "F": "identity",
        "exact": False,
    },
    negative_controls={"rank - 1": {"claim": "rank-1"}},
    choices={"pooling": ("max", "avg", "prod"), "F": REPRESENTATIONS},
)
def check(
    ctx: Context,
    *,
    n_modes: int,
    dim: int,
    widths: str,
    draws: int,
    pooling: str,
    F: str,
    exact: bool,
) -> Iterator[Observation]:
    """One histogram per width spec."""
    depth = len(balanced_sizes(n_modes))
    op = get_operator(pooling)
    f_matrix = representation(ctx.settings.seed, F, dim)
    prime = None if exact else random_prime(stream(ctx.settings.seed, "appendix-f/prime"))
    for ws in parse_width_specs(widths, depth):
        hist = rank_histogram(
            n_modes,
            dim,
            ws,
            op,
            draws,
            seed=ctx.settings.seed,
            F=f_matrix,
            prime=prime,
            max_memory=ctx.settings.max_memory,
            progress=ctx.progress,
        )
        evidence = hist.evidence(ctx.settings.seed, op)
        extra = hist.report_fields()
        label = "(" + ",".join(map(str, ws)) + ")"
        params = {
            "N": n_modes,
            "M": dim,
            "widths": list(ws),
            "draws": draws,
            "pooling": pooling,
            "F": F,
            "full": hist.full_rank,
        }
        yield Observation(
            label=label,
            subject=f"draws of deep ReLU+{pooling} at full rank M^(N/2) = {hist.full_rank}",
            claim=Claim(
                "<=",
                "draws - 1 (not every draw)",
                draws - 1,
                r"\mathrm{draws}-1",
                quantifier="sample",
                quantity="draws at full rank",
            ),
            measurement=Measurement(hist.at_full_rank, evidence, extra=extra),
            params=params,
        )
        size = matrix_size_bound(dim, odd_even(n_modes))
        yield Observation(
            label=label,
            subject=f"largest odd-even rank of deep ReLU+{pooling} over the draws",
            claim=Claim("<=", "M**(N/2)", hist.full_rank, r"M^{N/2}"),
            measurement=Measurement(max(hist.counts, default=0), evidence, (size,), exact=False),
            params=params,
        )
