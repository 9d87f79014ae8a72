"""Registered theorem checks: each module registers one check and returns data.

Registration happens in one place: :func:`load_all` imports every module named in
:data:`MODULES` (``tests/test_registry.py`` fails when a module is missing from it).
Reading ``THEOREMS`` or calling ``get_theorem`` through this package loads them all; a
command that runs only a few checks imports just their modules, which keeps its start-up
fast (``convac-verify depth`` does).
"""

from __future__ import annotations

import importlib
from typing import Any

from .. import registry
from ..registry import Theorem

__all__ = ["MODULES", "THEOREMS", "get_theorem", "load_all"]

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
    "pooling_bounds",
)


def load_all() -> dict[str, Theorem]:
    """Import (register) every theorem module; return the registry."""
    for module in MODULES:
        importlib.import_module(f"{__name__}.{module}")
    return registry.THEOREMS


def get_theorem(name: str) -> Theorem:
    """Look up a check by name, registering every check first."""
    load_all()
    return registry.get_theorem(name)


def __getattr__(name: str) -> Any:
    if name == "THEOREMS":
        return load_all()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
