"""``convac-verify rank``: the generic rank of one matricization of your architecture.

Builds a random instance (or reads an explicit tree), computes the exact rank of
``[[A]]_{I,J}``, prints it with the structural upper bound and the evidence, and, with
``--expect``, holds it to a claim: a violated claim prints the counterexample and
exits 1.
"""

from __future__ import annotations

import click
import numpy as np
from rich.console import Console
from rich.table import Table

from ..errors import ConvacError
from ..evidence.claims import parse_claim
from ..evidence.observation import Observation
from ..evidence.status import Claim, decide
from ..networks import trees
from ..networks.decompositions import resolve_widths
from ..networks.partitions import parse_partition
from ..report import CheckResult, Report
from ..report.numbers import fmt_eps, fmt_int
from ..report.table import render_footer, status_text
from .common import RunOptions, settings_options

__all__ = ["rank"]


def _widths(text: str | None, tree: object) -> tuple[int, ...]:
    if text is None:
        raise ConvacError("--tree needs --widths r0,r1,... (one per level) or a single width")
    try:
        values = [int(v) for v in text.split(",") if v.strip()]
    except ValueError:
        raise ConvacError(f"--widths takes integers like 2,2,2; got {text!r}") from None
    return resolve_widths(tree, values[0] if len(values) == 1 else values)


def rank_table(report: Report, console: Console) -> None:
    """Key-value view of the single result."""
    (r,) = report.results
    o, m = r.observation, r.observation.measurement
    ev = m.evidence
    t = Table(title="Matricization rank", show_header=False, title_justify="left")
    t.add_column("", style="bold")
    t.add_column("")
    rows = [
        ("architecture", o.subject),
        ("partition I (rows)", str(list(o.params["rows"]))),
        ("measured rank", fmt_int(m.rank)),
        ("upper bound, all weights", f"{fmt_int(m.upper_bound)} ({m.upper_basis})"),
        ("claim", f"rank {o.claim.relation} {o.claim.formula} = {fmt_int(o.claim.value)}"),
        ("status", status_text(r)),
        ("epsilon", fmt_eps(r.verdict.epsilon)),
        ("why", r.verdict.reason),
        (
            "evidence",
            f"{ev.method}, {ev.weights} weights, field {ev.field}"
            + (f", p = {ev.prime}" if ev.prime else "")
            + (
                f", seed {ev.seed}, |S| = {fmt_int(ev.sample_space)}, entry degree {ev.degree}"
                if ev.weights == "random"
                else ""
            ),
        ),
    ]
    for key, value in rows:
        t.add_row(key, value)
    console.print(t)
    if r.status.value == "violated" and not r.verdict.epsilon:
        console.print(
            f"counterexample: {r.verdict.reason} (reproduce with --seed {ev.seed})", highlight=False
        )
    render_footer(report, console)


@click.command()
@click.option(
    "--tree",
    "tree_text",
    default=None,
    help='Mode tree: nested tuples "((0,1),(2,3))" or a builder (balanced:N[:k], '
    "windows:2,3, truncated:N:Lc, cp:N).",
)
@click.option("--widths", default=None, help="Widths r0,r1,...,r_{L-1} (or one width) for --tree.")
@click.option(
    "--cp", "cp_width", type=int, default=None, help="Shallow network with Z = CP channels."
)
@click.option(
    "--N", "--n-modes", "n_modes", type=int, default=None, help="Number of modes (with --cp)."
)
@click.option("--M", "--dim", "dim", type=int, required=True, help="Dimension M of each mode.")
@click.option(
    "--rows",
    "rows_text",
    default="odd-even",
    show_default=True,
    help="Partition: odd-even, left-right, random, blocks:B, or row modes 0,2,5.",
)
@click.option(
    "--expect",
    default=None,
    help='Claim to check, e.g. ">= 2**(N/2)" or "<= Z" (symbols N, M, Z, L, r, r0, r1, ...).',
)
@click.option("--shared", is_flag=True, help="Share weights across locations.")
@settings_options
def rank(
    *,
    tree_text: str | None,
    widths: str | None,
    cp_width: int | None,
    n_modes: int | None,
    dim: int,
    rows_text: str,
    expect: str | None,
    shared: bool,
    opts: RunOptions,
) -> int:
    """Generic rank of one matricization of a tree or CP network, with its evidence."""
    if (tree_text is None) == (cp_width is None):
        raise ConvacError("give exactly one architecture: --tree T --widths ... or --cp Z --N N")
    if dim < 1:
        raise ConvacError(f"--M must be a positive integer; got {dim}")
    if cp_width is not None:
        if n_modes is None:
            raise ConvacError("--cp Z needs --N (the number of modes)")
        tree = trees.cp_tree(n_modes)
        ws: tuple[int, ...] = resolve_widths(tree, cp_width)
        symbols = {"N": n_modes, "M": dim, "Z": cp_width, "L": 1, "r": cp_width, "r0": cp_width}
        subject = f"CP (shallow), N={n_modes}, M={dim}, Z={cp_width}"
    else:
        tree = trees.parse_tree(tree_text or "")
        if n_modes is not None and n_modes != trees.n_modes(tree):
            raise ConvacError(
                f"--N {n_modes} does not fit the tree, which has {trees.n_modes(tree)} modes"
            )
        ws = _widths(widths, tree)
        n_modes = trees.n_modes(tree)
        symbols = {
            "N": n_modes,
            "M": dim,
            "L": len(ws),
            "r": min(ws),
            **{f"r{i}": w for i, w in enumerate(ws)},
        }
        subject = f"tree {trees.to_nested(tree)}, M={dim}, widths {list(ws)}"
        if len(subject) > 120:
            subject = f"tree with N={n_modes} modes, depth {len(ws)}, M={dim}, widths {list(ws)}"
    partition = parse_partition(
        rows_text, n_modes, np.random.default_rng(opts.seed)
    ).require_proper()
    ctx = opts.context()
    m = ctx.measure(tree, dim, ws, partition, shared=shared)
    claim = (
        parse_claim(expect, symbols)
        if expect
        else Claim("==", "measured rank", m.rank, r"\mathrm{measured}")
    )
    obs = Observation(
        label=partition.name,
        subject=subject,
        claim=claim,
        measurement=m,
        params={**symbols, "rows": list(partition.rows), "partition": partition.name},
    )
    result = CheckResult(
        "rank", "user claim" if expect else "generic rank", "rank", obs, decide(claim, m)
    )
    return opts.emit(Report("rank", ctx.settings, [result]), table=rank_table)
