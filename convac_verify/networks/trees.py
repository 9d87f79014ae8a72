"""Mode trees: rooted trees whose leaves are the modes ``0..N-1``.

A mode tree describes a pooling geometry: each internal node is a pooling window
over its children, and the leaves are the input patches (tensor modes).

Conventions (pinned by ``tests/test_trees.py``)
-----------------------------------------------
* A mode tree is an ``nx.DiGraph`` with edges **parent -> child**; the root is
  ``T.graph["root"]`` and the number of modes is ``T.graph["n_modes"]``.
* **Modes are numbered from 0.** Leaf node ``j`` *is* mode ``j`` (node id ``j``,
  attribute ``mode=j``) for ``j = 0..N-1``; internal nodes have ids ``N, N+1, ...``
  in post-order.
* The order of a node's children is the order of its successors (insertion order);
  it is kept by :func:`to_nested`, but no result depends on it.
* **Height**: leaves have height 0, an internal node has ``1 + max`` over its
  children. Widths ``r_l`` are indexed by height (``r_0`` belongs to the leaves,
  i.e. the first 1x1 convolution). The root's height is the depth ``L``.
* Every internal node has at least two children (a pooling window of size 1 is not
  a pooling window).
* Validation stores ``children_of``, ``modes_of``, ``height_of`` and ``postorder`` in
  ``T.graph``; the accessors below read them. Trees are never modified after validation; the named builders cache their trees
  and return them frozen (``nx.freeze``).

The nested-tuple form ``((0, 1), (2, 3))`` writes a tree with integer leaves; it is
what ``--tree`` takes on the command line, together with named builders such as
``balanced:16`` (see :data:`TREE_BUILDERS`).

References
----------
N. Cohen, R. Tamari, A. Shashua. Boosting Dilated Convolutional Networks with Mixed
Tensor Decompositions. ICLR 2018, Def. 1 (mode trees).
"""

from __future__ import annotations

import ast
import math
from collections.abc import Callable, Sequence
from functools import lru_cache, reduce
from itertools import chain
from typing import Any

import networkx as nx

from ..errors import NotAModeTree

__all__ = [
    "TREE_BUILDERS",
    "Nested",
    "balanced",
    "balanced_sizes",
    "children",
    "cp_tree",
    "from_nested",
    "from_windows",
    "get_tree_builder",
    "height",
    "internal_nodes",
    "leaves_below",
    "n_modes",
    "parse_tree",
    "postorder",
    "register_tree_builder",
    "root",
    "to_nested",
    "truncated",
    "validate_mode_tree",
]

Nested = int | tuple["Nested", ...]


# --------------------------------------------------------------------------- access


def root(tree: nx.DiGraph) -> int:
    """The root node of ``tree``."""
    return int(tree.graph["root"])


def n_modes(tree: nx.DiGraph) -> int:
    """The number of modes ``N`` (leaves) of ``tree``."""
    return int(tree.graph["n_modes"])


def children(tree: nx.DiGraph, node: int) -> list[int]:
    """The children of ``node``, in order."""
    return tree.graph["children_of"][node]


def leaves_below(tree: nx.DiGraph, node: int) -> tuple[int, ...]:
    """The modes below ``node``, in tree (depth-first, left-to-right) order."""
    return tree.graph["modes_of"][node]


def height(tree: nx.DiGraph, node: int) -> int:
    """Height of ``node``: 0 for leaves, ``1 + max`` over children otherwise."""
    return tree.graph["height_of"][node]


def postorder(tree: nx.DiGraph) -> tuple[int, ...]:
    """All nodes, children before parents (computed once, at validation)."""
    return tree.graph["postorder"]


def internal_nodes(tree: nx.DiGraph) -> list[int]:
    """Internal nodes in post-order (children before parents)."""
    kids = tree.graph["children_of"]
    return [v for v in postorder(tree) if kids[v]]


