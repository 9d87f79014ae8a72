"""COLT 2016 Theorem 3 / Corollary 4: the price of truncating depth.

Hypotheses: two networks of the truncated decomposition (eq. 5) over N = 2^L modes
with size-2 windows: network 1 with L_1 levels, network 2 with L_2 < L_1 levels;
``r = min(r^(1)_0, ..., r^(1)_{L_2-1}, M)``. Claim: for almost all weights of network 1
(shared or not), network 2 can realize its tensor only if its last hidden layer has
``r^(2)_{L_2-1} >= r**(2**(L - L_2))`` channels (Corollary 4: also for L2 approximation).

Evidence (the argument of the proof, made computational): under the partition that
alternates blocks of ``2**(L_2-1)`` modes, every pooled block of network 2 lies on one
side, so network 2's rank is at most ``r^(2)_{L_2-1}`` for all weights (the c-recursion;
rows "network 2 rank"). Network 1's rank under the same partition is certified
(random instance, or beyond the memory budget the witness
:func:`~convac_verify.networks.witnesses.kronecker_witness` merging channels at height L_2);
it lower-bounds the width network 2 needs. Rows pair L_1 = L with every L_2, and
L_1 = L_2 + 1 (removing one layer of a shallower network).

Negative control: ``network=truncated`` replaces network 1 by a network with only L_2
levels, which needs no more than its own width.

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
    defaults={"n_modes": 16, "dim": 2, "width": 2, "network": "deep"},
    negative_control={"network": "truncated"},
)
def check(
    ctx: Context, *, n_modes: int, dim: int, width: int, network: str
) -> Iterator[Observation]:
    """Certify the width network 2 needs, for L_1 = L and L_1 = L_2 + 1."""
    depth = len(balanced_sizes(n_modes))
    r = min(width, dim)
    pairs = sorted(
        {(depth, l2) for l2 in range(1, depth)} | {(l2 + 1, l2) for l2 in range(1, depth)}
    )
    for l1, l2 in sorted(pairs, key=lambda p: (p[0] != depth, p[1], p[0])):
        part = alternating_blocks(n_modes, 2 ** (l2 - 1))
        levels = l1 if network == "deep" else l2
        tree1 = truncated(n_modes, levels)
        params = {"N": n_modes, "M": dim, "r": width, "L": depth, "L1": l1, "L2": l2}
        bound = r ** (2 ** (depth - l2))
        merge = min(l2, levels)
        m = ctx.measure(
            tree1,
            dim,
            width,
            part,
            witness=partial(kronecker_witness, tree1, dim, width, merge),
            witness_name=f"Kronecker witness, merge at level {l2}",
        )
        yield Observation(
            label=f"L1={l1} L2={l2}",
            subject=f"network 1 ({levels} levels) rank, {part.name}",
            claim=Claim(">=", "r**(2**(L-L2))", bound, r"r^{2^{L-L_2}}"),
            measurement=m,
            params={**params, "network": network},
            series="network-2 width needed" if l1 == depth else "",
            x=depth - l2,
            x_name="L-L2",
        )
        if l1 == depth:
            m2 = ctx.measure(truncated(n_modes, l2), dim, width, part)
            yield Observation(
                label=f"L1={l1} L2={l2}",
                subject=f"network 2 ({l2} levels, last width r) rank, {part.name}",
                claim=Claim("<=", "r2_{L2-1}", width, r"r^{(2)}_{L_2-1}"),
                measurement=m2,
                params={**params, "network": "truncated"},
            )
