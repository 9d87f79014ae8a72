"""Random primes and what a rank modulo one of them proves.

A rank modulo a prime is a certified lower bound on the rank over Q. It can be
smaller than the rank over Q only if p divides a fixed nonzero integer D (a minor's
value at an integer point, or the content of a minor's polynomial in the weights).
If ``|D| <= 2**b``, at most ``b // PRIME_BITS + 1`` primes of ``[2**61, 2**62)`` divide
it, so for a prime drawn **uniformly at random** from that range::

    P(p | D) <= (b // 61 + 1) / #primes in [2**61, 2**62)        (prime_failure)

The randomness is the prime's, so this holds for any D fixed before the draw. A
**fixed** prime gives no such bound: a rank modulo one fixed p bounds only the rank
of the network reduced modulo p, which can be lower than over Q.

The prime count is bounded below with Rosser--Schoenfeld: ``pi(x) > x / ln x`` for
``x >= 17`` and ``pi(x) < 1.25506 x / ln x``, with ``0.6931 < ln 2 < 0.6932``.
"""

from __future__ import annotations

import zlib
from fractions import Fraction

import numpy as np
from flint import fmpz

__all__ = [
    "PRIMES_IN_RANGE",
    "PRIME_BITS",
    "prime_failure",
    "random_prime",
    "seeded_prime",
]

PRIME_BITS = 61
# lower bound on the number of primes in [2**61, 2**62) (module docstring)
PRIMES_IN_RANGE = int(
    Fraction(2**62) / (62 * Fraction(6932, 10000))
    - Fraction(125506, 100000) * Fraction(2**61) / (61 * Fraction(6931, 10000))
)


def random_prime(rng: np.random.Generator) -> int:
    """A prime uniform among the primes in ``[2**61, 2**62)`` (rejection sampling).

    Examples
    --------
    >>> p = random_prime(np.random.default_rng(0))
    >>> 2**61 <= p < 2**62 and bool(fmpz(p).is_prime())
    True
    """
    while True:
        candidate = int(rng.integers(2**61, 2**62, dtype=np.uint64)) | 1
        if bool(fmpz(candidate).is_prime()):
            return candidate


def seeded_prime(seed: int, key: str) -> int:
    """A random prime of the range, determined by ``seed`` and ``key`` (reproducible)."""
    return random_prime(np.random.default_rng([seed, zlib.crc32(f"prime/{key}".encode())]))


def prime_failure(log2_bound: int) -> Fraction:
    """``P(p | D)`` for a uniform random prime p of the range and a fixed nonzero integer D
    with ``|D| <= 2**log2_bound``.

    Examples
    --------
    >>> float(prime_failure(10_000)) < 1e-14
    True
    """
    return min(Fraction(1), Fraction(max(0, log2_bound) // PRIME_BITS + 1, PRIMES_IN_RANGE))
