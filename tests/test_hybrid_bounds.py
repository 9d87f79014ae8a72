"""Hybrid lower bounds (Claim 5 + Theorem 7), the mixture-node search and Corollary 8."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

from convac_verify.bounds.corollary8 import (
    corollary8_exponent,
    corollary8_row,
    power_ceiling,
)
from convac_verify.bounds.hybrids import best_hybrid, search_mixtures, shared_interior_nodes
from convac_verify.bounds.tilings import tiling_bounds
from convac_verify.errors import ConvacError
from convac_verify.networks import trees
from convac_verify.networks.dilated import example_partition
from convac_verify.networks.dilations import dilation_tree, groups_partition, swapped_tree
from convac_verify.networks.mixed import hybrids, make_mixture, parse_mixture_nodes
from convac_verify.networks.partitions import left_right, odd_even, random_balanced


@pytest.mark.parametrize(
    ("tree_bar", "mix"),
    [
        (swapped_tree(16, 2), "depth:2"),
        (swapped_tree(16, 4), "none"),
        (dilation_tree([2, 1, 4, 8]), "layer:2,3"),
        (swapped_tree(16, 2), "0-3;8-11"),
    ],
)
def test_best_hybrid_is_the_maximum_over_the_enumeration(tree_bar: object, mix: str) -> None:
    base = trees.balanced(16)
    m = parse_mixture_nodes(mix, base, tree_bar)  # type: ignore[arg-type]
    rng = np.random.default_rng(0)
    parts = [example_partition(16), odd_even(16), left_right(16)]
    parts += [random_balanced(16, rng) for _ in range(5)]
    for part in parts:
        brute = max(tiling_bounds(h, part).lower_exponent for _, h in hybrids(m))
        assert best_hybrid(m, part).exponent == brute


def test_worked_example_exponents() -> None:
    for n in (16, 64, 256):
        part = groups_partition(n, 2)
        assert part.rows == example_partition(n).rows
        base, bar = trees.balanced(n), swapped_tree(n, 2)
        m = parse_mixture_nodes("depth:2", base, bar)
        best = best_hybrid(m, part)
        assert best.exponent == n // 2
        assert best.lower_bound(4) == 2 ** (n // 2)
        for t in (base, bar):
            b = tiling_bounds(t, part)
            assert b.lower_exponent == b.upper_exponent == n // 4 + n // 8


def test_search_ranks_choices_and_counts_hybrids() -> None:
    base, bar = trees.balanced(16), swapped_tree(16, 2)
    assert len(shared_interior_nodes(base, bar)) == 4
    rows = search_mixtures(base, bar, [example_partition(16)], 4)
    assert len(rows) == 16
    assert rows[0].exponents == (8,) and len(rows[0].nodes) == 2
    assert rows[-1].text() == "none" and rows[-1].exponents == (6,)
    full = next(r for r in rows if len(r.nodes) == 4)
    assert full.hybrid_count == parse_mixture_nodes("depth:2", base, bar).hybrid_count == 32
    for row in rows:  # the search's fast exponent agrees with best_hybrid
        m = make_mixture(base, bar, [sorted(n) for n in row.nodes])
        assert row.exponents == (best_hybrid(m, example_partition(16)).exponent,)
        assert row.hybrid_count == m.hybrid_count
    with pytest.raises(ConvacError, match="lower the budget"):
        search_mixtures(
            trees.balanced(64), swapped_tree(64, 2), [odd_even(64)], 20, max_subsets=100
        )


def test_corollary_8_table() -> None:
    assert [corollary8_exponent(k) for k in (1, 2, 4)] == [1, Fraction(4, 3), Fraction(16, 9)]
    row = corollary8_row(128, 4)
    assert row.ratio == row.exponent == Fraction(16, 9)
    assert row.forced_tree == row.claimed == 1626  # "more than 1500 channels"
    assert 1500 < row.forced_sum <= row.forced_tree
    assert round(row.real, 1) == 1625.5
    for k in (1, 2, 3):
        r = corollary8_row(8, k)
        assert r.forced_tree == r.forced_tree_bar == power_ceiling(4, r.exponent)
    assert power_ceiling(1, Fraction(7, 3)) == 1
    with pytest.raises(ConvacError, match="even"):
        corollary8_row(7, 2)
