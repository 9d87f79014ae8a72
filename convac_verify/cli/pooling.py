"""``convac-verify pooling``: the inductive bias of a pooling geometry, with evidence.

For an H x W grid (mode = row * W + col) and one or two geometries, every partition
gets its measured rank, the bounds of ICLR 2017 Theorem 1 (or their extension to any
tree), a status and a profile (favored / limited / intermediate); ``--sweep`` adds the
growth of each (geometry, partition) over grid sizes, and ``--favor`` ranks candidate
geometries for the partitions a task needs (tailoring).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import click
import networkx as nx
import numpy as np
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ..errors import ConvacError
from ..evidence import Status
from ..geometry2d import Grid, parse_grid, window_picture
from ..growth import classify
from ..partitions import Partition
from ..partitions2d import GRID_PARTITIONS, expand_partitions, mask_picture, split_specs
from ..pooling import DEFAULT_PANEL, is_quad_tree, resolve_geometry, split_geometries
from ..report import CheckResult, Report
from ..report.numbers import fmt_int
from ..report.table import STATUS_STYLE, render_footer
from ..runner import Context, run_checks
from ..tailor import DEFAULT_MAX_CANDIDATES, WINDOW_SHAPES, candidates, rank_candidates
from ..trees import height, root, to_nested
from .common import emit, make_context, settings_options

__all__ = ["pooling"]

_ORDER = (Status.VIOLATED, Status.CONSISTENT, Status.VERIFIED, Status.PROVED)
PICTURE_MAX_SIDE = 8


def _worst(results: Sequence[CheckResult]) -> Status:
    return min((r.status for r in results), key=_ORDER.index)


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
                f"M={first['M']}, r={first['r']}, {'shared' if first['shared'] else 'unshared'} "
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
                    f"[{STATUS_STYLE[status]}]{status.value}[/]",
                    str(p["profile"]),
                ]
            t.add_row(*cells)
        console.print(t)
        for g in geometries:
            console.print(
                _summary(g, [rows[(grid_text, g, p)] for p in parts if (grid_text, g, p) in rows]),
                highlight=False,
            )
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


_RANK_NOTE = "tailoring rank "


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
        visible = [n for n in report.notes if not n.startswith(_RANK_NOTE)]
        render_footer(
            Report(report.command, report.settings, report.results, report.growth, visible),
            console,
        )

    return view


def _check_for(tree_spec: str, grid: Grid) -> str:
    tree, _ = resolve_geometry(tree_spec, grid)
    return "iclr17-theorem-1" if is_quad_tree(tree) else "pooling-bounds"


def _specs(values: Sequence[str]) -> list[str]:
    out: list[str] = []
    for v in values:
        out.extend(split_specs(v))
    return out


def _default_panel(grid: Grid, seed: int) -> list[str]:
    """The default partitions that are defined and proper on ``grid``."""
    out = []
    for spec in DEFAULT_PANEL.split(","):
        try:
            expand_partitions([spec], grid, np.random.default_rng(seed))
        except ConvacError:
            continue
        out.append(spec)
    return out


def _proper_on(spec: str, grid: Grid, seed: int) -> bool:
    try:
        expand_partitions([spec], grid, np.random.default_rng(seed))
    except ConvacError as exc:
        if "nonempty" in str(exc):
            return False
        raise
    return True


def _computed_notes(report: Report) -> list[str]:
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
        if m.rank == m.upper_bound:
            exact.setdefault(str(p["grid"]), []).append(f"{row} ({fmt_int(m.rank)})")
        else:
            bounded.setdefault(str(p["grid"]), []).append(
                f"{row} in [{fmt_int(m.rank)}, {fmt_int(m.upper_bound)}]"
            )
    notes = []
    for g, rows in exact.items():
        notes.append(
            f"{g}: random weights do not fit the budget; generic rank determined exactly by a "
            f"Kronecker witness (lower) meeting the joint-span bound (upper) for {', '.join(rows)}"
        )
    for g, rows in bounded.items():
        notes.append(
            f"{g}: bounded, not computed (witness lower bound, structural upper bound): "
            + ", ".join(rows)
        )
    return notes


@click.command()
@click.option("--grid", "grid_text", default="4x4", show_default=True, help="Grid HxW of patches.")
@click.option(
    "--geometry",
    "geometry",
    default="square",
    show_default=True,
    help="square, mirror, rect:2x1,m2x2,... (levels), a tree spec, or a .json/.toml file.",
)
@click.option(
    "--compare",
    nargs=2,
    default=None,
    metavar="G1 G2",
    help="Two geometries side by side (replaces --geometry), e.g. --compare square mirror.",
)
@click.option(
    "--M", "--dim", "dim", type=int, default=2, show_default=True, help="Dimension M of each patch."
)
@click.option(
    "--r",
    "--width",
    "width",
    type=int,
    default=2,
    show_default=True,
    help="Width r of every layer.",
)
@click.option(
    "--partitions",
    "partitions",
    multiple=True,
    help="Partitions (comma list; repeatable): "
    + ", ".join(u for _, u, _ in GRID_PARTITIONS.values())
    + ", odd-even, mask:0110/..., @FILE, rows 0,2,5 (separate lists with ;), all, every, "
    "random:K, coarse, "
    "interleaved. [default: a panel of coarse, interleaved, mirror and random ones]",
)
@click.option(
    "--shared/--unshared",
    default=True,
    show_default=True,
    help="Share weights across locations (ICLR 2017 uses shared weights).",
)
@click.option(
    "--sweep",
    default=None,
    metavar="SIDES",
    help="Grid sides for a growth sweep, e.g. 2,4,8 (square grids; family partitions only).",
)
@click.option(
    "--favor",
    multiple=True,
    help="Tailoring: partitions the geometry must favor (comma list; repeatable).",
)
@click.option(
    "--may-limit",
    "may_limit",
    multiple=True,
    help="Tailoring: partitions that may be limited (left out of the score).",
)
@click.option(
    "--search",
    type=click.Choice(sorted(WINDOW_SHAPES)),
    default="quad",
    show_default=True,
    help="Tailoring: window shapes of the level search (quad = 2x2 windows, same size as square).",
)
@click.option(
    "--max-candidates",
    type=int,
    default=DEFAULT_MAX_CANDIDATES,
    show_default=True,
    help="Tailoring: at most this many candidate geometries.",
)
@click.option(
    "--pictures/--no-pictures",
    default=True,
    show_default=True,
    help="Draw each partition's mask (grids up to 8x8).",
)
@settings_options
def pooling(
    *,
    grid_text: str,
    geometry: str,
    compare: tuple[str, str] | None,
    dim: int,
    width: int,
    partitions: tuple[str, ...],
    shared: bool,
    sweep: str | None,
    favor: tuple[str, ...],
    may_limit: tuple[str, ...],
    search: str,
    max_candidates: int,
    pictures: bool,
    field: str,
    prime: int,
    seed: int,
    method: str,
    max_memory: str,
    fmt: str,
    output: str | None,
) -> int:
    """Pooling geometry: favored and limited partitions, growth and tailoring (ICLR 2017)."""
    for name, value in (("--M", dim), ("--r", width), ("--max-candidates", max_candidates)):
        if value < 1:
            raise ConvacError(f"{name} must be a positive integer; got {value}")
    grid = parse_grid(grid_text)
    geometries = list(compare) if compare else split_geometries(geometry)
    if compare and compare[0] == compare[1]:
        raise ConvacError(f"--compare needs two different geometries; got {compare[0]!r} twice")
    for geo in geometries:  # geometry errors first
        resolve_geometry(geo, grid)
    specs = _specs(partitions) or _default_panel(grid, seed)
    ctx = make_context(field, prime, seed, method, max_memory)
    notes: list[str] = []
    tailoring: list[list[str]] = []
    plan: list[tuple[str, dict[str, object]]] = []
    if favor:
        user = [g for g in geometries if g not in ("square", "mirror")]
        geometries, tailor_notes, tailoring = _tailor(
            ctx, grid, user, favor, may_limit, dim, width, search, max_candidates, seed
        )
        notes += tailor_notes
        specs = _specs(favor) + _specs(may_limit)
    grids = [grid]
    if sweep:
        try:
            sides = [int(s) for s in sweep.split(",") if s.strip()]
        except ValueError:
            raise ConvacError(f"--sweep takes grid sides like 2,4,8; got {sweep!r}") from None
        if len(sides) < 2 or any(s < 2 for s in sides):
            raise ConvacError(f"--sweep needs at least two grid sides >= 2; got {sweep!r}")
        grids = [Grid(s, s) for s in sorted(set(sides))]
        for spec in specs:
            name = spec.split(":")[0]
            if name not in GRID_PARTITIONS and name not in (
                "odd-even",
                "blocks",
                "coarse",
                "interleaved",
            ):
                raise ConvacError(
                    f"--sweep needs partition families defined at every size; {spec!r} is not "
                    f"one (use {', '.join(GRID_PARTITIONS)})"
                )
    for g in grids:
        # validate every partition and geometry on this grid before any work
        grid_specs = specs
        if sweep:  # a family may be degenerate on the smallest grids (e.g. mirror-orbits on 2x2)
            grid_specs = [s for s in specs if _proper_on(s, g, seed)]
            for s in sorted(set(specs) - set(grid_specs)):
                notes.append(f"{s} leaves I or J empty on grid {g}: skipped there")
            if not grid_specs:
                continue
        expand_partitions(grid_specs, g, np.random.default_rng(seed))
        for geo in geometries:
            plan.append(
                (
                    _check_for(geo, g),
                    {
                        "grid": str(g),
                        "geometries": geo,
                        "dim": dim,
                        "width": width,
                        "partitions": ";".join(grid_specs),
                        "shared": shared,
                        "growth": bool(sweep),
                    },
                )
            )
    report = run_checks("pooling", plan, ctx, notes)
    notes += _computed_notes(report)
    notes.append(
        "profile: favored = certified rank >= min(min(r0,M)^W1, M^min(|I|,|J|)) (every "
        "first-level window split, or the largest rank possible) and > r; limited = proved upper bound <= r; a rank without >= is exact: it meets the "
        "joint-span upper bound (proved for all weights)"
    )
    report = Report(report.command, report.settings, report.results, report.growth, notes)
    return emit(report, fmt, output, table=make_view(pictures, tailoring))


def _tailor(
    ctx: Context,
    grid: Grid,
    user_geometries: Sequence[str],
    favor: Sequence[str],
    may_limit: Sequence[str],
    dim: int,
    width: int,
    search: str,
    max_candidates: int,
    seed: int,
) -> tuple[list[str], list[str], list[list[str]]]:
    """Rank candidates; return the geometries to show with evidence, notes and table rows."""
    rng = np.random.default_rng(seed)
    favored = expand_partitions(_specs(favor), grid, rng)
    limited = expand_partitions(_specs(may_limit), grid, rng) if may_limit else []
    skip = {p.name for p in favored} | {p.name for p in limited}
    panel = expand_partitions(DEFAULT_PANEL.split(","), grid, np.random.default_rng(seed))
    others = [p for p in panel if p.name not in skip]
    user = [resolve_geometry(g, grid) for g in user_geometries]
    cands, total, examined = candidates(grid, favored, user, max_candidates, search)
    ranked = rank_candidates(cands, favored, others, dim, width)
    head = ["#", "geometry", "origin", "levels"]
    head += [f"{p.name} [lo, up]" for p in favored]
    head += ["others (sum log2 lo)"]
    rows = [head]
    notes = []
    for i, s in enumerate(ranked[:10], start=1):
        levels = height(s.candidate.tree, root(s.candidate.tree))
        bounds = [f"[{fmt_int(s.lower[p.name])}, {fmt_int(s.upper[p.name])}]" for p in favored]
        others_score = f"{-s.key[2]:g}"
        rows.append(
            [str(i), s.candidate.name, s.candidate.origin, str(levels), *bounds, others_score]
        )
        notes.append(
            f"{_RANK_NOTE}{i}: {s.candidate.name} ({s.candidate.origin}, {levels} levels): "
            + ", ".join(f"{p.name} in {b}" for p, b in zip(favored, bounds, strict=True))
            + f"; others sum log2 lower = {others_score}"
        )
    best = ranked[0]
    notes.append(
        f"tailoring: {len(cands)} distinct candidates (square, mirror, tailored, {examined} of "
        f"{total} level sequences with {search} windows, {len(user)} user); best: "
        f"{best.candidate.name} with favored ranks >= "
        f"{', '.join(f'{p.name} {fmt_int(best.lower[p.name])}' for p in favored)}; "
        "scores use certified witness lower bounds and joint-span upper bounds; the tables "
        "below hold the best candidate's measured ranks"
    )
    picture = window_picture(best.candidate.tree, grid)
    if picture is not None:
        notes.append(
            f"{best.candidate.name}: first-level windows (same letter = one window) "
            f"{'/'.join(picture)}; tree {to_nested(best.candidate.tree)}"
        )
    shown = [_spec_of(best.candidate.name, best.candidate.tree)]
    baseline = "mirror" if best.candidate.name == "square" else "square"
    if any(c.name == baseline for c in cands):
        shown.append(baseline)
    return shown, notes, rows


def _spec_of(name: str, tree: nx.DiGraph) -> str:
    if name in ("square", "mirror") or name.startswith("rect:"):
        return name
    return f"{name}={to_nested(tree)}"
