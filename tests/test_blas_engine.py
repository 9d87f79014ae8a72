"""The ``blas`` engine (rank mod p < 2**26 on float64 BLAS) against FLINT's ``nmod_mat``.

Several hundred matrices of every kind the engine must get right -- random dense, low
rank, rank-deficient only mod p, Kronecker products with singular factors, sparse,
skinny, empty, entries near 2**62 and big Python ints -- for every size of prime the
engine accepts, with the elimination's panel width shrunk so that small matrices go
through every path (fast path, pivoting fallback, zero panels, delayed reduction,
digit splitting). The exactness bounds of the module docstring are tested at their
edges against Python integers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import numpy as np
import pytest
from flint import fmpz_mat, nmod_mat

from convac_verify.engines import blas
from convac_verify.engines.blas import (
    LIMIT,
    MAX_PRIME,
    balanced,
    digit_split_needed,
    max_inner_dimension,
    rank_mod,
)
from convac_verify.errors import ConvacError

# one prime of every size the engine accepts: tiny, 8/13/16 bits, delayed reduction
# over the whole matrix (< 2**20), chunked products (2**21..2**23), digit splitting
# (2**24..2**26)
PRIMES = [2, 3, 7, 251, 8191, 65521, 1048573, 2097143, 8388593, 16777213, 33554393, 67108859]

Kind = Callable[[np.random.Generator, int], np.ndarray]


def flint_rank(matrix: np.ndarray, p: int) -> int:
    m, n = matrix.shape
    if m == 0 or n == 0:
        return 0
    values = [int(v) % p for v in np.asarray(matrix, dtype=object).ravel()]
    return int(nmod_mat(fmpz_mat(m, n, values), p).rank())


def _shape(rng: np.random.Generator, top: int = 90) -> tuple[int, int]:
    return int(rng.integers(1, top)), int(rng.integers(1, top))


def _low_rank(rng: np.random.Generator, p: int) -> np.ndarray:
    m, n = _shape(rng)
    k = int(rng.integers(0, min(m, n) + 1))
    u = rng.integers(0, p, size=(m, k)).astype(object)
    v = rng.integers(0, p, size=(k, n)).astype(object)
    return (u @ v) % p if k else np.zeros((m, n), dtype=np.int64)


def _only_mod_p(rng: np.random.Generator, p: int) -> np.ndarray:
    """Full rank over Q, rank-deficient mod p: a multiple of p added to a singular matrix."""
    m, n = _shape(rng, 60)
    k = int(rng.integers(0, min(m, n)))
    u = rng.integers(-5, 6, size=(m, k)).astype(object)
    v = rng.integers(-5, 6, size=(k, n)).astype(object)
    base = u @ v if k else np.zeros((m, n), dtype=object)
    return base + p * rng.integers(-3, 4, size=(m, n)).astype(object)


def _kron_singular(rng: np.random.Generator, p: int) -> np.ndarray:
    a = rng.integers(0, 3, size=(int(rng.integers(1, 10)), int(rng.integers(1, 10))))
    a[int(rng.integers(0, a.shape[0]))] = 0  # a zero row: a singular factor
    b = rng.integers(0, p, size=(int(rng.integers(1, 12)), int(rng.integers(1, 12))))
    b[:, 0] = b[:, -1]  # two equal columns
    return np.kron(a, b)


def _sparse(rng: np.random.Generator, p: int) -> np.ndarray:
    m, n = _shape(rng)
    return rng.integers(0, p, size=(m, n)) * (rng.random((m, n)) < 0.03)


def _skinny(rng: np.random.Generator, p: int) -> np.ndarray:
    k = int(rng.integers(1, 4))
    long = int(rng.integers(50, 400))
    a = rng.integers(0, p, size=(long, k))
    return a if rng.random() < 0.5 else a.T


def _dense(rng: np.random.Generator, p: int) -> np.ndarray:
    m, n = _shape(rng)
    return rng.integers(0, p, size=(m, n))


def _near_2_62(rng: np.random.Generator, p: int) -> np.ndarray:
    m, n = _shape(rng, 40)
    a = rng.integers(2**62 - 2**40, 2**62, size=(m, n), dtype=np.int64)
    return a if rng.random() < 0.5 else a.astype(np.uint64) + np.uint64(2**62)


def _big_ints(rng: np.random.Generator, p: int) -> np.ndarray:
    m, n = _shape(rng, 30)
    digits = rng.integers(-(2**62), 2**62, size=(m, n, 3)).astype(object)
    return digits[..., 0] * 2**140 + digits[..., 1] * 2**70 + digits[..., 2]


def _permuted_identity(rng: np.random.Generator, p: int) -> np.ndarray:
    """Zero leading blocks: the fast path fails and the pivoting path takes over."""
    n = int(rng.integers(1, 80))
    return np.eye(n, dtype=np.int64)[rng.permutation(n)] * rng.integers(1, p, size=n)


KINDS: dict[str, Kind] = {
    "dense": _dense,
    "low rank": _low_rank,
    "deficient only mod p": _only_mod_p,
    "kron singular": _kron_singular,
    "sparse": _sparse,
    "skinny": _skinny,
    "near 2**62": _near_2_62,
    "big ints": _big_ints,
    "permuted identity": _permuted_identity,
}


@pytest.fixture
def small_panels(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Panels of 16 columns and leaves of 4: small matrices take every path."""
    monkeypatch.setattr(blas, "_PANEL", 16)
    monkeypatch.setattr(blas, "_BASE", 4)
    monkeypatch.setattr(blas, "_LEAF", 4)
    yield


