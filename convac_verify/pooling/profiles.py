"""Pooling geometry analysis: which partitions a mode tree favors, and how it was proved.

Shared by the pooling checks (:mod:`convac_verify.theorems`) and the ``pooling`` and
``tree`` commands.

Terms
-----
* **first-level windows**: the nodes of height 1 (all their children are patches).
* ``S(T; I, J)``: the number of first-level windows that the partition splits
  (both I and J meet them). ICLR 2017 Thm 1 (2x2 windows) bounds the maximal rank
  below by ``min(r_0, M)**S``; its proof's weight assignment (the Kronecker witness:
  ``e_alpha`` at the patches, all-ones at level 1, channel 1 above) gives that rank on
  any mode tree, so the bound holds for every geometry.
* **profile** of a partition under a geometry (printed rule, see :func:`profile`):

  ``favored``
      the certified lower bound reaches ``min(r_0, M)**W1`` (every one of the W1
      first-level windows split: the exponential regime) or the largest possible rank
      ``M**min(|I|,|J|)``, and exceeds the widths;
  ``limited``
      the proved upper bound is at most the largest width ``max r_l``: the geometry
      caps the correlation at a width, whatever the grid size;
  ``intermediate``
      anything else.

How a generic rank is obtained (:func:`measure_generic`)
--------------------------------------------------------
1. the dense grid tensor with random weights when it fits ``--max-memory``;
2. otherwise the structured contraction (no grid tensor) with random weights when its
   cores fit;
3. otherwise a Kronecker witness through the structured contraction
   (:func:`witness_bound`: Theorem 1's assignment, or the same idea merging channels at
   the height that splits most nodes): a certified lower bound only -- the row then
   says "bounded", with the structural upper bound beside it.

Every measurement carries every upper bound the bounds home certifies for all weights
(:func:`convac_verify.bounds.tree_upper_bounds`: c-recursion, joint spans, the min-cut of
the tensor network, matrix size); the runner decides with those that are independent of
the claim (the c-recursion is Theorem 1's own bound: the min-cut proves its rows).
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Iterator, Sequence
from functools import partial
from pathlib import Path
from typing import Any

import networkx as nx

from ..bounds.recursion import recursive_upper_bound
from ..engines.measure import Context, fits_dense, sketch_plan
from ..engines.structured import STRUCTURED_BYTES_PER_ENTRY, structured_peak_entries
from ..errors import ConvacError, NotAModeTree
from ..evidence.observation import Observation
from ..evidence.status import Claim, Measurement
from ..networks import trees
from ..networks.decompositions import (
    level_widths,
    parse_width_specs,
    resolve_widths,
    widths_label,
)
from ..networks.geometry2d import (
    Grid,
    mirror_tree,
    parse_grid,
    parse_levels,
    rect_tree,
    square_tree,
)
from ..networks.partitions import Partition
from ..networks.trees import cp_tree
from ..networks.witnesses import kronecker_witness

__all__ = [
    "DEFAULT_PANEL",
    "STRUCTURED_RANDOM_MAX_ENTRIES",
    "WITNESS_NAME",
    "bound_observations",
    "first_level_windows",
    "is_quad_tree",
    "load_tree_file",
    "measure_generic",
    "profile",
    "resolve_geometry",
    "split_by_height",
    "split_geometries",
    "split_windows",
    "witness_bound",
]

DEFAULT_PANEL = (
    "left-right,top-bottom,quadrants,center,checkerboard,stripes-v,stripes-h,mirror-orbits,"
    "mirror-quadrants,random"
)
"""The partitions profiled by default: coarse, interleaved, mirror-symmetric, random."""
_LEVEL_TOKEN = re.compile(r"^m?\d+[xX]\d+$")
WITNESS_NAME = "ICLR17 Thm 1 witness (e_alpha, all-ones at level 1)"
STRUCTURED_RANDOM_MAX_ENTRIES = 2**22
"""Largest core (entries) the structured path may form with random weights before the
witness is used instead (a time limit as much as a memory one)."""


def first_level_windows(tree: nx.DiGraph) -> list[int]:
    """The nodes of height 1 (pooling windows over patches only)."""
    return [v for v in trees.internal_nodes(tree) if trees.height(tree, v) == 1]


def split_windows(tree: nx.DiGraph, partition: Partition) -> int:
    """``S``: first-level windows meeting both I and J."""
    rows = set(partition.rows)
    count = 0
    for v in first_level_windows(tree):
        inside = [m in rows for m in trees.leaves_below(tree, v)]
        count += any(inside) and not all(inside)
    return count


def split_by_height(tree: nx.DiGraph, partition: Partition) -> dict[int, int]:
    """``S_h``: for every height h >= 1, the number of nodes of height h meeting I and J."""
    rows = set(partition.rows)
    out: dict[int, int] = {}
    for v in trees.internal_nodes(tree):
        inside = [m in rows for m in trees.leaves_below(tree, v)]
        h = trees.height(tree, v)
        out[h] = out.get(h, 0) + (any(inside) and not all(inside))
    return out


def witness_bound(
    tree: nx.DiGraph, dim: int, width: int | Sequence[int], partition: Partition
) -> tuple[int, int]:
    """``(min(r, M)**S_h, h)`` for the merge height h whose witness has the largest rank.

    With per-level widths ``r_0..r_{L-1}`` the witness merging at h has rank
    ``min(r_0, ..., r_{h-1}, M)**S_h``; ties go to the height with more split nodes, then
    the lower one.

    The Kronecker witness merging channels at height h (:func:`kronecker_witness`: unit
    vectors at the patches, channels passed unmixed below h, summed at h, channel 1
    above) matricizes to a Kronecker product with one factor of rank ``min(r, M)`` per
    split node of height h and rank-one factors elsewhere (uniform width r). Its rank
    is a certified lower bound on the generic rank; h = 1 is Theorem 1's assignment.

    Examples
    --------
    >>> from convac_verify.networks.geometry2d import Grid, rect_tree
    >>> from convac_verify.networks.partitions2d import parse_grid_partition
    >>> import numpy as np
    >>> g = Grid(4, 4)
    >>> lr = parse_grid_partition("left-right", g, np.random.default_rng(0))
    >>> witness_bound(rect_tree(g, "m2x1,m1x2,2x2"), 2, 2, lr)   # split at height 2
    (16, 2)
    """
    per_height = split_by_height(tree, partition)
    ws = resolve_widths(tree, width)

    def value(h: int) -> int:
        return min(min(ws[:h]), dim) ** per_height[h]

    best_h = max(sorted(per_height), key=lambda h: (value(h), per_height[h], -h))
    return value(best_h), best_h


def is_quad_tree(tree: nx.DiGraph) -> bool:
    """A full 4-ary tree with all patches at one depth (the setting of ICLR 2017 Thm 1)."""
    depth = trees.height(tree, trees.root(tree))
    return all(len(trees.children(tree, v)) == 4 for v in trees.internal_nodes(tree)) and (
        trees.n_modes(tree) == 4**depth
    )


def profile(
    lower: int,
    upper: int,
    n_windows: int,
    dim: int,
    widths: Sequence[int],
    smaller_side: int | None = None,
) -> str:
    """``favored``, ``limited`` or ``intermediate`` (rule in the module docstring).

    ``smaller_side`` is ``min(|I|, |J|)``: no rank exceeds ``M**min(|I|,|J|)``, so reaching
    it counts as favored too.
    """
    r_min, r_max = min(widths[0], dim), max(widths)
    target = r_min**n_windows
    if smaller_side is not None:
        target = min(target, dim**smaller_side)
    if n_windows and lower >= target and lower > r_max:
        return "favored"
    if upper <= r_max:
        return "limited"
    return "intermediate"


# --------------------------------------------------------------------------- geometries


def load_tree_file(path: str | Path) -> tuple[nx.DiGraph, Grid | None, str]:
    """Read a user tree from JSON or TOML.

    Accepted content: a nested list of integer patches (JSON), or a table with
    ``tree = [[0, 1], [2, 3]]`` (nested lists) or ``levels = "2x1,1x2"`` (with ``grid``),
    and optionally ``grid = "4x4"`` and ``name``.

    Raises
    ------
    NotAModeTree
        If the file cannot be read or does not describe a mode tree.
    """
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise NotAModeTree(f"cannot read tree file {str(p)!r}: {exc.strerror}") from None
    data: Any
    try:
        if p.suffix.lower() == ".toml":
            import tomllib

            data = tomllib.loads(text)
        else:
            data = json.loads(text)
    except ValueError as exc:
        kind = "TOML" if p.suffix.lower() == ".toml" else "JSON"
        raise NotAModeTree(f"tree file {str(p)!r} is not valid {kind}: {exc}") from None
    if isinstance(data, list):
        data = {"tree": data}
    if not isinstance(data, dict) or not ({"tree", "levels"} & set(data)):
        raise NotAModeTree(
            f"tree file {str(p)!r} needs 'tree' (nested lists of patches, e.g. [[0,1],[2,3]]) "
            "or 'levels' with 'grid'"
        )
    grid = parse_grid(str(data["grid"])) if "grid" in data else None
    name = str(data.get("name", p.stem))
    if "levels" in data:
        if grid is None:
            raise NotAModeTree(f"tree file {str(p)!r}: 'levels' needs 'grid' (e.g. grid = \"4x4\")")
        tree = rect_tree(grid, str(data["levels"]))
    else:
        tree = trees.from_nested(_tuplify(data["tree"]))
    if grid is not None and grid.n_modes != trees.n_modes(tree):
        raise NotAModeTree(
            f"tree file {str(p)!r}: the tree has {trees.n_modes(tree)} patches but grid {grid} "
            f"has {grid.n_modes}"
        )
    return tree, grid, name


def _tuplify(obj: Any) -> Any:
    if isinstance(obj, list | tuple):
        return tuple(_tuplify(o) for o in obj)
    return obj


def _is_file(text: str) -> bool:
    try:
        return Path(text).is_file()
    except OSError:  # e.g. a name too long to be a path
        return False


def resolve_geometry(spec: str, grid: Grid | None) -> tuple[nx.DiGraph, str]:
    """A mode tree and its display name from a geometry spec.

    ``square`` / ``mirror`` (on ``grid``), ``rect:LEVELS`` (on ``grid``), any ``--tree``
    spec (``mirror:4x4``, ``balanced:16``, nested tuples), or a ``.json``/``.toml`` file;
    ``NAME=SPEC`` gives any of them a display name.

    Raises
    ------
    NotAModeTree
        If the spec is unknown, or the tree does not have ``grid``'s number of patches.
    """
    spec = spec.strip()
    label, eq, rest = spec.partition("=")
    if eq and label and label.replace("-", "").replace("_", "").isalnum():
        tree, _ = resolve_geometry(rest, grid)  # NAME=SPEC: a display name for any spec
        return tree, label
    name = spec
    if spec in ("square", "mirror"):
        if grid is None:
            raise NotAModeTree(f"geometry {spec!r} needs a grid (--grid HxW)")
        tree = square_tree(grid) if spec == "square" else mirror_tree(grid)
    elif spec.startswith("rect:") and grid is not None and spec.count(":") == 1:
        tree = rect_tree(grid, parse_levels(spec[5:]))
    elif spec[:1] in "([":
        tree = trees.parse_tree(spec)
    elif spec.lower().endswith((".json", ".toml")) or _is_file(spec):
        tree, file_grid, name = load_tree_file(spec)
        if grid is not None and file_grid is not None and file_grid != grid:
            raise NotAModeTree(f"tree file {spec!r} is for grid {file_grid}, not {grid}")
    elif ":" in spec:
        tree = trees.parse_tree(spec)
    else:
        raise NotAModeTree(
            f"unknown geometry {spec!r}; use square, mirror, rect:2x1,1x2,..., a tree spec "
            "(mirror:4x4, balanced:16, nested tuples) or a .json/.toml file"
        )
    if grid is not None and trees.n_modes(tree) != grid.n_modes:
        raise NotAModeTree(
            f"geometry {spec!r} has {trees.n_modes(tree)} patches but grid {grid} has "
            f"{grid.n_modes}"
        )
    return tree, name


def split_geometries(text: str) -> list[str]:
    """Split a geometry list on ``;``, or on ``,`` outside brackets, keeping level tokens
    with their ``rect:`` spec.

    Examples
    --------
    >>> split_geometries("square,mirror,rect:2x1,1x2,2x2")
    ['square', 'mirror', 'rect:2x1,1x2,2x2']
    >>> split_geometries("t=((0,1),(2,3)),square")
    ['t=((0,1),(2,3))', 'square']
    """
    if ";" in text:
        return [t.strip() for t in text.split(";") if t.strip()]
    tokens: list[str] = []
    depth, current = 0, ""
    for ch in text:
        depth += ch in "(["
        depth -= ch in ")]"
        if ch == "," and depth == 0:
            tokens.append(current)
            current = ""
        else:
            current += ch
    tokens.append(current)
    out: list[str] = []
    for token in (t.strip() for t in tokens):
        if not token:
            continue
        if out and (_LEVEL_TOKEN.match(token) or token == "global") and ":" in out[-1]:
            out[-1] += "," + token
        else:
            out.append(token)
    return out


# --------------------------------------------------------------------------- measuring


def measure_generic(
    ctx: Context,
    tree: nx.DiGraph,
    dim: int,
    widths: int | Sequence[int],
    partition: Partition,
    *,
    shared: bool = False,
) -> Measurement:
    """The generic rank (random weights) when feasible, else the Thm 1 witness.

    The measurement carries every certified upper bound of the bounds home
    (:func:`convac_verify.bounds.tree_upper_bounds`); ``extra`` records the c-recursion,
    joint-span and min-cut values, and whether the rank then meets the smallest bound.
    """
    ws = resolve_widths(tree, widths)
    n = trees.n_modes(tree)
    use_random = (
        fits_dense(n, dim, ctx.settings)
        or (
            ctx.settings.method != "dense"
            and structured_peak_entries(tree, dim, ws, partition)
            <= min(
                STRUCTURED_RANDOM_MAX_ENTRIES, ctx.settings.max_memory // STRUCTURED_BYTES_PER_ENTRY
            )
        )
        or sketch_plan(tree, dim, ws, partition, ctx.settings) is not None
    )
    if use_random:
        m = ctx.measure(tree, dim, ws, partition, shared=shared)
    else:
        if ctx.settings.method == "dense":
            raise ConvacError(
                f"--method dense cannot hold the grid tensor ({dim}**{n} entries); use "
                "--method auto (structured certificates and bounds)"
            )
        _, height = witness_bound(tree, dim, min(ws), partition)
        m = ctx.measure(
            tree,
            dim,
            ws,
            partition,
            witness=partial(kronecker_witness, tree, dim, ws, height),
            witness_name=WITNESS_NAME
            if height == 1
            else f"Kronecker witness, merge at height {height}",
            shared=shared,
        )
    by_kind = {b.certificate.kind: b.value for b in m.bounds}
    extra = {
        **m.extra,
        "c_recursion_bound": by_kind.get("c-recursion"),
        "span_bound": by_kind.get("joint-span"),
        "min_cut_bound": by_kind.get("min-cut"),
        "rank_is_exact": m.rank == m.upper_bound,
        "computed": "generic rank (random weights)" if use_random else "witness lower bound",
    }
    return dataclasses.replace(m, extra=extra)


def bound_observations(
    ctx: Context,
    *,
    tree: nx.DiGraph,
    geometry: str,
    grid: Grid | None,
    dim: int,
    widths: str | int,
    partitions: Sequence[Partition],
    shared: bool,
    network: str,
    growth: bool,
) -> Iterator[Observation]:
    """Two observations per partition and width spec: ``rank >= min(r0, M)**S`` and
    ``rank <= c-recursion``.

    ``network="deep"`` measures the geometry's own network; ``"shallow"`` (a negative
    control) measures a CP network of width ``r_0`` against the deep network's bounds.
    """
    n = trees.n_modes(tree)
    depth = trees.height(tree, trees.root(tree))
    windows = len(first_level_windows(tree))
    for k, spec in enumerate(parse_width_specs(widths)):
        ws = level_widths(spec, depth)
        tag = "" if k == 0 else f" {widths_label(spec)}"
        measured_tree = tree if network == "deep" else cp_tree(n)
        for part in partitions:
            if part.n_modes != n:
                raise ConvacError(
                    f"partition {part.name} is for {part.n_modes} modes; the tree has {n}"
                )
            part.require_proper()
            s = split_windows(tree, part)
            lower = min(ws[0], dim) ** s
            upper = recursive_upper_bound(tree, dim, ws, part)
            m = measure_generic(
                ctx, measured_tree, dim, ws if network == "deep" else ws[:1], part, shared=shared
            )
            prof = profile(
                max(lower, m.rank),
                m.upper_bound or upper,
                windows,
                dim,
                ws,
                min(len(part.rows), len(part.cols)),
            )
            params: dict[str, object] = {
                "grid": str(grid) if grid is not None else None,
                "geometry": geometry,
                "N": n,
                "M": dim,
                "r": ws[0] if len(set(ws)) == 1 else list(ws),
                "partition": part.name,
                "rows": list(part.rows),
                "S": s,
                "windows": windows,
                "shared": shared,
                "network": network,
                "profile": prof,
            }
            series = f"{geometry} / {part.name}{tag}" if growth else ""
            label = f"{geometry} / {part.name}{tag}"
            yield Observation(
                label=label,
                subject=f"{network} rank >= lower bound",
                claim=Claim(">=", "min(r0, M)**S", lower, r"\min(r_0,M)^{S}"),
                measurement=m,
                params=params,
                series=f"{series} (vs lower bound)" if series else "",
                x=n,
            )
            yield Observation(
                label=label,
                subject=f"{network} rank <= upper bound",
                claim=Claim("<=", "c-recursion", upper, r"c^{L,1}"),
                measurement=m,
                params=params,
                series=f"{series} (vs upper bound)" if series else "",
                x=n,
            )
