"""Large receptive field: one overlapping first layer gives left/right rank 2^(N/2).

Hypotheses (the talk's example 1, made precise by the tool): M = 2, N = 2^L; the
*large-RF* network has one channel and a first linear convolution with receptive field
R = N/2 + 1, stride 1, valid padding -- ``y_j = sum_{k <= N/2} <w_k, x_{j+k}>`` for
``j < N/2`` -- followed by a non-overlapping product tree, i.e. ``f = c * prod_j y_j``; it
has ``(N/2 + 1) M + O(log N)`` weights. Claim (the tool's, proved here for every N):
``rank [[A]]_{left,right} = 2**(N/2)`` for almost all weights, while every contiguous
non-overlapping ConvAC of top width r has rank ``<= r`` on this cut
(``overlap-nonoverlap-baseline``): to realize this function it needs ``r >= 2**(N/2)``.

Evidence: the two-tap witness ``w_0 = a``, ``w_{N/2} = b`` (all other taps 0) makes ``f``
the product of ``N/2`` factors ``a(x_j) + b(x_{j+N/2})`` on disjoint input pairs across the
cut, each an M x M matrix of exact rank 2 over Q, so ``[[f]]`` is their Kronecker product
(:mod:`convac_verify.overlaps.witness`): rank ``2**(N/2)`` with no grid tensor -- at N = 64
the certificate reads 2**32 in milliseconds (certificate kind ``kronecker``). The upper
bound is the matrix size (``matrix-size``). The same rows hold the contiguous
non-overlapping network to ``<= r`` (the c-recursion over its mode tree; the interface
certificate agrees).

Negative controls: ``nonoverlap_claim="exponential"`` holds the non-overlapping network to
``>= 2**(N/2)``; its upper bound r refutes it. ``bound + 1`` claims ``2**(N/2) + 1`` for the
large-RF network (the bound is tight): the matrix size refutes it.

References
----------
O. Sharir, A. Shashua. ICLR 2018 (abstract only available); the talk's "network starts
with large receptive field".
"""

from __future__ import annotations

from collections.abc import Iterator

from ..engines.measure import Context
from ..evidence.observation import Observation
from ..evidence.status import Claim
from ..networks.partitions import left_right
from ..overlaps.measure import cut_witness, observe
from ..overlaps.schemes import SchemeParams, build_scheme
from .registry import register_theorem


@register_theorem(
    "overlap-large-rf-separation",
    title="Large receptive field (R = N/2+1, one channel): left/right rank 2^(N/2) vs <= r",
    reference="Sharir & Shashua, ICLR 2018, example 1 (the tool's own statement and proof)",
    hypotheses="M = 2, N = 2^L; conv R = N/2+1 valid -> 1 channel, then a product tree; "
    "against [conv1 -> r, pool2]* (contiguous)",
    family="overlap",
    defaults={"n_max": 64, "width": 2, "nonoverlap_claim": "top-width"},
    negative_controls={
        "exponential": {"nonoverlap_claim": "exponential"},
        "bound + 1": {"claim": "bound+1"},
    },
    choices={"nonoverlap_claim": ("top-width", "exponential")},
)
def check(ctx: Context, *, n_max: int, width: int, nonoverlap_claim: str) -> Iterator[Observation]:
    """For N = 4, ..., n_max: the large-RF witness and the non-overlapping bound."""
    n = 4
    while n <= n_max:
        full = 2 ** (n // 2)
        part = left_right(n)
        big = build_scheme("large-rf", SchemeParams((n,), dim=2, width=1, window=n // 2 + 1))
        yield observe(
            ctx,
            big,
            part,
            Claim("==", "2**(N/2)", full, r"2^{N/2}"),
            label=f"N={n}",
            subject=f"large-RF R={n // 2 + 1}, 1 channel: left-right rank",
            params={"N": n, "M": 2, "R": n // 2 + 1, "r": 1, "scheme": "large-rf"},
            series="large-RF left-right",
            x=n,
            witness=cut_witness(big),
        )
        small = build_scheme("nonoverlap", SchemeParams((n,), dim=2, width=width))
        claim = (
            Claim(">=", "2**(N/2)", full, r"2^{N/2}")
            if nonoverlap_claim == "exponential"
            else Claim("<=", "r", width, "r")
        )
        yield observe(
            ctx,
            small,
            part,
            claim,
            label=f"N={n}",
            subject=f"nonoverlap r={width}: left-right rank",
            params={"N": n, "M": 2, "r": width, "scheme": "nonoverlap"},
            series="nonoverlap left-right",
            x=n,
        )
        n *= 2
