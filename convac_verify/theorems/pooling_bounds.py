"""Pooling bounds on any mode tree: ICLR 2017 Theorem 1 carried to every geometry.

Hypotheses: a ConvAC with same-channel product pooling over the windows of any mode
tree (1D windows of any size, rectangular or mirror 2D windows, user trees; leaves at
any depth), widths ``r_0..r_{L-1}`` (``widths``: ``r`` or ``r0,r1,...``), dimension M,
one output, shared or unshared weights. The default panel holds a uniform width and the
per-level widths ``2,1,2,2`` (a narrow second level caps the coarse partitions).

Claim, for every partition (I, J):

* ``rank >= min(r_0, M)**S`` for almost all weights, S = the number of first-level
  windows (height-1 nodes) split by the partition. Theorem 1 states it for 2x2
  windows; its proof's witness works on any tree: ``e_alpha`` at the patches,
  all-ones at the first-level windows, channel 1 above, so the matricization is a
  Kronecker product of ``sum_alpha e_alpha^{(x)|I_v|} (e_alpha^{(x)|J_v|})^T`` over the
  split windows (rank ``min(r_0, M)`` each) and of rank-one factors.
* ``rank <= c-recursion`` for all weights (:mod:`convac_verify.bounds.recursion`: Theorem 1's
  ``c^{l,k}`` with any window sizes). The c-recursion is the claim, so it proves
  nothing here (as for ``iclr17-theorem-1``).

This is the tool's extension of Theorem 1, not a statement of the paper; on 4-ary
trees it coincides with ``iclr17-theorem-1``.

Evidence: as ``iclr17-theorem-1``.

Negative controls: ``shallow network`` (a CP network of width r_0 against the lower
bound); ``rank + 1`` and ``rank - 1`` (the same network, claims just past the rank).

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
        "same-channel product pooling over any mode tree, widths r_l, dimension M, "
        "shared or unshared weights; S = first-level windows split by (I, J)"
    ),
    family="pooling",
    defaults={
        "grid": "4x4",
        "geometries": "rect:2x1,1x2,2x1,1x2",
        "dim": 2,
        "widths": "2;2,1,2,2",
        "partitions": DEFAULT_PANEL,
        "shared": False,
        "network": "deep",
        "growth": False,
    },
    negative_controls={
        "shallow network": {"network": "shallow"},
        "rank + 1": {"claim": "rank+1"},
        "rank - 1": {"claim": "rank-1"},
    },
    choices={"network": ("deep", "shallow")},
)
def check(
    ctx: Context,
    *,
    grid: str,
    geometries: str,
    dim: int,
    widths: str,
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
            widths=widths,
            partitions=parts,
            shared=shared,
            network=network,
            growth=growth,
        )
