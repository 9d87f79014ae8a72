"""Cohen-Tamari-Shashua Theorem 7: tiling bounds for binary mode trees.

Hypotheses (ICLR 2018, arXiv v3 Theorem 7 = Theorem 1 of the ICLR version): T a
binary mode tree over [N]; the tree decomposition of eq. 3 (per-child convolution
weights ``a^{nu,gamma,I}``, ``a^{nu,gamma,II}``, size constant r, leaves = the
discretizers ``v^(1)..v^(M)``) with product pooling ``g(a, b) = a b``; the discretizers
span ``R^r``; ``{} != I != [N]``. Claim:

* ``rank [[A^y]]_I <= r**min(|Theta(I;T)|, |Theta(I^c;T)|)`` for all weights;
* ``rank [[A^y]]_I >= r**P`` almost always, P = the number of sibling pairs of depth
  > 1 (root depth 0) with one node in each tiling.

This is not the same-channel decomposition of :mod:`convac_verify.networks.decompositions`;
:mod:`convac_verify.networks.dilated` implements eq. 3. "Discretizers span R^r": V (M x r) is
drawn at random and its rank is computed exactly over Q (recorded as ``rank_V``); an
instance with ``rank V < r`` does not meet the hypothesis, and its rows are
``inconclusive`` ("hypothesis not met"), never evidence against the theorem. M < r is
refused (the hypothesis cannot hold).

Evidence: dense grid tensor at random weights, rank over GF(p) (a certified lower
bound: ``>=`` rows proved; with ``--field qq`` the rank over Q, taken from a rank mod p
when that meets the structural upper bound). The tilings ARE Theorem 7's bounds, so they
prove nothing here; ``<=`` rows are proved by the other certificates of the bounds home
(:func:`convac_verify.bounds.eq3_upper_bounds`): the joint-span recursion
(:func:`convac_verify.networks.dilated.dilated_span_bound`, derived from eq. 3 with the
exact rank of V) and the min-cut of the eq. 3 tensor network, both independent of the
tilings. Default trees: the baseline
(contiguous) tree, dilations swapped in pairs (fig. 2(b)) and the hybrid tree of the
worked example; default partitions: that example's I, odd-even, left-right and random
ones.

Negative controls: ``rank + 1`` keeps the networks and claims one more than the
measured rank (refuted by the joint-span bound where it meets the rank, else by random
evaluation); ``rank - 1`` claims one below it (the random point is a counterexample).
``discretizers=degenerate`` (all discretizers equal: they span a line) is not a negative
control but a failed hypothesis: its rows are inconclusive.

References
----------
N. Cohen, R. Tamari, A. Shashua. Boosting Dilated Convolutional Networks with Mixed
Tensor Decompositions. ICLR 2018 (arXiv 1703.06846v3): eq. 3, Def. 6, Theorem 7 and
the worked example after it.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator

import networkx as nx
import numpy as np

from ..algebra.fields import Array, IntegerRing
from ..bounds import best_bound, eq3_upper_bounds
from ..bounds.tilings import is_binary, tiling_bounds
from ..engines.gfp import rank_mod_p
from ..engines.measure import Context, RankSettings, check_dense_budget, dense_rank
from ..errors import ConvacError
from ..evidence.observation import Observation
from ..evidence.status import Claim, Evidence, Measurement
from ..networks import trees as mode_trees
from ..networks.dilated import (
    DISCRETIZERS,
    DilatedDecomposition,
    dilated_grid_tensor,
    discretizer_rank,
    example_hybrid_tree,
    random_dilated,
    swapped_tree,
)
from ..networks.geometry2d import Grid
from ..networks.matricize import matricize
from ..networks.partitions import Partition
from ..networks.partitions2d import expand_partitions, split_specs
from .registry import register_theorem


def _tree(spec: str, n: int) -> tuple[nx.DiGraph, str]:
    spec = spec.strip()
    if spec == "balanced":
        return mode_trees.balanced(n), f"balanced:{n}"
    if spec.startswith("swapped:") and spec.count(":") == 1:
        k = int(spec.split(":")[1])
        return swapped_tree(n, k), f"swapped:{n}:{k}"
    if spec == "hybrid":
        return example_hybrid_tree(n), f"hybrid:{n}"
    tree = mode_trees.parse_tree(spec)
    if mode_trees.n_modes(tree) != n:
        raise ConvacError(f"tree {spec!r} has {mode_trees.n_modes(tree)} modes; n_modes is {n}")
    return tree, spec


def _rank(tensor: Array, part: Partition, settings: RankSettings, upper: int) -> tuple[int, str]:
    """The rank in the settings' field. Over Q, a rank modulo p of the integer matrix is a
    lower bound on the rank over Q; when it meets the structural upper bound (a bound
    over Q, computed with the exact rank of V) it *is* the rank over Q, and the slow
    exact elimination is skipped."""
    if settings.field == "qq":
        matrix = matricize(tensor, part)
        if rank_mod_p(matrix, settings.prime) == upper:
            return upper, "Q"
    return dense_rank(tensor, part, settings)


CHECK = "ctm18-theorem-7"


@register_theorem(
    CHECK,
    title="Binary trees: r^(#sibling pairs) <= rank <= r^min(|Theta(I)|,|Theta(I^c)|)",
    reference="Cohen, Tamari & Shashua, ICLR 2018, Theorem 7 (arXiv v3)",
    hypotheses=(
        "binary mode tree, tree decomposition of eq. 3 (per-child weights, size constant r), "
        "product pooling, discretizers spanning R^r (M >= r), {} != I != [N]"
    ),
    family="pooling",
    defaults={
        "n_modes": 16,
        "dim": 2,
        "width": 2,
        "trees": "balanced;swapped:2;hybrid",
        "partitions": "ctm18-example,odd-even,left-right,random:2",
        "discretizers": "random",
    },
    negative_controls={"rank + 1": {"claim": "rank+1"}, "rank - 1": {"claim": "rank-1"}},
    choices={"discretizers": DISCRETIZERS},
)
def check(
    ctx: Context,
    *,
    n_modes: int,
    dim: int,
    width: int,
    trees: str,
    partitions: str,
    discretizers: str,
) -> Iterator[Observation]:
    """Tiling bounds and measured rank per (tree, partition)."""
    if dim < width:
        raise ConvacError(
            f"Theorem 7 needs M discretizers spanning R^r, so M >= r; got M = {dim}, r = {width}"
        )
    settings = ctx.settings
    check_dense_budget(n_modes, dim, settings)
    grid = Grid(1, n_modes)
    parts = expand_partitions(split_specs(partitions), grid, np.random.default_rng(settings.seed))
    for spec in trees.split(";"):
        tree, name = _tree(spec, n_modes)
        if not is_binary(tree):
            raise ConvacError(f"Theorem 7 is stated for binary mode trees; {name} is not binary")
        key = f"{mode_trees.to_nested(tree)}|{dim}|{width}|{discretizers}"
        rng = np.random.default_rng([settings.seed, zlib.crc32(key.encode())])
        decomp = random_dilated(tree, dim, width, settings.ring(), rng, discretizers=discretizers)
        v_rank = discretizer_rank(decomp)
        unmet = (
            f"discretizers span R^r: rank V = {v_rank} < r = {width} (exact over Q)"
            if v_rank < width
            else ""
        )
        tensor = dilated_grid_tensor(decomp)
        ctx.progress(f"ctm18 {name}")
        for part in parts:
            tb = tiling_bounds(tree, part)
            # the bounds home: joint spans (with the exact rank of V), the tiling (this
            # theorem's own bound), the min-cut of the eq. 3 network, the matrix size
            bounds = eq3_upper_bounds(tree, dim, width, part, v_rank)
            independent = best_bound(bounds, CHECK)
            assert independent is not None  # the matrix size at least
            rank, field = _rank(tensor, part, settings, independent.value)
            m = Measurement(rank, _evidence(decomp, field, settings), tuple(bounds))
            params = {
                "N": n_modes,
                "M": dim,
                "r": width,
                "tree": name,
                "partition": part.name,
                "rows": list(part.rows),
                "tiles_I": len(tb.tiles_i),
                "tiles_Ic": len(tb.tiles_j),
                "sibling_pairs": tb.lower_exponent,
                "discretizers": discretizers,
                "rank_V": v_rank,
            }
            yield Observation(
                label=f"{name} {part.name}",
                subject="rank >= r^(sibling pairs)",
                claim=Claim(">=", "r**P", width**tb.lower_exponent, r"r^{P}"),
                measurement=m,
                params=params,
                unmet=unmet,
            )
            yield Observation(
                label=f"{name} {part.name}",
                subject="rank <= r^min(|Theta(I)|,|Theta(I^c)|)",
                claim=Claim(
                    "<=",
                    "r**min(|Theta(I)|, |Theta(I^c)|)",
                    width**tb.upper_exponent,
                    r"r^{\min(|\Theta(I)|,|\Theta(I^c)|)}",
                ),
                measurement=m,
                params=params,
                unmet=unmet,
            )


def _evidence(decomp: DilatedDecomposition, field: str, settings: RankSettings) -> Evidence:
    """Random weights (and discretizers) of eq. 3, rank in ``field``."""
    ring = decomp.ring
    bits = decomp.coefficient_bits()
    if isinstance(ring, IntegerRing):
        bits += decomp.entry_degree() * ring.bound.bit_length()
    gfp = field == "GF(p)"
    return Evidence.random(
        field=field,
        method="dense",
        seed=settings.seed,
        sample_space=ring.sample_space,
        degree=decomp.entry_degree(),
        prime=settings.prime if gfp else None,
        prime_random=settings.prime_random and gfp,
        entry_bits=bits,
    )
