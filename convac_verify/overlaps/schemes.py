"""Named overlapping schemes as layer lists (:data:`SCHEMES`).

=================  ==============================================================
scheme             layers (until one position remains, then ``readout``)
=================  ==============================================================
``nonoverlap``     ``[conv 1 -> r, pool]*`` (the baseline ConvAC: contiguous size-2
                   pooling, a same-channel product-pooling tree)
``large-rf``       a first layer with receptive field R (stride 1, valid padding;
                   ``--first linear``: ``conv R``, ``--first gc``: ``GC(R, 1)``), then
                   ``pool, [conv 1 -> r, pool]*`` (a non-overlapping tree)
``alternating``    ``[conv B -> r (padding P), pool]*``: the talk's typical scheme
``gc-stack``       ``GC(R, S) -> r`` layers (``skip`` or ``valid`` padding)
``gc-pool``        ``[GC(B, 1) -> r, GC(2, 2) -> r]*``: an overlapping GC then a
                   non-overlapping, pooling-like GC, alternating
=================  ==============================================================

The first layer maps ``M`` to ``r`` channels; every scheme ends with a linear readout
``r -> 1``. In 2D every window is square (``B x B``, ``2 x 2``). A scheme whose layers would
not shrink the input (e.g. ``gc-stack`` with ``S = 1`` and ``skip`` padding) is refused.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from ..errors import ConvacError
from .layers import POOL, READOUT, Layer, Net, conv, gc, window_map

__all__ = ["SCHEMES", "SchemeParams", "build_scheme"]

_MAX_LAYERS = 4096
MAX_MODES = 4096
"""Largest input (N or H * W) a scheme is built for."""


@dataclass(frozen=True)
class SchemeParams:
    """Everything a scheme may read (unused fields are ignored)."""

    shape: tuple[int, ...]
    dim: int = 2
    width: int = 2
    """r."""
    window: int = 3
    """R (``large-rf``, ``gc-stack``)."""
    stride: int = 2
    """S (``gc-stack``)."""
    kernel: int = 2
    """B (``alternating``, ``gc-pool``)."""
    padding: str = ""
    """Padding of the overlapping layers ('' = the scheme's default)."""
    first: str = "linear"
    """``large-rf``: ``linear`` or ``gc``."""
    shared: bool = True


def _shape_after(shape: tuple[int, ...], layer: Layer) -> tuple[int, ...]:
    return tuple(window_map(n, layer.window, layer.stride, layer.padding).n_out for n in shape)


def _repeat(shape: tuple[int, ...], block: list[Layer]) -> list[Layer]:
    """``block`` repeated until one position remains (each round must shrink the input)."""
    layers: list[Layer] = []
    while math.prod(shape) > 1:
        before = shape
        for layer in block:
            if math.prod(shape) == 1:  # the rest of the block would act on one position
                break
            shape = _shape_after(shape, layer)
            layers.append(layer)
        if shape == before or len(layers) > _MAX_LAYERS:
            raise ConvacError(
                f"these layers never reach one position (they keep {shape}); use a stride or "
                "valid padding that shrinks the input"
            )
    return layers


def _nonoverlap(p: SchemeParams) -> list[Layer]:
    if math.prod(p.shape) == 1:
        return [conv(1, p.width)]
    return _repeat(p.shape, [conv(1, p.width), POOL])


def _large_rf(p: SchemeParams) -> list[Layer]:
    if p.first not in ("linear", "gc"):
        raise ConvacError(f"--first must be linear or gc; got {p.first!r}")
    if p.padding not in ("", "valid"):
        raise ConvacError("large-rf uses valid padding in its first layer (drop --padding)")
    first = conv(p.window, p.width) if p.first == "linear" else gc(p.window, 1, p.width, "valid")
    shape = _shape_after(p.shape, first)
    if math.prod(shape) == 1:
        return [first]
    return [first, POOL, *_repeat(_shape_after(shape, POOL), [conv(1, p.width), POOL])]


def _alternating(p: SchemeParams) -> list[Layer]:
    return _repeat(p.shape, [conv(p.kernel, p.width, p.padding or "valid"), POOL])


def _gc_stack(p: SchemeParams) -> list[Layer]:
    return _repeat(p.shape, [gc(p.window, p.stride, p.width, p.padding or "skip")])


def _gc_pool(p: SchemeParams) -> list[Layer]:
    block = [gc(p.kernel, 1, p.width, p.padding or "skip"), gc(2, 2, p.width, "skip")]
    return _repeat(p.shape, block)


SCHEMES: dict[str, tuple[Callable[[SchemeParams], list[Layer]], str]] = {
    "nonoverlap": (_nonoverlap, "[conv1 -> r, pool2]*: contiguous non-overlapping ConvAC"),
    "large-rf": (_large_rf, "first layer with receptive field R, then a non-overlapping tree"),
    "alternating": (_alternating, "[conv B -> r (padding), pool2]*: the talk's typical scheme"),
    "gc-stack": (_gc_stack, "GC(R, S) layers until one position remains"),
    "gc-pool": (_gc_pool, "[GC(B, 1), GC(2, 2)]*: overlapping GC then pooling-like GC"),
}


def build_scheme(name: str, params: SchemeParams) -> Net:
    """The network of scheme ``name``.

    Examples
    --------
    >>> net = build_scheme("nonoverlap", SchemeParams((4,), dim=2, width=2))
    >>> [layer.describe() for layer in net.layers]
    ['conv1/1 valid ->2', 'pool2', 'conv1/1 valid ->2', 'pool2', 'readout ->1']
    """
    try:
        builder = SCHEMES[name][0]
    except KeyError:
        raise ConvacError(f"unknown scheme {name!r}; known: {', '.join(SCHEMES)}") from None
    for label, value in (("--M", params.dim), ("--r", params.width)):
        if value < 1:
            raise ConvacError(f"{label} must be a positive integer; got {value}")
    for label, value in (("--R", params.window), ("--S", params.stride), ("--B", params.kernel)):
        if value < 1:
            raise ConvacError(f"{label} must be a positive integer; got {value}")
    if any(s < 1 for s in params.shape):
        raise ConvacError(f"the input needs at least one position per axis; got {params.shape}")
    if math.prod(params.shape) > MAX_MODES:
        raise ConvacError(
            f"at most {MAX_MODES} input positions are supported; got {math.prod(params.shape)}"
        )
    layers = [*builder(params), READOUT]
    return Net(params.shape, params.dim, tuple(layers), params.shared, _name(name, params))


def _name(name: str, p: SchemeParams) -> str:
    extra = {
        "nonoverlap": "",
        "large-rf": f" R={p.window} first={p.first}",
        "alternating": f" B={p.kernel} {p.padding or 'valid'}",
        "gc-stack": f" GC({p.window},{p.stride}) {p.padding or 'skip'}",
        "gc-pool": f" B={p.kernel} {p.padding or 'skip'}",
    }[name]
    shape = "x".join(map(str, p.shape))
    shared = "" if p.shared else " unshared"
    return f"{name}{extra} {shape} r={p.width} M={p.dim}{shared}"
