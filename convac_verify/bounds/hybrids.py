"""Lower bounds for mixed decompositions through hybrid trees (Claim 5 + Theorem 7), and
the search for mixture nodes that maximize them.

The argument (ICLR 2018, Sec. 4-5): a mixed decomposition of size constant ``r_mix``
reproduces the tree decomposition of every hybrid tree H with size constant
``r_mix / 2`` (Claim 5, :func:`convac_verify.networks.mixed.claim5_mixed`); the grid
tensor is polynomial in the weights, so its generic rank is at least H's, and by
Theorem 7 that is ``(r_mix/2)^{P(H)}`` with P(H) the number of sibling pairs of depth
> 1 across ``Theta(I;H)`` and ``Theta(I^c;H)`` (discretizers spanning ``R^{r_mix/2}``,
so ``M >= r_mix/2``). Hence::

    rank [[A_mix]]_I >= (r_mix/2) ** max_H P(H)        (almost all weights)

**Max over hybrids without enumerating them.** A pair's parent p is an interior node
of H other than the root, and whether its two children are one tile of I and one of
I^c depends only on their mode sets. So P(H) is a sum over segments of the pairs whose
parent lies in the segment of the tree H takes it from, and the maximum is
``sum over segments of max(pairs in T's segment, pairs in T-bar's segment)``
(:func:`best_hybrid`). The hybrid attaining it is then built and its exponent
recomputed with the tilings code (:func:`convac_verify.bounds.tilings.tiling_bounds`),
and the tests compare it with the maximum over the lazy enumeration.

References
----------
N. Cohen, R. Tamari, A. Shashua. ICLR 2018 (arXiv 1703.06846v3): Def. 4, Claim 5,
Prop. 2, Theorem 7 and the worked example after it.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from math import comb

import networkx as nx

from ..errors import ConvacError
from ..networks import trees
from ..networks.mixed import Mixture, Node, hybrid_tree, node_text
from ..networks.partitions import Partition
from .tilings import sibling_pairs, tiling_bounds

__all__ = [
    "DEFAULT_MAX_SUBSETS",
    "BestHybrid",
    "SearchRow",
    "best_hybrid",
    "search_mixtures",
    "segment_pairs",
    "shared_interior_nodes",
]

DEFAULT_MAX_SUBSETS = 50_000


def _pair_parents(tree: nx.DiGraph, partition: Partition) -> list[Node]:
    """Mode sets of the parents of Theorem 7's sibling pairs (depth > 1)."""
    return [
        frozenset(trees.leaves_below(tree, a)) | frozenset(trees.leaves_below(tree, b))
        for a, b in sibling_pairs(tree, partition)
    ]


def _top_of(node: Node, tops: Sequence[Node]) -> Node:
    """The smallest segment top containing ``node`` (``tops`` in inclusion order)."""
    return next(t for t in tops if node <= t)


def segment_pairs(mixture: Mixture, partition: Partition) -> list[tuple[int, int]]:
    """Per segment top (visit order): Theorem 7's pairs whose parent lies in T's segment
    and in T-bar's segment."""
    tops = mixture.visit_order
    counts = {t: [0, 0] for t in tops}
    for which, tree in enumerate(mixture.pair()):
        for p in _pair_parents(tree, partition):
            counts[_top_of(p, tops)][which] += 1
    return [(counts[t][0], counts[t][1]) for t in tops]


