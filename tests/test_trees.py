"""Mode trees: conventions (modes from 0, parent -> child), builders and validation."""

from __future__ import annotations

import networkx as nx
import pytest

from convac_verify.errors import NotAModeTree
from convac_verify.networks import trees


def test_conventions_golden() -> None:
    """Pins the module convention: leaf j is node j is mode j; internals post-order from N."""
    t = trees.from_nested(((0, 1), (2, 3)))
    assert trees.root(t) == 6 and trees.n_modes(t) == 4
    assert trees.children(t, 6) == [4, 5]
    assert [t.nodes[j]["mode"] for j in range(4)] == [0, 1, 2, 3]
    assert trees.internal_nodes(t) == [4, 5, 6]
    assert trees.height(t, 6) == 2 and trees.height(t, 4) == 1 and trees.height(t, 0) == 0
    assert list(t.edges) == [(4, 0), (4, 1), (5, 2), (5, 3), (6, 4), (6, 5)]


@pytest.mark.parametrize(
    ("spec", "nested"),
    [
        ("balanced:8", (((0, 1), (2, 3)), ((4, 5), (6, 7)))),
        ("balanced:9:3", ((0, 1, 2), (3, 4, 5), (6, 7, 8))),
        ("windows:2,3", ((0, 1), (2, 3), (4, 5))),
        ("cp:3", (0, 1, 2)),
        ("truncated:8:2", ((0, 1), (2, 3), (4, 5), (6, 7))),
        ("truncated:8:1", (0, 1, 2, 3, 4, 5, 6, 7)),
        ("((1,0),(2,(3,4)))", ((1, 0), (2, (3, 4)))),
    ],
)
def test_builders_golden(spec: str, nested: object) -> None:
    t = trees.parse_tree(spec)
    assert trees.to_nested(t) == nested
    assert trees.to_nested(trees.from_nested(trees.to_nested(t))) == nested


def test_builders_are_cached_and_frozen() -> None:
    assert trees.balanced(16) is trees.balanced(16)
    with pytest.raises(nx.NetworkXError):
        trees.balanced(16).add_edge(100, 101)


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("((0,1),(1,2))", "repeated \\[1\\]"),
        ("((0,1),(3,4))", "missing \\[2\\]"),
        ("((0,),(1,2))", "at least two children"),
        ("((0,1),(2,'a'))", "integer leaves"),
        ("((0,1),(2,3)", "cannot parse"),
        ("balanced:24", "power of 2"),
        ("balanced:16:1", "window must be >= 2"),
        ("nosuch:4", "unknown tree builder 'nosuch'; known: balanced"),
        ("balanced:x", "must be integers"),
        ("truncated:8:5", "1 <= L_c <= 3"),
        ("windows:2,1", ">= 2"),
    ],
)
def test_bad_trees_raise_named_errors(spec: str, message: str) -> None:
    with pytest.raises(NotAModeTree, match=message):
        trees.parse_tree(spec)


def test_validate_rejects_wrong_graphs() -> None:
    g = nx.DiGraph([(2, 0), (2, 1)])
    with pytest.raises(NotAModeTree, match="no root"):
        trees.validate_mode_tree(g)
    g.graph["root"] = 2
    for v in (0, 1):
        g.nodes[v]["mode"] = v
    assert trees.n_modes(trees.validate_mode_tree(g)) == 2
    g.add_edge(0, 1)
    with pytest.raises(NotAModeTree):
        trees.validate_mode_tree(g)
    with pytest.raises(NotAModeTree, match="nx.DiGraph"):
        trees.validate_mode_tree(nx.Graph())  # type: ignore[arg-type]


def test_leaves_below_and_sizes() -> None:
    t = trees.parse_tree("((3,0),(2,1))")
    assert trees.leaves_below(t, trees.root(t)) == (3, 0, 2, 1)
    assert trees.balanced_sizes(16) == [2, 4, 8, 16]
    assert trees.balanced_sizes(27, 3) == [3, 9, 27]
