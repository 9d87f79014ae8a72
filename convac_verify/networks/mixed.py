r"""Mixed tensor decompositions and hybrid mode trees (Cohen, Tamari & Shashua, Sec. 4).

This module describes a mixed decomposition as **data** -- two trees, their mixture
nodes, per-node weights -- and builds the hybrid trees of Def. 4 and the weights of
Claim 5. It does not evaluate grid tensors: the tensor-network core does (see
"Compiling into a tensor network" below); there is no second evaluator.

Conventions (stated once; pinned by ``tests/test_mixed.py``)
-----------------------------------------------------------
* Modes are 0-based (:mod:`convac_verify.networks.trees`). A **node is named by its
  mode set** (a ``frozenset``): T and T-bar are different graphs, and a mixture node
  is a set of modes that is an interior node of both.
* ``mix(T, T-bar)`` must lie in ``int(T) & int(T-bar)``; a node that is not interior
  to both is refused with a one-line error naming it. The root ``[N]`` is always
  visited last and is never listed (a swap there cannot change the summed output).
* **Inclusion order**: mixture nodes sorted by size (then by their smallest mode),
  then ``[N]``; a node's *parent mixture* is the smallest visited node containing it.
* **Segment** of ``mu`` in a tree S: the interior nodes of S inside ``mu`` that are not
  inside a child mixture node of ``mu`` (the top ``mu`` included). Every interior node
  of S lies in exactly one segment.
* **Size constant** ``r_mix`` (even): every node of both trees has ``r_mix`` channels;
  the root has one output channel (``A^y`` for one y). Half of the channels are
  *swapped* at each mixture node: the **low block** ``gamma in {0..r_mix/2-1}``
  (0-based; the paper's ``gamma in [r/2]``); the high block stays.
* **r_0.** In the paper (and here) ``r_0`` is the **input dimension**: the leaves carry
  the discretizers ``v^(1..M) in R^{r_0}`` and no convolution, with ``r_0 = r_mix``.
  In the tool's same-channel decompositions (:mod:`convac_verify.networks.decompositions`)
  ``r_0`` is the width of the first 1x1 convolution applied to the M templates. The
  two agree under one identification, used everywhere: **tool r_0 = paper r_0 =
  r_mix, with the first 1x1 convolution's weights ``A^{(0,j)} = V^T`` (the** ``r_0 x M``
  **discretizer matrix) shared by every position j**. JSON params carry it as
  ``r0`` and ``r0_convention`` (:data:`R0_CONVENTION`).

Semantics (ICLR 2018 eq. 4, product pooling)
--------------------------------------------
For S in {T, T-bar}, ``value(S, nu)`` is the ``r_mix``-channel tensor of node ``nu``
*as its parent in S reads it*:

* leaf ``{j}``: ``value = V^T`` (channel gamma = ``[v^(1)_gamma .. v^(M)_gamma]``),
  the same in both trees;
* interior ``nu`` with children ``c_1, c_2`` in S:
  ``pre(S, nu)_gamma = (sum_a W^{S,nu,1}_{gamma a} value(S, c_1)_a)
  (x) (sum_a W^{S,nu,2}_{gamma a} value(S, c_2)_a)`` (eq. 3);
* if ``nu`` is a mixture node: ``value(T, nu) = [pre(T-bar, nu)_low ; pre(T, nu)_high]``
  and ``value(T-bar, nu) = [pre(T, nu)_low ; pre(T-bar, nu)_high]`` (the swap);
  otherwise ``value = pre``;
* output: ``A^y = pre(T, [N])_0 + pre(T-bar, [N])_0`` (the root's single channel).

This is the paper's traversal (nodes of T inside mu, then of T-bar, then the swap)
written as a recursion; it is what the compiled network must contract to.

Compiling into a tensor network
-------------------------------
:mod:`convac_verify.networks.mixed_network` compiles it (``compile_network``): per
segment a direct sum of T's and T-bar's part -- every bond widened by a constant channel
(``r_mix (+) 1``), block weights ``W (+) 1``, the inputs (template indices copied by
deltas, child mixture nodes' ``2 r_mix`` outputs) routed by fixed tensors to one tree or
the other under a selector of dimension 2, a fixed readout applying the swap. Its grid
tensor is the one contraction's; Claim 5's weights (:func:`claim5_mixed`) give the exact
test: it equals the hybrid's (:func:`convac_verify.networks.dilated.dilated_grid_tensor`)
entry for entry.

References
----------
N. Cohen, R. Tamari, A. Shashua. Boosting Dilated Convolutional Networks with Mixed
Tensor Decompositions. ICLR 2018 (arXiv 1703.06846v3): eq. 3, eq. 4, Def. 4, Claim 5,
Prop. 2.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache

import networkx as nx
import numpy as np

from ..algebra.fields import Array, Ring
from ..errors import ConvacError, InvalidDecomposition
from . import trees
from .dilated import DilatedDecomposition, _discretizer_matrix

__all__ = [
    "R0_CONVENTION",
    "MixedDecomposition",
    "Mixture",
    "claim5_mixed",
    "hybrid_tree",
    "hybrids",
    "make_mixture",
    "node_index",
    "node_text",
    "parse_mixture_nodes",
    "random_mixed",
]

Node = frozenset[int]

R0_CONVENTION = (
    "r0 = input dimension (paper) = r_mix = width of the tool's first 1x1 conv, whose "
    "weights are V^T (the discretizers), shared by all positions"
)


def node_text(node: Node | Sequence[int], limit: int = 10) -> str:
    """``{0-3}`` for a contiguous run, else ``{0,2,5}`` (long sets end in ``...``).

    Examples
    --------
    >>> node_text(frozenset({0, 1, 2, 3})), node_text(frozenset({0, 2})), node_text({5})
    ('{0-3}', '{0,2}', '{5}')
    """
    ms = sorted(node)
    if len(ms) > 2 and ms[-1] - ms[0] == len(ms) - 1:
        return "{" + f"{ms[0]}-{ms[-1]}" + "}"
    shown = ",".join(map(str, ms[:limit]))
    return "{" + shown + (",..." if len(ms) > limit else "") + "}"


@lru_cache(maxsize=64)
def node_index(tree: nx.DiGraph) -> dict[Node, int]:
    """Mode set -> node id (trees are never modified after validation; see ``trees``)."""
    return {frozenset(trees.leaves_below(tree, v)): v for v in trees.postorder(tree)}


def _tree_name(tree: nx.DiGraph, default: str) -> str:
    return str(tree.graph.get("name", default))


@dataclass(frozen=True)
class Mixture:
    """Two mode trees over the same modes and their mixture nodes (the architecture)."""

    tree: nx.DiGraph
    """T."""
    tree_bar: nx.DiGraph
    """T-bar."""
    nodes: tuple[Node, ...]
    """``mix(T, T-bar)`` in inclusion order (the root excluded)."""

    @property
    def n_modes(self) -> int:
        """N."""
        return trees.n_modes(self.tree)

    @property
    def root(self) -> Node:
        """``[N]``."""
        return frozenset(range(self.n_modes))

    @property
    def visit_order(self) -> tuple[Node, ...]:
        """Mixture nodes, then ``[N]`` (the segment tops)."""
        return (*self.nodes, self.root)

    def pair(self) -> tuple[nx.DiGraph, nx.DiGraph]:
        """``(T, T-bar)``."""
        return self.tree, self.tree_bar

    @cached_property
    def parent_top(self) -> dict[Node, Node]:
        """Mixture node -> the smallest segment top strictly containing it."""
        out: dict[Node, Node] = {}
        order = self.visit_order
        for i, mu in enumerate(self.nodes):
            out[mu] = next(nu for nu in order[i + 1 :] if mu < nu)
        return out

    def segment(self, top: Node, which: int) -> tuple[Node, ...]:
        """The interior nodes of T (``which = 0``) or T-bar (1) in the segment of ``top``
        (postorder; ``top`` last)."""
        tree = self.pair()[which]
        index = node_index(tree)
        mix = set(self.nodes)
        out: list[Node] = []

        def walk(v: int) -> None:
            for c in trees.children(tree, v):
                node = frozenset(trees.leaves_below(tree, c))
                if trees.children(tree, c) and node not in mix:
                    walk(c)
            out.append(frozenset(trees.leaves_below(tree, v)))

        walk(index[top])
        return tuple(out)

    def segment_of(self, which: int) -> dict[Node, Node]:
        """Interior node of T (0) or T-bar (1) -> the top of its segment."""
        return {nu: top for top in self.visit_order for nu in self.segment(top, which)}

    @cached_property
    def differing(self) -> tuple[bool, ...]:
        """Per segment top (visit order): whether T's and T-bar's segments differ."""
        return tuple(set(self.segment(t, 0)) != set(self.segment(t, 1)) for t in self.visit_order)

    @cached_property
    def hybrid_edges(self) -> int:
        """The most edges of a hybrid tree: per segment the larger edge count of T's and
        T-bar's (``2N - 2`` for binary trees)."""
        total = 0
        for top in self.visit_order:
            counts = []
            for which, tree in enumerate(self.pair()):
                index = node_index(tree)
                counts.append(
                    sum(len(trees.children(tree, index[nu])) for nu in self.segment(top, which))
                )
            total += max(counts)
        return total

    @property
    def hybrid_count(self) -> int:
        """The number of distinct hybrid trees (Def. 4): ``2**(segments that differ)``."""
        return 2 ** sum(self.differing)

    @property
    def choice_count(self) -> int:
        """The number of choices (T or T-bar per segment): ``2**(|mix| + 1)``."""
        return 2 ** len(self.visit_order)

    def describe(self) -> str:
        """``T = ..., T-bar = ..., mix = {..} {..}``."""
        shown = " ".join(node_text(m) for m in self.nodes[:8])
        more = f" ... ({len(self.nodes)} nodes)" if len(self.nodes) > 8 else ""
        return (
            f"T = {_tree_name(self.tree, 'T')}, T-bar = {_tree_name(self.tree_bar, 'T-bar')}, "
            f"mix = {shown or 'none'}{more}"
        )


