"""The pooling checks, driven by the registry: each holds at its defaults, is violated
under its negative control, and documents paper, hypotheses and negative control."""

from __future__ import annotations

import pytest

from convac_verify.engines.measure import Context
from convac_verify.evidence.status import Status
from convac_verify.theorems import THEOREMS
from convac_verify.theorems.runner import run_theorem

POOLING = sorted(n for n, t in THEOREMS.items() if t.family == "pooling")


def test_the_pooling_family_is_registered() -> None:
    assert POOLING == [
        "ctm18-theorem-7",
        "iclr17-claim-1",
        "iclr17-claim-2",
        "iclr17-shallow",
        "iclr17-theorem-1",
        "pooling-bounds",
    ]


@pytest.mark.parametrize("name", POOLING)
def test_metadata(name: str) -> None:
    th = THEOREMS[name]
    assert th.reference and th.hypotheses and th.title
    for control in th.negative_controls.values():
        assert set(control) - {"claim"} <= set(th.defaults)
    doc = __import__(th.module, fromlist=["_"]).__doc__ or ""
    assert "References" in doc and "Negative control" in doc and "Hypotheses" in doc


@pytest.mark.parametrize("name", POOLING)
def test_defaults_are_proved_or_verified(name: str) -> None:
    """(Defaults and negative controls of every check: tests/test_registry.py.)"""
    results = run_theorem(THEOREMS[name], Context())
    assert results
    assert all(r.status in (Status.PROVED, Status.VERIFIED) for r in results), [
        (r.observation.label, r.observation.subject, r.status) for r in results
    ]


def test_theorem1_rejects_trees_that_are_not_quad_trees() -> None:
    from convac_verify.errors import ConvacError

    with pytest.raises(ConvacError, match="use the check pooling-bounds"):
        run_theorem(THEOREMS["iclr17-theorem-1"], Context(), geometries="rect:2x1,1x2,2x1,1x2")


def test_theorem7_refuses_m_below_r_and_non_binary_trees() -> None:
    from convac_verify.errors import ConvacError

    th = THEOREMS["ctm18-theorem-7"]
    with pytest.raises(ConvacError, match="M >= r"):
        run_theorem(th, Context(), dim=2, width=3)
    with pytest.raises(ConvacError, match="not binary"):
        run_theorem(th, Context(), trees="balanced:16:4")


def test_claim2_draws_are_independent_and_agree() -> None:
    results = run_theorem(THEOREMS["iclr17-claim-2"], Context())
    seeds = {r.observation.subject.split("seed ")[1].split(",")[0] for r in results}
    assert len(seeds) == 3
    assert all(r.status is Status.PROVED for r in results)  # the joint spans are tight here
    assert all(0 < r.observation.params["miss_probability"] < 1e-12 for r in results)


def test_theorem1_at_8x8_is_proved_with_witnesses() -> None:
    """Lower bounds are proved by the Kronecker witness; the upper bounds (the c-recursion
    is Theorem 1's own bound) are proved by an independent certificate: the min-cut of
    the tensor network (or the matrix size)."""
    results = run_theorem(THEOREMS["iclr17-theorem-1"], Context(), grid="8x8", widths="2")
    lower = [r for r in results if r.observation.claim.relation == ">="]
    upper = [r for r in results if r.observation.claim.relation == "<="]
    assert all(r.status is Status.PROVED for r in lower)
    assert all(r.status is Status.PROVED for r in upper)
    assert all(
        r.verdict.certificate is not None
        and r.verdict.certificate.kind in ("min-cut", "matrix-size")
        for r in upper
    )
    assert any(r.verdict.certificate.kind == "min-cut" for r in upper if r.verdict.certificate)
    lr = [
        r
        for r in results
        if r.observation.label == "mirror / left-right" and r.observation.claim.relation == ">="
    ]
    assert lr[0].observation.measurement.rank == 2**16
