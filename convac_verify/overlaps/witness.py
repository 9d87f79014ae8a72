"""Product witnesses: explicit weights whose rank is certified through structure alone.

A witness makes the network compute ``f = s * prod_u g_u^{m_u}`` -- a nonzero constant
times a product of first-layer units ``g_u``, each a function of a few inputs ``S_u``.
:func:`product_form` reads this form off the weights (every unit after the first layer
must have a single nonzero term per linear form; it returns ``None`` otherwise), and
:func:`product_rank` certifies the rank of ``[[f]]_{I,J}``:

* a factor with ``S_u`` inside I (or inside J) that is nonzero at every template is an
  invertible diagonal scaling of the rows (columns): it does not change the rank;
* the factors reading both sides must read pairwise disjoint inputs; then ``[[f]]`` is,
  up to those scalings and a permutation of rows and columns, the Kronecker product of the
  small matrices ``[[g_u^{m_u}]]`` (and all-ones factors on the other inputs), so
  ``rank [[f]] = prod_u rank [[g_u^{m_u}]]``, each computed exactly over Q.

The rank at the witness point is then exact, and it is a lower bound on the rank for
almost all weights (a nonzero minor at one point is a nonzero polynomial). Nothing is
evaluated on ``M**N`` inputs: the certificate costs ``O(network size)``, so it reaches
``N = 64`` (rank ``2**32``) and beyond.

Builders: :func:`two_tap_witness` (the first layer adds two taps ``a(x_p) + b(x_q)`` on one
channel, every later layer passes one channel through one tap).
"""

from __future__ import annotations

import itertools
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from flint import fmpz_mat

from ..errors import ConvacError
from ..networks.partitions import Partition
from .layers import Net, tap_sources

__all__ = [
    "ProductCertificate",
    "ProductForm",
    "product_form",
    "product_rank",
    "two_tap_witness",
]

_MAX_FACTOR_INPUTS = 12

IntWeights = list[np.ndarray]
"""One ``object`` array of Python ints per layer (empty for pooling)."""


@dataclass(frozen=True)
class Factor:
    """A first-layer unit ``g`` raised to a power, as a table over its inputs."""

    inputs: tuple[int, ...]
    """Modes read (flat), increasing."""
    table: dict[tuple[int, ...], int]
    """Template indices of ``inputs`` -> value of ``g**power`` (Python ints)."""


@dataclass(frozen=True)
class ProductForm:
    """``f = scale * prod(factors)``."""

    scale: int
    factors: tuple[Factor, ...]


@dataclass(frozen=True)
class ProductCertificate:
    """The certified rank and how it was obtained."""

    rank: int
    two_sided: int
    """Factors reading both sides (disjoint inputs)."""
    one_sided: int
    """Nowhere-zero factors reading one side."""
    factor_ranks: tuple[int, ...]
    """Exact rank over Q of each two-sided factor."""

    def detail(self, partition: Partition) -> str:
        """One line for the certificate."""
        ranks = Counter(self.factor_ranks)
        prod = " * ".join(f"{r}^{k}" if k > 1 else str(r) for r, k in sorted(ranks.items()))
        return (
            f"product witness on {partition.name}: f = c * {self.two_sided} factors reading both "
            f"sides on disjoint inputs (exact ranks over Q: {prod or '1'}) * {self.one_sided} "
            f"nowhere-zero one-sided factors; rank = {self.rank}"
        )


Monomial = tuple[int, Counter[int]]  # (scale, first-layer unit id -> multiplicity)


class _NotProduct(Exception):
    """A unit is not a single product of first-layer units."""


