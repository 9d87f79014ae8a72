"""ICLR 2017 Claim 1 on real functions: the network's score function, evaluated exactly."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from convac_verify.algebra.fields import IntegerRing
from convac_verify.engines.rational import rank_over_q
from convac_verify.errors import InvalidDecomposition
from convac_verify.networks.decompositions import random_decomposition
from convac_verify.networks.geometry2d import Grid, square_tree
from convac_verify.networks.grid import grid_tensor
from convac_verify.networks.matricize import matricize
from convac_verify.networks.partitions2d import expand_partitions
from convac_verify.networks.separation import (
    coefficient_decomposition,
    evaluation_decomposition,
    get_representation,
    representation_matrix,
    score_function,
)
from convac_verify.networks.trees import balanced

RING = IntegerRing(bound=1000)


def test_score_function_is_the_coefficient_expansion() -> None:
    # h(x) = sum_d A_d prod_i f_{d_i}(x_i), checked by brute force on N = 4
    d = random_decomposition(balanced(4), 3, 2, RING, np.random.default_rng(0))
    rep = get_representation("monomials", 3)
    coeffs = grid_tensor(d)
    for x in [(1, 2, 3, 4), (0, -1, 5, 2), (7, 7, 7, 7)]:
        expected = sum(
            coeffs[idx] * math.prod(rep.functions[k](x[i]) for i, k in enumerate(idx))
            for idx in itertools.product(range(3), repeat=4)
        )
        assert score_function(d, rep, x) == expected


@pytest.mark.parametrize("family", ["monomials", "relu", "dependent"])
def test_batched_evaluation_is_the_forward_pass(family: str) -> None:
    d = random_decomposition(square_tree(Grid(2, 2)), 3, 2, RING, np.random.default_rng(1))
    rep = get_representation(family, 3)
    points = [1, 2, 3, 4]
    values = grid_tensor(evaluation_decomposition(d, rep, points))
    for idx in itertools.product(range(4), repeat=4):
        assert values[idx] == score_function(d, rep, [points[i] for i in idx])


def test_representation_matrices_have_full_rank_for_independent_families() -> None:
    for family in ("monomials", "relu"):
        f = representation_matrix(get_representation(family, 4), [1, 2, 3, 4])
        assert rank_over_q(np.asarray(f, dtype=object)) == 4
    dep = get_representation("dependent", 3)
    f = np.asarray(representation_matrix(dep, [1, 2, 3, 4]), dtype=object)
    g = np.asarray(dep.basis, dtype=object)
    basis = np.asarray([[1, t] for t in [1, 2, 3, 4]], dtype=object)
    assert (basis.dot(g.T) == f).all()  # f = G g, exactly
    with pytest.raises(InvalidDecomposition, match="needs M >= 3"):
        get_representation("dependent", 2)
    with pytest.raises(InvalidDecomposition, match="unknown representation"):
        get_representation("sigmoid", 2)


@pytest.mark.parametrize("family", ["monomials", "relu"])
def test_claim1_sep_equals_matricization_rank(family: str) -> None:
    g = Grid(2, 4)
    d = random_decomposition(square_tree(g), 2, 2, RING, np.random.default_rng(2))
    rep = get_representation(family, 2)
    values = grid_tensor(evaluation_decomposition(d, rep, [1, 2, 3]))
    coeffs = grid_tensor(d)
    for part in expand_partitions(
        ["left-right", "checkerboard", "random:3"], g, np.random.default_rng(0)
    ):
        assert rank_over_q(matricize(values, part)) == rank_over_q(matricize(coeffs, part))


def test_dependent_functions_can_lower_the_separation_rank() -> None:
    g = Grid(2, 4)
    d = random_decomposition(square_tree(g), 3, 3, RING, np.random.default_rng(0))
    rep = get_representation("dependent", 3)
    values = grid_tensor(evaluation_decomposition(d, rep, [1, 2, 3]))
    basis = grid_tensor(coefficient_decomposition(d, rep))
    coeffs = grid_tensor(d)
    gaps = []
    for part in expand_partitions(["random:4"], g, np.random.default_rng(0)):
        e = rank_over_q(matricize(values, part))
        assert e == rank_over_q(matricize(basis, part)) <= rank_over_q(matricize(coeffs, part))
        gaps.append(rank_over_q(matricize(coeffs, part)) - e)
    assert max(gaps) > 0
