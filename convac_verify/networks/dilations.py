"""Dilation schemes and mode trees, both directions (Cohen, Tamari & Shashua, Sec. 3).

A dilated network here is a stack of L size-2 convolutions; layer l (1-based) has
dilation ``d_l``: its unit at time t combines the layer-(l-1) units at ``t - d_l`` and
``t``. One output depends on the last ``N = 2^L`` inputs.

Conventions (the one place they are stated; pinned by ``tests/test_dilations.py``)
-------------------------------------------------------------------------------
* **Positions are 0-based**: mode ``j`` is the input ``x[t - N + 1 + j]`` of the
  output at time t (mode 0 the oldest input, mode N-1 the newest).
* The dilations must be ``1, 2, ..., 2^(L-1)`` in some order (a permutation of the
  powers of two), so every input reaches the output exactly once. Layer l joins the
  two layer-(l-1) units whose positions **differ in the binary digit of d_l**: with
  dilations 2,1,8,4 the first layer pairs (0,2), (1,3), (4,6), ...; the second pairs
  {0,2} with {1,3}; and so on.
* The **mode tree** of a scheme (Def. 1) has one node per unit of the output's
  computation: a layer-l unit is the node of height l whose modes are its receptive
  field. Its first child holds the positions whose digit of ``d_l`` is 0.
* Named schemes (ICLR 2018, Sec. 3): ``baseline`` ``d_l = 2^(l-1)`` (contiguous
  blocks, WaveNet); ``swapped`` -- dilations of even and odd layers swapped (L even;
  fig. 2(b)); ``groups:k`` -- groups of k layers swapped,
  ``d_l = 2^(ceil(l/k) k - 1 - ((l-1) mod k))`` (k divides L; ``groups:1`` is the
  baseline, ``groups:2`` is ``swapped``).

The inverse direction, :func:`find_dilations`, says which scheme a tree comes from,
or why none does (not binary, leaves at different depths, a unit joining positions
at a distance that is not a single power of two, two units of one layer with
different distances, a distance used by two layers).

References
----------
N. Cohen, R. Tamari, A. Shashua. Boosting Dilated Convolutional Networks with Mixed
Tensor Decompositions. ICLR 2018 (arXiv 1703.06846v3): Sec. 3, Def. 1, fig. 2.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import combinations

import networkx as nx

from ..errors import NotAModeTree
from . import trees
from .partitions import Partition, register_partition

__all__ = [
    "SCHEME_NAMES",
    "DilationScheme",
    "dilation_tree",
    "find_dilations",
    "group_dilations",
    "groups_partition",
    "layer_joins",
    "log2_modes",
    "parse_dilations",
    "perfect_binary_trees",
    "scheme_name",
    "scheme_tree",
    "swapped_tree",
]

SCHEME_NAMES = ("baseline", "swapped", "groups:K")
_ACCEPTED = (
    "a permutation of 1, 2, 4, ..., 2^(L-1) (e.g. 2,1,8,4), or a named scheme: "
    "baseline, swapped, groups:K (with --N)"
)


def log2_modes(n: int, what: str) -> int:
    """``L`` with ``N = 2^L``; an error naming ``what`` otherwise."""
    if n < 2 or n & (n - 1):
        raise NotAModeTree(f"{what} needs N = 2^L >= 2 inputs; got {n}")
    return n.bit_length() - 1


def group_dilations(n_layers: int, group: int) -> tuple[int, ...]:
    """``d_l = 2^(ceil(l/k) k - 1 - ((l-1) mod k))`` for ``l = 1..L`` (k = ``group``).

    Examples
    --------
    >>> group_dilations(4, 1), group_dilations(4, 2), group_dilations(4, 4)
    ((1, 2, 4, 8), (2, 1, 8, 4), (8, 4, 2, 1))
    """
    if group < 1 or n_layers < 1 or n_layers % group:
        raise NotAModeTree(
            f"swapping groups of k layers needs k >= 1 dividing L = {n_layers}; got k = {group}"
        )
    return tuple(
        2 ** (-(-l // group) * group - 1 - ((l - 1) % group)) for l in range(1, n_layers + 1)
    )


def dilation_tree(dilations: Sequence[int]) -> nx.DiGraph:
    """Mode tree of a dilated network with size-2 convolutions, dilation ``d_l`` in layer l.

    The dilations must be the powers ``1, 2, ..., 2^(L-1)`` in some order (every input
    reaches the output once).

    Examples
    --------
    >>> trees.to_nested(dilation_tree([1, 2]))
    ((0, 1), (2, 3))
    >>> trees.to_nested(dilation_tree([2, 1]))
    ((0, 2), (1, 3))
    """
    return _dilation_tree(tuple(int(d) for d in dilations))


@lru_cache(maxsize=64)
def _dilation_tree(dilations: tuple[int, ...]) -> nx.DiGraph:
    depth = len(dilations)
    if depth < 1 or sorted(dilations) != [2**k for k in range(depth)]:
        raise NotAModeTree(
            f"dilations must be 1, 2, ..., 2^(L-1) in some order; got {list(dilations)}"
        )
    bits = [d.bit_length() - 1 for d in dilations]  # bits[l-1]: the bit layer l joins on

    def build(fixed: int, level: int) -> trees.Nested:
        # the node of layer ``level`` whose inputs agree on the bits above it: ``fixed``
        if level == 0:
            return fixed
        bit = 1 << bits[level - 1]
        return (build(fixed, level - 1), build(fixed | bit, level - 1))

    tree = trees.from_nested(build(0, depth))
    tree.graph["name"] = "dilations:" + ",".join(map(str, dilations))
    return nx.freeze(tree)


@lru_cache(maxsize=64)
def swapped_tree(n_modes: int, group: int = 2) -> nx.DiGraph:
    """The tree of the network with dilations swapped in groups of ``group`` layers.

    ``group = 1`` is the baseline (contiguous) tree; ``group = 2`` swaps even and odd
    layers (ICLR 2018 fig. 2(b)).

    Examples
    --------
    >>> trees.to_nested(swapped_tree(16, 2))[0]
    (((0, 2), (1, 3)), ((8, 10), (9, 11)))
    """
    depth = log2_modes(n_modes, "a dilated network")
    return dilation_tree(group_dilations(depth, group))


def scheme_name(dilations: Sequence[int]) -> str | None:
    """The paper's name of a scheme (``baseline``, ``swapped``, ``groups:k``), if it has one.

    Examples
    --------
    >>> scheme_name((1, 2, 4, 8)), scheme_name((2, 1, 8, 4)), scheme_name((4, 2, 1, 8))
    ('baseline', 'swapped', None)
    """
    ds = tuple(dilations)
    n_layers = len(ds)
    for k in range(1, n_layers + 1):
        if n_layers % k == 0 and group_dilations(n_layers, k) == ds:
            return {1: "baseline", 2: "swapped"}.get(k, f"groups:{k}")
    return None


def parse_dilations(text: str, n_modes: int | None = None) -> tuple[int, ...]:
    """Parse ``--dilations``: ``2,1,8,4`` or a named scheme (needs ``n_modes`` = N = 2^L).

    Examples
    --------
    >>> parse_dilations("2,1,8,4"), parse_dilations("groups:2", 16)
    ((2, 1, 8, 4), (2, 1, 8, 4))

    Raises
    ------
    NotAModeTree
        One line naming what is accepted.
    """
    text = text.strip()
    name, _, arg = text.partition(":")
    if name in ("baseline", "swapped", "groups"):
        if n_modes is None:
            raise NotAModeTree(f"the named scheme {text!r} needs --N (N = 2^L inputs)")
        depth = log2_modes(n_modes, f"the scheme {text!r}")
        if name == "groups":
            try:
                k = int(arg)
            except ValueError:
                raise NotAModeTree(f"groups:K takes an integer K; got {text!r}") from None
        else:
            if arg:
                raise NotAModeTree(f"{name} takes no argument; got {text!r}")
            k = 1 if name == "baseline" else 2
        return group_dilations(depth, k)
    try:
        ds = tuple(int(t) for t in text.replace(" ", "").split(",") if t)
    except ValueError:
        raise NotAModeTree(f"--dilations takes {_ACCEPTED}; got {text!r}") from None
    if not ds or sorted(ds) != [2**k for k in range(len(ds))]:
        raise NotAModeTree(f"--dilations takes {_ACCEPTED}; got {text!r}")
    if n_modes is not None and 2 ** len(ds) != n_modes:
        raise NotAModeTree(
            f"{len(ds)} dilations give N = {2 ** len(ds)} inputs, but --N is {n_modes}"
        )
    return ds


def scheme_tree(spec: str, n_modes: int) -> nx.DiGraph:
    """A tree over N = ``n_modes`` inputs: a dilation scheme (``baseline``, ``swapped``,
    ``groups:K``, ``2,1,8,4``) or any tree spec of :func:`trees.parse_tree`.

    Examples
    --------
    >>> trees.to_nested(scheme_tree("swapped", 4)), trees.to_nested(scheme_tree("((0,1),(2,3))", 4))
    (((0, 2), (1, 3)), ((0, 1), (2, 3)))
    """
    spec = spec.strip()
    head = spec.partition(":")[0]
    if head in ("baseline", "swapped", "groups") or (spec[:1].isdigit()):
        tree = dilation_tree(parse_dilations(spec, n_modes))
    else:
        tree = trees.parse_tree(spec)
    if trees.n_modes(tree) != n_modes:
        raise NotAModeTree(f"tree {spec!r} has {trees.n_modes(tree)} modes; N is {n_modes}")
    return tree


def perfect_binary_trees(n_modes: int) -> list[trees.Nested]:
    """Every perfect binary tree over ``0..N-1`` (children unordered), as nested tuples:
    315 for N = 8, of which 3! are dilation trees.

    Examples
    --------
    >>> perfect_binary_trees(4)
    [((0, 1), (2, 3)), ((0, 2), (1, 3)), ((0, 3), (1, 2))]
    """
    log2_modes(n_modes, "a perfect binary tree")

    def rec(modes: tuple[int, ...]) -> list[trees.Nested]:
        if len(modes) == 1:
            return [modes[0]]
        first, rest = modes[0], modes[1:]
        out: list[trees.Nested] = []
        for left in combinations(rest, len(modes) // 2 - 1):
            a = (first, *left)
            b = tuple(m for m in rest if m not in left)
            out += [(x, y) for x in rec(a) for y in rec(b)]
        return out

    return rec(tuple(range(n_modes)))


# --------------------------------------------------------------------------- inverse


@dataclass(frozen=True)
class DilationScheme:
    """The answer of :func:`find_dilations`: a scheme, or why the tree has none."""

    dilations: tuple[int, ...] | None
    """``d_1..d_L``, or ``None`` when the tree is not the tree of a dilation scheme."""
    reason: str
    """Why not (empty when there is a scheme)."""


def _text(modes: Sequence[int]) -> str:
    ms = sorted(modes)
    shown = ",".join(map(str, ms[:8]))
    return "{" + shown + (",..." if len(ms) > 8 else "") + "}"


def find_dilations(tree: nx.DiGraph) -> DilationScheme:
    """The dilation scheme whose mode tree is ``tree`` (children order ignored), or why
    there is none.

    Examples
    --------
    >>> find_dilations(dilation_tree([2, 1, 8, 4])).dilations
    (2, 1, 8, 4)
    >>> find_dilations(trees.from_nested(((0, 1), (2, (3, 4))))).reason[:40]
    'leaves at different depths: leaf 0 is at'
    """
    n = trees.n_modes(tree)
    for v in trees.internal_nodes(tree):
        kids = trees.children(tree, v)
        if len(kids) != 2:
            return DilationScheme(
                None,
                f"node {_text(trees.leaves_below(tree, v))} has {len(kids)} children: a stack "
                "of size-2 convolutions gives a binary tree (larger convolutions give "
                "non-binary trees)",
            )
    depth_of = {trees.root(tree): 0}
    for v in reversed(trees.postorder(tree)):
        for c in trees.children(tree, v):
            depth_of[c] = depth_of[v] + 1
    leaf_depths = sorted({depth_of[j] for j in range(n)})
    if len(leaf_depths) > 1:
        lo = min(range(n), key=lambda j: (depth_of[j], j))
        hi = max(range(n), key=lambda j: (depth_of[j], -j))
        return DilationScheme(
            None,
            f"leaves at different depths: leaf {lo} is at depth {depth_of[lo]}, leaf {hi} at "
            f"depth {depth_of[hi]} (some inputs would pass through fewer layers)",
        )
    n_layers = leaf_depths[0]
    found: dict[int, tuple[int, int]] = {}  # height -> (distance, example node)
    for v in trees.internal_nodes(tree):
        h = trees.height(tree, v)
        a, b = (sorted(trees.leaves_below(tree, c)) for c in trees.children(tree, v))
        if b[0] < a[0]:
            a, b = b, a
        d = b[0] - a[0]
        if [x + d for x in a] != b:
            return DilationScheme(
                None,
                f"the layer-{h} unit {_text(a + b)} joins {_text(a)} and {_text(b)}, which are "
                "not one shift of each other: a dilated convolution joins positions t - d and t",
            )
        if d & (d - 1):
            return DilationScheme(
                None,
                f"the layer-{h} unit {_text(a + b)} joins positions {d} apart, not a power of 2",
            )
        if h in found and found[h][0] != d:
            return DilationScheme(
                None,
                f"two layer-{h} units join positions at different distances: {found[h][0]} and "
                f"{d} (one layer has one dilation)",
            )
        found.setdefault(h, (d, v))
    ds = tuple(found[h][0] for h in range(1, n_layers + 1))
    if sorted(ds) != [2**k for k in range(n_layers)]:
        twice = sorted({d for d in ds if ds.count(d) > 1})
        return DilationScheme(
            None,
            f"distances per layer {list(ds)} are not a permutation of 1, 2, ..., "
            f"2^(L-1) (repeated: {twice})",
        )
    if _node_sets(dilation_tree(ds)) != _node_sets(tree):
        return DilationScheme(
            None,
            f"the units do not match the scheme {list(ds)} that their distances suggest",
        )
    return DilationScheme(ds, "")


def _node_sets(tree: nx.DiGraph) -> frozenset[frozenset[int]]:
    return frozenset(frozenset(trees.leaves_below(tree, v)) for v in trees.postorder(tree))


def layer_joins(dilations: Sequence[int]) -> list[list[tuple[tuple[int, ...], tuple[int, ...]]]]:
    """Per layer l, the pairs of receptive fields its units join (first child first).

    Examples
    --------
    >>> layer_joins([2, 1])[0]
    [((0,), (2,)), ((1,), (3,))]
    """
    tree = dilation_tree(dilations)
    out: list[list[tuple[tuple[int, ...], tuple[int, ...]]]] = [[] for _ in dilations]
    for v in trees.internal_nodes(tree):
        a, b = (tuple(sorted(trees.leaves_below(tree, c))) for c in trees.children(tree, v))
        out[trees.height(tree, v) - 1].append((a, b))
    for joins in out:
        joins.sort()
    return out


def groups_partition(n_modes: int, group: int) -> Partition:
    """The worked example's index set generalized to groups of k layers (0-based).

    Blocks of ``2^k`` consecutive inputs (the nodes of layer k, shared by the baseline
    tree and the tree swapped in groups of k). In the first half of the blocks I takes
    every other input (``2k - 1`` in 1-based numbering: the baseline tree tiles them by
    singletons); in the second half I takes the first half of each block (the swapped
    tree tiles those by singletons). ``group = 2`` is ``ctm18-example``; with mixture
    nodes at layer k the hybrid tiles I by singletons and the exponent ratio is
    ``2 / (1 + 2^(1-k))`` (Corollary 8).

    Examples
    --------
    >>> groups_partition(16, 2).rows
    (0, 2, 4, 6, 8, 9, 12, 13)
    >>> groups_partition(64, 3).rows[:8], groups_partition(64, 3).rows[-4:]
    ((0, 2, 4, 6, 8, 10, 12, 14), (56, 57, 58, 59))
    """
    depth = log2_modes(n_modes, "the groups partition")
    if group < 1 or depth % group or depth < 2 * group:
        raise NotAModeTree(
            f"the groups:k partition needs k dividing L and L >= 2k (N = 2^L); got N = "
            f"{n_modes}, k = {group}"
        )
    block = 2**group
    half = n_modes // 2
    rows = [j for j in range(half) if j % 2 == 0]
    rows += [j for j in range(half, n_modes) if (j % block) < block // 2]
    return Partition.from_rows(rows, n_modes, f"ctm18-groups:{group}")


register_partition("ctm18-groups", "ctm18-groups:K")(
    lambda n, rng, a: groups_partition(n, *(a or [2]))
)
trees.register_tree_builder("dilations", "dilations:d1,d2,...")(lambda *d: dilation_tree(d))
trees.register_tree_builder("swapped", "swapped:N[:k]")(swapped_tree)
