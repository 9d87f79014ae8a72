"""Run registered checks and decide what their observations prove.

Checks return data (:class:`~convac_verify.theorems.registry.Observation`); the runner
applies :func:`convac_verify.evidence.status.decide` to each, and classifies the growth of
every series a check reports.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ..engines.measure import Context
from ..evidence.growth import classify
from ..evidence.observation import Observation
from ..evidence.status import decide
from ..report.model import CheckResult, GrowthLine, Report
from .registry import Theorem, get_theorem

__all__ = ["growth_lines", "run_checks", "run_plan", "run_theorem"]


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
    """Run ``(check name, overrides)`` pairs and assemble a report, in plan order."""
    results = run_plan(plan, ctx)
    return Report(command, ctx.settings, results, growth_lines(results), list(notes))


def run_plan(plan: Sequence[tuple[str, Mapping[str, Any]]], ctx: Context) -> list[CheckResult]:
    """Results of ``(check name, overrides)`` pairs, in plan order.

    The pairs are independent tasks: with ``ctx.tasks`` set they run wherever it sends
    them (:mod:`convac_verify.sweeps`), else one after another here.
    """
    if ctx.tasks is not None:
        per_task = ctx.tasks.run(plan, ctx)
    else:
        per_task = [run_theorem(get_theorem(name), ctx, **overrides) for name, overrides in plan]
    return [r for rs in per_task for r in rs]
