"""Pooling bounds on any mode tree: ICLR 2017 Theorem 1 carried to every geometry.

Hypotheses: a ConvAC with same-channel product pooling over the windows of any mode
tree (1D windows of any size, rectangular or mirror 2D windows, user trees; leaves at
any depth), uniform width ``r``, dimension M, one output, shared or unshared weights.

Claim, for every partition (I, J):

* ``rank >= min(r_0, M)**S`` for almost all weights, S = the number of first-level
  windows (height-1 nodes) split by the partition. Theorem 1 states it for 2x2
  windows; its proof's witness works on any tree: ``e_alpha`` at the patches,
  all-ones at the first-level windows, channel 1 above, so the matricization is a
  Kronecker product of ``sum_alpha e_alpha^{(x)|I_v|} (e_alpha^{(x)|J_v|})^T`` over the
  split windows (rank ``min(r_0, M)`` each) and of rank-one factors.
* ``rank <= c-recursion`` for all weights (:mod:`convac_verify.bounds.recursion`: Theorem 1's
  ``c^{l,k}`` with any window sizes).

This is the tool's extension of Theorem 1, not a statement of the paper; on 4-ary
trees it coincides with ``iclr17-theorem-1``.

Evidence: as ``iclr17-theorem-1``.

Negative control: ``network=shallow`` (a CP network of width r against the lower bound).

References
----------
N. Cohen, A. Shashua. ICLR 2017, Theorem 1 and its proof (App. B); COLT 2016
Sec. 7 (the analysis "could easily be adapted" to other trees).
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from ..engines.measure import Context
from ..evidence.observation import Observation
from ..networks.geometry2d import parse_grid
from ..networks.partitions2d import expand_partitions, split_specs
from ..pooling.profiles import DEFAULT_PANEL, bound_observations, resolve_geometry, split_geometries
from .registry import register_theorem


@register_theorem(
    "pooling-bounds",
    title="Any pooling tree: min(r0,M)^S <= generic rank <= c-recursion",
    reference="Cohen & Shashua, ICLR 2017, Theorem 1 (extended to any mode tree)",
    hypotheses=(
        "same-channel product pooling over any mode tree, uniform width r, dimension M, "
        "shared or unshared weights; S = first-level windows split by (I, J)"
    ),
    family="pooling",
    defaults={
        "grid": "4x4",
        "geometries": "rect:2x1,1x2,2x1,1x2",
        "dim": 2,
        "width": 2,
        "partitions": DEFAULT_PANEL,
        "shared": False,
        "network": "deep",
        "growth": False,
    },
    negative_control={"network": "shallow"},
)
def check(
    ctx: Context,
    *,
    grid: str,
    geometries: str,
    dim: int,
    width: int,
    partitions: str,
    shared: bool,
    network: str,
    growth: bool,
) -> Iterator[Observation]:
    """Bounds and measured rank per (geometry, partition)."""
    g = parse_grid(grid)
    parts = expand_partitions(split_specs(partitions), g, np.random.default_rng(ctx.settings.seed))
    for spec in split_geometries(geometries):
        tree, name = resolve_geometry(spec, g)
        yield from bound_observations(
            ctx,
            tree=tree,
            geometry=name,
            grid=g,
            dim=dim,
            width=width,
            partitions=parts,
            shared=shared,
            network=network,
            growth=growth,
        )
