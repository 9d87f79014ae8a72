"""The theorem registry: every check is a function registered under a kebab-case name.

A check receives a :class:`~convac_verify.runner.Context` and keyword parameters, and
returns :class:`Observation` s -- data only: what was measured, against which claim.
The runner decides the status (:func:`convac_verify.evidence.decide`).

Registration happens by importing :mod:`convac_verify.theorems`, in one place.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .evidence import Claim, Measurement

__all__ = [
    "THEOREMS",
    "Observation",
    "Theorem",
    "get_theorem",
    "register_theorem",
]


@dataclass(frozen=True)
class Observation:
    """One measured rank and the claim it is held against."""

    label: str
    """Row key shared by the checks of one family (e.g. ``"N=16"``)."""
    subject: str
    """What was measured, e.g. ``"deep (HT) odd-even rank"``."""
    claim: Claim
    """The bound the theory gives for this row."""
    measurement: Measurement
    """The exact rank and how it was obtained."""
    params: Mapping[str, Any] = field(default_factory=dict)
    """The parameters of this row (N, M, r, partition, ...)."""
    series: str = ""
    """Growth series this row belongs to ('' for none)."""
    x: int | None = None
    """The series' variable (e.g. N) for growth classification."""
    x_name: str = "N"
    """How to print the variable."""


CheckFn = Callable[..., Iterable[Observation]]


@dataclass(frozen=True)
class Theorem:
    """A registered check and its provenance."""

    name: str
    """Kebab-case registry key, used on the command line."""
    check: CheckFn
    """``check(ctx, **params) -> Iterable[Observation]``."""
    title: str
    """Short title."""
    reference: str
    """Paper and theorem number, e.g. ``Cohen, Sharir & Shashua, COLT 2016, Theorem 1``."""
    hypotheses: str
    """The exact hypotheses the check encodes."""
    family: str
    """Check family (``depth``, ``pooling``, ...); one LaTeX table per family."""
    defaults: Mapping[str, Any]
    """Default parameters (used by ``convac-verify all``; small enough for CI)."""
    negative_control: Mapping[str, Any]
    """Parameter overrides under which the claim is false (must give ``violated``)."""
    module: str
    """Module that registered it."""


_THEOREMS: dict[str, Theorem] = {}
THEOREMS = _THEOREMS


def register_theorem(
    name: str,
    *,
    title: str,
    reference: str,
    hypotheses: str,
    family: str,
    defaults: Mapping[str, Any],
    negative_control: Mapping[str, Any],
) -> Callable[[CheckFn], CheckFn]:
    """Register ``fn`` as the check for theorem ``name``."""

    def decorator(fn: CheckFn) -> CheckFn:
        if name in _THEOREMS:
            raise KeyError(f"theorem {name!r} is already registered")
        _THEOREMS[name] = Theorem(
            name=name,
            check=fn,
            title=title,
            reference=reference,
            hypotheses=hypotheses,
            family=family,
            defaults=dict(defaults),
            negative_control=dict(negative_control),
            module=fn.__module__,
        )
        return fn

    return decorator


def get_theorem(name: str) -> Theorem:
    """Look up a theorem (registering every check if it is not loaded yet); the error lists
    the known names."""
    if name not in _THEOREMS:
        from .theorems import load_all

        load_all()
    try:
        return _THEOREMS[name]
    except KeyError:
        known = ", ".join(sorted(_THEOREMS))
        raise KeyError(f"unknown check {name!r}; known: {known}") from None
