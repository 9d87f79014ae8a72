"""The theorem registry: every check is a function registered under a kebab-case name.

A check receives a :class:`~convac_verify.engines.measure.Context` and keyword parameters, and
returns :class:`~convac_verify.evidence.observation.Observation` s -- data only: what was measured, against which claim.
The runner decides the status (:func:`convac_verify.evidence.status.decide`).

Registration happens by importing :mod:`convac_verify.theorems`, in one place.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ..evidence.observation import Observation

__all__ = [
    "MODULES",
    "THEOREMS",
    "Theorem",
    "get_theorem",
    "load_all",
    "register_theorem",
]


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


MODULES = (
    "colt16_corollary2",
    "colt16_theorem1",
    "colt16_theorem3",
    "cp_rank_bound",
    "ctm18_theorem7",
    "iclr17_claim1",
    "iclr17_claim2",
    "iclr17_shallow",
    "iclr17_theorem1",
    "icml16_appendix_f",
    "icml16_avg_incomplete",
    "icml16_claim3",
    "icml16_claim4",
    "icml16_claim5",
    "icml16_claim8",
    "icml16_claim9",
    "icml16_claim10",
    "icml16_claim11",
    "icml16_e10",
    "lycs18_claim1",
    "lycs18_claim7",
    "lycs18_theorem2",
    "pooling_bounds",
)


def load_all() -> dict[str, Theorem]:
    """Import (register) every theorem module; return the registry."""
    for module in MODULES:
        importlib.import_module(f"{__package__}.{module}")
    return _THEOREMS


def get_theorem(name: str) -> Theorem:
    """Look up a theorem (registering every check if it is not loaded yet); the error lists
    the known names."""
    if name not in _THEOREMS:
        load_all()
    try:
        return _THEOREMS[name]
    except KeyError:
        known = ", ".join(sorted(_THEOREMS))
        raise KeyError(f"unknown check {name!r}; known: {known}") from None
