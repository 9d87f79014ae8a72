"""2D pooling geometries: the mode convention, golden trees, QUAD2, rect levels, errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from convac_verify.errors import NotAModeTree
from convac_verify.networks import trees
from convac_verify.networks.geometry2d import (
    Grid,
    grid_tree,
    level_windows,
    mirror_tree,
    parse_grid,
    parse_levels,
    quad2_source,
    square_levels,
    square_tree,
    window_picture,
)
from convac_verify.pooling.profiles import (
    load_tree_file,
    resolve_geometry,
    split_geometries,
)


def test_mode_convention_is_row_major() -> None:
    # the convention of geometry2d's docstring: mode = row * W + col
    g = Grid(3, 5)
    assert [g.mode(r, c) for r in range(3) for c in range(5)] == list(range(15))
    assert g.coords(7) == (1, 2)
    assert str(g) == "3x5" and g.n_modes == 15


def test_square_4x4_golden() -> None:
    # ICLR 2017 Sec. 3.1: 2x2 windows, recursively (the quad-tree)
    assert trees.to_nested(square_tree(Grid(4, 4))) == (
        (0, 1, 4, 5),
        (2, 3, 6, 7),
        (8, 9, 12, 13),
        (10, 11, 14, 15),
    )


def test_mirror_4x4_golden() -> None:
    # a patch with its horizontal, vertical and diagonal reflections
    assert trees.to_nested(mirror_tree(Grid(4, 4))) == (
        (0, 3, 12, 15),
        (1, 2, 13, 14),
        (4, 7, 8, 11),
        (5, 6, 9, 10),
    )


def _quad2_tree(h: int, w: int) -> trees.Nested:
    """Mirror pooling built literally as the experiments do: QUAD2 permutation, then
    contiguous 2x2 pooling, at every level."""
    nodes: list[trees.Nested] = list(range(h * w))
    while h > 1:
        permuted = [nodes[quad2_source(h, w, r, c)[0] * w + quad2_source(h, w, r, c)[1]]
                    for r in range(h) for c in range(w)]  # fmt: skip
        nodes = [
            tuple(permuted[(2 * i + di) * w + 2 * j + dj] for di in (0, 1) for dj in (0, 1))
            for i in range(h // 2)
            for j in range(w // 2)
        ]
        h, w = h // 2, w // 2
    return nodes[0]


@pytest.mark.parametrize("side", [2, 4, 8, 16])
def test_mirror_equals_quad2_then_square_pooling(side: int) -> None:
    assert trees.to_nested(mirror_tree(Grid(side, side))) == _quad2_tree(side, side)


def test_mirror_8x8_second_level_groups_orbits_of_orbits() -> None:
    t = mirror_tree(Grid(8, 8))
    assert window_picture(t, Grid(8, 8), 2) == ["abbaabba", "cddccddc", "cddccddc", "abbaabba"] * 2


def test_rect_levels_and_builders() -> None:
    t = trees.parse_tree("rect:4x4:2x1,1x2,2x2")
    assert trees.to_nested(t)[0] == ((0, 4), (1, 5))
    assert trees.to_nested(trees.parse_tree("rect:2x4:m1x2,2x2")) == (
        (0, 3),
        (1, 2),
        (4, 7),
        (5, 6),
    )
    assert trees.to_nested(trees.parse_tree("rect:2x2:global")) == (0, 1, 2, 3)
    assert trees.to_nested(trees.parse_tree("square:4x4")) == trees.to_nested(
        square_tree(Grid(4, 4))
    )
    assert trees.n_modes(trees.parse_tree("square:2x8")) == 16
    assert [str(lv) for lv in square_levels(Grid(2, 8))] == ["2x2", "1x2", "1x2"]
    assert t.graph["grid"] == (4, 4)
    # a 1D grid: windows of any size k
    assert trees.to_nested(trees.parse_tree("rect:1x9:1x3,1x3")) == (
        (0, 1, 2),
        (3, 4, 5),
        (6, 7, 8),
    )


def test_level_windows_mirror_rows_only() -> None:
    nh, nw, win = level_windows(4, 2, parse_levels("m2x1")[0])
    assert (nh, nw) == (2, 2)
    assert win == [[(0, 6), (1, 7)], [(2, 4), (3, 5)]]


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("rect:4x6:2x2,2x2", "not divisible by the window 2x2"),
        ("rect:4x4:2x2", "reduce grid 4x4 to 2x2"),
        ("rect:4x4:m3x2", "mirror windows pair reflections"),
        ("rect:4x4:1x1", "at least 2 patches"),
        ("rect:4x4:2x2,2x2,2x2", "already one node"),
        ("rect:4x4:2z2", "a pooling level is AxB"),
        ("square:4x6", "W must be a power of 2"),
        ("mirror:3x3", "H must be a power of 2"),
        ("square:four", "a grid is written HxW"),
        ("rect:4x4", "rect takes rect:HxW:LEVELS"),
    ],
)
def test_geometry_errors(spec: str, message: str) -> None:
    with pytest.raises(NotAModeTree, match=message):
        trees.parse_tree(spec)


def test_parse_grid() -> None:
    assert parse_grid("8") == Grid(8, 8)
    assert parse_grid(" 2 x 4 ") == Grid(2, 4)
    with pytest.raises(NotAModeTree):
        Grid(0, 3)


def test_grid_tree_needs_two_patches() -> None:
    with pytest.raises(NotAModeTree, match="at least 2 patches"):
        grid_tree(Grid(1, 1), parse_levels("global"))


def test_user_tree_files(tmp_path: Path) -> None:
    j = tmp_path / "t.json"
    j.write_text(json.dumps({"tree": [[0, 3], [1, 2]], "grid": "2x2", "name": "pairs"}))
    tree, grid, name = load_tree_file(j)
    assert trees.to_nested(tree) == ((0, 3), (1, 2)) and grid == Grid(2, 2) and name == "pairs"
    bare = tmp_path / "bare.json"
    bare.write_text("[[0, 1], [2, 3]]")
    assert trees.to_nested(load_tree_file(bare)[0]) == ((0, 1), (2, 3))
    toml = tmp_path / "t.toml"
    toml.write_text('grid = "4x4"\nlevels = "m2x2,2x2"\n')
    assert trees.to_nested(load_tree_file(toml)[0]) == trees.to_nested(mirror_tree(Grid(4, 4)))
    tree2, name2 = resolve_geometry(str(toml), Grid(4, 4))
    assert name2 == "t" and trees.n_modes(tree2) == 16
    with pytest.raises(NotAModeTree, match="is for grid 2x2, not 4x4"):
        resolve_geometry(str(j), Grid(4, 4))
    with pytest.raises(NotAModeTree, match="has 4 patches but grid 4x4"):
        resolve_geometry(str(bare), Grid(4, 4))
    broken = tmp_path / "b.json"
    broken.write_text("{oops")
    with pytest.raises(NotAModeTree, match="not valid JSON"):
        load_tree_file(broken)
    with pytest.raises(NotAModeTree, match="cannot read tree file"):
        load_tree_file(tmp_path / "missing.json")


def test_resolve_geometry_specs() -> None:
    g = Grid(4, 4)
    assert resolve_geometry("square", g)[1] == "square"
    t, name = resolve_geometry("rect:2x1,1x2,2x2", g)
    assert trees.n_modes(t) == 16 and name == "rect:2x1,1x2,2x2"
    t, name = resolve_geometry("pairs=((0,1),(2,3))", Grid(2, 2))
    assert name == "pairs"
    with pytest.raises(NotAModeTree, match="unknown geometry"):
        resolve_geometry("hexagonal", g)
    with pytest.raises(NotAModeTree, match="needs a grid"):
        resolve_geometry("square", None)
    assert split_geometries("square,rect:2x1,1x2,m2x2,mirror") == [
        "square",
        "rect:2x1,1x2,m2x2",
        "mirror",
    ]
