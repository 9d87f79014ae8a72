"""``convac-verify depth``: depth efficiency (COLT 2016) end to end.

Sweeps N' over the powers of 2 up to N; one row per N' with the deep odd-even rank,
the shallow (CP) rank, the bounds and their statuses, and the shallow width a CP
network needs (Corollary 2); then the truncated-depth table (Theorem 3) at N, the
growth lines and the verdict.
"""

from __future__ import annotations

from collections.abc import Mapping

import click
from rich.console import Console
from rich.table import Table

from .. import api
from ..engines.measure import fits_dense, require_budget
from ..errors import ConvacError
from ..evidence.status import Status
from ..networks.trees import balanced_sizes
from ..report import CheckResult, Report
from ..report.latex import escape, latex_document, latex_table, settings_caption, status_tex
from ..report.numbers import fmt_int, latex_int
from ..report.table import evidence_text, render_footer, render_growth, status_text
from .common import RunOptions, parse_widths, require_tree_time, sweep_options, width_params

__all__ = ["depth"]


def _by_label(report: Report, check: str, subject_prefix: str = "") -> dict[str, CheckResult]:
    return {
        r.observation.label: r
        for r in report.results
        if r.check == check and r.observation.subject.startswith(subject_prefix)
    }


def _widths_text(p: Mapping[str, object]) -> str:
    """``r=2`` or ``widths 3,2,1,1`` from a result's parameters (the checks give per-level
    widths as a list under ``widths`` or ``r``)."""
    ws = p.get("widths", p.get("r"))
    if isinstance(ws, (list, tuple)) and len(set(ws)) > 1:
        return "widths " + ",".join(map(str, ws))
    if isinstance(ws, str) and len(set(ws.split(","))) > 1:
        return f"widths {ws}"
    return f"r={p.get('r', ws)}"


def depth_table(report: Report, console: Console) -> None:
    """The calling-card layout: deep vs shallow side by side per N'."""
    deep = _by_label(report, "colt16-theorem-1")
    shallow = _by_label(report, "cp-rank-bound")
    needed = _by_label(report, "colt16-corollary-2")
    # the largest N' shows every level's width (smaller N' use the first ones)
    p = list(deep.values())[-1].observation.params
    z = next(iter(shallow.values())).observation.params["Z"]
    t = Table(
        title=f"Depth efficiency (COLT 2016 Thm 1, Cor 2): odd-even rank, M={p['M']}, "
        f"{_widths_text(p)}, Z={z}",
        title_justify="left",
    )
    for col in (
        "N",
        "deep rank",
        ">= min(r0,M)^(N/2)",
        "status",
        "shallow rank",
        "<= Z",
        "status",
        "Z needed >=",
        "evidence (deep)",
    ):
        t.add_column(col, justify="left" if col in ("status", "evidence (deep)") else "right")
    for label, d in deep.items():
        s, z_row = shallow.get(label), needed.get(label)
        t.add_row(
            str(d.observation.params["N"]),
            fmt_int(d.observation.measurement.rank),
            fmt_int(d.observation.claim.value),
            status_text(d),
            fmt_int(s.observation.measurement.rank) if s else "-",
            fmt_int(s.observation.claim.value) if s else "-",
            status_text(s) if s else "-",
            fmt_int(z_row.observation.measurement.rank) if z_row else "-",
            evidence_text(d),
        )
    console.print(t)
    net1 = _by_label(report, "colt16-theorem-3", "network 1")
    net2 = _by_label(report, "colt16-theorem-3", "network 2")
    if net1:
        q0 = next(iter(net1.values())).observation.params
        t3 = Table(
            title=f"Truncated depth (COLT 2016 Thm 3), N={q0['N']}, L={q0['L']}, M={q0['M']}, "
            f"{_widths_text(q0)}: width network 2 needs",
            title_justify="left",
        )
        for col in (
            "L1",
            "L2",
            "blocks",
            "net-1 rank",
            ">= r^(2^(L-L2))",
            "status",
            "net-2 rank",
            "<= r",
            "status",
        ):
            t3.add_column(col, justify="left" if col == "status" else "right")
        for label, a in net1.items():
            b = net2.get(label)
            q = a.observation.params
            t3.add_row(
                str(q["L1"]),
                str(q["L2"]),
                str(2 ** (q["L2"] - 1)),
                fmt_int(a.observation.measurement.rank),
                fmt_int(a.observation.claim.value),
                status_text(a),
                fmt_int(b.observation.measurement.rank) if b else "-",
                fmt_int(b.observation.claim.value) if b else "-",
                status_text(b) if b else "-",
            )
        console.print(t3)
    render_growth(report, console)
    eps = [r.verdict.epsilon for r in report.results if r.verdict.epsilon]
    certain = all(
        r.status in (Status.PROVED, Status.VIOLATED) and not r.verdict.epsilon
        for r in report.results
    )
    if certain:
        console.print(
            "evidence: every status above is certain (witness lower bounds, "
            "structural upper bounds); no probability involved",
            highlight=False,
        )
    elif eps:
        console.print(
            f"evidence: largest Schwartz-Zippel failure bound {float(max(eps)):.2g}",
            highlight=False,
        )
    render_footer(report, console)


