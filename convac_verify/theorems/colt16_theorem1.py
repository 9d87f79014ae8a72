"""COLT 2016 Theorem 1 (fundamental theorem of network capacity).

Hypotheses: the deep ConvAC of eq. 4 -- balanced binary mode tree (size-2 product
pooling windows, N a power of 2), dimension M, widths r_0..r_{L-1} >= 1 (uniform ``r``
here), one output; weights unshared (default) or shared. Claim: for almost all weights
the odd-even matricization ``[A]`` has rank ``>= min(r_0, M)**(N/2)``, hence CP-rank at
least that. Nothing is assumed of r_1..r_{L-1}.

Evidence: a random instance while its grid tensor fits the memory budget; beyond, the
explicit assignment of the proof (level-1 vectors ``e_alpha``, all-ones at level 1,
channel 1 above), whose matricization is ``I_r (x) ... (x) I_r``: the structured
contraction multiplies the exact ranks of the N/2 level-1 factors. The assignment does
not depend on the location, so it is a witness for the shared setting too.

Negative control: ``network=shallow`` holds a CP network with Z = r terms to the bound.

References
----------
N. Cohen, O. Sharir, A. Shashua. On the Expressive Power of Deep Learning: A Tensor
Analysis. COLT 2016, Theorem 1 and App. B.
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
    "colt16-theorem-1",
    title="Deep network: odd-even rank >= min(r0, M)^(N/2) almost everywhere",
    reference="Cohen, Sharir & Shashua, COLT 2016, Theorem 1",
    hypotheses="deep ConvAC (eq. 4), size-2 windows, N = 2^L, widths r_l >= 1, unshared or shared",
    family="depth",
    defaults={"n_modes": 16, "dim": 2, "width": 2, "shared": False, "network": "deep"},
    negative_control={"network": "shallow"},
)
def check(
    ctx: Context, *, n_modes: int, dim: int, width: int, shared: bool, network: str
) -> Iterator[Observation]:
    """Measure the odd-even rank for N' = 2, 4, ..., n_modes."""
    for n in balanced_sizes(n_modes):
        tree = balanced(n) if network == "deep" else cp_tree(n)
        m = ctx.measure(
            tree,
            dim,
            width,
            odd_even(n),
            witness=partial(kronecker_witness, tree, dim, width, 1) if network == "deep" else None,
            witness_name="COLT16 App. B assignment",
            shared=shared,
        )
        yield Observation(
            label=f"N={n}",
            subject=f"{network} odd-even rank",
            claim=Claim(
                ">=", "min(r0, M)**(N/2)", min(width, dim) ** (n // 2), r"\min(r_0,M)^{N/2}"
            ),
            measurement=m,
            params={"N": n, "M": dim, "r": width, "shared": shared, "network": network},
            series=f"{network} odd-even rank",
            x=n,
        )
