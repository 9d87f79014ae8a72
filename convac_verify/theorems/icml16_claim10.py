"""ICML 2016 Claim 10: a deep ConvAC is *completely* efficient against shallow ReLU + max.

Hypotheses: deep ConvAC (linear activation, product pooling, size-2 windows, N = 2^L,
widths r_l), F invertible, covering templates; the shallow competitor is a ReLU + max
network with Z channels. Claim: for almost all deep weights, the shallow ReLU + max
network needs ``Z >= min(r_0, M)^{N/2} * 2/(M N)`` to realize the deep function.

Evidence: the deep ConvAC's grid tensor **with the representation matrix F** (linear
activation, product pooling: a generalized decomposition with ``g = a b``) is computed
exactly at the proof's assignment (COLT 2016 App. B: ``e_alpha`` at the leaves, all-ones
at level 1, channel 1 above) and its odd/even rank is exact over Q. The grid tensor is
polynomial in the weights (F fixed), so that point proves ``rank >= min(r_0, M)^{N/2}``
almost everywhere (an invertible F multiplies ``[A]`` by ``F^{(x)N/2}`` on both sides,
which keeps the rank; with ``F = random`` this is measured, not assumed). A shallow ReLU
+ max network has rank ``<= Z M N/2`` for all weights (supp. E.10), so the width needed
is at least ``ceil(rank * 2/(M N))`` almost everywhere: that row is a lower bound only
(no upper bound on the width needed is claimed or attached).

Negative controls: ``ReLU + max deep network`` holds a deep ReLU + **max** network to
the same almost-everywhere claim; on the E.11 box (positive measure, check
``icml16-claim-9``) its rank is 1, so the claim is certainly false; ``bound + 1`` claims
one more than the (tight) ConvAC bound, refuted by its c-recursion bound.

References
----------
N. Cohen, A. Shashua. ICML 2016, Claim 10 (with supp. E.10 and COLT 2016, Theorem 1).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from ..engines.measure import Context
from ..evidence.observation import Observation
from ..evidence.status import Claim
from ..networks.partitions import odd_even
from ..networks.trees import balanced, balanced_sizes
from ..networks.witnesses import kronecker_witness
from ..rectifier.generalized import REPRESENTATIONS
from ..rectifier.incomplete import run_box
from ..rectifier.measure import representation, witness_rank
from ..rectifier.operators import get_operator
from .registry import register_theorem


def _ceil_div(a: int, b: int) -> int:
    return -(-a // b)


@register_theorem(
    "icml16-claim-10",
    title="Deep ConvAC vs shallow ReLU + max: Z >= min(r0,M)^(N/2)*2/(MN) almost everywhere",
    reference="Cohen & Shashua, ICML 2016, Claim 10",
    hypotheses=(
        "deep ConvAC (product pooling, size-2 windows, N = 2^L), F invertible, covering "
        "templates; shallow ReLU + max network with Z channels"
    ),
    family="rectifier",
    defaults={"n_modes": 8, "dim": 3, "width": 3, "network": "convac", "F": "identity"},
    negative_controls={
        "ReLU + max deep network": {"network": "relu-max"},
        "bound + 1": {"claim": "bound+1"},
    },
    choices={"network": ("convac", "relu-max"), "F": REPRESENTATIONS},
)
def check(
    ctx: Context, *, n_modes: int, dim: int, width: int, network: str, F: str
) -> Iterator[Observation]:
    """Deep rank and the shallow ReLU + max width it forces, for N' = 2, ..., n_modes."""
    m_eff = min(width, dim)
    f_matrix = representation(ctx.settings.seed, F, dim)
    for n in balanced_sizes(n_modes):
        tree = balanced(n)
        ctx.progress(f"claim 10: N={n} {network}")
        if network == "convac":
            m = witness_rank(
                tree,
                dim,
                width,
                kronecker_witness(tree, dim, width, 1),
                get_operator("prod"),
                odd_even(n),
                name="COLT16 App. B assignment, with F",
                F=f_matrix,
                max_memory=ctx.settings.max_memory,
            )
        else:
            box = run_box(
                ctx,
                n_modes=n,
                dim=dim,
                width=width,
                draws=2,
                radius="1/1024",
                F=F,
                deep="max",
                shallow="max",
                variant="paper",
                key="claim10",
            )
            m = box.measurement(box.worst_rank, 1)
        params = {"N": n, "M": dim, "r": width, "network": network, "F": F}
        yield Observation(
            label=f"N={n}",
            subject=f"deep {'ConvAC' if network == 'convac' else 'ReLU+max'} odd-even rank",
            claim=Claim(">=", "min(r0,M)**(N/2)", m_eff ** (n // 2), r"\min(r_0,M)^{N/2}"),
            measurement=m,
            params=params,
            series="deep odd-even rank",
            x=n,
        )
        needed = replace(m, rank=_ceil_div(m.rank * 2, dim * n), bounds=(), bound_only=True)
        yield Observation(
            label=f"N={n}",
            subject="shallow ReLU+max channels needed (E.10: Z >= rank*2/(M*N))",
            claim=Claim(
                ">=",
                "min(r0,M)**(N/2)*2/(M*N)",
                _ceil_div(m_eff ** (n // 2) * 2, dim * n),
                r"\min(r_0,M)^{N/2}\cdot 2/(MN)",
                quantity="shallow channels needed",
            ),
            measurement=needed,
            params=params,
            series="shallow ReLU+max channels needed",
            x=n,
        )
