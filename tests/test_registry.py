"""The registry drives the tests: every check holds at its defaults and is violated under
its negative control; every module in theorems/ registers exactly one check."""

from __future__ import annotations

import pkgutil

import pytest

from convac_verify import theorems
from convac_verify.engines.measure import Context
from convac_verify.evidence.status import Status
from convac_verify.theorems import THEOREMS
from convac_verify.theorems.runner import run_theorem

NAMES = sorted(THEOREMS)


def test_every_module_registers_exactly_one_check() -> None:
    machinery = {"registry", "runner"}  # theorems/ also holds the registry and the runner
    modules = {
        f"{theorems.__name__}.{m.name}"
        for m in pkgutil.iter_modules(theorems.__path__)
        if m.name not in machinery
    }
    registered = [t.module for t in THEOREMS.values()]
    assert sorted(registered) == sorted(modules)


@pytest.mark.parametrize("name", NAMES)
def test_metadata(name: str) -> None:
    th = THEOREMS[name]
    assert th.reference and th.hypotheses and th.title and th.family
    assert set(th.negative_control) <= set(th.defaults)
    doc = __import__(th.module, fromlist=["_"]).__doc__ or ""
    assert "References" in doc and "Negative control" in doc


@pytest.mark.parametrize("name", NAMES)
def test_defaults_hold(name: str) -> None:
    """Nothing is violated at the defaults (``consistent`` rows are samples, e.g. App. F)."""
    results = run_theorem(THEOREMS[name], Context())
    assert results
    assert all(r.status is not Status.VIOLATED for r in results), [
        (r.observation.label, r.verdict.reason) for r in results if r.status is Status.VIOLATED
    ]
    assert any(r.status in (Status.PROVED, Status.VERIFIED) for r in results) or name == (
        "icml16-appendix-f"
    )


@pytest.mark.parametrize("name", NAMES)
def test_negative_control_is_violated(name: str) -> None:
    th = THEOREMS[name]
    results = run_theorem(th, Context(), **th.negative_control)
    assert any(r.status is Status.VIOLATED for r in results)


def test_unknown_parameter() -> None:
    with pytest.raises(KeyError, match="no parameter 'bogus'"):
        run_theorem(THEOREMS[NAMES[0]], Context(), bogus=1)
