"""Exact arithmetic on NumPy arrays: the prime field GF(p) and the integers Z.

Every tensor this package builds is exact. Two rings are provided:

* :class:`PrimeField` -- GF(p) for a prime ``p < 2**62``. Elements are ``uint64``
  arrays with entries in ``[0, p)``. Products of two 61-bit residues need 122 bits,
  so multiplication never uses plain ``uint64`` products followed by ``%`` (that
  would silently wrap): for ``p < 2**32`` the product fits in 64 bits; above, the
  quotient ``floor(a*b/p)`` is estimated in 64-bit-mantissa ``longdouble`` and the
  remainder is corrected in wrapping 64-bit integer arithmetic (the classical
  "mulmod with long double" reduction). Platforms whose ``longdouble`` has fewer
  than 64 mantissa bits fall back to Python integers.
* :class:`IntegerRing` -- Z, as ``object`` arrays of Python ints (arbitrary size).

The default prime is the Mersenne prime ``2**61 - 1``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np
import numpy.typing as npt

from ..errors import InvalidField

__all__ = [
    "MERSENNE_61",
    "IntegerRing",
    "PrimeField",
    "Ring",
    "is_prime",
    "random_prime",
]

MERSENNE_61 = 2**61 - 1
_LONGDOUBLE_EXACT = np.finfo(np.longdouble).nmant >= 63
_SMALL = 64  # below this many operand entries Python ints are faster than the reduction

Array = npt.NDArray[np.generic]


def is_prime(n: int) -> bool:
    """Return whether ``n`` is prime (FLINT's primality test, exact for 64-bit)."""
    from flint import fmpz

    return n >= 2 and bool(fmpz(n).is_prime())


def random_prime(rng: np.random.Generator, bits: int = 61) -> int:
    """A prime uniform among the primes in ``[2**bits, 2**(bits + 1))`` (rejection sampling).

    Independent draws modulo fresh random primes multiply their failure probabilities
    (a fixed nonzero integer has few prime divisors of a given size); repeated draws
    modulo one fixed prime do not.

    Examples
    --------
    >>> p = random_prime(np.random.default_rng(0), 25)
    >>> 2**25 <= p < 2**26 and is_prime(p)
    True
    """
    if not 1 <= bits <= 62:
        raise InvalidField(f"random primes are drawn with 1 to 62 bits; got {bits}")
    while True:
        candidate = int(rng.integers(2**bits, 2 ** (bits + 1), dtype=np.uint64)) | 1
        if is_prime(candidate):
            return candidate


class Ring(Protocol):
    """Exact scalars on NumPy arrays: what decompositions and grid tensors need."""

    @property
    def name(self) -> str:
        """``"GF(p)"`` or ``"Z"``."""
        ...

    def from_ints(self, values: object) -> Array:
        """Convert integers (any nesting NumPy accepts) to ring elements."""
        ...

    def random(self, rng: np.random.Generator, shape: tuple[int, ...]) -> Array:
        """Uniform random elements from :attr:`sample_space` values."""
        ...

    @property
    def sample_space(self) -> int:
        """Number of values :meth:`random` draws from uniformly (|S| for Schwartz--Zippel)."""
        ...

    def add(self, a: Array, b: Array) -> Array:
        """Elementwise sum, broadcasting."""
        ...

    def mul(self, a: Array, b: Array) -> Array:
        """Elementwise product, broadcasting."""
        ...

    def to_ints(self, a: Array) -> list[int]:
        """Flatten ``a`` (C order) to Python ints."""
        ...


@dataclass(frozen=True)
class PrimeField:
    """The prime field GF(p) on ``uint64`` arrays.

    Parameters
    ----------
    prime : int
        A prime below ``2**62``.

    Examples
    --------
    >>> F = PrimeField(7)
    >>> F.mul(F.from_ints([3, 4]), F.from_ints([5, 2])).tolist()
    [1, 1]
    >>> big = PrimeField()
    >>> int(big.mul(big.from_ints([2**60]), big.from_ints([4]))[0]) == (2**62) % (2**61 - 1)
    True
    """

    prime: int = MERSENNE_61

    def __post_init__(self) -> None:
        if not 2 <= self.prime < 2**62:
            raise InvalidField(f"--prime must be a prime in [2, 2**62); got {self.prime}")
        if not is_prime(self.prime):
            raise InvalidField(f"--prime must be prime; {self.prime} is not prime")

    @property
    def name(self) -> str:
        return "GF(p)"

    @property
    def sample_space(self) -> int:
        return self.prime

    def from_ints(self, values: object) -> Array:
        arr = np.asarray(values)
        if arr.dtype.kind in "iu" and arr.dtype.itemsize <= 8 and arr.dtype != np.uint64:
            return np.mod(arr.astype(np.int64), np.int64(self.prime)).astype(np.uint64)
        arr = np.asarray(values, dtype=object)
        return np.asarray(np.mod(arr, self.prime), dtype=np.uint64)

    def random(self, rng: np.random.Generator, shape: tuple[int, ...]) -> Array:
        return rng.integers(0, self.prime, size=shape, dtype=np.uint64)

    def to_ints(self, a: Array) -> list[int]:
        return np.asarray(a, dtype=np.uint64).ravel().tolist()

    def add(self, a: Array, b: Array) -> Array:
        p = np.int64(self.prime)
        s = (np.asarray(a, dtype=np.uint64) + np.asarray(b, dtype=np.uint64)).view(np.int64)
        s -= p  # now in [-p, p)
        s += p & (s >> 63)  # add p back where negative
        return s.view(np.uint64)

    def mul(self, a: Array, b: Array) -> Array:
        a = np.asarray(a, dtype=np.uint64)
        b = np.asarray(b, dtype=np.uint64)
        p = self.prime
        if p < 2**32:  # a*b < 2**64: exact in uint64
            out = np.multiply(a, b)
            out %= np.uint64(p)
            return out
        if not _LONGDOUBLE_EXACT or a.size * b.size <= _SMALL:  # Python ints: exact
            prod = np.multiply(a.astype(object), b.astype(object)) % p
            return np.asarray(prod, dtype=np.uint64)
        # quotient estimate: |q_est - a*b/p| < 1 with a 64-bit mantissa
        b_scaled = b.astype(np.longdouble) / np.longdouble(p)
        q = np.multiply(a.astype(np.longdouble), b_scaled).astype(np.uint64)
        q *= np.uint64(p)
        r = np.multiply(a, b)  # wraps modulo 2**64, as does q*p
        r -= q
        s = r.view(np.int64)  # exact remainder now in [-p, 2p)
        pp = np.int64(p)
        s += pp & (s >> 63)  # [-p, 0) -> [0, p)
        s -= pp
        s += pp & (s >> 63)  # [p, 2p) -> [0, p)
        return r


@dataclass(frozen=True)
class IntegerRing:
    """The integers Z on ``object`` arrays of Python ints.

    Random elements are uniform in ``[-bound, bound)``.

    Examples
    --------
    >>> Z = IntegerRing()
    >>> Z.mul(Z.from_ints([2**40]), Z.from_ints([2**40])).tolist() == [2**80]
    True
    """

    bound: int = 2**31

    @property
    def name(self) -> str:
        return "Z"

    @property
    def sample_space(self) -> int:
        return 2 * self.bound

    def from_ints(self, values: object) -> Array:
        arr = np.asarray(values, dtype=object)
        flat = np.empty(arr.size, dtype=object)
        flat[:] = [int(v) for v in arr.ravel()]
        return flat.reshape(arr.shape)

    def random(self, rng: np.random.Generator, shape: tuple[int, ...]) -> Array:
        vals = rng.integers(-self.bound, self.bound, size=shape, dtype=np.int64)
        return self.from_ints(vals.tolist())

    def to_ints(self, a: Array) -> list[int]:
        return [int(v) for v in np.asarray(a, dtype=object).ravel()]

    def add(self, a: Array, b: Array) -> Array:
        return np.asarray(np.add(a, b), dtype=object)

    def mul(self, a: Array, b: Array) -> Array:
        return np.asarray(np.multiply(a, b), dtype=object)
