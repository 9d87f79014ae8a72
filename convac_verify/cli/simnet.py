"""``convac-verify simnet``: Deep SimNets -- the MEX operator and log-space ConvACs.

Runs the registered SimNet checks: the collapsing property of MEX, its limits (max, mean,
min), and "a positive ConvAC computed in log space is a SimNet". Symbolic statements are
decided by SymPy (``proved`` when SymPy reduces them, certificate ``symbolic-identity``;
``inconclusive`` when it cannot); numeric ones use mpmath's rigorous interval arithmetic
(certificate ``interval``), which proves digits of agreement at sampled points and
proves differences, but never an identity or a limit (those rows stay ``consistent``).
"""

from __future__ import annotations

import click

from ..errors import ConvacError
from ..report import CheckResult, Report
from ..report.claims_view import claims_latex, claims_table
from ..theorems import get_theorem
from ..theorems.runner import run_theorem
from .common import RunOptions, settings_options

__all__ = ["simnet"]

MAX_PRECISION = 20_000  # bits


@click.command()
@click.option(
    "--symbolic-n",
    default="2,3",
    show_default=True,
    help="Numbers of inputs for the SymPy limits and operator identities.",
)
@click.option(
    "--groups",
    default="2x2,3x2",
    show_default=True,
    help="Collapsing: group shapes proved with SymPy (GxS: G groups of S; s1+s2: ragged).",
)
@click.option(
    "--interval-groups",
    default="4x4,8x2,2x8",
    show_default=True,
    help="Collapsing: group shapes checked with intervals on random inputs.",
)
@click.option(
    "--trees",
    default="balanced:4;balanced:8;cp:4;windows:2,3",
    show_default=True,
    help="Log space: mode trees of the random positive ConvACs (';'-separated).",
)
@click.option("--M", "--dim", "dim", type=int, default=2, show_default=True, help="Dimension M.")
@click.option("--r", "width", type=int, default=2, show_default=True, help="Channels per layer.")
@click.option("--trials", type=int, default=2, show_default=True, help="ConvACs per tree.")
@click.option(
    "--precision", type=int, default=300, show_default=True, help="Interval precision (bits)."
)
@click.option(
    "--digits",
    type=int,
    default=50,
    show_default=True,
    help="Digits of agreement the intervals must prove.",
)
@settings_options
def simnet(
    *,
    symbolic_n: str,
    groups: str,
    interval_groups: str,
    trees: str,
    dim: int,
    width: int,
    trials: int,
    precision: int,
    digits: int,
    opts: RunOptions,
) -> int:
    """Deep SimNets: MEX collapsing and limits; a ConvAC in log space is a SimNet."""
    if not 53 <= precision <= MAX_PRECISION:
        raise ConvacError(f"--precision must lie in 53..{MAX_PRECISION} bits; got {precision}")
    if not 1 <= digits < precision * 0.30103 - 3:
        raise ConvacError(
            f"--digits must lie in 1..{int(precision * 0.30103) - 4} at --precision {precision}; "
            f"got {digits}"
        )
    for name, value in (("--M", dim), ("--r", width), ("--trials", trials)):
        if value < 1:
            raise ConvacError(f"{name} must be a positive integer; got {value}")
    try:
        ns = [int(v) for v in symbolic_n.split(",") if v.strip()]
    except ValueError:
        raise ConvacError(f"--symbolic-n takes integers like 2,3; got {symbolic_n!r}") from None
    if not ns or min(ns) < 2 or max(ns) > 4:
        raise ConvacError(f"--symbolic-n takes numbers of inputs in 2..4; got {symbolic_n!r}")
    plan = [
        (
            "simnet-mex-collapsing",
            {
                "shapes": groups,
                "interval_shapes": interval_groups,
                "precision": precision,
                "digits": digits,
            },
        ),
        ("simnet-mex-limits", {"symbolic_n": symbolic_n, "precision": precision}),
        (
            "simnet-convac-logspace",
            {
                "symbolic_n": symbolic_n,
                "trees": trees,
                "dim": dim,
                "width": width,
                "trials": trials,
                "precision": precision,
                "digits": digits,
            },
        ),
    ]
    ctx = opts.context()
    results: list[CheckResult] = []
    for name, overrides in plan:
        results.extend(run_theorem(get_theorem(name), ctx, **overrides))
    notes = [
        (
            "symbolic rows: proved where SymPy reduced the statement (identity or limit) for "
            "symbolic inputs, inconclusive where it could not"
        ),
        (
            f"interval rows: mpmath.iv at {precision} bits on random rational inputs (seed "
            f"{ctx.settings.seed}); they prove agreement to the digits shown and prove differences, "
            "never an identity or a limit"
        ),
    ]
    report = Report("simnet", ctx.settings, results, [], notes)
    return opts.emit(report, table=claims_table, latex=claims_latex)
