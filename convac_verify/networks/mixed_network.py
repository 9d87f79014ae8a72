r"""Mixed decompositions as tensor networks: a direct sum per segment.

:func:`mixed_network` builds the structure and ``compile_network(MixedDecomposition)``
fills it; the grid tensor then comes from the one contraction
(:mod:`convac_verify.networks.contraction`) and the min-cut from the bounds home, like
every other network. The semantics compiled are those of
:mod:`convac_verify.networks.mixed` (ICLR 2018 eq. 4).

The encoding (exact)
--------------------
A sum of two networks is not a contraction. Each **segment** -- the part of T and of
T-bar between a segment top ``mu`` (a mixture node or the root) and the segment's
*inputs* (its leaves and its child mixture nodes) -- computes
``value(T, mu) (+) value(T-bar, mu)`` from two different trees over the same inputs.
It is written as a **direct sum**:

* **Constant channel.** Every bond of either tree carries its ``r`` channels plus one
  constant channel (index ``r``; bond dimensions add, ``r (+) 1``); every weight is the
  block matrix ``W (+) 1`` -- an *affine* tensor: its ``W`` block is free, the rest fixed
  (``TensorNetwork.free``), so ``random_fill`` of the bare structure is a random mixed
  decomposition. A tree whose inputs are all constant outputs the constant (``1 * 1 =
  1`` through the pooling deltas).
* **Selector** ``s_mu`` (dimension 2; a delta for T's side and, through a fixed flip, a
  delta for T-bar's side): with ``s_mu = 0`` every input of the segment goes to T and
  the constant to T-bar, with ``s_mu = 1`` the reverse. Leaves: the input leg's template
  index is copied by a delta (``D{j}``) to one leaf tensor per tree, ``L[s, d, :] =
  V[d, :] (+) 0`` when selected, the constant channel when not (tied to group ``V``, the
  discretizers shared by both trees and every position). Child mixture nodes: their
  ``2r`` outputs ``value(T, b) (+) value(T-bar, b)`` are copied by a delta to two fixed
  splits (T reads the first half, T-bar the second; the other one the constant).
* **Readout with the swap** (fixed; legs: selector, T's top, T-bar's top, ``o``): ``o``
  of dimension ``2r`` is ``value(T, mu) (+) value(T-bar, mu)``: ``pre(T, mu)``'s low
  block goes to T-bar's half and its high block stays, and symmetrically. At the root
  the readout adds the two trees' channel 0 into the output leg ``y``.

Contracting over ``s_mu`` sums exactly the two terms, so the grid tensor is ``A^y`` of
eq. 4 (``tests/test_mixed_network.py`` compares it with a brute-force evaluator of the
semantics, mod p and over Z, and with every hybrid's tree decomposition under Claim 5's
weights). A plain sum of two trees (no mixture nodes) is the case of one segment; any
width works there. Copying template indices (not ``r + 1``-dimensional bonds) between
the two trees keeps the contraction's intermediates near the grid tensor's size (a
router joining both trees' bonds in one tensor was 4 to 10 times slower at N = 16).

Why not block-diagonal weights alone: a direct sum whose bonds carry both trees'
channels needs the two trees to have the same graph; inside a segment T and T-bar
differ (that is the point of mixing), so the two trees stay two subgraphs, joined at
the segment's inputs and its readout; between segments the ``2r`` bonds are the direct
sum ``r (+) r``.

Cuts. A cut separating I from J inside a segment must cut both trees (each reaches
every input of the segment), so the min-cut multiplies the trees' costs where the rank
of a sum only adds them (``rank(A + B) <= rank A + rank B``): sound (Levine et al.
Claim 1 holds for every tensor network), but not tight inside segments; the cheap cuts
are the input legs and the ``2r`` bonds between segments. The sum of the two trees'
bounds is **not** a bound for the mixed network (the segments exchange their outputs).

Names (stable)
--------------
``x{j}``/``in{j}`` input legs (M), ``D{j}`` the template-index copy; per tree ``s`` in
``t`` (T), ``b`` (T-bar) and node id ``v`` of that tree: ``{s}V{j}`` the leaf tensor
(group ``V``), ``{s}A{v}_{k}`` the weight for child k (legs ``{s}o{v}_{k}``, child bond;
its own group, ``(out+1) x (r+1)``), ``{s}P{v}`` the pooling delta (legs ``{s}e{v}``,
``{s}o{v}_0``, ...); the bond a segment input feeds into tree ``s`` is ``{s}u{v}``. Per
segment i (visit order: mixture nodes, then the root): ``tQ{i}``/``bQ{i}`` the selector
deltas joined by the fixed flip ``F{i}``; ``X{i}`` the readout (group ``readout``),
``m{i}`` its ``2r`` outputs (layer ``mix``), ``C{i}`` their copy to the splits ``tS{i}``,
``bS{i}``; ``Y`` the root's readout.

References
----------
N. Cohen, R. Tamari, A. Shashua. ICLR 2018 (arXiv 1703.06846v3), eq. 4. Y. Levine, D.
Yakira, N. Cohen, A. Shashua. ICLR 2018 (arXiv 1704.01552), Sec. 5, Claim 1.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import numpy as np

from ..algebra.fields import Array, Ring
from ..errors import InvalidDecomposition
from . import trees
from .compilers import compile_network
from .mixed import MixedDecomposition, Mixture, Node, node_index, node_text
from .tensor_network import FilledNetwork, TensorNetwork, fill_network

__all__ = [
    "TAGS",
    "block_weight",
    "cached_mixed_network",
    "claim5_width",
    "level_widths",
    "mixed_network",
]

TAGS = ("t", "b")
"""Name prefixes of T's and T-bar's tensors and bonds."""


def _affine(out: int, width: int) -> tuple[np.ndarray, np.ndarray]:
    """Fixed values and free mask of a block weight ``W (+) 1`` (``W``: out x width)."""
    fixed = np.zeros((out + 1, width + 1), dtype=np.int64)
    fixed[out, width] = 1
    mask = np.zeros_like(fixed)
    mask[:out, :width] = 1
    return fixed, mask


def block_weight(ring: Ring, w: Array) -> Array:
    """``W (+) 1`` in the ring's representation.

    Examples
    --------
    >>> from convac_verify.algebra.fields import IntegerRing
    >>> block_weight(IntegerRing(), IntegerRing().from_ints([[2, 3]])).tolist()
    [[2, 3, 0], [0, 0, 1]]
    """
    w = np.asarray(w)
    a, b = w.shape
    out = np.asarray(ring.from_ints(np.zeros((a + 1, b + 1), dtype=np.int64)))
    out[:a, :b] = w
    out[a, b] = np.asarray(ring.from_ints([1]))[0]
    return out


def leaf_weight(ring: Ring, discretizers: Array) -> Array:
    """The leaf tensor ``(selector, template, channel)``: selected, ``V[d, :] (+) 0``;
    not selected, the constant channel for every template."""
    v = np.asarray(discretizers)
    dim, r = v.shape
    out = np.asarray(ring.from_ints(np.zeros((2, dim, r + 1), dtype=np.int64)))
    out[0, :, :r] = v
    out[1, :, r] = np.asarray(ring.from_ints([1]))[0]
    return out


def _leaf_affine(dim: int, width: int) -> tuple[np.ndarray, np.ndarray]:
    fixed = np.zeros((2, dim, width + 1), dtype=np.int64)
    fixed[1, :, width] = 1
    mask = np.zeros_like(fixed)
    mask[0, :, :width] = 1
    return fixed, mask


def _split(width: int, half: int) -> np.ndarray:
    """The fixed split of a child mixture node's ``2r`` outputs into one tree (``half``
    0: T, reads channels ``0..r-1``; 1: T-bar, reads ``r..2r-1``): legs (that tree's
    selector, channel, the tree's input); selected, the tree's half; not selected, the
    constant channel (from the same half, so the other tree's split, selected, pairs
    with it through the shared channel index)."""
    r = width
    s = np.zeros((2, 2 * r, r + 1), dtype=np.int64)
    for g in range(r):
        s[0, half * r + g, g] = 1
        s[1, (1 - half) * r + g, r] = 1
    return s


def _readout(width: int) -> np.ndarray:
    """The fixed readout of a mixture node: legs (selector, T's top, T-bar's top, o),
    with the swap of the low block (``gamma < r/2``)."""
    r = width
    x = np.zeros((2, r + 1, r + 1, 2 * r), dtype=np.int64)
    for g in range(r):
        low = g < r // 2
        x[0, g, r, r + g if low else g] = 1  # pre(T): low block to T-bar's value
        x[1, r, g, g if low else r + g] = 1  # pre(T-bar): low block to T's value
    return x


def level_widths(mixture: Mixture, width: int | Sequence[int]) -> tuple[int, ...]:
    """Per-level widths ``(r_0, ..., r_{L-1})`` of a mixed network: ``r_0`` is the
    discretizers' dimension (the paper's input dimension), a node of height h (``h >= 1``,
    not the root) has ``r_h`` channels; ``L`` is the larger root height. One int is the
    uniform size constant ``r_mix``. The swap at a mixture node needs the same width in
    both trees -- so a mixture node must have the same height in T and T-bar -- and an
    even one (half is swapped).

    Raises
    ------
    InvalidDecomposition
        Naming the wrong count, a width < 1, an odd width at a mixture level, or a
        mixture node of different heights.

    Examples
    --------
    >>> from convac_verify.networks.mixed import parse_mixture_nodes
    >>> from convac_verify.networks.dilations import swapped_tree
    >>> m = parse_mixture_nodes("layer:2", trees.balanced(16), swapped_tree(16, 1))
    >>> level_widths(m, 4), level_widths(m, [3, 5, 2, 7])
    ((4, 4, 4, 4), (3, 5, 2, 7))
    """
    pair = mixture.pair()
    index = [node_index(t) for t in pair]
    depth = max(trees.height(t, trees.root(t)) for t in pair)
    if isinstance(width, int):
        widths = (width,) * depth
    else:
        widths = tuple(int(w) for w in width)
        if len(widths) != depth:
            raise InvalidDecomposition(
                f"per-level widths need L = {depth} values r_0..r_{depth - 1}; got {len(widths)}"
            )
    if any(w < 1 for w in widths):
        raise InvalidDecomposition(f"widths must be >= 1; got {list(widths)}")
    for mu in mixture.nodes:
        hs = {trees.height(t, index[s][mu]) for s, t in enumerate(pair)}
        if len(hs) != 1:
            raise InvalidDecomposition(
                f"mixture node {node_text(mu)} has heights {sorted(hs)} in T and T-bar: "
                "per-level widths need one level per mixture node"
            )
        (h,) = hs
        if widths[h] % 2:
            raise InvalidDecomposition(
                f"r_{h} = {widths[h]} must be even: mixture node {node_text(mu)} swaps half "
                "of its channels"
            )
    return widths


def claim5_width(mixture: Mixture, widths: Sequence[int]) -> int:
    """The largest r' such that Claim 5's weights of every hybrid of width r' fit into the
    per-level widths (zero padding): ``2r' <= r_h`` at a level with mixture nodes (both
    blocks are used there: the low one at ``0``, the high one moved to ``r_h/2``),
    ``r' <= r_h`` at every other level and at the leaves (only the low block is used).
    ``tests/test_mixed_network.py`` contracts the padded weights against the hybrids.

    Examples
    --------
    >>> from convac_verify.networks.mixed import parse_mixture_nodes
    >>> from convac_verify.networks.dilations import swapped_tree
    >>> m = parse_mixture_nodes("layer:2", trees.balanced(16), swapped_tree(16, 2))
    >>> claim5_width(m, (2, 3, 6, 5)), claim5_width(m, (4, 4, 4, 4))
    (2, 2)
    """
    widths = level_widths(mixture, widths)
    tree = mixture.tree
    index = node_index(tree)
    mix_levels = {trees.height(tree, index[mu]) for mu in mixture.nodes}
    return min(w // 2 if h in mix_levels else w for h, w in enumerate(widths))


def mixed_network(mixture: Mixture, dim: int, width: int | Sequence[int]) -> TensorNetwork:
    """The tensor network of a mixed decomposition (structure only; see the module
    docstring). ``width`` is ``r_mix`` (even when there are mixture nodes), or per-level
    widths ``r_0..r_{L-1}`` (:func:`level_widths`; ``r_0`` the discretizers' dimension).
    Uniform widths give the same network either way.

    Examples
    --------
    >>> from convac_verify.networks.mixed import parse_mixture_nodes
    >>> from convac_verify.networks.dilations import swapped_tree
    >>> m = parse_mixture_nodes("depth:1", trees.balanced(8), swapped_tree(8, 1))
    >>> net = mixed_network(m, 2, 2)
    >>> net.n_modes, net.shape("X0"), net.shape("tS0"), net.shape("Y"), net.shape("tV0")
    (8, (2, 3, 3, 4), (2, 4, 3), (2, 2, 2, 1), (2, 2, 3))
    """
    if isinstance(width, int):
        if dim < 1 or width < 1:
            raise InvalidDecomposition(f"M and r_mix must be >= 1; got M = {dim}, r_mix = {width}")
        if mixture.nodes and width % 2:
            raise InvalidDecomposition(f"r_mix must be even (half is swapped); got {width}")
    if dim < 1:
        raise InvalidDecomposition(f"M must be >= 1; got M = {dim}")
    widths = level_widths(mixture, width)
    uniform = len(set(widths)) == 1
    pair = mixture.pair()
    index = [node_index(t) for t in pair]
    tops = mixture.visit_order
    seg = {top: i for i, top in enumerate(tops)}  # segment number (the root last)
    root = mixture.root
    legs: dict[tuple[int, int], list[str]] = {(i, s): [] for i in seg.values() for s in (0, 1)}
    net = TensorNetwork(f"mixed {mixture.describe()}")
    net.add_bond("y", 1, "output")

    def wid(s: int, node: Node) -> int:
        """Channels of ``node`` in tree ``s`` (its level's width; 1 at the root)."""
        return 1 if node == root else widths[trees.height(pair[s], index[s][node])]

    def level(s: int, node: Node, name: str, plus: str = "") -> str:
        """A bond's layer name: ``r+1`` (uniform), ``r2+1`` (the level's width)."""
        if uniform:
            return name + plus
        return f"{name}{0 if len(node) == 1 else trees.height(pair[s], index[s][node])}{plus}"

    def suffix(w: int) -> str:
        return "" if uniform else f"-r{w}"

    def parent_segment(node: Node) -> int:
        return seg[next(t for t in tops if node < t)]  # tops in inclusion order

    for j in range(mixture.n_modes):  # leaves: input leg, template copies, leaf tensors
        i = parent_segment(frozenset({j}))
        net.add_bond(f"in{j}", dim, "M")
        net.add_input(j, f"in{j}")
        for s, tag in enumerate(TAGS):
            net.add_bond(f"{tag}d{j}", dim, "M")
            net.add_bond(f"{tag}s{j}", 2, "selector")
            leaf = frozenset({j})
            net.add_bond(f"{tag}u{index[s][leaf]}", widths[0] + 1, level(s, leaf, "r", "+1"))
            net.add_tensor(
                f"{tag}V{j}",
                [f"{tag}s{j}", f"{tag}d{j}", f"{tag}u{index[s][frozenset({j})]}"],
                group="V",
            )
            legs[i, s].append(f"{tag}s{j}")
        net.add_delta(f"D{j}", [f"in{j}", f"td{j}", f"bd{j}"])
    for mu in mixture.nodes:  # mixture nodes: 2r outputs, copied to both trees' splits
        i, up = seg[mu], parent_segment(mu)
        r = wid(0, mu)
        net.add_bond(f"m{i}", 2 * r, level(0, mu, "mix"))
        for s, tag in enumerate(TAGS):
            net.add_bond(f"{tag}m{i}", 2 * r, level(s, mu, "mix"))
            net.add_bond(f"{tag}z{i}", 2, "selector")
            net.add_bond(f"{tag}u{index[s][mu]}", r + 1, level(s, mu, "r", "+1"))
            net.add_tensor(
                f"{tag}S{i}",
                [f"{tag}z{i}", f"{tag}m{i}", f"{tag}u{index[s][mu]}"],
                group=f"split-{tag}{suffix(r)}",
            )
            net.fixed[f"split-{tag}{suffix(r)}"] = _split(r, s)
            legs[up, s].append(f"{tag}z{i}")
        net.add_delta(f"C{i}", [f"m{i}", "tm" + str(i), "bm" + str(i)])
    inputs = set(mixture.nodes)
    for top, i in seg.items():
        top_bonds = []
        for s, (tag, tree) in enumerate(zip(TAGS, pair, strict=True)):
            for node in mixture.segment(top, s):
                v = index[s][node]
                out = wid(s, node)
                layer = "output+1" if node == root else level(s, node, "r", "+1")
                net.add_bond(f"{tag}e{v}", out + 1, layer)
                kids = trees.children(tree, v)
                for k, c in enumerate(kids):
                    child: Node = frozenset(trees.leaves_below(tree, c))
                    feed = "u" if len(child) == 1 or child in inputs else "e"
                    net.add_bond(f"{tag}o{v}_{k}", out + 1, layer)
                    group = f"{tag}A{v}_{k}"
                    net.add_tensor(group, [f"{tag}o{v}_{k}", f"{tag}{feed}{c}"])
                    net.fixed[group], net.free[group] = _affine(out, wid(s, child))
                pooled = [f"{tag}o{v}_{k}" for k in range(len(kids))]
                net.add_delta(f"{tag}P{v}", [f"{tag}e{v}", *pooled])
            top_bonds.append(f"{tag}e{index[s][top]}")
        net.add_bond(f"s{i}", 2, "selector")
        net.add_bond(f"f{i}", 2, "selector")
        net.add_delta(f"tQ{i}", [f"s{i}", f"f{i}", *legs[i, 0]])
        net.add_bond(f"bf{i}", 2, "selector")
        net.add_tensor(f"F{i}", [f"f{i}", f"bf{i}"], group="flip")
        net.add_delta(f"bQ{i}", [f"bf{i}", *legs[i, 1]])
        if top == root:
            net.add_tensor("Y", [f"s{i}", *top_bonds, "y"], group="readout-root")
        else:
            r = wid(0, top)
            net.add_tensor(f"X{i}", [f"s{i}", *top_bonds, f"m{i}"], group=f"readout{suffix(r)}")
            net.fixed[f"readout{suffix(r)}"] = _readout(r)
    net.add_output("y")
    net.fixed["V"], net.free["V"] = _leaf_affine(dim, widths[0])
    net.fixed["flip"] = np.array([[0, 1], [1, 0]], dtype=np.int64)
    root_readout = np.zeros((2, 2, 2, 1), dtype=np.int64)
    root_readout[0, 0, 1, 0] = root_readout[1, 1, 0, 0] = 1
    net.fixed["readout-root"] = root_readout
    net.source = "mixed"
    net.meta = {"mixture": mixture, "dim": dim, "width": width, "widths": widths}
    return net.validate()


@lru_cache(maxsize=32)
def cached_mixed_network(mixture: Mixture, dim: int, width: int) -> TensorNetwork:
    """:func:`mixed_network`, built once per architecture (the contraction caches its plan
    on the network)."""
    return mixed_network(mixture, dim, width)


@compile_network.register
def _(decomp: MixedDecomposition) -> FilledNetwork:
    """The mixed decomposition with its weights: block weights ``W (+) 1`` and V."""
    net = cached_mixed_network(decomp.mixture, decomp.dim, decomp.width)
    ring = decomp.ring
    weights: dict[str, object] = {"V": leaf_weight(ring, decomp.discretizers)}
    for s, (tag, tree) in enumerate(zip(TAGS, decomp.mixture.pair(), strict=True)):
        for v in trees.internal_nodes(tree):
            node = frozenset(trees.leaves_below(tree, v))
            for k, w in enumerate(decomp.weights[s][node]):
                weights[f"{tag}A{v}_{k}"] = block_weight(ring, w)
    return fill_network(net, ring, weights)