def make_mixture(tree: nx.DiGraph, tree_bar: nx.DiGraph, nodes: Sequence[Sequence[int]]) -> Mixture:
    """Validate ``mix(T, T-bar)`` and put it in inclusion order.

    Raises
    ------
    ConvacError
        One line naming the first node that is not interior to both trees (or trees over
        different numbers of modes).

    Examples
    --------
    >>> from convac_verify.networks.dilations import swapped_tree
    >>> m = make_mixture(swapped_tree(8, 1), swapped_tree(8, 3), [[0, 1, 2, 3, 4, 5, 6, 7]])
    >>> m.nodes
    ()
    >>> make_mixture(swapped_tree(8, 1), swapped_tree(8, 3), [[0, 1]])
    Traceback (most recent call last):
    ...
    convac_verify.errors.ConvacError: mixture node {0,1} is not interior to T-bar = dilations:4,2,1 (not a node of it)
    """
    n, n_bar = trees.n_modes(tree), trees.n_modes(tree_bar)
    if n != n_bar:
        raise ConvacError(f"T and T-bar must share the modes: N = {n} and {n_bar}")
    root = frozenset(range(n))
    out: set[Node] = set()
    for raw in nodes:
        node = frozenset(int(m) for m in raw)
        for name, t in (("T", tree), ("T-bar", tree_bar)):
            index = node_index(t)
            label = f"{name} = {_tree_name(t, name)}"
            if node not in index:
                raise ConvacError(
                    f"mixture node {node_text(node)} is not interior to {label} (not a node of it)"
                )
            if not trees.children(t, index[node]):
                raise ConvacError(
                    f"mixture node {node_text(node)} is not interior to {label} (a leaf)"
                )
        if node != root:
            out.add(node)
    ordered = tuple(sorted(out, key=lambda s: (len(s), min(s))))
    return Mixture(tree, tree_bar, ordered)


