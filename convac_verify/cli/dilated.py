"""``convac-verify dilated``: a dilation scheme's mode tree, or a tree's dilation scheme.

``--dilations 2,1,8,4`` (or ``baseline``, ``swapped``, ``groups:K`` with ``--N``) prints
the mode tree the stack of size-2 dilated convolutions induces (as ``tree`` prints
trees), and a time-axis picture of which input positions each layer's units combine;
``--tree T`` prints the dilation scheme of a tree, or why it has none. Conventions:
:mod:`convac_verify.networks.dilations` (positions 0-based, oldest input first).
"""

from __future__ import annotations

import csv
import io
import json
import sys
from typing import Any

import click
import networkx as nx
from rich.console import Console
from rich.table import Table

from ..errors import ConvacError
from ..networks import dilated as _dilated  # noqa: F401  (registers hybrid:N)
from ..networks import trees
from ..networks.dilations import (
    dilation_tree,
    find_dilations,
    layer_joins,
    parse_dilations,
    scheme_name,
)
from ..networks.geometry2d import Grid, window_picture
from ..networks.mixed import node_text
from ..report.latex import escape, latex_table
from .common import render_text
from .outputs import OutputSet
from .tree import _rich_tree

__all__ = ["dilated"]

MAX_PICTURE = 64
MAX_JOINS_SHOWN = 8


def _join_text(a: tuple[int, ...], b: tuple[int, ...]) -> str:
    if len(a) == 1:
        return f"({a[0]},{b[0]})"
    return f"{node_text(a, 6)}+{node_text(b, 6)}"


def _layers(dilations: tuple[int, ...]) -> list[dict[str, Any]]:
    out = []
    for l, (d, joins) in enumerate(zip(dilations, layer_joins(dilations), strict=True), 1):
        out.append(
            {
                "layer": l,
                "dilation": d,
                "digit": d.bit_length() - 1,
                "units": [sorted(a + b) for a, b in joins],
                "joins": [[list(a), list(b)] for a, b in joins],
            }
        )
    return out


def _document(tree: nx.DiGraph, name: str, dilations: tuple[int, ...] | None, reason: str) -> dict:
    n = trees.n_modes(tree)
    return {
        "tree": name,
        "n_modes": n,
        "n_layers": len(dilations) if dilations else None,
        "dilations": list(dilations) if dilations else None,
        "scheme": scheme_name(dilations) if dilations else None,
        "no_scheme_reason": reason or None,
        "positions": "0-based: mode j is input x[t-N+1+j] of the output at time t",
        "nested": trees.to_nested(tree),
        "layers": _layers(dilations) if dilations else [],
    }


def _time_axis(tree: nx.DiGraph, dilations: tuple[int, ...]) -> list[str]:
    n = trees.n_modes(tree)
    grid = Grid(1, n)
    head = f"time axis: positions 0..{n - 1} (oldest input left); row l: same letter = one "
    lines = [head + "layer-l unit (its receptive field)"]
    for l in range(len(dilations), 0, -1):
        pic = window_picture(tree, grid, l)
        row = pic[0] if pic else "(too many units to label)"
        lines.append(f"layer {l:>2}  d={dilations[l - 1]:<4} {row}")
    lines.append(f"input     {'':6} {''.join(str(j % 10) for j in range(n))}")
    return lines


def _print_table(console: Console, doc: dict, tree: nx.DiGraph) -> None:
    ds = doc["dilations"]
    n = doc["n_modes"]
    if ds:
        scheme = f" ({doc['scheme']})" if doc["scheme"] else ""
        console.print(
            f"dilated network: dilations {','.join(map(str, ds))}{scheme}, L = {len(ds)} layers "
            f"of size-2 convolutions, N = {n} inputs (position j = input x[t-{n - 1}+j])",
            markup=False,
        )
    else:
        console.print(f"mode tree {doc['tree']}: N = {n}", markup=False)
        console.print(f"no dilation scheme: {doc['no_scheme_reason']}", markup=False)
    console.print(_rich_tree(tree, None, None, None))
    if n <= 1024:
        console.print(f"nested: {doc['nested']}", markup=False)
    if not ds:
        return
    if n <= MAX_PICTURE:
        for line in _time_axis(tree, tuple(ds)):
            console.print(line, markup=False)
    else:
        console.print(f"time axis: omitted for N = {n} > {MAX_PICTURE} (see --format json)")
    table = Table(
        title="Layers: each unit joins two units of the layer below, d_l positions apart",
        title_justify="left",
    )
    for col in ("layer", "dilation", "digit", "units", "joins (first child + second child)"):
        table.add_column(col, overflow="fold")
    for layer in doc["layers"]:
        joins = [_join_text(tuple(a), tuple(b)) for a, b in layer["joins"]]
        shown = " ".join(joins[:MAX_JOINS_SHOWN]) + (" ..." if len(joins) > MAX_JOINS_SHOWN else "")
        table.add_row(
            str(layer["layer"]),
            str(layer["dilation"]),
            str(layer["digit"]),
            str(len(joins)),
            shown,
        )
    console.print(table)


