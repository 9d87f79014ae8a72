"""Exact rational arrays for ReLU networks: integer numerators over one denominator.

Max pooling and ReLU need an order, so finite fields cannot express them (see
``docs/exact-ranks.md``, "Max and ReLU need an order"). Generalized decompositions are therefore
evaluated over the rationals, exactly:

Convention
----------
A :class:`QArray` is ``num / den``: ``num`` an ``object`` array of Python ints (no
overflow, no floats), ``den`` a positive Python int shared by every entry. Two
QArrays combine after bringing them to the lcm of their denominators; the rank of a
QArray matrix is the rank of its numerator matrix (``den > 0`` is a nonzero scale).

Random weights are dyadic (multiples of ``2**-bits``), so denominators are powers of
two and numerators of equal-height nodes share them: alignment is then free.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from functools import reduce
from typing import Any

import numpy as np

from .fields import Array

__all__ = ["QArray", "align", "as_object_ints", "lcm"]


def lcm(a: int, b: int) -> int:
    """Least common multiple of two positive ints."""
    return a // math.gcd(a, b) * b


def as_object_ints(values: object) -> Array:
    """``values`` (ints of any nesting NumPy accepts) as an ``object`` array of Python ints."""
    arr = np.asarray(values, dtype=object)
    out = np.empty(arr.size, dtype=object)
    out[...] = [int(v) for v in arr.ravel()]
    return out.reshape(arr.shape)


@dataclass(frozen=True, eq=False)
class QArray:
    """An exact rational array ``num / den`` (see the module convention).

    Examples
    --------
    >>> q = QArray.from_values([[Fraction(1, 2), 3], [0, Fraction(-3, 4)]])
    >>> q.den, q.num.tolist()
    (4, [[2, 12], [0, -3]])
    >>> q.to_fractions()[1][1]
    Fraction(-3, 4)
    """

    num: Array
    """Numerators: ``object`` array of Python ints."""
    den: int = 1
    """The common positive denominator."""

    def __post_init__(self) -> None:
        if not isinstance(self.den, int) or self.den <= 0:
            raise ValueError(f"QArray denominator must be a positive int; got {self.den!r}")

    # ------------------------------------------------------------------ building

    @classmethod
    def from_values(cls, values: object) -> QArray:
        """From ints or :class:`fractions.Fraction` s (any nesting), exactly.

        Floats are refused: they are not exact.
        """
        arr = np.asarray(values, dtype=object)
        flat = list(arr.ravel())
        fracs: list[Fraction] = []
        for v in flat:
            if isinstance(v, bool) or not isinstance(v, (int, Fraction, np.integer)):
                raise TypeError(f"exact values must be int or Fraction; got {type(v).__name__}")
            fracs.append(Fraction(int(v)) if not isinstance(v, Fraction) else v)
        den = reduce(lcm, (f.denominator for f in fracs), 1)
        num = np.empty(len(fracs), dtype=object)
        num[...] = [f.numerator * (den // f.denominator) for f in fracs]
        return cls(num.reshape(arr.shape), den)

    @classmethod
    def zeros(cls, shape: tuple[int, ...]) -> QArray:
        """The zero array."""
        num = np.empty(shape, dtype=object)
        num.fill(0)
        return cls(num, 1)

    # ------------------------------------------------------------------ access

    @property
    def shape(self) -> tuple[int, ...]:
        """Shape of the array."""
        return tuple(self.num.shape)

    def to_fractions(self) -> list[object]:
        """Nested lists of :class:`fractions.Fraction` (for tests and reports)."""
        out = np.empty(self.num.size, dtype=object)
        out[...] = [Fraction(int(v), self.den) for v in self.num.ravel()]
        result: list[object] = out.reshape(self.num.shape).tolist()
        return result

    def scaled_to(self, den: int) -> Array:
        """Numerators over ``den`` (a multiple of :attr:`den`)."""
        if den == self.den:
            return self.num
        factor, rem = divmod(den, self.den)
        if rem:
            raise ValueError(f"{den} is not a multiple of the denominator {self.den}")
        return np.asarray(self.num * factor, dtype=object)

    def normalized(self) -> QArray:
        """Divide numerators and denominator by their gcd (same values)."""
        g = reduce(math.gcd, (int(v) for v in self.num.ravel()), self.den)
        if g <= 1:
            return self
        return QArray(np.asarray(self.num // g, dtype=object), self.den // g)

    def equals(self, other: QArray) -> bool:
        """Exact entrywise equality (shapes must agree)."""
        if self.shape != other.shape:
            return False
        return bool(np.all(self.num * other.den == other.num * self.den))

    # ------------------------------------------------------------------ arithmetic

    def __getitem__(self, key: Any) -> QArray:
        return QArray(np.asarray(self.num[key]), self.den)

    def reshape(self, *shape: int) -> QArray:
        """Reshaped view with the same denominator."""
        return QArray(self.num.reshape(*shape), self.den)

    def add(self, other: QArray) -> QArray:
        """Entrywise sum (broadcasting)."""
        den = lcm(self.den, other.den)
        return QArray(np.add(self.scaled_to(den), other.scaled_to(den)), den)

    def matmul(self, other: QArray) -> QArray:
        """Matrix product, exact (NumPy ``dot`` on Python ints)."""
        return QArray(np.asarray(self.num.dot(other.num), dtype=object), self.den * other.den)


def align(arrays: Sequence[QArray]) -> tuple[list[Array], int]:
    """Numerators of ``arrays`` over their common denominator."""
    den = reduce(lcm, (a.den for a in arrays), 1)
    return [a.scaled_to(den) for a in arrays], den
