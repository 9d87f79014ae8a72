"""One home for upper bounds on matricization ranks, valid for **all** weights.

Every command and check asks this module for every bound it can certify, takes the
smallest (:func:`best_bound`), and names its certificate in the evidence. Each bound is
computed from the architecture, independently of any claim:

* :func:`tree_upper_bounds` -- same-channel product pooling over a mode tree (COLT eq. 4;
  CP and truncated networks are trees): the c-recursion (:mod:`.recursion`), the joint
  spans (:mod:`.spans`) and the min-cut of its tensor network (:mod:`.mincut`);
* :func:`eq3_upper_bounds` -- the per-child-weights trees of Cohen, Tamari & Shashua eq. 3:
  their joint spans, the tiling bound of Theorem 7 (binary trees; :mod:`.tilings`) and the
  min-cut;
* :func:`network_upper_bounds` -- any tensor network: the min-cut, plus the bounds above
  when the network was compiled from a tree or an eq. 3 tree.

Kronecker structure is covered by the min-cut: a bond of dimension 1 (a product of
independent factors) is cut at no cost, so the min-cut of a product is the product of the
factors' min-cuts.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import networkx as nx

from ..evidence.certificates import Certificate
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
    "min_cut_bound",
    "network_upper_bounds",
    "tree_upper_bounds",
]


@dataclass(frozen=True)
class Bound:
    """An upper bound for all weights and the certificate it rests on."""

    value: int
    certificate: Certificate


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
    [('c-recursion', 2), ('joint-span', 2), ('min-cut', 2)]
    """
    c = recursive_upper_bound(tree, dim, widths, partition)
    s = span_upper_bound(tree, dim, widths, partition)
    ws = widths if isinstance(widths, int) else tuple(int(w) for w in widths)
    return [
        Bound(c, Certificate("c-recursion", f"c-recursion over the mode tree: {c}")),
        Bound(s, Certificate("joint-span", f"joint-span recursion over the mode tree: {s}")),
        min_cut_bound(cached_tree_network(tree, dim, resolve_widths(tree, ws), False), partition),
    ]


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
    [('joint-span', 64), ('tiling', 64), ('min-cut', 64)]
    """
    from ..networks.dilated import dilated_span_bound

    s = dilated_span_bound(tree, dim, width, partition, v_rank)
    out = [Bound(s, Certificate("joint-span", f"joint-span recursion for eq. 3: {s}"))]
    if is_binary(tree):
        tb = tiling_bounds(tree, partition)
        value = width**tb.upper_exponent
        out.append(
            Bound(
                value,
                Certificate(
                    "tiling",
                    f"r^min(|Theta(I)|, |Theta(I^c)|) = {width}^min({len(tb.tiles_i)}, "
                    f"{len(tb.tiles_j)}) = {value}",
                ),
            )
        )
    out.append(min_cut_bound(cached_eq3_network(tree, dim, width), partition))
    return out


def network_upper_bounds(network: TensorNetwork, partition: Partition) -> list[Bound]:
    """Every certified upper bound for a tensor network (the min-cut always; the tree
    bounds too when it was compiled from a tree or an eq. 3 tree)."""
    meta = network.meta
    if network.source == "tree" and not isinstance(meta["widths"], Mapping):
        bounds = tree_upper_bounds(meta["tree"], meta["dim"], meta["widths"], partition)
        return bounds[:2] + [min_cut_bound(network, partition)]
    if network.source == "eq3":
        bounds = eq3_upper_bounds(meta["tree"], meta["dim"], meta["width"], partition)
        return bounds[:-1] + [min_cut_bound(network, partition)]
    return [min_cut_bound(network, partition)]


def best_bound(bounds: Sequence[Bound]) -> Bound | None:
    """The smallest bound (the first among equals), or ``None`` when there is none."""
    return min(bounds, key=lambda b: b.value) if bounds else None
