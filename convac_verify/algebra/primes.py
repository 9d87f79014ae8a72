"""Random primes and what a rank modulo one of them proves.

A rank modulo a prime is a certified lower bound on the rank over Q. It can be
smaller than the rank over Q only if p divides a fixed nonzero integer D (a minor's
value at an integer point, or the content of a minor's polynomial in the weights).
Primes are drawn uniformly from a range ``[2**b, 2**(b+1))`` of ``b`` bits
(:func:`random_prime`; ``b = 61`` by default, ``b = 19`` or ``25`` for the BLAS engine,
which needs ``p < 2**26``). A prime of the range is at least ``2**b``, so if
``|D| <= 2**L`` at most ``L // b + 1`` primes of the range divide it, and for a prime
drawn **uniformly at random** from the range::

    P(p | D) <= (L // b + 1) / #primes in [2**b, 2**(b+1))        (prime_failure)

The randomness is the prime's, so this holds for any D fixed before the draw. A
**fixed** prime gives no such bound: a rank modulo one fixed p bounds only the rank
of the network reduced modulo p, which can be lower than over Q.

The range of a drawn prime is read off the prime itself: a prime of ``[2**b, 2**(b+1))``
has ``b + 1`` bits (:func:`prime_range_bits`), so evidence that records the prime and
that it was drawn at random determines the range it was drawn from.

The prime count is bounded below with Rosser--Schoenfeld: ``pi(x) > x / ln x`` for
``x >= 17`` and ``pi(x) < 1.25506 x / ln x`` for ``x > 1``, with
``0.6931 < ln 2 < 0.6932``::

    #primes in [2**b, 2**(b+1)) >= 2**(b+1) / ((b+1) 0.6932) - 1.25506 * 2**b / (b 0.6931)

(:func:`primes_in_range`; valid for ``b >= 4``, and positive from ``b = 9`` on).
"""

from __future__ import annotations

import zlib
from fractions import Fraction
from functools import cache

import numpy as np
from flint import fmpz

__all__ = [
    "PRIMES_IN_RANGE",
    "PRIME_BITS",
    "prime_failure",
    "prime_range_bits",
    "primes_in_range",
    "random_prime",
    "seeded_prime",
]

PRIME_BITS = 61
"""Default size of random primes: the range ``[2**61, 2**62)``."""
_MIN_BITS = 4  # Rosser--Schoenfeld's lower bound needs x = 2**b >= 17
_MAX_BITS = 62  # residues stay below 2**63


@cache
def primes_in_range(bits: int) -> int:
    """A lower bound on the number of primes in ``[2**bits, 2**(bits + 1))`` (module
    docstring; 0 where the bound says nothing, e.g. below 9 bits).

    Examples
    --------
    >>> primes_in_range(61) == PRIMES_IN_RANGE > 3 * 10**16
    True
    >>> 25_000 < primes_in_range(19) < 38_700   # 38_635 primes lie in [2**19, 2**20)
    True
    """
    if bits < _MIN_BITS:
        return 0
    count = Fraction(2 ** (bits + 1)) / ((bits + 1) * Fraction(6932, 10000)) - Fraction(
        125506, 100000
    ) * Fraction(2**bits) / (bits * Fraction(6931, 10000))
    return max(0, int(count))


PRIMES_IN_RANGE = primes_in_range(PRIME_BITS)
"""Lower bound on the number of primes in ``[2**61, 2**62)``."""


def random_prime(rng: np.random.Generator, bits: int = PRIME_BITS) -> int:
    """A prime uniform among the primes in ``[2**bits, 2**(bits + 1))`` (rejection sampling).

    Independent draws modulo fresh random primes multiply their failure probabilities
    (a fixed nonzero integer has few prime divisors of a given size); repeated draws
    modulo one fixed prime do not.

    Examples
    --------
    >>> p = random_prime(np.random.default_rng(0))
    >>> 2**61 <= p < 2**62 and bool(fmpz(p).is_prime())
    True
    >>> 2**25 <= random_prime(np.random.default_rng(0), 25) < 2**26
    True
    """
    if not _MIN_BITS <= bits <= _MAX_BITS:
        raise ValueError(f"random primes have {_MIN_BITS} to {_MAX_BITS} bits; got {bits}")
    while True:
        candidate = int(rng.integers(2**bits, 2 ** (bits + 1), dtype=np.uint64)) | 1
        if bool(fmpz(candidate).is_prime()):
            return candidate


def seeded_prime(seed: int, key: str, bits: int = PRIME_BITS) -> int:
    """A random prime of ``[2**bits, 2**(bits + 1))``, determined by ``seed`` and ``key``
    (reproducible).

    The 61-bit primes keep the stream they always had (``prime/KEY``), so reports made
    before other sizes existed are unchanged.
    """
    tag = f"prime/{key}" if bits == PRIME_BITS else f"prime{bits}/{key}"
    return random_prime(np.random.default_rng([seed, zlib.crc32(tag.encode())]), bits)


def prime_range_bits(prime: int) -> int:
    """The ``b`` of the range ``[2**b, 2**(b+1))`` that contains ``prime``.

    Examples
    --------
    >>> prime_range_bits(2**61 - 1), prime_range_bits(786433)
    (60, 19)
    """
    return int(prime).bit_length() - 1


def prime_failure(log2_bound: int, bits: int = PRIME_BITS) -> Fraction:
    """``P(p | D)`` for a prime p uniform among the primes of ``[2**bits, 2**(bits+1))``
    and a fixed nonzero integer D with ``|D| <= 2**log2_bound``.

    Examples
    --------
    >>> float(prime_failure(10_000)) < 1e-14
    True
    >>> prime_failure(10_000, 19) == Fraction(10_000 // 19 + 1, primes_in_range(19))
    True
    """
    count = primes_in_range(bits)
    if count == 0:
        return Fraction(1)
    return min(Fraction(1), Fraction(max(0, log2_bound) // bits + 1, count))
