"""Rank engines, in a registry: ``RANK_ENGINES[name]`` (gfp, blas, qq, float).

Tests iterate this registry, so a new engine is cross-checked against the others and
against the independent elimination in ``tests/`` the day it is registered.
"""

from __future__ import annotations

from . import blas, floating, gfp, rational
from .base import RankEngine

__all__ = ["RANK_ENGINES", "RankEngine", "get_rank_engine", "register_rank_engine"]

_RANK_ENGINES: dict[str, RankEngine] = {}
RANK_ENGINES = _RANK_ENGINES


def register_rank_engine(engine: RankEngine) -> RankEngine:
    """Add ``engine`` under ``engine.name``."""
    if engine.name in _RANK_ENGINES:
        raise KeyError(f"rank engine {engine.name!r} is already registered")
    _RANK_ENGINES[engine.name] = engine
    return engine


def get_rank_engine(name: str) -> RankEngine:
    """Look up an engine; the error lists the known ones."""
    try:
        return _RANK_ENGINES[name]
    except KeyError:
        raise KeyError(f"unknown rank engine {name!r}; known: {', '.join(_RANK_ENGINES)}") from None


for _module in (gfp, blas, rational, floating):
    register_rank_engine(_module.ENGINE)
