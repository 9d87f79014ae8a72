"""Shallow networks: every matricization of a Z-term CP tensor has rank <= Z.

Hypotheses: the shallow ConvAC of COLT 2016 eq. 3 -- one hidden 1x1 convolution with
Z channels, global product pooling, one output -- any N >= 2, any M, any partition
(I, J). Each rank-one term ``a^{z,1} (x) ... (x) a^{z,N}`` matricizes to a rank-one
matrix, so ``rank [[A]]_{I,J} <= Z`` for **all** weights.

Evidence: that subadditivity argument is what the c-recursion (and the joint spans)
compute on the one-level tree, so they are this claim's own bound and prove nothing
here. Rows are ``proved`` where an independent certificate meets Z: the min-cut of the CP
tensor network (its one delta of dimension Z cut through) or the matrix size
``M**min(|I|,|J|)``; else ``verified`` by random evaluation (a random point at rank
``<= Z``; a rank above Z at any point would be a certain counterexample).

Negative controls: ``deep network`` holds the deep (HT) network with width Z to the
same claim (its odd-even rank is ``min(Z, M)**(N/2) > Z``); ``Z - 1`` claims one below
the bound, which random points attain: each is a counterexample.

References
----------
N. Cohen, O. Sharir, A. Shashua. COLT 2016, eq. 3 and App. B ("a CP decomposition
with Z terms has rank[.] <= Z").
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from ..engines.measure import Context
from ..evidence.observation import Observation
from ..evidence.status import Claim
from ..networks.partitions import parse_partition
from ..networks.trees import balanced, balanced_sizes, cp_tree
from .registry import register_theorem


@register_theorem(
    "cp-rank-bound",
    title="CP with Z terms: every matricization has rank <= Z",
    reference="Cohen, Sharir & Shashua, COLT 2016, eq. 3 / App. B",
    hypotheses="shallow ConvAC (global product pooling), Z channels, any M, any partition",
    family="depth",
    defaults={
        "n_modes": 16,
        "dim": 2,
        "width": 2,
        "partitions": "odd-even,left-right,random",
        "network": "shallow",
    },
    negative_controls={"deep network": {"network": "deep"}, "Z - 1": {"claim": "bound-1"}},
    choices={"network": ("shallow", "deep")},
)
def check(
    ctx: Context, *, n_modes: int, dim: int, width: int, partitions: str, network: str
) -> Iterator[Observation]:
    """Measure the CP rank for N' = 2, 4, ..., n_modes under each partition."""
    rng = np.random.default_rng(ctx.settings.seed)
    for n in balanced_sizes(n_modes):
        tree = cp_tree(n) if network == "shallow" else balanced(n)
        for spec in partitions.split(","):
            part = parse_partition(spec, n, rng).require_proper()
            m = ctx.measure(tree, dim, width, part)
            yield Observation(
                label=f"N={n}",
                subject=f"{network} rank, {part.name}",
                claim=Claim("<=", "Z", width, "Z"),
                measurement=m,
                params={"N": n, "M": dim, "Z": width, "partition": part.name, "network": network},
                series=f"{network} odd-even rank" if part.name == "odd-even" else "",
                x=n,
            )
