"""Sketched ranks of overlapping networks (issue 11 §2 on the networks of issue 10).

Past the dense limit ``overlap`` contracts ``S [[A]] T^T`` through the network compiled
into the tensor-network core (the tree of copies joined by the input deltas). The sketched
rank must equal the dense rank wherever both run (1D and 2D, several schemes and
partitions), and one network past the dense limit gets a ``proved`` row.
"""

from __future__ import annotations

import dataclasses

import pytest

from convac_verify.cli.overlap import _partitions
from convac_verify.engines.measure import RankSettings
from convac_verify.errors import BudgetExceeded
from convac_verify.evidence.status import Claim, Status, decide
from convac_verify.networks.partitions import left_right
from convac_verify.overlaps.measure import measure_overlap, sketch_plan
from convac_verify.overlaps.network import compile_overlap
from convac_verify.overlaps.schemes import SchemeParams, build_scheme

S = RankSettings()
SKETCH = dataclasses.replace(S, method="sketch")
DENSE = dataclasses.replace(S, method="dense")

CASES = [
    ("alternating", (8,), {"width": 1, "kernel": 2}),
    ("alternating", (8,), {"width": 2, "kernel": 3, "padding": "zero"}),
    ("gc-stack", (16,), {"width": 2}),
    ("large-rf", (12,), {"width": 2, "window": 3}),
    ("large-rf", (8,), {"width": 1, "window": 5, "first": "gc"}),
    ("nonoverlap", (16,), {"width": 2}),
    ("alternating", (3, 4), {"width": 1, "kernel": 2}),
    ("gc-stack", (4, 4), {"width": 2}),
    ("alternating", (3, 3), {"width": 1, "kernel": 2, "padding": "circular"}),
]


@pytest.mark.parametrize(("scheme", "shape", "kw"), CASES)
def test_sketched_rank_equals_dense(scheme: str, shape: tuple[int, ...], kw: dict) -> None:
    net = build_scheme(scheme, SchemeParams(shape, **kw))
    specs = ["left-right", "random"] + (["top-bottom"] if len(shape) == 2 else ["odd-even"])
    for part in _partitions(specs, shape, 3):
        dense = measure_overlap(net, part, DENSE)
        sketched = measure_overlap(net, part, SKETCH)
        assert sketched.evidence.method.startswith("sketch")
        assert sketched.rank == dense.rank, (scheme, shape, part.name)
        assert sketched.upper_bound == dense.upper_bound


def test_sketch_evidence_is_the_compiled_networks() -> None:
    net = build_scheme("alternating", SchemeParams((8,), width=1, kernel=2))
    m = measure_overlap(net, left_right(8), SKETCH)
    # degree: N sketch variables + one per weight node of the unrolled network (>= the
    # ConvAC's own degree, so the epsilon is conservative)
    degree = compile_overlap(net).network.entry_degree()
    assert degree >= net.entry_degree()
    assert m.evidence.degree == degree + 8 and m.evidence.is_random
    assert m.extra["sketch"] == "6 x 6" and m.rank == 5 and m.upper_bound == 6
    v = decide(Claim("==", "5", 5), m)
    assert v.status is Status.VERIFIED and v.epsilon is not None and v.epsilon < 1e-12


def test_auto_keeps_dense_below_the_limit() -> None:
    net = build_scheme("gc-stack", SchemeParams((16,), width=2))
    assert sketch_plan(net, left_right(16), S) is None
    assert measure_overlap(net, left_right(16), S).evidence.method == "dense"


def test_past_the_dense_limit_is_sketched_and_proved() -> None:
    # GC(3, 2) at N = 64: 2^64 entries; min-cut 32 = the sketched rank (2 r^(log2 N - 2))
    net = build_scheme("gc-stack", SchemeParams((64,), width=2))
    notes: list[str] = []
    m = measure_overlap(net, left_right(64), S, progress=notes.append)
    assert m.evidence.method == "sketch" and m.rank == 32 == m.upper_bound
    v = decide(Claim("==", "measured", m.rank), m)
    assert v.status is Status.PROVED and v.certificate is not None
    assert v.certificate.kind == "min-cut"
    assert len(notes) == 1 and notes[0].startswith("note: overlap gc-stack")
    assert "32 x 32, upper bound 32" in notes[0]


def test_over_budget_is_sampled_and_forced_sketches_refused() -> None:
    net = build_scheme("gc-stack", SchemeParams((32,), width=2))
    part = left_right(32)
    tight = dataclasses.replace(S, max_seconds=1e-3)
    assert sketch_plan(net, part, tight) is None
    assert measure_overlap(net, part, tight).evidence.method.startswith("sampled")
    with pytest.raises(BudgetExceeded, match="refused before starting"):
        sketch_plan(net, part, dataclasses.replace(tight, method="sketch"))


def test_sketch_is_deterministic() -> None:
    net = build_scheme("large-rf", SchemeParams((24,), width=2, window=3))
    part = left_right(24)
    a = measure_overlap(net, part, dataclasses.replace(S, seed=5))
    b = measure_overlap(net, part, dataclasses.replace(S, seed=5))
    assert a.evidence.method == "sketch" and a.rank == b.rank == a.upper_bound
