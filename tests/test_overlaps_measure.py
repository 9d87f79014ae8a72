"""Measurements of overlapping networks: methods, evidence, and what a sampled rank decides."""

from __future__ import annotations

import dataclasses

from convac_verify.engines.measure import RankSettings
from convac_verify.evidence.status import Claim, Evidence, Measurement, Status, decide
from convac_verify.networks.partitions import left_right
from convac_verify.overlaps.measure import measure_overlap, settle
from convac_verify.overlaps.schemes import SchemeParams, build_scheme

S = RankSettings()


def test_dense_measurement_has_an_epsilon() -> None:
    net = build_scheme("alternating", SchemeParams((8,), width=1, kernel=2))
    m = measure_overlap(net, left_right(8), S)
    assert m.evidence.method == "dense" and m.rank == 5 and m.upper_bound == 6
    assert m.evidence.degree == net.entry_degree() and m.evidence.is_random
    v = decide(Claim("==", "5", 5), m)
    assert v.status is Status.VERIFIED and v.epsilon is not None and v.epsilon < 1e-15


def test_sampled_measurement_is_a_lower_bound_only() -> None:
    net = build_scheme("alternating", SchemeParams((32,), width=1, kernel=2))
    m = measure_overlap(net, left_right(32), S)
    assert m.evidence.method.startswith("sampled") and m.extra["lower_bound_only"]
    assert not m.evidence.is_random  # no Schwartz--Zippel epsilon for a submatrix
    assert m.rank == 31 and m.upper_bound == 87
    # a claim above the sampled rank but below the upper bound is not refuted
    claim = Claim(">=", "40", 40)
    assert decide(settle(claim, m), m).status is not Status.VIOLATED
    # one above the proved upper bound is
    assert decide(settle(Claim(">=", "88", 88), m), m).status is Status.VIOLATED
    # an upper claim is never "verified" from a submatrix
    assert decide(settle(Claim("<=", "50", 50), m), m).status is Status.CONSISTENT


def test_method_structured_forces_sampling() -> None:
    net = build_scheme("gc-stack", SchemeParams((8,), width=2))
    m = measure_overlap(net, left_right(8), dataclasses.replace(S, method="structured"))
    assert m.evidence.method.startswith("sampled") and m.rank == 4 == m.upper_bound


def test_exact_over_q() -> None:
    net = build_scheme("large-rf", SchemeParams((8,), width=2, window=3))
    m = measure_overlap(net, left_right(8), dataclasses.replace(S, field="qq"))
    assert m.evidence.field == "Q" and m.rank == 8 == m.upper_bound


def test_settle_keeps_decidable_claims() -> None:
    m = Measurement(3, Evidence("GF(p)", "dense", "random"), 10, "x")
    claim = Claim(">=", "5", 5)
    assert settle(claim, m) is claim  # not a sampled measurement
