"""ICLR 2017 Claim 1: separation rank = rank of the matricized coefficient tensor.

Hypotheses: a ConvAC whose representation functions ``f_1..f_M`` are linearly
independent (and, with the separable factors, square-integrable: inputs lie in the
bounded interval [1, K]); any partition (I, J). Claim:
``sep(h_y; I, J) = rank [[A^y]]_{I,J}``.

Evidence, on real functions (exact integers, :mod:`convac_verify.networks.separation`): the
network (square pooling on a 2x4 grid by default, integer weights) is evaluated by
its own forward pass -- representation layer, 1x1 convolutions, product pooling --
on the product grid of K points per patch (spot-checked against single forward
passes). The matrix ``E`` of those values, rows = the points of the patches in I,
has ``rank E <= sep(h)`` for any functions; expanding h in independent functions
``g`` (``f = G g``) gives ``sep(h) <= rank [[A']]`` (certificate ``exact-q-factor``: an
exact rank over Q of the coefficients h factors through). Each row is a claim about
the measured network only (scope ``point``: an identity at these weights): it holds
the interval ``[rank E, rank [[A']]]`` (both exact over Q) against the claimed value
``rank [[A]]``: ``proved`` when all three agree, ``violated`` when the interval excludes
it.

Negative controls: ``dependent representations`` (``1, x, 1 + x``; M = r = 3): the
functions are dependent, ``sep(h) <= rank [[A']] < rank [[A]]`` for some partition and
the claim fails there (with r < M the network's own width can hide the dependence);
``rank + 1`` claims one more than the measured separation rank.

References
----------
N. Cohen, A. Shashua. Inductive Bias of Deep Convolutional Networks through Pooling
Geometry. ICLR 2017, eq. 5 and Claim 1.
"""

from __future__ import annotations

from collections.abc import Iterator

import networkx as nx
import numpy as np

from ..algebra.fields import IntegerRing
from ..engines.measure import Context
from ..engines.rational import rank_over_q
from ..errors import ConvacError
from ..evidence.certificates import Bound, Certificate
from ..evidence.observation import Observation
from ..evidence.status import Claim, Evidence, Measurement
from ..networks.decompositions import random_decomposition
from ..networks.geometry2d import Grid, parse_grid
from ..networks.grid import grid_tensor
from ..networks.matricize import matricize
from ..networks.partitions2d import expand_partitions, split_specs
from ..networks.separation import (
    coefficient_decomposition,
    evaluation_decomposition,
    get_representation,
    score_function,
)
from ..pooling.profiles import resolve_geometry
from .registry import register_theorem

SPOT_CHECKS = 8  # single forward passes compared with the batched evaluation
MAX_ENTRIES = 2**17  # evaluation grid K**N; larger is refused (Python-int arithmetic)


@register_theorem(
    "iclr17-claim-1",
    title="Separation rank of the score function = rank [[A]]_{I,J}",
    reference="Cohen & Shashua, ICLR 2017, Claim 1",
    hypotheses=(
        "ConvAC with linearly independent representation functions (monomials or ReLU "
        "neurons), square-integrable on a bounded domain; any partition"
    ),
    family="pooling",
    defaults={
        "grid": "2x4",
        "geometry": "square",
        "dim": 2,
        "width": 2,
        "representations": "monomials,relu",
        "points": 0,
        "partitions": "left-right,top-bottom,checkerboard,random",
    },
    negative_controls={
        "dependent representations": {
            "representations": "dependent",
            "dim": 3,
            "width": 3,
            "points": 3,
        },
        "rank + 1": {"claim": "rank+1"},
    },
)
def check(
    ctx: Context,
    *,
    grid: str,
    geometry: str,
    dim: int,
    width: int,
    representations: str,
    points: int,
    partitions: str,
) -> Iterator[Observation]:
    """Evaluation rank vs coefficient rank per partition (``points=0``: K = M + 1)."""
    g = parse_grid(grid)
    tree, name = resolve_geometry(geometry, g)
    for family in representations.split(","):
        yield from _rows(ctx, g, tree, name, dim, width, family.strip(), points, partitions)


def _rows(
    ctx: Context,
    g: Grid,
    tree: nx.DiGraph,
    name: str,
    dim: int,
    width: int,
    family: str,
    points: int,
    partitions: str,
) -> Iterator[Observation]:
    rep = get_representation(family, dim)
    k = points or dim + 1
    if k < dim and rep.independent:
        raise ConvacError(
            f"Claim 1 needs K >= M points per patch to see every function; got K = {k}"
        )
    if k**g.n_modes > MAX_ENTRIES or dim**g.n_modes > MAX_ENTRIES:
        raise ConvacError(
            f"the evaluation grid has {k}**{g.n_modes} entries (limit {MAX_ENTRIES:,}); "
            "use a smaller grid, M or K"
        )
    seed = ctx.settings.seed
    ring = IntegerRing()
    rng = np.random.default_rng([seed, 1])
    decomp = random_decomposition(tree, dim, width, ring, rng)
    ts = list(range(1, k + 1))
    values = grid_tensor(evaluation_decomposition(decomp, rep, ts))
    coeffs = grid_tensor(decomp)
    basis_coeffs = grid_tensor(coefficient_decomposition(decomp, rep))
    for _ in range(SPOT_CHECKS):  # the batched evaluation is the network's forward pass
        idx = tuple(int(i) for i in rng.integers(0, k, size=g.n_modes))
        if score_function(decomp, rep, [ts[i] for i in idx]) != values[idx]:
            raise RuntimeError("batched evaluation disagrees with the forward pass (a bug)")
    evidence = Evidence.random(
        field="Q",
        method="evaluation",
        seed=seed,
        sample_space=ring.sample_space,
        degree=decomp.entry_degree(),
    )
    rng_parts = np.random.default_rng(seed)
    for part in expand_partitions(split_specs(partitions), g, rng_parts):
        e_rank = rank_over_q(matricize(values, part))
        a_rank = rank_over_q(matricize(coeffs, part))
        upper = rank_over_q(matricize(basis_coeffs, part))
        cert = Certificate(
            "exact-q-factor",
            f"sep(h) <= rank [[A']] = {upper} (h expanded in independent functions, exact over Q)",
        )
        m = Measurement(
            e_rank,
            evidence,
            (Bound(upper, cert),),
            extra={"coefficient_rank": a_rank, "points": k, "evaluations": k**g.n_modes},
            exact=False,  # rank E only bounds sep(h) from below
        )
        yield Observation(
            label=f"{name} {part.name}",
            subject=f"sep(h) in [rank E, rank A'], {rep.name}, K={k}",
            claim=Claim(
                "==",
                "rank [[A]]_{I,J}",
                a_rank,
                r"\mathrm{rank}\,[\![A]\!]_{I,J}",
                quantifier="point",
                quantity="separation rank",
            ),
            measurement=m,
            params={
                "grid": str(g),
                "geometry": name,
                "M": dim,
                "r": width,
                "representation": rep.name,
                "independent": rep.independent,
                "K": k,
                "partition": part.name,
                "rows": list(part.rows),
            },
        )
