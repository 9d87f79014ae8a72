"""Levine-Yakira-Cohen-Shashua Claim 1: the rank is at most the min-cut of the network.

Hypotheses (ICLR 2018, arXiv 1704.01552v2, Claim 1): a deep ConvAC with size-2 pooling
windows as a tensor network -- conv matrices ``A^{(l,j)}`` with bonds of dimension ``r_l``,
3-leg delta tensors for same-channel pooling, input legs of dimension M (Sec. 5) -- any
weights, any partition (I, J). Claim: ``rank [[A^y]]_{I,J} <= min_C W_C``, the minimum over
cuts separating the I-inputs from the J-inputs of the product of the cut bonds'
dimensions (eq. 15). The proof contracts each side of the cut, so it holds for any
tensor network; the check uses binary trees (the paper's setting) with per-level widths,
powers of 2 and not.

Evidence: random weights, exact rank modulo a random prime (dense grid tensor, or the
structured contraction). The claim is an upper bound for all weights. The min-cut is this
claim's own bound (:data:`~convac_verify.evidence.certificates.OWN_BOUNDS`), so it cannot
prove these rows: they are proved when an independent certificate of the bounds home
(c-recursion, joint spans) meets the min-cut, else verified with the Schwartz-Zippel
epsilon; a rank above the min-cut at any point would be a counterexample. The min-cut is
the exact tree minimum (:mod:`convac_verify.bounds.mincut`).

Negative control ``bound - 1``: the power-width networks (every width and M a power of
2), each claim lowered by one. There the rank reaches the min-cut (Theorem 2), so the
measured point is a counterexample to every row, with certainty.

References
----------
Y. Levine, D. Yakira, N. Cohen, A. Shashua. Deep Learning and Quantum Entanglement:
Fundamental Connections with Implications to Network Design. ICLR 2018 (arXiv
1704.01552v2), Sec. 5, eq. 15, Claim 1.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from ..bounds.mincut import min_cut
from ..engines.measure import Context
from ..evidence.observation import Observation
from ..evidence.status import Claim
from ..networks.compilers import tree_network
from ..networks.geometry2d import Grid
from ..networks.partitions2d import expand_partitions, split_specs
from ..networks.trees import n_modes, parse_tree
from .registry import register_theorem

POWER_WIDTHS = "2,4,2,4;4,4,4,4"
"""The default networks whose widths (and M = 2) are powers of 2: rank = min-cut there."""


@register_theorem(
    "lycs18-claim-1",
    title="Tensor networks: rank <= min-cut (product of the cut bonds' dimensions)",
    reference="Levine, Yakira, Cohen & Shashua, ICLR 2018, Claim 1 (arXiv 1704.01552v2)",
    hypotheses=(
        "ConvAC with size-2 pooling as a tensor network (conv matrices, 3-leg deltas, input "
        "legs of dimension M), any weights, any partition (I, J)"
    ),
    family="mincut",
    defaults={
        "tree": "balanced:16",
        "dim": 2,
        "widths": "2,4,2,4;3,2,5,2;4,4,4,4",
        "partitions": "left-right,odd-even,blocks:2,random:2",
    },
    negative_controls={"bound - 1": {"widths": POWER_WIDTHS, "claim": "bound-1"}},
)
def check(
    ctx: Context, *, tree: str, dim: int, widths: str, partitions: str
) -> Iterator[Observation]:
    """One row per (widths, partition)."""
    mode_tree = parse_tree(tree)
    n = n_modes(mode_tree)
    rng = np.random.default_rng(ctx.settings.seed)
    parts = expand_partitions(split_specs(partitions), Grid(1, n), rng)
    for text in widths.split(";"):
        ws = tuple(int(w) for w in text.split(","))
        net = tree_network(mode_tree, dim, ws)
        for part in parts:
            cut = min_cut(net, part)
            # the measurement carries the bounds home's certificates; its min-cut is
            # this claim's own bound and is set aside by the runner (OWN_BOUNDS)
            m = ctx.measure(mode_tree, dim, ws, part)
            yield Observation(
                label=f"{tree} r={list(ws)} {part.name}",
                subject="rank <= min-cut",
                claim=Claim("<=", "min-cut", cut.value, r"\min_C W_C"),
                measurement=m,
                params={
                    "tree": tree,
                    "N": n,
                    "M": dim,
                    "widths": list(ws),
                    "partition": part.name,
                    "rows": list(part.rows),
                    "min_cut": cut.value,
                    "cut": cut.describe(net),
                },
            )
