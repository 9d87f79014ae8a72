"""The reference evaluator: a direct, vectorized evaluation of the network as a DAG.

Every hidden unit is computed once per input, for a batch of inputs at a time
(``batch x positions x channels`` arrays), exactly in a ring (residues mod p on
``uint64``, or integers). Units shared by overlapping windows are reused, not copied, so
this is the evaluator for any depth of overlaps; every later evaluator (the tensor-network
compilation of a first overlapping layer, witnesses) is cross-checked against it, and it
is itself cross-checked against a scalar evaluation, one unit at a time, in the tests.

The first layer reads template indices: ``<W_k[c, :], e_d> = W_k[c, d]`` is a gather, no
multiplication.
"""

from __future__ import annotations

import math

import numpy as np

from ..algebra.fields import Array, Ring
from ..networks.partitions import Partition
from .layers import Net
from .weights import Weights

__all__ = ["evaluate", "grid_tensor", "input_batch", "partition_inputs", "sampled_matrix"]

_TARGET = 2**17  # entries per intermediate array (cache-sized chunks are fastest)

IntArray = np.ndarray


def evaluate(net: Net, weights: Weights, ring: Ring, inputs: IntArray) -> Array:
    """The network's output on each input.

    Parameters
    ----------
    inputs
        Template indices, shape ``(batch, *net.shape)``, entries in ``0..M-1``.

    Returns
    -------
    Array
        Shape ``(batch,)``, ring elements.
    """
    inputs = np.asarray(inputs, dtype=np.int64)
    if inputs.shape[1:] != net.shape:
        raise ValueError(f"inputs must have shape (batch, {net.shape}); got {inputs.shape}")
    step = chunk_size(net)
    parts = [
        _evaluate(net, weights, ring, inputs[s : s + step]) for s in range(0, len(inputs), step)
    ]
    if not parts:
        return ring.from_ints(np.zeros(0, dtype=np.int64))
    return np.concatenate(parts)


