"""Partitions (I, J) of the modes ``0..N-1``: which modes index rows and which columns.

Conventions
-----------
* Modes are numbered from 0 (see :mod:`convac_verify.networks.trees`).
* **odd-even** follows the papers' 1-based naming: I = {1, 3, 5, ...} in 1-based
  numbering, which is the 0-based set ``{0, 2, 4, ...}``. This is COLT 2016's
  canonical matricization ``[A]`` (rows = odd modes, columns = even modes).
* **left-right**: I = the first half ``{0..N/2-1}``.
* ``blocks:B``: I = the modes in odd-numbered blocks of ``B`` consecutive modes
  (1-based block numbers), so ``blocks:1`` is odd-even. It is the partition of
  COLT 2016 Theorem 3 (truncated depth).
* **random**: a balanced random partition (``|I| = floor(N/2)``) drawn from the seed.
* An explicit partition is a comma-separated list of the row modes, ``0,2,5``.

A partition is *proper* when both I and J are nonempty; the theorems assume it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np

from ..errors import InvalidPartition

__all__ = [
    "PARTITIONS",
    "Partition",
    "alternating_blocks",
    "get_partition",
    "left_right",
    "odd_even",
    "parse_partition",
    "random_balanced",
    "register_partition",
]


@dataclass(frozen=True)
class Partition:
    """A partition (I, J) of ``range(n_modes)``; I indexes rows.

    Examples
    --------
    >>> P = Partition.from_rows([0, 2], 4)
    >>> P.rows, P.cols
    ((0, 2), (1, 3))
    """

    rows: tuple[int, ...]
    """The modes in I, increasing."""
    n_modes: int
    """N."""
    name: str = "explicit"
    """How the partition was made (for reports)."""

    @classmethod
    def from_rows(cls, rows: Iterable[int], n_modes: int, name: str = "explicit") -> Partition:
        """Validate and build a partition from its row modes."""
        rows_list = [int(r) for r in rows]
        bad = sorted(r for r in rows_list if not 0 <= r < n_modes)
        if bad:
            raise InvalidPartition(
                f"row modes must lie in 0..{n_modes - 1} (modes are numbered from 0); got {bad}"
            )
        if len(set(rows_list)) != len(rows_list):
            raise InvalidPartition(f"row modes repeat: {rows_list}")
        return cls(tuple(sorted(rows_list)), n_modes, name)

    @property
    def cols(self) -> tuple[int, ...]:
        """The modes in J, increasing."""
        rows = set(self.rows)
        return tuple(m for m in range(self.n_modes) if m not in rows)

    @property
    def is_proper(self) -> bool:
        """Both I and J are nonempty."""
        return 0 < len(self.rows) < self.n_modes

    def require_proper(self) -> Partition:
        """Return ``self`` or raise if I or J is empty."""
        if not self.is_proper:
            raise InvalidPartition(
                f"partition must leave both I and J nonempty; got I = {list(self.rows)} "
                f"of N = {self.n_modes} modes"
            )
        return self

    def side(self, modes: Iterable[int]) -> tuple[int, int]:
        """``(|I & modes|, |J & modes|)``."""
        rows = set(self.rows)
        ms = list(modes)
        n_i = sum(1 for m in ms if m in rows)
        return n_i, len(ms) - n_i


def odd_even(n_modes: int) -> Partition:
    """COLT's canonical partition: 1-based odd modes = 0-based ``{0, 2, 4, ...}``."""
    return alternating_blocks(n_modes, 1, name="odd-even")


def left_right(n_modes: int) -> Partition:
    """I = the first ``N // 2`` modes."""
    return Partition.from_rows(range(n_modes // 2), n_modes, "left-right")


def alternating_blocks(n_modes: int, block: int, name: str | None = None) -> Partition:
    """I = modes in the 1st, 3rd, 5th, ... block of ``block`` consecutive modes."""
    if block < 1:
        raise InvalidPartition(f"block size must be >= 1; got {block}")
    rows = [m for m in range(n_modes) if (m // block) % 2 == 0]
    return Partition.from_rows(rows, n_modes, name or f"blocks:{block}")


def random_balanced(n_modes: int, rng: np.random.Generator) -> Partition:
    """A uniformly random I with ``|I| = N // 2``."""
    rows = rng.choice(n_modes, size=n_modes // 2, replace=False)
    return Partition.from_rows(rows.tolist(), n_modes, "random")


PartitionFactory = Callable[[int, np.random.Generator, list[int]], Partition]
_PARTITIONS: dict[str, tuple[PartitionFactory, str]] = {}
PARTITIONS = _PARTITIONS


def register_partition(name: str, usage: str) -> Callable[[PartitionFactory], PartitionFactory]:
    """Register a named partition family ``fn(n_modes, rng, int_args)``."""

    def deco(fn: PartitionFactory) -> PartitionFactory:
        if name in _PARTITIONS:
            raise KeyError(f"partition {name!r} is already registered")
        _PARTITIONS[name] = (fn, usage)
        return fn

    return deco


def get_partition(name: str) -> PartitionFactory:
    """Look up a named partition; the error lists the known names."""
    try:
        return _PARTITIONS[name][0]
    except KeyError:
        known = ", ".join(u for _, u in _PARTITIONS.values())
        raise InvalidPartition(
            f"unknown partition {name!r}; known: {known}, or row modes like 0,2,5"
        ) from None


register_partition("odd-even", "odd-even")(lambda n, rng, a: odd_even(n))
register_partition("left-right", "left-right")(lambda n, rng, a: left_right(n))
register_partition("random", "random")(lambda n, rng, a: random_balanced(n, rng))


@register_partition("blocks", "blocks:B")
def _blocks(n: int, rng: np.random.Generator, args: list[int]) -> Partition:
    (block,) = args
    return alternating_blocks(n, block)


def parse_partition(text: str, n_modes: int, rng: np.random.Generator) -> Partition:
    """Parse ``--rows``: a registered name (``odd-even``, ``blocks:2``) or ``0,2,5``.

    Examples
    --------
    >>> parse_partition("0, 3", 4, np.random.default_rng(0)).cols
    (1, 2)
    >>> parse_partition("odd-even", 6, np.random.default_rng(0)).rows
    (0, 2, 4)
    """
    text = text.strip()
    if text and (text[0].isdigit()):
        try:
            rows = [int(t) for t in text.split(",") if t.strip()]
        except ValueError:
            raise InvalidPartition(f"row modes must be integers like 0,2,5; got {text!r}") from None
        return Partition.from_rows(rows, n_modes)
    name, _, args = text.partition(":")
    factory = get_partition(name)
    usage = _PARTITIONS[name][1]
    try:
        ints = [int(a) for a in args.split(",") if a.strip()]
    except ValueError:
        raise InvalidPartition(f"wrong arguments for partition {name!r}; usage: {usage}") from None
    try:
        return factory(n_modes, rng, ints)
    except InvalidPartition:
        raise
    except (TypeError, ValueError):
        raise InvalidPartition(f"wrong arguments for partition {name!r}; usage: {usage}") from None
