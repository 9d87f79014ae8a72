"""Tree decompositions of a ConvAC's coefficient (grid) tensor, over any mode tree.

A :class:`TreeDecomposition` is the network of a convolutional arithmetic circuit
with 1x1 convolutions and **same-channel product pooling** over the windows of a
mode tree (COLT 2016, eq. 4, generalised from size-2 windows to any tree):

* leaf ``j`` (mode j) has ``r_0`` vectors ``a^{0,j,gamma}`` in ``R^M`` (the first 1x1
  convolution; stored as the rows of a ``(r_0, M)`` array);
* an internal node ``nu`` with children ``c_1..c_k`` has weights ``W^nu`` of shape
  ``(r_nu, r_in)`` and computes, for each output channel ``gamma``::

      phi^{nu,gamma} = sum_alpha W^nu[gamma, alpha] * phi^{c_1,alpha} (x) ... (x) phi^{c_k,alpha}

* the root has a single output (``Y = 1``): its weights have shape ``(1, r_{L-1})``.

Widths are indexed by height (see :mod:`convac_verify.networks.trees`): a non-root node of
height ``h`` has ``r_h`` channels, leaves have ``r_0``. Same-channel pooling needs all
children of a node to have the same width.

Special cases: the CP decomposition with Z terms (COLT eq. 3) is the tree
:func:`~convac_verify.networks.trees.cp_tree` with ``widths = (Z,)``; the hierarchical
decomposition of COLT eq. 4 is :func:`~convac_verify.networks.trees.balanced` with window 2;
the truncated decomposition of COLT eq. 5 is :func:`~convac_verify.networks.trees.truncated`.
With ``shared=True`` all nodes of one height use the same weights
(``a^{l,j,gamma} = a^{l,gamma}``).

References
----------
N. Cohen, O. Sharir, A. Shashua. On the Expressive Power of Deep Learning: A Tensor
Analysis. COLT 2016, eqs. 3-5.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import networkx as nx
import numpy as np

from ..algebra.fields import Array, Ring
from ..errors import InvalidDecomposition
from . import trees

__all__ = [
    "TreeDecomposition",
    "decomposition_from_weights",
    "level_widths",
    "parse_width_specs",
    "random_decomposition",
    "resolve_widths",
    "widths_label",
]


def parse_width_specs(text: object) -> list[tuple[int, ...]]:
    """Width specs separated by ``;`` (or spaces): each ``r`` (uniform) or ``r0,r1,...``
    (one per level, ``r_0`` first; see :func:`level_widths`).

    Examples
    --------
    >>> parse_width_specs("2;3,2,1,1")
    [(2,), (3, 2, 1, 1)]
    >>> parse_width_specs(4)
    [(4,)]
    """
    raw = text if isinstance(text, (list, tuple)) else str(text).replace(";", " ").split()
    specs: list[tuple[int, ...]] = []
    for token in raw:
        try:
            values = tuple(int(v) for v in str(token).strip("()[] ").split(",") if v.strip())
        except ValueError:
            raise InvalidDecomposition(
                f"widths take integers like 2 or 3,2,1,1 (r_0 first), separated by ';'; "
                f"got {token!r}"
            ) from None
        if not values or min(values) < 1:
            raise InvalidDecomposition(f"widths must be positive integers; got {token!r}")
        specs.append(values)
    if not specs:
        raise InvalidDecomposition(
            f"give at least one width spec (e.g. 2 or 3,2,1,1); got {text!r}"
        )
    return specs


def level_widths(spec: Sequence[int], depth: int) -> tuple[int, ...]:
    """``r_0..r_{depth-1}`` from a spec: the first ``depth`` widths (a sweep over N' uses
    the lower levels of the largest network); the last width given applies to every
    level above it (``2`` is uniform, ``3,1`` is ``r_0 = 3`` and 1 above).

    Examples
    --------
    >>> level_widths((2,), 3), level_widths((3, 2, 1, 1), 2), level_widths((3, 1), 3)
    ((2, 2, 2), (3, 2), (3, 1, 1))
    """
    if not spec:
        raise InvalidDecomposition("a width spec needs at least one width")
    return tuple(spec[:depth]) + (spec[-1],) * max(0, depth - len(spec))


def widths_label(spec: Sequence[int]) -> str:
    """``r=2`` or ``r=3,2,1,1`` for row labels."""
    return "r=" + ",".join(map(str, spec))


def resolve_widths(tree: nx.DiGraph, widths: int | Sequence[int]) -> tuple[int, ...]:
    """Expand ``widths`` to ``(r_0, ..., r_{L-1})`` and check same-channel pooling.

    Parameters
    ----------
    tree : nx.DiGraph
        A mode tree of depth ``L``.
    widths : int or sequence of int
        A uniform width ``r`` or one width per height ``0..L-1``.

    Raises
    ------
    InvalidDecomposition
        Wrong length, a width below 1, or children of one node with different widths.
    """
    depth = trees.height(tree, trees.root(tree))
    ws = (int(widths),) * depth if isinstance(widths, (int, np.integer)) else tuple(widths)
    if len(ws) != depth:
        raise InvalidDecomposition(
            f"widths must give r_0..r_{depth - 1} ({depth} values, one per level below the "
            f"root) for this tree of depth {depth}; got {len(ws)}: {list(ws)}"
        )
    if any(int(w) < 1 for w in ws):
        raise InvalidDecomposition(f"widths must be >= 1; got {list(ws)}")
    ws = tuple(int(w) for w in ws)
    for v in trees.internal_nodes(tree):
        kid_widths = {ws[trees.height(tree, c)] for c in trees.children(tree, v)}
        if len(kid_widths) > 1:
            raise InvalidDecomposition(
                f"children of node {v} have widths {sorted(kid_widths)}; same-channel pooling "
                "needs one width (give a uniform width for trees with leaves at several depths)"
            )
    return ws


@dataclass(frozen=True)
class TreeDecomposition:
    """A same-channel product-pooling tree decomposition with concrete weights.

    Use :func:`random_decomposition` or :func:`decomposition_from_weights` to build one;
    they validate the shapes.
    """

    tree: nx.DiGraph
    """The mode tree (pooling geometry)."""
    dim: int
    """M: the dimension of every mode (number of representation functions)."""
    widths: tuple[int, ...]
    """r_0..r_{L-1}, indexed by height."""
    weights: Mapping[int, Array]
    """Leaf j: ``(r_0, M)``; internal node: ``(out_width, in_width)``; root: ``(1, r_{L-1})``."""
    ring: Ring
    """Where the weights live (GF(p) or Z)."""
    shared: bool = False
    """Whether nodes of one height share weights."""

    @property
    def n_modes(self) -> int:
        """N."""
        return trees.n_modes(self.tree)

    @property
    def depth(self) -> int:
        """L: the height of the root."""
        return len(self.widths)

    def out_width(self, node: int) -> int:
        """Channels computed at ``node`` (1 at the root)."""
        if node == trees.root(self.tree):
            return 1
        return self.widths[trees.height(self.tree, node)]

    def in_width(self, node: int) -> int:
        """Channels of the children of internal ``node`` (the ``alpha`` range)."""
        first = trees.children(self.tree, node)[0]
        return self.widths[trees.height(self.tree, first)]

    def entry_degree(self) -> int:
        """Total degree of a grid-tensor entry as a polynomial in the weights.

        Every entry is a sum of products of one weight per internal node and one leaf
        entry per mode, so the degree is ``N + #internal nodes`` (``2N - 1`` for a binary
        tree, ``N + 1`` for CP). A ``k x k`` minor has degree at most ``k`` times this.
        """
        return self.n_modes + len(trees.internal_nodes(self.tree))

    def coefficient_bits(self) -> int:
        """Bits of the number of monomials (with multiplicity) in a grid-tensor entry.

        An entry sums one product per choice of the input channel ``alpha`` at every
        internal node, so the sum of the absolute values of its integer coefficients is
        at most ``prod_nu r_in(nu)`` (shared weights merge monomials, never add any).

        Examples
        --------
        >>> from convac_verify.algebra.fields import IntegerRing
        >>> from convac_verify.networks.trees import balanced
        >>> import numpy as np
        >>> d = random_decomposition(balanced(4), 2, 2, IntegerRing(), np.random.default_rng(0))
        >>> d.coefficient_bits()   # 2 * 2 * 2 = 8 monomials
        4
        """
        terms = 1
        for v in trees.internal_nodes(self.tree):
            terms *= self.in_width(v)
        return terms.bit_length()


def _expected_shapes(tree: nx.DiGraph, dim: int, ws: tuple[int, ...]) -> dict[int, tuple[int, int]]:
    r = trees.root(tree)
    shapes: dict[int, tuple[int, int]] = dict.fromkeys(range(trees.n_modes(tree)), (ws[0], dim))
    for v in trees.internal_nodes(tree):
        out = 1 if v == r else ws[trees.height(tree, v)]
        first = trees.children(tree, v)[0]
        shapes[v] = (out, ws[trees.height(tree, first)])
    return shapes


def _check_common(tree: nx.DiGraph, dim: int) -> None:
    if "postorder" not in tree.graph:  # not yet validated
        trees.validate_mode_tree(tree)
    if trees.n_modes(tree) < 2:
        raise InvalidDecomposition(f"a decomposition needs N >= 2 modes; got {trees.n_modes(tree)}")
    if dim < 1:
        raise InvalidDecomposition(f"M (dim) must be >= 1; got {dim}")


def random_decomposition(
    tree: nx.DiGraph,
    dim: int,
    widths: int | Sequence[int],
    ring: Ring,
    rng: np.random.Generator,
    *,
    shared: bool = False,
) -> TreeDecomposition:
    """Draw every weight uniformly from ``ring.sample_space`` values.

    Parameters
    ----------
    tree, dim, widths
        The architecture (see :class:`TreeDecomposition`).
    ring : Ring
        GF(p) (uniform residues) or Z (uniform integers in ``[-2**31, 2**31)``).
    rng : numpy.random.Generator
        The source of randomness; pass ``np.random.default_rng(seed)``.
    shared : bool
        One weight array per (height, shape) instead of one per node.
    """
    _check_common(tree, dim)
    ws = resolve_widths(tree, widths)
    shapes = _expected_shapes(tree, dim, ws)
    weights: dict[int, Array] = {}
    by_level: dict[tuple[int, tuple[int, int]], Array] = {}
    r = trees.root(tree)
    for v, shape in shapes.items():
        if shared and v != r:
            key = (trees.height(tree, v), shape)
            if key not in by_level:
                by_level[key] = ring.random(rng, shape)
            weights[v] = by_level[key]
        else:
            weights[v] = ring.random(rng, shape)
    return TreeDecomposition(tree, dim, ws, weights, ring, shared)


def decomposition_from_weights(
    tree: nx.DiGraph,
    dim: int,
    widths: int | Sequence[int],
    weights: Mapping[int, object],
    ring: Ring,
) -> TreeDecomposition:
    """Build a decomposition from explicit integer weights (e.g. a proof's witness).

    Raises
    ------
    InvalidDecomposition
        If a node's weights are missing or have the wrong shape.
    """
    _check_common(tree, dim)
    ws = resolve_widths(tree, widths)
    out: dict[int, Array] = {}
    for v, shape in _expected_shapes(tree, dim, ws).items():
        if v not in weights:
            raise InvalidDecomposition(f"no weights for node {v}")
        arr = ring.from_ints(weights[v])
        if arr.shape != shape:
            raise InvalidDecomposition(
                f"weights of node {v} have shape {arr.shape}; expected {shape}"
            )
        out[v] = arr
    return TreeDecomposition(tree, dim, ws, out, ring, False)