def chunk_size(net: Net) -> int:
    """Inputs per batch so that every intermediate array has about ``2**17`` entries."""
    widest = max(
        math.prod(shape) * max(c_in, c_out)
        for shape, c_in, c_out in zip(
            net.shapes()[1:], net.channels()[:-1], net.channels()[1:], strict=True
        )
    )
    return max(1, _TARGET // max(widest, math.prod(net.shape)))


def _evaluate(net: Net, weights: Weights, ring: Ring, inputs: IntArray) -> Array:
    state: Array = inputs  # template indices until the first layer
    indexed = True
    zero, one = ring.from_ints(0), ring.from_ints(1)
    for i, layer in enumerate(net.layers):
        w = weights[i]
        if layer.kind == "readout":
            flat = state.reshape(state.shape[0], -1)
            out = ring.mul(w[0, 0], flat[:, 0])
            for c in range(1, flat.shape[1]):
                out = ring.add(out, ring.mul(w[0, c], flat[:, c]))
            return out
        maps = net.maps(i)
        out_shape = tuple(m.n_out for m in maps)
        combos = list(np.ndindex(*(m.src.shape[1] for m in maps)))
        acc: Array | None = None
        for t, combo in enumerate(combos):
            srcs = [m.src[:, k] for m, k in zip(maps, combo, strict=True)]
            mask = np.ones(out_shape, dtype=bool)
            for axis, s in enumerate(srcs):
                shape = [1] * len(out_shape)
                shape[axis] = -1
                mask &= (s >= 0).reshape(shape)
            if not mask.any():
                continue
            where = np.ix_(*[np.where(s >= 0, s, 0) for s in srcs])
            gathered = state[(slice(None), *where)]  # type: ignore[arg-type]
            if layer.kind == "pool":
                value = gathered
            elif indexed:
                value = _first_layer(w, t, gathered, net.shared, out_shape)
            else:
                value = _linear(ring, w, t, gathered, net.shared)
            if not mask.all():
                neutral = zero if layer.kind == "conv" else one
                value = np.where(mask.reshape((1, *out_shape, 1)), value, neutral)
            if acc is None:
                acc = value
            elif layer.kind == "conv":
                acc = ring.add(acc, value)
            else:
                acc = ring.mul(acc, value)
        if acc is None:  # every tap omitted everywhere: the empty sum or product
            c_out = net.channels()[i + 1]
            neutral = zero if layer.kind == "conv" else one
            acc = np.broadcast_to(neutral, (len(inputs), *out_shape, c_out)).copy()
        state = np.asarray(acc)
        indexed = False
    raise AssertionError("unreachable: the last layer is a readout")


def _first_layer(
    w: Array, tap: int, idx: IntArray, shared: bool, out_shape: tuple[int, ...]
) -> Array:
    """``<W_tap[c, :], e_d>`` for the template indices ``idx``: ``(batch, *out, C_out)``."""
    if shared:
        return w[tap].T[idx]  # (M, C_out) indexed by (batch, *out)
    wt = np.moveaxis(w[..., tap, :, :], -1, len(out_shape))  # (*out, M, C_out)
    grids = np.indices(out_shape, sparse=True)
    return wt[(*[g[None, ...] for g in grids], idx)]


def _linear(ring: Ring, w: Array, tap: int, h: Array, shared: bool) -> Array:
    """``sum_c' W_tap[c, c'] h[..., c']``: ``(batch, *out, C_out)``."""
    wt = w[tap] if shared else w[..., tap, :, :]  # (C_out, C_in) or (*out, C_out, C_in)
    acc = ring.mul(wt[..., :, 0], h[..., 0:1])
    for c in range(1, h.shape[-1]):
        acc = ring.add(acc, ring.mul(wt[..., :, c], h[..., c : c + 1]))
    return acc


def input_batch(net: Net, start: int, stop: int) -> IntArray:
    """Inputs number ``start..stop-1`` of the grid, in C order (mode 0 most significant)."""
    n = net.n_modes
    b = np.arange(start, stop, dtype=np.int64)
    powers = net.dim ** np.arange(n - 1, -1, -1, dtype=np.int64)
    digits = (b[:, None] // powers[None, :]) % net.dim
    return digits.reshape((len(b), *net.shape))


def grid_tensor(net: Net, weights: Weights, ring: Ring) -> Array:
    """The grid tensor: shape ``(M,) * N``, axis ``m`` = mode ``m``, exact in ``ring``."""
    total = net.dim**net.n_modes
    step = chunk_size(net)
    parts = [
        _evaluate(net, weights, ring, input_batch(net, s, min(s + step, total)))
        for s in range(0, total, step)
    ]
    return np.concatenate(parts).reshape((net.dim,) * net.n_modes)


def partition_inputs(
    net: Net, partition: Partition, row_values: IntArray, col_values: IntArray
) -> IntArray:
    """Inputs ``(rows x cols, *shape)``: row assignment ``a`` on I, column assignment ``b`` on J."""
    rows = np.asarray(row_values, dtype=np.int64)
    cols = np.asarray(col_values, dtype=np.int64)
    flat = np.empty((len(rows), len(cols), net.n_modes), dtype=np.int64)
    flat[:, :, list(partition.rows)] = rows[:, None, :]
    flat[:, :, list(partition.cols)] = cols[None, :, :]
    return flat.reshape((len(rows) * len(cols), *net.shape))


def sampled_matrix(
    net: Net,
    weights: Weights,
    ring: Ring,
    partition: Partition,
    row_values: IntArray,
    col_values: IntArray,
) -> Array:
    """The submatrix of ``[[A]]_{I,J}`` on the given row and column assignments."""
    inputs = partition_inputs(net, partition, row_values, col_values)
    return evaluate(net, weights, ring, inputs).reshape(len(row_values), len(col_values))
