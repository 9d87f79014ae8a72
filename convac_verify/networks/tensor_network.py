"""Tensor networks: every product-pooling ConvAC as a graph of tensors and bonds.

This is the construction of Levine, Yakira, Cohen & Shashua (ICLR 2018, Sec. 5): a
convolutional arithmetic circuit with 1x1 convolutions and same-channel product pooling
computes its coefficient (grid) tensor by contracting a tensor network.

Conventions (pinned by ``tests/test_tensor_network.py``)
-------------------------------------------------------
* A :class:`TensorNetwork` wraps an ``nx.MultiGraph``. **Nodes are tensors**, of four kinds
  (node attribute ``kind``):

  - ``"input"``: the virtual end of the open input leg of mode ``m`` (attribute ``mode``);
    degree 1, its bond has dimension M. Modes are ``0..N-1``.
  - ``"output"``: the virtual end of the one output leg (dimension 1: one score ``A^y``).
  - ``"tensor"``: a weight tensor with ordered ``legs`` (bond names; axis ``k`` of the array
    is ``legs[k]``). A convolution matrix ``A^{(l,j)} in R^{r_l x r_{l-1}}`` (``r_{-1} = M``)
    has legs ``(out, in)``. Its values come from its weight ``group`` (node attribute; one
    array per group: weight tying); a group may be ``fixed`` (its values are given), or
    fixed except for the entries a ``free`` mask marks (drawn at random): an *affine*
    tensor such as the block-diagonal weight ``W (+) 1`` of a direct sum.
  - ``"delta"``: a copy tensor ``delta_{i_1 ... i_k} = 1`` iff all indices are equal, all legs
    of one dimension d. It implements same-channel product pooling (any window) and the
    copying of one input's template index to several first-layer units (overlaps).

* **Edges are bonds**: ``(u, v, key=name)`` with attribute ``dim`` and, for reports,
  ``layer`` (which layer's channels it carries, e.g. ``"M"``, ``"r0"``). Every bond joins two
  legs; the open legs end at the ``input``/``output`` vertices.

* The network is **linear in each weight tensor**; a grid-tensor entry is a polynomial
  whose degree in the random weights is the number of tensor nodes with random weights
  (:meth:`TensorNetwork.entry_degree`).

Two traps (ICLR 2018 construction)
----------------------------------
* A delta copies a *template index* or a *pooled channel index*; it must never sit on a
  hidden bond in place of re-using a hidden unit (that computes ``sum_c h_c v_c w_c``, not
  ``(v . h)(w . h)``). Networks that reuse hidden units in overlapping windows are unrolled
  into a tree of copies first.
* A **sum** of two networks (mixtures, residual sums) is not a contraction: encode it as a
  direct sum -- block-diagonal weights, bond dimensions add -- so cuts stay meaningful.

Compilers into this representation live in :mod:`convac_verify.networks.compilers` and
:mod:`convac_verify.networks.network_file`; the one contraction routine is
:mod:`convac_verify.networks.contraction`; min-cut bounds are in
:mod:`convac_verify.bounds.mincut`.

References
----------
Y. Levine, D. Yakira, N. Cohen, A. Shashua. Deep Learning and Quantum Entanglement:
Fundamental Connections with Implications to Network Design. ICLR 2018 (arXiv 1704.01552),
Sec. 5 and App. C (delta tensors for general pooling windows).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
import numpy as np

from ..algebra.fields import Array, IntegerRing, PrimeField, Ring
from ..errors import InvalidNetwork

__all__ = [
    "KINDS",
    "FilledNetwork",
    "TensorNetwork",
    "as_ring_array",
    "fill_network",
    "random_fill",
]

KINDS = ("input", "output", "tensor", "delta")


class TensorNetwork:
    """A validated tensor network (structure only; weights are filled separately).

    Build one with :meth:`add_input`, :meth:`add_output`, :meth:`add_tensor`,
    :meth:`add_delta` and :meth:`add_bond`, then call :meth:`validate` (compilers do).
    """

    def __init__(self, name: str = "") -> None:
        self._name = name
        self._graph: nx.MultiGraph | None = None
        self.fixed: dict[str, Array] = {}
        """Groups whose values are given (integers, any nesting NumPy accepts)."""
        self.free: dict[str, Array] = {}
        """Groups of :attr:`fixed` whose entries marked 1 here are free (random) weights;
        the other entries keep their fixed values (a 0/1 array of the group's shape)."""
        self.source: str = ""
        """What compiled it (``"tree"``, ``"eq3"``, ``"file"``...): bounds use it."""
        self.meta: dict[str, Any] = {}
        """Compiler details (the mode tree, widths, ...) for bounds that need them."""
        self._bond_ends: dict[str, list[str]] = {}
        self._bond_dim: dict[str, int] = {}
        self._bond_layer: dict[str, str] = {}
        # plain dicts: read on every step of contractions and cuts (faster than node views)
        self._kind: dict[str, str] = {}
        self._legs: dict[str, tuple[str, ...]] = {}
        self._group: dict[str, str] = {}
        self._mode: dict[str, int] = {}
        self._is_tree: bool | None = None
        self._orders: dict[str, list[str]] = {}
        self._by_kind: dict[str, list[str]] = {}
        self._parents: dict[str, dict[str, tuple[str, str]]] = {}

    # ------------------------------------------------------------------ building
    def add_bond(self, name: str, dim: int, layer: str = "") -> None:
        """Declare a bond (it is attached when two legs name it)."""
        if name in self._bond_dim:
            raise InvalidNetwork(f"bond {name!r} is declared twice")
        if int(dim) < 1:
            raise InvalidNetwork(f"bond {name!r} must have dimension >= 1; got {dim}")
        self._bond_dim[name] = int(dim)
        self._bond_layer[name] = layer
        self._bond_ends[name] = []

    def _node(self, name: str, kind: str, legs: Sequence[str]) -> None:
        self._by_kind.pop(kind, None)
        if name in self._kind:
            raise InvalidNetwork(f"node {name!r} is declared twice")
        self._kind[name] = kind
        self._legs[name] = tuple(legs)

    def _attach(self, node: str, bonds: Sequence[str]) -> None:
        for b in bonds:
            if b not in self._bond_dim:
                known = ", ".join(sorted(self._bond_dim)[:8])
                raise InvalidNetwork(
                    f"{node!r}: leg {b!r} is not a declared bond (declared: {known}, ...)"
                )
            self._bond_ends[b].append(node)

    def add_input(self, mode: int, bond: str) -> None:
        """The open input leg of ``mode`` (its bond has dimension M)."""
        name = f"x{mode}"
        self._node(name, "input", (bond,))
        self._mode[name] = int(mode)
        self._attach(name, [bond])

    def add_output(self, bond: str) -> None:
        """The open output leg (its bond has dimension 1)."""
        self._node("y", "output", (bond,))
        self._attach("y", [bond])

    def add_tensor(self, name: str, legs: Sequence[str], group: str | None = None) -> None:
        """A weight tensor with axes ``legs``; ``group`` ties its weights to others'."""
        self._node(name, "tensor", legs)
        self._group[name] = group or name
        self._attach(name, legs)

    def add_delta(self, name: str, legs: Sequence[str]) -> None:
        """A copy tensor joining ``legs`` (all of one dimension)."""
        self._node(name, "delta", legs)
        self._attach(name, legs)

    def validate(self) -> TensorNetwork:
        """Check every convention of the module docstring; attach bonds as edges.

        Raises
        ------
        InvalidNetwork
            With a one-line message naming the offending node or bond.
        """
        for b, ends in self._bond_ends.items():
            if len(ends) != 2:
                raise InvalidNetwork(
                    f"bond {b!r} must join exactly two legs; it is used by {len(ends)}"
                    + (f" ({', '.join(ends)})" if ends else "")
                )
            if ends[0] == ends[1]:
                raise InvalidNetwork(f"bond {b!r} joins two legs of {ends[0]!r} (a trace)")
        self._graph = None
        self._is_tree = None
        self._orders = {}
        self._parents = {}
        self._by_kind = {}
        modes = sorted(self._mode.values())
        if not modes:
            raise InvalidNetwork("a network needs at least one input leg")
        if modes != list(range(len(modes))):
            raise InvalidNetwork(f"input modes must be 0..N-1, each once; got {modes}")
        outs = self.nodes("output")
        if len(outs) != 1:
            raise InvalidNetwork(f"a network needs exactly one output leg; got {len(outs)}")
        if self.bond_dim(self.legs(outs[0])[0]) != 1:
            raise InvalidNetwork("the output leg must have dimension 1 (one score function)")
        for v in self.nodes("delta"):
            dims = {self.bond_dim(b) for b in self.legs(v)}
            if len(dims) != 1:
                raise InvalidNetwork(f"delta {v!r} joins legs of dimensions {sorted(dims)}")
            if len(self.legs(v)) < 2:
                raise InvalidNetwork(f"delta {v!r} needs at least two legs")
        for v in self.nodes("tensor"):
            if len(set(self.legs(v))) != len(self.legs(v)):
                raise InvalidNetwork(f"tensor {v!r} names a bond twice")
        shapes: dict[str, tuple[int, ...]] = {}
        for v in self.nodes("tensor"):
            grp, shape = self.group(v), self.shape(v)
            if shapes.setdefault(grp, shape) != shape:
                raise InvalidNetwork(
                    f"weight group {grp!r} ties tensors of shapes {shapes[grp]} and {shape} "
                    f"({v!r}); tied weights need one shape"
                )
        for grp, values in self.fixed.items():
            if grp not in shapes:
                raise InvalidNetwork(f"fixed weights for {grp!r}, which is no tensor or group")
            arr = np.asarray(values, dtype=object)
            if arr.shape != shapes[grp]:
                raise InvalidNetwork(
                    f"fixed weights of {grp!r} have shape {arr.shape}; its legs give {shapes[grp]}"
                )
        for grp, mask in self.free.items():
            if grp not in self.fixed:
                raise InvalidNetwork(
                    f"free entries of {grp!r} need its fixed values too (the other entries)"
                )
            arr = np.asarray(mask, dtype=object)
            if arr.shape != shapes[grp] or not all(x in (0, 1) for x in arr.ravel()):
                raise InvalidNetwork(
                    f"the free mask of {grp!r} must be 0/1 entries of shape {shapes[grp]}; "
                    f"got shape {arr.shape}"
                )
        if len(self.postorder(outs[0])) != len(self._kind):
            raise InvalidNetwork(
                "the network is not connected (every tensor must reach the output)"
            )
        return self

    @property
    def graph(self) -> nx.MultiGraph:
        """The NetworkX view: nodes with ``kind``, ``legs`` (and ``mode``, ``group``), bonds as
        edges ``(u, v, key=name)`` with ``dim`` and ``layer``. Built on first use."""
        if self._graph is None:
            g = nx.MultiGraph(name=self._name)
            for v, kind in self._kind.items():
                extra: dict[str, object] = {}
                if v in self._mode:
                    extra["mode"] = self._mode[v]
                if v in self._group:
                    extra["group"] = self._group[v]
                g.add_node(v, kind=kind, legs=self._legs[v], **extra)
            g.add_edges_from(
                (u, v, b, {"dim": self._bond_dim[b], "layer": self._bond_layer[b]})
                for b, (u, v) in self._bond_ends.items()
            )
            self._graph = g
        return self._graph

    def neighbours(self, node: str) -> list[tuple[str, str]]:
        """``(bond, node at its other end)`` for every leg of ``node``."""
        out = []
        for b in self._legs[node]:
            u, v = self._bond_ends[b]
            out.append((b, v if u == node else u))
        return out

    def rooted(self, root: str) -> tuple[list[str], dict[str, tuple[str, str]]]:
        """The network hung from ``root`` by a depth-first search: the reachable nodes,
        children first, and ``node -> (bond to its parent, parent)`` (cached)."""
        if root not in self._orders:
            self._orders[root], self._parents[root] = self._search(root)
        return self._orders[root], self._parents[root]

    def postorder(self, root: str) -> list[str]:
        """Every node reachable from ``root`` by a depth-first search, children first."""
        return self.rooted(root)[0]

    def _search(self, root: str) -> tuple[list[str], dict[str, tuple[str, str]]]:
        seen = {root}
        order: list[str] = []
        parent: dict[str, tuple[str, str]] = {}
        stack: list[tuple[str, list[tuple[str, str]], int]] = [(root, self.neighbours(root), 0)]
        while stack:
            v, nbrs, k = stack.pop()
            while k < len(nbrs) and nbrs[k][1] in seen:
                k += 1
            if k == len(nbrs):
                order.append(v)
                continue
            stack.append((v, nbrs, k + 1))
            b, u = nbrs[k]
            seen.add(u)
            parent[u] = (b, v)
            stack.append((u, self.neighbours(u), 0))
        return order, parent

    # ------------------------------------------------------------------ access
    def nodes(self, kind: str) -> list[str]:
        """Nodes of one kind, in insertion order (inputs sorted by mode)."""
        if kind not in self._by_kind:
            out = [v for v, k in self._kind.items() if k == kind]
            if kind == "input":
                out.sort(key=self._mode.__getitem__)
            self._by_kind[kind] = out
        return list(self._by_kind[kind])

    def legs(self, node: str) -> tuple[str, ...]:
        """The bonds of ``node``, in axis order."""
        return self._legs[node]

    def kind(self, node: str) -> str:
        """``input``, ``output``, ``tensor`` or ``delta``."""
        return self._kind[node]

    def group(self, node: str) -> str:
        """The weight group of a tensor node."""
        return self._group[node]

    def mode(self, node: str) -> int:
        """The mode of an input node."""
        return self._mode[node]

    def bond_dim(self, bond: str) -> int:
        """Dimension of a bond."""
        return self._bond_dim[bond]

    def bond_layer(self, bond: str) -> str:
        """The layer label of a bond (``""`` if none)."""
        return self._bond_layer[bond]

    def bond_ends(self, bond: str) -> tuple[str, str]:
        """The two nodes a bond joins."""
        u, v = self._bond_ends[bond]
        return u, v

    def bonds(self) -> Iterator[str]:
        """Every bond name."""
        return iter(self._bond_dim)

    def shape(self, node: str) -> tuple[int, ...]:
        """Shape of a node's tensor (its legs' dimensions)."""
        return tuple(self._bond_dim[b] for b in self.legs(node))

    def groups(self) -> dict[str, tuple[int, ...]]:
        """Weight group -> shape, in first-use order."""
        out: dict[str, tuple[int, ...]] = {}
        for v in self.nodes("tensor"):
            out.setdefault(self.group(v), self.shape(v))
        return out

    @property
    def n_modes(self) -> int:
        """N: the number of open input legs."""
        return len(self.nodes("input"))

    @property
    def dims(self) -> tuple[int, ...]:
        """The dimension of every input leg, by mode."""
        return tuple(self.bond_dim(self.legs(v)[0]) for v in self.nodes("input"))

    @property
    def name(self) -> str:
        """A short description."""
        return self._name

    def is_random(self, group: str) -> bool:
        """Whether a group has random entries: not fixed, or fixed with a free mask."""
        if group not in self.fixed:
            return True
        return group in self.free and bool(np.any(np.asarray(self.free[group], dtype=bool)))

    def entry_degree(self) -> int:
        """Degree of a grid-tensor entry in the random weights: one per tensor node whose
        group has random entries (a tied group used k times contributes k; an affine
        tensor is of degree 1 in its free entries)."""
        return sum(1 for v in self.nodes("tensor") if self.is_random(self.group(v)))

    def coefficient_bits(self) -> int:
        """Bits of the sum of the absolute values of a grid-tensor entry's coefficients
        (a polynomial in the random weights).

        An entry sums one product of tensor entries per assignment of the summed
        indices -- one index per class of non-open bonds joined by deltas (a delta forces
        its legs equal) -- so that sum is at most the product of their dimensions times,
        for each tensor with fixed weights, its largest absolute value.

        Examples
        --------
        >>> from convac_verify.networks.compilers import tree_network
        >>> from convac_verify.networks.trees import balanced
        >>> tree_network(balanced(4), 2, 2).coefficient_bits()  # 2**3 index choices
        4
        """
        parent = {b: b for b in self.bonds()}

        def find(b: str) -> str:
            while parent[b] != b:
                parent[b] = parent[parent[b]]
                b = parent[b]
            return b

        for d in self.nodes("delta"):
            first, *rest = self.legs(d)
            for b in rest:
                parent[find(b)] = find(first)
        open_classes = {
            find(b)
            for b in self.bonds()
            if any(self.kind(v) in ("input", "output") for v in self.bond_ends(b))
        }
        terms = 1
        for b in self.bonds():
            if find(b) == b and b not in open_classes:
                terms *= self.bond_dim(b)
        for v in self.nodes("tensor"):
            if self.group(v) in self.fixed:
                values = np.asarray(self.fixed[self.group(v)], dtype=object).ravel()
                terms *= max([1, *(abs(int(x)) for x in values)])
        return terms.bit_length()

    def is_tree(self) -> bool:
        """Whether the bond graph is a tree (no cycles, no parallel bonds)."""
        if self._is_tree is None:
            (out,) = self.nodes("output")
            self._is_tree = len(self._bond_dim) == len(self._kind) - 1 and len(
                self.postorder(out)
            ) == len(self._kind)
        return self._is_tree


@dataclass(frozen=True)
class FilledNetwork:
    """A tensor network with concrete weights in a ring."""

    network: TensorNetwork
    ring: Ring
    weights: Mapping[str, Array] = field(default_factory=dict)
    """Weight group -> array of the group's shape (ring elements)."""

    def tensor(self, node: str) -> Array:
        """The array of a tensor node."""
        return self.weights[self.network.group(node)]


def fill_network(
    network: TensorNetwork, ring: Ring, weights: Mapping[str, object]
) -> FilledNetwork:
    """Weights for every group: ``weights`` first, then the network's fixed groups.

    Weights given for a group with a free mask must keep its fixed entries.

    Raises
    ------
    InvalidNetwork
        A group without weights (or with free entries and none given), weights of the
        wrong shape, or weights that change the fixed entries of a partly free group.
    """
    out: dict[str, Array] = {}
    for grp, shape in network.groups().items():
        if grp in weights:
            arr = as_ring_array(ring, weights[grp])
        elif grp in network.fixed and grp not in network.free:
            arr = ring.from_ints(network.fixed[grp])
        else:
            raise InvalidNetwork(f"no weights for group {grp!r}")
        arr = np.asarray(arr)
        if arr.shape != shape:
            raise InvalidNetwork(f"weights of {grp!r} have shape {arr.shape}; expected {shape}")
        if grp in network.free:
            kept = ~np.asarray(network.free[grp], dtype=bool)
            fixed = np.asarray(ring.from_ints(network.fixed[grp]))
            if not np.array_equal(arr[kept], fixed[kept]):
                raise InvalidNetwork(f"weights of {grp!r} change its fixed entries")
        out[grp] = arr
    return FilledNetwork(network, ring, out)


def as_ring_array(ring: Ring, values: object) -> Array:
    """``values`` as ring elements; arrays already in the ring's representation pass as is."""
    if isinstance(values, np.ndarray):
        if isinstance(ring, PrimeField) and values.dtype == np.uint64:
            return values
        if isinstance(ring, IntegerRing) and values.dtype == object:
            return values
        if not isinstance(ring, (PrimeField, IntegerRing)):
            return values  # e.g. a float ring for contrasts
    return ring.from_ints(values)


def random_fill(network: TensorNetwork, ring: Ring, rng: np.random.Generator) -> FilledNetwork:
    """Every non-fixed group uniform from ``ring.sample_space`` values (in group order);
    a partly free group draws its free entries and keeps the others."""
    weights: dict[str, object] = {}
    for grp, shape in network.groups().items():
        if grp not in network.fixed:
            weights[grp] = ring.random(rng, shape)
        elif grp in network.free:
            drawn = np.asarray(ring.random(rng, shape))
            kept = ~np.asarray(network.free[grp], dtype=bool)
            drawn[kept] = np.asarray(ring.from_ints(network.fixed[grp]))[kept]
            weights[grp] = drawn
    return fill_network(network, ring, weights)
