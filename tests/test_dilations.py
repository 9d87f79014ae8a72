"""Dilation schemes <-> mode trees (ICLR 2018 Sec. 3): both directions, named schemes."""

from __future__ import annotations

import itertools

import pytest

from convac_verify.errors import NotAModeTree
from convac_verify.networks import trees
from convac_verify.networks.dilations import (
    dilation_tree,
    find_dilations,
    group_dilations,
    layer_joins,
    parse_dilations,
    perfect_binary_trees,
    scheme_name,
    swapped_tree,
)


def test_first_layer_of_2_1_8_4_pairs_positions_two_apart() -> None:
    joins = layer_joins([2, 1, 8, 4])
    assert joins[0][:3] == [((0,), (2,)), ((1,), (3,)), ((4,), (6,))]
    assert joins[1][0] == ((0, 2), (1, 3))
    assert joins[3] == [((0, 1, 2, 3, 8, 9, 10, 11), (4, 5, 6, 7, 12, 13, 14, 15))]


@pytest.mark.parametrize("n_layers", [1, 2, 3, 4, 5])
def test_round_trip_every_permutation(n_layers: int) -> None:
    seen = set()
    for perm in itertools.permutations([2**k for k in range(n_layers)]):
        scheme = find_dilations(dilation_tree(perm))
        assert scheme.dilations == perm and scheme.reason == ""
        seen.add(trees.to_nested(dilation_tree(perm)))
    assert len(seen) == len(list(itertools.permutations(range(n_layers))))


def test_named_schemes_follow_the_paper() -> None:
    assert group_dilations(4, 1) == (1, 2, 4, 8)
    assert group_dilations(4, 2) == (2, 1, 8, 4)  # dilation 2^(l-2) even l, 2^l odd l
    assert group_dilations(6, 3) == (4, 2, 1, 32, 16, 8)
    assert trees.to_nested(swapped_tree(16, 1)) == trees.to_nested(trees.balanced(16))
    assert parse_dilations("swapped", 16) == (2, 1, 8, 4)
    assert parse_dilations("groups:3", 64) == (4, 2, 1, 32, 16, 8)
    assert scheme_name((4, 2, 1, 32, 16, 8)) == "groups:3"
    assert scheme_name((1, 2, 4)) == "baseline"


def test_swapped_tree_matches_fig_2b_description() -> None:
    """Same even-depth nodes as the baseline; odd-depth nodes split a parent into its
    1st+3rd versus 2nd+4th quadrants."""
    n = 64
    base, swap = trees.balanced(n), swapped_tree(n, 2)
    by_height = {
        t: {frozenset(trees.leaves_below(x, v)) for v in trees.internal_nodes(x)}
        for t, x in (("b", base), ("s", swap))
    }
    for h in range(0, 7, 2):
        b = {s for s in by_height["b"] if len(s) == 2**h}
        s = {s for s in by_height["s"] if len(s) == 2**h}
        assert b == s
    for v in trees.internal_nodes(swap):
        if trees.height(swap, v) % 2:
            continue
        modes = sorted(trees.leaves_below(swap, v))
        q = len(modes) // 4
        quads = [modes[i * q : (i + 1) * q] for i in range(4)]
        kids = {frozenset(trees.leaves_below(swap, c)) for c in trees.children(swap, v)}
        if q:
            assert kids == {frozenset(quads[0] + quads[2]), frozenset(quads[1] + quads[3])}


@pytest.mark.parametrize(
    ("nested", "why"),
    [
        (((0, 1, 2), (3, 4, 5)), "children"),
        (((0, 1), (2, (3, 4))), "different depths"),
        (((0, 3), (1, 2)), "joins positions 3 apart"),
        ((((0, 1), (2, 3)), ((4, 6), (5, 7))), "different distances"),
        (((0, 2), (1, 3)), ""),
    ],
)
def test_trees_without_a_scheme_say_why(nested: trees.Nested, why: str) -> None:
    scheme = find_dilations(trees.from_nested(nested))
    if why:
        assert scheme.dilations is None and why in scheme.reason
    else:
        assert scheme.dilations == (2, 1)


def test_exactly_the_dilation_trees_have_a_scheme_among_all_perfect_trees_over_8() -> None:
    """315 unordered perfect binary trees over 8 leaves; 3! = 6 are dilation trees."""

    all_trees = perfect_binary_trees(8)
    assert len(all_trees) == 315
    found = [find_dilations(trees.from_nested(t)).dilations for t in all_trees]
    assert sorted(d for d in found if d) == sorted(itertools.permutations([1, 2, 4]))


@pytest.mark.parametrize(
    ("text", "n", "match"),
    [
        ("1,3", None, "permutation of 1, 2, 4"),
        ("1,2,2", None, "permutation"),
        ("a,b", None, "permutation"),
        ("baseline", None, "needs --N"),
        ("groups:3", 16, "k >= 1 dividing L = 4"),
        ("1,2,4", 16, "but --N is 16"),
        ("swapped", 12, "N = 2\\^L"),
    ],
)
def test_bad_dilations_name_what_is_accepted(text: str, n: int | None, match: str) -> None:
    with pytest.raises(NotAModeTree, match=match):
        parse_dilations(text, n)
