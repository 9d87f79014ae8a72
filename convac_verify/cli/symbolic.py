"""``convac-verify symbolic``: the grid tensor with symbolic weights and its exact rank.

Every weight of the architecture is a symbol named after the papers (``a^{l,j,g}_alpha``).
The command prints the matricization ``[[A]]_{I,J}`` entry by entry, its rank over the
field of rational functions Q(w) (fraction-free elimination over Z[w]: the generic rank
and the maximum over all weights, so ``proved`` in both directions), one nonzero
maximal minor factored (the weights where the rank drops lie in its zero set) and,
when there are few, the ideal of all maximal minors. It then checks the symbolic rank
against the structural upper bound, the numeric engines at a random point (they must
agree: the point is held to the symbolic rank, so a bad draw counts only with its
epsilon, never as a certain refutation), and against ``--expect``. Small instances only: a size and
work estimate refuses the rest (exit 2, naming the largest accepted size).
"""

from __future__ import annotations

from dataclasses import replace

import click
import networkx as nx

from .. import api
from ..errors import ConvacError
from ..evidence.claims import parse_claim
from ..evidence.observation import Observation
from ..evidence.status import Claim, decide_escalated
from ..networks import trees
from ..report import CheckResult, Report
from ..report.symbolic_view import symbolic_latex, symbolic_table
from ..symbolic.polynomials import BACKENDS, DEFAULT_BACKEND
from ..symbolic.rank import DEFAULT_MAX_WORK
from ..symbolic.summary import SHOW
from .common import RunOptions, settings_options

__all__ = ["symbolic"]


def _widths(text: str | None, tree: nx.DiGraph, eq3: bool) -> tuple[int, ...]:
    if text is None:
        raise ConvacError("--tree needs --widths r0,r1,... (one per level) or a single width")
    try:
        values = [int(v) for v in text.split(",") if v.strip()]
    except ValueError:
        raise ConvacError(f"--widths takes integers like 2,2,2; got {text!r}") from None
    if not values:
        raise ConvacError(f"--widths takes integers like 2,2,2; got {text!r}")
    if eq3:
        if len(set(values)) != 1:
            raise ConvacError(f"--eq3 has one size constant r: give --widths r; got {text!r}")
        return (values[0],)
    return api.widths(tree, values[0] if len(values) == 1 else values)


