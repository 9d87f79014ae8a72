"""``convac-verify mincut``: min-cut bounds of a network's matricizations (Levine et al.).

For each partition: the min-cut (an upper bound on the rank for all weights: Claim 1,
deltas counted once: Claim 7), which bonds it cuts (by layer), whether the minimum is
exact, optionally its formula in the layer widths (``--symbolic``), and -- where the grid
tensor fits the memory budget -- the measured rank at random weights with its status.
The row claims ``rank <= min-cut`` (Claim 1), so the min-cut itself cannot prove it: the
other certificates of the bounds home (c-recursion, joint spans) can, and the table names
the best of every bound and its certificate.
``--allocate`` compares width allocations under a parameter budget
(:mod:`convac_verify.bounds.allocate`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from .. import api
from ..bounds.allocate import Allocation
from ..bounds.mincut import DELTA_RULES, Cut
from ..engines.measure import (
    Context,
    fits_dense,
    measure_network_rank,
    network_sketch_plan,
)
from ..engines.sketch import SKETCH_MAX_RANK
from ..errors import BudgetExceeded, ConvacError
from ..evidence.observation import Observation
from ..evidence.status import Claim, Measurement, decide_escalated
from ..networks import trees
from ..networks.partitions import Partition
from ..networks.tensor_network import TensorNetwork
from ..report import CheckResult, Report
from ..report.latex import escape, latex_document, latex_table, settings_caption
from ..report.numbers import fmt_int, latex_int
from ..report.table import render_footer, status_text
from .common import RunOptions, clear_progress, settings_options

__all__ = ["MIN_CUT_CLAIM", "mincut"]

MIN_CUT_CLAIM = "lycs18-claim-1"
"""The check whose claim a row is (``rank <= min-cut``): its own bound, the min-cut,
is set aside when deciding it (:data:`~convac_verify.evidence.certificates.OWN_BOUNDS`)."""


@dataclass
class Row:
    """One partition's min-cut (and rank, where measured)."""

    partition: Partition
    cut: Cut
    layers: dict[str, int]
    formula: str = ""
    result: CheckResult | None = None

    def to_dict(self, net: TensorNetwork) -> dict[str, Any]:
        """JSON form."""
        r = self.result
        return {
            "partition": self.partition.name,
            "rows": list(self.partition.rows),
            "min_cut": self.cut.value,
            "exact": self.cut.exact,
            "method": self.cut.method,
            "delta_rule": self.cut.delta_rule,
            "cut_bonds": list(self.cut.bonds),
            "cut_deltas": list(self.cut.deltas),
            "layers": self.layers,
            "formula_latex": self.formula or None,
            "measured_rank": None if r is None else r.observation.measurement.rank,
            "status": None if r is None else r.status.value,
            "certificate": None
            if r is None or r.verdict.certificate is None
            else r.verdict.certificate.to_dict(),
            "bounds": None
            if r is None
            else [
                {"value": b.value, **b.certificate.to_dict()}
                for b in r.observation.measurement.bounds
            ],
            "rank_equals_min_cut": None
            if r is None
            else r.observation.measurement.rank == self.cut.value,
        }


@dataclass
class MinCutReport:
    """What ``mincut`` prints."""

    network: TensorNetwork
    description: str
    report: Report
    rows: list[Row]
    allocations: list[Allocation] = field(default_factory=list)
    budget: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """The JSON document: the generic report plus the min-cut rows."""
        doc = self.report.to_dict()
        doc["network"] = {"description": self.description, "inputs": self.network.n_modes}
        doc["mincuts"] = [row.to_dict(self.network) for row in self.rows]
        if self.allocations:
            doc["allocate"] = {
                "budget": self.budget,
                "allocations": [
                    {
                        "scheme": a.scheme,
                        "widths": list(a.widths),
                        "params": a.params,
                        "min_cuts": list(a.min_cuts),
                        "worst": a.worst,
                    }
                    for a in self.allocations
                ],
            }
        return doc


def _table(mc: MinCutReport, console: Console) -> None:
    t = Table(title=f"Min-cut bounds: {mc.description}", title_justify="left")
    for col in ("partition", "min-cut", "cut (layer^count)", "exact", "rank", "status"):
        t.add_column(col)
    t.add_column("certificate")
    for row in mc.rows:
        r = row.result
        layers = ", ".join(k if v == 1 else f"{k}^{v}" for k, v in row.layers.items())
        t.add_row(
            row.partition.name,
            fmt_int(row.cut.value),
            layers or "-",
            "yes" if row.cut.exact else "best-effort",
            "-" if r is None else fmt_int(r.observation.measurement.rank),
            "-" if r is None else status_text(r),
            "-" if r is None or r.verdict.certificate is None else r.verdict.certificate.kind,
        )
    if mc.rows:
        console.print(t)
    for row in mc.rows:
        if row.formula:
            console.print(f"min-cut({row.partition.name}) = {row.formula}", markup=False)
    if mc.allocations:
        a = Table(title=f"Width allocation, budget {mc.budget} parameters", title_justify="left")
        for col in ("scheme", "widths r0..r_{L-1}", "params", "min-cuts", "worst"):
            a.add_column(col)
        for alloc in mc.allocations:
            a.add_row(
                alloc.scheme,
                str(list(alloc.widths)),
                str(alloc.params),
                ", ".join(fmt_int(v) for v in alloc.min_cuts),
                fmt_int(alloc.worst),
            )
        console.print(a)
    render_footer(mc.report, console)


