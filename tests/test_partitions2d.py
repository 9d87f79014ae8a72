"""2D partition families, masks and partition lists (pictures are golden)."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from convac_verify.errors import InvalidPartition
from convac_verify.networks.geometry2d import Grid
from convac_verify.networks.partitions import parse_partition
from convac_verify.networks.partitions2d import (
    GRID_PARTITIONS,
    all_balanced,
    every_partition,
    expand_partitions,
    mask_picture,
    parse_grid_partition,
    parse_mask,
    split_specs,
)

G = Grid(4, 4)

PICTURES = {
    "left-right": ["##..", "##..", "##..", "##.."],
    "top-bottom": ["####", "####", "....", "...."],
    "quadrants": ["##..", "##..", "..##", "..##"],
    "center": ["....", ".##.", ".##.", "...."],
    "checkerboard": ["#.#.", ".#.#", "#.#.", ".#.#"],
    "checker:2": ["##..", "##..", "..##", "..##"],
    "stripes-v": ["#.#.", "#.#.", "#.#.", "#.#."],
    "stripes-h": ["####", "....", "####", "...."],
    "stripes-v:2": ["##..", "##..", "##..", "##.."],
    "mirror-orbits": ["#..#", ".##.", ".##.", "#..#"],
    "mirror-quadrants": ["#..#", ".##.", ".##.", "#..#"],
    "odd-even": ["#.#.", "#.#.", "#.#.", "#.#."],
}


@pytest.mark.parametrize("name", sorted(PICTURES))
def test_family_pictures(name: str) -> None:
    part = parse_grid_partition(name, G, np.random.default_rng(0))
    assert mask_picture(part, G) == PICTURES[name]


def test_every_registered_family_parses() -> None:
    for name, (_, usage, kind) in GRID_PARTITIONS.items():
        spec = name + (":2" if usage.endswith(":B") else "")
        part = parse_grid_partition(spec, Grid(8, 8), np.random.default_rng(1))
        assert part.is_proper, name
        assert kind in ("coarse", "interleaved", "mirror", "random")


def test_mirror_orbits_keep_every_first_level_mirror_window_on_one_side() -> None:
    from convac_verify.networks.geometry2d import mirror_tree
    from convac_verify.pooling.profiles import split_windows

    for side in (4, 8, 16):
        g = Grid(side, side)
        part = parse_grid_partition("mirror-orbits", g, np.random.default_rng(0))
        assert split_windows(mirror_tree(g), part) == 0
        assert len(part.rows) == g.n_modes // 2


def test_mirror_quadrants_keep_every_mirror_window_below_the_root_on_one_side() -> None:
    from convac_verify.networks import trees
    from convac_verify.networks.geometry2d import mirror_tree

    for shape in ((4, 4), (8, 8), (16, 16), (2, 8), (8, 4)):
        g = Grid(*shape)
        part = parse_grid_partition("mirror-quadrants", g, np.random.default_rng(0))
        t = mirror_tree(g)
        rows = set(part.rows)
        for v in trees.internal_nodes(t):
            if v != trees.root(t):
                inside = {m in rows for m in trees.leaves_below(t, v)}
                assert len(inside) == 1, (shape, v)
        assert len(part.rows) == g.n_modes // 2


def test_masks(tmp_path: Path) -> None:
    part = parse_grid_partition("mask:1100/1100/0011/0011", G, np.random.default_rng(0))
    assert part.rows == (0, 1, 4, 5, 10, 11, 14, 15)
    f = tmp_path / "task.txt"
    f.write_text("1 0 0 1\n0110\n0110\n1001\n")
    from_file = parse_grid_partition(f"@{f}", G, np.random.default_rng(0))
    assert mask_picture(from_file, G) == PICTURES["mirror-orbits"] and from_file.name == "task"
    with pytest.raises(InvalidPartition, match="needs 4 rows of 4"):
        parse_mask("1100/0011", G)
    with pytest.raises(InvalidPartition, match="every mask row must be 4 characters 0 or 1"):
        parse_mask("1100/1100/0011/0021", G)
    with pytest.raises(InvalidPartition, match="cannot read mask file"):
        parse_grid_partition(f"@{tmp_path / 'nope.txt'}", G, np.random.default_rng(0))


def test_explicit_and_1d_names_and_errors() -> None:
    rng = np.random.default_rng(0)
    assert parse_grid_partition("0,5,10,15", G, rng).rows == (0, 5, 10, 15)
    assert parse_grid_partition("blocks:2", G, rng).rows == (0, 1, 4, 5, 8, 9, 12, 13)
    with pytest.raises(InvalidPartition, match="row modes must lie in 0..15"):
        parse_grid_partition("0,16", G, rng)
    with pytest.raises(InvalidPartition, match="unknown partition 'diagonal'; known on a grid"):
        parse_grid_partition("diagonal", G, rng)
    with pytest.raises(InvalidPartition, match="wrong arguments for partition 'checker'"):
        parse_grid_partition("checker", G, rng)
    with pytest.raises(InvalidPartition, match="wrong arguments for partition 'left-right'"):
        parse_grid_partition("left-right:3", G, rng)


def test_grid_prefixed_names_in_the_1d_registry() -> None:
    rng = np.random.default_rng(0)
    assert parse_partition("grid-checkerboard", 16, rng).rows == (0, 2, 5, 7, 8, 10, 13, 15)
    assert parse_partition("grid-left-right", 16, rng).rows == (0, 1, 4, 5, 8, 9, 12, 13)
    with pytest.raises(InvalidPartition, match="assume a square grid"):
        parse_partition("grid-left-right", 8, rng)


@pytest.mark.parametrize("n", [2, 3, 4, 5, 8])
def test_all_balanced_counts_and_uniqueness(n: int) -> None:
    parts = list(all_balanced(n))
    expected = math.comb(n - 1, n // 2 - 1) if n % 2 == 0 else math.comb(n, n // 2)
    assert len(parts) == expected
    keys = {frozenset(p.rows) for p in parts} | {frozenset(p.cols) for p in parts}
    assert len(keys) == 2 * expected if n % 2 == 0 else len(keys) >= expected
    assert all(len(p.rows) == n // 2 for p in parts)


def test_every_partition_counts() -> None:
    parts = list(every_partition(5))
    assert len(parts) == 2**4 - 1
    assert all(p.is_proper and 0 in p.rows for p in parts)
    with pytest.raises(InvalidPartition, match="over the limit"):
        list(every_partition(16))
    with pytest.raises(InvalidPartition, match="use random:K"):
        list(all_balanced(16))


def test_expand_lists() -> None:
    a = expand_partitions(["random:3", "coarse"], G, np.random.default_rng(5))
    b = expand_partitions(["random:3", "coarse"], G, np.random.default_rng(5))
    assert [p.rows for p in a] == [p.rows for p in b]  # deterministic for a seed
    assert [p.name for p in a] == [
        "random#1",
        "random#2",
        "random#3",
        "left-right",
        "top-bottom",
        "quadrants",
        "center",
    ]
    names = [
        p.name
        for p in expand_partitions(["interleaved", "checkerboard"], G, np.random.default_rng(0))
    ]
    assert names == ["checkerboard", "stripes-v", "stripes-h"]  # duplicates dropped
    with pytest.raises(InvalidPartition, match="both I and J nonempty"):
        expand_partitions(["mirror-orbits"], Grid(2, 2), np.random.default_rng(0))
    with pytest.raises(InvalidPartition, match="random:K takes an integer"):
        expand_partitions(["random:x"], G, np.random.default_rng(0))


def test_split_specs() -> None:
    assert split_specs("a,b") == ["a", "b"]
    assert split_specs("0,1,2;mask:10/01") == ["0,1,2", "mask:10/01"]
