"""Strided GC stacks: GC(3, 2) with skip padding has polynomial left/right rank.

Hypotheses: M = 2, N = 2^L >= 8, the ``gc-stack`` scheme -- GC(R = 3, S = 2) layers
``y_j[c] = prod_{k<3} <W_k[c,:], h_{2j+k}>`` (skip padding: a tap beyond the end is the
factor 1), r channels, until one position remains -- then a readout; shared weights.
Claims (the tool's own): ``rank [[A]]_{left,right} = 2 r**(log2 N - 2)`` generically
(measured), and ``<= 2 r**(log2 N - 1)`` for all weights (proved). Overlapping windows alone
do not make a network exponentially efficient: here the receptive field grows, but only
one window per layer straddles the cut.

Evidence: the rank of a random point (dense, or a sampled submatrix: a certified lower
bound either way). The upper bound ``min(r, M) r**(log2 N - 2)`` is proved for all N in
``docs/overlaps.md`` by the interface argument (one straddling window per level), and the
interface certificate computes exactly the claimed value: it is this check's own bound
(``OWN_BOUNDS``) and decides none of its rows. So the dense rows (N <= 16) are
``verified`` by random evaluation (Schwartz--Zippel epsilon with the random prime's
term), and rows measured on a sampled submatrix (N >= 32; the defaults include N = 32 so
that the growth has three points) are ``inconclusive``: the sampled rank reaches the
claimed value (a certified lower bound) but nothing independent bounds it from above.

Negative controls: ``variant="above-upper"`` claims ``rank >= 2 r**(log2 N - 1) + 1``; a
random point below it refutes it with epsilon below the threshold (dense rows). ``bound +
1`` claims ``rank >= 2 r**(log2 N - 2) + 1`` (the formula is the generic rank): refuted the
same way.

References
----------
O. Sharir, A. Shashua. ICLR 2018 (abstract only available; GC layers as recalled in
``docs/overlaps.md``; the formulas are the tool's own).
"""

from __future__ import annotations

from collections.abc import Iterator

from ..engines.measure import Context
from ..evidence.observation import Observation
from ..evidence.status import Claim
from ..networks.partitions import left_right
from ..overlaps.measure import observe
from ..overlaps.schemes import SchemeParams, build_scheme
from .registry import register_theorem


@register_theorem(
    "overlap-gc-stack",
    title="GC(3,2) stack, skip padding: left/right rank 2 r^(log2 N - 2) <= 2 r^(log2 N - 1)",
    reference="Sharir & Shashua, ICLR 2018 (the tool's own formulas)",
    hypotheses="M = 2, N = 2^L >= 8, GC(3, 2) skip layers -> r, readout, shared weights",
    family="overlap",
    defaults={"n_max": 32, "widths": "2,3", "variant": "measured"},
    negative_controls={
        "above-upper": {"variant": "above-upper"},
        "bound + 1": {"claim": "bound+1"},
    },
    choices={"variant": ("measured", "above-upper")},
)
def check(ctx: Context, *, n_max: int, widths: str, variant: str) -> Iterator[Observation]:
    """For each r and N = 8, ..., n_max: the exact claim and the proved upper bound."""
    for width in [int(t) for t in widths.split(",") if t.strip()]:
        n, levels = 8, 3
        while n <= n_max:
            net = build_scheme(
                "gc-stack", SchemeParams((n,), dim=2, width=width, window=3, stride=2)
            )
            upper = 2 * width ** (levels - 1)
            claims = (
                [Claim(">=", "2*r**(log2(N)-1) + 1", upper + 1, r"2 r^{\log_2 N - 1} + 1")]
                if variant == "above-upper"
                else [
                    Claim("==", "2*r**(log2(N)-2)", 2 * width ** (levels - 2), r"2 r^{\log_2 N-2}"),
                    Claim("<=", "2*r**(log2(N)-1)", upper, r"2 r^{\log_2 N - 1}"),
                ]
            )
            for c in claims:
                yield observe(
                    ctx,
                    net,
                    left_right(n),
                    c,
                    label=f"N={n} r={width}",
                    subject="GC(3,2) skip stack: left-right rank",
                    params={"N": n, "M": 2, "r": width, "R": 3, "S": 2, "padding": "skip"},
                    series=f"GC(3,2) r={width}" if c.relation == "==" else "",
                    x=n,
                )
            n *= 2
            levels += 1