# --------------------------------------------------------------------------- building


def from_nested(nested: Nested) -> nx.DiGraph:
    """Build a mode tree from a nested tuple with integer leaves.

    Parameters
    ----------
    nested : int or tuple
        E.g. ``((0, 1), (2, 3))``. Leaves must be exactly ``0..N-1``, each once.

    Returns
    -------
    nx.DiGraph
        A validated mode tree.

    Raises
    ------
    NotAModeTree
        If a leaf is repeated or missing, a node has fewer than two children, or a
        leaf is not an integer.

    Examples
    --------
    >>> T = from_nested(((0, 1), (2, 3)))
    >>> to_nested(T)
    ((0, 1), (2, 3))
    >>> leaves_below(T, root(T))
    (0, 1, 2, 3)
    """
    leaves: list[int] = []
    _collect_leaves(nested, leaves)
    n = len(leaves)
    if sorted(leaves) != list(range(n)):
        dup = sorted({x for x in leaves if leaves.count(x) > 1})
        missing = sorted(set(range(n)) - set(leaves))
        detail = f"repeated {dup}" if dup else f"missing {missing}"
        raise NotAModeTree(f"leaves must be the modes 0..{n - 1}, each exactly once; got {detail}")
    tree = nx.DiGraph()
    counter = [n]

    def build(node: Nested) -> int:
        if isinstance(node, int):
            tree.add_node(node, mode=node)
            return node
        kids = [build(c) for c in node]
        vid = counter[0]
        counter[0] += 1
        tree.add_node(vid)
        for k in kids:
            tree.add_edge(vid, k)
        return vid

    r = build(nested)
    tree.graph["root"] = r
    tree.graph["n_modes"] = n
    return validate_mode_tree(tree)


def _collect_leaves(node: Any, out: list[int]) -> None:
    if isinstance(node, bool) or not isinstance(node, (int, tuple, list)):
        raise NotAModeTree(
            f"a mode tree is written with integer leaves and tuples, e.g. ((0,1),(2,3)); "
            f"got {node!r}"
        )
    if isinstance(node, int):
        out.append(node)
        return
    if len(node) < 2:
        raise NotAModeTree(
            f"every internal node needs at least two children (a pooling window); "
            f"got {tuple(node)!r}"
        )
    for c in node:
        _collect_leaves(c, out)


def to_nested(tree: nx.DiGraph) -> Nested:
    """Inverse of :func:`from_nested`."""

    def rec(v: int) -> Nested:
        kids = children(tree, v)
        if not kids:
            return int(tree.nodes[v]["mode"])
        return tuple(rec(c) for c in kids)

    return rec(root(tree))


def validate_mode_tree(tree: nx.DiGraph) -> nx.DiGraph:
    """Check the conventions of this module and annotate ``modes`` and ``height``.

    Raises
    ------
    NotAModeTree
        With a message naming the violated convention.
    """
    if not isinstance(tree, nx.DiGraph):
        raise NotAModeTree(f"a mode tree is an nx.DiGraph; got {type(tree).__name__}")
    if "root" not in tree.graph or tree.graph["root"] not in tree:
        raise NotAModeTree("mode tree has no root in T.graph['root']")
    if not nx.is_arborescence(tree):
        raise NotAModeTree("mode tree must be a rooted tree with edges parent -> child")
    r = tree.graph["root"]
    if tree.in_degree(r) != 0:
        raise NotAModeTree(f"T.graph['root'] = {r} has a parent")
    leaves = sorted(v for v in tree if tree.out_degree(v) == 0)
    n = len(leaves)
    if leaves != list(range(n)) or any(tree.nodes[v].get("mode") != v for v in leaves):
        raise NotAModeTree(f"leaves must be nodes 0..{n - 1} with attribute mode equal to the id")
    tree.graph["n_modes"] = n
    order = tuple(nx.dfs_postorder_nodes(tree, r))
    # plain dicts: read on every step of every contraction, much faster than node views
    kids_of: dict[int, list[int]] = {}
    modes_of: dict[int, tuple[int, ...]] = {}
    height_of: dict[int, int] = {}
    for v in order:
        kids = list(tree.successors(v))
        kids_of[v] = kids
        if not kids:
            modes_of[v] = (v,)
            height_of[v] = 0
            continue
        if len(kids) < 2:
            raise NotAModeTree(f"internal node {v} has one child; pooling windows need >= 2")
        modes_of[v] = tuple(chain.from_iterable(modes_of[c] for c in kids))  # linear, not sum()
        height_of[v] = 1 + max(height_of[c] for c in kids)
    tree.graph.update(children_of=kids_of, modes_of=modes_of, height_of=height_of)
    tree.graph["postorder"] = order
    return tree


