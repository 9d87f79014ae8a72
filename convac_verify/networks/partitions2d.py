"""Partitions (I, J) of an H x W grid of patches (mode = row * W + col).

Families (I = the rows of the matricization; the picture marks I with ``#``)
----------------------------------------------------------------------------
==================  =============  ================================================
name                kind           I
==================  =============  ================================================
``left-right``      coarse         the left half of the columns (``col < W/2``)
``top-bottom``      coarse         the top half of the rows (``row < H/2``)
``quadrants``       coarse         the top-left and bottom-right quadrants
``center``          coarse         the central ``H/2 x W/2`` block (``|I| = N/4``)
``checkerboard``    interleaved    ``row + col`` even
``checker:B``       interleaved    ``row//B + col//B`` even (B x B checker squares)
``stripes-v[:B]``   interleaved    ``col//B`` even (odd/even columns for B = 1)
``stripes-h[:B]``   interleaved    ``row//B`` even (odd/even rows for B = 1)
``mirror-orbits``   mirror         the first-level mirror windows whose reduced
                                   position ``(i, j)`` has ``i + j`` even: every
                                   first-level mirror window lies on one side
``mirror-quadrants`` mirror        two of the four subtrees below the root of mirror
                                   pooling (``quadrants`` after the QUAD2
                                   relabelling): every mirror window below the
                                   root lies on one side
``random``          random         a balanced random I drawn from the seed
==================  =============  ================================================

"Interleaved" and "coarse" follow the talk ("exponential for interleaved partitions,
polynomial for coarse partitions", ICLR 2017 Sec. 4): interleaved families split
many neighbouring patches, coarse ones separate large contiguous regions.

Also accepted wherever a grid is known (``pooling``, ``tree --grid``):

* ``mask:1100/1100/0011/0011`` -- the mask drawn as H text rows of ``0``/``1``
  (``1`` = I), separated by ``/``; ``@FILE`` reads the same rows from a file (one row
  per line);
* every 1D name of :mod:`convac_verify.networks.partitions` (``odd-even``, ``blocks:B``) and
  explicit row modes ``0,2,5`` (modes are row-major, see :mod:`convac_verify.networks.geometry2d`);
* in lists (:func:`expand_partitions`): ``all`` (every balanced partition, up to
  swapping I and J, for small N), ``every`` (every proper partition, up to swapping),
  ``random:K`` (K random balanced partitions),
  ``coarse`` / ``interleaved`` (every family of that kind).

The families are also registered in the 1D registry as ``grid-<name>`` (e.g.
``--rows grid-checkerboard``) for a square grid ``sqrt(N) x sqrt(N)``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from itertools import combinations
from pathlib import Path

import numpy as np

from ..errors import InvalidPartition, NotAModeTree
from .geometry2d import Grid
from .partitions import Partition, parse_partition, random_balanced, register_partition

__all__ = [
    "GRID_PARTITIONS",
    "all_balanced",
    "every_partition",
    "expand_partitions",
    "mask_picture",
    "parse_grid_partition",
    "parse_mask",
    "split_specs",
]

GridFactory = Callable[[Grid, np.random.Generator, list[int]], Partition]
GRID_PARTITIONS: dict[str, tuple[GridFactory, str, str]] = {}
"""name -> (factory(grid, rng, int_args), usage, kind)."""

DEFAULT_MAX_ALL = 512


def _register(name: str, usage: str, kind: str) -> Callable[[GridFactory], GridFactory]:
    def deco(fn: GridFactory) -> GridFactory:
        GRID_PARTITIONS[name] = (fn, usage, kind)
        return fn

    return deco


def _select(grid: Grid, name: str, pred: Callable[[int, int], bool]) -> Partition:
    rows = [grid.mode(r, c) for r in range(grid.height) for c in range(grid.width) if pred(r, c)]
    return Partition.from_rows(rows, grid.n_modes, name)


def _block(args: list[int], default: int | None = 1) -> int:
    if len(args) > 1 or (not args and default is None):
        raise TypeError("expected one argument")
    b = args[0] if args else int(default or 1)
    if b < 1:
        raise InvalidPartition(f"block size must be >= 1; got {b}")
    return b


def _no_args(args: list[int]) -> None:
    if args:
        raise TypeError("takes no arguments")


@_register("left-right", "left-right", "coarse")
def _left_right(grid: Grid, rng: np.random.Generator, args: list[int]) -> Partition:
    _no_args(args)
    return _select(grid, "left-right", lambda r, c: c < grid.width // 2)


@_register("top-bottom", "top-bottom", "coarse")
def _top_bottom(grid: Grid, rng: np.random.Generator, args: list[int]) -> Partition:
    _no_args(args)
    return _select(grid, "top-bottom", lambda r, c: r < grid.height // 2)


@_register("quadrants", "quadrants", "coarse")
def _quadrants(grid: Grid, rng: np.random.Generator, args: list[int]) -> Partition:
    _no_args(args)
    h2, w2 = grid.height // 2, grid.width // 2
    return _select(grid, "quadrants", lambda r, c: (r < h2) == (c < w2))


@_register("center", "center", "coarse")
def _center(grid: Grid, rng: np.random.Generator, args: list[int]) -> Partition:
    _no_args(args)
    h, w = grid.height, grid.width
    r0, c0 = (h - h // 2) // 2, (w - w // 2) // 2
    return _select(grid, "center", lambda r, c: r0 <= r < r0 + h // 2 and c0 <= c < c0 + w // 2)


@_register("checkerboard", "checkerboard", "interleaved")
def _checkerboard(grid: Grid, rng: np.random.Generator, args: list[int]) -> Partition:
    _no_args(args)
    return _select(grid, "checkerboard", lambda r, c: (r + c) % 2 == 0)


@_register("checker", "checker:B", "interleaved")
def _checker(grid: Grid, rng: np.random.Generator, args: list[int]) -> Partition:
    b = _block(args, default=None)
    return _select(grid, f"checker:{b}", lambda r, c: (r // b + c // b) % 2 == 0)


@_register("stripes-v", "stripes-v[:B]", "interleaved")
def _stripes_v(grid: Grid, rng: np.random.Generator, args: list[int]) -> Partition:
    b = _block(args)
    name = "stripes-v" if not args else f"stripes-v:{b}"
    return _select(grid, name, lambda r, c: (c // b) % 2 == 0)


@_register("stripes-h", "stripes-h[:B]", "interleaved")
def _stripes_h(grid: Grid, rng: np.random.Generator, args: list[int]) -> Partition:
    b = _block(args)
    name = "stripes-h" if not args else f"stripes-h:{b}"
    return _select(grid, name, lambda r, c: (r // b) % 2 == 0)


@_register("mirror-orbits", "mirror-orbits", "mirror")
def _mirror_orbits(grid: Grid, rng: np.random.Generator, args: list[int]) -> Partition:
    _no_args(args)
    h, w = grid.height, grid.width
    return _select(
        grid, "mirror-orbits", lambda r, c: (min(r, h - 1 - r) + min(c, w - 1 - c)) % 2 == 0
    )


@_register("mirror-quadrants", "mirror-quadrants", "mirror")
def _mirror_quadrants(grid: Grid, rng: np.random.Generator, args: list[int]) -> Partition:
    _no_args(args)
    from .geometry2d import square_levels

    try:
        levels = square_levels(grid)
    except NotAModeTree:
        raise InvalidPartition(
            f"mirror-quadrants follows mirror pooling: H and W must be powers of 2; got {grid}"
        ) from None
    if len(levels) < 2:
        raise InvalidPartition(f"mirror-quadrants needs at least two mirror levels; got {grid}")

    def side(r: int, c: int) -> bool:
        h, w = grid.height, grid.width
        for level in levels[:-1]:  # follow the patch up to the root's window
            if level.rows == 2:
                r, h = min(r, h - 1 - r), h // 2
            if level.cols == 2:
                c, w = min(c, w - 1 - c), w // 2
        if (h, w) == (2, 2):
            return r == c
        return (c if w == 2 else r) == 0

    return _select(grid, "mirror-quadrants", side)


@_register("random", "random", "random")
def _random(grid: Grid, rng: np.random.Generator, args: list[int]) -> Partition:
    _no_args(args)
    return random_balanced(grid.n_modes, rng)


# --------------------------------------------------------------------------- masks


def parse_mask(text: str, grid: Grid, name: str = "mask") -> Partition:
    """A partition from H rows of ``0``/``1`` (``1`` marks I), separated by ``/`` or newlines.

    Examples
    --------
    >>> parse_mask("10/01", Grid(2, 2)).rows
    (0, 3)
    """
    rows = [r.replace(" ", "").replace("\t", "") for r in text.replace("/", "\n").splitlines()]
    rows = [r for r in rows if r]
    if len(rows) != grid.height:
        raise InvalidPartition(
            f"a mask for grid {grid} needs {grid.height} rows of {grid.width} 0/1 characters; "
            f"got {len(rows)} rows"
        )
    bad = [r for r in rows if len(r) != grid.width or set(r) - {"0", "1"}]
    if bad:
        raise InvalidPartition(
            f"every mask row must be {grid.width} characters 0 or 1 (1 marks the row modes I); "
            f"got {bad[0]!r}"
        )
    modes = [grid.mode(i, j) for i, row in enumerate(rows) for j, ch in enumerate(row) if ch == "1"]
    return Partition.from_rows(modes, grid.n_modes, name)


def mask_picture(partition: Partition, grid: Grid, on: str = "#", off: str = ".") -> list[str]:
    """The partition drawn on the grid: ``on`` for modes in I, ``off`` for J.

    Examples
    --------
    >>> mask_picture(parse_mask("1100/1100/0011/0011", Grid(4, 4)), Grid(4, 4))
    ['##..', '##..', '..##', '..##']
    """
    rows = set(partition.rows)
    return [
        "".join(on if grid.mode(r, c) in rows else off for c in range(grid.width))
        for r in range(grid.height)
    ]


# --------------------------------------------------------------------------- parsing


def parse_grid_partition(text: str, grid: Grid, rng: np.random.Generator) -> Partition:
    """Parse one partition for ``grid``: a 2D family, a mask, a 1D name or row modes.

    Raises
    ------
    InvalidPartition
        Naming what was wrong and what is accepted.
    """
    text = text.strip()
    if text.startswith("mask:"):
        return parse_mask(text[5:], grid)
    if text.startswith("@"):
        path = Path(text[1:])
        try:
            content = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise InvalidPartition(f"cannot read mask file {str(path)!r}: {exc.strerror}") from None
        return parse_mask(content, grid, name=path.stem)
    name, _, args = text.partition(":")
    key = name.removeprefix("grid-")
    if key in GRID_PARTITIONS:
        factory, usage, _ = GRID_PARTITIONS[key]
        try:
            ints = [int(a) for a in args.split(",") if a.strip()]
            return factory(grid, rng, ints)
        except InvalidPartition:
            raise
        except (TypeError, ValueError):
            raise InvalidPartition(
                f"wrong arguments for partition {key!r}; usage: {usage}"
            ) from None
    try:
        return parse_partition(text, grid.n_modes, rng)
    except InvalidPartition as exc:
        if "unknown partition" not in str(exc):
            raise
        known = ", ".join(u for _, u, _ in GRID_PARTITIONS.values())
        raise InvalidPartition(
            f"unknown partition {text!r}; known on a grid: {known}, mask:0110/..., @FILE, "
            "odd-even, blocks:B, or row modes like 0,2,5"
        ) from None


def all_balanced(n_modes: int, limit: int = DEFAULT_MAX_ALL) -> Iterator[Partition]:
    """Every partition with ``|I| = floor(N/2)``, up to swapping I and J (I holds mode 0
    when N is even).

    Raises
    ------
    InvalidPartition
        If there are more than ``limit`` of them.

    Examples
    --------
    >>> [p.rows for p in all_balanced(4)]
    [(0, 1), (0, 2), (0, 3)]
    """
    half = n_modes // 2
    count = math.comb(n_modes - 1, half - 1) if n_modes % 2 == 0 else math.comb(n_modes, half)
    if count > limit:
        raise InvalidPartition(
            f"'all' would give {count:,} balanced partitions of N = {n_modes} modes, over the "
            f"limit {limit}; use random:K (K random balanced partitions) or a smaller grid"
        )
    if n_modes % 2 == 0:
        for rest in combinations(range(1, n_modes), half - 1):
            yield Partition((0, *rest), n_modes, "bal:" + "-".join(map(str, (0, *rest))))
    else:
        for rows in combinations(range(n_modes), half):
            yield Partition(rows, n_modes, "bal:" + "-".join(map(str, rows)))


def every_partition(n_modes: int, limit: int = DEFAULT_MAX_ALL) -> Iterator[Partition]:
    """Every proper partition up to swapping I and J (I holds mode 0): ``2**(N-1) - 1``.

    Raises
    ------
    InvalidPartition
        If there are more than ``limit`` of them.

    Examples
    --------
    >>> [p.rows for p in every_partition(3)]
    [(0,), (0, 1), (0, 2)]
    """
    count = 2 ** (n_modes - 1) - 1
    if count > limit:
        raise InvalidPartition(
            f"'every' would give {count:,} partitions of N = {n_modes} modes, over the limit "
            f"{limit}; use all (balanced only), random:K or a smaller grid"
        )
    for size in range(n_modes - 1):
        for rest in combinations(range(1, n_modes), size):
            rows = (0, *rest)
            yield Partition(rows, n_modes, "set:" + "-".join(map(str, rows)))


def split_specs(text: str) -> list[str]:
    """Split a partition list on ``;`` when it has one (explicit row lists contain commas),
    else on ``,``; a list of integers only is one explicit partition.

    Examples
    --------
    >>> split_specs("left-right,checkerboard"), split_specs("0,1,4;checkerboard")
    (['left-right', 'checkerboard'], ['0,1,4', 'checkerboard'])
    >>> split_specs("0,1,4,5")
    ['0,1,4,5']
    """
    sep = ";" if ";" in text else ","
    tokens = [t.strip() for t in text.split(sep) if t.strip()]
    if sep == "," and tokens and all(t.isdigit() for t in tokens):
        return [",".join(tokens)]  # one explicit list of row modes
    return tokens


def expand_partitions(
    specs: Sequence[str], grid: Grid, rng: np.random.Generator, limit: int = DEFAULT_MAX_ALL
) -> list[Partition]:
    """Parse a list of partition specs, expanding ``all``, ``every``, ``random:K``,
    ``coarse``, ``interleaved``; every partition must be proper. Duplicate names are dropped.
    """
    out: list[Partition] = []
    for spec in specs:
        spec = spec.strip()
        if not spec:
            continue
        if spec == "all":
            out.extend(all_balanced(grid.n_modes, limit))
        elif spec == "every":
            out.extend(every_partition(grid.n_modes, limit))
        elif spec.startswith("random:"):
            try:
                k = int(spec[7:])
            except ValueError:
                raise InvalidPartition(f"random:K takes an integer K; got {spec!r}") from None
            if not 1 <= k <= limit:
                raise InvalidPartition(f"random:K needs 1 <= K <= {limit}; got {k}")
            for i in range(k):
                p = random_balanced(grid.n_modes, rng)
                out.append(Partition(p.rows, p.n_modes, f"random#{i + 1}"))
        elif spec in ("coarse", "interleaved"):
            for name, (factory, _, kind) in GRID_PARTITIONS.items():
                if kind == spec and name != "checker":
                    out.append(factory(grid, rng, []))
        else:
            out.append(parse_grid_partition(spec, grid, rng))
    seen: set[str] = set()
    unique = []
    for p in out:
        p.require_proper()
        if p.name not in seen:
            seen.add(p.name)
            unique.append(p)
    return unique


# ------------------------------------------------- the 1D registry (square grids only)


def _square_grid(n_modes: int) -> Grid:
    side = math.isqrt(n_modes)
    if side * side != n_modes:
        raise InvalidPartition(
            f"grid-* partitions on --rows assume a square grid, but N = {n_modes} is not a "
            "square; use 'convac-verify pooling --grid HxW' for other shapes"
        )
    return Grid(side, side)


def _lift(name: str) -> Callable[[int, np.random.Generator, list[int]], Partition]:
    def factory(n_modes: int, rng: np.random.Generator, args: list[int]) -> Partition:
        grid = _square_grid(n_modes)
        return GRID_PARTITIONS[name][0](grid, rng, args)

    return factory


for _name, (_fn, _usage, _kind) in list(GRID_PARTITIONS.items()):
    if _name != "random":
        register_partition(f"grid-{_name}", f"grid-{_usage}")(_lift(_name))
