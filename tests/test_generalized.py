"""Generalized CP/HT grid tensors: against a slow obvious evaluator, exactness, no overflow."""

from __future__ import annotations

import itertools
from fractions import Fraction as Fr

import networkx as nx
import numpy as np
import pytest

from convac_verify.algebra.fields import IntegerRing, PrimeField
from convac_verify.algebra.rationals import QArray
from convac_verify.errors import BudgetExceeded, InvalidDecomposition
from convac_verify.networks import trees
from convac_verify.networks.decompositions import decomposition_from_weights
from convac_verify.networks.grid import grid_tensor
from convac_verify.networks.partitions import left_right, odd_even
from convac_verify.rectifier.generalized import (
    GeneralizedDecomposition,
    check_generalized_budget,
    generalized_from_weights,
    grid_matrix,
    grid_matrix_mod_p,
    grid_tensor_q,
    inverse,
    random_generalized,
    representation_matrix,
)
from convac_verify.rectifier.operators import OPERATORS, get_operator


def reference_value(decomp: GeneralizedDecomposition, d: tuple[int, ...]) -> Fr:
    """The network evaluated at one grid point, scalar by scalar (the slow obvious way):
    conv outputs (F a)_{d_j}, pooling with g left to right over the children, 1x1 convs."""
    tree, op = decomp.tree, decomp.operator
    F = decomp.F.to_fractions()

    def node(v: int) -> list[Fr]:
        kids = trees.children(tree, v)
        w = decomp.weights[v].to_fractions()
        if not kids:  # leaf v is mode v
            return [sum((F[d[v]][k] * row[k] for k in range(decomp.dim)), Fr(0)) for row in w]  # type: ignore[index]
        values = [node(c) for c in kids]
        out = []
        for row in w:
            total = Fr(0)
            for alpha, coeff in enumerate(row):  # type: ignore[arg-type]
                acc = values[0][alpha]
                for vs in values[1:]:
                    acc = op.value(acc, vs[alpha])
                total += coeff * acc
            out.append(total)
        return out

    return node(trees.root(tree))[0]


def reference_tensor(decomp: GeneralizedDecomposition) -> dict[tuple[int, ...], Fr]:
    n = decomp.n_modes
    return {d: reference_value(decomp, d) for d in itertools.product(range(decomp.dim), repeat=n)}


def _tensor_dict(decomp: GeneralizedDecomposition) -> dict[tuple[int, ...], Fr]:
    q = grid_tensor_q(decomp)
    return {
        d: Fr(int(q.num[d]), q.den) for d in itertools.product(range(decomp.dim), repeat=q.num.ndim)
    }


TREES = {
    "cp4": trees.cp_tree(4),
    "balanced4": trees.balanced(4),
    "caterpillar": trees.from_nested((((0, 1), 2), 3)),
    "ternary": trees.from_nested(((0, 1, 2), (3, 4, 5))),
}


@pytest.mark.parametrize("op_name", sorted(OPERATORS))
@pytest.mark.parametrize("tree_name", sorted(TREES))
@pytest.mark.parametrize("F_kind", ["identity", "random"])
def test_grid_tensor_matches_slow_evaluator(op_name: str, tree_name: str, F_kind: str) -> None:
    rng = np.random.default_rng(7)
    tree = TREES[tree_name]
    F = representation_matrix(F_kind, 2, rng)
    decomp = random_generalized(tree, 2, 2, get_operator(op_name), rng, F=F, bits=6)
    assert _tensor_dict(decomp) == reference_tensor(decomp)


def test_hand_computed_shallow_average() -> None:
    # N = 2, Z = 2, F = I: A[d1, d2] = sum_z a_z (max{u_z[d1], 0} + max{v_z[d2], 0})
    W = {0: [[1, -2], [3, 0]], 1: [[-1, 4], [2, 2]], 2: [[1, -1]]}
    d = generalized_from_weights(trees.cp_tree(2), 2, 2, W, get_operator("avg"))
    # z=1 (a=1): relu(u) = (1,0), relu(v) = (0,4); z=2 (a=-1): relu(u) = (3,0), relu(v) = (2,2)
    expected = [[(1 + 0) - (3 + 2), (1 + 4) - (3 + 2)], [(0 + 0) - (0 + 2), (0 + 4) - (0 + 2)]]
    assert grid_tensor_q(d).num.tolist() == expected


