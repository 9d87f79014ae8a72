"""Measurements of rectifier networks for the registered checks (data, no statuses).

Every rank here is exact over Q (FLINT ``fmpz_mat`` on the numerator matrix, after a
full-rank shortcut mod p) and every network is evaluated exactly
(:mod:`convac_verify.rectifier.generalized`). Evidence records ``polynomial = False`` for max and
ReLU, so :func:`convac_verify.evidence.status.decide` never turns random draws of those
networks into almost-everywhere statements (see :mod:`convac_verify.evidence.status`).

Random streams are derived from the run's seed and a key naming the measurement, so
results do not depend on the order in which checks run.
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping, Sequence

import networkx as nx
import numpy as np

from ..algebra.rationals import QArray
from ..evidence.status import Evidence, Measurement
from ..networks import trees
from ..networks.decompositions import resolve_widths
from ..networks.partitions import Partition
from .bounds import structural_bounds, sum_pooling_factorization_holds
from .generalized import (
    DEFAULT_BITS,
    check_generalized_budget,
    generalized_from_weights,
    grid_matrix,
    random_generalized,
    representation_matrix,
)
from .operators import Operator
from .ranks import exact_rank

__all__ = [
    "SAMPLE_SPACE",
    "generalized_degree",
    "representation",
    "sampled_rank",
    "stream",
    "witness_rank",
]

SAMPLE_SPACE = 2 ** (DEFAULT_BITS + 1) + 1  # multiples of 2**-20 in [-1, 1]
EXACT_METHOD = "exact"  # grid tensor over Q, rank with FLINT fmpz_mat


def stream(seed: int, key: str) -> np.random.Generator:
    """An independent random stream for one measurement, from the seed and a key."""
    return np.random.default_rng([seed, zlib.crc32(key.encode())])


def representation(seed: int, kind: str, dim: int) -> QArray:
    """The representation matrix F of a run (the same for every check of one seed)."""
    return representation_matrix(kind, dim, stream(seed, f"F/{dim}"))


def sampled_rank(
    tree: nx.DiGraph,
    dim: int,
    widths: int | Sequence[int],
    operator: Operator,
    partition: Partition,
    *,
    draws: int,
    seed: int,
    key: str,
    F: QArray,
    max_memory: int,
) -> Measurement:
    """The largest exact rank over ``draws`` random weight settings.

    The structural bounds of :func:`~convac_verify.rectifier.bounds.structural_bounds`
    are attached (bounds for all weights). For sum pooling the proof's factorization
    ``A = sum_i X_i (x) 1`` is also checked entry by entry at every draw
    (``extra["factorization_checked"]``).
    """
    ws = resolve_widths(tree, widths)
    check_generalized_budget(partition.n_modes, dim, max(ws), max_memory)
    rng = stream(seed, key)
    ranks: list[int] = []
    factorized = 0
    for _ in range(draws):
        decomp = random_generalized(tree, dim, ws, operator, rng, F=F)
        ranks.append(exact_rank(grid_matrix(decomp, partition)))
        if operator.name == "avg":
            factorized += sum_pooling_factorization_holds(decomp)
    bounds = tuple(structural_bounds(tree, dim, ws, partition, operator.name, seed))
    extra: dict[str, object] = {"draws": draws, "ranks": ranks}
    if operator.name == "avg":
        extra["factorization_checked"] = f"{factorized}/{draws}"
    if operator.name == "prod":  # a polynomial of known degree in the weights
        evidence = Evidence.random(
            field="Q",
            method=EXACT_METHOD,
            seed=seed,
            sample_space=SAMPLE_SPACE,
            degree=generalized_degree(tree),
        )
    else:
        evidence = Evidence.random_piecewise(
            field="Q", method=EXACT_METHOD, seed=seed, sample_space=SAMPLE_SPACE
        )
    return Measurement(max(ranks, default=0), evidence, bounds, extra)


def witness_rank(
    tree: nx.DiGraph,
    dim: int,
    widths: int | Sequence[int],
    weights: Mapping[int, object],
    operator: Operator,
    partition: Partition,
    *,
    name: str,
    F: QArray,
    max_memory: int,
) -> Measurement:
    """The exact rank at explicit weights (a proof's witness)."""
    ws = resolve_widths(tree, widths)
    check_generalized_budget(partition.n_modes, dim, max(ws), max_memory)
    decomp = generalized_from_weights(tree, dim, ws, weights, operator, F=F)
    rank = exact_rank(grid_matrix(decomp, partition))
    bounds = tuple(structural_bounds(tree, dim, ws, partition, operator.name))
    evidence = Evidence.witness(
        name, field="Q", method=EXACT_METHOD, polynomial=operator.polynomial
    )
    return Measurement(rank, evidence, bounds)


def generalized_degree(tree: nx.DiGraph) -> int:
    """Degree of a grid-tensor entry of a product-pooling generalized decomposition in
    its weights (F fixed): one leaf weight per mode and one weight per internal node."""
    return trees.n_modes(tree) + len(trees.internal_nodes(tree))
