"""Every ICML 2016 check: holds at its (reduced) defaults, fails under its negative control."""

from __future__ import annotations

import json
from fractions import Fraction
from typing import Any

import pytest

from convac_verify.engines.measure import Context, RankSettings
from convac_verify.evidence.status import Status
from convac_verify.report import Report
from convac_verify.theorems import THEOREMS
from convac_verify.theorems.runner import run_theorem

RECTIFIER = sorted(name for name, th in THEOREMS.items() if th.family == "rectifier")
FAST = {"draws": 3}  # reduced draw counts keep the suite fast


def _run(name: str, **extra: Any) -> list[Any]:
    th = THEOREMS[name]
    params = {k: v for k, v in FAST.items() if k in th.defaults}
    params.update(extra)
    return run_theorem(th, Context(RankSettings(seed=0)), **params)


def test_the_rectifier_family_is_registered() -> None:
    expected = {
        "icml16-claim-3",
        "icml16-claim-4",
        "icml16-claim-5",
        "icml16-claim-8",
        "icml16-claim-9",
        "icml16-claim-10",
        "icml16-claim-11",
        "icml16-e10-shallow-max",
        "icml16-avg-incomplete",
        "icml16-appendix-f",
    }
    assert expected <= set(RECTIFIER)
    for name in RECTIFIER:
        th = THEOREMS[name]
        assert "ICML 2016" in th.reference and th.hypotheses and th.negative_control


@pytest.mark.parametrize("name", RECTIFIER)
def test_relu_random_draws_are_never_verified(name: str) -> None:
    """No Schwartz-Zippel epsilon for max/ReLU draws: a ReLU row is verified only by a
    certificate of its own (the sum-pooling relaxation), never by its draws."""
    for r in _run(name):
        ev = r.observation.measurement.evidence
        if not ev.polynomial:
            assert not ev.is_random and ev.failure(1) is None
            if r.status is Status.VERIFIED:
                assert r.verdict.certificate is not None
                assert r.verdict.certificate.kind == "relaxation"


def test_claim5_own_bound_proves_nothing_and_the_factorization_is_checked() -> None:
    """E.7's structure IS Claim 5's bound: it may not decide Claim 5, but it still bounds
    the rank (and refutes what exceeds it, e.g. Claim 3 under sum pooling). The rows are
    verified by the relaxation (the generic rank of sum_i T_i (x) 1)."""
    results = _run("icml16-claim-5", draws=2)
    assert all(r.status is Status.VERIFIED for r in results)
    for r in results:
        m = r.observation.measurement
        kinds = {b.certificate.kind for b in m.bounds}
        assert "sum-pooling" in kinds
        assert r.verdict.certificate is not None and r.verdict.certificate.kind == "relaxation"
        assert r.verdict.epsilon is not None and r.verdict.epsilon < Fraction(1, 10**15)
        assert m.upper_bound is not None and m.upper_bound <= r.observation.claim.value
        assert m.extra["factorization_checked"] == "2/2"


def test_claim8_rank_is_exactly_full_at_the_witness() -> None:
    ranks = {
        r.observation.params["N"]: r.observation.measurement.rank
        for r in _run("icml16-claim-8")
        if r.observation.claim.quantity == "rank"
    }
    assert ranks == {2: 3, 4: 9, 8: 81}


def test_claim9_box_is_certified_and_every_draw_held() -> None:
    results = _run("icml16-claim-9", draws=5)
    for r in results:
        m = r.observation.measurement
        assert r.status is Status.PROVED
        assert m.extra["certified"] is True and m.extra["held"] == 5


def test_random_f_is_supported() -> None:
    for name in ("icml16-claim-8", "icml16-claim-9", "icml16-claim-4"):
        results = _run(name, F="random")
        assert all(r.status is Status.PROVED for r in results)


def test_appendix_f_at_reduced_draws_shifts_toward_full_rank() -> None:
    results = [
        r
        for r in _run("icml16-appendix-f", draws=40)
        if r.observation.claim.quantity == "draws at full rank"
    ]
    assert [r.observation.label for r in results] == ["(2,2,2)", "(4,4,4)", "(8,8,8)"]
    extras = [r.observation.measurement.extra for r in results]
    means = [Fraction(str(e["mean"])) for e in extras]  # exact Fraction text
    assert means == sorted(means) and means[-1] > 60 > means[0]
    full = [r.observation.measurement.rank for r in results]
    assert full[0] == 0 and full[-1] > full[1]  # more full-rank draws with width ...
    assert all(f < 40 for f in full)  # ... but never all of them
    assert all(r.status is Status.CONSISTENT for r in results)
    assert all(int(e["min_rank_exact"]) < 81 for e in extras)


def test_appendix_f_modular_ranks_equal_exact_ranks() -> None:
    fast = _run("icml16-appendix-f", draws=6, widths="2 4")[::2]
    exact = _run("icml16-appendix-f", draws=6, widths="2 4", exact=True)[::2]
    for a, b in zip(fast, exact, strict=True):
        assert (
            a.observation.measurement.extra["histogram"]
            == b.observation.measurement.extra["histogram"]
        )
        assert b.observation.measurement.evidence.field == "Q"


def test_results_are_deterministic_for_a_seed() -> None:
    def dump() -> str:
        results = _run("icml16-claim-5", draws=2) + _run("icml16-appendix-f", draws=4, widths="2")
        return json.dumps(Report("t", RankSettings(), results).to_dict(), sort_keys=True)

    assert dump() == dump()