def depth_latex(report: Report) -> str:
    """Paper-ready tables: the N' sweep (Thm 1, CP bound, Cor 2) and truncated depth (Thm 3)."""
    deep = _by_label(report, "colt16-theorem-1")
    shallow = _by_label(report, "cp-rank-bound")
    needed = _by_label(report, "colt16-corollary-2")
    p = list(deep.values())[-1].observation.params  # the largest N': every level's width
    z = next(iter(shallow.values())).observation.params["Z"]
    rows = []
    for label, d in deep.items():
        s, zr = shallow.get(label), needed.get(label)
        rows.append(
            [
                f"${d.observation.params['N']}$",
                f"${latex_int(d.observation.measurement.rank)}$",
                f"${latex_int(d.observation.claim.value)}$",
                status_tex(d),
                f"${latex_int(s.observation.measurement.rank)}$" if s else "--",
                f"${latex_int(s.observation.claim.value)}$" if s else "--",
                status_tex(s) if s else "--",
                f"${latex_int(zr.observation.measurement.rank)}$" if zr else "--",
                escape(evidence_text(d)),
            ]
        )
    header = [
        "$N$",
        "deep rank",
        r"$\min(r_0,M)^{N/2}$",
        "status",
        "shallow rank",
        r"$\leq Z$",
        "status",
        r"$Z$ needed $\geq$",
        "evidence (deep)",
    ]
    caption = (
        "Depth efficiency (Cohen, Sharir \\& Shashua, COLT 2016, Theorem 1 and Corollary 2): "
        f"rank of the odd-even matricization of the deep (HT) and shallow (CP) networks, "
        f"$M={p['M']}$, {_widths_tex(p)}, $Z={z}$. {settings_caption(report)}"
    )
    spec = r"rrrp{3.2cm}rrp{3.2cm}rl"
    tables = [latex_table(caption, header, rows, label="tab:depth-efficiency", spec=spec)]
    net1 = _by_label(report, "colt16-theorem-3", "network 1")
    net2 = _by_label(report, "colt16-theorem-3", "network 2")
    if net1:
        q0 = next(iter(net1.values())).observation.params
        rows3 = []
        for label, a in net1.items():
            b, q = net2.get(label), a.observation.params
            rows3.append(
                [
                    f"${q['L1']}$",
                    f"${q['L2']}$",
                    f"${latex_int(a.observation.measurement.rank)}$",
                    f"${latex_int(a.observation.claim.value)}$",
                    status_tex(a),
                    f"${latex_int(b.observation.measurement.rank)}$" if b else "--",
                    f"${latex_int(b.observation.claim.value)}$" if b else "--",
                    status_tex(b) if b else "--",
                ]
            )
        header3 = [
            "$L_1$",
            "$L_2$",
            "rank, network 1",
            r"$r^{2^{L-L_2}}$",
            "status",
            "rank, network 2",
            r"$\leq r^{(2)}_{L_2-1}$",
            "status",
        ]
        caption3 = (
            f"Truncated depth (Cohen, Sharir \\& Shashua, COLT 2016, Theorem 3), $N={q0['N']}$, "
            f"$L={q0['L']}$, $M={q0['M']}$, {_widths_tex(q0)}: network 2 with $L_2$ levels needs "
            "last width $\\geq$ the rank of network 1 under alternating blocks of "
            f"$2^{{L_2-1}}$ modes. {settings_caption(report)}"
        )
        spec3 = r"rrrrp{3.2cm}rrp{3.2cm}"
        tables.append(
            latex_table(caption3, header3, rows3, label="tab:truncated-depth", spec=spec3)
        )
    return latex_document(report, tables)


