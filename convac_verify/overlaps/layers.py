"""Layers of an overlapping ConvAC, the index maps of their windows, and networks.

A :class:`Layer` is one of

``conv``
    linear convolution: ``y_j[c] = sum_{k<R} <W_k[c,:], h_{jS+k-off}>`` (an omitted tap
    contributes 0);
``gc``
    generalized convolution (GC): ``y_j[c] = prod_{k<R} <W_k[c,:], h_{jS+k-off}>`` (an
    omitted tap contributes the factor 1);
``pool``
    same-channel product pooling over windows of 2 (``2 x 2`` in 2D), stride 2, ceil mode;
``readout``
    ``f = <a, h_0>`` from ``C`` channels to one output, once one position remains.

Padding (per axis, :func:`window_map`), for an input of length ``n``, window ``R`` and
stride ``S``:

``valid``
    outputs ``j = 0..floor((n-R)/S)`` read ``jS + k``; when ``n < R`` the window is clipped
    to the ``n`` available taps (one output, taps ``k >= n`` omitted);
``zero``
    (``conv`` only) ``ceil(n/S)`` outputs read ``jS + k - floor((R-S)/2)``; taps outside
    ``0..n-1`` read the zero vector (omitted);
``skip``
    (``gc`` and ``pool``) as ``zero``, but an outside tap is the factor 1 (omitted);
``circular``
    as ``zero`` with indices taken mod ``n``.

A :class:`Net` is the input shape, ``M``, the layer list and whether weights are shared.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import numpy.typing as npt

from ..errors import ConvacError

__all__ = [
    "KINDS",
    "PADDINGS",
    "Layer",
    "Net",
    "WindowMap",
    "flat_sources",
    "receptive_fields",
    "tap_sources",
    "window_map",
]

KINDS = ("conv", "gc", "pool", "readout")
PADDINGS = {"conv": ("valid", "zero", "circular"), "gc": ("valid", "skip", "circular")}

IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class WindowMap:
    """Where each output position of one axis reads: ``src[j, k]`` (``-1`` = omitted)."""

    n_in: int
    src: IntArray
    """Shape ``(n_out, R)``."""

    @property
    def n_out(self) -> int:
        """Number of output positions."""
        return int(self.src.shape[0])


def window_map(n: int, window: int, stride: int, padding: str) -> WindowMap:
    """The index map of one axis (see the module docstring).

    Examples
    --------
    >>> window_map(5, 3, 2, "skip").src.tolist()
    [[0, 1, 2], [2, 3, 4], [4, -1, -1]]
    >>> window_map(2, 3, 1, "valid").src.tolist()
    [[0, 1, -1]]
    >>> window_map(4, 3, 1, "circular").src.tolist()[0]
    [3, 0, 1]
    """
    if n < 1 or window < 1 or stride < 1:
        raise ConvacError(f"a window needs n, R, S >= 1; got n={n}, R={window}, S={stride}")
    k = np.arange(window, dtype=np.int64)
    if padding == "valid":
        if n < window:
            src = np.where(k < n, k, -1)[None, :]
        else:
            j = np.arange((n - window) // stride + 1, dtype=np.int64)
            src = j[:, None] * stride + k[None, :]
        return WindowMap(n, src.astype(np.int64))
    off = (window - stride) // 2
    j = np.arange(-(-n // stride), dtype=np.int64)
    raw = j[:, None] * stride + k[None, :] - off
    if padding == "circular":
        return WindowMap(n, np.mod(raw, n).astype(np.int64))
    if padding in ("zero", "skip"):
        return WindowMap(n, np.where((raw >= 0) & (raw < n), raw, -1).astype(np.int64))
    raise ConvacError(f"unknown padding {padding!r}; known: valid, zero, skip, circular")


@dataclass(frozen=True)
class Layer:
    """One layer (see the module docstring)."""

    kind: str
    """``conv``, ``gc``, ``pool`` or ``readout``."""
    window: int = 1
    """R (per axis); 2 for ``pool``."""
    stride: int = 1
    """S (per axis); 2 for ``pool``."""
    padding: str = "valid"
    """See :func:`window_map`."""
    out_channels: int = 1
    """Channels out (the input channels of ``pool`` for ``pool``)."""

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ConvacError(f"unknown layer kind {self.kind!r}; known: {', '.join(KINDS)}")
        if self.kind in PADDINGS and self.padding not in PADDINGS[self.kind]:
            raise ConvacError(
                f"padding {self.padding!r} is not defined for a {self.kind} layer; use one of "
                f"{', '.join(PADDINGS[self.kind])}"
            )
        if self.window < 1 or self.stride < 1 or self.out_channels < 1:
            raise ConvacError(f"window, stride and channels must be >= 1; got {self}")

    @property
    def weighted(self) -> bool:
        """Whether the layer has weights (``conv``, ``gc``, ``readout``)."""
        return self.kind != "pool"

    def describe(self) -> str:
        """Short text, e.g. ``conv3/1 zero ->2``."""
        if self.kind == "pool":
            return "pool2"
        if self.kind == "readout":
            return "readout ->1"
        return f"{self.kind}{self.window}/{self.stride} {self.padding} ->{self.out_channels}"


def conv(window: int, channels: int, padding: str = "valid", stride: int = 1) -> Layer:
    """A linear convolution."""
    return Layer("conv", window, stride, padding, channels)


def gc(window: int, stride: int, channels: int, padding: str = "skip") -> Layer:
    """A GC layer GC(R, S)."""
    return Layer("gc", window, stride, padding, channels)


POOL = Layer("pool", 2, 2, "skip", 1)
READOUT = Layer("readout", 1, 1, "valid", 1)


@dataclass(frozen=True)
class Net:
    """An overlapping ConvAC: input shape, M, layers and weight sharing.

    Examples
    --------
    >>> net = Net((4,), 2, (conv(2, 1), POOL, conv(2, 1), POOL, READOUT))
    >>> net.shapes()
    [(4,), (3,), (2,), (1,), (1,), (1,)]
    """

    shape: tuple[int, ...]
    """``(N,)`` or ``(H, W)``."""
    dim: int
    """M."""
    layers: tuple[Layer, ...]
    shared: bool = True
    name: str = ""
    """How reports name the network (the scheme and its parameters)."""

    def __post_init__(self) -> None:
        if len(self.shape) not in (1, 2) or any(s < 1 for s in self.shape):
            raise ConvacError(f"a network reads a sequence (N,) or a grid (H, W); got {self.shape}")
        if self.dim < 1:
            raise ConvacError(f"M must be >= 1; got {self.dim}")
        if not self.layers or self.layers[-1].kind != "readout":
            raise ConvacError("a network ends with a readout")
        if any(layer.kind == "readout" for layer in self.layers[:-1]):
            raise ConvacError("only the last layer is a readout")
        if self.layers[0].kind not in ("conv", "gc"):
            raise ConvacError("the first layer maps the M-dimensional representation: conv or gc")
        shapes = self.shapes()
        if any(s != 1 for s in shapes[-2]):
            raise ConvacError(f"the readout needs one position; the last layer leaves {shapes[-2]}")

    @property
    def ndim(self) -> int:
        """1 or 2."""
        return len(self.shape)

    @property
    def n_modes(self) -> int:
        """N (``H * W`` in 2D)."""
        return math.prod(self.shape)

    def maps(self, index: int) -> tuple[WindowMap, ...]:
        """The per-axis window maps of layer ``index`` (empty for the readout)."""
        return self._maps[index]

    @cached_property
    def _maps(self) -> tuple[tuple[WindowMap, ...], ...]:
        out: list[tuple[WindowMap, ...]] = []
        shape = self.shape
        for layer in self.layers:
            if layer.kind == "readout":
                out.append(())
                continue
            maps = tuple(window_map(n, layer.window, layer.stride, layer.padding) for n in shape)
            out.append(maps)
            shape = tuple(m.n_out for m in maps)
        return tuple(out)

    def shapes(self) -> list[tuple[int, ...]]:
        """Spatial shape before each layer, then the output's ``(1,)``."""
        shapes = [self.shape]
        for maps in self._maps[:-1]:
            shapes.append(tuple(m.n_out for m in maps))
        shapes.append((1,))
        return shapes

    def channels(self) -> list[int]:
        """Channels before each layer (``M`` first), then the output's 1."""
        out = [self.dim]
        for layer in self.layers:
            out.append(out[-1] if layer.kind == "pool" else layer.out_channels)
        return out

    def taps(self, index: int) -> int:
        """Taps of layer ``index``'s window (``R**ndim``)."""
        layer = self.layers[index]
        return 1 if layer.kind == "readout" else layer.window**self.ndim

    def weight_shape(self, index: int) -> tuple[int, ...]:
        """Shape of layer ``index``'s weights (``()`` for pooling).

        Shared: ``(taps, C_out, C_in)``; unshared: ``(*out_positions, taps, C_out, C_in)``;
        readout: ``(1, C_in)``.
        """
        layer = self.layers[index]
        c_in = self.channels()[index]
        if layer.kind == "pool":
            return ()
        if layer.kind == "readout":
            return (1, c_in)
        base = (self.taps(index), layer.out_channels, c_in)
        if self.shared:
            return base
        return self.shapes()[index + 1] + base

    def entry_degree(self) -> int:
        """Total degree of a grid-tensor entry in the weights (Schwartz--Zippel).

        A ``conv`` adds one weight to every term, a ``gc`` multiplies its factors (each with
        one weight), pooling multiplies its inputs: the degree is the number of weight
        factors in the network unrolled into a tree (``2N - 1`` for ``conv1 + pool``
        trees). Computed per position and maximised.
        """
        deg: np.ndarray = np.zeros(self.shape, dtype=object)
        for i, layer in enumerate(self.layers):
            if layer.kind == "readout":
                return int(deg.max()) + 1
            maps = self.maps(i)
            outs = []
            for idx in np.ndindex(*(m.n_out for m in maps)):
                taps = _tap_sources(maps, idx)
                vals = [int(deg[src]) for src in taps if src is not None]
                if layer.kind == "conv":
                    outs.append(1 + max(vals, default=0))
                elif layer.kind == "gc":
                    outs.append(sum(1 + v for v in vals))
                else:
                    outs.append(sum(vals))
            deg = np.array(outs, dtype=object).reshape(tuple(m.n_out for m in maps))
        raise AssertionError("unreachable: the last layer is a readout")

    def coefficient_bits(self) -> int:
        """Bits of the sum of the absolute values of a grid-tensor entry's integer
        coefficients in the weights (for the random prime's failure term).

        Every coefficient is positive (sums and products of weights), so the sum is the
        entry's value with every weight 1: a template reads one weight per tap (``e_d`` has
        one nonzero coordinate), a ``conv`` sums ``C_in`` terms per tap, a ``gc`` multiplies
        its taps' ``C_in``-term sums, pooling multiplies. Shared weights merge monomials,
        never add any. Computed per position and maximised.

        Examples
        --------
        >>> Net((4,), 2, (conv(1, 2), POOL, conv(1, 2), POOL, READOUT)).coefficient_bits()
        4
        """
        val: np.ndarray = np.ones(self.shape, dtype=object)
        c_in = 1
        for i, layer in enumerate(self.layers):
            if layer.kind == "readout":
                return int(c_in * max(int(v) for v in val.ravel())).bit_length()
            maps = self.maps(i)
            outs = []
            for idx in np.ndindex(*(m.n_out for m in maps)):
                vals = [int(val[src]) for src in _tap_sources(maps, idx) if src is not None]
                if layer.kind == "conv":
                    outs.append(c_in * sum(vals))
                elif layer.kind == "gc":
                    outs.append(math.prod(c_in * v for v in vals))
                else:
                    outs.append(math.prod(vals))
            val = np.empty(len(outs), dtype=object)
            val[:] = outs
            val = val.reshape(tuple(m.n_out for m in maps))
            if layer.kind != "pool":
                c_in = layer.out_channels
        raise AssertionError("unreachable: the last layer is a readout")

    def describe(self) -> str:
        """The layer list in one line."""
        shape = "x".join(map(str, self.shape))
        kinds = ", ".join(layer.describe() for layer in self.layers)
        return f"{shape}, M={self.dim}{'' if self.shared else ', unshared'}: {kinds}"


