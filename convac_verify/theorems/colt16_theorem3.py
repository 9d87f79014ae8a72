"""COLT 2016 Theorem 3 / Corollary 4: the price of truncating depth.

Hypotheses: two networks of the truncated decomposition (eq. 5) over N = 2^L modes
with size-2 windows: network 1 with L_1 levels, network 2 with L_2 < L_1 levels;
``r = min(r^(1)_0, ..., r^(1)_{L_2-1}, M)``. Claim: for almost all weights of network 1
(shared or not), network 2 can realize its tensor only if its last hidden layer has
``r^(2)_{L_2-1} >= r**(2**(L - L_2))`` channels (Corollary 4: also for L2 approximation).
Widths are per level (``widths``: specs ``r`` or ``r0,r1,...``); the default panel holds
a uniform width and ``2,1,2,2``, where the minimum over ``r_0..r_{L_2-1}`` is not r_0.
Network 2 uses the same widths on its L_2 levels.

Evidence (the argument of the proof, made computational): under the partition that
alternates blocks of ``2**(L_2-1)`` modes, every pooled block of network 2 lies on one
side, so network 2's rank is at most ``r^(2)_{L_2-1}`` for all weights (the c-recursion;
rows "network 2 rank"). Network 1's rank under the same partition is certified
(random instance, or beyond the memory budget the witness
:func:`~convac_verify.networks.witnesses.kronecker_witness` merging channels at height L_2);
it lower-bounds the width network 2 needs. Rows pair L_1 = L with every L_2, and
L_1 = L_2 + 1 (removing one layer of a shallower network).

Network 2's bound is the proof's own argument (the c-recursion with the pooled blocks
on one side), so it cannot prove those rows: the min-cut of network 2's tensor network
(an independent certificate) proves them where it meets the claim, else they are
verified by random evaluation.

Negative controls: ``truncated network 1`` replaces network 1 by a network with only
L_2 levels, which needs no more than its own width; ``bound + 1`` claims one more than
network 1's (tight) bound; ``rank - 1`` holds network 2 to one below its measured rank.

References
----------
N. Cohen, O. Sharir, A. Shashua. COLT 2016, App. A: eq. 5, Theorem 3, Corollary 4.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial

from ..engines.measure import Context
from ..evidence.observation import Observation
from ..evidence.status import Claim
from ..networks.decompositions import level_widths, parse_width_specs, widths_label
from ..networks.partitions import alternating_blocks
from ..networks.trees import balanced_sizes, truncated
from ..networks.witnesses import kronecker_witness
from .registry import register_theorem


@register_theorem(
    "colt16-theorem-3",
    title="Truncated depth: last width needed >= r^(2^(L-L2))",
    reference="Cohen, Sharir & Shashua, COLT 2016, Theorem 3 / Corollary 4",
    hypotheses="truncated ConvACs (eq. 5), size-2 windows, N = 2^L, L1 > L2, r = min(r_0..r_{L2-1}, M)",
    family="depth",
    defaults={"n_modes": 16, "dim": 2, "widths": "2;2,1,2,2", "network": "deep"},
    negative_controls={
        "truncated network 1": {"network": "truncated"},
        "bound + 1": {"claim": "bound+1"},
        "rank - 1": {"claim": "rank-1"},
    },
    choices={"network": ("deep", "truncated")},
)
def check(
    ctx: Context, *, n_modes: int, dim: int, widths: str, network: str
) -> Iterator[Observation]:
    """Certify the width network 2 needs, for L_1 = L and L_1 = L_2 + 1, per width spec."""
    depth = len(balanced_sizes(n_modes))
    pairs = sorted(
        {(depth, l2) for l2 in range(1, depth)} | {(l2 + 1, l2) for l2 in range(1, depth)}
    )
    for k, spec in enumerate(parse_width_specs(widths)):
        tag = "" if k == 0 else f" {widths_label(spec)}"
        for l1, l2 in sorted(pairs, key=lambda p: (p[0] != depth, p[1], p[0])):
            part = alternating_blocks(n_modes, 2 ** (l2 - 1))
            levels = l1 if network == "deep" else l2
            ws1 = level_widths(spec, levels)
            r = min([*ws1[:l2], dim])
            tree1 = truncated(n_modes, levels)
            params = {
                "N": n_modes,
                "M": dim,
                "r": r,
                "widths": list(ws1),
                "L": depth,
                "L1": l1,
                "L2": l2,
            }
            bound = r ** (2 ** (depth - l2))
            m = ctx.measure(
                tree1,
                dim,
                ws1,
                part,
                witness=partial(kronecker_witness, tree1, dim, ws1, min(l2, levels)),
                witness_name=f"Kronecker witness, merge at level {l2}",
            )
            yield Observation(
                label=f"L1={l1} L2={l2}{tag}",
                subject=f"network 1 ({levels} levels) rank, {part.name}",
                claim=Claim(">=", "r**(2**(L-L2))", bound, r"r^{2^{L-L_2}}"),
                measurement=m,
                params={**params, "network": network},
                series=f"network-2 width needed{tag}" if l1 == depth else "",
                x=depth - l2,
                x_name="L-L2",
            )
            if l1 == depth:
                ws2 = level_widths(spec, l2)
                m2 = ctx.measure(truncated(n_modes, l2), dim, ws2, part)
                yield Observation(
                    label=f"L1={l1} L2={l2}{tag}",
                    subject=f"network 2 ({l2} levels, last width r2_{{L2-1}}) rank, {part.name}",
                    claim=Claim("<=", "r2_{L2-1}", ws2[-1], r"r^{(2)}_{L_2-1}"),
                    measurement=m2,
                    params={**params, "widths": list(ws2), "network": "truncated"},
                )
