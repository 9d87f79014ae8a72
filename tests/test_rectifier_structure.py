"""Structural bounds, the papers' explicit weights, replicas, universality, and ranks."""

from __future__ import annotations

from fractions import Fraction as Fr

import numpy as np
import pytest
from flint import fmpz

from convac_verify.algebra.rationals import QArray
from convac_verify.networks import trees
from convac_verify.networks.partitions import Partition, left_right, odd_even
from convac_verify.rectifier.bounds import (
    shallow_max_bound,
    structural_bound,
    sum_pooling_bound,
    sum_pooling_factorization_holds,
)
from convac_verify.rectifier.constructions import (
    claim8_weights,
    depends_on_modes,
    e11_certificate,
    e11_replica,
    e11_weights,
    identity_target,
    mismatches,
    perturb,
    universal_shallow,
)
from convac_verify.rectifier.generalized import (
    generalized_from_weights,
    grid_matrix,
    grid_tensor_q,
    random_generalized,
    representation_matrix,
)
from convac_verify.rectifier.operators import get_operator
from convac_verify.rectifier.ranks import (
    PRIMES_IN_RANGE,
    exact_rank,
    modular_epsilon,
    modular_rank,
    random_prime,
)


def fraction_rank(rows: list[list[Fr]]) -> int:
    """Independent Gaussian elimination over Q (cross-check for the FLINT paths)."""
    m = [list(r) for r in rows]
    rank, col = 0, 0
    n_cols = len(m[0]) if m else 0
    while rank < len(m) and col < n_cols:
        pivot = next((i for i in range(rank, len(m)) if m[i][col] != 0), None)
        if pivot is None:
            col += 1
            continue
        m[rank], m[pivot] = m[pivot], m[rank]
        for i in range(rank + 1, len(m)):
            f = m[i][col] / m[rank][col]
            m[i] = [a - f * b for a, b in zip(m[i], m[rank], strict=True)]
        rank += 1
        col += 1
    return rank


# --------------------------------------------------------------------------- bounds


