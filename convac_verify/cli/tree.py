"""``convac-verify tree``: show a mode tree, its windows and, for a partition, its tilings.

Prints the tree (rich), its nested-tuple form, the pooling windows of every level
drawn on the grid (2D geometries), and with ``--rows`` the tilings
``Theta(I;T)``, ``Theta(I^c;T)`` of Cohen-Tamari-Shashua Def. 6, the sibling pairs of
their Theorem 7, the split windows of ICLR 2017 Theorem 1, and every upper bound of the
bounds home (:mod:`convac_verify.bounds`: c-recursion, joint spans, the min-cut of the
tensor network, matrix size; for binary trees also the eq. 3 bounds), the smallest named
by its certificate (no rank is computed: use ``rank`` or ``pooling`` for that).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from typing import Any

import click
import networkx as nx
from rich.console import Console
from rich.table import Table
from rich.tree import Tree

from .. import api
from ..bounds.tilings import TilingBounds, is_binary
from ..errors import ConvacError
from ..evidence.certificates import Bound
from ..networks import trees
from ..networks.geometry2d import Grid, grid_of, parse_grid, window_picture
from ..networks.partitions import Partition
from ..networks.partitions2d import mask_picture
from ..report.numbers import fmt_int
from .common import parse_widths, render_text
from .outputs import OutputSet

__all__ = ["tree"]

MAX_SHOWN_NODES = 160
MAX_NESTED_MODES = 1024


def _modes_text(modes: tuple[int, ...], limit: int = 12) -> str:
    shown = ",".join(map(str, modes[:limit]))
    return "{" + shown + (",..." if len(modes) > limit else "") + "}"


def _rich_tree(
    t: nx.DiGraph, grid: Grid | None, part: Partition | None, bounds: TilingBounds | None
) -> Tree:
    rows = set(part.rows) if part else set()
    tiles_i = set(bounds.tiles_i) if bounds else set()
    tiles_j = set(bounds.tiles_j) if bounds else set()
    count = [0]

    def label(v: int) -> str:
        kids = trees.children(t, v)
        mark = " [bold cyan]Theta(I)[/]" if v in tiles_i else ""
        mark += " [bold magenta]Theta(I^c)[/]" if v in tiles_j else ""
        if not kids:
            where = f" (row {grid.coords(v)[0]}, col {grid.coords(v)[1]})" if grid else ""
            side = (" I" if v in rows else " J") if part else ""
            return f"patch {v}{where}{side}{mark}"
        modes = trees.leaves_below(t, v)
        return (
            f"node {v}: height {trees.height(t, v)}, {len(kids)} children, "
            f"{len(modes)} patches {_modes_text(modes)}{mark}"
        )

    def add(branch: Tree, v: int) -> None:
        for c in trees.children(t, v):
            count[0] += 1
            if count[0] > MAX_SHOWN_NODES:
                branch.add("...")
                return
            add(branch.add(label(c)), c)

    top = Tree(label(trees.root(t)))
    add(top, trees.root(t))
    return top


def _level_pictures(t: nx.DiGraph, grid: Grid) -> Table | None:
    depth = trees.height(t, trees.root(t))
    pics = [window_picture(t, grid, h) for h in range(1, depth + 1)]
    if any(p is None for p in pics) or max(grid.height, grid.width) > 16:
        return None
    table = Table(
        title="Pooling windows per level (same letter = same window)", title_justify="left"
    )
    for h in range(1, depth + 1):
        table.add_column(f"height {h}")
    table.add_row(*("\n".join(p or []) for p in pics))
    return table


def _bounds_doc(bounds: Sequence[Bound], best: Bound | None) -> dict[str, Any]:
    """Every bound (kind, value, detail) and the smallest, named by its certificate."""
    assert best is not None
    return {
        "upper_bounds": [{"value": b.value, **b.certificate.to_dict()} for b in bounds],
        "best_upper_bound": {"value": best.value, **best.certificate.to_dict()},
    }


def _summary(sb: api.StructuralBounds) -> dict[str, Any]:
    """The JSON form of the structural bounds."""
    out: dict[str, Any] = {
        "widths": list(sb.widths),
        "S_by_height": {str(k): v for k, v in sorted(sb.split_by_height.items())},
        "iclr17_theorem1": {
            "lower_min_r0_M_pow_S": sb.iclr17_lower,
            "upper_c_recursion": _value(sb.upper, "c-recursion"),
        },
        "witness_lower_bound": {"value": sb.witness, "merge_height": sb.merge_height},
        "joint_span_upper_bound": _value(sb.upper, "joint-span"),
        "min_cut_upper_bound": _value(sb.upper, "min-cut"),
        **_bounds_doc(sb.upper, sb.best),
    }
    if sb.eq3_upper is not None:
        out["ctm18_theorem7"] = {
            "lower_r_pow_pairs": sb.cts_lower,
            "upper_r_pow_min_tiles": sb.cts_upper,
            "eq3_joint_span_upper_bound": _value(sb.eq3_upper, "joint-span"),
            "eq3_min_cut_upper_bound": _value(sb.eq3_upper, "min-cut"),
            **_bounds_doc(sb.eq3_upper, sb.eq3_best),
        }
    return out


def _value(bounds: Sequence[Bound], kind: str) -> int:
    """The value of the bound of ``kind``."""
    return {b.certificate.kind: b.value for b in bounds}[kind]


@click.command("tree")
@click.argument("tree_spec")
@click.option(
    "--grid", "grid_text", default=None, help="Grid HxW (needed for square/mirror/rect:...)."
)
@click.option("--rows", "rows_text", default=None, help="A partition: show its tilings and bounds.")
@click.option(
    "--M", "--dim", "dim", type=int, default=2, show_default=True, help="M for the bounds."
)
@click.option(
    "--r",
    "--width",
    "width",
    type=int,
    default=None,
    help="Width r of every level, for the bounds [default: 2].",
)
@click.option(
    "--widths",
    "widths_text",
    default=None,
    metavar="r0,r1,...",
    help="Widths per level r0..r_{L-1}, for the bounds; instead of --r.",
)
@click.option(
    "--seed",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="Seed (random partitions).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    help="Output format.",
)
@click.option("-o", "--output", default=None, metavar="FILE", help="Write to FILE (- for stdout).")
def tree(
    *,
    tree_spec: str,
    grid_text: str | None,
    rows_text: str | None,
    dim: int,
    width: int | None,
    widths_text: str | None,
    seed: int,
    fmt: str,
    output: str | None,
) -> int:
    """Show TREE (square:4x4, mirror:4x4, rect:4x4:2x1,..., balanced:16, ((0,1),(2,3)), FILE)
    and, with --rows, the tilings Theta(I;T) and Theta(I^c;T)."""
    if dim < 1:
        raise ConvacError(f"--M must be a positive integer; got {dim}")
    given = parse_widths(widths_text, 2 if width is None and widths_text is None else width)
    outputs = OutputSet()
    outputs.add(output if output is not None else "-", "-o")
    grid = parse_grid(grid_text) if grid_text else None
    t, name = api.geometry(tree_spec, grid=grid)
    grid = grid or grid_of(t)
    n = trees.n_modes(t)
    depth = trees.height(t, trees.root(t))
    if len(given) not in (1, depth):
        raise ConvacError(
            f"--widths gives {len(given)} values; the tree has {depth} levels below the root "
            f"(r0..r{depth - 1})"
        )
    ws = given * depth if len(given) == 1 else given
    part = bounds = None
    structural = None
    if rows_text is not None:
        part = api.partition(rows_text, t, seed=seed, grid=grid)
        structural = api.structural_bounds(t, dim, ws, part)
        bounds = structural.tilings
    doc: dict[str, Any] = {
        "tree": str(t.graph.get("name", name)),
        "n_modes": n,
        "grid": str(grid) if grid else None,
        "depth": trees.height(t, trees.root(t)),
        "binary": is_binary(t),
        "nested": trees.to_nested(t),
    }
    if part is not None and bounds is not None:
        doc["partition"] = {"name": part.name, "rows": list(part.rows)}
        doc["tiling_I"] = [list(trees.leaves_below(t, v)) for v in bounds.tiles_i]
        doc["tiling_Ic"] = [list(trees.leaves_below(t, v)) for v in bounds.tiles_j]
        doc["sibling_pairs_depth_gt_1"] = [
            [list(trees.leaves_below(t, a)), list(trees.leaves_below(t, b))]
            for a, b in bounds.pairs
        ]
        assert structural is not None
        doc["bounds"] = _summary(structural)
    if fmt == "json":
        outputs.write({"-o": json.dumps(doc, indent=2, default=list) + "\n"})
        return 0

    def view(_: object, console: Console) -> None:
        console.print(
            f"mode tree {doc['tree']}: N = {n} patches, depth {doc['depth']}"
            + (f", grid {grid} (mode = row*W + col)" if grid else "")
            + (", binary" if doc["binary"] else ""),
            markup=False,
        )
        console.print(_rich_tree(t, grid, part, bounds))
        if n <= MAX_NESTED_MODES:
            console.print(f"nested: {trees.to_nested(t)}", markup=False)
        else:
            console.print(f"nested: omitted for N = {n} > {MAX_NESTED_MODES} (see --format json)")
        if grid is not None:
            pics = _level_pictures(t, grid)
            if pics is not None:
                console.print(pics)
        if part is not None and bounds is not None:
            _print_partition(console, t, grid, part, bounds, doc["bounds"], dim, ws)

    terminal = output in (None, "-") and sys.stdout.isatty()
    outputs.write({"-o": render_text(view, None, terminal)})
    return 0


def _print_partition(
    console: Console,
    t: nx.DiGraph,
    grid: Grid | None,
    part: Partition,
    bounds: TilingBounds,
    summary: dict[str, Any],
    dim: int,
    ws: tuple[int, ...],
) -> None:
    console.print(f"partition {part.name}: I = {list(part.rows)}", markup=False)
    if grid is not None and max(grid.height, grid.width) <= 16 and grid.height > 1:
        console.print("\n".join(mask_picture(part, grid)), markup=False)
    for label, tiles in (("Theta(I;T)", bounds.tiles_i), ("Theta(I^c;T)", bounds.tiles_j)):
        sets = " ".join(_modes_text(trees.leaves_below(t, v)) for v in tiles)
        console.print(f"{label}: {len(tiles)} tiles: {sets}", markup=False)
    pairs = " ".join(
        f"{_modes_text(trees.leaves_below(t, a))}|{_modes_text(trees.leaves_below(t, b))}"
        for a, b in bounds.pairs
    )
    console.print(
        f"sibling pairs of depth > 1 across the tilings: {len(bounds.pairs)} {pairs}", markup=False
    )
    table = Table(
        title=f"Structural bounds (M={dim}, "
        + (f"r={ws[0]}" if len(set(ws)) == 1 else f"widths {','.join(map(str, ws))}")
        + "; bounds only, no rank computed)",
        title_justify="left",
    )
    for col in ("bound", "value", "holds for", "source"):
        table.add_column(col)
    th1 = summary["iclr17_theorem1"]
    s1 = summary["S_by_height"].get("1", 0)
    wit = summary["witness_lower_bound"]
    rows = [
        (f"min(r0,M)^S, S = {s1}", th1["lower_min_r0_M_pow_S"], "max rank", "ICLR 2017 Thm 1"),
        ("c-recursion", th1["upper_c_recursion"], "all weights", "ICLR 2017 Thm 1"),
        (
            f"witness, merge at height {wit['merge_height']}",
            wit["value"],
            "almost all weights",
            "Kronecker witness (this tool)",
        ),
        ("joint-span recursion", summary["joint_span_upper_bound"], "all weights", "this tool"),
        (
            "min-cut of the tensor network",
            summary["min_cut_upper_bound"],
            "all weights",
            "Levine et al. Claim 1",
        ),
    ]
    if "ctm18_theorem7" in summary:
        th7 = summary["ctm18_theorem7"]
        rows += [
            (
                f"r^P, P = {bounds.lower_exponent} pairs",
                th7["lower_r_pow_pairs"],
                "almost all weights (eq. 3)",
                "CTS Thm 7",
            ),
            (
                f"r^min(|Theta(I)|,|Theta(I^c)|) = r^{bounds.upper_exponent}",
                th7["upper_r_pow_min_tiles"],
                "all weights (eq. 3)",
                "CTS Thm 7",
            ),
            (
                "joint-span recursion (eq. 3)",
                th7["eq3_joint_span_upper_bound"],
                "all weights (eq. 3)",
                "this tool",
            ),
            (
                "min-cut (eq. 3 network)",
                th7["eq3_min_cut_upper_bound"],
                "all weights (eq. 3)",
                "Levine et al. Claim 1",
            ),
        ]
    elif not is_binary(t):
        console.print("CTS Theorem 7 does not apply: the tree is not binary", markup=False)
    else:
        console.print("CTS Theorem 7 bounds take one width r: not shown for per-level widths")
    for label, value, holds, source in rows:
        table.add_row(label, fmt_int(value), holds, source)
    console.print(table)
    for what, doc in (("", summary), (" (eq. 3)", summary.get("ctm18_theorem7"))):
        if doc is not None:
            best = doc["best_upper_bound"]
            console.print(
                f"best upper bound{what}: {fmt_int(best['value'])} ({best['kind']}: "
                f"{best['detail']})",
                markup=False,
            )