def _parse_set(text: str) -> list[int]:
    modes: list[int] = []
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        lo, dash, hi = part.partition("-")
        modes += list(range(int(lo), int(hi) + 1)) if dash else [int(lo)]
    return modes


def parse_mixture_nodes(text: str, tree: nx.DiGraph, tree_bar: nx.DiGraph) -> Mixture:
    """Parse ``--mix``: ``layer:K`` (every node of height K of T, i.e. layer K),
    ``depth:D`` (depth D below the root), ``none``, or mode sets ``0-3;4,5,6,7``.

    Examples
    --------
    >>> from convac_verify.networks.dilations import swapped_tree
    >>> m = parse_mixture_nodes("depth:2", swapped_tree(16, 1), swapped_tree(16, 2))
    >>> [node_text(x) for x in m.nodes]
    ['{0-3}', '{4-7}', '{8-11}', '{12-15}']
    """
    text = text.strip()
    kind, _, arg = text.partition(":")
    if text == "none":
        return make_mixture(tree, tree_bar, [])
    if kind in ("layer", "depth"):
        try:
            levels = [int(a) for a in arg.split(",") if a.strip()]
        except ValueError:
            raise ConvacError(f"--mix {kind}:K takes integers; got {text!r}") from None
        depth = trees.height(tree, trees.root(tree))
        heights = set(levels) if kind == "layer" else {depth - d for d in levels}
        nodes = [
            trees.leaves_below(tree, v)
            for v in trees.internal_nodes(tree)
            if trees.height(tree, v) in heights
        ]
        if not nodes:
            raise ConvacError(f"--mix {text}: T has no interior node there (its depth is {depth})")
        return make_mixture(tree, tree_bar, nodes)
    try:
        sets = [_parse_set(s) for s in text.split(";") if s.strip()]
    except ValueError:
        raise ConvacError(
            f"--mix takes layer:K, depth:D, none, or mode sets like 0-3;4,5,6,7; got {text!r}"
        ) from None
    return make_mixture(tree, tree_bar, sets)


