"""Min-cut bounds (Levine, Yakira, Cohen & Shashua, ICLR 2018): the tree DP against
NetworkX max-flow, the delta-counting rule, and eq. 16."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from convac_verify.bounds.mincut import (
    common_base,
    cut_weight,
    min_cut,
    power_lower_bound,
    separates,
)
from convac_verify.networks import trees
from convac_verify.networks.compilers import cp_network, eq3_network, tree_network
from convac_verify.networks.partitions import Partition, left_right, odd_even


def test_shallow_network_counts_the_delta_once() -> None:
    # ICLR 2018 Claim 7 on the shallow network: min(M^min(|I|,|J|), Z)
    net = cp_network(8, 2, 4)
    part = Partition.from_rows([0, 1, 3, 6], 8)  # I = {1,2,4,7} (1-based)
    once = min_cut(net, part)
    assert once.value == 4 and once.deltas == ("P8",) and once.bonds == ()
    naive = min_cut(net, part, delta_rule="per-edge")
    assert naive.value == 16  # counting every edge separately: too large
    for n, m, z in itertools.product((4, 6), (2, 3), (1, 5, 30)):
        net = cp_network(n, m, z)
        for rows in itertools.combinations(range(n), 2):
            part = Partition.from_rows(list(rows), n)
            assert min_cut(net, part).value == min(m ** min(2, n - 2), z)


def test_eq16_left_right_binary_tree() -> None:
    # Levine et al. eq. 16 (L = 4, N = 16): min(r3, r2, r1^2, r0^4, M^8)
    rng = np.random.default_rng(0)
    for _ in range(30):
        m = int(rng.integers(1, 5))
        r = [int(x) for x in rng.integers(1, 40, size=4)]
        net = tree_network(trees.balanced(16), m, r)
        expected = min(r[3], r[2], r[1] ** 2, r[0] ** 4, m**8)
        assert min_cut(net, left_right(16)).value == expected


@pytest.mark.parametrize("spec", ["balanced:8", "windows:2,3", "((0,(1,2)),(3,4))", "cp:6"])
def test_tree_dp_equals_max_flow_on_power_widths(spec: str) -> None:
    tree = trees.parse_tree(spec)
    depth = trees.height(tree, trees.root(tree))
    rng = np.random.default_rng(1)
    n = trees.n_modes(tree)
    for _ in range(10):
        widths = (
            2 ** int(rng.integers(0, 4))
            if "(" in spec
            else [2 ** int(e) for e in rng.integers(0, 4, size=depth)]
        )
        net = tree_network(tree, 2 ** int(rng.integers(1, 3)), widths)
        part = Partition.from_rows([i for i in range(n) if rng.random() < 0.5] or [0], n)
        if len(part.rows) == n:
            continue
        for rule in ("once", "per-edge"):
            a = min_cut(net, part, method="tree", delta_rule=rule)
            b = min_cut(net, part, method="flow", delta_rule=rule)
            assert a.value == b.value and a.exact and b.exact
            for c in (a, b):
                assert separates(net, part, c.bonds, c.deltas)
                assert cut_weight(net, c.bonds, c.deltas) == c.value


def test_flow_is_best_effort_for_mixed_bases_but_sound() -> None:
    net = tree_network(trees.balanced(8), 3, (2, 5, 7))
    cut = min_cut(net, odd_even(8), method="flow")
    assert not cut.exact and "float" in cut.method
    assert cut.value == min_cut(net, odd_even(8)).value  # the exact tree DP agrees here
    assert separates(net, odd_even(8), cut.bonds, cut.deltas)


def test_a_cut_that_misses_a_path_does_not_separate() -> None:
    net = tree_network(trees.balanced(4), 2, 2)
    part = left_right(4)
    assert separates(net, part, ["e4"]) and not separates(net, part, ["e0"])
    assert separates(net, part, [], ["P6"])  # the root's delta cut through


def test_theorem2_rounding() -> None:
    net = tree_network(trees.balanced(8), 3, 3)
    assert power_lower_bound(net, odd_even(8)) == (81, 3)
    net = tree_network(trees.balanced(8), 2, (3, 5, 6))
    value, p = power_lower_bound(net, odd_even(8))
    assert (value, p) == (16, 2)  # dims rounded to 2, 4, 4: min(M, 2)^4


def test_common_base() -> None:
    assert common_base([2, 4, 8]) == 2 and common_base([4, 16, 64]) == 4
    assert common_base([9, 27, 3]) == 3 and common_base([2, 3]) is None
    assert common_base([8, 32]) == 2


def test_eq3_network_min_cut_within_tiling_bound() -> None:
    from convac_verify.bounds.tilings import tiling_bounds
    from convac_verify.networks.dilated import example_partition

    tree = trees.balanced(16)
    part = example_partition(16)
    cut = min_cut(eq3_network(tree, 2, 2), part)
    assert cut.value <= 2 ** tiling_bounds(tree, part).upper_exponent