def _latex(mc: MinCutReport) -> str:
    header = ["partition", "min-cut", "cut", "exact", "rank", "status"]
    rows = []
    for row in mc.rows:
        r = row.result
        rows.append(
            [
                escape(row.partition.name),
                f"${row.formula or latex_int(row.cut.value)}$"
                if row.formula
                else f"${latex_int(row.cut.value)}$",
                escape(", ".join(k if v == 1 else f"{k}^{v}" for k, v in row.layers.items())),
                "yes" if row.cut.exact else "best-effort",
                "--" if r is None else f"${latex_int(r.observation.measurement.rank)}$",
                "--" if r is None else escape(r.status.value),
            ]
        )
    tables = [
        latex_table(
            f"Min-cut bounds (Levine et al., ICLR 2018): {escape(mc.description)}. "
            + settings_caption(mc.report),
            header,
            rows,
        )
    ]
    if mc.allocations:
        tables.append(
            latex_table(
                f"Width allocation within {mc.budget} parameters.",
                ["scheme", "widths", "params", "worst min-cut"],
                [
                    [
                        a.scheme,
                        escape(str(list(a.widths))),
                        str(a.params),
                        f"${latex_int(a.worst)}$",
                    ]
                    for a in mc.allocations
                ],
            )
        )
    return latex_document(mc.report, tables)


@click.command()
@click.option(
    "--tree",
    "tree_text",
    default=None,
    help="Mode tree (as for rank): balanced:16, square:8x8, ...",
)
@click.option("--widths", default=None, help="Widths r0,r1,...,r_{L-1} (or one width) for --tree.")
@click.option(
    "--cp", "cp_width", type=int, default=None, help="Shallow network with Z = CP channels."
)
@click.option(
    "--N", "--n-modes", "n_modes", type=int, default=None, help="Number of modes (with --cp)."
)
@click.option("--network", "network_file", default=None, help="A network file (TOML or JSON).")
@click.option("--M", "--dim", "dim", type=int, default=None, help="Dimension M of each input leg.")
@click.option(
    "--rows",
    "rows_text",
    default="left-right;odd-even",
    show_default=True,
    help="Partitions, ';'-separated: left-right, odd-even, blocks:B, random:K, 2D names, or modes.",
)
@click.option("--shared", is_flag=True, help="Share weights across locations (measured ranks).")
@click.option(
    "--delta-rule",
    type=click.Choice(DELTA_RULES),
    default="once",
    show_default=True,
    help="Count the cut bonds of one delta once (Claim 7) or every bond.",
)
@click.option(
    "--symbolic", is_flag=True, help="Print each min-cut as a formula in M, r_0, r_1, ..."
)
@click.option("--no-rank", is_flag=True, help="Do not measure ranks.")
@click.option(
    "--allocate", "do_allocate", is_flag=True, help="Compare width allocations (--budget)."
)
@click.option("--budget", type=int, default=None, help="Parameter budget for --allocate.")
@click.option(
    "--outputs", type=int, default=1, show_default=True, help="Y, for the parameter count."
)
@click.option(
    "--max-width", type=int, default=64, show_default=True, help="Largest width searched."
)
@settings_options
def mincut(
    *,
    tree_text: str | None,
    widths: str | None,
    cp_width: int | None,
    n_modes: int | None,
    network_file: str | None,
    dim: int | None,
    rows_text: str,
    shared: bool,
    delta_rule: str,
    symbolic: bool,
    no_rank: bool,
    do_allocate: bool,
    budget: int | None,
    outputs: int,
    max_width: int,
    opts: RunOptions,
) -> int:
    """Min-cut upper bounds (Levine et al.), the cut bonds, and measured ranks."""
    given = [x is not None for x in (tree_text, cp_width, network_file)]
    if sum(given) != 1:
        raise ConvacError(
            "give exactly one network: --tree T --widths W, --cp Z --N N, or --network FILE"
        )
    ctx = opts.context()
    tree = None
    ws: tuple[int, ...] = ()
    if network_file is not None:
        net = api.load_network(network_file)
        description = f"{net.name} ({network_file}, N={net.n_modes})"
    else:
        if dim is None or dim < 1:
            raise ConvacError("--M (the dimension of each input leg) must be a positive integer")
        if cp_width is not None:
            if n_modes is None:
                raise ConvacError("--cp Z needs --N (the number of modes)")
            tree = api.tree(f"cp:{n_modes}")
            ws = api.widths(tree, cp_width)
        else:
            tree = api.tree(tree_text or "")
            if widths is None and not do_allocate:
                raise ConvacError(
                    "--tree needs --widths r0,r1,... (one per level) or a single width"
                )
            try:
                values = [int(v) for v in (widths or "1").split(",") if v.strip()]
            except ValueError:
                raise ConvacError(f"--widths takes integers like 2,2,2; got {widths!r}") from None
            ws = api.widths(tree, values[0] if len(values) == 1 else values)
        net = api.tensor_network(tree, dim, ws, shared=shared)
        name = str(tree.graph.get("name", "")) or tree_text or f"cp:{n_modes}"
        description = f"{name}, M={dim}" + (f", widths {list(ws)}" if widths or cp_width else "")
        description += ", shared" if shared else ""
    parts = api.partitions(rows_text, net if tree is None else tree, seed=opts.seed)
    rows: list[Row] = []
    results: list[CheckResult] = []
    notes: list[str] = []
    for part in parts if not (do_allocate and widths is None and cp_width is None) else []:
        cut = api.min_cut_bonds(net, part, delta_rule=delta_rule)
        row = Row(part, cut, cut.layers(net))
        if symbolic:
            try:
                import sympy

                row.formula = sympy.latex(api.min_cut_formula(net, part, delta_rule=delta_rule))
            except ConvacError as exc:
                notes.append(f"no formula for {part.name}: {exc}")
        if not no_rank and not do_allocate:
            m = _measure(ctx, net, tree, dim, ws, part, shared, notes)
            if m is not None:
                claim = Claim("<=", "min-cut", cut.value, r"\min_C W_C")
                # the claim is Claim 1 itself: its min-cut may not prove it
                claim, m, verdict = decide_escalated(claim, m, MIN_CUT_CLAIM)
                obs = Observation(
                    label=part.name,
                    subject=description,
                    claim=claim,
                    measurement=m,
                    params={
                        "rows": list(part.rows),
                        "min_cut": cut.value,
                        "cut": cut.describe(net),
                    },
                )
                row.result = CheckResult(
                    "mincut",
                    "Levine, Yakira, Cohen & Shashua, ICLR 2018, Claim 1/7",
                    "mincut",
                    obs,
                    verdict,
                )
                results.append(row.result)
                if m.rank < cut.value:
                    notes.append(f"{part.name}: rank {m.rank} < min-cut {cut.value}")
        rows.append(row)
    allocations: list[Allocation] = []
    if do_allocate:
        if tree is None or dim is None:
            raise ConvacError("--allocate needs --tree and --M")
        if budget is None:
            raise ConvacError("--allocate needs --budget (a number of parameters)")
        allocations = api.allocate_widths(
            tree, dim, parts, budget, outputs=outputs, max_width=max_width
        )
        for a in allocations:
            notes.append(_allocation_rank(ctx, tree, dim, a, parts))
    mc = MinCutReport(
        net,
        description,
        Report("mincut", ctx.settings, results, [], notes),
        rows,
        allocations,
        budget,
    )
    if opts.fmt == "json":
        report = opts.gate(mc.report)
        clear_progress()
        opts.outputs.write({"-o": json.dumps(mc.to_dict(), indent=2) + "\n"})
        return report.exit_code
    if opts.fmt == "junit":
        raise ConvacError("mincut supports --format table, json, csv or latex")
    return opts.emit(
        mc.report, table=lambda _rep, console: _table(mc, console), latex=lambda _rep: _latex(mc)
    )


