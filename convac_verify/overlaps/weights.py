"""Weights of an overlapping network: random (from a ring) or explicit integers.

Layer ``i``'s weights have the shape :meth:`convac_verify.overlaps.layers.Net.weight_shape`
gives (``()`` for pooling): shared ``(taps, C_out, C_in)``, unshared
``(*out_positions, taps, C_out, C_in)``, readout ``(1, C_in)``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..algebra.fields import Array, Ring
from ..errors import InvalidDecomposition
from .layers import Net

__all__ = ["Weights", "explicit_weights", "random_weights"]

Weights = tuple[Array, ...]
"""One array per layer (an empty array for pooling)."""


def random_weights(net: Net, ring: Ring, rng: np.random.Generator) -> Weights:
    """Every weight uniform over ``ring.sample_space`` values, drawn layer by layer."""
    out = []
    for i, layer in enumerate(net.layers):
        if not layer.weighted:
            out.append(ring.from_ints(np.zeros(0, dtype=np.int64)))
            continue
        out.append(ring.random(rng, net.weight_shape(i)))
    return tuple(out)


def explicit_weights(net: Net, ring: Ring, values: Sequence[object | None]) -> Weights:
    """Explicit integer weights, one entry per layer (``None`` for pooling), shape-checked.

    Raises
    ------
    InvalidDecomposition
        A missing layer or a wrong shape.
    """
    if len(values) != len(net.layers):
        raise InvalidDecomposition(
            f"the network has {len(net.layers)} layers; got weights for {len(values)}"
        )
    out = []
    for i, (layer, value) in enumerate(zip(net.layers, values, strict=True)):
        if not layer.weighted:
            out.append(ring.from_ints(np.zeros(0, dtype=np.int64)))
            continue
        arr = ring.from_ints(value)
        if arr.shape != net.weight_shape(i):
            raise InvalidDecomposition(
                f"layer {i} ({layer.describe()}) needs weights of shape {net.weight_shape(i)}; "
                f"got {arr.shape}"
            )
        out.append(arr)
    return tuple(out)
