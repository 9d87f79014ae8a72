"""Bounds of the same-channel decomposition on random trees and partitions (seeded):
Theorem 1's lower bound, the witnesses, the c-recursion and the joint-span recursion."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from convac_verify.algebra.fields import MERSENNE_61, PrimeField
from convac_verify.bounds.recursion import recursive_upper_bound
from convac_verify.bounds.spans import node_spans, span_upper_bound
from convac_verify.engines.gfp import rank_mod_p
from convac_verify.engines.measure import Context
from convac_verify.engines.structured import structured_rank
from convac_verify.networks import trees
from convac_verify.networks.decompositions import decomposition_from_weights, random_decomposition
from convac_verify.networks.geometry2d import Grid, mirror_tree, square_tree
from convac_verify.networks.grid import grid_tensor
from convac_verify.networks.matricize import matricize
from convac_verify.networks.partitions import Partition
from convac_verify.networks.partitions2d import parse_grid_partition
from convac_verify.networks.witnesses import kronecker_witness
from convac_verify.pooling.profiles import (
    is_quad_tree,
    measure_generic,
    profile,
    split_by_height,
    split_windows,
    witness_bound,
)

from .strategies import random_tree


def _partition(data: st.DataObject, n: int) -> Partition:
    rows = data.draw(st.sets(st.integers(0, n - 1), min_size=1, max_size=n - 1))
    return Partition.from_rows(rows, n)


@settings(max_examples=40, deadline=None)
@given(data=st.data(), seed=st.integers(0, 2**32 - 1))
def test_random_rank_lies_between_the_bounds(data: st.DataObject, seed: int) -> None:
    tree = data.draw(random_tree(max_modes=9))
    n = trees.n_modes(tree)
    part = _partition(data, n)
    dim = data.draw(st.integers(1, 3))
    width = data.draw(st.integers(1, 3))
    d = random_decomposition(tree, dim, width, PrimeField(), np.random.default_rng(seed))
    rank = rank_mod_p(matricize(grid_tensor(d), part), MERSENNE_61)
    lower = min(width, dim) ** split_windows(tree, part)
    span = span_upper_bound(tree, dim, width, part)
    c_rec = recursive_upper_bound(tree, dim, width, part)
    assert lower <= witness_bound(tree, dim, width, part)[0] <= rank <= span <= c_rec


@settings(max_examples=30, deadline=None)
@given(data=st.data())
def test_witness_rank_is_the_closed_form(data: st.DataObject) -> None:
    tree = data.draw(random_tree(max_modes=10))
    n = trees.n_modes(tree)
    part = _partition(data, n)
    dim, width = data.draw(st.integers(1, 3)), data.draw(st.integers(1, 3))
    value, height = witness_bound(tree, dim, width, part)
    weights = kronecker_witness(tree, dim, width, height)
    d = decomposition_from_weights(tree, dim, width, weights, PrimeField())
    assert structured_rank(d, part) == value
    assert split_by_height(tree, part)[height] == max(split_by_height(tree, part).values())


def test_spans_tighten_the_c_recursion_on_square_pooling() -> None:
    # 4x4 square pooling, M = r = 2, checkerboard: c-recursion 32, joint spans 16,
    # random weights attain 16 (so the generic rank is exactly 16)
    g = Grid(4, 4)
    part = parse_grid_partition("checkerboard", g, np.random.default_rng(0))
    tree = square_tree(g)
    assert recursive_upper_bound(tree, 2, 2, part) == 32
    assert span_upper_bound(tree, 2, 2, part) == 16
    spans = node_spans(tree, 2, 2, part)
    window = trees.children(tree, trees.root(tree))[0]
    assert (spans[window].channel_rank, spans[window].col_span, spans[window].row_span) == (2, 2, 2)
    m = measure_generic(Context(), tree, 2, 2, part)
    assert m.rank == 16 and m.upper_bound == 16 and m.extra["rank_is_exact"]


def test_iclr17_theorem1_examples() -> None:
    # Sec. 3.3: odd/even splits every first-level window (S = N/4); the low/high split
    # keeps every quadrant one-sided (max rank <= r_{L-1})
    g = Grid(4, 4)
    tree = square_tree(g)
    odd = Partition.from_rows(range(0, 16, 2), 16)
    low = Partition.from_rows(range(8), 16)
    assert split_windows(tree, odd) == 4
    assert recursive_upper_bound(tree, 2, 3, low) == 3
    assert is_quad_tree(tree) and is_quad_tree(mirror_tree(g))
    assert not is_quad_tree(trees.balanced(16))


@pytest.mark.parametrize(
    ("spec", "square", "mirror"),
    [
        ("left-right", "limited", "favored"),
        ("top-bottom", "limited", "favored"),
        ("mirror-orbits", "favored", "limited"),
        ("center", "favored", "limited"),
        ("checkerboard", "favored", "favored"),
    ],
)
def test_4x4_profiles(spec: str, square: str, mirror: str) -> None:
    g = Grid(4, 4)
    part = parse_grid_partition(spec, g, np.random.default_rng(0))
    ctx = Context()
    for tree, expected in ((square_tree(g), square), (mirror_tree(g), mirror)):
        m = measure_generic(ctx, tree, 2, 2, part, shared=True)
        s = split_windows(tree, part)
        assert profile(max(2**s, m.rank), m.upper_bound or 0, 4, 2, (2, 2)) == expected
        assert m.rank == (16 if expected == "favored" else 2)


def test_8x8_uses_witnesses_and_is_still_exact() -> None:
    g = Grid(8, 8)
    ctx = Context()
    lr = parse_grid_partition("left-right", g, np.random.default_rng(0))
    m = measure_generic(ctx, mirror_tree(g), 2, 2, lr)
    assert m.extra["computed"] == "witness lower bound" and m.rank == 2**16 == m.upper_bound
    m = measure_generic(ctx, square_tree(g), 2, 2, lr)
    assert m.extra["computed"] == "generic rank (random weights)" and m.rank == 2
