"""Every registered rank engine against one table of worked examples and an independent
elimination (sympy's RREF_EXAMPLES idea), plus the algebraic properties ranks obey."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from convac_verify.algebra.fields import MERSENNE_61
from convac_verify.engines import RANK_ENGINES, get_rank_engine
from convac_verify.engines.gfp import independent_rows, rank_mod_p
from convac_verify.engines.rational import rank_over_q

from .reference_rank import rank_mod, rank_q

# (name, matrix, rank over Q, rank mod 7)
RANK_EXAMPLES = [
    ("empty rows", [[0] * 3][:0], 0, 0),
    ("zero", [[0, 0], [0, 0]], 0, 0),
    ("identity", [[1, 0], [0, 1]], 2, 2),
    ("rank one", [[1, 2, 3], [2, 4, 6]], 1, 1),
    ("deficient only mod 7", [[1, 0], [0, 7]], 2, 1),
    ("Hilbert-like (scaled)", [[60, 30, 20], [30, 20, 15], [20, 15, 12]], 3, 3),
    # det 1, entries near 1e6: float SVD calls kron(B, B) rank 3 (exact-rank.md)
    (
        "kron of near-singular",
        np.kron(
            np.array([[10**6, 10**6 - 1], [10**6 + 1, 10**6]], dtype=object),
            np.array([[10**6, 10**6 - 1], [10**6 + 1, 10**6]], dtype=object),
        ).tolist(),
        4,
        None,
    ),
]


@pytest.mark.parametrize("engine", sorted(RANK_ENGINES))
@pytest.mark.parametrize(("name", "rows", "rank_q_", "rank_7"), RANK_EXAMPLES)
def test_examples(
    engine: str, name: str, rows: list[list[int]], rank_q_: int, rank_7: int | None
) -> None:
    eng = get_rank_engine(engine)
    matrix = np.array(rows, dtype=object).reshape(len(rows), len(rows[0]) if rows else 3)
    if engine == "float":
        if name == "kron of near-singular":
            pytest.skip("float rank is known to be wrong here: that is the point")
        assert eng.rank(matrix, 7) == rank_q_
        assert eng.certifies == frozenset()
        return
    if engine == "gfp":
        want = rank_7 if rank_7 is not None else rank_mod(rows, 7)
        assert eng.rank(matrix, 7) == want
        assert eng.rank(matrix, MERSENNE_61) == rank_q_
        return
    if engine == "blas":  # primes below 2**26
        want = rank_7 if rank_7 is not None else rank_mod(rows, 7)
        assert eng.rank(matrix, 7) == want
        assert eng.rank(matrix, 67_108_859) == rank_q_
        return
    assert eng.rank(matrix, 7) == rank_q_  # qq ignores the prime


def test_float_rank_fails_where_exact_rank_does_not() -> None:
    rows = RANK_EXAMPLES[-1][1]
    m = np.array(rows, dtype=object)
    assert rank_over_q(m) == 4 == rank_q(rows)
    assert get_rank_engine("float").rank(m, 0) != 4  # 3 with NumPy's default tolerance


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 7), st.integers(1, 7), st.integers(0, 4), st.integers(0, 2**32))
def test_engines_agree_with_reference(m: int, n: int, k: int, seed: int) -> None:
    """Random integer matrices of rank <= k: FLINT == independent elimination."""
    rng = np.random.default_rng(seed)
    a = rng.integers(-3, 4, size=(m, k)) @ rng.integers(-3, 4, size=(k, n))
    rows = a.tolist()
    assert rank_over_q(np.array(rows, dtype=object)) == rank_q(rows)
    assert rank_mod_p(np.array(rows, dtype=object), 5) == rank_mod(rows, 5)
    # GF(p) rank <= rank over Q, always
    for p in (2, 3, 5, MERSENNE_61):
        assert rank_mod_p(np.array(rows, dtype=object), p) <= rank_q(rows)


@settings(max_examples=30, deadline=None)
@given(
    st.integers(1, 4),
    st.integers(1, 4),
    st.integers(1, 4),
    st.integers(1, 4),
    st.integers(0, 2**32),
)
def test_rank_of_kronecker_product_is_product(a: int, b: int, c: int, d: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    x = rng.integers(-2, 3, size=(a, b)) * (rng.random((a, b)) < 0.6)
    y = rng.integers(-2, 3, size=(c, d)) * (rng.random((c, d)) < 0.6)
    kron = np.kron(x, y).astype(object)
    assert rank_over_q(kron) == rank_q(x.tolist()) * rank_q(y.tolist())


def test_independent_rows_selects_a_basis(rng: np.random.Generator) -> None:
    p = 101
    basis = rng.integers(0, p, size=(3, 6))
    mix = rng.integers(0, p, size=(5, 3))
    rows = np.vstack([basis, (mix @ basis) % p]).astype(np.uint64)
    keep = independent_rows(rows, p)
    assert len(keep) == 3 == rank_mod_p(rows, p)
    assert rank_mod_p(rows[keep], p) == 3
