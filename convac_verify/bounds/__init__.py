"""One home for upper bounds on matricization ranks, valid for **all** weights.

Every command and check asks :func:`tree_upper_bounds` (and, once the tensor-network core
exists, its network counterpart) for every bound it can certify, takes the smallest
(:func:`best_bound`), and names its certificate in the evidence. Each bound is computed
from the architecture, independently of any claim.

Modules: :mod:`.recursion` (c-recursion), :mod:`.spans` (joint spans), :mod:`.tilings`
(Theta(I;T), Cohen-Tamari-Shashua Theorem 7).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import networkx as nx

from ..evidence.certificates import Certificate
from ..networks.partitions import Partition
from .recursion import recursive_upper_bound
from .spans import span_upper_bound

__all__ = ["Bound", "best_bound", "tree_upper_bounds"]


@dataclass(frozen=True)
class Bound:
    """An upper bound for all weights and the certificate it rests on."""

    value: int
    certificate: Certificate


def tree_upper_bounds(
    tree: nx.DiGraph, dim: int, widths: int | Sequence[int], partition: Partition
) -> list[Bound]:
    """Every certified upper bound for the same-channel tree decomposition over ``tree``.

    Examples
    --------
    >>> from convac_verify.networks.trees import balanced
    >>> from convac_verify.networks.partitions import left_right
    >>> [(b.certificate.kind, b.value) for b in tree_upper_bounds(balanced(8), 2, 2, left_right(8))]
    [('c-recursion', 2), ('joint-span', 2)]
    """
    c = recursive_upper_bound(tree, dim, widths, partition)
    s = span_upper_bound(tree, dim, widths, partition)
    return [
        Bound(c, Certificate("c-recursion", f"c-recursion over the mode tree: {c}")),
        Bound(s, Certificate("joint-span", f"joint-span recursion over the mode tree: {s}")),
    ]


def best_bound(bounds: Sequence[Bound]) -> Bound | None:
    """The smallest bound (the first among equals), or ``None`` when there is none."""
    return min(bounds, key=lambda b: b.value) if bounds else None