@dataclass(frozen=True)
class BestHybrid:
    """The hybrid with the most sibling pairs for one partition."""

    choice: tuple[int, ...]
    """Per segment top: 0 = from T, 1 = from T-bar (ties go to T)."""
    exponent: int
    """``max_H P(H)``."""
    tree: nx.DiGraph
    """That hybrid."""
    per_segment: tuple[tuple[int, int], ...]
    """``(pairs in T's segment, pairs in T-bar's)`` per segment top."""

    def lower_bound(self, r_mix: int) -> int:
        """``(r_mix/2) ** exponent``: the mixed decomposition's generic rank is at least this."""
        return (r_mix // 2) ** self.exponent


def best_hybrid(mixture: Mixture, partition: Partition) -> BestHybrid:
    """``max_H P(H)`` by segments, its hybrid, checked against the tilings code.

    Examples
    --------
    The worked example after Theorem 7 (N = 16; mixture nodes at depth L - 2):

    >>> from convac_verify.networks.dilations import swapped_tree
    >>> from convac_verify.networks.dilated import example_partition
    >>> from convac_verify.networks.mixed import parse_mixture_nodes
    >>> m = parse_mixture_nodes("depth:2", swapped_tree(16, 1), swapped_tree(16, 2))
    >>> best = best_hybrid(m, example_partition(16))
    >>> best.exponent, best.choice
    (8, (0, 0, 1, 1, 0))
    """
    partition.require_proper()
    per = segment_pairs(mixture, partition)
    choice = tuple(1 if bar > t else 0 for t, bar in per)
    exponent = sum(max(t, bar) for t, bar in per)
    tree = hybrid_tree(mixture, choice)
    check = tiling_bounds(tree, partition).lower_exponent
    if check != exponent:  # the segment argument and the tilings code must agree
        raise AssertionError(f"hybrid exponent by segments {exponent} != by tilings {check}")
    return BestHybrid(choice, exponent, tree, tuple(per))


def shared_interior_nodes(tree: nx.DiGraph, tree_bar: nx.DiGraph) -> list[Node]:
    """``int(T) & int(T-bar)`` without the root, smallest first: the candidate mixture nodes."""
    root = trees.root(tree)
    mine = {frozenset(trees.leaves_below(tree, v)) for v in trees.internal_nodes(tree) if v != root}
    other = {frozenset(trees.leaves_below(tree_bar, v)) for v in trees.internal_nodes(tree_bar)}
    return sorted(mine & other, key=lambda s: (len(s), min(s)))


@dataclass(frozen=True)
class SearchRow:
    """One choice of mixture nodes and its certified lower-bound exponents."""

    nodes: tuple[Node, ...]
    """The mixture nodes (inclusion order)."""
    exponents: tuple[int, ...]
    """``max_H P(H)`` per partition of the family."""
    hybrid_count: int
    """Distinct hybrids this choice yields."""

    @property
    def worst(self) -> int:
        """The smallest exponent over the family (the ranking key)."""
        return min(self.exponents)

    @property
    def total(self) -> int:
        """The sum over the family (second key)."""
        return sum(self.exponents)

    def text(self) -> str:
        """The nodes, e.g. ``{0-3} {8-11}`` (``none`` for the plain sum)."""
        return " ".join(node_text(n) for n in self.nodes) or "none"


def search_mixtures(
    tree: nx.DiGraph,
    tree_bar: nx.DiGraph,
    partitions: Sequence[Partition],
    budget: int,
    *,
    max_subsets: int = DEFAULT_MAX_SUBSETS,
) -> list[SearchRow]:
    """Every choice of at most ``budget`` shared interior nodes, ranked by the certified
    lower-bound exponent (smallest over ``partitions`` first, then their sum, then fewer
    nodes).

    Raises
    ------
    ConvacError
        If there are more than ``max_subsets`` choices (lower the budget).
    """
    if budget < 0:
        raise ConvacError(f"the mixture budget must be >= 0; got {budget}")
    for part in partitions:
        part.require_proper()
    cands = shared_interior_nodes(tree, tree_bar)
    total = sum(comb(len(cands), k) for k in range(min(budget, len(cands)) + 1))
    if total > max_subsets:
        raise ConvacError(
            f"{total:,} choices of at most {budget} of the {len(cands)} shared nodes exceed "
            f"{max_subsets:,}; lower the budget"
        )
    root = frozenset(range(trees.n_modes(tree)))
    pair_parents = [[_pair_parents(t, p) for t in (tree, tree_bar)] for p in partitions]
    interior = [
        [frozenset(trees.leaves_below(t, v)) for v in trees.internal_nodes(t)]
        for t in (tree, tree_bar)
    ]
    containing = {  # node -> candidates containing it, smallest first
        node: [c for c in cands if node <= c]
        for node in {n for ns in interior for n in ns}
        | {p for pp in pair_parents for ps in pp for p in ps}
    }
    rows = []
    for k in range(min(budget, len(cands)) + 1):
        for subset in itertools.combinations(cands, k):
            chosen = set(subset)

            def top(node: Node, chosen: set[Node] = chosen) -> Node:
                return next((c for c in containing[node] if c in chosen), root)

            exps = []
            for pp in pair_parents:
                count: dict[tuple[Node, int], int] = {}
                for which in (0, 1):
                    for p in pp[which]:
                        key = (top(p), which)
                        count[key] = count.get(key, 0) + 1
                tops = {t for t, _ in count}
                exps.append(sum(max(count.get((t, 0), 0), count.get((t, 1), 0)) for t in tops))
            segs: list[dict[Node, set[Node]]] = [{}, {}]
            for which in (0, 1):
                for node in interior[which]:
                    segs[which].setdefault(top(node), set()).add(node)
            differing = sum(segs[0].get(t, set()) != segs[1].get(t, set()) for t in (*subset, root))
            rows.append(SearchRow(tuple(subset), tuple(exps), 2**differing))
    rows.sort(key=lambda r: (-r.worst, -r.total, len(r.nodes), [sorted(n) for n in r.nodes]))
    return rows
