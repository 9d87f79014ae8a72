"""Table rendering of the ``pooling`` report: profiles side by side, growth, tailoring.

The report itself (``Report``/``CheckResult``) is the generic one; these views only
arrange the rows of the ``iclr17-theorem-1`` and ``pooling-bounds`` checks by (grid,
geometry, partition), two rows (lower and upper bound) per cell.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ..evidence.growth import classify
from ..evidence.status import Status
from ..networks.geometry2d import parse_grid
from ..networks.partitions import Partition
from ..networks.partitions2d import mask_picture
from ..report import CheckResult, Report
from ..report.latex import escape as latex_escape
from ..report.latex import latex_document, latex_table, settings_caption
from ..report.numbers import fmt_int, latex_int
from ..report.table import render_footer, status_style, worst_status

__all__ = [
    "RANK_NOTE",
    "computed_notes",
    "growth_table",
    "make_view",
    "pooling_latex",
    "profile_table",
    "report_pictures",
    "tailoring_table",
]

PICTURE_MAX_SIDE = 8


def _widths_label(params: Mapping[str, object], tex: bool = False) -> str:
    """``r=2`` (uniform), or the per-level widths ``(r_0,...)=(2,1)``."""
    ws = params.get("r", params.get("widths"))
    if isinstance(ws, (list, tuple)):
        if len(set(ws)) == 1:
            ws = ws[0]
        else:
            text = ",".join(map(str, ws))
            return f"(r_0,\\dots)=({text})" if tex else f"widths {text}"
    return f"r={ws}"


def _worst(results: Sequence[CheckResult]) -> Status:
    return worst_status(r.status for r in results)


def _rows(report: Report) -> dict[tuple[str, str, str], list[CheckResult]]:
    """(grid, geometry, partition) -> its two results (lower, upper), in report order."""
    out: dict[tuple[str, str, str], list[CheckResult]] = {}
    for r in report.results:
        if r.check not in ("iclr17-theorem-1", "pooling-bounds"):
            continue
        p = r.observation.params
        out.setdefault((str(p["grid"]), str(p["geometry"]), str(p["partition"])), []).append(r)
    return out


def _rank_text(rs: Sequence[CheckResult]) -> str:
    m = rs[0].observation.measurement
    text = fmt_int(m.rank)
    return text if m.extra.get("rank_is_exact") else f">={text}"


def _bounds_text(rs: Sequence[CheckResult]) -> str:
    lo = next(r for r in rs if r.observation.claim.relation == ">=").observation.claim.value
    up = next(r for r in rs if r.observation.claim.relation == "<=").observation.claim.value
    return escape(f"[{fmt_int(lo)}, {fmt_int(up)}]")


def profile_table(report: Report, console: Console, pictures: bool = True) -> None:
    """Partitions down, geometries across (side by side with --compare)."""
    rows = _rows(report)
    if not rows:
        return
    grids = list(dict.fromkeys(k[0] for k in rows))
    drawn = report_pictures(report) if pictures else {}
    for grid_text in grids:
        keys = [k for k in rows if k[0] == grid_text]
        geometries = list(dict.fromkeys(k[1] for k in keys))
        parts = list(dict.fromkeys(k[2] for k in keys))
        first = rows[keys[0]][0].observation.params
        t = Table(
            title=(
                f"Pooling geometry profile, grid {grid_text} (mode = row*W + col), "
                f"M={first['M']}, {_widths_label(first)}, "
                f"{'shared' if first['shared'] else 'unshared'} "
                "weights; bounds \\[min(r0,M)^S, c-recursion] of ICLR 2017 Thm 1"
            ),
            title_justify="left",
            show_lines=bool(drawn.get(grid_text)),
        )
        t.add_column("partition")
        if drawn.get(grid_text):
            t.add_column("I = #")
        for g in geometries:
            for col in ("S", "rank", "bounds", "status", "profile"):
                t.add_column(
                    f"{g}\n{col}",
                    justify="right" if col in ("S", "rank") else "left",
                    overflow="fold",
                )
        for part in parts:
            cells = [part]
            if drawn.get(grid_text):
                cells.append("\n".join(drawn[grid_text].get(part, [])))
            for g in geometries:
                rs = rows.get((grid_text, g, part))
                if not rs:
                    cells += ["-"] * 5
                    continue
                p = rs[0].observation.params
                status = _worst(rs)
                cells += [
                    str(p["S"]),
                    _rank_text(rs),
                    _bounds_text(rs),
                    f"[{status_style(status)}]{status.value}[/]",
                    str(p["profile"]),
                ]
            t.add_row(*cells)
        console.print(t)
        for g in geometries:
            rowsets = [rows[(grid_text, g, p)] for p in parts if (grid_text, g, p) in rows]
            console.print(_summary(g, rowsets), highlight=False)
            console.print(_certificates(g, rowsets), highlight=False)
        if len(geometries) == 2:
            console.print(_differences(grid_text, geometries, parts, rows), highlight=False)


def _summary(geometry: str, rowsets: Sequence[Sequence[CheckResult]]) -> str:
    groups: dict[str, list[str]] = {"favored": [], "limited": [], "intermediate": []}
    for rs in rowsets:
        p = rs[0].observation.params
        groups[str(p["profile"])].append(f"{p['partition']} ({_rank_text(rs)})")
    parts = [
        f"favored (exponential): {', '.join(groups['favored']) or '-'}",
        f"limited (<= r): {', '.join(groups['limited']) or '-'}",
        f"intermediate: {', '.join(groups['intermediate']) or '-'}",
    ]
    return f"{geometry}: " + "; ".join(parts)


def _certificates(geometry: str, rowsets: Sequence[Sequence[CheckResult]]) -> str:
    """Which certificates of the bounds home proved the upper rows (the c-recursion is
    Theorem 1's own bound, so an independent one: the min-cut, the matrix size, ...)."""
    kinds: dict[str, int] = {}
    for rs in rowsets:
        for r in rs:
            cert = r.verdict.certificate
            if r.observation.claim.relation == "<=" and cert is not None:
                kinds[cert.kind] = kinds.get(cert.kind, 0) + 1
    text = ", ".join(f"{k} {n}" for k, n in sorted(kinds.items())) or "-"
    return f"{geometry}: upper bounds decided by {text} (every bound per row: --format json)"


def _differences(
    grid_text: str,
    geometries: Sequence[str],
    parts: Sequence[str],
    rows: dict[tuple[str, str, str], list[CheckResult]],
) -> str:
    a, b = geometries
    diffs = []
    for part in parts:
        ra, rb = rows.get((grid_text, a, part)), rows.get((grid_text, b, part))
        if not ra or not rb:
            continue
        pa, pb = ra[0].observation.params["profile"], rb[0].observation.params["profile"]
        if pa != pb:
            diffs.append(f"{part}: {a} {pa} ({_rank_text(ra)}) vs {b} {pb} ({_rank_text(rb)})")
    if not diffs:
        return f"{a} and {b} give every partition the same profile"
    return f"where {a} and {b} differ: " + "; ".join(diffs)


def report_pictures(report: Report) -> dict[str, dict[str, list[str]]]:
    """Mask pictures per grid and partition (grids up to 8x8)."""
    out: dict[str, dict[str, list[str]]] = {}
    for r in report.results:
        p = r.observation.params
        grid_text, rows = p.get("grid"), p.get("rows")
        if not isinstance(grid_text, str) or not isinstance(rows, list):
            continue
        grid = parse_grid(grid_text)
        if max(grid.height, grid.width) > PICTURE_MAX_SIDE or grid.height == 1:
            continue
        part = Partition(tuple(int(x) for x in rows), grid.n_modes, str(p["partition"]))
        out.setdefault(grid_text, {})[part.name] = mask_picture(part, grid)
    return out


def growth_table(report: Report, console: Console) -> None:
    """Rank per grid size for every (geometry, partition), with growth classes."""
    rows = _rows(report)
    grids = list(dict.fromkeys(k[0] for k in rows))
    if len(grids) < 2:
        return
    sizes = [parse_grid(g).n_modes for g in grids]
    t = Table(
        title="Growth over grid size (N = patches): measured rank, and the classes of the "
        "rank and of Thm 1's lower and upper bounds",
        title_justify="left",
    )
    t.add_column("geometry / partition")
    for g, n in zip(grids, sizes, strict=True):
        t.add_column(f"{g}\nN={n}", justify="right")
    for col in ("rank grows", "lower bound", "upper bound"):
        t.add_column(col)
    series = list(dict.fromkeys((k[1], k[2]) for k in rows))
    for geo, part in series:
        xs, ranks, lows, ups, cells = [], [], [], [], []
        for g, n in zip(grids, sizes, strict=True):
            rs = rows.get((g, geo, part))
            if not rs:
                cells.append("-")
                continue
            xs.append(n)
            ranks.append(rs[0].observation.measurement.rank)
            lows.append(
                next(r for r in rs if r.observation.claim.relation == ">=").observation.claim.value
            )
            ups.append(
                next(r for r in rs if r.observation.claim.relation == "<=").observation.claim.value
            )
            cells.append(_rank_text(rs))
        classes = [
            classify(xs, v).describe("N") if len(xs) >= 3 else "- (< 3 sizes)"
            for v in (ranks, lows, ups)
        ]
        t.add_row(f"{geo} / {part}", *cells, *classes)
    console.print(t)
    console.print(
        "note: a rank marked >= is a certified lower bound (a witness), not the generic rank; "
        "its class is the class of that lower bound",
        highlight=False,
    )


RANK_NOTE = "tailoring rank "


def tailoring_table(rows: Sequence[Sequence[str]], console: Console) -> None:
    """The ranked candidates: a header row, then one row per candidate."""
    if not rows:
        return
    t = Table(title="Tailoring: candidate geometries ranked by proved bounds", title_justify="left")
    for col in rows[0]:
        t.add_column(col)
    for row in rows[1:]:
        t.add_row(*(escape(c) for c in row))
    console.print(t)


def make_view(
    pictures: bool, tailoring: Sequence[Sequence[str]] = ()
) -> Callable[[Report, Console], None]:
    """The table view: tailoring, profiles, growth, notes and verdict."""

    def view(report: Report, console: Console) -> None:
        tailoring_table(tailoring, console)
        profile_table(report, console, pictures)
        growth_table(report, console)
        visible = [n for n in report.notes if not n.startswith(RANK_NOTE)]
        render_footer(
            Report(report.command, report.settings, report.results, report.growth, visible),
            console,
        )

    return view


def computed_notes(report: Report) -> list[str]:
    """Per grid: rows whose rank came from a witness, exact or only bounded."""
    exact: dict[str, list[str]] = {}
    bounded: dict[str, list[str]] = {}
    for r in report.results:
        m, p = r.observation.measurement, r.observation.params
        if r.observation.claim.relation != ">=" or r.check not in (
            "iclr17-theorem-1",
            "pooling-bounds",
        ):
            continue
        if m.extra.get("computed") != "witness lower bound":
            continue
        row = f"{p['geometry']} / {p['partition']}"
        best = m.best_bound()
        if best is not None and m.rank == best.value:
            exact.setdefault(str(p["grid"]), []).append(
                f"{row} ({fmt_int(m.rank)}, {best.certificate.kind})"
            )
        else:
            bounded.setdefault(str(p["grid"]), []).append(
                f"{row} in [{fmt_int(m.rank)}, {fmt_int(m.upper_bound)}]"
            )
    notes = []
    for g, rows in exact.items():
        notes.append(
            f"{g}: random weights do not fit the budget; generic rank determined exactly by a "
            f"Kronecker witness (lower) meeting a certified upper bound (certificate named) "
            f"for {', '.join(rows)}"
        )
    for g, rows in bounded.items():
        notes.append(
            f"{g}: bounded, not computed (witness lower bound, structural upper bound): "
            + ", ".join(rows)
        )
    return notes


# --------------------------------------------------------------------------- LaTeX


def _rank_tex(rs: Sequence[CheckResult]) -> str:
    m = rs[0].observation.measurement
    value = f"${latex_int(m.rank)}$"
    return value if m.extra.get("rank_is_exact") else f"$\\geq${value}"


def _bounds_tex(rs: Sequence[CheckResult]) -> str:
    lo = next(r for r in rs if r.observation.claim.relation == ">=").observation.claim.value
    up = next(r for r in rs if r.observation.claim.relation == "<=").observation.claim.value
    return f"$[{latex_int(lo)}, {latex_int(up)}]$"


def pooling_latex(report: Report) -> str:
    """One table per grid: partitions down, each geometry's S, rank, bounds, status and
    profile across -- with ``--compare`` the two geometries side by side."""
    rows = _rows(report)
    tables = []
    for grid_text in dict.fromkeys(k[0] for k in rows):
        keys = [k for k in rows if k[0] == grid_text]
        geometries = list(dict.fromkeys(k[1] for k in keys))
        parts = list(dict.fromkeys(k[2] for k in keys))
        first = rows[keys[0]][0].observation.params
        group = [r"\multicolumn{1}{l}{}"] + [
            f"\\multicolumn{{5}}{{c}}{{{latex_escape(g)}}}" for g in geometries
        ]
        rules = "".join(
            f"\\cmidrule(lr){{{2 + 5 * i}-{6 + 5 * i}}}" for i in range(len(geometries))
        )
        header = ["partition"] + ["$S$", "rank", "bounds", "status", "profile"] * len(geometries)
        body = []
        for part in parts:
            cells = [latex_escape(part)]
            for g in geometries:
                rs = rows.get((grid_text, g, part))
                if not rs:
                    cells += ["--"] * 5
                    continue
                p = rs[0].observation.params
                cells += [
                    f"${p['S']}$",
                    _rank_tex(rs),
                    _bounds_tex(rs),
                    latex_escape(_worst(rs).value),
                    latex_escape(str(p["profile"])),
                ]
            body.append(cells)
        what = " vs ".join(latex_escape(g) for g in geometries)
        caption = (
            f"Pooling geometry {what} on a {latex_escape(grid_text)} grid (mode $=$ row$\\cdot W+$"
            f"col), $M={first['M']}$, ${_widths_label(first, tex=True)}$, "
            f"{'shared' if first['shared'] else 'unshared'} weights (Cohen \\& Shashua, ICLR "
            "2017, Theorem 1). $S$: first-level windows split by the partition; rank: generic "
            "rank, or a certified lower bound ($\\geq$); bounds: $[\\min(r_0,M)^S$, "
            "c-recursion$]$; profile: favored, limited or intermediate. "
            f"{settings_caption(report)}"
        )
        spec = "l" + "rrrll" * len(geometries)
        table = latex_table(caption, header, body, label=f"tab:pooling-{grid_text}", spec=spec)
        # the geometry names above their five columns
        at = table.index(r"\toprule")
        table[at + 1 : at + 1] = [" & ".join(group) + r" \\" + rules]
        at = table.index(r"\toprule", at + 2)
        table[at + 1 : at + 1] = [" & ".join(group) + r" \\" + rules]
        tables.append(table)
    return latex_document(report, tables)
