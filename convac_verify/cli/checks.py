"""``convac-verify list``, ``check`` and ``all``: the registered theorem checks."""

from __future__ import annotations

import ast
from typing import Any

import click
from rich.table import Table

from ..engines import RANK_ENGINES
from ..errors import ConvacError
from ..networks.partitions import PARTITIONS
from ..networks.trees import TREE_BUILDERS
from ..report import render_junit, render_latex
from ..sweeps.profiles import PROFILES, profile_plan
from ..theorems import THEOREMS, get_theorem
from ..theorems.runner import run_checks
from .common import RunOptions, atomic_output, settings_options

__all__ = ["all_checks", "check", "list_checks"]


@click.command("list")
def list_checks() -> int:
    """Registered checks (paper, theorem), rank engines, trees and partitions."""
    from rich.console import Console

    console = Console(highlight=False)
    t = Table(title="Registered checks", title_justify="left")
    t.add_column("check", no_wrap=True)  # the name users type: never truncated
    for col in ("family", "reference", "claim", "defaults"):
        t.add_column(col, overflow="fold")
    for name in sorted(THEOREMS):
        th = THEOREMS[name]
        defaults = ", ".join(f"{k}={v}" for k, v in th.defaults.items())
        t.add_row(name, th.family, th.reference, th.title, defaults)
    console.print(t)
    e = Table(title="Rank engines (--field)", title_justify="left")
    for col in ("engine", "field", "certifies", "description"):
        e.add_column(col)
    for eng in RANK_ENGINES.values():
        e.add_row(
            eng.name, eng.field, ", ".join(sorted(eng.certifies)) or "nothing", eng.description
        )
    console.print(e)
    console.print(
        "trees (--tree): "
        + ", ".join(u for _, u in TREE_BUILDERS.values())
        + ', or nested tuples "((0,1),(2,3))"'
    )
    console.print(
        "partitions (--rows): "
        + ", ".join(u for _, u in PARTITIONS.values())
        + ", or row modes 0,2,5"
    )
    return 0


def _parse_sets(pairs: tuple[str, ...]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for pair in pairs:
        key, sep, raw = pair.partition("=")
        if not sep or not key:
            raise ConvacError(f"--set takes key=value, e.g. --set n_modes=8; got {pair!r}")
        try:
            out[key.strip()] = ast.literal_eval(raw)
        except (ValueError, SyntaxError):
            out[key.strip()] = raw
    return out


@click.command()
@click.argument("names", nargs=-1, required=True)
@click.option(
    "--set",
    "sets",
    multiple=True,
    metavar="KEY=VALUE",
    help="Override a check parameter (see 'convac-verify list'); repeatable.",
)
@click.option(
    "--negative-control",
    is_flag=True,
    help="Apply each check's registered negative control (its claim is then false).",
)
@settings_options
def check(
    *,
    names: tuple[str, ...],
    sets: tuple[str, ...],
    negative_control: bool,
    opts: RunOptions,
) -> int:
    """Run the named checks (default sizes, updated by --set)."""
    overrides = _parse_sets(sets)
    plan = []
    for name in names:
        th = get_theorem(name)
        params = {**(th.negative_control if negative_control else {}), **overrides}
        unknown = sorted(set(params) - set(th.defaults))
        if unknown:
            raise ConvacError(
                f"{name} has no parameter {unknown[0]!r}; known: {', '.join(th.defaults)}"
            )
        plan.append((name, params))
    report = run_checks("check " + " ".join(names), plan, opts.context())
    return opts.emit(report)


@click.command("all")
@click.option(
    "--junit",
    "junit_path",
    type=click.Path(dir_okay=False),
    default=None,
    help="Also write JUnit XML to FILE.",
)
@click.option(
    "--latex",
    "latex_path",
    type=click.Path(dir_okay=False),
    default=None,
    help="Also write the LaTeX tables to FILE.",
)
@click.option(
    "--profile",
    type=click.Choice(sorted(PROFILES)),
    default="default",
    show_default=True,
    help="default: every check at its CI sizes; paper: the papers' own sizes (see docs).",
)
@settings_options
def all_checks(
    *,
    junit_path: str | None,
    latex_path: str | None,
    profile: str,
    opts: RunOptions,
) -> int:
    """Run every registered check at its default sizes (the main job), or a profile."""
    ctx = opts.context()
    plan = profile_plan(profile, sorted(THEOREMS))
    command = "all" if profile == "default" else f"all --profile {profile}"
    report = run_checks(command, plan, ctx)
    for path, render in ((junit_path, render_junit), (latex_path, render_latex)):
        if path:
            with atomic_output(path) as fh:
                fh.write(render(report))
    return opts.emit(report)
