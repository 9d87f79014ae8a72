"""The alternating scheme in 1D: left/right rank grows quasi-polynomially, not exponentially.

Hypotheses: M = 2, N = 2^L, the ``alternating`` scheme ``[conv B -> r, pool 2]*`` (the
talk's "typical scheme of alternating B x B conv and 2 x 2 pool", in 1D), valid padding by
default, shared weights, readout. Claim (the tool's own; B = 2, r = 1):
``rank [[A]]_{left,right} <= 2**floor((log2 N)**2 / 2)`` -- far below ``2**(N/2)`` from
N = 32 on. Status: proved at every N the check runs (the interface certificate is below the
formula); for all N it is open with this constant -- what the docs prove for all N is
``2**(O(B r (log2 N)**2))``: at each level a bounded number of positions straddles the cut,
each adding at most r interface symbols whose degree in the output is at most ``2**(L-l)``.
The interface certificate is not this claim's own bound: the claim is a closed-form
envelope (``2**floor((log2 N)**2/2)``), not the certificate's value (3, 6, 18, 87, 699 at
N = 4 ... 64), and the certificate is computed from the architecture alone.

Measured (lower bounds: dense for N <= 16, sampled submatrices beyond) while the issue was
prepared: 3, 5, 11, 31, 108, 503 at N = 4 ... 128 (B = 2, r = 1); the rows print the
issue's value beside the measured one.

Negative controls: ``variant="exponential"`` holds the scheme to ``rank >= 2**(N/2)`` (the
talk's exponential efficiency, read as full rank on the left/right cut); the interface
bound refutes it at every N >= 4. ``rank - 1`` claims ``rank <= (measured rank) - 1`` (the
formula is not attained, so ``bound - 1`` would test nothing): the measured point is a
counterexample (a sampled submatrix's rank is at most the whole matrix's).

References
----------
O. Sharir, A. Shashua. ICLR 2018 (abstract only available); the talk's example 2.
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

ISSUE_VALUES = {4: 3, 8: 5, 16: 11, 32: 31, 64: 108, 128: 503}
"""Ranks measured while issue 10 was prepared (B = 2, r = 1, M = 2, 31-bit prime)."""


@register_theorem(
    "overlap-alternating-1d",
    title="Alternating conv B / pool 2 in 1D: left/right rank <= 2^floor(log2(N)^2/2)",
    reference="Sharir & Shashua, ICLR 2018, example 2 in 1D (the tool's own claim)",
    hypotheses="M = 2, N = 2^L, [conv B -> r, pool2]*, valid padding, shared weights",
    family="overlap",
    defaults={"n_max": 64, "kernel": 2, "width": 1, "padding": "valid", "variant": "quasi"},
    negative_controls={
        "exponential": {"variant": "exponential"},
        "rank - 1": {"claim": "rank-1"},
    },
    choices={"variant": ("quasi", "exponential"), "padding": ("valid", "zero", "circular")},
)
def check(
    ctx: Context, *, n_max: int, kernel: int, width: int, padding: str, variant: str
) -> Iterator[Observation]:
    """Left/right rank for N = 4, ..., n_max."""
    n, levels = 4, 2
    while n <= n_max:
        net = build_scheme(
            "alternating",
            SchemeParams((n,), dim=2, width=width, kernel=kernel, padding=padding),
        )
        if variant == "exponential":
            c = Claim(">=", "2**(N/2)", 2 ** (n // 2), r"2^{N/2}")
        else:
            c = Claim(
                "<=",
                "2**floor(log2(N)**2/2)",
                2 ** (levels * levels // 2),
                r"2^{\lfloor \log_2^2 N / 2 \rfloor}",
            )
        issue = ISSUE_VALUES.get(n) if (kernel, width, padding) == (2, 1, "valid") else None
        yield observe(
            ctx,
            net,
            left_right(n),
            c,
            label=f"N={n}",
            subject=f"alternating B={kernel} r={width} {padding}: left-right rank"
            + (f" (issue: {issue})" if issue is not None else ""),
            params={
                "N": n,
                "M": 2,
                "B": kernel,
                "r": width,
                "padding": padding,
                "issue_value": issue,
            },
            series=f"alternating B={kernel} r={width}",
            x=n,
        )
        n *= 2
        levels += 1
