"""Structural bounds hold on random instances; the status rule; growth classes; claims."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from convac_verify.algebra.fields import PrimeField
from convac_verify.algebra.primes import prime_failure
from convac_verify.bounds.recursion import recursive_upper_bound
from convac_verify.engines.structured import structured_rank
from convac_verify.errors import InvalidClaim
from convac_verify.evidence.certificates import Bound, Certificate
from convac_verify.evidence.claims import parse_claim
from convac_verify.evidence.growth import classify
from convac_verify.evidence.status import Claim, Evidence, Measurement, Status, decide
from convac_verify.networks import trees
from convac_verify.networks.decompositions import random_decomposition
from convac_verify.networks.partitions import Partition, odd_even

from .test_grid_and_structured import tree_and_partition

F = PrimeField()


@settings(max_examples=40, deadline=None)
@given(tree_and_partition(), st.integers(0, 2**32))
def test_c_recursion_bounds_every_random_instance(case, seed: int) -> None:  # type: ignore[no-untyped-def]
    tree, part, dim, width = case
    d = random_decomposition(tree, dim, width, F, np.random.default_rng(seed))
    assert structured_rank(d, part) <= recursive_upper_bound(tree, dim, width, part)


@settings(max_examples=40, deadline=None)
@given(st.integers(2, 12), st.integers(1, 3), st.integers(1, 5), st.data())
def test_cp_bound_on_random_partitions(n: int, dim: int, z: int, data: st.DataObject) -> None:
    rows = data.draw(st.sets(st.integers(0, n - 1), min_size=1, max_size=n - 1))
    part = Partition.from_rows(rows, n)
    d = random_decomposition(trees.cp_tree(n), dim, z, F, np.random.default_rng(n * 7 + z))
    k = structured_rank(d, part)
    assert k <= z and recursive_upper_bound(trees.cp_tree(n), dim, z, part) == min(
        dim ** min(len(part.rows), len(part.cols)), z
    )
    assert k == min(dim ** min(len(part.rows), len(part.cols)), z)  # generic rank reached


def test_theorem1_bound_is_tight_by_structure() -> None:
    """c-recursion = min(r0, M)**(N/2) for the balanced tree when r_l >= min(r0,M)**2."""
    assert recursive_upper_bound(trees.balanced(16), 2, 4, odd_even(16)) == 2**8


RANDOM = Evidence.random(
    field="GF(p)",
    method="dense",
    seed=0,
    prime=2**61 - 1,
    prime_random=True,
    entry_bits=8,
    sample_space=2**61,
    degree=31,
)
FIXED = Evidence.random(
    field="GF(p)", method="dense", seed=0, prime=2**61 - 1, sample_space=2**61, degree=31
)
WITNESS = Evidence.witness("explicit", field="GF(p)", method="structured", prime=2**61 - 1)


def _m(rank: int, ev: Evidence, upper: int | None = None) -> Measurement:
    bounds = () if upper is None else (Bound(upper, Certificate("c-recursion", "test")),)
    return Measurement(rank, ev, bounds)


@pytest.mark.parametrize(
    ("relation", "bound", "rank", "upper", "evidence", "status", "has_eps"),
    [
        (">=", 4, 4, None, RANDOM, Status.PROVED, False),
        (">=", 4, 3, None, RANDOM, Status.VIOLATED, True),
        (">=", 4, 3, 3, RANDOM, Status.VIOLATED, False),
        (">=", 4, 3, None, WITNESS, Status.INCONCLUSIVE, False),
        (">=", 4, 3, None, FIXED, Status.INCONCLUSIVE, False),
        ("<=", 4, 5, None, RANDOM, Status.VIOLATED, False),
        ("<=", 4, 4, 4, RANDOM, Status.PROVED, False),
        ("<=", 4, 3, None, RANDOM, Status.VERIFIED, True),
        ("<=", 4, 3, None, FIXED, Status.INCONCLUSIVE, False),
        ("<=", 4, 3, None, WITNESS, Status.INCONCLUSIVE, False),
        ("==", 4, 4, 4, RANDOM, Status.PROVED, False),
        ("==", 4, 4, 9, RANDOM, Status.VERIFIED, True),
        ("==", 4, 5, 9, RANDOM, Status.VIOLATED, False),
    ],
)
def test_decide(
    relation: str,
    bound: int,
    rank: int,
    upper: int | None,
    evidence: Evidence,
    status: Status,
    has_eps: bool,
) -> None:
    v = decide(Claim(relation, "b", bound), _m(rank, evidence, upper))
    assert v.status is status
    assert (v.epsilon is not None) == has_eps


def test_epsilon_is_schwartz_zippel_plus_the_prime_term() -> None:
    v = decide(Claim("<=", "b", 4), _m(3, RANDOM))
    # the prime term is computed for the range of the prime's bit length (2**61 - 1 lies
    # in [2**60, 2**61))
    assert v.epsilon == Fraction(5 * 31, 2**61) + prime_failure(5 * (3 + 8), 60)


@pytest.mark.parametrize(
    ("xs", "ys", "kind", "formula"),
    [
        ([2, 4, 8, 16], [2, 4, 16, 256], "exponential", "2**(x/2)"),
        ([1, 2, 3, 4], [3, 9, 27, 81], "exponential", "3**x"),
        ([2, 4, 8, 16], [2, 2, 2, 2], "bounded", "2"),
        ([2, 4, 8, 16], [1, 2, 2, 2], "bounded", "2"),
        ([2, 4, 8, 16], [8, 64, 512, 4096], "polynomial", "x**3"),
        ([1, 2, 3], [4, 16, 256], "double exponential", "2**(2**x)"),
    ],
)
def test_growth_classes(xs: list[int], ys: list[int], kind: str, formula: str) -> None:
    g = classify(xs, ys)
    assert (g.kind, g.formula, g.exact) == (kind, formula, True)


def test_growth_fallback_and_too_few_points() -> None:
    assert classify([1, 2], [2, 4]).kind == "undetermined"
    g = classify([1, 2, 3, 4], [3, 7, 20, 55])
    assert not g.exact and g.kind == "exponential"


@pytest.mark.parametrize(
    ("text", "relation", "value"),
    [
        (">= 2**(N/2)", ">=", 256),
        ("> 2**(N/2)", ">=", 257),
        ("<= Z", "<=", 3),
        ("< Z", "<=", 2),
        ("== r0*r1", "==", 6),
        ("= M^2", "==", 4),
        (">= sqrt(N)*3", ">=", 12),
        ("<= min(Z, M**2)", "<=", 3),
    ],
)
def test_parse_claim(text: str, relation: str, value: int) -> None:
    c = parse_claim(text, {"N": 16, "M": 2, "Z": 3, "r0": 2, "r1": 3})
    assert (c.relation, c.value) == (relation, value)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2**N", "relation"),
        (">= 2**Q", "unknown symbol 'Q'"),
        (">= __import__('os')", "may use"),
        (">= (N", "cannot parse"),
        ("== N/3", "not an integer"),
        (">= log(0)", "real number"),
    ],
)
def test_bad_claims(text: str, message: str) -> None:
    with pytest.raises(InvalidClaim, match=message):
        parse_claim(text, {"N": 16, "M": 2})
