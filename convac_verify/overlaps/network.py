"""Overlapping ConvACs compiled into the tensor-network core (issue 10 §1).

An overlapping network reuses hidden units: a unit read by k later windows has k
consumers. A delta on a hidden bond would compute ``sum_c h_c v_c w_c``, not
``(v . h)(w . h)`` (:mod:`convac_verify.networks.tensor_network`), so the network is
**unrolled into a tree of copies**: every unit is copied once per path from it to the
readout, each copy with the unit's own weights (tied groups). Only the inputs are shared:
one delta of dimension M per input copies its template index to every first-layer unit
that reads it. The compiled network therefore has one node per (unit, path) -- it grows
like the number of weight factors of the unrolled network (``Net.entry_degree``), e.g.
``(2B)^(log2 N)`` for GC(B, 1) + pool, and is refused past :data:`MAX_NODES`.

Layers as tensors (``C_in``/``C_out`` channels; omitted taps of the padding are left out):

``gc`` and ``pool``
    each factor ``<W_k[c, :], h_k>`` is a matrix node ``W_k`` (legs ``out, in``); the
    same-channel product of a window is a delta over the factors' ``out`` bonds. A window
    whose taps are all omitted is the constant 1: a fixed vector of ones.
``conv`` with one tap
    the matrix ``W_0``.
``conv`` with two or more taps (a sum over offsets)
    **homogeneous coordinates**: every bond of the network carries ``h^ = (h, 1)``
    (dimension C + 1). A template ``e_d`` is lifted by the fixed matrix ``[I; 1 ... 1]``
    (the ones row reads 1 from any template), the sum ``s = sum_k W_k h_k`` is a chain
    ``s^_1 = W^_0 h^_0``, ``s^_{k+1} = G_k(s^_k, h^_k)`` with ``W^ = [[W, 0], [0, 1]]`` and
    ``G_k[c, a, b] = [c = a < C_out][b = C_in] + [a = C_out] W^_k[c, b]`` -- a chain whose
    bonds have dimension ``C_out + 1`` (2 for one channel: a cut through a sum costs 2);
    pooling deltas and GC products keep the homogeneous coordinate (``1 * 1 = 1``);
    an omitted tap is the homogeneous zero ``(0, ..., 0, 1)``, i.e. no term; the readout is
    ``(a, 0)``. The chain's tensors are *affine* in the weights, so a compiled network's
    weight groups are filled from the ConvAC's weights (:func:`filled_network`), not drawn
    freely; the min-cut bounds every filling, so it bounds these too.

Without multi-tap linear convolutions (``nonoverlap``, ``gc-stack``, ``large-rf`` with a
GC first layer) the network is plain: bonds ``M`` and ``C``, free matrices.

The grid tensor of the compiled network (:func:`convac_verify.networks.contraction.contract`)
equals the reference DAG evaluator's (:mod:`.evaluate`) on all ``M^N`` inputs; the tests
hold them equal for every scheme, padding and sharing at small N.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np

from ..algebra.fields import Array, Ring
from ..errors import BudgetExceeded
from ..networks.tensor_network import FilledNetwork, TensorNetwork, fill_network
from .layers import Net, flat_sources
from .weights import Weights

__all__ = [
    "MAX_NODES",
    "CompiledOverlap",
    "compile_overlap",
    "filled_network",
    "homogeneous",
    "unrolled_size",
]

MAX_NODES = 200_000
"""Largest compiled network (tensor and delta nodes) :func:`compile_overlap` builds."""


def homogeneous(net: Net) -> bool:
    """Whether some linear convolution sums two or more taps (then every bond carries
    homogeneous coordinates)."""
    return any(
        layer.kind == "conv" and any(len(srcs) > 1 for srcs in flat_sources(net, i))
        for i, layer in enumerate(net.layers)
        if layer.kind != "readout"
    )


@functools.lru_cache(maxsize=64)
def _copies(net: Net) -> tuple[tuple[int, ...], ...]:
    """``copies[i][u]``: how many times unit ``u`` of layer ``i``'s *input* is used on paths
    to the readout (``copies[0]`` counts the first layer's reads of each input)."""
    n_layers = len(net.layers)
    counts: list[list[int]] = [[] for _ in range(n_layers)]
    # the readout reads its one position once
    below = [1]
    for i in range(n_layers - 2, -1, -1):
        n_in = math.prod(net.shapes()[i])
        uses = [0] * n_in
        for out, srcs in enumerate(flat_sources(net, i)):
            for _, s in srcs:
                uses[s] += below[out]
        counts[i] = uses
        below = uses
    counts[n_layers - 1] = [1]
    return tuple(tuple(c) for c in counts)


def unrolled_size(net: Net) -> int:
    """Nodes of the compiled network (at most; computed without building it): per copy of
    a unit one node per tap and one for the product or pooling, a lift per input read."""
    copies = _copies(net)
    total = net.n_modes + 2 + sum(copies[0])
    for i in range(len(net.layers) - 1):
        total += sum(
            copies[i + 1][o] * (len(srcs) + 1) for o, srcs in enumerate(flat_sources(net, i))
        )
    return total


@dataclass(frozen=True)
class CompiledOverlap:
    """A compiled overlapping network: the structure and how to fill it."""

    network: TensorNetwork
    net: Net
    homogeneous: bool
    groups: dict[str, tuple[str, int, tuple[int, ...], int]]
    """Weight group -> (role, layer index, output position (unshared) or ``()``, tap)."""


def _group_key(net: Net, index: int, pos: tuple[int, ...], tap: int) -> str:
    if net.shared:
        return f"L{index}t{tap}"
    return f"L{index}p{'.'.join(map(str, pos))}t{tap}"


@functools.lru_cache(maxsize=32)
def compile_overlap(net: Net) -> CompiledOverlap:
    """The tensor network of ``net``, unrolled into a tree of copies (module docstring).

    Raises
    ------
    BudgetExceeded
        When the unrolled network would have more than :data:`MAX_NODES` nodes.
    """
    size = unrolled_size(net)
    if size > MAX_NODES:
        raise BudgetExceeded(
            f"the network unrolled into a tree of copies has about {size:,} nodes, over "
            f"{MAX_NODES:,}; the tensor network is built for small networks only"
        )
    return _Builder(net).build()


class _Builder:
    def __init__(self, net: Net) -> None:
        self.net = net
        self.hom = homogeneous(net)
        self.tn = TensorNetwork(f"overlap {net.describe()}")
        self.groups: dict[str, tuple[str, int, tuple[int, ...], int]] = {}
        self.count = 0
        self.input_uses: list[list[str]] = [[] for _ in range(net.n_modes)]
        self.shapes = net.shapes()
        self.channels = net.channels()

    def fresh(self, prefix: str) -> str:
        self.count += 1
        return f"{prefix}{self.count}"

    def bond(self, dim: int, layer: str) -> str:
        name = self.fresh("b")
        self.tn.add_bond(name, dim, layer)
        return name

    def dim(self, channels: int) -> int:
        return channels + 1 if self.hom else channels

    def fixed(self, name: str, legs: list[str], values: Array) -> None:
        self.tn.add_tensor(name, legs)
        self.tn.fixed[name] = values

    def build(self) -> CompiledOverlap:
        net = self.net
        last = len(net.layers) - 1
        top = self.unit(last - 1, 0)  # the readout's one input position
        out = "y"
        self.tn.add_bond(out, 1, "out")
        unused = []
        for m, uses in enumerate(self.input_uses):
            leg = f"in{m}"
            self.tn.add_bond(leg, net.dim, "M")
            self.tn.add_input(m, leg)
            if not uses:  # an input no window reads: the readout is constant along it
                unused.append(leg)
            else:  # a copy of its template index to every first-layer tap that reads it
                self.tn.add_delta(f"X{m}", [leg, *uses])
        # the readout (a, with a ones vector on each unread input: the graph stays connected)
        self.tn.add_tensor("readout", [out, top, *unused])
        self.groups["readout"] = ("readout", last, (), len(unused))
        self.tn.add_output(out)
        self.tn.source = "overlap"
        self.tn.meta = {"homogeneous": self.hom}
        self.tn.validate()
        return CompiledOverlap(self.tn, net, self.hom, self.groups)

    def source(self, index: int, flat: int) -> str:
        """A bond carrying (a fresh copy of) the input of layer ``index`` at ``flat``."""
        if index == 0:
            leg = self.bond(self.net.dim, "M")
            self.input_uses[flat].append(leg)
            if not self.hom:
                return leg
            lifted = self.bond(self.net.dim + 1, "M+1")
            self.fixed(self.fresh("lift"), [lifted, leg], self._lift())
            return lifted
        return self.unit(index - 1, flat)

    def _lift(self) -> np.ndarray:
        m = self.net.dim
        return np.vstack([np.eye(m, dtype=np.int64), np.ones((1, m), dtype=np.int64)])

    def unit(self, index: int, flat: int) -> str:
        """A fresh copy of output ``flat`` of layer ``index``; returns its bond."""
        net = self.net
        layer = net.layers[index]
        c_out = self.channels[index + 1]
        d_out = self.dim(c_out)
        srcs = flat_sources(net, index)[flat]
        pos = tuple(int(x) for x in np.unravel_index(flat, self.shapes[index + 1]))
        label = f"r{index}"
        if layer.kind == "pool":
            legs = [self.source(index, s) for _, s in srcs]
            if len(legs) == 1:  # a trailing element passes through (ceil mode)
                return legs[0]
            out = self.bond(d_out, label)
            if not legs:
                self.fixed(self.fresh("one"), [out], np.ones(d_out, dtype=np.int64))
            else:
                self.tn.add_delta(self.fresh("P"), [*legs, out])
            return out
        if layer.kind == "gc" or len(srcs) <= 1:
            factors = []
            for t, s in srcs:
                h = self.source(index, s)
                f = self.bond(d_out, label)
                grp = _group_key(net, index, pos, t)
                self.tn.add_tensor(self.fresh("W"), [f, h], grp)
                self.groups[grp] = ("matrix", index, () if net.shared else pos, t)
                factors.append(f)
            if len(factors) == 1:
                return factors[0]
            out = self.bond(d_out, label)
            if not factors:
                if layer.kind == "conv":  # an empty sum: the homogeneous zero (or 0)
                    zero = np.zeros(d_out, dtype=np.int64)
                    if self.hom:
                        zero[-1] = 1
                    self.fixed(self.fresh("zero"), [out], zero)
                else:
                    self.fixed(self.fresh("one"), [out], np.ones(d_out, dtype=np.int64))
                return out
            self.tn.add_delta(self.fresh("G"), [*factors, out])
            return out
        # a linear convolution summing two or more taps: the homogeneous chain
        (t0, s0), *rest = srcs
        h = self.source(index, s0)
        acc = self.bond(d_out, label)
        grp = _group_key(net, index, pos, t0)
        self.tn.add_tensor(self.fresh("W"), [acc, h], grp)
        self.groups[grp] = ("matrix", index, () if net.shared else pos, t0)
        for t, s in rest:
            h = self.source(index, s)
            nxt = self.bond(d_out, label)
            grp = _group_key(net, index, pos, t) + "s"
            self.tn.add_tensor(self.fresh("S"), [nxt, acc, h], grp)
            self.groups[grp] = ("sum", index, () if net.shared else pos, t)
            acc = nxt
        return acc


def _embed(w: Array, ring: Ring) -> Array:
    """``[[W, 0], [0, 1]]``."""
    c_out, c_in = w.shape
    out = np.asarray(ring.from_ints(np.zeros((c_out + 1, c_in + 1), dtype=np.int64)))
    out[:c_out, :c_in] = w
    out[c_out, c_in] = ring.from_ints(1)
    return out


def _sum_tensor(w: Array, ring: Ring) -> Array:
    """``G[c, a, b] = [c = a < C_out][b = C_in] + [a = C_out] W^[c, b]``."""
    c_out, c_in = w.shape
    g = np.asarray(ring.from_ints(np.zeros((c_out + 1, c_out + 1, c_in + 1), dtype=np.int64)))
    one = ring.from_ints(1)
    for c in range(c_out):
        g[c, c, c_in] = one
    g[:, c_out, :] = _embed(w, ring)
    return g


def _tap_matrix(net: Net, weights: Weights, index: int, pos: tuple[int, ...], tap: int) -> Array:
    w = np.asarray(weights[index])
    if net.shared:
        return w[tap]
    return w[(*pos, tap)]


def filled_network(net: Net, weights: Weights, ring: Ring) -> FilledNetwork:
    """The compiled network of ``net`` with the ConvAC's weights (its grid tensor is the
    ConvAC's)."""
    comp = compile_overlap(net)
    values: dict[str, object] = {}
    for grp, (role, index, pos, tap) in comp.groups.items():
        if role == "readout":
            a = np.asarray(weights[index])  # (1, C)
            if comp.homogeneous:
                pad = np.asarray(ring.from_ints(np.zeros((1, a.shape[1] + 1), dtype=np.int64)))
                pad[:, :-1] = a
                a = pad
            for _ in range(tap):  # tap: the number of unread inputs
                a = np.multiply.outer(a, np.ones(net.dim, dtype=a.dtype))
            values[grp] = a
            continue
        w = _tap_matrix(net, weights, index, pos, tap)
        if role == "sum":
            values[grp] = _sum_tensor(w, ring)
        else:
            values[grp] = _embed(w, ring) if comp.homogeneous else w
    return fill_network(comp.network, ring, values)
