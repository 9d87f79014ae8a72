"""``convac-verify rectifier``: rectifier networks as generalized tensor decompositions.

Runs the ICML 2016 checks (Claims 3, 4, 5, 8, 9, 10, 11, supp. E.10, the average-pooling
adaptation of E.11, and COLT 2016 Cor. 2 for the ConvAC column) and prints the talk's
summary table -- universality and depth efficiency for ConvAC, ReLU + max and ReLU +
average -- with every cell backed by those checks; then one table per group of claims,
and the App. F rank histogram (``--mode histogram`` prints only the histogram). A
user-defined operator (``--g``) gets its algebra checked and its own histogram.
Rendering lives in :mod:`convac_verify.report.rectifier_view`.
"""

from __future__ import annotations

from typing import Any

import click

from ..errors import ConvacError
from ..networks.trees import balanced_sizes
from ..rectifier.generalized import REPRESENTATIONS, check_generalized_budget
from ..rectifier.incomplete import parse_radius
from ..rectifier.operators import OPERATORS, parse_operator
from ..rectifier.simulation import parse_width_specs
from ..rectifier.user import user_operator_results
from ..report import CheckResult, Report
from ..report.rectifier_view import plot_histograms, rectifier_table
from ..theorems.runner import growth_lines, run_plan
from .common import RunOptions, plot_output, sweep_options

__all__ = ["rectifier"]

MODES = ("all", "summary", "histogram")
UNIVERSALITY_MAX_N = 4  # Claims 3-4 build ~M^N channels: run them at N' <= 4


# --------------------------------------------------------------------------- command


