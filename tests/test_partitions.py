"""Partitions: naming conventions (papers' 1-based odd = 0-based even) and parsing."""

from __future__ import annotations

import numpy as np
import pytest

from convac_verify.errors import InvalidPartition
from convac_verify.networks.partitions import (
    Partition,
    alternating_blocks,
    left_right,
    odd_even,
    parse_partition,
    random_balanced,
)


def test_named_partitions_golden() -> None:
    assert odd_even(8).rows == (0, 2, 4, 6) and odd_even(8).cols == (1, 3, 5, 7)
    assert left_right(6).rows == (0, 1, 2)
    assert alternating_blocks(8, 2).rows == (0, 1, 4, 5)
    assert alternating_blocks(8, 1) == odd_even(8).__class__((0, 2, 4, 6), 8, "blocks:1")


def test_random_is_balanced_and_seeded() -> None:
    a = random_balanced(10, np.random.default_rng(5))
    b = random_balanced(10, np.random.default_rng(5))
    assert a == b and len(a.rows) == 5


def test_parse() -> None:
    rng = np.random.default_rng(0)
    assert parse_partition("0,5,2", 6, rng).rows == (0, 2, 5)
    assert parse_partition("blocks:2", 8, rng).rows == (0, 1, 4, 5)
    assert parse_partition("left-right", 4, rng).name == "left-right"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("0,9", "must lie in 0..7"),
        ("0,0,1", "repeat"),
        ("nosuch", "unknown partition 'nosuch'; known: odd-even"),
        ("blocks", "usage: blocks:B"),
        ("blocks:x", "usage: blocks:B"),
        ("1,a", "integers"),
    ],
)
def test_parse_errors(text: str, message: str) -> None:
    with pytest.raises(InvalidPartition, match=message):
        parse_partition(text, 8, np.random.default_rng(0))


def test_proper() -> None:
    with pytest.raises(InvalidPartition, match="nonempty"):
        Partition.from_rows([0, 1, 2], 3).require_proper()
    assert Partition.from_rows([1], 3).side([0, 1, 2]) == (1, 2)
