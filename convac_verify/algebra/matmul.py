"""Exact matrix products in a ring: GF(p) on ``uint64`` and Z on Python ints.

:func:`matmul` computes ``a @ b`` (NumPy ``matmul`` broadcasting: stacks of matrices) exactly
in the ring of :mod:`convac_verify.algebra.fields`. It is the one arithmetic kernel of the
tensor-network contraction (:mod:`convac_verify.networks.contraction`): every pairwise
contraction is a batched matrix product.

GF(p), ``2**32 <= p < 2**62`` (the default ``p = 2**61 - 1``)
------------------------------------------------------------
Products of two residues need up to 124 bits, so ``a @ b`` is split so that everything
is exact:

1. ``b = b_hi * 2**32 + b_lo`` with ``b_lo, b_hi < 2**32``, and ``a' = a * 2**32 mod p``;
   then ``a @ b = [a, a'] @ [b_lo; b_hi]`` as integers, ``S = A2 @ B2`` with ``2K`` terms.
2. The quotient ``q = round(S / p)`` is computed in float64 with BLAS as
   ``A2 @ (B2 / p)``: every term is below ``2**32`` and the accumulated rounding error is
   below ``2K (2K + 4) 2**(32 - 53) < 1/2`` for ``K <= 64`` (larger K is split in chunks),
   so ``q`` is within 1/2 of ``S / p`` and ``S - q p`` lies in ``(-p, p)``.
3. ``S - q p`` is computed in wrapping 64-bit integer arithmetic (NumPy ``uint64``
   ``matmul`` wraps modulo ``2**64``); since the true value lies in ``(-2**62, 2**62)`` it
   is recovered exactly, and one conditional ``+ p`` brings it to ``[0, p)``.

``a' = a * 2**32 mod p`` is the same computation with ``K = 1``. No step uses ``longdouble``.

GF(p), ``p < 2**32``: products fit in 64 bits; ``K`` is cut into chunks whose sums cannot
wrap, each chunk reduced with ``%``.

Z: ``object`` arrays, NumPy's ``matmul`` on Python ints (exact, slow). Any other ring
(e.g. a float ring used as a contrast in the benchmarks) falls back to ``ring.mul`` and
``ring.add`` term by term (:func:`matmul_generic`, also the tests' reference).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from .fields import Array, IntegerRing, PrimeField, Ring

__all__ = ["matmul", "matmul_generic", "matmul_mod"]

_CHUNK = 64  # K per float64 quotient estimate (error bound in the module docstring)
_SMALL_WORK = 512  # multiply-adds below which exact Python-int products are faster
U64 = npt.NDArray[np.uint64]


def matmul(ring: Ring, a: Array, b: Array) -> Array:
    """Exact ``a @ b`` in ``ring`` (shapes as NumPy ``matmul``: ``(..., m, K) @ (..., K, n)``).

    Examples
    --------
    >>> from convac_verify.algebra.fields import PrimeField
    >>> F = PrimeField()
    >>> a = F.from_ints([[2**60, 3]]); b = F.from_ints([[5], [2**59]])
    >>> int(matmul(F, a, b)[0, 0]) == (2**60 * 5 + 3 * 2**59) % (2**61 - 1)
    True
    """
    if isinstance(ring, PrimeField):
        return matmul_mod(
            np.asarray(a, dtype=np.uint64), np.asarray(b, dtype=np.uint64), ring.prime
        )
    if isinstance(ring, IntegerRing):
        return np.asarray(np.matmul(np.asarray(a, dtype=object), np.asarray(b, dtype=object)))
    return matmul_generic(ring, a, b)


def matmul_generic(ring: Ring, a: Array, b: Array) -> Array:
    """``a @ b`` with ``ring.mul`` and ``ring.add`` only (one broadcast product per term)."""
    k = a.shape[-1]
    if k == 0:
        raise ValueError("matmul needs an inner dimension >= 1")
    acc = ring.mul(a[..., :, 0:1], b[..., 0:1, :])
    for i in range(1, k):
        acc = ring.add(acc, ring.mul(a[..., :, i : i + 1], b[..., i : i + 1, :]))
    return acc


def _reduce_signed(r: U64, p: int) -> U64:
    """``r`` (uint64 bits of a value in ``(-p, p)``) -> ``[0, p)``, in place."""
    s = r.view(np.int64)
    s += np.int64(p) & (s >> 63)
    return r


def _times_2_32(a: U64, p: int) -> U64:
    """``a * 2**32 mod p`` for residues ``a < p < 2**62``."""
    q = np.rint(a.astype(np.float64) * (2.0**32 / p)).astype(np.uint64)
    r = a << np.uint64(32)  # wraps modulo 2**64, as does q * p
    r -= q * np.uint64(p)
    return _reduce_signed(r, p)


def matmul_mod(a: U64, b: U64, p: int) -> U64:
    """Exact ``a @ b mod p`` for ``uint64`` residues in ``[0, p)``, ``p < 2**62``."""
    k = a.shape[-1]
    if k == 0:
        raise ValueError("matmul needs an inner dimension >= 1")
    if a.size * b.shape[-1] <= _SMALL_WORK:  # tiny products: Python ints are faster
        prod = np.matmul(a.astype(object), b.astype(object)) % p
        return np.asarray(prod, dtype=np.uint64)
    if p < 2**32:
        step = max(1, (2**64 - 1) // ((p - 1) ** 2 or 1))
        out: U64 | None = None
        for lo in range(0, k, step):
            part = np.matmul(a[..., :, lo : lo + step], b[..., lo : lo + step, :])
            part %= np.uint64(p)
            out = part if out is None else _add_mod(out, part, p)
        assert out is not None
        return out
    if k > _CHUNK:
        out = None
        for lo in range(0, k, _CHUNK):
            part = matmul_mod(a[..., :, lo : lo + _CHUNK], b[..., lo : lo + _CHUNK, :], p)
            out = part if out is None else _add_mod(out, part, p)
        assert out is not None
        return out
    a2 = np.concatenate([a, _times_2_32(a, p)], axis=-1)
    b2 = np.concatenate([b & np.uint64(2**32 - 1), b >> np.uint64(32)], axis=-2)
    # quotient estimate in float64 (BLAS): floor(S/p + 1/2), the 1/2 as one more term
    half = np.full((*a2.shape[:-1], 1), 0.5)
    ones = np.ones((*b2.shape[:-2], 1, b2.shape[-1]))
    s = np.matmul(
        np.concatenate([a2.astype(np.float64), half], axis=-1),
        np.concatenate([b2.astype(np.float64) * (1.0 / p), ones], axis=-2),
    )
    q = np.empty(s.shape, dtype=np.uint64)
    np.copyto(q, s, casting="unsafe")  # truncation = floor (s >= 0)
    # exact remainder S - q p in wrapping uint64, written over the float buffer
    r: U64 = s.view(np.uint64)
    np.matmul(a2, b2, out=r)
    q *= np.uint64(p)
    r -= q
    shift = q.view(np.int64)  # reuse q: p where r < 0, else 0
    np.right_shift(r.view(np.int64), 63, out=shift)
    shift &= np.int64(p)
    r += q
    return r


def _add_mod(x: U64, y: U64, p: int) -> U64:
    s = (x + y).view(np.int64)
    s -= np.int64(p)
    s += np.int64(p) & (s >> 63)
    return s.view(np.uint64)
