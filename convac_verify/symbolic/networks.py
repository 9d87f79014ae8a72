"""Networks with symbolic weights, named after the papers.

Every weight of the network becomes a generator of a polynomial ring
(:class:`~convac_verify.symbolic.polynomials.PolynomialRing`); the grid tensor is then
computed by the same code as for numbers, and each entry is a polynomial in the weights.

Names (1-based indices, as in the papers)
-----------------------------------------
Same-channel tree decompositions (COLT 2016 eq. 4, any mode tree):

* leaf (mode) ``j``, channel ``gamma``, entry ``d``: ``a^{0,j,gamma}_d`` (the first 1x1
  convolution; ``d`` in ``[M]``);
* internal node at height ``l`` (``j``-th node of that height, left to right), output
  channel ``gamma``, input channel ``alpha``: ``a^{l,j,gamma}_alpha``;
* the root (height ``L``, one output ``y = 1``): ``a^{L,y}_alpha`` with ``y = 1``;
* shared weights (``a^{l,j,gamma} = a^{l,gamma}``): the location is dropped,
  ``a^{l,gamma}_alpha``.

The CP decomposition (COLT eq. 3, the tree ``cp:N``) keeps the paper's own names:
``A^y = sum_z a^y_z a^{z,1} (x) ... (x) a^{z,N}``, so leaf ``i`` has ``a^{z,i}_d`` and
the root ``a^{y}_z`` (``y = 1``; shared: ``a^{z}_d``).

Cohen-Tamari-Shashua eq. 3 (:mod:`convac_verify.networks.dilated`): the discretizers
are ``v^{(d)}_gamma`` (shared by all leaves), node ``nu`` (written as its 1-based mode
set) has ``a^{nu,gamma,I}_alpha`` for its first child and ``a^{nu,gamma,II}_alpha`` for
its second (``III``, ... beyond).

:class:`WeightSymbol` keeps the text name and the LaTeX form of each.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

import networkx as nx
import numpy as np

from ..algebra.fields import Array
from ..errors import InvalidDecomposition
from ..networks import trees
from ..networks.decompositions import TreeDecomposition, resolve_widths
from ..networks.dilated import DilatedDecomposition, dilated_grid_tensor
from ..networks.grid import grid_tensor
from ..networks.matricize import matricize
from ..networks.partitions import Partition
from .polynomials import DEFAULT_BACKEND, PolynomialRing

__all__ = ["KINDS", "SymbolicNetwork", "WeightSymbol", "symbolic_network"]

KINDS = ("same-channel", "dilated")
_ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII")


@dataclass(frozen=True)
class WeightSymbol:
    """One weight: where it sits and how the paper writes it."""

    name: str
    """Text form, e.g. ``a^{1,2,1}_2``."""
    latex: str
    """LaTeX (math mode), e.g. ``a^{1,2,1}_{2}``."""
    node: int
    """The mode-tree node it belongs to (a leaf for first-layer weights)."""
    index: tuple[int, ...]
    """Its position in the node's weight array (0-based, as stored)."""


def _sym(
    sup: str, sub: str, node: int, index: tuple[int, ...], latex_sup: str = ""
) -> WeightSymbol:
    return WeightSymbol(f"a^{{{sup}}}_{sub}", f"a^{{{latex_sup or sup}}}_{{{sub}}}", node, index)


