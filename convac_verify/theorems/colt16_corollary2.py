"""COLT 2016 Corollary 2: channels a shallow network needs to replicate a deep one.

Hypotheses: as Theorem 1 (deep ConvAC, size-2 windows, N = 2^L), with linearly
independent representation functions. Claim: with probability 1 over continuous random
deep weights (even shared ones), a shallow (CP) network needs at least
``min(r_0, M)**(N/2)`` hidden channels to realize (or approximate arbitrarily well in
L2) the deep network's score function.

Evidence: a CP network with Z channels has odd-even rank <= Z for all weights (proved
by structure, check ``cp-rank-bound``), so the channels needed are at least the deep
network's odd-even rank; that rank is certified per N' as in Theorem 1. The measured
value printed is therefore a proved lower bound on the shallow width needed, and its
growth (exponential in N) is the corollary.

Negative control: ``network=shallow`` -- replicating a shallow network with Z = r
channels needs only r, far below the bound.

References
----------
N. Cohen, O. Sharir, A. Shashua. COLT 2016, Corollary 2.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial

from ..engines.measure import Context
from ..evidence.observation import Observation
from ..evidence.status import Claim
from ..networks.partitions import odd_even
from ..networks.trees import balanced, balanced_sizes, cp_tree
from ..networks.witnesses import kronecker_witness
from .registry import register_theorem


@register_theorem(
    "colt16-corollary-2",
    title="Shallow width needed to replicate the deep network >= min(r0, M)^(N/2)",
    reference="Cohen, Sharir & Shashua, COLT 2016, Corollary 2",
    hypotheses="deep ConvAC as in Thm 1; shallow CP network unconstrained; L2 approximation",
    family="depth",
    defaults={"n_modes": 16, "dim": 2, "width": 2, "network": "deep"},
    negative_control={"network": "shallow"},
)
def check(
    ctx: Context, *, n_modes: int, dim: int, width: int, network: str
) -> Iterator[Observation]:
    """Lower-bound the shallow width needed, per N' = 2, 4, ..., n_modes."""
    for n in balanced_sizes(n_modes):
        tree = balanced(n) if network == "deep" else cp_tree(n)
        m = ctx.measure(
            tree,
            dim,
            width,
            odd_even(n),
            witness=partial(kronecker_witness, tree, dim, width, 1) if network == "deep" else None,
            witness_name="COLT16 App. B assignment",
        )
        yield Observation(
            label=f"N={n}",
            subject=f"shallow Z needed to replicate {network} (>= its odd-even rank)",
            claim=Claim(
                ">=", "min(r0, M)**(N/2)", min(width, dim) ** (n // 2), r"\min(r_0,M)^{N/2}"
            ),
            measurement=m,
            params={"N": n, "M": dim, "r": width, "network": network},
            series="shallow width needed",
            x=n,
        )
