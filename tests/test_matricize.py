"""Golden test of the matricization convention (tensorly's test_unfold idea)."""

from __future__ import annotations

import numpy as np

from convac_verify.networks.matricize import matricize
from convac_verify.networks.partitions import Partition, odd_even


def test_arange_golden() -> None:
    """rows = modes of I increasing, row-major; columns likewise (module docstring)."""
    a = np.arange(16).reshape(2, 2, 2, 2)  # value = 8 d0 + 4 d1 + 2 d2 + d3
    m = matricize(a, odd_even(4))  # I = {0, 2}, J = {1, 3}
    assert m.tolist() == [
        [0, 1, 4, 5],  # d0=0,d2=0 ; cols (d1,d3) = 00,01,10,11
        [2, 3, 6, 7],  # d0=0,d2=1
        [8, 9, 12, 13],  # d0=1,d2=0
        [10, 11, 14, 15],
    ]
    assert matricize(a, Partition.from_rows([3], 4)).tolist() == [
        list(range(0, 16, 2)),
        list(range(1, 16, 2)),
    ]


def test_entry_mapping_and_views(rng: np.random.Generator) -> None:
    a = rng.integers(0, 9, size=(3,) * 5)
    p = Partition.from_rows([4, 1], 5)  # rows (d1, d4), columns (d0, d2, d3)
    m = matricize(a, p)
    assert m.shape == (9, 27)
    for d in rng.integers(0, 3, size=(20, 5)):
        d0, d1, d2, d3, d4 = (int(x) for x in d)
        assert m[d1 * 3 + d4, d0 * 9 + d2 * 3 + d3] == a[d0, d1, d2, d3, d4]
    # a permuted view is matricized by its own axes
    view = np.transpose(a, (4, 3, 2, 1, 0))
    assert np.array_equal(
        matricize(view, Partition.from_rows([0], 5)), np.ascontiguousarray(view).reshape(3, 81)
    )
