"""Theorem 7's witness and the structured (Kronecker-core) rank of eq. 3 decompositions:
the structured rank equals the dense GF(p) rank; the witness reaches r^(sibling pairs)."""

from __future__ import annotations

import numpy as np
import pytest

from convac_verify.algebra.fields import IntegerRing, PrimeField
from convac_verify.bounds.tilings import tiling_bounds
from convac_verify.engines.dilated_structured import dilated_structured_rank
from convac_verify.engines.gfp import rank_mod_p
from convac_verify.errors import BudgetExceeded, InvalidDecomposition
from convac_verify.networks import trees
from convac_verify.networks.dilated import (
    dilated_grid_tensor,
    example_hybrid_tree,
    example_partition,
    random_dilated,
)
from convac_verify.networks.dilated_witness import theorem7_witness
from convac_verify.networks.dilations import dilation_tree, swapped_tree
from convac_verify.networks.matricize import matricize
from convac_verify.networks.partitions import (
    Partition,
    left_right,
    odd_even,
    random_balanced,
)

P = 2**61 - 1


def _dense(decomp: object, part: Partition) -> int:
    return rank_mod_p(matricize(dilated_grid_tensor(decomp), part), P)  # type: ignore[arg-type]


def _partitions(n: int) -> list[Partition]:
    rng = np.random.default_rng(n)
    out = [odd_even(n), left_right(n), *(random_balanced(n, rng) for _ in range(3))]
    if n % 8 == 0:
        out.append(example_partition(n))
    return out


@pytest.mark.parametrize(
    "tree",
    [trees.balanced(16), swapped_tree(16, 2), example_hybrid_tree(16), dilation_tree([4, 1, 8, 2])],
    ids=["baseline", "swapped", "hybrid", "4,1,8,2"],
)
def test_witness_reaches_r_pow_pairs_dense_and_structured(tree: object) -> None:
    ring = PrimeField(P)
    for part in _partitions(16):
        w = theorem7_witness(tree, part, 2, 2, ring)  # type: ignore[arg-type]
        expected = 2 ** tiling_bounds(tree, part).lower_exponent  # type: ignore[arg-type]
        assert _dense(w, part) == expected
        assert dilated_structured_rank(w, part, prime=P) == expected


def test_witness_with_r_3() -> None:
    ring = PrimeField(P)
    tree = dilation_tree([2, 4, 1])
    for part in _partitions(8):
        w = theorem7_witness(tree, part, 4, 3, ring)
        expected = 3 ** tiling_bounds(tree, part).lower_exponent
        assert _dense(w, part) == dilated_structured_rank(w, part, prime=P) == expected


@pytest.mark.parametrize("n", [8, 16])
def test_structured_equals_dense_at_random_weights(n: int) -> None:
    rng = np.random.default_rng(7)
    ring = PrimeField(P)
    for tree in (trees.balanced(n), swapped_tree(n, 2 if n == 16 else 3)):
        for width in (1, 2, 3) if n == 8 else (2,):
            dec = random_dilated(tree, 2 if n == 16 else 3, width, ring, rng)
            for part in _partitions(n):
                assert dilated_structured_rank(dec, part, prime=P) == _dense(dec, part)


def test_structured_over_integer_weights_and_degenerate_discretizers() -> None:
    rng = np.random.default_rng(3)
    z = IntegerRing()
    tree = swapped_tree(16, 2)
    part = example_partition(16)
    dec = random_dilated(tree, 2, 2, z, rng)
    assert dilated_structured_rank(dec, part, prime=P) == _dense(dec, part) == 2**6
    flat = random_dilated(tree, 2, 2, PrimeField(P), rng, discretizers="degenerate")
    assert dilated_structured_rank(flat, part, prime=P) == _dense(flat, part) == 1


def test_worked_example_at_n_64_without_a_dense_matrix() -> None:
    ring = PrimeField(P)
    part = example_partition(64)
    got = {
        name: dilated_structured_rank(theorem7_witness(t, part, 2, 2, ring), part, prime=P)
        for name, t in (
            ("T", trees.balanced(64)),
            ("T-bar", swapped_tree(64, 2)),
            ("H", example_hybrid_tree(64)),
        )
    }
    assert got == {"T": 2**24, "T-bar": 2**24, "H": 2**32}


def test_budget_and_hypotheses() -> None:
    ring = PrimeField(P)
    rng = np.random.default_rng(0)
    dec = random_dilated(trees.balanced(16), 2, 2, ring, rng)
    with pytest.raises(BudgetExceeded, match="core"):
        dilated_structured_rank(dec, odd_even(16), prime=P, budget=64 * 10)
    with pytest.raises(InvalidDecomposition, match="M >= r"):
        theorem7_witness(trees.balanced(8), odd_even(8), 2, 3, ring)
    with pytest.raises(InvalidDecomposition, match="binary"):
        theorem7_witness(trees.from_nested((0, 1, 2, 3)), odd_even(4), 2, 2, ring)
