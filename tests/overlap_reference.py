"""An independent scalar evaluator for overlapping networks: one unit at a time, Python ints.

It reads the layer list and re-derives every window from the definitions (issue 10 §1),
not from :func:`convac_verify.overlaps.layers.window_map`, so the two implementations check
each other.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence

from convac_verify.overlaps.layers import Net


def _axis_sources(n: int, window: int, stride: int, padding: str) -> list[list[int | None]]:
    """For each output position, the source of each tap (None = omitted)."""
    if padding == "valid":
        if n < window:
            return [[k if k < n else None for k in range(window)]]
        return [[j * stride + k for k in range(window)] for j in range((n - window) // stride + 1)]
    off = (window - stride) // 2
    out = []
    for j in range(math.ceil(n / stride)):
        row: list[int | None] = []
        for k in range(window):
            i = j * stride + k - off
            if padding == "circular":
                row.append(i % n)
            else:
                row.append(i if 0 <= i < n else None)
        out.append(row)
    return out


def scalar_output(net: Net, weights: Sequence[object], x: Sequence[int], mod: int | None) -> int:
    """The network's output at template indices ``x`` (flat, row-major), mod ``mod`` or over Z."""

    def red(v: int) -> int:
        return v % mod if mod else v

    shape = net.shape
    positions = list(itertools.product(*[range(s) for s in shape]))
    # state: position -> list of channel values; inputs as one-hot vectors
    state = {}
    for flat, pos in enumerate(positions):
        state[pos] = [1 if d == x[flat] else 0 for d in range(net.dim)]
    for li, layer in enumerate(net.layers):
        w = weights[li]
        if layer.kind == "readout":
            (only,) = state.values()
            return red(sum(int(w[0][c]) * only[c] for c in range(len(only))))
        axes = [_axis_sources(n, layer.window, layer.stride, layer.padding) for n in shape]
        out_shape = tuple(len(a) for a in axes)
        new_state = {}
        for out in itertools.product(*[range(s) for s in out_shape]):
            per_axis = [axes[a][out[a]] for a in range(len(shape))]
            taps = list(itertools.product(*per_axis))  # row-major taps
            c_out = len(next(iter(state.values()))) if layer.kind == "pool" else layer.out_channels
            values = []
            for c in range(c_out):
                acc = 0 if layer.kind == "conv" else 1
                for t, src in enumerate(taps):
                    if any(s is None for s in src):
                        continue
                    h = state[tuple(src)]
                    if layer.kind == "pool":
                        term = h[c]
                    else:
                        wt = w[t] if net.shared else w[out][t]
                        term = sum(int(wt[c][cc]) * h[cc] for cc in range(len(h)))
                    acc = red(acc + term) if layer.kind == "conv" else red(acc * term)
                values.append(acc)
            new_state[out] = values
        state = new_state
        shape = out_shape
    raise AssertionError("no readout")
