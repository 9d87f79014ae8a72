"""Registered theorem checks: each module registers one check and returns data.

Registration happens in one place: :func:`~.registry.load_all` imports every module
named in :data:`~.registry.MODULES` (``tests/test_registry.py`` fails when a module is missing from it).
Reading ``THEOREMS`` or calling ``get_theorem`` through this package loads them all; a
command that runs only a few checks imports just their modules, which keeps its start-up
fast (``convac-verify depth`` does).
"""

from __future__ import annotations

from typing import Any

from . import registry
from .registry import MODULES, Theorem, load_all

__all__ = ["MODULES", "THEOREMS", "get_theorem", "load_all"]


def get_theorem(name: str) -> Theorem:
    """Look up a check by name, registering every check first."""
    load_all()
    return registry.get_theorem(name)


def __getattr__(name: str) -> Any:
    if name == "THEOREMS":
        return load_all()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
