"""Tilings (Cohen-Tamari-Shashua Def. 6), dilation trees and Theorem 7 on the eq. 3
decomposition: hand examples from the paper, random trees and partitions."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from convac_verify.algebra.fields import MERSENNE_61, IntegerRing, PrimeField
from convac_verify.bounds.tilings import (
    depths,
    is_binary,
    sibling_pairs,
    tiling,
    tiling_bounds,
)
from convac_verify.engines.gfp import rank_mod_p
from convac_verify.errors import NotAModeTree
from convac_verify.networks import trees
from convac_verify.networks.dilated import (
    dilated_grid_tensor,
    dilated_span_bound,
    dilation_tree,
    discretizer_rank,
    example_hybrid_tree,
    example_partition,
    random_dilated,
    swapped_tree,
)
from convac_verify.networks.matricize import matricize
from convac_verify.networks.partitions import Partition, left_right, odd_even

from .strategies import random_tree


def _sets(tree, nodes):  # type: ignore[no-untyped-def]
    return sorted(trees.leaves_below(tree, v) for v in nodes)


def test_swapped_tree_is_fig_2b() -> None:
    # ICLR 2018 fig. 2(b) (1-based): depth-1 nodes {1..4, 9..12}; depth-3 nodes {1,3},{2,4}
    t = swapped_tree(16, 2)
    d = depths(t)
    depth1 = [sorted(trees.leaves_below(t, v)) for v in d if d[v] == 1]
    assert sorted(depth1) == [[0, 1, 2, 3, 8, 9, 10, 11], [4, 5, 6, 7, 12, 13, 14, 15]]
    depth3 = {tuple(sorted(trees.leaves_below(t, v))) for v in d if d[v] == 3}
    assert (0, 2) in depth3 and (1, 3) in depth3
    assert trees.to_nested(swapped_tree(16, 1)) == trees.to_nested(trees.balanced(16))
    assert trees.to_nested(dilation_tree([1, 2, 4])) == trees.to_nested(trees.balanced(8))


@pytest.mark.parametrize(
    ("tree_name", "lower", "upper"),
    # the worked example after Theorem 7 (N = 16): T and T-bar give r^(N/4 + N/8) = r^6,
    # the hybrid tree tiles I and I^c into singletons: r^(N/2) = r^8
    [("balanced", 6, 6), ("swapped", 6, 6), ("hybrid", 8, 8)],
)
def test_worked_example_exponents(tree_name: str, lower: int, upper: int) -> None:
    tree = {
        "balanced": trees.balanced(16),
        "swapped": swapped_tree(16, 2),
        "hybrid": example_hybrid_tree(16),
    }[tree_name]
    b = tiling_bounds(tree, example_partition(16))
    assert (b.lower_exponent, b.upper_exponent) == (lower, upper)


def test_worked_example_ranks() -> None:
    field = PrimeField()
    part = example_partition(16)
    for tree, expected in (
        (trees.balanced(16), 2**6),
        (swapped_tree(16, 2), 2**6),
        (example_hybrid_tree(16), 2**8),
    ):
        d = random_dilated(tree, 2, 2, field, np.random.default_rng(3))
        assert rank_mod_p(matricize(dilated_grid_tensor(d), part), MERSENNE_61) == expected


def test_tiling_hand_examples() -> None:
    t = trees.balanced(8)
    assert _sets(t, tiling(t, [0, 1, 2, 3])) == [(0, 1, 2, 3)]
    assert _sets(t, tiling(t, [0, 1, 4])) == [(0, 1), (4,)]
    # COLT's odd/even: every leaf is a tile, every pair of siblings counts: r^(N/2)
    b = tiling_bounds(t, odd_even(8))
    assert (b.lower_exponent, b.upper_exponent) == (4, 4)
    # a split at the root only (depth-1 siblings do not count): the rank is 1
    b = tiling_bounds(t, left_right(8))
    assert (b.lower_exponent, b.upper_exponent) == (0, 1)
    assert sibling_pairs(t, Partition.from_rows([0, 1], 8)) == [(8, 9)]  # {0,1} | {2,3}


@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_tiling_is_the_unique_maximal_disjoint_cover(data: st.DataObject) -> None:
    tree = data.draw(random_tree(max_modes=12))
    n = trees.n_modes(tree)
    rows = data.draw(st.sets(st.integers(0, n - 1), min_size=1, max_size=n - 1))
    tiles = tiling(tree, rows)
    covered = [m for v in tiles for m in trees.leaves_below(tree, v)]
    assert sorted(covered) == sorted(rows)  # disjoint cover of I
    parent = {c: v for v in trees.postorder(tree) for c in trees.children(tree, v)}
    for v in tiles:  # maximal: the parent is not inside I
        assert not set(trees.leaves_below(tree, parent[v])) <= rows


@settings(max_examples=25, deadline=None)
@given(data=st.data(), seed=st.integers(0, 2**32 - 1))
def test_theorem7_on_random_binary_trees(data: st.DataObject, seed: int) -> None:
    tree = data.draw(random_tree(max_modes=9, binary=True))
    n = trees.n_modes(tree)
    rows = data.draw(st.sets(st.integers(0, n - 1), min_size=1, max_size=n - 1))
    part = Partition.from_rows(rows, n)
    width = data.draw(st.integers(1, 3))
    dim = width + data.draw(st.integers(0, 1))
    d = random_dilated(tree, dim, width, PrimeField(), np.random.default_rng(seed))
    assert discretizer_rank(d) == width  # discretizers span R^r
    rank = rank_mod_p(matricize(dilated_grid_tensor(d), part), MERSENNE_61)
    b = tiling_bounds(tree, part)
    span = dilated_span_bound(tree, dim, width, part)
    assert width**b.lower_exponent <= rank <= span <= width**b.upper_exponent


def test_dilated_grid_tensor_against_a_naive_evaluation() -> None:
    # eq. 3 written out for N = 4 with integer weights
    tree = trees.balanced(4)
    d = random_dilated(tree, 3, 2, IntegerRing(bound=50), np.random.default_rng(0))
    v = np.asarray(d.discretizers, dtype=object)  # M x r
    lo, hi, top = sorted(d.weights)  # internal nodes: (0,1), (2,3), root
    a = {k: [np.asarray(w, dtype=object) for w in d.weights[k]] for k in (lo, hi, top)}

    def node(k: int, x: int, y: int) -> np.ndarray:
        return (a[k][0] @ v[x]) * (a[k][1] @ v[y])  # channel vector

    tensor = dilated_grid_tensor(d)
    for idx in np.ndindex(3, 3, 3, 3):
        left, right = node(lo, idx[0], idx[1]), node(hi, idx[2], idx[3])
        expected = (a[top][0] @ left)[0] * (a[top][1] @ right)[0]
        assert tensor[idx] == expected


def test_degenerate_discretizers_break_the_lower_bound() -> None:
    d = random_dilated(
        trees.balanced(8), 2, 2, PrimeField(), np.random.default_rng(0), discretizers="degenerate"
    )
    assert discretizer_rank(d) == 1
    assert rank_mod_p(matricize(dilated_grid_tensor(d), odd_even(8)), MERSENNE_61) == 1
    assert dilated_span_bound(trees.balanced(8), 2, 2, odd_even(8), v_rank=1) == 1


def test_is_binary_and_errors() -> None:
    assert is_binary(trees.balanced(8)) and not is_binary(trees.balanced(16, 4))
    with pytest.raises(NotAModeTree, match="dilations must be 1, 2"):
        dilation_tree([1, 3])
    with pytest.raises(NotAModeTree, match="k >= 1 dividing L"):
        swapped_tree(8, 2)
    with pytest.raises(NotAModeTree, match="even and >= 4"):
        example_hybrid_tree(8)
    assert trees.to_nested(trees.parse_tree("swapped:16:2")) == trees.to_nested(swapped_tree(16, 2))
    assert trees.n_modes(trees.parse_tree("hybrid:16")) == 16
