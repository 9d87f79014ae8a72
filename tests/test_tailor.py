"""Tailoring: candidate geometries, the greedy tailored tree and the ranking."""

from __future__ import annotations

import numpy as np
import pytest

from convac_verify.errors import ConvacError
from convac_verify.networks import trees
from convac_verify.networks.geometry2d import Grid
from convac_verify.networks.partitions2d import expand_partitions
from convac_verify.pooling.profiles import DEFAULT_PANEL, split_windows
from convac_verify.pooling.tailor import (
    candidates,
    level_sequences,
    rank_candidates,
    tailored_tree,
)


def test_level_sequences() -> None:
    assert len(level_sequences(4, 4)) == 148
    assert len(level_sequences(4, 4, "quad")) == 4
    assert len(level_sequences(2, 8, "quad")) == 8  # 2x2 then 1x2, 1x2; each mirrored or not
    assert all(len(s) == 4 for s in level_sequences(4, 4, "pairs"))


@pytest.mark.parametrize("side", [4, 8])
@pytest.mark.parametrize(
    "favor", [["left-right", "top-bottom"], ["checkerboard", "left-right", "mirror-orbits"]]
)
def test_tailored_tree_splits_every_window_of_every_favored_partition(
    side: int, favor: list[str]
) -> None:
    g = Grid(side, side)
    fav = expand_partitions(favor, g, np.random.default_rng(0))
    t = tailored_tree(g, fav)
    assert trees.n_modes(t) == g.n_modes
    for p in fav:
        assert split_windows(t, p) == g.n_modes // 4


def test_ranking_prefers_geometries_that_favor_the_task() -> None:
    g = Grid(4, 4)
    rng = np.random.default_rng(0)
    fav = expand_partitions(["left-right", "top-bottom"], g, rng)
    others = [
        p
        for p in expand_partitions(DEFAULT_PANEL.split(","), g, rng)
        if p.name not in {"left-right", "top-bottom"}
    ]
    cands, total, examined = candidates(g, fav, search="quad")
    assert total == examined == 4 and {c.name for c in cands} >= {"square", "mirror", "tailored"}
    ranked = rank_candidates(cands, fav, others, 2, 2)
    assert ranked[0].favored_min(fav) == 16
    assert ranked[-1].candidate.name == "square"  # square pooling limits both to r
    # the symmetric task: mirror beats square
    order = [s.candidate.name for s in ranked]
    assert order.index("mirror") < order.index("square")


def test_ranking_needs_favored_partitions() -> None:
    g = Grid(4, 4)
    with pytest.raises(ConvacError, match="at least one partition to favor"):
        rank_candidates(candidates(g, [])[0], [], [], 2, 2)


def test_search_is_lazy_and_capped_on_large_grids() -> None:
    g = Grid(32, 32)
    fav = expand_partitions(["left-right"], g, np.random.default_rng(0))
    cands, total, examined = candidates(g, fav, search="any")
    assert total > 10**5 and examined < 100
    assert sum(c.tree.number_of_nodes() for c in cands) < 70_000