# --------------------------------------------------------------------------- hybrids


def hybrid_tree(mixture: Mixture, choice: Sequence[int]) -> nx.DiGraph:
    """The hybrid tree H of Def. 4: segment ``mu`` from T (``choice = 0``) or T-bar (1),
    per segment top in visit order.

    Examples
    --------
    >>> from convac_verify.networks.dilations import dilation_tree
    >>> m = parse_mixture_nodes("depth:1", trees.balanced(8), dilation_tree([2, 1, 4]))
    >>> trees.to_nested(hybrid_tree(m, (0, 1, 0)))
    (((0, 1), (2, 3)), ((4, 6), (5, 7)))
    """
    tops = mixture.visit_order
    if len(choice) != len(tops) or any(c not in (0, 1) for c in choice):
        raise ConvacError(
            f"a hybrid takes 0 (T) or 1 (T-bar) per segment ({len(tops)}); got {choice}"
        )
    pick = dict(zip(tops, choice, strict=True))
    indices = [node_index(t) for t in mixture.pair()]
    mix = set(mixture.nodes)

    def build(node: Node, which: int) -> trees.Nested:
        tree = mixture.pair()[which]
        v = indices[which][node]
        kids = trees.children(tree, v)
        if not kids:
            return int(tree.nodes[v]["mode"])
        out = []
        for c in kids:
            child = frozenset(trees.leaves_below(tree, c))
            out.append(build(child, pick[child]) if child in mix else build(child, which))
        return tuple(out)

    hybrid = trees.from_nested(build(mixture.root, pick[mixture.root]))
    hybrid.graph["name"] = "hybrid:" + "".join("T" if c == 0 else "B" for c in choice)
    return hybrid


