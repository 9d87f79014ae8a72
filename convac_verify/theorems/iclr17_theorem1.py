"""ICLR 2017 Theorem 1: pooling geometry decides which partitions get exponential rank.

Hypotheses: the deep ConvAC of ICLR 2017 eq. 3 -- product pooling over windows of 4
patches (2x2), so the mode tree is a full 4-ary tree over N = 4^L patches; widths
``r_0..r_{L-1} >= 1`` (``widths``: specs ``r`` or ``r0,r1,...``; the default panel holds
``2`` and ``3,1``), dimension M, one output; weights shared
across locations as in the paper (``shared=False`` drops sharing; the paper notes the
analysis is unchanged). A 4-ary tree is any 2x2 geometry: square windows (the
quad-tree of Sec. 3.1) or mirror windows (square pooling after the QUAD2 patch
permutation -- a relabelling of the patches, under which the theorem is invariant).

Claim, for every partition (I, J): the maximal rank of ``[[A^y]]_{I,J}`` is

* ``>= min(r_0, M)**S``, S = the number of first-level windows the partition splits;
* ``<= min(M**min(|I|,|J|), r_{L-1} prod_t c^{L-1,t})`` (the c^{l,k} recursion, eq. 6).

Evidence: the rank at random weights (dense, or the structured contraction) -- a
certified lower bound on the maximal rank, so ``>=`` rows are proved by it; where
random weights do not fit the budget (e.g. 8x8 with M = 2), the witness of the proof
(``e_alpha`` at the patches, all-ones at level 1, channel 1 above), whose rank is
exactly ``min(r_0, M)**S``. The c-recursion IS this theorem's upper bound (and the
joint spans refine the same argument), so neither proves the ``<=`` rows: they are
``proved`` by an independent certificate of the bounds home -- the min-cut of the
network's tensor network (Levine et al. Claim 1), or the matrix size -- where it meets
the claim, else ``verified`` by random evaluation (a measured rank above would be a
certain counterexample).

Negative controls: ``shallow network`` measures a CP network of width r_0 against the
deep network's lower bound (its rank is at most r_0); ``rank + 1`` and ``rank - 1`` keep
the network and move the claims just past the measured rank.

References
----------
N. Cohen, A. Shashua. Inductive Bias of Deep Convolutional Networks through Pooling
Geometry. ICLR 2017, eq. 3, eq. 6, Theorem 1, Sec. 5 (mirror pooling).
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from ..engines.measure import Context
from ..errors import ConvacError
from ..evidence.observation import Observation
from ..networks.geometry2d import parse_grid
from ..networks.partitions2d import expand_partitions, split_specs
from ..pooling.profiles import (
    DEFAULT_PANEL,
    bound_observations,
    is_quad_tree,
    resolve_geometry,
    split_geometries,
)
from .registry import register_theorem


@register_theorem(
    "iclr17-theorem-1",
    title="2x2 pooling: min(r0,M)^S <= max rank <= c-recursion, every partition",
    reference="Cohen & Shashua, ICLR 2017, Theorem 1",
    hypotheses=(
        "deep ConvAC (eq. 3), product pooling over 2x2 windows (full 4-ary tree, N = 4^L; "
        "square or mirror), widths r_l >= 1, shared weights (or unshared); S = first-level "
        "windows split by (I, J)"
    ),
    family="pooling",
    defaults={
        "grid": "4x4",
        "geometries": "square,mirror",
        "dim": 2,
        "widths": "2;3,1",
        "partitions": DEFAULT_PANEL,
        "shared": True,
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
        if not is_quad_tree(tree):
            raise ConvacError(
                f"iclr17-theorem-1 is stated for 2x2 windows (a full 4-ary tree); geometry "
                f"{spec!r} is not one -- use the check pooling-bounds for other trees"
            )
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
