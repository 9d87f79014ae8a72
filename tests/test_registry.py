"""The registry drives the tests: every check holds at its defaults and every one of its
named negative controls is violated -- with certainty or epsilon below the threshold --
while a strengthened (false) claim is never proved or verified; every module in
theorems/ registers exactly one check; parameters are typed and validated."""

from __future__ import annotations

import pkgutil
from typing import Any

import pytest

from convac_verify import theorems
from convac_verify.engines.measure import Context
from convac_verify.errors import ConvacError
from convac_verify.evidence.certificates import CERTIFICATE_KINDS, OWN_BOUNDS
from convac_verify.evidence.status import VIOLATION_THRESHOLD, Status
from convac_verify.theorems import THEOREMS
from convac_verify.theorems.registry import CLAIM_CONTROLS
from convac_verify.theorems.runner import run_control, run_theorem

NAMES = sorted(THEOREMS)
CONTROLS = [(name, control) for name in NAMES for control in THEOREMS[name].negative_controls]
FAST = {"draws": 3}  # fewer random draws for the sampled rectifier checks


def _fast(name: str) -> dict[str, Any]:
    return {k: v for k, v in FAST.items() if k in THEOREMS[name].defaults}


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
    assert th.negative_controls
    for control in th.negative_controls.values():
        assert set(control) - {"claim"} <= set(th.defaults)
        assert control.get("claim", next(iter(CLAIM_CONTROLS))) in CLAIM_CONTROLS
    assert set(th.choices) <= set(th.defaults)
    for key, accepted in th.choices.items():
        assert th.defaults[key] in accepted
    doc = __import__(th.module, fromlist=["_"]).__doc__ or ""
    assert "References" in doc and "Negative control" in doc


def test_own_bounds_table_names_checks_and_kinds() -> None:
    assert set(OWN_BOUNDS) <= set(THEOREMS)
    for kinds in OWN_BOUNDS.values():
        assert kinds <= set(CERTIFICATE_KINDS)
        assert all(CERTIFICATE_KINDS[k].direction == "upper" for k in kinds)


@pytest.mark.parametrize("name", NAMES)
def test_defaults_hold(name: str) -> None:
    """Nothing is violated at the defaults; every proved row names its certificate, and a
    row is inconclusive only where the check's own bound was set aside."""
    results = run_theorem(THEOREMS[name], Context(), **_fast(name))
    assert results
    assert all(r.status is not Status.VIOLATED for r in results), [
        (r.observation.label, r.verdict.reason) for r in results if r.status is Status.VIOLATED
    ]
    assert any(r.status in (Status.PROVED, Status.VERIFIED) for r in results)
    for r in results:
        if r.status is Status.PROVED:
            assert r.verdict.certificate is not None and not r.verdict.epsilon
            own = OWN_BOUNDS.get(name, frozenset())
            assert r.verdict.certificate.kind not in own
        if r.status is Status.INCONCLUSIVE:
            assert "own bound" in r.verdict.reason, r.verdict.reason


@pytest.mark.parametrize(("name", "control"), CONTROLS)
def test_negative_control_is_violated_with_certainty(name: str, control: str) -> None:
    th = THEOREMS[name]
    overrides = {**_fast(name), **th.negative_controls[control]}
    results = run_theorem(th, Context(), **overrides)
    violated = [r for r in results if r.status is Status.VIOLATED]
    assert violated, [(r.observation.label, r.status, r.verdict.reason) for r in results]
    for r in violated:
        eps = r.verdict.epsilon
        assert eps is None or eps <= VIOLATION_THRESHOLD, r.verdict.reason
        assert r.verdict.certificate is not None
    if "claim" in th.negative_controls[control]:  # a false claim is never proved or verified
        assert all(r.status not in (Status.PROVED, Status.VERIFIED) for r in results)
        assert all("[control" in r.observation.subject for r in results)


def test_run_control_by_name() -> None:
    th = THEOREMS["colt16-theorem-1"]
    assert run_control(th, Context(), "bound + 1")
    with pytest.raises(ConvacError, match="no negative control 'nope'"):
        run_control(th, Context(), "nope")


def test_unknown_parameter() -> None:
    with pytest.raises(ConvacError, match="no parameter 'bogus'"):
        run_theorem(THEOREMS[NAMES[0]], Context(), bogus=1)


@pytest.mark.parametrize(
    ("name", "key", "value", "message"),
    [
        ("colt16-theorem-1", "n_modes", "abc", "n_modes takes an integer; got 'abc'"),
        ("colt16-theorem-1", "n_modes", 2.5, "n_modes takes an integer"),
        ("colt16-theorem-1", "n_modes", -4, "n_modes must be >= 0"),
        ("colt16-theorem-1", "network", "foo", "network must be one of deep, shallow; got 'foo'"),
        ("colt16-theorem-1", "shared", "maybe", "shared takes true or false; got 'maybe'"),
        ("ctm18-theorem-7", "discretizers", "spiky", "must be one of random, identity"),
        ("icml16-claim-8", "F", "fourier", "F must be one of identity, random"),
    ],
)
def test_parameters_are_typed_and_validated(
    name: str, key: str, value: object, message: str
) -> None:
    with pytest.raises(ConvacError, match=message):
        THEOREMS[name].validate({key: value})


def test_parameter_coercion() -> None:
    th = THEOREMS["colt16-theorem-1"]
    assert th.validate({"n_modes": "8", "shared": "yes", "widths": (3, 2, 1)}) == {
        "n_modes": 8,
        "shared": True,
        "widths": "3,2,1",
    }
    assert th.validate({"widths": 2}) == {"widths": "2"}