def _tap_sources(maps: tuple[WindowMap, ...], out: tuple[int, ...]) -> list[tuple[int, ...] | None]:
    """Source position of every tap of output ``out`` (row-major taps; ``None`` omitted)."""
    per_axis = [m.src[j] for m, j in zip(maps, out, strict=True)]
    taps: list[tuple[int, ...] | None] = []
    for combo in np.ndindex(*(len(a) for a in per_axis)):
        src = tuple(int(a[k]) for a, k in zip(per_axis, combo, strict=True))
        taps.append(None if min(src) < 0 else src)
    return taps


def tap_sources(net: Net, index: int, out: tuple[int, ...]) -> list[tuple[int, ...] | None]:
    """Source position of every tap of output ``out`` of layer ``index`` (``None``: omitted)."""
    return _tap_sources(net.maps(index), out)


@functools.lru_cache(maxsize=64)
def flat_sources(net: Net, index: int) -> tuple[tuple[tuple[int, int], ...], ...]:
    """For every output of layer ``index`` (row-major), its ``(tap, flat source)`` pairs
    (omitted taps left out)."""
    in_shape = net.shapes()[index]
    out = []
    for pos in np.ndindex(*net.shapes()[index + 1]):
        out.append(
            tuple(
                (t, int(np.ravel_multi_index(src, in_shape)))
                for t, src in enumerate(tap_sources(net, index, pos))
                if src is not None
            )
        )
    return tuple(out)


@functools.lru_cache(maxsize=64)
def receptive_fields(net: Net) -> tuple[tuple[int, ...], ...]:
    """For the input and every layer's output (the readout excluded), the receptive field of
    each position as a bit mask of modes (bit m = mode m)."""
    rfs: tuple[int, ...] = tuple(1 << m for m in range(net.n_modes))
    out = [rfs]
    for index in range(len(net.layers) - 1):
        new = []
        for srcs in flat_sources(net, index):
            mask = 0
            for _, s in srcs:
                mask |= rfs[s]
            new.append(mask)
        rfs = tuple(new)
        out.append(rfs)
    return tuple(out)