@pytest.mark.parametrize("p", PRIMES)
@pytest.mark.parametrize("kind", sorted(KINDS))
def test_agrees_with_flint(small_panels: None, kind: str, p: int) -> None:
    rng = np.random.default_rng([p, len(kind)])
    for _ in range(3):
        a = KINDS[kind](rng, p)
        assert rank_mod(a, p) == flint_rank(a, p), (kind, p, a.shape)


@pytest.mark.parametrize("p", [1048573, 67108859])
def test_default_panels_agree_with_flint(p: int) -> None:
    """The production panel width (one fast-path step, then a pivoting tail)."""
    rng = np.random.default_rng(p)
    for a in (
        rng.integers(0, p, size=(300, 280)),
        np.kron(rng.integers(0, p, size=(20, 20)), np.ones((16, 1), dtype=np.int64)),
    ):
        assert rank_mod(a, p) == flint_rank(a, p)


@pytest.mark.slow
@pytest.mark.parametrize("p", [65521, 1048573, 8388593, 67108859])
def test_large_matrices_agree_with_flint(p: int) -> None:
    rng = np.random.default_rng(p)
    u = rng.integers(0, p, size=(1100, 700))
    cases = [
        rng.integers(0, p, size=(1100, 1000)),
        (u @ rng.integers(0, 5, size=(700, 900))) % p,
        np.kron(rng.integers(0, 2, size=(33, 33)), rng.integers(0, p, size=(31, 30))),
        rng.integers(0, p, size=(1024, 1024)) * (rng.random((1024, 1024)) < 0.002),
    ]
    for a in cases:
        assert rank_mod(a, p) == flint_rank(a, p)


def test_empty_and_zero() -> None:
    for shape in ((0, 0), (0, 5), (7, 0)):
        assert rank_mod(np.zeros(shape, dtype=np.int64), 7) == 0
    assert rank_mod(np.zeros((300, 300), dtype=np.int64), 1048573) == 0


def test_rank_is_transpose_invariant_and_layout_free(rng: np.random.Generator) -> None:
    p = 8191
    a = rng.integers(0, 3, size=(40, 7)) @ rng.integers(0, 3, size=(7, 55))
    want = flint_rank(a, p)
    for view in (a, a.T, np.asfortranarray(a), a[:, ::2], a[::-1]):
        assert rank_mod(view, p) == flint_rank(view, p)
    assert rank_mod(a, p) == want


