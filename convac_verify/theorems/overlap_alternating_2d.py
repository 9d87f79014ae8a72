"""The alternating scheme in 2D: left/right rank >= 2^(H(B-1)) on H x H grids.

Hypotheses: M >= 2, an H x H grid with ``H >= 2(B - 1)``, the ``alternating`` scheme
``[conv B x B -> r, pool 2 x 2]*`` with **zero** padding (``--padding zero``), any r >= 1,
shared weights, readout. Claim (the tool's own, proved here for every H; the candidate of
issue 10): ``rank [[A]]_{left,right} >= 2**(H (B - 1))`` for almost all weights, and the
same for top-bottom; the contiguous non-overlapping 2D ConvAC (2 x 2 pooling) has
``rank <= r`` on both cuts. So the non-overlapping network needs ``r >= 2**(H (B-1))`` --
exponential in the side H = sqrt(N), not in N.

Evidence: the two-tap witness: the first layer is ``a(x_{i, j-o}) + b(x_{i, j-o+B-1})``
on one channel (``o = floor((B-1)/2)``), every later B x B convolution passes its centre
tap, so ``f`` is the product of all first-layer units; the H (B - 1) units whose pair
straddles the cut read disjoint inputs and have rank 2 each, every other unit is positive
on every template (a diagonal scaling), so ``rank = 2**(H(B-1))`` exactly
(:mod:`convac_verify.overlaps.witness`; certificate kind ``kronecker``). Top-bottom uses
the vertical pair.

Negative control: ``network="nonoverlap"`` holds the non-overlapping 2D network to the
same lower bound; its interface bound r refutes it. There is no claim control: the bound
is not tight (a random 4 x 4 instance with B = 2 has rank 49 against the witness's 16) and
no upper bound meets it, so ``bound + 1`` or ``rank + 1`` would leave the claim true.

References
----------
O. Sharir, A. Shashua. ICLR 2018 (abstract only available); the talk's example 2
("alternating B x B conv and 2 x 2 pool").
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from ..engines.measure import Context
from ..evidence.observation import Observation
from ..evidence.status import Claim
from ..networks.geometry2d import Grid
from ..networks.partitions2d import expand_partitions
from ..overlaps.measure import cut_witness, observe
from ..overlaps.schemes import SchemeParams, build_scheme
from .registry import register_theorem


@register_theorem(
    "overlap-alternating-2d",
    title="Alternating B x B conv / 2 x 2 pool, zero padding: rank >= 2^(H(B-1)) on H x H",
    reference="Sharir & Shashua, ICLR 2018, example 2 (the tool's own statement and proof)",
    hypotheses="M = 2, H x H grid, H >= 2(B-1), [conv BxB zero -> r, pool 2x2]*, shared; "
    "against [conv1 -> r, pool 2x2]*",
    family="overlap",
    defaults={"sides": "4,8,16", "kernels": "2,3", "width": 1, "network": "alternating"},
    negative_controls={"nonoverlap": {"network": "nonoverlap"}},
    choices={"network": ("alternating", "nonoverlap")},
)
def check(
    ctx: Context, *, sides: str, kernels: str, width: int, network: str
) -> Iterator[Observation]:
    """For each B and H: left-right and top-bottom."""
    rng = np.random.default_rng(ctx.settings.seed)
    for kernel in [int(t) for t in kernels.split(",") if t.strip()]:
        for side in [int(t) for t in sides.split(",") if t.strip()]:
            if side < 2 * (kernel - 1):
                continue
            grid = Grid(side, side)
            value = 2 ** (side * (kernel - 1))
            params = SchemeParams((side, side), dim=2, width=width, kernel=kernel, padding="zero")
            net = build_scheme(network, params)
            for spec, axis in (("left-right", 1), ("top-bottom", 0)):
                (part,) = expand_partitions([spec], grid, rng)
                yield observe(
                    ctx,
                    net,
                    part,
                    Claim(">=", "2**(H*(B-1))", value, r"2^{H(B-1)}"),
                    label=f"{side}x{side} B={kernel}",
                    subject=f"{network} r={width}: {spec} rank",
                    params={"H": side, "W": side, "M": 2, "B": kernel, "r": width},
                    series=f"{network} B={kernel} {spec}",
                    x=side,
                    x_name="H",
                    witness=cut_witness(net, axis) if network == "alternating" else None,
                )
