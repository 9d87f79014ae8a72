"""Run registered checks and decide what their observations prove.

Checks return data (:class:`~convac_verify.registry.Observation`); the runner
applies :func:`convac_verify.evidence.decide` to each, and classifies the growth of
every series a check reports.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from . import trees
from .evidence import Measurement, decide
from .growth import classify
from .measure import RankSettings, fits_dense, measure_rank
from .partitions import Partition
from .registry import Observation, Theorem, get_theorem
from .report.model import CheckResult, GrowthLine, Report

__all__ = ["Context", "growth_lines", "run_checks", "run_theorem"]


@dataclass
class Context:
    """What a check may use: rank settings, a measurement cache and a progress sink."""

    settings: RankSettings = field(default_factory=RankSettings)
    progress: Callable[[str], None] = lambda message: None
    _cache: dict[Any, Measurement] = field(default_factory=dict)

    def measure(
        self,
        tree: nx.DiGraph,
        dim: int,
        widths: int | Sequence[int],
        partition: Partition,
        *,
        witness: Callable[[], Mapping[int, object]] | None = None,
        witness_name: str = "",
        shared: bool = False,
    ) -> Measurement:
        """Rank of one matricization: a random instance while the dense path fits the
        memory budget, else the explicit ``witness`` (if given) through the structured
        contraction, else a random instance through the structured contraction.
        """
        n = trees.n_modes(tree)
        use_witness = witness is not None and not fits_dense(n, dim, self.settings)
        key = (
            trees.to_nested(tree),
            dim,
            widths if isinstance(widths, int) else tuple(widths),
            partition.rows,
            shared,
            witness_name if use_witness else "random",
        )
        if key not in self._cache:
            self.progress(
                f"rank N={n} M={dim} {partition.name} ({'witness' if use_witness else 'random'})"
            )
            self._cache[key] = measure_rank(
                tree,
                dim,
                widths,
                partition,
                self.settings,
                witness=witness() if use_witness and witness is not None else None,
                witness_name=witness_name,
                shared=shared,
            )
        return self._cache[key]


def run_theorem(theorem: Theorem, ctx: Context, **overrides: Any) -> list[CheckResult]:
    """Run one check with its defaults updated by ``overrides``; decide every status."""
    unknown = set(overrides) - set(theorem.defaults)
    if unknown:
        known = ", ".join(sorted(theorem.defaults))
        raise KeyError(f"{theorem.name} has no parameter {min(unknown)!r}; known: {known}")
    params = {**theorem.defaults, **overrides}
    observations: Iterable[Observation] = theorem.check(ctx, **params)
    return [
        CheckResult(
            theorem.name, theorem.reference, theorem.family, o, decide(o.claim, o.measurement)
        )
        for o in observations
    ]


def growth_lines(results: Sequence[CheckResult]) -> list[GrowthLine]:
    """Classify every (check, series) with at least three points."""
    groups: dict[tuple[str, str], list[CheckResult]] = {}
    for r in results:
        if r.observation.series and r.observation.x is not None:
            groups.setdefault((r.check, r.observation.series), []).append(r)
    lines = []
    for (check, series), rs in groups.items():
        if len({r.observation.x for r in rs}) < 3:  # two points cannot tell the classes apart
            continue
        rs = sorted(rs, key=lambda r: r.observation.x or 0)
        xs = [int(r.observation.x or 0) for r in rs]
        measured = [r.observation.measurement.rank for r in rs]
        theory = [r.observation.claim.value for r in rs]
        lines.append(
            GrowthLine(
                check=check,
                series=series,
                x_name=rs[0].observation.x_name,
                points=list(zip(xs, measured, strict=True)),
                measured=classify(xs, measured),
                theory=classify(xs, theory),
                theory_formula=rs[0].observation.claim.formula,
            )
        )
    return lines


def run_checks(
    command: str,
    plan: Sequence[tuple[str, Mapping[str, Any]]],
    ctx: Context,
    notes: Sequence[str] = (),
) -> Report:
    """Run ``(check name, overrides)`` pairs in order and assemble a report."""
    results: list[CheckResult] = []
    for name, overrides in plan:
        results.extend(run_theorem(get_theorem(name), ctx, **overrides))
    return Report(command, ctx.settings, results, growth_lines(results), list(notes))
