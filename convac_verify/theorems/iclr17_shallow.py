"""ICLR 2017 Sec. 3.4: a shallow network's rank is at most min(M^min(|I|,|J|), r_0).

Hypotheses: the shallow ConvAC of ICLR 2017 eq. 4 -- one hidden 1x1 convolution with
``r_0`` channels, global product pooling, one output; shared weights as in the paper
(footnote 7: removing sharing leaves the bound unchanged), any M, **every** partition.
By eq. 10, ``[[A^y]]_{I,J} = sum_gamma a_gamma (u_gamma^{(x)|I|})(u_gamma^{(x)|J|})^T``, so
``rank <= min(M**min(|I|,|J|), r_0)`` for all weights: it depends only on |I| and |J|,
not on where the patches are (no partition is favored).

Evidence: eq. 10's bound is what the c-recursion (and the joint spans) compute on the
one-level tree -- this claim's own bound, which proves nothing here. Rows are
``proved`` where an independent certificate meets the bound (the min-cut of the shallow
network's tensor network, ``min(M**min(|I|,|J|), r_0)``: its delta cut through or the
inputs of one side; or the matrix size), else ``verified`` by random evaluation (a rank
above the bound at a point would be a certain counterexample).
Default: every proper partition of a 2x4 grid (127) plus the named panel on 4x4.

Negative controls: ``deep network`` holds square pooling of the same width to the
shallow bound (favored partitions exceed it); ``bound - 1`` claims one below the
bound, which random points attain.

References
----------
N. Cohen, A. Shashua. ICLR 2017, eq. 4, eq. 10, Sec. 3.4 (and footnote 7).
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from ..engines.measure import Context
from ..evidence.observation import Observation
from ..evidence.status import Claim
from ..networks.geometry2d import parse_grid, square_tree
from ..networks.partitions2d import expand_partitions, split_specs
from ..networks.trees import cp_tree
from .registry import register_theorem


@register_theorem(
    "iclr17-shallow",
    title="Shallow network: rank <= min(M^min(|I|,|J|), r0) for every partition",
    reference="Cohen & Shashua, ICLR 2017, eq. 10 (Sec. 3.4)",
    hypotheses=(
        "shallow ConvAC (eq. 4): r0 channels, global product pooling, shared (or unshared) "
        "weights, any M, every partition (I, J)"
    ),
    family="pooling",
    defaults={
        "grids": "2x4,4x4",
        "dim": 2,
        "width": 2,
        "partitions": "every|left-right,top-bottom,checkerboard,mirror-orbits,random:4",
        "shared": True,
        "network": "shallow",
    },
    negative_controls={"deep network": {"network": "deep"}, "bound - 1": {"claim": "bound-1"}},
    choices={"network": ("shallow", "deep")},
)
def check(
    ctx: Context,
    *,
    grids: str,
    dim: int,
    width: int,
    partitions: str,
    shared: bool,
    network: str,
) -> Iterator[Observation]:
    """One row per (grid, partition); ``partitions`` gives one list per grid, split by ``|``."""
    grid_list = [parse_grid(g) for g in grids.split(",")]
    lists = partitions.split("|")
    rng = np.random.default_rng(ctx.settings.seed)
    for k, grid in enumerate(grid_list):
        specs = split_specs(lists[min(k, len(lists) - 1)])
        n = grid.n_modes
        tree = cp_tree(n) if network == "shallow" else square_tree(grid)
        for part in expand_partitions(specs, grid, rng):
            small = min(len(part.rows), len(part.cols))
            bound = min(dim**small, width)
            m = ctx.measure(tree, dim, width, part, shared=shared)
            yield Observation(
                label=f"{grid} {part.name}",
                subject=f"{network} rank",
                claim=Claim(
                    "<=", "min(M**min(|I|,|J|), r0)", bound, r"\min(M^{\min(|I|,|J|)},r_0)"
                ),
                measurement=m,
                params={
                    "grid": str(grid),
                    "N": n,
                    "M": dim,
                    "r0": width,
                    "partition": part.name,
                    "rows": list(part.rows),
                    "shared": shared,
                    "network": network,
                },
            )
