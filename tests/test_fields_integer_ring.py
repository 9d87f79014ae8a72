"""Regression: IntegerRing.from_ints on 2-D input (``--field qq`` crashed before)."""

from __future__ import annotations

from convac_verify.algebra.fields import IntegerRing


def test_from_ints_keeps_shape_and_exactness() -> None:
    z = IntegerRing()
    out = z.from_ints([[1, 2**70], [3, -4]])
    assert out.shape == (2, 2)
    assert out.tolist() == [[1, 2**70], [3, -4]]
    assert z.from_ints([]).shape == (0,)


def test_depth_runs_over_q(run_cli) -> None:  # type: ignore[no-untyped-def]
    result = run_cli("depth", "--N", "4", "--field", "qq", "--no-truncated")
    assert result.exit_code == 0, result.stderr
    assert "PASS" in result.stdout