def _first_layer_units(net: Net, weights: IntWeights) -> list[Factor]:
    """Every first-layer unit (position, channel) of a linear first layer as a factor over
    the inputs of its nonzero taps."""
    layer = net.layers[0]
    out_shape = net.shapes()[1]
    c_out = layer.out_channels
    units: list[Factor] = []
    for pos in np.ndindex(*out_shape):
        taps = tap_sources(net, 0, pos)
        for c in range(c_out):
            terms: dict[int, list[int]] = {}
            for t, src in enumerate(taps):
                if src is None:
                    continue
                w = weights[0][t] if net.shared else weights[0][(*pos, t)]
                row = [int(v) for v in w[c]]
                if any(row):
                    mode = int(np.ravel_multi_index(src, net.shape))
                    acc = terms.setdefault(mode, [0] * net.dim)
                    for d in range(net.dim):
                        acc[d] += row[d]
            units.append(_linear_factor(terms, net.dim))
    return units


def _linear_factor(terms: dict[int, list[int]], dim: int) -> Factor:
    inputs = tuple(sorted(terms))
    if len(inputs) > _MAX_FACTOR_INPUTS:
        raise ConvacError(
            f"a witness unit reads {len(inputs)} inputs; at most {_MAX_FACTOR_INPUTS} allowed"
        )
    table = {
        combo: sum(terms[m][d] for m, d in zip(inputs, combo, strict=True))
        for combo in itertools.product(range(dim), repeat=len(inputs))
    }
    return Factor(inputs, table)


def product_form(net: Net, weights: Sequence[object]) -> ProductForm | None:
    """``f`` as ``scale * prod g_u^{m_u}`` over first-layer units, or ``None`` if the weights
    do not have that form (see the module docstring)."""
    ws = [np.asarray(w, dtype=object) for w in weights]
    if net.layers[0].kind != "conv":
        return None
    units = _first_layer_units(net, ws)
    c0 = net.layers[0].out_channels
    state: list[Monomial | None] = [(1, Counter({i: 1})) for i in range(len(units))]
    channels = net.channels()
    shapes = net.shapes()
    width = c0
    for li in range(1, len(net.layers)):
        layer = net.layers[li]
        w = ws[li]
        if layer.kind == "readout":
            terms = [(int(w[0, c]), state[c]) for c in range(width) if int(w[0, c])]
            if len(terms) != 1:
                return None
            coeff, mono = terms[0]
            if mono is None:
                return ProductForm(0, ())
            scale = coeff * mono[0]
            factors = []
            for uid, mult in sorted(mono[1].items()):
                base = units[uid]
                factors.append(Factor(base.inputs, {k: v**mult for k, v in base.table.items()}))
            return ProductForm(scale, tuple(factors))
        c_out = channels[li + 1]
        new_state: list[Monomial | None] = []
        for pos in np.ndindex(*shapes[li + 1]):
            taps = tap_sources(net, li, pos)
            for c in range(c_out):
                try:
                    new_state.append(
                        _combine(layer.kind, net, w, pos, taps, c, state, width, shapes[li])
                    )
                except _NotProduct:
                    return None
        state = new_state
        width = c_out
    return None


def _combine(
    kind: str,
    net: Net,
    w: np.ndarray,
    pos: tuple[int, ...],
    taps: list[tuple[int, ...] | None],
    c: int,
    state: list[Monomial | None],
    width: int,
    in_shape: tuple[int, ...],
) -> Monomial | None:
    """One unit of a later layer as a monomial; ``None`` = the zero function.

    Raises
    ------
    _NotProduct
        A linear form with more than one nonzero term.
    """

    def at(src: tuple[int, ...], ch: int) -> Monomial | None:
        return state[int(np.ravel_multi_index(src, in_shape)) * width + ch]

    factors: list[Monomial | None] = []
    if kind == "pool":
        factors = [at(src, c) for src in taps if src is not None]
    else:
        terms = []
        for t, src in enumerate(taps):
            if src is None:
                continue
            wt = w[t] if net.shared else w[(*pos, t)]
            lin = [(int(wt[c, cc]), at(src, cc)) for cc in range(width) if int(wt[c, cc])]
            if kind == "gc":
                if len(lin) > 1:
                    raise _NotProduct
                factors.append(None if not lin else _scaled(lin[0]))
            else:
                terms.extend(lin)
        if kind == "conv":
            if len(terms) > 1:
                raise _NotProduct
            return None if not terms else _scaled(terms[0])
    scale, counts = 1, Counter[int]()
    for f in factors:
        if f is None:
            return None
        scale *= f[0]
        counts.update(f[1])
    return scale, counts


