"""Rank profiles: one random instance of a network, its rank on many partitions.

The grid tensor is evaluated once (dense, :func:`convac_verify.overlaps.evaluate.grid_tensor`)
and matricized per partition. A profile answers: which partitions are worst, and is the
profile uniform (every balanced partition at the largest rank ``M**floor(N/2)``)?
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..engines import get_rank_engine
from ..engines.measure import MAX_TENSOR_MODES, RankSettings, check_dense_budget
from ..errors import BudgetExceeded
from ..networks.matricize import matricize
from ..networks.partitions import Partition
from .evaluate import grid_tensor
from .layers import Net
from .weights import random_weights

__all__ = ["Profile", "rank_profile"]


@dataclass(frozen=True)
class Profile:
    """Ranks of one random instance on a list of partitions."""

    net: Net
    ranks: tuple[tuple[Partition, int], ...]

    @property
    def worst(self) -> int:
        """The smallest rank."""
        return min(r for _, r in self.ranks)

    def worst_partitions(self) -> list[Partition]:
        """Every partition at the smallest rank."""
        w = self.worst
        return [p for p, r in self.ranks if r == w]

    def others_best_worst(self) -> int | None:
        """The smallest rank among partitions that are not worst (``None`` if all are)."""
        rest = [r for _, r in self.ranks if r > self.worst]
        return min(rest) if rest else None

    @property
    def uniform(self) -> bool:
        """Every partition at ``M**min(|I|, |J|)``."""
        dim = self.net.dim
        return all(r == dim ** min(len(p.rows), len(p.cols)) for p, r in self.ranks)


def rank_profile(net: Net, partitions: Sequence[Partition], settings: RankSettings) -> Profile:
    """Ranks of one random instance (seeded by ``settings``) on every partition.

    Raises
    ------
    BudgetExceeded
        When the grid tensor does not fit ``settings.max_memory`` (or has more than
        :data:`~convac_verify.engines.measure.MAX_TENSOR_MODES` inputs).
    """
    if net.n_modes > MAX_TENSOR_MODES:
        raise BudgetExceeded(
            f"a profile evaluates one grid tensor (one array axis per input, at most "
            f"{MAX_TENSOR_MODES}); N = {net.n_modes} is more: give a few partitions instead"
        )
    check_dense_budget(net.n_modes, net.dim, settings)
    ring = settings.ring()
    rng = np.random.default_rng([settings.seed, zlib.crc32(f"profile {net.describe()}".encode())])
    tensor = grid_tensor(net, random_weights(net, ring, rng), ring)
    engine = get_rank_engine(settings.field)
    ranks = tuple((p, int(engine.rank(matricize(tensor, p), settings.prime))) for p in partitions)
    return Profile(net, ranks)
