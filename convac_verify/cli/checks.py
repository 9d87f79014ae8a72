"""``convac-verify list``, ``check`` and ``all``: the registered theorem checks."""

from __future__ import annotations

import json
import os
import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

import click
from rich.table import Table

from .. import api
from ..engines import RANK_ENGINES
from ..errors import ConvacError
from ..evidence.status import Status
from ..networks.partitions import PARTITIONS
from ..networks.trees import TREE_BUILDERS
from ..report import render_junit, render_latex
from ..sweeps.profiles import PROFILES, profile_plan
from ..theorems import THEOREMS, get_theorem
from ..theorems.registry import load_all
from .common import RunOptions, sweep_options

__all__ = ["all_checks", "check", "draw_note", "list_checks"]


def _list_doc() -> dict[str, Any]:
    return {
        "checks": [
            {
                "name": name,
                "family": th.family,
                "reference": th.reference,
                "claim": th.title,
                "hypotheses": th.hypotheses,
                "defaults": dict(th.defaults),
                "negative_controls": {k: dict(v) for k, v in th.negative_controls.items()},
                "choices": {k: list(v) for k, v in th.choices.items()},
            }
            for name, th in sorted(THEOREMS.items())
        ],
        "engines": [
            {
                "name": eng.name,
                "field": eng.field,
                "certifies": sorted(eng.certifies),
                "description": eng.description,
            }
            for eng in RANK_ENGINES.values()
        ],
        "statuses": [s.value for s in Status],
        "trees": [u for _, u in TREE_BUILDERS.values()] + ["nested tuples ((0,1),(2,3))"],
        "partitions": [u for _, u in PARTITIONS.values()] + ["row modes 0,2,5"],
    }


def _wrap(text: str, width: int, indent: str) -> list[str]:
    return textwrap.wrap(
        text, width=width, initial_indent=indent, subsequent_indent=indent, break_long_words=False
    ) or [indent]


def _list_text(doc: dict[str, Any], width: int) -> str:
    """Plain text that stays readable at any width (words are never split)."""
    lines = ["Registered checks (run one: convac-verify check NAME --set KEY=VALUE)"]
    for c in doc["checks"]:
        lines.append("")
        lines.append(f"{c['name']}  [{c['family']}]")
        lines += _wrap(c["reference"], width, "    ")
        lines += _wrap(f"claim: {c['claim']}", width, "    ")
        defaults = ", ".join(f"{k}={v}" for k, v in c["defaults"].items())
        lines += _wrap(f"defaults: {defaults}", width, "    ")
    lines += ["", "Rank engines (--field)"]
    for e in doc["engines"]:
        certifies = ", ".join(e["certifies"]) or "nothing"
        lines += _wrap(
            f"{e['name']} ({e['field']}; certifies {certifies}): {e['description']}", width, "  "
        )
    lines.append("")
    lines += _wrap("statuses: " + ", ".join(doc["statuses"]), width, "")
    lines += _wrap("trees (--tree): " + ", ".join(doc["trees"]), width, "")
    lines += _wrap("partitions (--rows): " + ", ".join(doc["partitions"]), width, "")
    return "\n".join(lines) + "\n"