@dataclass(frozen=True)
class SymbolicNetwork:
    """An architecture whose weights are all symbols."""

    kind: str
    """``"same-channel"`` (COLT eq. 4 on any tree, CP included) or ``"dilated"`` (eq. 3)."""
    tree: nx.DiGraph
    """The mode tree."""
    dim: int
    """M."""
    widths: tuple[int, ...]
    """r_0..r_{L-1} (``dilated``: the size constant r, once)."""
    shared: bool
    """Same-channel only: weights shared across locations."""
    symbols: tuple[WeightSymbol, ...]
    """Every weight, in generator order."""
    backend: str = DEFAULT_BACKEND
    """The polynomial backend."""

    @property
    def n_modes(self) -> int:
        """N."""
        return trees.n_modes(self.tree)

    @property
    def is_cp(self) -> bool:
        """Whether the tree is the shallow (CP) tree: one root over all leaves."""
        return self.kind == "same-channel" and len(self.widths) == 1

    @cached_property
    def ring(self) -> PolynomialRing:
        """``Z[w]`` with one generator per weight."""
        return PolynomialRing(tuple(s.name for s in self.symbols), self.backend)

    def describe(self) -> str:
        """One line, e.g. ``tree ((0, 1), (2, 3)), M=2, widths [2, 2]``."""
        nested = trees.to_nested(self.tree)
        if self.kind == "dilated":
            return f"eq. 3 tree {nested}, M={self.dim}, r={self.widths[0]}"
        if self.is_cp:
            return f"CP, N={self.n_modes}, M={self.dim}, Z={self.widths[0]}" + (
                ", shared" if self.shared else ""
            )
        return f"tree {nested}, M={self.dim}, widths {list(self.widths)}" + (
            ", shared" if self.shared else ""
        )

    def entry_degree(self) -> int:
        """Total degree of a grid-tensor entry in the weights (one weight per tree edge
        and one first-layer entry per mode for eq. 3; ``N + #internal nodes`` otherwise)."""
        if self.kind == "dilated":
            return self.tree.number_of_nodes() - 1 + self.n_modes
        return self.n_modes + len(trees.internal_nodes(self.tree))

    def grid_tensor(self) -> Array:
        """The grid tensor: an ``object`` array of shape ``(M,) * N`` of polynomials."""
        ring = self.ring
        gens = ring.gens
        where = {(s.node, s.index): i for i, s in enumerate(self.symbols)}

        def array(node: int, shape: tuple[int, ...], prefix: tuple[int, ...] = ()) -> Array:
            out = np.empty(shape, dtype=object)
            for idx in np.ndindex(*shape):
                out[idx] = gens[where[(node, (*prefix, *idx))]]
            return out

        if self.kind == "dilated":
            width = self.widths[0]
            v = array(-1, (self.dim, width))
            root = trees.root(self.tree)
            weights = {
                node: tuple(
                    array(node, (1 if node == root else width, width), (k,))
                    for k in range(len(trees.children(self.tree, node)))
                )
                for node in trees.internal_nodes(self.tree)
            }
            return dilated_grid_tensor(
                DilatedDecomposition(self.tree, self.dim, width, v, weights, ring)
            )
        shapes = _same_channel_shapes(self.tree, self.dim, self.widths)
        arrays: dict[int, Array] = {}
        for node, shape in shapes.items():
            arrays[node] = array(_owner(self, node), shape)
        decomp = TreeDecomposition(self.tree, self.dim, self.widths, arrays, ring, self.shared)
        return grid_tensor(decomp)

    def matricization(self, partition: Partition) -> Array:
        """``[[A]]_{I,J}`` as a 2-D ``object`` array of polynomials."""
        return matricize(self.grid_tensor(), partition)


def _same_channel_shapes(
    tree: nx.DiGraph, dim: int, ws: tuple[int, ...]
) -> dict[int, tuple[int, int]]:
    root = trees.root(tree)
    shapes: dict[int, tuple[int, int]] = dict.fromkeys(range(trees.n_modes(tree)), (ws[0], dim))
    for v in trees.internal_nodes(tree):
        first = trees.children(tree, v)[0]
        shapes[v] = (1 if v == root else ws[trees.height(tree, v)], ws[trees.height(tree, first)])
    return shapes


def _owner(net: SymbolicNetwork, node: int) -> int:
    """The node whose symbols ``node`` uses: itself, or with shared weights the first node
    of the same height and weight shape (as :func:`~convac_verify.networks.decompositions.
    random_decomposition` shares them); the root is never shared."""
    tree = net.tree
    if not net.shared or node == trees.root(tree):
        return node
    shapes = _same_channel_shapes(tree, net.dim, net.widths)
    h = trees.height(tree, node)
    return next(
        v
        for v in trees.postorder(tree)
        if v != trees.root(tree) and trees.height(tree, v) == h and shapes[v] == shapes[node]
    )


def _locations(tree: nx.DiGraph) -> dict[int, int]:
    """1-based location of each node among the nodes of its height, left to right."""
    seen: dict[int, int] = {}
    out: dict[int, int] = {}
    for v in trees.postorder(tree):
        h = trees.height(tree, v)
        seen[h] = seen.get(h, 0) + 1
        out[v] = seen[h]
    for leaf in range(trees.n_modes(tree)):  # leaves: location = mode + 1
        out[leaf] = leaf + 1
    return out


def _same_channel_symbols(
    tree: nx.DiGraph, dim: int, ws: tuple[int, ...], shared: bool
) -> list[WeightSymbol]:
    root = trees.root(tree)
    loc = _locations(tree)
    depth = len(ws)
    cp = depth == 1
    shapes = _same_channel_shapes(tree, dim, ws)
    out: list[WeightSymbol] = []
    owners_done: set[int] = set()
    net = SymbolicNetwork("same-channel", tree, dim, ws, shared, ())
    for v in trees.postorder(tree):
        owner = _owner(net, v)
        if owner in owners_done:
            continue
        owners_done.add(owner)
        n_out, n_in = shapes[v]
        h = trees.height(tree, v)
        for g in range(n_out):
            for a in range(n_in):
                if v == root:
                    sup = "1"  # y = 1
                    if not cp:
                        sup = f"{depth},1"
                elif cp:
                    sup = f"{g + 1}" if shared else f"{g + 1},{loc[v]}"
                else:
                    sup = f"{h},{g + 1}" if shared else f"{h},{loc[v]},{g + 1}"
                out.append(_sym(sup, str(a + 1), owner, (g, a)))
    return out


