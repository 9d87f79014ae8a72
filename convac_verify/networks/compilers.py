"""Compilers: every architecture the tool knows, as a :class:`TensorNetwork`.

Two layers, kept apart (structure vs. weights):

* **structure builders** return a validated :class:`TensorNetwork` from an architecture:
  :func:`tree_network` (same-channel product pooling over any mode tree, COLT 2016 eq. 4,
  with per-level or per-node widths; the CP network of eq. 3 and the truncated network
  of eq. 5 are its trees :func:`~convac_verify.networks.trees.cp_tree` and
  :func:`~convac_verify.networks.trees.truncated`), :func:`cp_network`, and
  :func:`eq3_network` (the per-child-weights trees of Cohen, Tamari & Shashua, eq. 3);
  user files are read by :mod:`convac_verify.networks.network_file`;
* :func:`compile_network` turns a decomposition *with weights* into a
  :class:`~convac_verify.networks.tensor_network.FilledNetwork`. It is a
  ``functools.singledispatch`` function: the module that defines a decomposition class
  registers its compiler next to it (``TreeDecomposition`` here,
  ``DilatedDecomposition`` in :mod:`convac_verify.networks.dilated`).

Adding a compiler (mixed decompositions, overlapping networks, ...): write a structure
builder that adds inputs, tensors, deltas and bonds and calls ``validate()``, then
``@compile_network.register`` a function from your decomposition class to
``fill_network(structure, ring, {group: weights})``. Everything downstream -- the
contraction, the min-cut bounds, ``convac-verify mincut`` -- then works unchanged.

Node and bond names (stable; reports print them)
------------------------------------------------
Tree networks: ``x{j}`` input of mode j (bond ``in{j}``, dimension M, layer ``M``);
``W{v}`` the weight matrix of mode-tree node v (legs ``(e{v}, in)``: out, in); ``P{v}`` the
delta pooling the children of internal node v (legs ``d{v}`` to ``W{v}`` and ``e{c}`` from
each child); ``y`` the output (bond ``e{root}``, dimension 1). Bond ``e{v}`` of a node of
height h carries r_h channels (layer ``r{h}``).

References
----------
N. Cohen, O. Sharir, A. Shashua. COLT 2016, eqs. 3-5. N. Cohen, R. Tamari, A. Shashua.
ICLR 2018 (arXiv 1703.06846v3), eq. 3. Y. Levine, D. Yakira, N. Cohen, A. Shashua.
ICLR 2018 (arXiv 1704.01552), Sec. 5.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache, singledispatch

import networkx as nx

from ..errors import InvalidDecomposition
from . import trees
from .decompositions import TreeDecomposition, resolve_widths
from .tensor_network import FilledNetwork, TensorNetwork, fill_network

__all__ = [
    "cached_eq3_network",
    "cached_tree_network",
    "compile_network",
    "cp_network",
    "eq3_network",
    "node_widths",
    "tree_network",
]


def node_widths(
    tree: nx.DiGraph, widths: int | Sequence[int] | Mapping[int, int]
) -> dict[int, int]:
    """Output channels of every non-root node: per level (``r_h`` for height h) or per node.

    Raises
    ------
    InvalidDecomposition
        A missing node, a width below 1, or children of one node with different widths
        (same-channel pooling needs one width per window).
    """
    root = trees.root(tree)
    if isinstance(widths, Mapping):
        out = {}
        for v in trees.postorder(tree):
            if v == root:
                continue
            if v not in widths:
                raise InvalidDecomposition(f"per-node widths miss node {v}")
            out[v] = int(widths[v])
            if out[v] < 1:
                raise InvalidDecomposition(f"widths must be >= 1; node {v} has {out[v]}")
        for v in trees.internal_nodes(tree):
            kid = {out[c] for c in trees.children(tree, v)}
            if len(kid) > 1:
                raise InvalidDecomposition(
                    f"children of node {v} have widths {sorted(kid)}; same-channel pooling "
                    "needs one width per window"
                )
        return out
    ws = resolve_widths(tree, widths)
    return {v: ws[trees.height(tree, v)] for v in trees.postorder(tree) if v != root}


def tree_network(
    tree: nx.DiGraph,
    dim: int,
    widths: int | Sequence[int] | Mapping[int, int],
    *,
    shared: bool = False,
) -> TensorNetwork:
    """The tensor network of same-channel product pooling over ``tree`` (COLT eq. 4).

    Parameters
    ----------
    tree : nx.DiGraph
        Mode tree (pooling geometry); CP is ``cp_tree(N)``, truncated is ``truncated(N, Lc)``.
    dim : int
        M, the dimension of every input leg.
    widths : int, sequence or mapping
        Uniform r, per level ``(r_0, ..., r_{L-1})``, or per node ``{node: r_node}``.
    shared : bool
        Tie the weights of all nodes of one height and shape (``a^{l,j} = a^l``).

    Examples
    --------
    >>> from convac_verify.networks.trees import balanced
    >>> net = tree_network(balanced(4), 2, (3, 2))
    >>> sorted(net.nodes("delta")), net.shape("W0"), net.shape("W4"), net.shape("W6")
    (['P4', 'P5', 'P6'], (3, 2), (2, 3), (1, 2))
    """
    if dim < 1:
        raise InvalidDecomposition(f"M (dim) must be >= 1; got {dim}")
    if trees.n_modes(tree) < 2:
        raise InvalidDecomposition(f"a network needs N >= 2 modes; got {trees.n_modes(tree)}")
    width = node_widths(tree, widths)
    root = trees.root(tree)
    net = TensorNetwork(str(tree.graph.get("name", "")) or "tree")
    for v in trees.postorder(tree):
        h = trees.height(tree, v)
        out = 1 if v == root else width[v]
        net.add_bond(f"e{v}", out, "output" if v == root else f"r{h}")
        kids = trees.children(tree, v)
        if not kids:
            net.add_bond(f"in{v}", dim, "M")
            net.add_input(v, f"in{v}")
            in_bond = f"in{v}"
        else:
            r_in = width[kids[0]]
            net.add_bond(f"d{v}", r_in, f"r{trees.height(tree, kids[0])}")
            net.add_delta(f"P{v}", [f"d{v}", *(f"e{c}" for c in kids)])
            in_bond = f"d{v}"
        group = f"W{v}"
        if shared and v != root:
            r_in = dim if not kids else width[kids[0]]
            group = f"L{h}:{out}x{r_in}"
        net.add_tensor(f"W{v}", [f"e{v}", in_bond], group=group)
    net.add_output(f"e{root}")
    net.source = "tree"
    net.meta = {"tree": tree, "dim": dim, "widths": widths, "shared": shared}
    return net.validate()


def cp_network(n_modes: int, dim: int, width: int) -> TensorNetwork:
    """The shallow (CP) network: one (N+1)-leg delta of dimension Z (COLT eq. 3).

    Examples
    --------
    >>> net = cp_network(8, 2, 4)
    >>> [len(net.legs(d)) for d in net.nodes("delta")]
    [9]
    """
    return tree_network(trees.cp_tree(n_modes), dim, (width,))


def eq3_network(tree: nx.DiGraph, dim: int, width: int) -> TensorNetwork:
    """The network of Cohen-Tamari-Shashua eq. 3: discretizers V at the leaves, one ``r x r``
    matrix per (node, child), product pooling by a delta at every interior node.

    Names: ``V{j}`` (legs ``in{j}``, ``e{j}``; all tied to group ``V``), ``A{v}_{k}`` the
    matrix of node v for its k-th child (legs ``o{v}_{k}``, ``e{child}``), ``P{v}`` the delta
    (legs ``e{v}``, ``o{v}_0``, ...). The root's channels have dimension 1.
    """
    if dim < 1 or width < 1:
        raise InvalidDecomposition(f"M and r must be >= 1; got M = {dim}, r = {width}")
    root = trees.root(tree)
    net = TensorNetwork(str(tree.graph.get("name", "")) or "eq3 tree")
    for v in trees.postorder(tree):
        out = 1 if v == root else width
        net.add_bond(f"e{v}", out, "output" if v == root else "r")
        kids = trees.children(tree, v)
        if not kids:
            net.add_bond(f"in{v}", dim, "M")
            net.add_input(v, f"in{v}")
            net.add_tensor(f"V{v}", [f"in{v}", f"e{v}"], group="V")
            continue
        for k, c in enumerate(kids):
            net.add_bond(f"o{v}_{k}", out, "r" if v != root else "output")
            net.add_tensor(f"A{v}_{k}", [f"o{v}_{k}", f"e{c}"])
        net.add_delta(f"P{v}", [f"e{v}", *(f"o{v}_{k}" for k in range(len(kids)))])
    net.add_output(f"e{root}")
    net.source = "eq3"
    net.meta = {"tree": tree, "dim": dim, "width": width}
    return net.validate()


@singledispatch
def compile_network(decomposition: object) -> FilledNetwork:
    """The tensor network of a decomposition, with its weights.

    Register new decomposition classes with ``@compile_network.register``.
    """
    raise InvalidDecomposition(
        f"no tensor-network compiler for {type(decomposition).__name__}; "
        "register one with @compile_network.register"
    )


@lru_cache(maxsize=64)
def cached_tree_network(
    tree: nx.DiGraph, dim: int, widths: tuple[int, ...], shared: bool
) -> TensorNetwork:
    """:func:`tree_network`, built once per architecture (compiled networks are never
    modified after validation; the contraction caches its plan on them)."""
    return tree_network(tree, dim, widths, shared=shared)


@lru_cache(maxsize=64)
def cached_eq3_network(tree: nx.DiGraph, dim: int, width: int) -> TensorNetwork:
    """:func:`eq3_network`, built once per architecture."""
    return eq3_network(tree, dim, width)


@compile_network.register
def _(decomp: TreeDecomposition) -> FilledNetwork:
    net = cached_tree_network(decomp.tree, decomp.dim, tuple(decomp.widths), decomp.shared)
    weights = {net.group(v): decomp.weights[int(v[1:])] for v in net.nodes("tensor")}  # W{v}
    return fill_network(net, decomp.ring, weights)
