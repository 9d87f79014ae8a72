"""Heavy overlap measurements (run with --runslow): issue 10's numbers at full size."""

from __future__ import annotations

import pytest

from convac_verify.engines.measure import RankSettings
from convac_verify.networks.partitions import left_right
from convac_verify.networks.partitions2d import all_balanced
from convac_verify.overlaps.measure import measure_overlap
from convac_verify.overlaps.profiles import rank_profile
from convac_verify.overlaps.schemes import SchemeParams, build_scheme


@pytest.mark.slow
def test_alternating_1d_at_128() -> None:
    """B = 2, r = 1: the issue's 503 at N = 128, as a sampled lower bound; bound 9552."""
    net = build_scheme("alternating", SchemeParams((128,), width=1, kernel=2))
    m = measure_overlap(net, left_right(128), RankSettings(), max_sample=1024)
    assert m.bound_only and m.rank == 503 and m.upper_bound == 9552


@pytest.mark.slow
def test_profiles_at_16() -> None:
    """All 6435 balanced partitions: left/right is the non-overlapping net's unique worst;
    alternating (B = 3, zero padding, r = 2) is full rank on every one."""
    parts = list(all_balanced(16, limit=10_000))
    assert len(parts) == 6435
    flat = rank_profile(
        build_scheme("nonoverlap", SchemeParams((16,), width=2)), parts, RankSettings()
    )
    assert flat.worst == 2 and [p.rows for p in flat.worst_partitions()] == [left_right(16).rows]
    net = build_scheme("alternating", SchemeParams((16,), width=2, kernel=3, padding="zero"))
    assert rank_profile(net, parts, RankSettings()).uniform