def hybrids(mixture: Mixture) -> Iterator[tuple[tuple[int, ...], nx.DiGraph]]:
    """Every distinct hybrid, lazily: ``(choice, H)``; ``mixture.hybrid_count`` of them.

    Segments where T and T-bar agree are taken from T (either gives the same tree).
    The first is T itself and the last T-bar (Prop. 2: both are hybrids).
    """
    free = [i for i, d in enumerate(mixture.differing) if d]
    for bits in itertools.product((0, 1), repeat=len(free)):
        choice = [0] * len(mixture.visit_order)
        for i, b in zip(free, bits, strict=True):
            choice[i] = b
        yield tuple(choice), hybrid_tree(mixture, choice)


# --------------------------------------------------------------------------- weights


@dataclass(frozen=True)
class MixedDecomposition:
    """A mixed decomposition (eq. 4) with concrete weights: data only (see the module
    docstring for its semantics and its compilation into a tensor network)."""

    mixture: Mixture
    """T, T-bar and mix(T, T-bar)."""
    dim: int
    """M: number of discretizers."""
    width: int
    """r_mix (even when there are mixture nodes): channels of every node; also the input
    dimension r_0."""
    discretizers: Array
    """V, shape ``(M, r_mix)``: row d is ``v^(d)``."""
    weights: tuple[Mapping[Node, tuple[Array, ...]], Mapping[Node, tuple[Array, ...]]]
    """Per tree (T, T-bar): interior node -> one ``(out, r_mix)`` matrix per child, in
    the tree's child order (``out = 1`` at the root)."""
    ring: Ring
    """Where everything lives."""

    def __post_init__(self) -> None:
        r = self.width
        if r < 1 or (self.mixture.nodes and r % 2):
            raise InvalidDecomposition(f"r_mix must be even and >= 2 (half is swapped); got {r}")
        if np.asarray(self.discretizers).shape != (self.dim, r):
            raise InvalidDecomposition(
                f"discretizers must be M x r_mix = {self.dim} x {r}; got "
                f"{np.asarray(self.discretizers).shape}"
            )
        root = self.mixture.root
        for which, tree in enumerate(self.mixture.pair()):
            for v in trees.internal_nodes(tree):
                node = frozenset(trees.leaves_below(tree, v))
                mats = self.weights[which].get(node)
                out = 1 if node == root else r
                if mats is None or len(mats) != len(trees.children(tree, v)):
                    raise InvalidDecomposition(
                        f"tree {which} node {node_text(node)} needs one weight matrix per child"
                    )
                for w in mats:
                    if np.asarray(w).shape != (out, r):
                        raise InvalidDecomposition(
                            f"tree {which} node {node_text(node)}: weights must be {out} x {r}; "
                            f"got {np.asarray(w).shape}"
                        )

    @property
    def n_modes(self) -> int:
        """N."""
        return self.mixture.n_modes

    def entry_degree(self) -> int:
        """Degree of a grid-tensor entry in all parameters: each monomial uses one weight
        per edge of one hybrid tree (every segment from T or from T-bar) and one
        discretizer entry per mode, so the degree is at most the most edges of a hybrid
        (per segment the larger of T's and T-bar's edge counts) plus N."""
        return self.mixture.hybrid_edges + self.n_modes


