"""The non-overlapping baseline: left/right rank of a contiguous ConvAC is at most r.

Hypotheses: the ConvAC ``[conv 1x1 -> r, product pool 2]*`` on N = 2^L positions
(contiguous size-2 pooling: the pooling tree splits ``0..N-1`` into halves), M, shared
weights, readout ``r -> 1``. Claim (proved for every N, all weights): ``rank [[A]]_{I,J} <= r``
for I = the left half, because the output is ``sum_c a_c u_c(x_I) v_c(x_J)``; for generic
weights with ``r <= M`` the rank is exactly r. The check measures ``== r``.

Evidence: the lower bound is a random point's rank (dense, or a sampled submatrix beyond
``2**20`` entries: a certified lower bound either way); the upper bound for all weights is
the c-recursion over the balanced mode tree (this network is a same-channel tree
decomposition; :mod:`convac_verify.bounds`, code independent of ``overlaps/``), which the
interface certificate matches -- ``proved``.

This is the network the overlapping schemes are separated from. The separation is against
*contiguous* pooling: pairing j with j + N/2 gives ``min(r0, M)**(N/2)`` on the same cut
(``docs/overlaps.md``).

Negative controls: ``variant="exponential"`` holds the same network to ``rank >= 2**(N/2)``
(what the overlapping networks reach); the upper bound r refutes it. ``bound + 1`` claims
``rank >= r + 1`` (the bound is tight): refuted by the same certificate.

References
----------
O. Sharir, A. Shashua. On the Expressive Power of Overlapping Architectures of Deep
Learning. ICLR 2018 (abstract only available; the statement is the tool's own).
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

_REFERENCE = "Sharir & Shashua, ICLR 2018 (overlaps; the tool's own statement)"


@register_theorem(
    "overlap-nonoverlap-baseline",
    title="Contiguous non-overlapping ConvAC: left/right rank <= r (= r generically, r <= M)",
    reference=_REFERENCE,
    hypotheses="[conv1 -> r, pool2]* then readout, contiguous size-2 pooling, N = 2^L, shared",
    family="overlap",
    defaults={"n_max": 64, "dim": 2, "width": 2, "variant": "top-width"},
    negative_controls={
        "exponential": {"variant": "exponential"},
        "bound + 1": {"claim": "bound+1"},
    },
    choices={"variant": ("top-width", "exponential")},
)
def check(ctx: Context, *, n_max: int, dim: int, width: int, variant: str) -> Iterator[Observation]:
    """Left/right rank for N = 4, 8, ..., n_max."""
    n = 4
    while n <= n_max:
        net = build_scheme("nonoverlap", SchemeParams((n,), dim=dim, width=width))
        if variant == "exponential":
            c = Claim(">=", "2**(N/2)", 2 ** (n // 2), r"2^{N/2}")
        else:
            c = Claim("==", "r", width, "r") if width <= dim else Claim("<=", "r", width, "r")
        yield observe(
            ctx,
            net,
            left_right(n),
            c,
            label=f"N={n}",
            subject=f"nonoverlap r={width} left-right rank",
            params={"N": n, "M": dim, "r": width, "scheme": "nonoverlap"},
            series="nonoverlap left-right",
            x=n,
        )
        n *= 2
