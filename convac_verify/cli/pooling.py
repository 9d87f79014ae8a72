"""``convac-verify pooling``: the inductive bias of a pooling geometry, with evidence.

For an H x W grid (mode = row * W + col) and one or two geometries, every partition
gets its measured rank, the bounds of ICLR 2017 Theorem 1 (or their extension to any
tree), a status and a profile (favored / limited / intermediate); ``--sweep`` adds the
growth of each (geometry, partition) over grid sizes, and ``--favor`` ranks candidate
geometries for the partitions a task needs (tailoring).
"""

from __future__ import annotations

from collections.abc import Sequence

import click
import networkx as nx
import numpy as np

from .. import api
from ..errors import ConvacError
from ..networks.geometry2d import Grid, parse_grid, window_picture
from ..networks.partitions2d import GRID_PARTITIONS, expand_partitions, split_specs
from ..networks.trees import height, root, to_nested
from ..pooling.profiles import DEFAULT_PANEL, is_quad_tree, split_geometries
from ..pooling.tailor import DEFAULT_MAX_CANDIDATES, WINDOW_SHAPES, candidates, rank_candidates
from ..report import Report
from ..report.numbers import fmt_int
from .common import RunOptions, parse_widths, sweep_options, width_params
from .pooling_view import RANK_NOTE, computed_notes, make_view, pooling_latex

__all__ = ["pooling"]


def _check_for(tree_spec: str, grid: Grid) -> str:
    tree, _ = api.geometry(tree_spec, grid=grid)
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
            api.partitions([spec], grid, seed=seed)
        except ConvacError:
            continue
        out.append(spec)
    return out


def _proper_on(spec: str, grid: Grid, seed: int) -> bool:
    try:
        api.partitions([spec], grid, seed=seed)
    except ConvacError as exc:
        if "nonempty" in str(exc):
            return False
        raise
    return True


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
    default=None,
    help="Width r of every layer [default: 2].",
)
@click.option(
    "--widths",
    "widths_text",
    default=None,
    metavar="r0,r1,...",
    help="Widths per level r0..r_{L-1} (one per pooling level); instead of --r.",
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
    help="Grid sides for a growth sweep, e.g. 4,8,16 (square grids; family partitions only).",
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
@sweep_options
def pooling(
    *,
    grid_text: str,
    geometry: str,
    compare: tuple[str, str] | None,
    dim: int,
    width: int | None,
    widths_text: str | None,
    partitions: tuple[str, ...],
    shared: bool,
    sweep: str | None,
    favor: tuple[str, ...],
    may_limit: tuple[str, ...],
    search: str,
    max_candidates: int,
    pictures: bool,
    opts: RunOptions,
) -> int:
    """Pooling geometry: favored and limited partitions, growth and tailoring (ICLR 2017)."""
    for name, value in (("--M", dim), ("--max-candidates", max_candidates)):
        if value < 1:
            raise ConvacError(f"{name} must be a positive integer; got {value}")
    ws = parse_widths(widths_text, 2 if width is None and widths_text is None else width)
    grid = parse_grid(grid_text)
    geometries = list(compare) if compare else split_geometries(geometry)
    if len(ws) > 1 and (favor or sweep):
        raise ConvacError(
            "--favor and --sweep compare geometries of different depths: give one width (--r)"
        )
    if favor and sweep:
        raise ConvacError("--favor (tailoring) works on one grid; drop --sweep or --favor")
    if may_limit and not favor:
        raise ConvacError("--may-limit goes with --favor (the partitions a geometry must favor)")
    if compare and compare[0] == compare[1]:
        raise ConvacError(f"--compare needs two different geometries; got {compare[0]!r} twice")
    for geo in geometries:  # geometry errors first
        tree, _ = api.geometry(geo, grid=grid)
        if len(ws) > 1:
            depth = height(tree, root(tree))
            if len(ws) != depth:
                raise ConvacError(
                    f"--widths gives {len(ws)} values; geometry {geo!r} on grid {grid} has "
                    f"{depth} pooling levels (r0..r{depth - 1})"
                )
    specs = _specs(partitions) or _default_panel(grid, opts.seed)
    ctx = opts.context()
    notes: list[str] = []
    tailoring: list[list[str]] = []
    plan: list[tuple[str, dict[str, object]]] = []
    if favor:
        user = [g for g in geometries if g not in ("square", "mirror")]
        geometries, tailor_notes, tailoring = _tailor(
            grid, user, favor, may_limit, dim, ws[0], search, max_candidates, opts.seed
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
        for g in grids:  # geometry errors (e.g. a side that is not a power of 2) first
            for geo in geometries:
                api.geometry(geo, grid=g)
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
            grid_specs = [s for s in specs if _proper_on(s, g, opts.seed)]
            for s in sorted(set(specs) - set(grid_specs)):
                notes.append(f"{s} leaves I or J empty on grid {g}: skipped there")
            if not grid_specs:
                continue
        api.partitions(grid_specs, g, seed=opts.seed)
        for geo in geometries:
            check = _check_for(geo, g)
            plan.append(
                (
                    check,
                    {
                        "grid": str(g),
                        "geometries": geo,
                        "dim": dim,
                        **width_params(check, ws),
                        "partitions": ";".join(grid_specs),
                        "shared": shared,
                        "growth": bool(sweep),
                    },
                )
            )
    report = api.run_checks("pooling", plan, context=ctx, notes=notes)
    notes += computed_notes(report)
    notes.append(
        "profile: favored = certified rank >= min(min(r0,M)^W1, M^min(|I|,|J|)) (every "
        "first-level window split, or the largest rank possible) and > r; limited = proved "
        "upper bound <= r; a rank without >= is exact: it meets the smallest upper bound of "
        "the bounds home (proved for all weights; min-cut, joint spans, ...)"
    )
    report = Report(report.command, report.settings, report.results, report.growth, notes)
    return opts.emit(report, table=make_view(pictures, tailoring), latex=pooling_latex)


def _tailor(
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
    panel = api.partitions(DEFAULT_PANEL.split(","), grid, seed=seed)
    others = [p for p in panel if p.name not in skip]
    user = [api.geometry(g, grid=grid) for g in user_geometries]
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
            f"{RANK_NOTE}{i}: {s.candidate.name} ({s.candidate.origin}, {levels} levels): "
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
