"""2D pooling geometries: mode trees over an H x W grid of patches.

Convention (the one place it is stated; pinned by ``tests/test_geometry2d.py``)
------------------------------------------------------------------------------
* A 2D input is an ``H x W`` grid of patches; patch ``(row, col)`` is 0-based with
  row 0 at the top and col 0 at the left.
* **mode = row * W + col** (row-major). So on a 4x4 grid the top row is modes
  0..3, and the 1D ``left-right`` partition (the first N/2 modes) is the 2D
  *top/bottom* split; the 2D families live in :mod:`convac_verify.networks.partitions2d`.
* A geometry is built level by level on the *reduced grid*: every level pools
  non-overlapping windows of the current grid into one node each, and the pooled
  nodes form the next (smaller) grid. Level tokens:

  ``AxB``
      contiguous windows of A rows by B columns (square pooling is ``2x2``);
  ``mAxB``
      **mirror** windows (A, B in {1, 2}): node ``(i, j)`` of the reduced grid pools
      ``(i, j)`` with its reflections ``(i, w-1-j)``, ``(h-1-i, j)`` and
      ``(h-1-i, w-1-j)`` on the current ``h x w`` grid (only the horizontal
      reflection for ``m1x2``, only the vertical one for ``m2x1``);
  ``global``
      one window over everything left (a truncated network: premature global pooling).

  Children are ordered as the window is read: row-major for contiguous windows, and
  ``(i,j), (i,w-1-j), (h-1-i,j), (h-1-i,w-1-j)`` for mirror windows. No rank depends
  on the order.
* ``square:HxW`` is ``2x2`` at every level (``1x2``/``2x1`` once a side reaches 1),
  the quad-tree of ICLR 2017 Sec. 3.1; ``mirror:HxW`` uses the same window shapes
  with mirror windows. ``rect:HxW:L1,L2,...`` takes explicit level tokens.

Mirror pooling, exactly
-----------------------
ICLR 2017 describes mirror windows as a node grouped "with its horizontal, vertical
and horizontal-vertical reflections", recursively. The experiments implement it as a
``Permutation`` layer of type ``QUAD2`` before every 2x2 (log-space product) pooling
layer (``HUJI-Deep/inductive-pooling``, ``exp/blob/cac/net.prototmp``). The QUAD2
forward pass in the SimNets Caffe fork (``src/caffe/layers/permutation_layer.cpp``;
read in the public fork ``AminaGhrissi/caffe-simnets``, commit e5dd1d1) is::

    top[h, w] = bottom[src(h, H), src(w, W)],  src(h, H) = h/2 if h even else H-1-h/2

so the 2x2 window at output ``(i, j)`` covers bottom ``(i, j), (i, W-1-j), (H-1-i, j),
(H-1-i, W-1-j)`` -- exactly the ``m2x2`` level above -- and the pooled map, on which the
next layer's QUAD2 acts, holds that orbit at position ``(i, j)``. :func:`quad2_source`
reproduces the permutation; a test checks the two descriptions agree.

References
----------
N. Cohen, A. Shashua. Inductive Bias of Deep Convolutional Networks through Pooling
Geometry. ICLR 2017, Sec. 3.1 (square windows), Sec. 5 / fig. 1 (mirror windows).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import networkx as nx

from ..errors import NotAModeTree
from . import trees

__all__ = [
    "Grid",
    "Level",
    "grid_of",
    "grid_tree",
    "level_windows",
    "mirror_tree",
    "parse_grid",
    "parse_levels",
    "quad2_source",
    "rect_tree",
    "square_levels",
    "square_tree",
    "window_picture",
]

Nested = trees.Nested


@dataclass(frozen=True)
class Grid:
    """An ``H x W`` grid of patches; mode = row * W + col.

    Examples
    --------
    >>> g = Grid(2, 3)
    >>> g.n_modes, g.mode(1, 0), g.coords(5)
    (6, 3, (1, 2))
    """

    height: int
    """H: number of rows."""
    width: int
    """W: number of columns."""

    def __post_init__(self) -> None:
        if self.height < 1 or self.width < 1:
            raise NotAModeTree(f"a grid needs H, W >= 1; got {self.height}x{self.width}")

    @property
    def n_modes(self) -> int:
        """N = H * W."""
        return self.height * self.width

    def mode(self, row: int, col: int) -> int:
        """The mode of patch ``(row, col)``."""
        return row * self.width + col

    def coords(self, mode: int) -> tuple[int, int]:
        """``(row, col)`` of ``mode``."""
        return divmod(mode, self.width)

    def __str__(self) -> str:
        return f"{self.height}x{self.width}"


_GRID = re.compile(r"^\s*(\d+)\s*[xX*]\s*(\d+)\s*$")


def parse_grid(text: str) -> Grid:
    """Parse ``HxW`` (e.g. ``4x4``); a single number ``n`` means ``n x n``.

    Examples
    --------
    >>> parse_grid("4x8"), parse_grid("4")
    (Grid(height=4, width=8), Grid(height=4, width=4))
    """
    text = str(text).strip()
    if text.isdigit():
        n = int(text)
        return Grid(n, n)
    m = _GRID.match(text)
    if not m:
        raise NotAModeTree(f"a grid is written HxW, e.g. 4x4 or 8x8; got {text!r}")
    return Grid(int(m.group(1)), int(m.group(2)))


@dataclass(frozen=True)
class Level:
    """One pooling level: a window shape and whether windows are contiguous or mirrored."""

    rows: int
    """Window height A (0 with ``kind="global"``)."""
    cols: int
    """Window width B (0 with ``kind="global"``)."""
    kind: str = "contiguous"
    """``contiguous``, ``mirror`` or ``global``."""

    def __str__(self) -> str:
        if self.kind == "global":
            return "global"
        return f"{'m' if self.kind == 'mirror' else ''}{self.rows}x{self.cols}"


_LEVEL = re.compile(r"^(m?)(\d+)[xX](\d+)$")


def parse_levels(text: str) -> tuple[Level, ...]:
    """Parse level tokens ``2x2,m2x2,1x2,global``.

    Examples
    --------
    >>> [str(lv) for lv in parse_levels("2x1, m1x2,global")]
    ['2x1', 'm1x2', 'global']
    """
    out = []
    for token in (t.strip() for t in text.split(",")):
        if not token:
            continue
        if token.lower() == "global":
            out.append(Level(0, 0, "global"))
            continue
        m = _LEVEL.match(token)
        if not m:
            raise NotAModeTree(
                f"a pooling level is AxB (contiguous window), mAxB (mirror window, A, B <= 2) "
                f"or global; got {token!r}"
            )
        kind = "mirror" if m.group(1) else "contiguous"
        out.append(Level(int(m.group(2)), int(m.group(3)), kind))
    if not out:
        raise NotAModeTree(f"give at least one pooling level, e.g. 2x2,2x2; got {text!r}")
    return tuple(out)


def level_windows(h: int, w: int, level: Level) -> tuple[int, int, list[list[tuple[int, ...]]]]:
    """Apply one level to an ``h x w`` grid of positions.

    Returns the reduced grid's shape and, for each reduced position ``(i, j)``, the
    positions ``p = row * w + col`` of the current grid it pools.

    Raises
    ------
    NotAModeTree
        If the window does not divide the grid, is 1x1, or a mirror window is not
        made of reflection pairs.
    """
    if level.kind == "global":
        if h * w < 2:
            raise NotAModeTree("a global pooling level needs at least 2 nodes left")
        return 1, 1, [[tuple(range(h * w))]]
    a, b = level.rows, level.cols
    if a < 1 or b < 1 or a * b < 2:
        raise NotAModeTree(f"a pooling window needs at least 2 patches; got {level}")
    if level.kind == "mirror" and (a > 2 or b > 2):
        raise NotAModeTree(f"mirror windows pair reflections: A, B in {{1, 2}}; got {level}")
    if h % a or w % b:
        raise NotAModeTree(
            f"grid {h}x{w} is not divisible by the window {level} "
            f"(H must be a multiple of {a} and W of {b})"
        )
    nh, nw = h // a, w // b
    if level.kind == "mirror":
        rows_of = (lambda i: (i,)) if a == 1 else (lambda i: (i, h - 1 - i))
        cols_of = (lambda j: (j,)) if b == 1 else (lambda j: (j, w - 1 - j))
        windows = [
            [tuple(r * w + c for r in rows_of(i) for c in cols_of(j)) for j in range(nw)]
            for i in range(nh)
        ]
        # order as QUAD2 reads a window: (i,j), (i,w-1-j), (h-1-i,j), (h-1-i,w-1-j)
        return nh, nw, windows
    windows = [
        [
            tuple((i * a + di) * w + (j * b + dj) for di in range(a) for dj in range(b))
            for j in range(nw)
        ]
        for i in range(nh)
    ]
    return nh, nw, windows


def grid_tree(grid: Grid, levels: Sequence[Level], name: str = "") -> nx.DiGraph:
    """The mode tree of ``levels`` applied to ``grid`` until one node is left.

    Raises
    ------
    NotAModeTree
        If a window does not divide the reduced grid, or the levels end before the
        grid is reduced to a single node (add levels or end with ``global``).
    """
    h, w = grid.height, grid.width
    if grid.n_modes < 2:
        raise NotAModeTree(f"a pooling geometry needs at least 2 patches; got grid {grid}")
    nodes: list[Nested] = list(range(grid.n_modes))
    for k, level in enumerate(levels, start=1):
        if h * w == 1:
            raise NotAModeTree(
                f"levels {', '.join(map(str, levels))}: the grid is already one node "
                f"after level {k - 1}; drop the extra levels"
            )
        try:
            nh, nw, windows = level_windows(h, w, level)
        except NotAModeTree as exc:
            raise NotAModeTree(f"level {k} on the reduced {h}x{w} grid: {exc}") from None
        nodes = [tuple(nodes[p] for p in windows[i][j]) for i in range(nh) for j in range(nw)]
        h, w = nh, nw
    if h * w != 1:
        raise NotAModeTree(
            f"levels {', '.join(map(str, levels))} reduce grid {grid} to {h}x{w}, not to one "
            "node; add levels (e.g. 2x2) or end with global"
        )
    tree = trees.from_nested(nodes[0])
    tree.graph["grid"] = (grid.height, grid.width)
    tree.graph["levels"] = tuple(str(lv) for lv in levels)
    tree.graph["name"] = name or f"rect:{grid}:{','.join(map(str, levels))}"
    return nx.freeze(tree)


def square_levels(grid: Grid, kind: str = "contiguous") -> tuple[Level, ...]:
    """``2x2`` windows while both sides exceed 1, then ``1x2`` or ``2x1``.

    Raises
    ------
    NotAModeTree
        If H or W is not a power of 2.
    """
    h, w = grid.height, grid.width
    for side, name in ((h, "H"), (w, "W")):
        if side < 1 or side & (side - 1):
            raise NotAModeTree(
                f"square and mirror pooling halve the grid at every level: {name} must be a "
                f"power of 2; got grid {grid} (use rect:HxW:... for other shapes)"
            )
    levels = []
    while h > 1 or w > 1:
        a, b = (2 if h > 1 else 1), (2 if w > 1 else 1)
        levels.append(Level(a, b, kind))
        h, w = h // a, w // b
    return tuple(levels)


def grid_of(tree: nx.DiGraph) -> Grid | None:
    """The grid a tree was built on (2D builders record it), else ``None``."""
    shape = tree.graph.get("grid")
    return Grid(*shape) if shape else None


@lru_cache(maxsize=128)
def _square(h: int, w: int, kind: str) -> nx.DiGraph:
    grid = Grid(h, w)
    name = f"{'square' if kind == 'contiguous' else 'mirror'}:{grid}"
    return grid_tree(grid, square_levels(grid, kind), name)


def square_tree(grid: Grid) -> nx.DiGraph:
    """Square pooling (2x2 contiguous windows, recursively): the ICLR 2017 quad-tree.

    Examples
    --------
    >>> trees.to_nested(square_tree(Grid(2, 2)))
    (0, 1, 2, 3)
    """
    return _square(grid.height, grid.width, "contiguous")


def mirror_tree(grid: Grid) -> nx.DiGraph:
    """Mirror pooling: each window is a node and its three reflections, recursively.

    Examples
    --------
    >>> trees.to_nested(mirror_tree(Grid(4, 4)))[0]
    (0, 3, 12, 15)
    """
    return _square(grid.height, grid.width, "mirror")


@lru_cache(maxsize=128)
def _rect(h: int, w: int, levels: str) -> nx.DiGraph:
    grid = Grid(h, w)
    parsed = parse_levels(levels)
    return grid_tree(grid, parsed, f"rect:{grid}:{','.join(map(str, parsed))}")


def rect_tree(grid: Grid, levels: str | Sequence[Level]) -> nx.DiGraph:
    """Explicit levels, e.g. ``rect_tree(Grid(4, 4), "2x1,1x2,2x2")``."""
    text = levels if isinstance(levels, str) else ",".join(map(str, levels))
    return _rect(grid.height, grid.width, ",".join(map(str, parse_levels(text))))


def quad2_source(h: int, w: int, row: int, col: int) -> tuple[int, int]:
    """The SimNets ``QUAD2`` permutation: the bottom position read into top ``(row, col)``.

    Examples
    --------
    >>> [quad2_source(4, 4, 0, c) for c in range(4)]
    [(0, 0), (0, 3), (0, 1), (0, 2)]
    """

    def src(x: int, n: int) -> int:
        return x // 2 if x % 2 == 0 else n - x // 2 - 1

    return src(row, h), src(col, w)


_LABELS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


def window_picture(tree: nx.DiGraph, grid: Grid, height: int = 1) -> list[str] | None:
    """Label every patch by its ancestor at ``height`` (its pooling window at that level).

    Returns ``None`` when there are more windows than labels (62).

    Examples
    --------
    >>> window_picture(mirror_tree(Grid(4, 4)), Grid(4, 4))
    ['abba', 'cddc', 'cddc', 'abba']
    """
    owner: dict[int, int] = {}
    for v in trees.postorder(tree):
        if trees.children(tree, v) and trees.height(tree, v) == height:
            for m in trees.leaves_below(tree, v):
                owner[m] = v
    order: dict[int, int] = {}
    for m in range(grid.n_modes):  # label windows in reading order of their first patch
        if m in owner and owner[m] not in order:
            order[owner[m]] = len(order)
    if len(order) > len(_LABELS):
        return None
    return [
        "".join(
            _LABELS[order[owner[grid.mode(r, c)]]] if grid.mode(r, c) in owner else "."
            for c in range(grid.width)
        )
        for r in range(grid.height)
    ]


# --------------------------------------------------------------------------- registry


def _square_builder(args: str) -> nx.DiGraph:
    return square_tree(parse_grid(args or ""))


def _mirror_builder(args: str) -> nx.DiGraph:
    return mirror_tree(parse_grid(args or ""))


def _rect_builder(args: str) -> nx.DiGraph:
    grid_text, sep, levels = args.partition(":")
    if not sep:
        raise NotAModeTree(f"rect takes rect:HxW:LEVELS, e.g. rect:4x4:2x1,1x2,2x2; got {args!r}")
    return rect_tree(parse_grid(grid_text), levels)


trees.register_tree_builder("square", "square:HxW", raw_args=True)(_square_builder)
trees.register_tree_builder("mirror", "mirror:HxW", raw_args=True)(_mirror_builder)
trees.register_tree_builder("rect", "rect:HxW:2x1,m2x2,...,global", raw_args=True)(_rect_builder)
