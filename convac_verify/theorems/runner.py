"""Run registered checks and decide what their observations prove.

Checks return data (:class:`~convac_verify.theorems.registry.Observation`); the runner
applies :func:`convac_verify.evidence.status.decide_escalated` to each (a theorem's own
bounds may not decide its rows; a row whose status depends on an epsilon that is too
large is escalated once, to a fresh random point modulo a fresh random prime, when the
settings allow it: the one escalation, shared with the commands that decide their own
rows), reports an unmet hypothesis as ``inconclusive``, applies claim controls (negative
controls that strengthen the claim), and classifies the growth of every series.

A plan -- ``(check name, overrides)`` pairs -- is a list of independent tasks:
:func:`run_plan` runs them here, one after another, or hands them to ``ctx.tasks``
(:mod:`convac_verify.sweeps`: a process pool, Dask, a journal). Each task is judged where
it runs (escalation included), so its results are final when they come back, and they
are put back in plan order: the report is the same whatever runs them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ..engines.measure import Context
from ..errors import ConvacError
from ..evidence.growth import classify
from ..evidence.observation import Observation
from ..evidence.status import Claim, Status, Verdict, decide_escalated
from ..report.model import CheckResult, GrowthLine, Report
from .registry import CLAIM_CONTROLS, Theorem, get_theorem

__all__ = [
    "growth_lines",
    "judge",
    "run_checks",
    "run_control",
    "run_plan",
    "run_theorem",
    "strengthen",
]


def judge(check: str, o: Observation) -> tuple[Observation, Verdict]:
    """The verdict on one observation of ``check``, escalated once when that can help
    (:func:`~convac_verify.evidence.status.decide_escalated`, the one escalation of every
    command); the observation comes back with the measurement the verdict rests on and
    its redraw spent."""
    if o.unmet:
        m = dataclasses.replace(o.measurement, redraw=None)
        verdict = Verdict(Status.INCONCLUSIVE, None, f"hypothesis not met: {o.unmet}")
        return dataclasses.replace(o, measurement=m), verdict
    claim, m, verdict = decide_escalated(o.claim, o.measurement, check)
    return dataclasses.replace(o, claim=claim, measurement=m), verdict


def strengthen(claim: Claim, rank: int, mode: str) -> Claim | None:
    """The claim moved by a claim control, or ``None`` when ``mode`` leaves it alone."""
    lower = claim.relation in (">=", "==")
    if claim.quantifier == "sample" or lower != mode.endswith("+1"):
        return None
    if mode == "bound+1":
        value, formula = claim.value + 1, f"({claim.formula}) + 1"
    elif mode == "bound-1":
        value, formula = claim.value - 1, f"({claim.formula}) - 1"
    elif mode == "rank+1":
        value, formula = rank + 1, "measured rank + 1"
    else:
        value, formula = rank - 1, "measured rank - 1"
    latex = f"{claim.latex or claim.formula} {'+' if lower else '-'} 1" if mode[0] == "b" else ""
    return dataclasses.replace(claim, value=value, formula=formula, latex=latex)


def run_theorem(theorem: Theorem, ctx: Context, **overrides: Any) -> list[CheckResult]:
    """Run one check with its defaults updated by ``overrides``; decide every status.

    ``claim=MODE`` (one of :data:`~convac_verify.theorems.registry.CLAIM_CONTROLS`)
    strengthens the claims and keeps only the rows it moved.
    """
    mode = overrides.pop("claim", None)
    if mode is not None and mode not in CLAIM_CONTROLS:
        raise ConvacError(f"claim control must be one of {', '.join(CLAIM_CONTROLS)}; got {mode!r}")
    params = {**theorem.defaults, **theorem.validate(overrides)}
    observations: Iterable[Observation] = theorem.check(ctx, **params)
    results = []
    for o in observations:
        if mode is not None:
            moved = strengthen(o.claim, o.measurement.rank, mode)
            if moved is None:
                continue
            o = dataclasses.replace(o, claim=moved, subject=f"{o.subject} [control {mode}]")
        # judged: the redraw closure (it holds the context) is spent, and results must
        # travel between processes and into journals
        o, verdict = judge(theorem.name, o)
        results.append(CheckResult(theorem.name, theorem.reference, theorem.family, o, verdict))
    return results


def run_control(theorem: Theorem, ctx: Context, name: str) -> list[CheckResult]:
    """Run the negative control ``name`` of ``theorem``."""
    try:
        overrides = dict(theorem.negative_controls[name])
    except KeyError:
        known = ", ".join(theorem.negative_controls)
        raise ConvacError(
            f"{theorem.name} has no negative control {name!r}; known: {known}"
        ) from None
    return run_theorem(theorem, ctx, **overrides)


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
