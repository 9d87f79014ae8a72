"""The cost estimator: refusals before any allocation, and widths that add nothing."""

from __future__ import annotations

import pytest

from convac_verify.engines.estimate import (
    check_budget,
    parse_duration,
    rank_estimate,
    useful_widths,
)
from convac_verify.engines.measure import RankSettings, measure_rank
from convac_verify.errors import BudgetExceeded, ConvacError
from convac_verify.networks.partitions2d import every_partition
from convac_verify.networks.trees import balanced, from_windows


@pytest.mark.parametrize(
    ("tree", "widths", "capped"),
    [
        (balanced(4), (9, 20), (4, 16)),
        (balanced(8), (5, 17, 3), (4, 16, 3)),
        (from_windows([3, 2]), (9, 65), (8, 64)),
    ],
)
def test_capped_widths_have_the_same_generic_rank(
    tree: object, widths: tuple[int, ...], capped: tuple[int, ...]
) -> None:
    """The argument of engines/estimate.py, checked on every partition of small trees."""
    assert useful_widths(tree, 2, widths) == capped
    settings = RankSettings(method="dense")
    n = len(capped) and tree.graph["n_modes"]  # type: ignore[attr-defined]
    for part in list(every_partition(n))[::3]:
        a = measure_rank(tree, 2, widths, part, settings).rank
        b = measure_rank(tree, 2, capped, part, settings).rank
        assert a == b, (part.rows, a, b)


def test_refusal_names_the_estimate_and_the_alternatives() -> None:
    tree = balanced(16)
    from convac_verify.networks.partitions import odd_even

    est = rank_estimate(tree, 2, (5000,) * 4, odd_even(16), "gfp", "dense")
    assert est.seconds > 120 and est.weight_bytes > 2**30
    with pytest.raises(BudgetExceeded, match=r"~\d.* min \(estimate\).*--max-time.*4,16,256,5000"):
        check_budget(est, max_memory=2**40, max_seconds=60, tree=tree, dim=2, ws=(5000,) * 4)
    with pytest.raises(BudgetExceeded, match="the weights alone"):
        check_budget(est, max_memory=2**30, max_seconds=1e9, tree=tree, dim=2, ws=(5000,) * 4)
    check_budget(est, max_memory=2**40, max_seconds=1e9, tree=tree, dim=2, ws=(5000,) * 4)


@pytest.mark.parametrize("text", ["", "soon", "-1", "0", "inf", "nan", "1e999"])
def test_bad_durations(text: str) -> None:
    with pytest.raises(ConvacError, match="--max-time"):
        parse_duration(text)


def test_sketch_estimate_models_the_path_taken() -> None:
    """A large sketch with ``--field gfp`` goes to BLAS first (a prime below 2**20): its
    estimate is that path's (cheaper contraction, BLAS rank), not FLINT's."""
    import numpy as np

    from convac_verify.engines.estimate import sketch_estimate
    from convac_verify.engines.measure import sketch_path, sketch_plan
    from convac_verify.networks.compilers import tree_network
    from convac_verify.networks.partitions import parse_partition

    n = 256
    rows = ",".join(str(i * (n // 12)) for i in range(12))  # bound 2**12 = 4096
    part = parse_partition(rows, n, np.random.default_rng(0))
    net = tree_network(balanced(n), 2, 2)
    flint = sketch_estimate(net, part, (4096, 4096))
    blas = sketch_estimate(net, part, (4096, 4096), "sketch-blas")
    assert (flint.path, blas.path) == ("sketch", "sketch-blas")
    # measured (docs/scale.md): 57 s wall on BLAS first at load 6, where FLINT's path
    # was estimated at ~1.5 min; BLAS first is about 4x less CPU
    assert flint.seconds > 60 and blas.seconds < flint.seconds / 3
    # memory: the redo modulo the run's prime may follow a rank short of the bound (the
    # alternating scheme at N = 32, r = 2: rank 59 against the bound 432 -- a 5.2 GB redo)
    assert blas.bytes == flint.bytes
    settings = RankSettings(method="sketch", max_seconds=600)
    tree = balanced(n)
    plan = sketch_plan(tree, 2, [2] * 8, part, settings)
    assert plan is not None and plan.estimate.path == "sketch-blas"
    assert plan.estimate.seconds == pytest.approx(blas.seconds)
    # the choice: FLINT for --field qq, small sketches, and where BLAS is switched off
    assert sketch_path(RankSettings(field="qq"), (4096, 4096)) == "sketch"
    assert sketch_path(settings, (255, 4096)) == "sketch"
    assert sketch_path(settings, (4096, 4096), blas=False) == "sketch"
    off = sketch_plan(tree, 2, [2] * 8, part, settings, blas=False)
    assert off is not None and off.estimate.path == "sketch"
    with pytest.raises(ConvacError, match="unknown sketch path"):
        sketch_estimate(net, part, (4, 4), "dense")