def test_sum_pooling_bounds_follow_supp_e7() -> None:
    for n in (4, 8):
        assert sum_pooling_bound(trees.cp_tree(n), 3, odd_even(n)) == 2  # v 1^T + 1 u^T
        assert sum_pooling_bound(trees.balanced(n), 3, odd_even(n)) == min(
            2 * 3 ** (n // 4), 3 ** (n // 2)
        )
        # left-right: both root children are one-sided, so rank <= 2 even for the deep net
        assert sum_pooling_bound(trees.balanced(n), 3, left_right(n)) == 2


def test_shallow_max_bound_is_e10() -> None:
    assert shallow_max_bound(8, 3, 2, odd_even(8)) == 2 * 3 * 8 // 2
    assert shallow_max_bound(2, 3, 1, odd_even(2)) == 3  # capped by M**|I|


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize(
    ("tree", "op_name", "part"),
    [
        (trees.cp_tree(4), "avg", odd_even(4)),
        (trees.balanced(8), "avg", odd_even(8)),
        (trees.from_nested(((0, 1, 2), (3, 4, 5))), "avg", Partition.from_rows([0, 3, 4], 6)),
        (trees.cp_tree(6), "max", odd_even(6)),
        (trees.cp_tree(4), "max", Partition.from_rows([1], 4)),
    ],
)
def test_random_draws_respect_structural_bounds(seed: int, tree, op_name: str, part) -> None:  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(seed)
    d = random_generalized(tree, 3, 3, get_operator(op_name), rng)
    bound, _ = structural_bound(tree, 3, d.widths, part, op_name)
    assert exact_rank(grid_matrix(d, part)) <= bound
    if op_name == "avg":
        assert sum_pooling_factorization_holds(d)


def test_factorization_fails_for_max_pooling() -> None:
    d = random_generalized(trees.balanced(4), 3, 3, get_operator("max"), np.random.default_rng(1))
    assert not sum_pooling_factorization_holds(d)


# --------------------------------------------------------------------------- Claim 8


@pytest.mark.parametrize("r0", [2, 3, 4])
def test_claim8_matricization_is_mO_minus_D(r0: int) -> None:
    """Supp. E.10: [A] = m*O - D, D a 0/1 diagonal with m^(N/2) ones (m = min(r0, M))."""
    n, dim = 4, 3
    m = min(r0, dim)
    tree = trees.balanced(n)
    F = representation_matrix("random", dim, np.random.default_rng(0))
    d = generalized_from_weights(
        tree, dim, r0, claim8_weights(tree, dim, r0, F), get_operator("max"), F=F
    )
    q = grid_tensor_q(d)
    mat = grid_matrix(d, odd_even(n))
    assert q.den == 1 or all(int(v) % q.den == 0 for v in q.num.ravel())
    values = (mat // q.den).tolist() if q.den > 1 else mat.tolist()
    ones = 0
    for i, row in enumerate(values):
        for j, v in enumerate(row):
            diag = i == j and all(digit < m for digit in np.unravel_index(i, (dim,) * (n // 2)))
            assert v == (m - 1 if diag else m)
            ones += diag
    assert ones == m ** (n // 2)
    assert exact_rank(mat) >= m ** (n // 2)


# --------------------------------------------------------------------------- E.11


def test_e11_point_depends_on_first_input_and_matches_replicas() -> None:
    tree = trees.balanced(8)
    F = representation_matrix("random", 3, np.random.default_rng(4))
    rng = np.random.default_rng(9)
    for deep, shallow, variant in (
        ("max", "max", "paper"),
        ("max", "prod", "paper"),
        ("avg", "avg", "negative-even"),
    ):
        base = e11_weights(tree, 3, 2, F, variant)
        assert e11_certificate(tree, 3, 2, F, Fr(1, 1024), deep, shallow, variant).ok
        for _ in range(3):
            w, Ft = perturb(base, F, Fr(1, 1024), rng)
            A = grid_tensor_q(generalized_from_weights(tree, 3, 2, w, get_operator(deep), F=Ft))
            assert depends_on_modes(A) == (0,)
            first = A[(slice(None),) + (0,) * 7]
            assert mismatches(e11_replica(Ft, first, 8, shallow), A) == 0


def test_e11_certificate_refuses_what_does_not_hold() -> None:
    tree = trees.balanced(4)
    F = representation_matrix("identity", 3)
    assert not e11_certificate(tree, 3, 2, F, Fr(1), "max", "max").ok
    paper_avg = e11_certificate(tree, 3, 2, F, Fr(1, 1024), "avg", "avg", "paper")
    assert not paper_avg.ok and "resolve" in paper_avg.reason


def test_perturbations_stay_in_the_box() -> None:
    tree = trees.balanced(4)
    F = representation_matrix("identity", 2)
    base = e11_weights(tree, 2, 2, F)
    w, Ft = perturb(base, F, Fr(1, 8), np.random.default_rng(0))
    for v, q in w.items():
        for a, b in zip(np.ravel(q.to_fractions()), np.ravel(base[v].to_fractions()), strict=True):
            assert abs(a - b) <= Fr(1, 8)
    assert Ft.shape == (2, 2)


# --------------------------------------------------------------------------- universality


@pytest.mark.parametrize(("construction", "op_name"), [("fibers", "prod"), ("indicators", "max")])
def test_universal_constructions_realize_any_target(construction: str, op_name: str) -> None:
    rng = np.random.default_rng(3)
    F = representation_matrix("random", 3, rng)
    for n in (2, 4):
        targets = [
            identity_target(n, 3),
            QArray.from_values(rng.integers(-9, 10, size=(3,) * n).tolist()),
        ]
        targets.append(QArray.from_values(np.zeros((3,) * n, dtype=np.int64).tolist()))
        for t in targets:
            assert mismatches(universal_shallow(t, construction, op_name, F), t) == 0
    full = universal_shallow(identity_target(4, 3), construction, op_name, F)
    assert exact_rank(grid_matrix(full, odd_even(4))) == 9


def test_average_pooling_misses_the_targets() -> None:
    F = representation_matrix("identity", 3)
    for construction in ("fibers", "indicators"):
        d = universal_shallow(identity_target(4, 3), construction, "avg", F)
        assert mismatches(d, identity_target(4, 3)) > 0
        assert exact_rank(grid_matrix(d, odd_even(4))) <= 2


# --------------------------------------------------------------------------- ranks


def test_random_prime_is_in_range_and_deterministic() -> None:
    p = random_prime(np.random.default_rng(5))
    assert 2**61 <= p < 2**62 and bool(fmpz(p).is_prime())
    assert p == random_prime(np.random.default_rng(5))
    assert PRIMES_IN_RANGE > 3 * 10**16


def test_modular_epsilon_is_tiny_and_grows_with_size() -> None:
    assert modular_epsilon(81, 81, 90) < Fr(1, 10**14)
    assert modular_epsilon(81, 81, 90) < modular_epsilon(81, 81, 900)
    assert modular_epsilon(0, 5, 10) == 0


def test_modular_rank_bounds_exact_rank_from_below() -> None:
    p = random_prime(np.random.default_rng(0))
    bad = np.array([[p, 0], [0, 1]], dtype=object)  # rank 2 over Q, 1 mod p
    assert modular_rank(bad, p) == 1 and exact_rank(bad) == 2
    rng = np.random.default_rng(1)
    for _ in range(5):
        a = rng.integers(-3, 4, size=(6, 3)).astype(object)
        mat = a.dot(rng.integers(-3, 4, size=(3, 7)).astype(object)) * (2**80 + 1)
        rows = [[Fr(int(v)) for v in row] for row in mat]
        assert modular_rank(mat, p) <= exact_rank(mat) == fraction_rank(rows) <= 3