def _measure(
    ctx: Context,
    net: TensorNetwork,
    tree: Any,
    dim: int | None,
    ws: tuple[int, ...],
    part: Partition,
    shared: bool,
    notes: list[str],
) -> Measurement | None:
    n = net.n_modes
    big = max(net.dims)
    try:  # beyond the dense limit: a sketch (or, for trees, the structured path if cheaper)
        sketch = not fits_dense(n, big, ctx.settings) and network_sketch_plan(
            net, part, ctx.settings
        )
    except BudgetExceeded as exc:  # --method sketch over the budget
        notes.append(f"{part.name}: rank not measured ({exc})")
        return None
    if not fits_dense(n, big, ctx.settings) and not sketch:
        if not any("not measured" in x for x in notes):
            notes.append(
                f"rank not measured: the grid tensor has {big}^{n} entries, over --max-memory, "
                f"and no sketch fits (upper bound above {SKETCH_MAX_RANK} or over the budget)"
            )
        return None
    try:
        if tree is not None and dim is not None:
            return ctx.measure(tree, dim, ws, part, shared=shared)
        return measure_network_rank(net, part, ctx.settings, progress=ctx.progress)
    except BudgetExceeded as exc:
        notes.append(f"{part.name}: rank not measured ({exc})")
        return None


def _allocation_rank(
    ctx: Context, tree: Any, dim: int, a: Allocation, parts: list[Partition]
) -> str:
    n = trees.n_modes(tree)
    if not fits_dense(n, dim, ctx.settings):
        return f"{a.scheme}: ranks not measured ({dim}^{n} grid entries)"
    ranks = [ctx.measure(tree, dim, a.widths, p).rank for p in parts]
    eq = all(r == c for r, c in zip(ranks, a.min_cuts, strict=True))
    return f"{a.scheme} {list(a.widths)}: measured ranks {ranks}" + (" (= min-cuts)" if eq else "")
