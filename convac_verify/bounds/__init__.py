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

import networkx as nx

from ..evidence.certificates import Bound, Certificate, may_decide
from ..networks.partitions import Partition
from .recursion import recursive_upper_bound
from .spans import span_upper_bound

__all__ = ["Bound", "best_bound", "matrix_size_bound", "tree_upper_bounds"]


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
        Certificate("matrix-size", f"min(M**|I|, M**|J|) = {dim}**{min(i, j)}: {value}"),
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
    [('c-recursion', 2), ('joint-span', 2), ('matrix-size', 16)]
    """
    c = recursive_upper_bound(tree, dim, widths, partition)
    s = span_upper_bound(tree, dim, widths, partition)
    return [
        Bound(c, Certificate("c-recursion", f"c-recursion over the mode tree: {c}")),
        Bound(s, Certificate("joint-span", f"joint-span recursion over the mode tree: {s}")),
        matrix_size_bound(dim, partition),
    ]


def best_bound(bounds: Sequence[Bound], check: str = "") -> Bound | None:
    """The smallest bound (the first among equals) that may decide a row of ``check``
    (all of them for ``check=""``), or ``None`` when there is none."""
    usable = [b for b in bounds if may_decide(check, b.certificate.kind)]
    return min(usable, key=lambda b: b.value) if usable else None
