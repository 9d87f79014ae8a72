"""``convac-verify generative``: tractable generative ConvACs, checked exactly over Q.

Builds GCP and GHT models (Sharir, Tamari, Cohen & Shashua) with random simplex-normalized
rational weights and exact mixing tables over a small alphabet, then runs the registered
checks: the priors tensor is a distribution, ``P(X)`` by one forward pass equals the sum
over ``d``, marginalization by setting representation entries to 1 (every subset at
``--N``, random subsets at ``--large-N``) in one pass, and Claim 1 / Corollary 1 on exact
joint distributions with MCAR, MAR and MNAR missingness.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import click

from ..errors import ConvacError
from ..report import CheckResult, Report
from ..report.claims_view import claims_latex, claims_table
from ..theorems import get_theorem
from ..theorems.runner import run_theorem
from .common import RunOptions, settings_options

__all__ = ["generative"]

MAX_N = 8  # every X in K**N is enumerated


def _short(fraction: object) -> str:
    """``0.4946 (= 12/25)`` for short fractions, the decimal only for long ones."""
    value = Fraction(str(fraction))
    text = f"{float(value):.6g}"
    return f"{text} (= {value})" if len(str(value)) <= 15 else text


@click.command()
@click.option(
    "--N",
    "--n-modes",
    "n_modes",
    type=int,
    default=4,
    show_default=True,
    help="Inputs N (a power of 2 for GHT).",
)
@click.option(
    "--M", "--dim", "dim", type=int, default=2, show_default=True, help="Mixing components M."
)
@click.option(
    "--K", "alphabet", type=int, default=2, show_default=True, help="Alphabet size: x_i in 0..K-1."
)
@click.option(
    "--r",
    "width",
    type=int,
    default=2,
    show_default=True,
    help="Channels r of every layer (Z for GCP).",
)
@click.option("--Y", "classes", type=int, default=2, show_default=True, help="Classes.")
@click.option("--models", default="gcp,ght", show_default=True, help="gcp, ght or both.")
@click.option(
    "--large-N",
    "large_n",
    type=int,
    default=8,
    show_default=True,
    help="Random subsets are marginalized at this N too (0: skip).",
)
@click.option(
    "--random-subsets", type=int, default=6, show_default=True, help="Subsets at --large-N."
)
@settings_options
def generative(
    *,
    n_modes: int,
    dim: int,
    alphabet: int,
    width: int,
    classes: int,
    models: str,
    large_n: int,
    random_subsets: int,
    opts: RunOptions,
) -> int:
    """Tractable generative ConvACs (GCP/GHT): distributions, marginals, missing data."""
    for name, value, low in (
        ("--N", n_modes, 2),
        ("--M", dim, 1),
        ("--K", alphabet, 1),
        ("--r", width, 1),
        ("--Y", classes, 2),
        ("--random-subsets", random_subsets, 1),
    ):
        if value < low:
            raise ConvacError(f"{name} must be >= {low}; got {value}")
    for name, value in (("--N", n_modes), ("--large-N", large_n)):
        if value > MAX_N or alphabet**value > 4096:
            raise ConvacError(
                f"{name} {value} with K = {alphabet} enumerates {alphabet}**{value} inputs exactly; "
                f"the largest accepted size is N = {MAX_N} with K**N <= 4096"
            )
    if large_n and large_n < 2:
        raise ConvacError(f"--large-N must be 0 or >= 2; got {large_n}")
    common: dict[str, Any] = {
        "models": models,
        "n_modes": n_modes,
        "dim": dim,
        "alphabet": alphabet,
        "width": width,
        "classes": classes,
    }
    plan = [
        ("tmm-priors-distribution", common),
        ("tmm-forward-pass", common),
        ("tmm-marginalization", {**common, "large_n": large_n, "random_subsets": random_subsets}),
        ("tmm-claim1-corollary1", common),
    ]
    ctx = opts.context()
    results: list[CheckResult] = []
    for name, overrides in plan:
        results.extend(run_theorem(get_theorem(name), ctx, **overrides))
    risks = {
        r.observation.label: r.observation.params
        for r in results
        if r.check == "tmm-claim1-corollary1"
    }
    notes: list[str] = [
        f"{label}: 0-1 risks (exact): Bayes {_short(p['bayes_risk'])}, Claim 1 "
        f"{_short(p['claim1_risk'])}, marginalized {_short(p['marginalized_risk'])}"
        for label, p in risks.items()
    ]
    notes += [
        (
            "weights: positive integers in [1, 1000] normalized per row (exact rationals); "
            f"class prior uniform; seed {ctx.settings.seed}"
        ),
        "MNAR mechanism: x_N is missing exactly when y = 0 (the mask reveals the label)",
    ]
    report = Report("generative", ctx.settings, results, [], notes)
    return opts.emit(report, table=claims_table, latex=claims_latex)