def _scaled(term: tuple[int, Monomial | None]) -> Monomial | None:
    coeff, mono = term
    return None if mono is None else (coeff * mono[0], mono[1])


def product_rank(form: ProductForm, partition: Partition, dim: int) -> ProductCertificate | None:
    """The exact rank of ``[[f]]_{I,J}`` for ``f`` in product form, or ``None`` when the
    structure does not certify it (a one-sided factor vanishes somewhere, or two factors
    reading both sides share an input)."""
    rows = set(partition.rows)
    if form.scale == 0:
        return ProductCertificate(0, 0, 0, ())
    two_sided: list[Factor] = []
    one_sided = 0
    for f in form.factors:
        n_rows = sum(1 for m in f.inputs if m in rows)
        if n_rows in (0, len(f.inputs)):
            if any(v == 0 for v in f.table.values()):
                return None
            one_sided += 1
        else:
            two_sided.append(f)
    used: set[int] = set()
    for f in two_sided:
        if used & set(f.inputs):
            return None
        used |= set(f.inputs)
    ranks = tuple(_factor_rank(f, rows, dim) for f in two_sided)
    return ProductCertificate(math.prod(ranks), len(two_sided), one_sided, ranks)


def _factor_rank(f: Factor, rows: set[int], dim: int) -> int:
    r_pos = [k for k, m in enumerate(f.inputs) if m in rows]
    c_pos = [k for k, m in enumerate(f.inputs) if m not in rows]
    r_combos = list(itertools.product(range(dim), repeat=len(r_pos)))
    c_combos = list(itertools.product(range(dim), repeat=len(c_pos)))
    entries = []
    for rc in r_combos:
        for cc in c_combos:
            key = [0] * len(f.inputs)
            for k, v in zip(r_pos, rc, strict=True):
                key[k] = v
            for k, v in zip(c_pos, cc, strict=True):
                key[k] = v
            entries.append(f.table[tuple(key)])
    return int(fmpz_mat(len(r_combos), len(c_combos), entries).rank())


def _vectors(dim: int) -> tuple[list[int], list[int]]:
    """``a, b`` with positive entries, neither a multiple of the all-ones vector (M >= 2)."""
    a = [1] * dim
    b = [1] * dim
    if dim >= 2:
        a[1] = 2
        b[0] = 2
    return a, b


def two_tap_witness(
    net: Net, first_taps: tuple[int, int], pass_tap: int | None = None
) -> IntWeights:
    """Integer weights: the first layer is ``a(x_p) + b(x_q)`` on channel 0 (taps
    ``first_taps``), every later ``conv``/``gc`` passes channel 0 through tap ``pass_tap``
    (weight 1; default: the centre tap ``floor((R-1)/2)`` on every axis), the readout
    reads channel 0.

    Raises
    ------
    ConvacError
        The first layer is not a linear convolution, or a tap is out of range.
    """
    if net.layers[0].kind != "conv":
        raise ConvacError("a two-tap witness needs a linear first layer")
    a, b = _vectors(net.dim)
    out: IntWeights = []
    for i, layer in enumerate(net.layers):
        shape = net.weight_shape(i)
        w = np.zeros(shape, dtype=object)
        w[...] = 0
        if layer.kind == "pool":
            out.append(np.zeros(0, dtype=object))
            continue
        if layer.kind == "readout":
            w[0, 0] = 1
        elif i == 0:
            t1, t2 = first_taps
            taps = net.taps(0)
            if not (0 <= t1 < taps and 0 <= t2 < taps) or t1 == t2:
                raise ConvacError(f"first-layer taps must be two distinct taps in 0..{taps - 1}")
            w[..., t1, 0, :] = a
            w[..., t2, 0, :] = b
        else:
            tap = pass_tap
            if tap is None:
                centre = (layer.window - 1) // 2
                tap = sum(centre * layer.window**k for k in range(net.ndim))
            w[..., tap, 0, 0] = 1
        out.append(w)
    return out
