"""Ranks of rectifier grid tensors: exact over Q, or modulo a random prime with an epsilon.

What each proves (see ``../shared/reference/exact-rank.md``):

* :func:`exact_rank` -- the rank over Q of the numerator matrix at this point, exactly
  (FLINT ``fmpz_mat``; a full rank mod p short-cuts it). Certain, slow when the
  matrix is rank deficient (~50 ms at 81 x 81 with ~90-bit entries).
* :func:`modular_rank` -- the rank modulo a prime drawn **uniformly at random** from
  the primes in ``[2**61, 2**62)`` (:func:`~convac_verify.algebra.fields.random_prime`). Always a certified lower bound on the rank over Q.
  It is smaller only if p divides a fixed nonzero ``k x k`` minor (``k`` = the rank
  over Q), whose absolute value is at most the Hadamard bound
  ``H = (sqrt(k) * 2**bits)**k``; at most ``log2(H) / 61`` primes of the range divide
  it, so the probability over the prime is at most
  ``floor(log2(H) / 61) / #primes in [2**61, 2**62)`` (:func:`modular_epsilon`). The
  randomness is the prime's, not the weights', so this holds for every weight setting,
  including max/ReLU networks.

The prime count is bounded below with Rosser--Schoenfeld: ``pi(x) > x / ln x`` for
``x >= 17`` and ``pi(x) < 1.25506 x / ln x``, with ``0.6931 < ln 2 < 0.6932``.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
from flint import fmpz_mat, nmod_mat

from ..algebra.fields import Array, random_prime
from ..engines.rational import rank_over_q

__all__ = [
    "PRIMES_IN_RANGE",
    "PRIME_BITS",
    "exact_rank",
    "modular_epsilon",
    "modular_rank",
    "random_prime",
]

PRIME_BITS = 61
# lower bound on the number of primes in [2**61, 2**62) (module docstring)
PRIMES_IN_RANGE = int(
    Fraction(2**62) / (62 * Fraction(6932, 10000))
    - Fraction(125506, 100000) * Fraction(2**61) / (61 * Fraction(6931, 10000))
)


def exact_rank(matrix: Array) -> int:
    """Rank over Q of an integer matrix (object or integer dtype), exactly."""
    return rank_over_q(matrix)


def modular_rank(matrix: Array, prime: int) -> int:
    """Rank of an integer (or residue) matrix modulo ``prime``."""
    m, n = matrix.shape
    if m == 0 or n == 0:
        return 0
    return int(nmod_mat(fmpz_mat(m, n, np.asarray(matrix).ravel().tolist()), prime).rank())


def modular_epsilon(n_rows: int, n_cols: int, bits: int) -> Fraction:
    """Bound on P(rank mod a random prime of the range < rank over Q).

    ``bits`` bounds the entries (``|a_ij| < 2**bits``).

    Examples
    --------
    >>> float(modular_epsilon(81, 81, 90)) < 1e-14
    True
    """
    k = min(n_rows, n_cols)
    if k == 0:
        return Fraction(0)
    log2_hadamard = k * bits + (k * (k - 1).bit_length() + 1) // 2  # >= k*(bits + log2(k)/2)
    return Fraction(log2_hadamard // PRIME_BITS + 1, PRIMES_IN_RANGE)