def from_windows(windows: Sequence[int]) -> nx.DiGraph:
    """Balanced tree with pooling window ``windows[l]`` at level ``l + 1``.

    Contiguous modes are pooled first: level 1 groups modes ``0..w_0-1``, and so on.
    ``N = prod(windows)``. The tree is cached and frozen.

    Examples
    --------
    >>> to_nested(from_windows([2, 3]))
    ((0, 1), (2, 3), (4, 5))
    """
    return _from_windows(tuple(int(w) for w in windows))


@lru_cache(maxsize=256)
def _from_windows(windows: tuple[int, ...]) -> nx.DiGraph:
    if not windows or any(int(w) < 2 for w in windows):
        raise NotAModeTree(f"pooling windows must be integers >= 2; got {list(windows)}")
    nodes: list[Nested] = list(range(reduce(lambda a, b: a * b, windows, 1)))
    for w in windows:
        nodes = [tuple(nodes[i : i + w]) for i in range(0, len(nodes), w)]
    (top,) = nodes
    return nx.freeze(from_nested(top))


def _power_depth(n: int, window: int) -> int:
    if window < 2:
        raise NotAModeTree(f"pooling window must be >= 2; got {window}")
    depth = round(math.log(n, window)) if n > 1 else 0
    if n < window or window**depth != n:
        raise NotAModeTree(
            f"N = {n} does not fit a balanced tree with window {window}: "
            f"N must be a power of {window} (>= {window})"
        )
    return depth


@lru_cache(maxsize=256)
def balanced(n: int, window: int = 2) -> nx.DiGraph:
    """Balanced ``window``-ary tree over contiguous modes (COLT 2016: ``window = 2``).

    Raises
    ------
    NotAModeTree
        If ``n`` is not a power of ``window``.
    """
    return from_windows([window] * _power_depth(n, window))


@lru_cache(maxsize=256)
def cp_tree(n: int) -> nx.DiGraph:
    """The shallow (CP) tree: one root pooling all ``n`` modes globally."""
    if n < 2:
        raise NotAModeTree(f"a CP tree needs N >= 2 modes; got {n}")
    return nx.freeze(from_nested(tuple(range(n))))


@lru_cache(maxsize=256)
def truncated(n: int, levels: int, window: int = 2) -> nx.DiGraph:
    """Tree of the truncated decomposition (COLT 2016, eq. 5).

    ``levels - 1`` levels of size-``window`` pooling, then global pooling at the root;
    ``levels = 1`` is the CP tree and ``levels = log_window(n)`` the full tree.
    """
    depth = _power_depth(n, window)
    if not 1 <= levels <= depth:
        raise NotAModeTree(f"truncated tree needs 1 <= L_c <= {depth} for N = {n}; got {levels}")
    if levels == depth:
        return balanced(n, window)
    nodes: list[Nested] = list(range(n))
    for _ in range(levels - 1):
        nodes = [tuple(nodes[i : i + window]) for i in range(0, len(nodes), window)]
    return nx.freeze(from_nested(tuple(nodes)))