def standalone_latex(lines: list[str]) -> str:
    """A compilable document around LaTeX ``lines`` (structural results: no report)."""
    head = [
        r"\documentclass{article}",
        r"\usepackage{array,booktabs,longtable}",
        r"\begin{document}",
    ]
    return "\n".join([*head, *lines, r"\end{document}", ""])


def _latex(doc: dict) -> str:
    ds = doc["dilations"]
    if not ds:
        return standalone_latex(
            [escape(f"{doc['tree']}: no dilation scheme: {doc['no_scheme_reason']}")]
        )
    rows = []
    for layer in doc["layers"]:
        joins = [_join_text(tuple(a), tuple(b)) for a, b in layer["joins"]]
        shown = " ".join(joins[:4]) + (" ..." if len(joins) > 4 else "")
        rows.append([f"${layer['layer']}$", f"${layer['dilation']}$", escape(shown)])
    caption = escape(
        f"Dilations {','.join(map(str, ds))} (N = {doc['n_modes']}): units each layer joins "
        "(positions 0-based)"
    )
    return standalone_latex(latex_table(caption, ["layer $l$", "$d_l$", "joins"], rows))


def _csv(doc: dict) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["layer", "dilation", "unit", "first_child", "second_child"])
    for layer in doc["layers"]:
        for u, (a, b) in enumerate(layer["joins"]):
            w.writerow(
                [
                    layer["layer"],
                    layer["dilation"],
                    u,
                    " ".join(map(str, a)),
                    " ".join(map(str, b)),
                ]
            )
    return buf.getvalue()


@click.command("dilated")
@click.option(
    "--dilations",
    "dilations_text",
    default=None,
    help="2,1,8,4 (a permutation of 1, 2, ..., 2^(L-1)), or baseline, swapped, groups:K "
    "(with --N). [default: baseline]",
)
@click.option("--N", "n_modes", type=int, default=None, help="N = 2^L inputs (named schemes).")
@click.option(
    "--tree",
    "tree_spec",
    default=None,
    help="A mode tree (e.g. swapped:16:2, ((0,2),(1,3)), hybrid:16): print its dilation scheme.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "latex", "csv"]),
    default="table",
    show_default=True,
    help="Output format.",
)
@click.option("-o", "--output", default=None, metavar="FILE", help="Write to FILE (- for stdout).")
def dilated(
    *,
    dilations_text: str | None,
    n_modes: int | None,
    tree_spec: str | None,
    fmt: str,
    output: str | None,
) -> int:
    """Dilation scheme -> mode tree (--dilations), or mode tree -> dilation scheme (--tree)."""
    if dilations_text is not None and tree_spec is not None:
        raise ConvacError("give --dilations or --tree, not both")
    outputs = OutputSet()
    outputs.add(output if output is not None else "-", "-o")  # checked before any work
    if tree_spec is not None:
        if n_modes is not None:
            raise ConvacError("--N goes with a named --dilations scheme, not with --tree")
        tree = trees.parse_tree(tree_spec)
        found = find_dilations(tree)
        ds, reason = found.dilations, found.reason
        name = str(tree.graph.get("name", tree_spec))
        if ds is not None:
            tree = dilation_tree(ds)  # children in the scheme's order
    else:
        text = dilations_text if dilations_text is not None else "baseline"
        if text.strip()[:1].isalpha() and n_modes is None:
            n_modes = 16 if dilations_text is None else None
        ds = parse_dilations(text, n_modes)
        reason = ""
        tree = dilation_tree(ds)
        name = str(tree.graph["name"])
    doc = _document(tree, name, ds, reason)
    if fmt == "json":
        text = json.dumps(doc, indent=2) + "\n"
    elif fmt == "latex":
        text = _latex(doc)
    elif fmt == "csv":
        if not ds:
            raise ConvacError(f"no dilation scheme to write as CSV: {reason}")
        text = _csv(doc)
    else:
        terminal = output in (None, "-") and sys.stdout.isatty()
        text = render_text(lambda _, console: _print_table(console, doc, tree), None, terminal)
    outputs.write({"-o": text})
    return 0