@click.command()
@click.option(
    "--tree",
    "tree_text",
    default=None,
    help='Mode tree: nested tuples "((0,1),(2,3))" or a builder (balanced:N, windows:2,3, '
    "swapped:N[:k], dilations:2,1, cp:N).",
)
@click.option("--widths", default=None, help="Widths r0,r1,...,r_{L-1} (or one width) for --tree.")
@click.option("--cp", "cp_width", type=int, default=None, help="Shallow (CP) network with Z terms.")
@click.option("--N", "--n-modes", "n_modes", type=int, default=None, help="Modes N (with --cp).")
@click.option("--M", "--dim", "dim", type=int, required=True, help="Dimension M of each mode.")
@click.option(
    "--rows",
    "rows_text",
    default="odd-even",
    show_default=True,
    help="Partition: odd-even, left-right, random, blocks:B, or row modes 0,2,5.",
)
@click.option("--shared", is_flag=True, help="Share weights across locations (same-channel).")
@click.option(
    "--eq3",
    is_flag=True,
    help="The per-child-weights decomposition of Cohen-Tamari-Shashua eq. 3 (dilated nets).",
)
@click.option(
    "--expect",
    default=None,
    help='Claim about the rank, e.g. "== 4" or ">= min(r0, M)**(N/2)" (decided both ways).',
)
@click.option(
    "--backend",
    type=click.Choice(BACKENDS),
    default=DEFAULT_BACKEND,
    show_default=True,
    help="Polynomial arithmetic: FLINT fmpz_mpoly or SymPy's sparse polynomials (slower).",
)
@click.option(
    "--max-work",
    type=int,
    default=DEFAULT_MAX_WORK,
    show_default=True,
    help="Elimination budget in term pairs (about 10 s per 5e7); larger instances are refused.",
)
@click.option(
    "--show",
    type=click.Choice(SHOW),
    default="auto",
    show_default=True,
    help="Polynomials in full, abbreviated (summary), or full when short (auto).",
)
@click.option("--no-minors", is_flag=True, help="Skip the ideal of all maximal minors.")
@settings_options
def symbolic(
    *,
    tree_text: str | None,
    widths: str | None,
    cp_width: int | None,
    n_modes: int | None,
    dim: int,
    rows_text: str,
    shared: bool,
    eq3: bool,
    expect: str | None,
    backend: str,
    max_work: int,
    show: str,
    no_minors: bool,
    opts: RunOptions,
) -> int:
    """Symbolic weights: the matricization over Z[w], its rank over Q(w), the exceptional set."""
    if (tree_text is None) == (cp_width is None):
        raise ConvacError("give exactly one architecture: --tree T --widths ... or --cp Z --N N")
    if dim < 1:
        raise ConvacError(f"--M must be a positive integer; got {dim}")
    if max_work < 1:
        raise ConvacError(f"--max-work must be a positive integer; got {max_work}")
    if cp_width is not None:
        if n_modes is None:
            raise ConvacError("--cp Z needs --N (the number of modes)")
        if eq3:
            raise ConvacError("--eq3 needs a binary --tree, not --cp")
        tree = api.tree(f"cp:{n_modes}")
        ws: tuple[int, ...] = api.widths(tree, cp_width)
    else:
        tree = api.tree(tree_text or "")
        if n_modes is not None and n_modes != trees.n_modes(tree):
            raise ConvacError(
                f"--N {n_modes} does not fit the tree, which has {trees.n_modes(tree)} modes"
            )
        ws = _widths(widths, tree, eq3)
    net = api.symbolic_network(
        tree,
        dim,
        ws[0] if eq3 else ws,
        kind="dilated" if eq3 else "same-channel",
        shared=shared,
        backend=backend,
    )
    partition = api.partition(rows_text, tree, seed=opts.seed)
    symbols = api.claim_symbols(tree, dim, ws, cp=net.is_cp)
    claim = parse_claim(expect, symbols) if expect else None  # bad claims fail before the work
    ctx = opts.context()
    ctx.progress(f"symbolic rank of {net.describe()}")
    out = api.symbolic_network_rank(net, partition, max_work=max_work, minors=not no_minors)
    data = out.to_dict(show)
    m = replace(out.measurement, extra={"symbolic": data})
    checked = out.cross_check(ctx.settings)
    params = {**symbols, "rows": list(partition.rows), "partition": partition.name}
    bounds = data["bounds"]
    kind, best = min(bounds.items(), key=lambda kv: kv[1]["value"])
    observations = [
        Observation(  # first: the views read the symbolic data from it
            label=partition.name,
            subject=f"structural upper bound ({kind})",
            claim=Claim("<=", best["text"], int(best["value"]), best["latex"]),
            measurement=m,
            params=params,
        ),
        Observation(
            label=partition.name,
            subject=f"numeric rank at a random point (seed {ctx.settings.seed}) = rank over Q(w)",
            claim=Claim("==", "rank over Q(w)", out.rank, r"\mathrm{rank}_{\mathbf{Q}(w)}"),
            measurement=checked,
            params={**params, "numeric_rank": checked.rank},
        ),
    ]
    if claim is not None:
        observations.append(
            Observation(
                label=partition.name,
                subject="your claim",
                claim=claim,
                measurement=m,
                params=params,
            )
        )
    results = []
    for o in observations:
        c, measured, verdict = decide_escalated(o.claim, o.measurement)
        o = replace(o, claim=c, measurement=measured)
        results.append(CheckResult("symbolic", "symbolic rank over Q(w)", "symbolic", o, verdict))
    checked = results[1].observation.measurement  # escalated when that was needed
    notes = [
        (
            f"numeric cross-check: {checked.evidence.method} rank {checked.rank} over "
            f"{checked.evidence.field} at random weights (seed {checked.evidence.seed})"
        )
    ]
    report = Report("symbolic", ctx.settings, results, [], notes)
    return opts.emit(report, table=symbolic_table, latex=symbolic_latex)
