"""One home for upper bounds on matricization ranks, valid for **all** weights.

Every command and check asks this module for every bound it can certify, takes the
smallest (:func:`best_bound`), and names its certificate in the evidence. Each bound is
computed from the architecture, independently of any claim:

* :func:`tree_upper_bounds` -- same-channel product pooling over a mode tree (COLT eq. 4;
  CP and truncated networks are trees): the c-recursion (:mod:`.recursion`), the joint
  spans (:mod:`.spans`), the min-cut of its tensor network (:mod:`.mincut`) and the
  matrix size (:func:`matrix_size_bound`); every measurement of
  :mod:`convac_verify.engines.measure` carries them;
* :func:`eq3_upper_bounds` -- the per-child-weights trees of Cohen, Tamari & Shashua eq. 3:
  their joint spans, the tiling bound of Theorem 7 (binary trees; :mod:`.tilings`), the
  min-cut and the matrix size;
* :func:`network_upper_bounds` -- any tensor network: the min-cut, plus the bounds above
  when the network was compiled from a tree or an eq. 3 tree; for a compiled mixed
  decomposition (:mod:`convac_verify.networks.mixed_network`) the min-cut and the matrix
  size, and for a plain sum of two trees (no mixture nodes) also the sum of the two
  trees' best bounds (:func:`sum_bound`: ``rank(A + B) <= rank A + rank B``; with
  mixture nodes the segments exchange their outputs and no such sum bounds the rank).

Kronecker structure is covered by the min-cut: a bond of dimension 1 (a product of
independent factors) is cut at no cost, so the min-cut of a product is the product of the
factors' min-cuts.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache

import networkx as nx

from ..evidence.certificates import Bound, Certificate, detail_int, may_decide
from ..networks.compilers import cached_eq3_network, cached_tree_network
from ..networks.decompositions import resolve_widths
from ..networks.partitions import Partition
from ..networks.tensor_network import TensorNetwork
from .mincut import min_cut
from .recursion import recursive_upper_bound
from .spans import span_upper_bound
from .tilings import is_binary, tiling_bounds

__all__ = [
    "Bound",
    "best_bound",
    "eq3_upper_bounds",
    "matrix_size_bound",
    "min_cut_bound",
    "network_upper_bounds",
    "sum_bound",
    "tree_upper_bounds",
]


def matrix_size_bound(dim: int, partition: Partition) -> Bound:
    """``min(M**|I|, M**|J|)``: no matrix has a larger rank.

    Examples
    --------
    >>> from convac_verify.networks.partitions import Partition
    >>> matrix_size_bound(3, Partition.from_rows([0], 4, "first")).value
    3
    """
    i, j = len(partition.rows), len(partition.cols)
    value = int(dim) ** min(i, j)
    return Bound(
        value,
        Certificate(
            "matrix-size", f"min(M**|I|, M**|J|) = {dim}**{min(i, j)}: {detail_int(value)}"
        ),
    )


def min_cut_bound(network: TensorNetwork, partition: Partition) -> Bound:
    """Claim 1 / Claim 7 of Levine et al.: the min-cut, its cut recomputed with integers."""
    cut = min_cut(network, partition)
    return Bound(
        cut.value, Certificate("min-cut", f"min-cut of the tensor network: {cut.describe(network)}")
    )


def tree_upper_bounds(
    tree: nx.DiGraph, dim: int, widths: int | Sequence[int], partition: Partition
) -> list[Bound]:
    """Every certified upper bound for the same-channel tree decomposition over ``tree``.

    Examples
    --------
    >>> from convac_verify.networks.trees import balanced
    >>> from convac_verify.networks.partitions import left_right
    >>> [(b.certificate.kind, b.value) for b in tree_upper_bounds(balanced(8), 2, 2, left_right(8))]
    [('c-recursion', 2), ('joint-span', 2), ('min-cut', 2), ('matrix-size', 16)]
    """
    c = recursive_upper_bound(tree, dim, widths, partition)
    s = span_upper_bound(tree, dim, widths, partition)
    ws = widths if isinstance(widths, int) else tuple(int(w) for w in widths)
    return [
        Bound(c, Certificate("c-recursion", f"c-recursion over the mode tree: {detail_int(c)}")),
        Bound(
            s,
            Certificate("joint-span", f"joint-span recursion over the mode tree: {detail_int(s)}"),
        ),
        _tree_min_cut(tree, dim, resolve_widths(tree, ws), partition),
        matrix_size_bound(dim, partition),
    ]


@lru_cache(maxsize=256)
def _tree_min_cut(tree: nx.DiGraph, dim: int, ws: tuple[int, ...], partition: Partition) -> Bound:
    """The min-cut of the tree's network, once per (architecture, partition): a command
    asks for the bounds and then measures, which asks again (mode trees are never
    modified once built; the network is cached the same way)."""
    return min_cut_bound(cached_tree_network(tree, dim, ws, False), partition)


def eq3_upper_bounds(
    tree: nx.DiGraph, dim: int, width: int, partition: Partition, v_rank: int | None = None
) -> list[Bound]:
    """Every certified upper bound for the eq. 3 tree decomposition (Cohen-Tamari-Shashua).

    ``v_rank`` is the rank of the discretizer matrix when known (default ``min(M, r)``).

    Examples
    --------
    >>> from convac_verify.networks.trees import balanced
    >>> from convac_verify.networks.dilated import example_partition
    >>> [(b.certificate.kind, b.value) for b in eq3_upper_bounds(balanced(16), 2, 2,
    ...     example_partition(16))]
    [('joint-span', 64), ('tiling', 64), ('min-cut', 64), ('matrix-size', 256)]
    """
    from ..networks.dilated import dilated_span_bound

    s = dilated_span_bound(tree, dim, width, partition, v_rank)
    with_v = "" if v_rank is None else f", rank V = {v_rank}"
    out = [
        Bound(
            s, Certificate("joint-span", f"joint-span recursion for eq. 3{with_v}: {detail_int(s)}")
        )
    ]
    if is_binary(tree):
        tb = tiling_bounds(tree, partition)
        value = width**tb.upper_exponent
        out.append(
            Bound(
                value,
                Certificate(
                    "tiling",
                    f"r^min(|Theta(I)|, |Theta(I^c)|) = {width}^min({len(tb.tiles_i)}, "
                    f"{len(tb.tiles_j)}) = {detail_int(value)}",
                ),
            )
        )
    out.append(min_cut_bound(cached_eq3_network(tree, dim, width), partition))
    out.append(matrix_size_bound(dim, partition))
    return out


def sum_bound(
    tree: nx.DiGraph, tree_bar: nx.DiGraph, dim: int, width: int, partition: Partition
) -> Bound:
    """``rank [[A + B]] <= rank [[A]] + rank [[B]]`` for the plain sum of two eq. 3 trees of
    size ``width``: the sum of each tree's best bound that is independent of the tilings
    (joint spans, min-cut, matrix size; Theorem 7's own bound is left out). The
    matricization of the sum factors through ``[U_A U_B]``: a ``factorization``.

    Examples
    --------
    >>> from convac_verify.networks.trees import balanced
    >>> from convac_verify.networks.dilations import swapped_tree, groups_partition
    >>> sum_bound(balanced(16), swapped_tree(16, 2), 2, 2, groups_partition(16, 2)).value
    128
    """
    parts = []
    for t in (tree, tree_bar):
        best = best_bound(eq3_upper_bounds(t, dim, width, partition), "ctm18-theorem-7")
        assert best is not None  # the matrix size always applies
        parts.append(best)
    value = parts[0].value + parts[1].value
    detail = " + ".join(f"{b.certificate.kind} {detail_int(b.value)}" for b in parts)
    return Bound(
        value,
        Certificate(
            "factorization", f"rank(A + B) <= rank A + rank B: {detail} = {detail_int(value)}"
        ),
    )


def network_upper_bounds(network: TensorNetwork, partition: Partition) -> list[Bound]:
    """Every certified upper bound for a tensor network (the min-cut always; the tree
    bounds too when it was compiled from a tree or an eq. 3 tree; the matrix size, and
    for a plain sum the sum of the trees' bounds, when it was compiled from a mixed
    decomposition)."""
    meta = network.meta
    if network.source == "mixed":
        out = [min_cut_bound(network, partition), matrix_size_bound(meta["dim"], partition)]
        mixture = meta["mixture"]
        if not mixture.nodes and isinstance(meta["width"], int):  # uniform plain sum
            tree, tree_bar = mixture.pair()
            out.append(sum_bound(tree, tree_bar, meta["dim"], meta["width"], partition))
        return out
    if network.source == "tree" and not isinstance(meta["widths"], Mapping):
        bounds = tree_upper_bounds(meta["tree"], meta["dim"], meta["widths"], partition)
    elif network.source == "eq3":
        bounds = eq3_upper_bounds(meta["tree"], meta["dim"], meta["width"], partition)
    else:
        return [min_cut_bound(network, partition)]
    # the min-cut of this very network (the same architecture, possibly with tied weights)
    return [
        min_cut_bound(network, partition) if b.certificate.kind == "min-cut" else b for b in bounds
    ]


def best_bound(bounds: Sequence[Bound], check: str = "") -> Bound | None:
    """The smallest bound (the first among equals) that may decide a row of ``check``
    (all of them for ``check=""``), or ``None`` when there is none."""
    usable = [b for b in bounds if may_decide(check, b.certificate.kind)]
    return min(usable, key=lambda b: b.value) if usable else None
