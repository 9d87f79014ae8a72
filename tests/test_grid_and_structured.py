"""Grid tensors on hand-worked instances; the structured contraction equals the dense
path on random trees and partitions."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from convac_verify.algebra.fields import IntegerRing, PrimeField
from convac_verify.engines.gfp import rank_mod_p
from convac_verify.engines.structured import structured_rank
from convac_verify.errors import BudgetExceeded, InvalidDecomposition
from convac_verify.networks import trees
from convac_verify.networks.decompositions import decomposition_from_weights, random_decomposition
from convac_verify.networks.grid import grid_tensor
from convac_verify.networks.matricize import matricize
from convac_verify.networks.partitions import Partition, alternating_blocks, left_right, odd_even
from convac_verify.networks.witnesses import kronecker_witness

Z = IntegerRing()
F = PrimeField()


def test_ht_grid_tensor_by_hand() -> None:
    """COLT eq. 4 with N = 4, M = 2, r = 1: A = a * (u0 x u1) x (u2 x u3) scaled by level weights."""
    t = trees.balanced(4)
    w = {0: [[1, 2]], 1: [[3, 1]], 2: [[1, 1]], 3: [[2, 0]], 4: [[5]], 5: [[7]], 6: [[11]]}
    d = decomposition_from_weights(t, 2, 1, w, Z)
    a = grid_tensor(d)
    u = [np.array(w[j][0], dtype=object) for j in range(4)]
    want = 5 * 7 * 11 * np.einsum("a,b,c,d->abcd", *u)
    assert a.tolist() == want.tolist()


def test_mode_order_follows_leaf_ids_not_tree_order() -> None:
    t = trees.from_nested((2, 0, 1))  # root lists mode 2 first
    w = {0: [[1, 0]], 1: [[0, 1]], 2: [[1, 1]], 3: [[1]]}
    a = grid_tensor(decomposition_from_weights(t, 2, 1, w, Z))
    # A[d0, d1, d2] = e0[d0] e1[d1] (1,1)[d2]
    assert a[0, 1, 0] == 1 and a[0, 1, 1] == 1 and a[1, 1, 0] == 0


def test_widths_validation() -> None:
    t = trees.from_nested(((0, 1), 2))  # leaves at depths 2 and 1
    with pytest.raises(InvalidDecomposition, match="same-channel pooling"):
        random_decomposition(t, 2, [2, 3], F, np.random.default_rng(0))
    with pytest.raises(InvalidDecomposition, match="r_0..r_2 \\(3 values"):
        random_decomposition(trees.balanced(8), 2, [2, 2], F, np.random.default_rng(0))
    random_decomposition(t, 2, 3, F, np.random.default_rng(0))  # uniform width is fine


def test_shared_weights_are_shared() -> None:
    d = random_decomposition(trees.balanced(8), 2, 2, F, np.random.default_rng(0), shared=True)
    level1 = [v for v in trees.internal_nodes(d.tree) if trees.height(d.tree, v) == 1]
    assert all(d.weights[v] is d.weights[level1[0]] for v in level1)
    assert d.weights[0] is d.weights[5]


def test_gfp_and_z_agree_mod_p() -> None:
    t = trees.balanced(8)
    w = {v: np.asarray(x) for v, x in kronecker_witness(t, 3, 2, 1).items()}
    rng = np.random.default_rng(1)
    w = {v: x + rng.integers(-9, 10, size=x.shape) for v, x in w.items()}
    az = grid_tensor(decomposition_from_weights(t, 3, 2, w, Z))
    af = grid_tensor(decomposition_from_weights(t, 3, 2, w, PrimeField(1009)))
    assert (np.mod(az.astype(object), 1009).astype(np.uint64) == af).all()


@st.composite
def tree_and_partition(draw: st.DrawFn) -> tuple[object, Partition, int, int]:
    n = draw(st.integers(2, 9))
    order = draw(st.permutations(list(range(n))))
    nodes: list[object] = list(order)
    while len(nodes) > 1:
        k = draw(st.integers(2, min(3, len(nodes))))
        i = draw(st.integers(0, len(nodes) - k))
        nodes = nodes[:i] + [tuple(nodes[i : i + k])] + nodes[i + k :]
    tree = trees.from_nested(nodes[0])  # type: ignore[arg-type]
    rows = draw(st.sets(st.integers(0, n - 1), min_size=1, max_size=n - 1))
    return tree, Partition.from_rows(rows, n), draw(st.integers(1, 3)), draw(st.integers(1, 3))


@settings(max_examples=60, deadline=None)
@given(tree_and_partition(), st.integers(0, 2**32))
def test_structured_equals_dense(case: tuple[object, Partition, int, int], seed: int) -> None:
    tree, part, dim, width = case
    d = random_decomposition(tree, dim, width, F, np.random.default_rng(seed))  # type: ignore[arg-type]
    dense = rank_mod_p(matricize(grid_tensor(d), part), F.prime)
    assert structured_rank(d, part) == dense


@pytest.mark.parametrize(("n", "merge"), [(4, 1), (8, 1), (8, 2), (16, 1), (16, 2), (16, 3)])
def test_structured_equals_dense_on_witnesses(n: int, merge: int) -> None:
    t = trees.balanced(n)
    d = decomposition_from_weights(t, 2, 2, kronecker_witness(t, 2, 2, merge), F)
    part = alternating_blocks(n, 2 ** (merge - 1))
    dense = rank_mod_p(matricize(grid_tensor(d), part), F.prime)
    assert structured_rank(d, part) == dense == 2 ** (n // 2**merge)


def test_structured_scales_to_huge_n() -> None:
    t = trees.balanced(1024)
    d = decomposition_from_weights(t, 3, 2, kronecker_witness(t, 3, 2, 1), F)
    assert structured_rank(d, odd_even(1024)) == 2**512
    rnd = random_decomposition(t, 2, 2, F, np.random.default_rng(0))
    assert structured_rank(rnd, left_right(1024)) == 2


def test_structured_refuses_over_budget() -> None:
    d = random_decomposition(trees.balanced(32), 2, 2, F, np.random.default_rng(0))
    with pytest.raises(BudgetExceeded, match="memory budget"):
        structured_rank(d, odd_even(32), budget=2**20)