def _dilated_symbols(tree: nx.DiGraph, dim: int, width: int) -> list[WeightSymbol]:
    out = [
        WeightSymbol(f"v^{{({d + 1})}}_{g + 1}", f"v^{{({d + 1})}}_{{{g + 1}}}", -1, (d, g))
        for d in range(dim)
        for g in range(width)
    ]
    root = trees.root(tree)
    for v in trees.internal_nodes(tree):
        modes = ",".join(str(m + 1) for m in sorted(trees.leaves_below(tree, v)))
        n_out = 1 if v == root else width
        for k in range(len(trees.children(tree, v))):
            roman = _ROMAN[k] if k < len(_ROMAN) else str(k + 1)
            for g in range(n_out):
                for a in range(width):
                    out.append(
                        WeightSymbol(
                            f"a^{{{{{modes}}},{g + 1},{roman}}}_{a + 1}",
                            rf"a^{{\{{{modes}\}},{g + 1},\mathrm{{{roman}}}}}_{{{a + 1}}}",
                            v,
                            (k, g, a),
                        )
                    )
    return out


def symbolic_network(
    tree: nx.DiGraph,
    dim: int,
    widths: int | Sequence[int],
    *,
    kind: str = "same-channel",
    shared: bool = False,
    backend: str = DEFAULT_BACKEND,
) -> SymbolicNetwork:
    """An architecture with every weight a symbol.

    Parameters
    ----------
    tree : nx.DiGraph
        The mode tree (``cp_tree(N)`` for CP).
    dim : int
        M.
    widths : int or sequence of int
        ``r_0..r_{L-1}``; for ``kind="dilated"`` one size constant ``r``.
    kind : str
        ``"same-channel"`` or ``"dilated"`` (Cohen-Tamari-Shashua eq. 3).
    shared : bool
        Same-channel only: share weights across locations.
    backend : str
        ``"flint"`` or ``"sympy"``.

    Examples
    --------
    >>> from convac_verify.networks.trees import balanced
    >>> net = symbolic_network(balanced(4), 2, 1)
    >>> [s.name for s in net.symbols][:3], [s.name for s in net.symbols][-3:]
    (['a^{0,1,1}_1', 'a^{0,1,1}_2', 'a^{0,2,1}_1'], ['a^{0,4,1}_2', 'a^{1,2,1}_1', 'a^{2,1}_1'])
    >>> net.ring.to_sympy(net.grid_tensor()[1, 0, 0, 0])
    a^{0,1,1}_2*a^{0,2,1}_1*a^{0,3,1}_1*a^{0,4,1}_1*a^{1,1,1}_1*a^{1,2,1}_1*a^{2,1}_1

    The CP tree keeps COLT's names ``a^{z,i}_d`` and ``a^{y}_z``:

    >>> from convac_verify.networks.trees import cp_tree
    >>> [s.name for s in symbolic_network(cp_tree(2), 2, 1).symbols]
    ['a^{1,1}_1', 'a^{1,1}_2', 'a^{1,2}_1', 'a^{1,2}_2', 'a^{1}_1']
    """
    if kind not in KINDS:
        raise InvalidDecomposition(f"kind must be one of {', '.join(KINDS)}; got {kind!r}")
    if dim < 1:
        raise InvalidDecomposition(f"M must be >= 1; got {dim}")
    if trees.n_modes(tree) < 2:
        raise InvalidDecomposition("a decomposition needs N >= 2 modes")
    if kind == "dilated":
        if shared:
            raise InvalidDecomposition("the eq. 3 decomposition has unshared weights only")
        if not isinstance(widths, (int, np.integer)):
            ws_list = list(widths)
            if len(set(ws_list)) != 1:
                raise InvalidDecomposition(
                    f"the eq. 3 decomposition has one size constant r; got widths {ws_list}"
                )
            widths = ws_list[0]
        r = int(widths)
        if r < 1:
            raise InvalidDecomposition(f"r must be >= 1; got {r}")
        return SymbolicNetwork(
            kind, tree, dim, (r,), False, tuple(_dilated_symbols(tree, dim, r)), backend
        )
    ws = resolve_widths(tree, widths)
    symbols = tuple(_same_channel_symbols(tree, dim, ws, shared))
    return SymbolicNetwork(kind, tree, dim, ws, shared, symbols, backend)