def random_mixed(
    mixture: Mixture,
    dim: int,
    width: int,
    ring: Ring,
    rng: np.random.Generator,
    *,
    discretizers: str = "random",
) -> MixedDecomposition:
    """Every weight (and, by default, the discretizers) uniform over the ring."""
    v = _discretizer_matrix(discretizers, dim, width, ring, rng)
    root = mixture.root
    weights: list[dict[Node, tuple[Array, ...]]] = []
    for tree in mixture.pair():
        w: dict[Node, tuple[Array, ...]] = {}
        for node_id in trees.internal_nodes(tree):
            node = frozenset(trees.leaves_below(tree, node_id))
            out = 1 if node == root else width
            w[node] = tuple(ring.random(rng, (out, width)) for _ in trees.children(tree, node_id))
        weights.append(w)
    return MixedDecomposition(mixture, dim, width, v, (weights[0], weights[1]), ring)


def claim5_mixed(
    mixture: Mixture,
    choice: Sequence[int],
    hybrid: DilatedDecomposition,
    pad: Array | None = None,
) -> MixedDecomposition:
    """Claim 5, constructively: mixed weights (size ``r_mix = 2 r``) that reproduce the
    tree decomposition of the hybrid H = ``hybrid_tree(mixture, choice)`` of size r.

    The segment of ``mu`` is computed by the tree H takes it from, in one block of
    ``r`` channels; the other tree's weights there are zero (zero padding). The block
    of a segment's top is **low** (swapped into the other tree) when the parent
    segment comes from the other tree, else **high** (kept); every other node uses the
    low block, and leaves use the low block of the discretizers. The weights do not
    depend on the discretizers: ``V_mix = [V_H | pad]`` (``pad`` zero by default).

    Raises
    ------
    InvalidDecomposition
        If ``hybrid`` is not a decomposition over that hybrid tree.
    """
    h_tree = hybrid_tree(mixture, choice)
    if node_index(h_tree).keys() != node_index(hybrid.tree).keys():
        raise InvalidDecomposition("the decomposition is not over the hybrid tree of this choice")
    r = hybrid.width
    ring = hybrid.ring
    pick = dict(zip(mixture.visit_order, choice, strict=True))
    root = mixture.root
    mix = set(mixture.nodes)
    h_index = node_index(hybrid.tree)
    low, high = slice(0, r), slice(r, 2 * r)

    def block(node: Node, which: int) -> slice:
        """Where ``node``'s channels live in tree ``which`` as its parent reads them."""
        if node not in mix:
            return low
        return high if pick[node] == which else low

    weights: list[dict[Node, tuple[Array, ...]]] = [{}, {}]
    for which, tree in enumerate(mixture.pair()):
        seg = mixture.segment_of(which)
        for node_id in trees.internal_nodes(tree):
            node = frozenset(trees.leaves_below(tree, node_id))
            out = 1 if node == root else 2 * r
            kids = [frozenset(trees.leaves_below(tree, c)) for c in trees.children(tree, node_id)]
            mats = [np.zeros((out, 2 * r), dtype=object) for _ in kids]
            if pick[seg[node]] == which:  # this tree computes the segment: copy H's weights
                if node == root:
                    rows = slice(0, 1)
                elif node in mix:
                    rows = high if pick[mixture.parent_top[node]] == which else low
                else:
                    rows = low
                h_kids = [
                    frozenset(trees.leaves_below(hybrid.tree, c))
                    for c in trees.children(hybrid.tree, h_index[node])
                ]
                for i, kid in enumerate(kids):
                    h_w = np.asarray(ring.to_ints(hybrid.weights[h_index[node]][h_kids.index(kid)]))
                    mats[i][rows, block(kid, which)] = h_w.reshape(-1, r)
            weights[which][node] = tuple(ring.from_ints(m) for m in mats)
    v_h = np.asarray(ring.to_ints(hybrid.discretizers), dtype=object).reshape(hybrid.dim, r)
    pad_ints = (
        np.zeros((hybrid.dim, r), dtype=object)
        if pad is None
        else np.asarray(ring.to_ints(pad), dtype=object).reshape(hybrid.dim, r)
    )
    v = ring.from_ints(np.hstack([v_h, pad_ints]))
    return MixedDecomposition(mixture, hybrid.dim, 2 * r, v, (weights[0], weights[1]), ring)