def _widths_tex(p: Mapping[str, object]) -> str:
    text = _widths_text(p)
    if text.startswith("widths "):
        return f"$(r_0,\\dots)=({text[7:]})$"
    return f"${text}$"


def _preflight(n_modes: int, dim: int, ws: tuple[int, ...], opts: RunOptions, shared: bool) -> None:
    """Refuse up front, in terms of the full network, what a sweep point would refuse."""
    settings = opts.settings()
    tree = api.tree(f"balanced:{n_modes}")
    full = api.widths(tree, ws[0] if len(ws) == 1 else ws)
    dense = fits_dense(n_modes, dim, settings)
    require_budget(
        tree,
        dim,
        full,
        api.partition("odd-even", tree),
        settings,
        "dense" if dense else "structured",
        None,
        shared=shared,
    )


@click.command()
@click.option(
    "--N",
    "--n-modes",
    "n_modes",
    type=int,
    default=16,
    show_default=True,
    help="Largest number of modes; N' sweeps 2, 4, ..., N (a power of 2).",
)
@click.option(
    "--M", "--dim", "dim", type=int, default=2, show_default=True, help="Dimension M of each mode."
)
@click.option(
    "--r",
    "--width",
    "width",
    type=int,
    default=None,
    help="Width r of every hidden layer of the deep network [default: 2].",
)
@click.option(
    "--widths",
    "widths_text",
    default=None,
    metavar="r0,r1,...",
    help="Widths per level r0..r_{L-1} of the deep network at the largest N (smaller N' use "
    "r0..r_{L'-1}); instead of --r.",
)
@click.option(
    "--Z", "z_width", type=int, default=None, help="Width Z of the shallow network [default: r]."
)
@click.option("--shared", is_flag=True, help="Share the deep network's weights across locations.")
@click.option(
    "--truncated/--no-truncated",
    default=True,
    show_default=True,
    help="Include the truncated-depth table (Theorem 3) at N.",
)
@sweep_options
def depth(
    *,
    n_modes: int,
    dim: int,
    width: int | None,
    widths_text: str | None,
    z_width: int | None,
    shared: bool,
    truncated: bool,
    opts: RunOptions,
) -> int:
    """Depth efficiency: deep (HT) vs shallow (CP) ranks, COLT 2016 Thm 1, Cor 2, Thm 3."""
    for name, value in (("--M", dim), ("--Z", z_width if z_width is not None else 1)):
        if value < 1:
            raise ConvacError(f"{name} must be a positive integer; got {value}")
    sizes = balanced_sizes(n_modes)  # validates N before any work
    ws = parse_widths(
        widths_text, 2 if width is None and widths_text is None else width, len(sizes)
    )
    # trees of the sweeps (Thm 1, CP, Cor 2: ~4N nodes each) and of Thm 3 (two networks
    # of ~2N nodes for each of the 2(L-1) pairs of levels)
    levels = len(sizes)
    nodes = 12 * n_modes + (8 * n_modes * (levels - 1) if truncated else 0)
    require_tree_time(nodes, opts, f"depth --N {n_modes}")
    _preflight(n_modes, dim, ws, opts, shared)
    z = ws[0] if z_width is None else z_width
    deep = width_params("colt16-theorem-1", ws)
    plan: list[tuple[str, dict[str, object]]] = [
        ("colt16-theorem-1", {"n_modes": n_modes, "dim": dim, **deep, "shared": shared}),
        ("cp-rank-bound", {"n_modes": n_modes, "dim": dim, "width": z, "partitions": "odd-even"}),
        (
            "colt16-corollary-2",
            {"n_modes": n_modes, "dim": dim, **width_params("colt16-corollary-2", ws)},
        ),
    ]
    if truncated and n_modes >= 4:
        plan.append(
            (
                "colt16-theorem-3",
                {"n_modes": n_modes, "dim": dim, **width_params("colt16-theorem-3", ws)},
            )
        )
    ctx = opts.context()
    report = api.run_checks("depth", plan, context=ctx)
    return opts.emit(report, table=depth_table, latex=depth_latex)
