"""Compiled inner loops of the ``blas`` engine (Numba): small inverses and reductions mod p.

The ``blas`` engine (:mod:`convac_verify.engines.blas`) spends its flops in ``dgemm``;
what is left is a pivot-by-pivot elimination of small blocks and elementwise
reductions. In NumPy each pivot costs about ten array calls (about 10 us), which at
n = 2048 added a third of the dgemm bound; compiled, a 64 x 64 inverse takes about
0.1 ms instead of 1.3 ms (NumPy) or 3 ms (FLINT's ``nmod_mat.inv`` with the conversion
both ways), and a reduction is one pass without temporaries (``benchmarks/scale.py``
times the engine as a whole against FLINT in the same run; ``tests/test_blas_engine.py``
cross-checks both kernels against FLINT and Python integers).

Conventions and exactness are those of :mod:`convac_verify.engines.blas`: entries are
float64 integers, *balanced* residues satisfy ``|x| <= h = p // 2 + 2``, and every
intermediate value stays below ``limit`` (``LIMIT = 2**53 - 2**27``), so nothing is
rounded:

* :func:`balance_int64`: the conversion of an int64 matrix to balanced float64
  residues, in integer arithmetic (one pass instead of five NumPy passes).
* :func:`reduce_in_place`: ``x - p rint(x / p)`` with the quotient ``rint(x * (1/p))``,
  balanced for ``|x| <= LIMIT`` (argument 4 of the engine's docstring).
* :func:`inverse_in_place`: Gauss--Jordan inversion in place, the diagonal as pivots.
  At pivot ``k`` the column ``k`` and the row ``k`` are reduced first, the row is scaled
  by the pivot's inverse (a product below ``h p < 2**53``) and reduced again, and every
  other entry changes by ``a[i, k] a[k, j]`` with both factors at most ``h``: it grows by
  at most ``h**2`` per pivot. The whole block is reduced before a pivot could push the
  running bound ``h + t h**2`` past ``limit`` (for ``p < 2**20``: never for blocks
  below 32768).

Numba compiles each kernel on its first call and caches the machine code beside this
file (``cache=True``), so later processes load it instead of compiling; importing this
module costs Numba's import (about half a second), which is why the engine imports it
only when a rank is computed.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numba import njit

__all__ = ["balance_int64", "inverse_in_place", "reduce_in_place"]


@njit(cache=True, nogil=True)
def _inverse_mod(a: int, p: int) -> int:
    """``a^-1 mod p`` by the extended Euclidean algorithm; ``-1`` if ``gcd(a, p) != 1``."""
    t, new_t, r, new_r = 0, 1, p, a % p
    while new_r != 0:
        q = r // new_r
        t, new_t = new_t, t - q * new_t
        r, new_r = new_r, r - q * new_r
    if r != 1:
        return -1
    return t % p


@njit(cache=True, nogil=True)
def reduce_in_place(x: Any, p: int) -> None:
    """``x <- x mods p`` (balanced residues) for a 2-D float64 array or view of any strides.

    Examples
    --------
    >>> x = np.array([[10.0, -10.0], [3.0, 2.0**52]])
    >>> reduce_in_place(x, 7)
    >>> x.tolist()
    [[3.0, -3.0], [3.0, 2.0]]
    """
    fp = float(p)
    inv = 1.0 / p
    m, n = x.shape
    for j in range(n):
        for i in range(m):
            v = x[i, j]
            x[i, j] = v - fp * np.rint(v * inv)


@njit(cache=True, nogil=True)
def balance_int64(src: Any, dst: Any, p: int) -> None:
    """``dst[i] <- src[i] mods p`` (balanced, ``|.| <= p // 2``) for 1-D int64 ``src`` and
    float64 ``dst`` of the same size; ``dst`` may be ``src``'s own memory (each entry
    is read before it is written). Integer arithmetic (Python's ``%``), so any int64
    is exact.

    Examples
    --------
    >>> src = np.array([-1, 9, 2**62 + 5, 3])
    >>> dst = np.empty(4)
    >>> balance_int64(src, dst, 7)
    >>> dst.tolist()
    [-1.0, 2.0, 2.0, 3.0]
    """
    half = p // 2
    for i in range(src.size):
        r = src[i] % p
        if r > half:
            r -= p
        dst[i] = r


@njit(cache=True, nogil=True)
def inverse_in_place(a: Any, p: int, limit: float) -> bool:
    """Replace a square block of balanced residues by its inverse mod ``p`` (balanced).

    Gauss--Jordan with the diagonal as pivots; returns ``False`` (and leaves ``a``
    garbage) when a pivot vanishes mod ``p`` -- the caller then pivots. ``limit`` is the
    largest magnitude an intermediate value may reach.

    Examples
    --------
    >>> a = np.array([[2.0, 1.0], [1.0, 1.0]])
    >>> inverse_in_place(a, 7, 2.0**52), a.tolist()
    (True, [[1.0, -1.0], [-1.0, 2.0]])
    >>> inverse_in_place(np.array([[0.0, 1.0], [1.0, 0.0]]), 7, 2.0**52)
    False
    """
    b = a.shape[0]
    fp = float(p)
    inv = 1.0 / p
    h = float(p // 2 + 2)
    step = h * h
    bound = h
    for k in range(b):
        if bound + step > limit:
            reduce_in_place(a, p)
            bound = h
        for i in range(b):
            v = a[i, k]
            a[i, k] = v - fp * np.rint(v * inv)
        pivot = int(a[k, k]) % p
        if pivot == 0:
            return False
        scale = float(_inverse_mod(pivot, p))
        for j in range(b):
            v = a[k, j]
            v = (v - fp * np.rint(v * inv)) * scale
            a[k, j] = v - fp * np.rint(v * inv)
        v = scale - fp * np.rint(scale * inv)
        a[k, k] = v
        for j in range(b):
            if j == k:
                continue
            r = a[k, j]
            if r != 0.0:
                for i in range(b):
                    a[i, j] -= a[i, k] * r
                a[k, j] = r
        for i in range(b):
            if i != k:
                v = -a[i, k] * scale
                a[i, k] = v - fp * np.rint(v * inv)
        bound += step
    reduce_in_place(a, p)
    return True