def test_overwrite_converts_in_place(rng: np.random.Generator) -> None:
    p = 1048573
    for a in (
        rng.integers(0, p, size=(300, 1100)).astype(np.uint64),  # residues already
        rng.integers(-(2**62), 2**62, size=(300, 1100)),  # reduced on the way
    ):
        want = balanced(a, p)
        out = balanced(a, p, overwrite=True)
        assert np.shares_memory(out, a)
        assert np.array_equal(out, want)
        assert np.all(np.abs(out) <= p // 2)
    a = rng.integers(0, 7, size=(60, 50)) @ rng.integers(0, 7, size=(50, 70))
    want = flint_rank(a, p)
    assert rank_mod(a.copy(), p, overwrite=True) == want == 50


def test_rejects_bad_primes_and_inputs() -> None:
    a = np.eye(3, dtype=np.int64)
    for p in (MAX_PRIME, 2**26 + 15, 2**61 - 1, 15, 1):
        with pytest.raises(ConvacError, match="prime below 2"):
            rank_mod(a, p)
    with pytest.raises(ConvacError, match="non-integer"):
        rank_mod(np.array([[0.5, 1.0]]), 7)
    with pytest.raises(ConvacError, match="2-D"):
        rank_mod(np.zeros(3, dtype=np.int64), 7)


def test_blas_threads_are_pinned(monkeypatch: pytest.MonkeyPatch) -> None:
    from threadpoolctl import threadpool_info

    seen: list[int] = []
    real = blas._eliminate_in_place

    def spy(*args: object) -> int:
        seen.extend(i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas")
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(blas, "_eliminate_in_place", spy)
    rank_mod(np.eye(4, dtype=np.int64), 7)
    assert seen and set(seen) == {1}


# ----------------------------------------------------------------------------- exactness
@pytest.mark.parametrize("p", [1048573, 8388593, 16777213, 67108859])
def test_largest_exact_product_at_extreme_entries(p: int) -> None:
    """``c - x e`` at the largest inner dimension the bounds admit, every entry extreme."""
    h = p // 2 + 2
    k = max_inner_dimension(p, h, h)
    assert h + k * h * h <= LIMIT < h + (k + 1) * h * h  # the bound is tight
    k = min(k, 3000)
    x = np.full((2, k), float(h))
    x[1] = -h
    e = np.full((k, 3), float(h))
    c = np.array([[h, -h, h], [-h, h, -h]], dtype=np.float64, order="F")
    want = np.asarray(c, dtype=object) - x.astype(np.int64).astype(object) @ e.astype(
        np.int64
    ).astype(object)
    got = c.copy(order="F")
    blas._sub_product(got, x, e, p, h)
    assert all(int(g) % p == int(w) % p for g, w in zip(got.ravel(), want.ravel(), strict=True))
    assert np.all(np.abs(got) <= LIMIT)


@pytest.mark.parametrize("p", [16777213, 67108859])
def test_digit_splitting_is_exact_for_long_products(p: int) -> None:
    h = p // 2 + 2
    k = 4096
    assert digit_split_needed(p, k)
    rng = np.random.default_rng(p)
    x = rng.choice([-h + 2, h - 2], size=(3, k)).astype(np.float64)
    e = rng.choice([-h + 2, h - 2], size=(k, 4)).astype(np.float64)
    c = np.zeros((3, 4), order="F")
    bound = blas._sub_product(c, x, e, p, 0)
    assert bound <= LIMIT
    want = (x.astype(np.int64).astype(object) @ e.astype(np.int64).astype(object)) % p
    assert [[int(v) % p for v in row] for row in (-c)] == want.tolist()


def test_no_digit_split_below_2_20() -> None:
    p = 1048573
    assert not digit_split_needed(p, 32767)
    assert max_inner_dimension(p, p // 2 + 2, p // 2 + 2) >= 32767


@pytest.mark.parametrize("p", [3, 1048573, 67108859])
def test_reduction_at_the_limit(p: int) -> None:
    """``x - p rint(x / p)`` is exact and balanced up to ``LIMIT``."""
    h = p // 2 + 2
    values = [LIMIT, -LIMIT, LIMIT - 1, p * (LIMIT // p), p * (LIMIT // p) + p // 2, 0, h, -h]
    x = np.array(values, dtype=np.float64)
    blas._reduce_inplace(x, p)
    assert np.all(np.abs(x) <= h)
    assert [int(v) % p for v in x] == [v % p for v in values]


# ----------------------------------------------------------------------------- kernels
def flint_inverse(block: np.ndarray, p: int) -> list[list[int]] | None:
    k = block.shape[0]
    mat = nmod_mat(fmpz_mat(k, k, [int(v) % p for v in block.ravel()]), p)
    if int(mat.rank()) < k:
        return None
    inv = mat.inv()
    return [[int(inv[i, j]) for j in range(k)] for i in range(k)]


@pytest.mark.parametrize("p", [2, 3, 251, 65521, 1048573, 8388593, 67108859])
def test_compiled_inverse_agrees_with_flint(p: int) -> None:
    """Gauss--Jordan with diagonal pivots: the inverse, or ``False`` on a vanishing pivot."""
    from convac_verify.engines.blas_kernels import inverse_in_place

    rng = np.random.default_rng(p)
    for k in (1, 2, 5, 16, 33, 64):
        for low in (False, True):
            block = rng.integers(-(p // 2), p // 2 + 1, size=(k, k)).astype(np.float64)
            if low and k > 1:  # singular: a repeated row (a pivot vanishes on the way)
                block[-1] = block[0]
            a = np.array(block, order="F", copy=True)
            ok = inverse_in_place(a, p, float(LIMIT))
            want = flint_inverse(block, p)
            if ok:
                assert want is not None
                assert np.all(np.abs(a) <= p // 2 + 2)
                assert [[int(v) % p for v in row] for row in a] == want
            else:  # a pivot vanished: singular, or a zero leading minor
                minors = [flint_inverse(block[:j, :j], p) for j in range(1, k + 1)]
                assert any(m is None for m in minors)


def test_compiled_reduction_on_strided_views(rng: np.random.Generator) -> None:
    from convac_verify.engines.blas_kernels import reduce_in_place

    p = 67108859
    values = rng.integers(-(2**52), 2**52, size=(30, 40))
    x = np.asfortranarray(values.astype(np.float64))
    view = x[3:25, 5:31]
    reduce_in_place(view, p)
    assert np.all(np.abs(view) <= p // 2 + 2)
    assert np.array_equal(view.astype(np.int64) % p, values[3:25, 5:31] % p)
    assert np.array_equal(x[:3], values[:3].astype(np.float64))  # outside untouched


def test_strided_gemm_in_place(rng: np.random.Generator) -> None:
    from convac_verify.engines.dgemm import gemm_in_place

    s = np.asfortranarray(rng.integers(-9, 10, size=(40, 50)).astype(np.float64))
    want = s.copy()
    a, b = s[12:, 3:10], s[2:9, 20:45]
    want[12:, 20:45] = 0.5 * want[12:, 20:45] - 2.0 * (want[12:, 3:10] @ want[2:9, 20:45])
    gemm_in_place(-2.0, a, b, 0.5, s[12:, 20:45])
    assert np.array_equal(s, want)
    with pytest.raises(ValueError, match="contiguous columns"):
        gemm_in_place(1.0, np.ones((4, 3))[::2], np.ones((3, 3)), 0.0, np.zeros((2, 3)))
    with pytest.raises(ValueError, match="do not match"):
        gemm_in_place(1.0, np.ones((3, 3)), np.ones((2, 3)), 0.0, np.zeros((3, 3)))


@pytest.mark.parametrize("p", [1048573, 8388593])
def test_fast_path_falls_back_midway(monkeypatch: pytest.MonkeyPatch, p: int) -> None:
    """A singular leading block after some generic panels: the pivoting path takes over."""
    monkeypatch.setattr(blas, "_PANEL", 16)
    rng = np.random.default_rng(p)
    a = rng.integers(0, p, size=(70, 60))
    a[32:48, :] = 0  # rows of the third panel's leading block vanish ...
    a[32:48, 50:] = rng.integers(0, p, size=(16, 10))  # ... except in late columns
    assert rank_mod(a, p) == flint_rank(a, p)


@pytest.mark.parametrize("p", [2, 3, 1048573, 67108859])
def test_compiled_conversion_matches_python_integers(rng: np.random.Generator, p: int) -> None:
    """int64 entries anywhere in their range (the extremes included) to balanced residues."""
    a = rng.integers(-(2**63), 2**63 - 1, size=(37, 23), dtype=np.int64, endpoint=True)
    a[0, :4] = [-(2**63), 2**63 - 1, 0, p // 2 + 1]
    want = [[(int(v) % p) - (p if int(v) % p > p // 2 else 0) for v in row] for row in a]
    for overwrite in (False, True):
        got = balanced(np.asfortranarray(a), p, overwrite=overwrite)  # C order: transposed
        assert got.tolist() == [[float(v) for v in row] for row in want]
