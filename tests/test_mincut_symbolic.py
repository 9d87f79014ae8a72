"""The symbolic min-cut against eq. 16 (as printed), eq. 17 (with care) and the numeric cut."""

from __future__ import annotations

import numpy as np
import pytest

from convac_verify.bounds import network_upper_bounds, tree_upper_bounds
from convac_verify.bounds.allocate import parameter_count, wide_base, wide_tip
from convac_verify.bounds.mincut import min_cut
from convac_verify.bounds.mincut_symbolic import eq16_monomials, symbolic_min_cut
from convac_verify.networks import trees
from convac_verify.networks.compilers import eq3_network, tree_network
from convac_verify.networks.partitions import Partition, left_right, odd_even


@pytest.mark.parametrize("depth", [2, 3, 4, 5, 6])
def test_eq16_is_the_left_right_min_cut(depth: int) -> None:
    net = tree_network(trees.balanced(2**depth), 2, 2)
    assert symbolic_min_cut(net, left_right(2**depth)).terms() == eq16_monomials(depth).terms()


def test_eq17_needs_care() -> None:
    # strict odd/even: min(r0, M)^(N/2) (COLT), not min(r0^(N/4), M^(N/2)) as printed
    n = 16
    net = tree_network(trees.balanced(n), 2, 2)
    f = symbolic_min_cut(net, odd_even(n))
    assert f.terms() == {frozenset({("M", 8)}), frozenset({("r0", 8)})}
    # alternating size-2 windows: min(r0, r1, M^2)^(N/4): eq. 17 omits the r1 term
    blocks = Partition.from_rows([i for i in range(n) if (i // 2) % 2 == 0], n)
    g = symbolic_min_cut(net, blocks)
    assert g.terms() == {
        frozenset({("M", 8)}),
        frozenset({("r0", 4)}),
        frozenset({("r1", 4)}),
    }
    ws = (8, 2, 8, 8)  # r1 < r0: eq. 17 as printed (min(8^4, 2^8) = 256) is above the cut
    assert min_cut(tree_network(trees.balanced(n), 2, ws), blocks).value == 16


def test_symbolic_agrees_with_numeric() -> None:
    rng = np.random.default_rng(3)
    tree = trees.balanced(16)
    base = tree_network(tree, 2, 2)
    for _ in range(10):
        rows = [i for i in range(16) if rng.random() < 0.5] or [0]
        if len(rows) == 16:
            continue
        part = Partition.from_rows(rows, 16)
        f = symbolic_min_cut(base, part)
        ws = [int(w) for w in rng.integers(1, 9, size=4)]
        m = int(rng.integers(1, 5))
        values = {"M": m, **{f"r{i}": w for i, w in enumerate(ws)}}
        assert f.evaluate(values) == min_cut(tree_network(tree, m, ws), part).value


def test_bounds_home_names_every_bound() -> None:
    tree = trees.balanced(8)
    kinds = [b.certificate.kind for b in tree_upper_bounds(tree, 2, 2, odd_even(8))]
    assert kinds == ["c-recursion", "joint-span", "min-cut", "matrix-size"]
    net = eq3_network(tree, 2, 2)
    assert [b.certificate.kind for b in network_upper_bounds(net, odd_even(8))] == [
        "joint-span",
        "tiling",
        "min-cut",
        "matrix-size",
    ]
    for b in network_upper_bounds(tree_network(tree, 3, (2, 3, 2)), left_right(8)):
        assert b.value >= 2  # the generic rank r_{L-1} = 2


def test_paper_allocations_cost_the_same() -> None:
    # Levine et al. Sec. 7: [4r,4r,2r,2r,r,r] and [r,r,2r,2r,4r,4r], M = Y = 10: 31 r^2 + 50 r
    for r in (1, 4, 8):
        assert parameter_count(10, wide_base(6, r), 10) == 31 * r * r + 50 * r
        assert parameter_count(10, wide_tip(6, r), 10) == 31 * r * r + 50 * r
