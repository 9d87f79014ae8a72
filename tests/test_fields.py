"""Exact modular arithmetic: products of 61-bit residues must never wrap silently."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from convac_verify.algebra.fields import MERSENNE_61, IntegerRing, PrimeField
from convac_verify.errors import InvalidField

PRIMES = [7, 65521, 2**31 - 1, 4294967311, MERSENNE_61, 2**62 - 57]


@pytest.mark.parametrize("p", PRIMES)
def test_mul_matches_python_ints_on_edge_values(p: int) -> None:
    field = PrimeField(p)
    edge = [0, 1, 2, p - 1, p - 2, p // 2, (p + 1) // 2, p - 3]
    a = field.from_ints(edge)
    got = field.mul(a[:, None], a[None, :])
    want = [[x * y % p for y in edge] for x in edge]
    assert got.tolist() == want


def test_naive_uint64_product_would_be_wrong() -> None:
    """The trap this module avoids: uint64 products of 61-bit residues wrap."""
    p = MERSENNE_61
    a = np.array([p - 1], dtype=np.uint64)
    naive = int((a * a % np.uint64(p))[0])
    assert naive != (p - 1) ** 2 % p
    assert int(PrimeField(p).mul(a, a)[0]) == (p - 1) ** 2 % p


@settings(max_examples=60, deadline=None)
@given(
    st.sampled_from(PRIMES),
    st.lists(st.integers(min_value=0, max_value=2**62), min_size=1, max_size=80),
    st.lists(st.integers(min_value=0, max_value=2**62), min_size=1, max_size=80),
)
def test_mul_add_match_python_ints(p: int, xs: list[int], ys: list[int]) -> None:
    field = PrimeField(p)
    n = min(len(xs), len(ys))
    a, b = field.from_ints(xs[:n]), field.from_ints(ys[:n])
    assert field.mul(a, b).tolist() == [x * y % p for x, y in zip(xs[:n], ys[:n], strict=True)]
    assert field.add(a, b).tolist() == [(x + y) % p for x, y in zip(xs[:n], ys[:n], strict=True)]
    # the broadcast (outer) path used by grid tensors, large enough to take the fast path
    outer = field.mul(a[:, None], b[None, :])
    assert outer.tolist() == [[x % p * (y % p) % p for y in ys[:n]] for x in xs[:n]]


def test_from_ints_reduces_negative_values() -> None:
    assert PrimeField(7).from_ints([-1, -8, 15]).tolist() == [6, 6, 1]


def test_prime_field_rejects_composites_and_big_moduli() -> None:
    with pytest.raises(InvalidField, match="not prime"):
        PrimeField(2**61)
    with pytest.raises(InvalidField, match="2\\*\\*62"):
        PrimeField(2**64 - 59)


def test_integer_ring_is_exact_and_random_is_seeded() -> None:
    z = IntegerRing()
    big = z.from_ints([2**100, -(2**90)])
    assert z.mul(big, big).tolist() == [2**200, 2**180]
    a = z.random(np.random.default_rng(3), (2, 3))
    b = z.random(np.random.default_rng(3), (2, 3))
    assert a.shape == (2, 3) and a.tolist() == b.tolist()
    assert all(-(2**31) <= int(v) < 2**31 for v in a.ravel())