@click.command()
@click.option(
    "--N",
    "--n-modes",
    "n_modes",
    type=int,
    default=8,
    show_default=True,
    help="Number of modes N (a power of 2); claim tables sweep N' = 2, 4, ..., N.",
)
@click.option(
    "--M", "--dim", "dim", type=int, default=3, show_default=True, help="Number of templates M."
)
@click.option(
    "--pooling",
    type=click.Choice(sorted(OPERATORS)),
    default="max",
    show_default=True,
    help="Operator of the App. F histogram: max (ReLU+max), avg (ReLU+average as sum), prod (ConvAC).",
)
@click.option(
    "--g",
    "g_expr",
    default=None,
    help="User-defined g(a, b), e.g. 'max(a,b,0)': algebra check + histogram.",
)
@click.option(
    "--r",
    "width_specs",
    multiple=True,
    default=("2", "4", "8"),
    show_default=True,
    help="Deep widths, repeatable: r (uniform) or r0,r1,... (one per level). One histogram "
    "each; the claim checks use the largest r_0.",
)
@click.option(
    "--Z",
    "z_width",
    type=int,
    default=1,
    show_default=True,
    help="Width Z of the shallow networks (Claim 5, E.10).",
)
@click.option(
    "--draws",
    type=int,
    default=1000,
    show_default=True,
    help="Random draws per width for the App. F histogram.",
)
@click.option(
    "--claim-draws",
    type=int,
    default=20,
    show_default=True,
    help="Random draws for the sampled claim checks (Claims 5, 9, 11, E.10).",
)
@click.option(
    "--F",
    "rep",
    type=click.Choice(REPRESENTATIONS),
    default="identity",
    show_default=True,
    help="Representation matrix F on the templates.",
)
@click.option(
    "--radius",
    default="1/1024",
    show_default=True,
    help="Half-width of the E.11 box of weights and F (Claims 9, 11).",
)
@click.option(
    "--mode",
    type=click.Choice(MODES),
    default="all",
    show_default=True,
    help="summary: the claim checks; histogram: App. F only; all: both.",
)
@click.option(
    "--exact",
    is_flag=True,
    help="App. F: every rank over Q (slower) instead of mod a random 62-bit prime.",
)
@click.option(
    "--plot",
    "plot_path",
    default=None,
    metavar="FILE",
    help="Draw the App. F histogram to FILE (needs matplotlib: the [plot] extra).",
)
@sweep_options
def rectifier(
    *,
    n_modes: int,
    dim: int,
    pooling: str,
    g_expr: str | None,
    width_specs: tuple[str, ...],
    z_width: int,
    draws: int,
    claim_draws: int,
    rep: str,
    radius: str,
    mode: str,
    exact: bool,
    plot_path: str | None,
    opts: RunOptions,
) -> int:
    """Rectifier networks (ICML 2016): universality, depth efficiency, App. F histogram."""
    depth = len(balanced_sizes(n_modes))  # validates N
    if dim < 2:
        raise ConvacError(f"--M must be >= 2 (templates); got {dim}")
    for name, value in (("--Z", z_width), ("--draws", draws), ("--claim-draws", claim_draws)):
        if value < 1:
            raise ConvacError(f"{name} must be a positive integer; got {value}")
    specs = parse_width_specs(list(width_specs), depth)
    parse_radius(radius)
    op = parse_operator(g_expr) if g_expr is not None else None
    histogram = mode in ("all", "histogram") or op is not None
    if plot_path is not None and not histogram:
        raise ConvacError("--plot draws the App. F histogram: use --mode all or histogram")
    suffix = plot_output(opts, plot_path)
    ctx = opts.context()
    budget = ctx.settings.max_memory
    r_claims = max(s[0] for s in specs)
    check_generalized_budget(n_modes, dim, max(max(s) for s in specs), budget)  # refuse up front
    common: dict[str, Any] = {"n_modes": n_modes, "dim": dim, "F": rep}
    plan: list[tuple[str, dict[str, Any]]] = []
    notes: list[str] = []
    if mode in ("all", "summary") and op is None:
        small = {**common, "n_modes": min(n_modes, UNIVERSALITY_MAX_N)}
        box = {**common, "width": r_claims, "draws": claim_draws, "radius": radius}
        plan += [
            ("icml16-claim-3", small),
            ("icml16-claim-4", small),
            (
                "icml16-claim-5",
                {**common, "width": r_claims, "z_width": z_width, "draws": claim_draws},
            ),
            ("icml16-e10-shallow-max", {**common, "z_width": z_width, "draws": claim_draws}),
            ("icml16-claim-8", {**common, "width": r_claims}),
            ("icml16-claim-9", box),
            ("icml16-claim-11", box),
            ("icml16-avg-incomplete", box),
            ("icml16-claim-10", {**common, "width": r_claims}),
            ("colt16-corollary-2", {"n_modes": n_modes, "dim": dim, "widths": str(r_claims)}),
        ]
        if n_modes > UNIVERSALITY_MAX_N:
            notes.append(
                f"universality constructions (Claims 3-4) run at N' <= {UNIVERSALITY_MAX_N}: "
                "they need ~M^N channels"
            )
    if histogram and op is None:
        plan.append(
            (
                "icml16-appendix-f",
                {
                    **common,
                    "widths": " ".join(",".join(map(str, s)) for s in specs),
                    "draws": draws,
                    "pooling": pooling,
                    "exact": exact,
                },
            )
        )
    results: list[CheckResult] = run_plan(plan, ctx)
    if op is not None:
        user_results, user_notes = user_operator_results(
            op, ctx, n_modes=n_modes, dim=dim, specs=specs, draws=draws, F=rep, exact=exact
        )
        results.extend(user_results)
        notes += user_notes
        for line in user_notes[1:]:
            click.echo(f"warning: {line}", err=True)
    notes.append(_draw_note(mode, op is not None, histogram, draws, claim_draws, len(specs)))
    report = Report("rectifier", ctx.settings, results, growth_lines(results), notes)
    return opts.emit(
        report,
        table=rectifier_table,
        files={"--plot": lambda rep: plot_histograms(rep, suffix)},
    )


def _draw_note(
    mode: str, user: bool, histogram: bool, draws: int, claim_draws: int, n_widths: int
) -> str:
    """What was sampled, and how often."""
    parts = []
    if mode in ("all", "summary") and not user:
        parts.append(f"{claim_draws} draws per sampled claim check (Claims 5, 9, 11, E.10, E.11)")
    if histogram:
        parts.append(f"{draws} draws per width for the App. F histogram ({n_widths} widths)")
    return "random draws: " + "; ".join(parts)