@click.command("list")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    help="table: a table on a terminal, wrapped text otherwise; json: for scripts.",
)
def list_checks(fmt: str) -> int:
    """Registered checks (paper, theorem), rank engines, statuses, trees and partitions."""
    from rich.console import Console

    load_all()
    doc = _list_doc()
    if fmt == "json":
        click.echo(json.dumps(doc, indent=2, default=str))
        return 0
    console = Console(highlight=False)
    if not console.is_terminal or console.width < 120:
        width = int(os.environ.get("COLUMNS", "0") or 0) or min(console.width, 100)
        click.echo(_list_text(doc, max(40, width)), nl=False)
        return 0
    t = Table(title="Registered checks", title_justify="left")
    t.add_column("check", no_wrap=True)  # the name users type: never truncated
    for col in ("family", "reference", "claim", "defaults"):
        t.add_column(col)
    for c in doc["checks"]:
        defaults = ", ".join(f"{k}={v}" for k, v in c["defaults"].items())
        t.add_row(c["name"], c["family"], c["reference"], c["claim"], defaults)
    console.print(t)
    e = Table(title="Rank engines (--field)", title_justify="left")
    for col in ("engine", "field", "certifies", "description"):
        e.add_column(col)
    for eng in doc["engines"]:
        e.add_row(
            eng["name"], eng["field"], ", ".join(eng["certifies"]) or "nothing", eng["description"]
        )
    console.print(e)
    console.print("statuses: " + ", ".join(doc["statuses"]), markup=False)
    console.print("trees (--tree): " + ", ".join(doc["trees"]), markup=False)
    console.print("partitions (--rows): " + ", ".join(doc["partitions"]), markup=False)
    return 0


def draw_note(plan: Sequence[tuple[str, Mapping[str, Any]]]) -> str | None:
    """``random draws: icml16-claim-5 4, ...`` for the checks of ``plan`` that sample."""
    counts = []
    for name, overrides in plan:
        params = {**get_theorem(name).defaults, **overrides}
        if "draws" in params:
            per = " per width" if name == "icml16-appendix-f" else ""
            entry = f"{name} {params['draws']}{per}"
            if entry not in counts:  # a profile runs a check once per size
                counts.append(entry)
    if not counts:
        return None
    return "random draws (sampled checks): " + ", ".join(counts)


def _parse_sets(pairs: tuple[str, ...]) -> dict[str, str]:
    out: dict[str, str] = {}
    for pair in pairs:
        key, sep, raw = pair.partition("=")
        if not sep or not key.strip():
            raise ConvacError(f"--set takes key=value, e.g. --set n_modes=8; got {_short(pair)!r}")
        out[key.strip()] = raw.strip()
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
    help="Run each check's registered negative controls instead (their claims are false).",
)
@sweep_options
def check(
    *,
    names: tuple[str, ...],
    sets: tuple[str, ...],
    negative_control: bool,
    opts: RunOptions,
) -> int:
    """Run the named checks (default sizes, updated by --set)."""
    overrides = _parse_sets(sets)
    plan: list[tuple[str, dict[str, Any]]] = []
    for name in names:
        th = get_theorem(name)
        th.validate(overrides)  # refuse bad --set values before any work
        controls = th.negative_controls.values() if negative_control else [{}]
        plan.extend((name, {**control, **overrides}) for control in controls)
    report = api.run_checks("check " + " ".join(names), plan, context=opts.context())
    note = draw_note(plan)
    if note:
        report = replace(report, notes=[*report.notes, note])
    return opts.emit(report)


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


@click.command("all")
@click.option(
    "--junit",
    "junit_path",
    default=None,
    metavar="FILE",
    help="Also write JUnit XML to FILE.",
)
@click.option(
    "--latex",
    "latex_path",
    default=None,
    metavar="FILE",
    help="Also write the LaTeX tables to FILE.",
)
@click.option(
    "--profile",
    type=click.Choice(sorted(PROFILES)),
    default="default",
    show_default=True,
    help="default: every check at its CI sizes; paper: the papers' own sizes (see docs).",
)
@sweep_options
def all_checks(
    *,
    junit_path: str | None,
    latex_path: str | None,
    profile: str,
    opts: RunOptions,
) -> int:
    """Run every registered check at its default sizes (the main job), or a profile."""
    opts.add_output(junit_path, "--junit")
    opts.add_output(latex_path, "--latex")
    ctx = opts.context()
    plan: list[tuple[str, Mapping[str, Any]]] = list(profile_plan(profile, sorted(load_all())))
    command = "all" if profile == "default" else f"all --profile {profile}"
    report = api.run_checks(command, plan, context=ctx)
    note = draw_note(plan)
    if note:
        report = replace(report, notes=[*report.notes, note])
    return opts.emit(report, files={"--junit": render_junit, "--latex": render_latex})