# --------------------------------------------------------------------------- registry

TreeBuilder = Callable[..., nx.DiGraph]
_TREE_BUILDERS: dict[str, tuple[TreeBuilder, str]] = {}
TREE_BUILDERS = _TREE_BUILDERS
_RAW_ARGS: set[str] = set()  # builders that parse their own argument text


def register_tree_builder(
    name: str, usage: str, *, raw_args: bool = False
) -> Callable[[TreeBuilder], TreeBuilder]:
    """Register a named tree builder taking integer arguments (``name:a:b``).

    With ``raw_args=True`` the builder receives the text after ``name:`` unparsed
    (e.g. ``square:4x4`` calls ``fn("4x4")``) and validates it itself.
    """

    def deco(fn: TreeBuilder) -> TreeBuilder:
        if name in _TREE_BUILDERS:
            raise KeyError(f"tree builder {name!r} is already registered")
        _TREE_BUILDERS[name] = (fn, usage)
        if raw_args:
            _RAW_ARGS.add(name)
        return fn

    return deco


def get_tree_builder(name: str) -> TreeBuilder:
    """Look up a tree builder; the error lists the known names."""
    try:
        return _TREE_BUILDERS[name][0]
    except KeyError:
        known = ", ".join(usage for _, usage in _TREE_BUILDERS.values())
        raise NotAModeTree(f"unknown tree builder {name!r}; known: {known}") from None


register_tree_builder("balanced", "balanced:N[:window]")(balanced)
register_tree_builder("windows", "windows:w1,w2,...")(lambda *ws: from_windows(ws))
register_tree_builder("cp", "cp:N")(cp_tree)
register_tree_builder("truncated", "truncated:N:Lc[:window]")(truncated)


def parse_tree(text: str) -> nx.DiGraph:
    """Parse ``--tree``: a nested tuple ``((0,1),(2,3))`` or a builder ``balanced:16``.

    Examples
    --------
    >>> to_nested(parse_tree("balanced:4"))
    ((0, 1), (2, 3))
    >>> to_nested(parse_tree("windows:3,2"))
    ((0, 1, 2), (3, 4, 5))
    """
    text = text.strip()
    if text[:1] in "([":
        shown = text if len(text) <= 60 else text[:57] + "..."
        try:
            obj = ast.literal_eval(text)
            tree = from_nested(_tuplify(obj))
        except (ValueError, SyntaxError, TypeError, RecursionError, MemoryError) as exc:
            if isinstance(exc, NotAModeTree):
                raise
            raise NotAModeTree(
                f"cannot parse tree {shown!r}; write nested tuples like ((0,1),(2,3))"
            ) from None
        if n_modes(tree) < 2:
            raise NotAModeTree(
                f"a mode tree needs at least two modes (one patch has no matricization); got {shown!r}"
            )
        return tree
    name, _, args = text.partition(":")
    builder = get_tree_builder(name)
    if name in _RAW_ARGS:
        return builder(args)
    try:
        ints = [int(a) for a in args.replace(",", ":").split(":") if a.strip()]
    except ValueError:
        raise NotAModeTree(f"tree builder arguments must be integers; got {args!r}") from None
    try:
        return builder(*ints)
    except TypeError:
        usage = _TREE_BUILDERS[name][1]
        raise NotAModeTree(f"wrong arguments for {name!r}; usage: {usage}") from None


def _tuplify(obj: Any) -> Any:
    if isinstance(obj, (list, tuple)):
        return tuple(_tuplify(o) for o in obj)
    return obj


def balanced_sizes(n_max: int, window: int = 2) -> list[int]:
    """The sweep ``window, window**2, ..., n_max`` (``n_max`` must be a power of ``window``).

    Examples
    --------
    >>> balanced_sizes(16)
    [2, 4, 8, 16]
    """
    depth = _power_depth(n_max, window)
    return [window**k for k in range(1, depth + 1)]
