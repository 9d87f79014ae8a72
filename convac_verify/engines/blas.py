"""Rank over GF(p), p < 2**26, by block elimination on float64 BLAS (``blas`` engine).

FLINT's ``nmod_mat`` (the ``gfp`` engine) works on 64-bit words without BLAS; for a
prime below ``2**26`` a residue fits in a float64 mantissa with room to spare, so the
bulk of an elimination -- the trailing (Schur complement) updates ``C <- C - X E`` --
can run in the machine's ``dgemm`` at floating-point speed, and still be **exact**.
This is the method of FFLAS-FFPACK (Dumas, Giorgi, Pernet), written here with NumPy,
SciPy's BLAS wrapper and a few lines of bookkeeping.

Exactness argument
------------------
Residues are kept *balanced*: an entry ``x`` stands for ``x mod p`` and a reduced
entry satisfies ``|x| <= h`` with ``h = floor(p/2) + 2`` (the ``+ 2`` covers the
rounding of the reduction below). Every value that float64 holds is an integer, and
it is exact as long as its magnitude stays below ``2**53``:

1. **Products and sums.** A classical (not Strassen) ``dgemm`` computes each entry of
   ``C - A B`` as ``c - sum_t a_t b_t`` through partial sums in some order, with or
   without fused multiply-adds. If ``|c| <= c_max``, ``|a_t| <= h`` and
   ``|b_t| <= e`` for ``t < k``, then every product and every partial sum is an
   integer of magnitude at most ``c_max + k h e``, so nothing is ever rounded when
   ``c_max + k h e <= LIMIT = 2**53 - 2**27``. (Strassen-like algorithms form sums of
   entries first and void this bound; OpenBLAS's ``dgemm`` is classical.)
2. **Delayed reduction.** The trailing matrix is not reduced after an update: the
   engine records the bound ``c_max`` of its entries and reduces only when the next
   update could exceed ``LIMIT``. With ``e = h`` and a total inner dimension at most
   ``min(m, n)`` over all updates, a matrix never needs reducing while
   ``min(m, n) h**2 + h <= LIMIT``: for ``p < 2**20`` (``h <= 2**19 + 2``) that holds
   up to ``min(m, n) = 32767``.
3. **Digit splitting.** When ``k h**2`` alone could exceed ``LIMIT`` (``p`` above about
   ``2**23``, where ``h**2 > 2**44``), the right factor is split as
   ``E = 2**s E_hi + E_lo`` with ``|E_lo| <= 2**(s-1)`` and ``|E_hi| <= h / 2**s + 1``
   (``s`` about half the bits of ``h``); ``C - A E = (C - A E_lo) - (2**s A mod p) E_hi``
   is two products whose terms are at most ``h 2**(s-1)`` and ``h (h / 2**s + 1)``, about
   ``h**1.5``. For ``p < 2**26`` a product of inner dimension ``k`` then stays exact for
   ``k`` up to about ``2**15``; longer products are cut into chunks of the inner
   dimension, each reduced before the next (exact chunking).
4. **Reduction.** ``r = x - p rint(x / p)`` with the quotient computed as
   ``rint(x * (1/p))`` in float64. For ``|x| <= LIMIT`` the computed quotient is off
   from ``x/p`` by at most ``1/2 + |x| 2**-52 / p``, so ``|r| <= p/2 + 2 <= h``; ``p q``
   and ``x - p q`` are integers below ``2**53`` and exact.

The bounds are asserted by :func:`max_inner_dimension` and pinned at their edges by
``tests/test_blas_engine.py`` (a product at the largest admissible inner dimension
with every entry at its extreme, against Python integers).

Algorithm
---------
A right-looking block elimination in panels of ``b = 256`` columns. The generic case
(:func:`_eliminate_in_place`) works on the converted matrix where it lies: while the
leading ``b x b`` block ``D`` of the trailing matrix is invertible, ``D^{-1} mod p``
comes from a block inversion (Schur complements, products on BLAS) whose ``64 x 64``
leaves are inverted by a compiled Gauss--Jordan (:mod:`.blas_kernels`, Numba);
``Y = D^{-1} E`` (``E`` the pivot rows' other columns) goes to one reused buffer and
the trailing matrix ``C`` is updated in place, ``C <- C - P Y`` with ``P`` the panel
below ``D``, by ``dgemm`` on strided views (:mod:`.dgemm`, SciPy's BLAS with each
view's leading dimension): no copy and no allocation per step, which on this machine
(where a fresh page costs microseconds) was a sixth of the time at n = 2048. The rank
grows by ``b`` per step, since a block triangular matrix whose diagonal block ``D`` is
invertible has rank ``b + rank(Schur complement)``.

When a leading block is singular (structured matrices), or a prime is too large for
one exact product of inner dimension ``b``, the rest goes to the pivoting elimination
(:func:`_eliminate`) on a compact copy. There the trailing matrix ``S`` (``m' x n'``,
Fortran order, at the start of one buffer) is processed one panel at a time:

* the panel's pivot rows ``R`` and columns ``C`` are found by a recursive
  elimination on the panel (column halves; a base case eliminates a small sample of
  rows in NumPy and brings in the rows it misses through their residuals), together
  with ``D^{-1} = (P[R, C])^{-1} mod p`` (block inverse from the Schur complements);
  every panel row is then in the span of the pivot rows;
* ``X = P[rest, C] D^{-1}``, ``E = S[R, b:]``, so that subtracting ``X E`` from the
  other rows clears the panel; the rank grows by ``|R|``;
* the other rows of the trailing columns are gathered to the front of the buffer
  (Fortran order, so the next trailing matrix is contiguous), and updated in place
  by ``scipy.linalg.blas.dgemm(-1, X, E, beta=1, c=S, overwrite_c=True)`` (with digit
  splitting and chunking for the large primes).

Only ranks are computed (no factors are kept). A GF(p) rank of an integer matrix is a
lower bound on its rank over Q; see :mod:`convac_verify.engines.base`.

BLAS threads: :func:`rank_mod` runs under ``threadpoolctl`` with the BLAS pinned to
one thread by default (two threads were measured 8x slower on a loaded 2-core
machine); pass ``threads`` to change it.

References
----------
J.-G. Dumas, P. Giorgi, C. Pernet, "Dense linear algebra over word-size prime
fields: the FFLAS and FFPACK packages", ACM TOMS 35(3), 2008.
J.-G. Dumas, C. Pernet, Z. Sultan, "Simultaneous computation of the row and column
rank profiles", ISSAC 2013.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from typing import Any

import numpy as np
import numpy.typing as npt

from ..algebra.fields import Array, is_prime
from ..errors import ConvacError
from .base import RankEngine

__all__ = [
    "DEFAULT_PRIME",
    "ENGINE",
    "LIMIT",
    "MAX_PRIME",
    "balanced",
    "digit_split_needed",
    "max_inner_dimension",
    "rank_mod",
]

MAX_PRIME = 2**26
"""The engine accepts primes ``p < MAX_PRIME``."""
LIMIT = 2**53 - 2**27
"""Largest magnitude an intermediate integer may reach (module docstring)."""
DEFAULT_PRIME = 1_048_573
"""The largest prime below ``2**20``: the widest for which the trailing matrix never
needs reducing (delayed reduction over ``min(m, n) <= 32767``)."""

F64 = npt.NDArray[np.float64]

_PANEL = 256  # columns per elimination step (inner dimension of the big dgemm)
_BASE = 32  # panel width below which the sample elimination runs
_CHUNK = 1 << 18  # elements per chunk of the conversion pass (cache sized)


@cache
def _dgemm() -> Callable[..., Any]:
    """SciPy's ``dgemm`` wrapper (imported on first use: SciPy's import is slow)."""
    from scipy.linalg.blas import dgemm

    return dgemm


def _h(p: int) -> int:
    """Bound on a reduced balanced residue mod ``p``."""
    return p // 2 + 2


def max_inner_dimension(p: int, right_bound: int, c_bound: int = 0) -> int:
    """Largest ``k`` with ``c_bound + k h right_bound <= LIMIT`` (``h`` bounds the left factor).

    Examples
    --------
    >>> max_inner_dimension(2**20 - 3, 2**19 + 1) >= 32767
    True
    >>> max_inner_dimension(67_108_859, 33_554_431)
    8
    """
    h = _h(p)
    if c_bound + h * right_bound > LIMIT:
        return 0
    return (LIMIT - c_bound) // (h * right_bound)


def digit_split_needed(p: int, k: int) -> bool:
    """Whether a product of inner dimension ``k`` needs the right factor split in digits."""
    return max_inner_dimension(p, _h(p), _h(p)) < k


def _digit_shift(p: int) -> int:
    return (_h(p).bit_length() + 1) // 2


# ----------------------------------------------------------------------------- reduction
def _reduce_inplace(x: F64, p: int) -> F64:
    """``x <- x mods p`` (balanced, ``|x| <= h``) for an array or a view of any strides
    (compiled: one pass, no temporaries); returns ``x``."""
    _kernels().reduce_in_place(x.reshape(x.shape[0], -1) if x.ndim == 1 else x, p)
    return x


def _reduced(x: F64, p: int) -> F64:
    """A reduced copy (Fortran order)."""
    return _reduce_inplace(np.array(x, dtype=np.float64, order="F", copy=True), p)


def balanced(matrix: Array, p: int, *, overwrite: bool = False) -> F64:
    """Balanced residues of an integer matrix as a Fortran-ordered float64 array.

    A C-ordered input gives the residues of its **transpose** (same rank, no
    transposing copy). Integer dtypes (any width, signed or not) are reduced in
    integer arithmetic, so entries near ``2**62`` are exact; ``object`` arrays of
    Python ints of any size are reduced with Python's ``%``. With ``overwrite`` a
    contiguous 64-bit integer input is converted in its own memory (the caller must
    own it and not use it afterwards).

    Examples
    --------
    >>> balanced(np.array([[2**62 + 5], [-1]], dtype=object), 7).tolist()
    [[2.0], [-1.0]]
    """
    a = np.asarray(matrix)
    if a.ndim != 2:
        raise ConvacError(f"a rank needs a 2-D matrix; got shape {a.shape}")
    if a.dtype == object:
        a = np.remainder(a, p).astype(np.int64)
    elif a.dtype.kind == "b":
        a = a.astype(np.int64)
    elif a.dtype.kind == "f":
        if not np.all(np.isfinite(a)) or not np.all(a == np.rint(a)):
            raise ConvacError("the blas engine takes integer matrices; got non-integer floats")
        if a.size and np.max(np.abs(a)) >= 2**53:
            raise ConvacError("float entries of 2**53 or more are not exact integers; pass ints")
        a = np.remainder(a, p).astype(np.int64)
    elif a.dtype.kind not in "iu":
        raise ConvacError(f"the blas engine takes integer matrices; got dtype {a.dtype}")
    elif a.dtype.itemsize < 8:
        a = a.astype(np.int64 if a.dtype.kind == "i" else np.uint64)
    if not a.flags.f_contiguous:
        a = a.T if a.flags.c_contiguous else np.asfortranarray(a)
    src = a.reshape(-1, order="F")
    in_place = overwrite and a.flags.writeable and a.dtype.itemsize == 8
    flat = src.view(np.float64) if in_place else np.empty(src.size)
    if a.dtype == np.int64:  # the common case: one compiled pass
        _kernels().balance_int64(src, flat, p)
        return flat.reshape(a.shape, order="F")
    # one pass tells whether a chunk holds residues already: seen as unsigned, a
    # negative int64 is at least 2**63 > p
    unsigned = src.view(np.uint64)
    modulus = np.uint64(p)
    inv, fp = 1.0 / p, float(p)
    tmp = np.empty(min(src.size, _CHUNK))
    for start in range(0, src.size, _CHUNK):
        part = flat[start : start + _CHUNK]
        chunk = src[start : start + _CHUNK]
        if chunk.size and unsigned[start : start + _CHUNK].max() >= modulus:
            chunk = np.remainder(chunk, a.dtype.type(p))
        part[...] = chunk  # the chunk is read (converted) before it is overwritten
        # residues r in [0, p) to balanced ones: r - p rint(r / p), exact, |.| <= p // 2
        # (a masked subtract, np.subtract(where=...), was measured 4x slower)
        t = tmp[: part.size]
        np.multiply(part, inv, out=t)
        np.rint(t, out=t)
        t *= fp
        part -= t
    return flat.reshape(a.shape, order="F")


# ----------------------------------------------------------------------------- products
def _digits(e: F64, p: int) -> list[tuple[F64, int]]:
    """``e`` as ``sum 2**(s i) d_i`` with small digits; ``[(d_i, bound_i)]``."""
    if not digit_split_needed(p, e.shape[0]):
        return [(e, _h(p))]
    s = _digit_shift(p)
    scale = float(2**s)
    hi = np.rint(e / scale)
    lo = e - hi * scale
    return [(np.asfortranarray(lo), 2 ** (s - 1)), (np.asfortranarray(hi), _h(p) // 2**s + 1)]


def _sub_product(c: F64, x: F64, e: F64, p: int, c_bound: int) -> int:
    """``c <- c - x e`` exactly (``|x| <= h``, ``|e| <= h``), in place; returns ``c``'s bound.

    ``c`` must be Fortran-contiguous (it is updated by ``dgemm`` with ``beta = 1``);
    it is reduced first whenever the update could leave the exact range.
    """
    k = x.shape[1]
    if k == 0 or c.size == 0:
        return c_bound
    parts = _digits(e, p)
    shift = _digit_shift(p)
    for i, (d, d_bound) in enumerate(parts):
        xi = x if i == 0 else _reduced(x * float(2 ** (shift * i)), p)
        step = max_inner_dimension(p, d_bound, _h(p))
        for start in range(0, k, step):
            stop = min(k, start + step)
            grow = (stop - start) * _h(p) * d_bound
            if c_bound + grow > LIMIT:
                _reduce_inplace(c, p)
                c_bound = _h(p)
            out = _dgemm()(
                -1.0,
                np.asfortranarray(xi[:, start:stop]),
                np.asfortranarray(d[start:stop]),
                beta=1.0,
                c=c,
                overwrite_c=True,
            )
            if out is not c and not np.shares_memory(out, c):  # pragma: no cover
                raise RuntimeError("dgemm did not update in place")
            c_bound += grow
    return c_bound


def _mul(a: F64, b: F64, p: int) -> F64:
    """``a b mod p`` (reduced, Fortran order) for reduced ``a`` and ``b``."""
    k = a.shape[1]
    if k <= max_inner_dimension(p, _h(p)):  # one exact product
        if a.size * b.shape[1] < 1 << 16:  # tiny: NumPy's matmul has less overhead
            out = np.asfortranarray(a @ b)
            out -= p * np.rint(out * (1.0 / p))
            return out
        return _reduce_inplace(_dgemm()(1.0, a, b), p)
    out = np.zeros((a.shape[0], b.shape[1]), order="F")
    if out.size:
        _sub_product(out, a, b, p, 0)
        out *= -1.0
        _reduce_inplace(out, p)
    return out


# ----------------------------------------------------------------------------- panels
class _Pivots:
    """Pivot rows ``rows``, columns ``cols`` (elimination order) and ``inv = P[rows, cols]^-1``."""

    __slots__ = ("cols", "inv", "rows")

    def __init__(self, rows: npt.NDArray[np.intp], cols: npt.NDArray[np.intp], inv: F64):
        self.rows = rows
        self.cols = cols
        self.inv = inv

    @staticmethod
    def empty() -> _Pivots:
        e = np.zeros(0, dtype=np.intp)
        return _Pivots(e, e.copy(), np.zeros((0, 0), order="F"))


def _gauss_jordan(block: F64, p: int) -> _Pivots:
    """Pivots of a small reduced block and the inverse of its pivot submatrix.

    Gauss--Jordan on ``[block | I]``: a pivot row is only ever combined with earlier
    pivot rows, so its transform involves pivot rows alone and the identity part of
    the pivot rows, restricted to their own columns, is ``P[rows, cols]^-1``. Updates
    are not reduced until the bound of the exactness argument requires it; a column
    is reduced before it is searched for a pivot.
    """
    s, w = block.shape
    h = _h(p)
    aug = np.zeros((s, w + s))
    aug[:, :w] = block
    aug[:, w:] = np.eye(s)
    rows: list[int] = []
    cols: list[int] = []
    free = np.ones(s)
    bound = h
    for j in range(w):
        col = aug[:, j]
        if bound > h:
            col -= p * np.rint(col / p)
        cand = np.flatnonzero(col * free)
        if cand.size == 0:
            continue
        i = int(cand[0])
        row = aug[i]
        row *= float(pow(int(col[i]) % p, -1, p) if bound == h else 1)
        if bound > h:  # reduce, normalize, reduce
            row -= p * np.rint(row / p)
            row *= float(pow(int(col[i]) % p, -1, p))
        row -= p * np.rint(row / p)
        factors = col.copy()
        factors[i] = 0.0
        pivot_row = row.copy()
        aug -= factors[:, None] * pivot_row[None, :]
        aug[i] = pivot_row
        free[i] = 0.0
        rows.append(i)
        cols.append(j)
        bound += h * h
        if bound + h * h > LIMIT:
            _reduce_inplace(aug, p)
            bound = h
        if len(rows) == s:
            break
    r = np.asarray(rows, dtype=np.intp)
    c = np.asarray(cols, dtype=np.intp)
    inv = np.asfortranarray(aug[np.ix_(r, w + r)])
    if bound > h:
        _reduce_inplace(inv, p)
    return _Pivots(r, c, inv)


def _combine(panel: F64, first: _Pivots, x_second: F64, second: _Pivots, p: int) -> _Pivots:
    """Pivots of ``panel`` from those of a first part and of its Schur complement.

    ``second`` indexes rows and columns of ``panel`` directly; ``x_second`` holds
    ``P[second.rows, first.cols] first.inv`` (the Schur complement's multipliers).
    With ``A = P[R1, C1]``, ``B = P[R1, C2]`` and the Schur complement
    ``S = P[R2, C2] - P[R2, C1] A^-1 B`` (whose inverse is ``second.inv``)::

        [[A, B], [., .]]^-1 = [[A^-1 + Y S^-1 X, -Y S^-1], [-S^-1 X, S^-1]]

    with ``X = P[R2, C1] A^-1`` and ``Y = A^-1 B``.
    """
    if second.rows.size == 0:
        return first
    if first.rows.size == 0:
        return second
    y = _mul(first.inv, np.asfortranarray(panel[np.ix_(first.rows, second.cols)]), p)
    y_s = _mul(y, second.inv, p)  # Y S^-1
    s_x = _mul(second.inv, x_second, p)  # S^-1 X
    r1, r2 = first.rows.size, second.rows.size
    inv = np.empty((r1 + r2, r1 + r2), order="F")
    inv[:r1, :r1] = first.inv + _mul(y_s, x_second, p)
    inv[:r1, r1:] = -y_s
    inv[r1:, :r1] = -s_x
    inv[r1:, r1:] = second.inv
    _reduce_inplace(inv, p)
    return _Pivots(
        np.concatenate([first.rows, second.rows]),
        np.concatenate([first.cols, second.cols]),
        inv,
    )


def _others(n: int, taken: npt.NDArray[np.intp]) -> npt.NDArray[np.intp]:
    mask = np.ones(n, dtype=bool)
    mask[taken] = False
    return np.flatnonzero(mask)


def _schur(
    panel: F64, piv: _Pivots, rows: npt.NDArray[np.intp], cols: npt.NDArray[np.intp], p: int
) -> tuple[F64, F64]:
    """Multipliers ``X = P[rows, C] A^-1`` and the Schur complement on ``(rows, cols)``."""
    x = _mul(np.asfortranarray(panel[np.ix_(rows, piv.cols)]), piv.inv, p)
    rest = np.asfortranarray(panel[np.ix_(rows, cols)])
    if piv.rows.size:
        _sub_product(rest, x, np.asfortranarray(panel[np.ix_(piv.rows, cols)]), p, _h(p))
        _reduce_inplace(rest, p)
    return x, rest


def _panel_pivots(panel: F64, p: int) -> _Pivots:
    """Pivots of a reduced panel such that every row lies in the span of the pivot rows."""
    m, w = panel.shape
    if m == 0 or w == 0:
        return _Pivots.empty()
    if w <= _BASE:
        return _base_pivots(panel, p)
    half = w // 2
    first = _panel_pivots(np.asfortranarray(panel[:, :half]), p)
    rows = _others(m, first.rows)
    cols = np.arange(half, w)
    x, schur = _schur(panel, first, rows, cols, p)
    sub = _panel_pivots(schur, p)
    second = _Pivots(rows[sub.rows], cols[sub.cols], sub.inv)
    return _combine(panel, first, x[sub.rows], second, p)


def _base_pivots(panel: F64, p: int) -> _Pivots:
    """Pivots of a narrow panel: a sample of its nonzero rows, then the residual rows."""
    w = panel.shape[1]
    nonzero = np.flatnonzero(np.any(panel != 0, axis=1))
    if nonzero.size == 0:
        return _Pivots.empty()
    sample = nonzero[: w + 8]
    local = _gauss_jordan(panel[sample], p)
    first = _Pivots(sample[local.rows], local.cols, local.inv)
    if sample.size == nonzero.size or first.cols.size == w:
        return first
    rows = nonzero[sample.size :]
    cols = _others(w, first.cols)
    x, schur = _schur(panel, first, rows, cols, p)
    sub = _base_pivots(schur, p)
    second = _Pivots(rows[sub.rows], cols[sub.cols], sub.inv)
    return _combine(panel, first, x[sub.rows], second, p)


_LEAF = 64  # blocks up to this size are inverted by the compiled Gauss--Jordan kernel


@cache
def _kernels() -> Any:
    """The compiled kernels (:mod:`.blas_kernels`; imported on first use: Numba's import
    is slow)."""
    from . import blas_kernels

    return blas_kernels


def _leaf_inverse(block: F64, p: int) -> F64 | None:
    """Inverse mod ``p`` of a small block with the diagonal as pivots (compiled
    Gauss--Jordan, :func:`.blas_kernels.inverse_in_place`); ``None`` if a pivot vanishes
    (the caller then pivots)."""
    out = np.array(block, dtype=np.float64, order="F", copy=True)
    return out if _kernels().inverse_in_place(out, p, float(LIMIT)) else None


def _inverse(d: F64, p: int) -> F64 | None:
    """``d^-1 mod p`` for a reduced square block, by block inversion; ``None`` on failure.

    Splits ``d = [[A, B], [C, E]]`` and needs ``A`` and the Schur complement
    ``S = E - C A^-1 B`` invertible (true for all but a few of the ``p**(k*k)``
    blocks); a singular one returns ``None`` and the caller falls back to the
    pivoting elimination (:func:`_panel_pivots`).
    """
    k = d.shape[0]
    if k <= _LEAF:
        return _leaf_inverse(d, p)
    half = k // 2
    a_inv = _inverse(np.asfortranarray(d[:half, :half]), p)
    if a_inv is None:
        return None
    x = _mul(np.asfortranarray(d[half:, :half]), a_inv, p)  # C A^-1
    b = np.asfortranarray(d[:half, half:])
    schur = np.asfortranarray(d[half:, half:])
    _sub_product(schur, x, b, p, _h(p))
    _reduce_inplace(schur, p)
    s_inv = _inverse(schur, p)
    if s_inv is None:
        return None
    y = _mul(a_inv, b, p)  # A^-1 B
    y_s = _mul(y, s_inv, p)
    out = np.empty((k, k), order="F")
    out[:half, :half] = a_inv + _mul(y_s, x, p)
    out[:half, half:] = -y_s
    out[half:, :half] = -_mul(s_inv, x, p)
    out[half:, half:] = s_inv
    return _reduce_inplace(out, p)


# ----------------------------------------------------------------------------- elimination
def _eliminate(buf: F64, m: int, n: int, p: int, c_bound: int) -> int:
    """Rank of the ``m x n`` Fortran matrix at the start of ``buf`` (destroyed)."""
    rank = 0
    h = _h(p)
    while m > 0 and n > 0:
        s = buf[: m * n].reshape((m, n), order="F")
        b = min(_PANEL, n)
        panel = s[:, :b]
        if c_bound > h:
            _reduce_inplace(panel, p)  # the panel columns are contiguous
        # fast path: the leading b x b block is invertible (generic matrices)
        d_inv = _inverse(np.asfortranarray(panel[:b]), p) if m >= b else None
        if d_inv is not None:
            x = _mul(np.asfortranarray(panel[b:]), d_inv, p)
            e = np.array(s[:b, b:], order="F")
            r, m2 = b, m - b
        else:
            piv = _panel_pivots(np.array(panel, order="F"), p)
            r = piv.rows.size
            if r == 0:  # a zero panel: drop its columns (the rest stays contiguous)
                buf = buf[m * b :]
                n -= b
                continue
            keep = np.ones(m, dtype=bool)
            keep[piv.rows] = False
            x = _mul(np.asfortranarray(panel[keep][:, piv.cols]), piv.inv, p)
            e = np.asfortranarray(s[piv.rows, b:])
            m2 = m - r
        if c_bound > h:
            _reduce_inplace(e, p)
        rank += r
        n2 = n - b
        # move the other rows of the trailing columns to the front of the buffer, b
        # columns at a time: a chunk's destination ends before its source begins
        for j in range(0, n2, b):
            g = min(b, n2 - j)
            dest = buf[j * m2 : (j + g) * m2].reshape((m2, g), order="F")
            if d_inv is not None:
                dest[...] = s[b:, b + j : b + j + g]
            else:
                for t in range(g):
                    np.compress(keep, s[:, b + j + t], out=dest[:, t])
        m, n = m2, n2
        if m == 0 or n == 0:
            break
        c = buf[: m * n].reshape((m, n), order="F")
        c_bound = _sub_product(c, x, e, p, c_bound)
    return rank


def _eliminate_in_place(work: F64, p: int) -> int:
    """Rank of the reduced ``m x n`` Fortran matrix ``work`` (``m >= n``; destroyed).

    The generic case, with no copies: while the leading ``b x b`` block ``D`` of the
    trailing matrix is invertible, ``Y = D^-1 E`` (``E`` the pivot rows' other columns)
    goes to one reused buffer and the trailing matrix is updated where it lies,
    ``C <- C - P Y`` (``P`` the panel below ``D``), by BLAS on strided views
    (:func:`.dgemm.gemm_in_place`); the panel and ``E`` are reduced before use, ``C``
    only when the next update could pass ``LIMIT``. A singular ``D``, a prime too large
    for one exact product of inner dimension ``b``, or a last block with fewer rows than
    ``b`` hand the rest to the pivoting elimination (:func:`_eliminate`) on a compact
    copy.
    """
    from .dgemm import gemm_in_place

    kernels = _kernels()
    m, n = work.shape
    h = _h(p)
    c_bound = h
    rank = 0
    o = 0
    width = min(_PANEL, n)
    buffer = np.empty(width * max(n - width, 0))
    while o < n:
        b = min(_PANEL, n - o)
        if m - o < b or max_inner_dimension(p, h, h) < b:
            break
        if c_bound > h:
            kernels.reduce_in_place(work[o:, o : o + b], p)
            kernels.reduce_in_place(work[o : o + b, o + b :], p)
        d_inv = _inverse(np.array(work[o : o + b, o : o + b], order="F"), p)
        if d_inv is None:
            break
        rank += b
        n2 = n - o - b
        if n2 == 0 or m - o - b == 0:
            return rank
        y = buffer[: b * n2].reshape((b, n2), order="F")
        gemm_in_place(1.0, d_inv, work[o : o + b, o + b :], 0.0, y)
        kernels.reduce_in_place(y, p)
        c = work[o + b :, o + b :]
        grow = b * h * h
        if c_bound + grow > LIMIT:
            kernels.reduce_in_place(c, p)
            c_bound = h
        gemm_in_place(-1.0, work[o + b :, o : o + b], y, 1.0, c)
        c_bound += grow
        o += b
    if o >= n:
        return rank
    rest = np.array(work[o:, o:], order="F")
    return rank + _eliminate(rest.reshape(-1, order="F"), m - o, n - o, p, c_bound)


@cache
def _controller() -> Any:
    """A ``threadpoolctl`` controller over the BLAS libraries loaded (SciPy's included):
    built once, since finding the libraries costs milliseconds."""
    from threadpoolctl import ThreadpoolController

    _dgemm()  # load SciPy's BLAS first
    return ThreadpoolController()


@contextmanager
def _blas_threads(threads: int | None) -> Iterator[None]:
    if threads is None:
        yield
        return
    with _controller().limit(limits=threads, user_api="blas"):
        yield


def rank_mod(matrix: Array, prime: int, *, threads: int | None = 1, overwrite: bool = False) -> int:
    """Rank of an integer matrix over GF(``prime``), for a prime ``prime < 2**26``.

    Parameters
    ----------
    matrix : array_like
        2-D integers of any dtype (``object`` arrays of Python ints included); entries
        are reduced mod ``prime`` first.
    prime : int
        A prime below ``2**26``.
    threads : int or None
        BLAS threads during the call (``None``: leave the setting alone).
    overwrite : bool
        Convert a contiguous 64-bit integer ``matrix`` in its own memory (saves a copy;
        the caller must not use ``matrix`` afterwards).

    Examples
    --------
    >>> rank_mod(np.array([[1, 2], [2, 4], [0, 1]]), 7)
    2
    >>> rank_mod(np.array([[3, 1], [1, 5]]), 7)  # det 14 = 0 mod 7
    1
    """
    if not 2 <= prime < MAX_PRIME or not is_prime(prime):
        raise ConvacError(f"the blas engine needs a prime below 2**26; got {prime}")
    a = np.asarray(matrix)
    if a.ndim != 2:
        raise ConvacError(f"rank_mod takes a 2-D matrix; got shape {a.shape}")
    m, n = a.shape
    if m == 0 or n == 0:
        return 0
    work = balanced(a, prime, overwrite=overwrite)
    m, n = work.shape
    if m < n:  # tall panels: the leading square blocks exist
        work = np.asfortranarray(work.T)
        m, n = n, m
    with _blas_threads(threads):
        return _eliminate_in_place(work, prime)


def _engine_rank(matrix: Array, prime: int) -> int:
    return rank_mod(matrix, prime)


ENGINE = RankEngine(
    name="blas",
    field="GF(p)",
    certifies=frozenset({"lower"}),
    rank=_engine_rank,
    description="rank over GF(p), p < 2**26, by block elimination on float64 BLAS: "
    "certifies lower bounds",
)
