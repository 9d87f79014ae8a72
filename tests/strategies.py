"""Hypothesis strategies shared by the pooling tests: random mode trees."""

from __future__ import annotations

import networkx as nx
from hypothesis import strategies as st

from convac_verify.networks import trees


@st.composite
def random_tree(draw: st.DrawFn, max_modes: int = 10, binary: bool = False) -> nx.DiGraph:
    """A random mode tree: random leaf order, random merges of 2 (or up to 4) nodes."""
    n = draw(st.integers(2, max_modes))
    order = draw(st.permutations(list(range(n))))
    nodes: list[trees.Nested] = list(order)
    while len(nodes) > 1:
        k = 2 if binary else draw(st.integers(2, min(4, len(nodes))))
        start = draw(st.integers(0, len(nodes) - k))
        merged = tuple(nodes[start : start + k])
        nodes = [*nodes[:start], merged, *nodes[start + k :]]
    return trees.from_nested(nodes[0])