def test_product_operator_is_the_foundations_convac() -> None:
    rng = np.random.default_rng(0)
    tree = trees.balanced(8)
    d = random_generalized(tree, 2, 2, get_operator("prod"), rng)
    fd = decomposition_from_weights(
        tree, 2, 2, {v: w.num for v, w in d.weights.items()}, IntegerRing()
    )
    # the foundation works on the numerators: one factor 2**20 per weight in each product
    layers = trees.n_modes(tree) + len(trees.internal_nodes(tree))
    scaled = QArray(np.asarray(grid_tensor(fd), dtype=object), 2 ** (20 * layers))
    assert scaled.equals(grid_tensor_q(d))


def test_huge_weights_do_not_overflow() -> None:
    # entries reach ~2**290 (int64 would wrap silently); compare with the scalar evaluator
    big = 2**70 + 12345
    W = {
        0: [[big, -big]],
        1: [[-big, big + 1]],
        2: [[big - 3, 7]],
        3: [[5, -big]],
        4: [[big]],
        5: [[-big]],
        6: [[big]],
    }
    for name in OPERATORS:
        d = generalized_from_weights(trees.balanced(4), 2, 1, W, get_operator(name))
        assert _tensor_dict(d) == reference_tensor(d)
    d = generalized_from_weights(trees.balanced(4), 2, 1, W, get_operator("prod"))
    assert max(abs(int(v)) for v in grid_tensor_q(d).num.ravel()) > 2**280


@pytest.mark.parametrize("op_name", sorted(OPERATORS))
def test_root_mod_p_equals_exact_matrix_mod_p(op_name: str) -> None:
    """The App. F fast path reduces only at the root: it must equal the exact matrix mod p."""
    rng = np.random.default_rng(11)
    prime = 2**61 - 1
    field = PrimeField(prime)
    for tree, part in ((trees.balanced(8), odd_even(8)), (trees.balanced(4), left_right(4))):
        for _ in range(3):
            d = random_generalized(tree, 3, 3, get_operator(op_name), rng)
            exact = grid_matrix(d, part)
            mod, bits = grid_matrix_mod_p(d, part, prime)
            assert np.array_equal(field.from_ints(exact), mod)
            assert max(abs(int(v)) for v in exact.ravel()) < 2**bits


def test_everything_is_exact_integers() -> None:
    rng = np.random.default_rng(2)
    d = random_generalized(trees.balanced(4), 3, 2, get_operator("max"), rng)
    q = grid_tensor_q(d)
    assert q.num.dtype == object and all(type(v) is int for v in q.num.ravel())
    with pytest.raises(TypeError):
        QArray.from_values([0.5])


def test_random_weights_are_dyadic_in_unit_interval() -> None:
    d = random_generalized(trees.balanced(4), 2, 3, get_operator("max"), np.random.default_rng(0))
    for w in d.weights.values():
        assert w.den == 2**20
        assert all(-(2**20) <= int(v) <= 2**20 for v in w.num.ravel())


def test_inverse_is_exact() -> None:
    F = representation_matrix("random", 4, np.random.default_rng(5))
    prod = inverse(F).matmul(F)
    assert prod.equals(QArray.from_values(np.eye(4, dtype=np.int64).tolist()))


def test_bad_architecture_is_refused() -> None:
    with pytest.raises(InvalidDecomposition, match="expected"):
        generalized_from_weights(
            trees.cp_tree(2), 2, 1, {0: [[1]], 1: [[1, 2]], 2: [[1]]}, get_operator("max")
        )
    with pytest.raises(InvalidDecomposition, match="F must be"):
        random_generalized(
            trees.cp_tree(2),
            2,
            1,
            get_operator("max"),
            np.random.default_rng(0),
            F=representation_matrix("identity", 3),
        )


def test_budget_is_refused_up_front() -> None:
    with pytest.raises(BudgetExceeded, match="max-memory"):
        check_generalized_budget(16, 3, 8, 2**30)
    check_generalized_budget(8, 3, 8, 2**30)


def test_trees_are_not_modified() -> None:
    tree = trees.balanced(4)
    before = nx.to_dict_of_lists(tree)
    random_generalized(tree, 2, 2, get_operator("avg"), np.random.default_rng(0))
    assert nx.to_dict_of_lists(tree) == before
