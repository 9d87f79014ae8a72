"""Submatrices of ``[[A]]_{I,J}`` without evaluating every unit on every entry.

A unit that reads only ``x_I`` takes one value per row, a unit that reads only ``x_J`` one
value per column; only units reading both sides need one value per entry. Each position
is kept at the shape it needs -- ``(rows, 1, C)``, ``(1, cols, C)`` or ``(rows, cols, C)``
-- and NumPy broadcasting combines them. For a left/right cut of a 1D network only the few
positions near the cut are ``rows x cols``, so a ``1000 x 1000`` submatrix of a 128-mode
network costs little more than its entries.

Same arithmetic as :mod:`convac_verify.overlaps.evaluate` (the reference evaluator), which
the tests hold it to.
"""

from __future__ import annotations

import itertools

import numpy as np

from ..algebra.fields import Array, Ring
from ..networks.partitions import Partition
from .layers import Net, flat_sources, receptive_fields
from .weights import Weights

__all__ = ["mixed_entries", "submatrix"]


def mixed_entries(net: Net, partition: Partition) -> int:
    """Largest number of (position, channel) values per matrix entry held at once (two
    consecutive layers' units that read both sides): the memory of :func:`submatrix` is about
    ``8 * rows * cols`` bytes times this."""
    rows = sum(1 << m for m in partition.rows)
    cols = sum(1 << m for m in partition.cols)
    channels = net.channels()
    counts = [
        sum(1 for rf in layer if rf & rows and rf & cols) * c
        for layer, c in zip(receptive_fields(net), channels, strict=False)
    ]
    return max((a + b for a, b in itertools.pairwise(counts)), default=1) or 1


def submatrix(
    net: Net,
    weights: Weights,
    ring: Ring,
    partition: Partition,
    row_values: np.ndarray,
    col_values: np.ndarray,
) -> Array:
    """Entries ``A(x)`` with ``x_I = row_values[a]`` and ``x_J = col_values[b]``: ``(rows, cols)``.

    Parameters
    ----------
    row_values, col_values
        Template indices, shapes ``(rows, |I|)`` and ``(cols, |J|)``, in the order of
        ``partition.rows`` and ``partition.cols``.
    """
    rows = np.asarray(row_values, dtype=np.int64)
    cols = np.asarray(col_values, dtype=np.int64)
    where: dict[int, np.ndarray] = {}
    for k, m in enumerate(partition.rows):
        where[m] = rows[:, k][:, None]
    for k, m in enumerate(partition.cols):
        where[m] = cols[:, k][None, :]
    shapes = net.shapes()
    zero, one = ring.from_ints(0), ring.from_ints(1)
    values: list[Array] = []
    for li, layer in enumerate(net.layers):
        w = weights[li]
        if layer.kind == "readout":
            (h,) = values
            out = ring.mul(w[0, 0], h[..., 0])
            for c in range(1, h.shape[-1]):
                out = ring.add(out, ring.mul(w[0, c], h[..., c]))
            return np.broadcast_to(out, (len(rows), len(cols))).copy()
        new_values: list[Array] = []
        for pos, srcs in zip(np.ndindex(*shapes[li + 1]), flat_sources(net, li), strict=True):
            acc: Array | None = None
            for t, flat in srcs:
                wt = None if layer.kind == "pool" else (w[t] if net.shared else w[(*pos, t)])
                if li == 0:
                    assert wt is not None
                    value = wt.T[where[flat]]  # (M, C_out) indexed by template indices
                elif wt is None:
                    value = values[flat]
                else:
                    h = values[flat]
                    value = ring.mul(wt[:, 0], h[..., 0:1])
                    for c in range(1, h.shape[-1]):
                        value = ring.add(value, ring.mul(wt[:, c], h[..., c : c + 1]))
                if acc is None:
                    acc = value
                elif layer.kind == "conv":
                    acc = ring.add(acc, value)
                else:
                    acc = ring.mul(acc, value)
            if acc is None:  # every tap omitted
                neutral = zero if layer.kind == "conv" else one
                acc = np.broadcast_to(neutral, (1, 1, net.channels()[li + 1])).copy()
            new_values.append(acc)
        values = new_values
    raise AssertionError("unreachable: the last layer is a readout")
