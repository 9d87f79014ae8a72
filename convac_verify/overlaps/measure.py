"""Ranks of overlapping networks with their evidence, and the upper bound for all weights.

Three ways to get a rank (the method is recorded in the evidence; ``--method dense`` forces
the first, ``--method structured`` the second):

``dense``
    random weights; the whole matrix ``[[A]]_{I,J}`` (``M**N`` entries) is evaluated and its
    rank computed (GF(p) with FLINT, or Q); a Schwartz--Zippel epsilon applies, with the
    degree of a grid-tensor entry in the weights (:meth:`Net.entry_degree`).
``sampled``
    random weights; a ``K x K`` submatrix on random row and column assignments (for N beyond
    the dense budget). Its rank is a certified **lower** bound on the rank for almost all
    weights and proves nothing above it: no epsilon, and a claim above it is not refuted
    (:func:`settle`).
``structure``
    an explicit product witness (:mod:`.witness`): the exact rank at that point, certified
    without evaluating the network.

Every measurement carries the interface bound (:mod:`.interface`) as its upper bound.
"""

from __future__ import annotations

import functools
import itertools
import math
import zlib
from dataclasses import dataclass, replace

import numpy as np

from ..algebra.fields import Array, IntegerRing, Ring
from ..engines import get_rank_engine
from ..engines.measure import Context, RankSettings, dense_bytes
from ..errors import BudgetExceeded, ConvacError
from ..evidence.observation import Observation
from ..evidence.status import Claim, Evidence, Measurement
from ..networks.matricize import matricize
from ..networks.partitions import Partition
from .evaluate import grid_tensor
from .interface import interface_bound
from .layers import Net, tap_sources
from .submatrix import mixed_entries, submatrix
from .weights import explicit_weights, random_weights
from .witness import product_form, product_rank, two_tap_witness

__all__ = [
    "DENSE_MAX_MODES",
    "MAX_SAMPLE",
    "Witness",
    "cut_witness",
    "dense_measurement",
    "measure_overlap",
    "observe",
    "settle",
]

DENSE_MAX_MODES = 20
"""Beyond ``M**N = 2**20`` entries the dense path is slow (tens of seconds): sample instead."""
MAX_SAMPLE = 1024
"""Largest side of a sampled submatrix (default; ``--sample``)."""
_MIN_SAMPLE = 64


@dataclass(frozen=True)
class Witness:
    """A two-tap product witness (:func:`convac_verify.overlaps.witness.two_tap_witness`)."""

    first_taps: tuple[int, int]
    name: str


def cut_witness(net: Net, axis: int | None = None) -> Witness:
    """The two-tap witness whose first layer pairs the two ends of its window along
    ``axis`` (default: the last axis -- columns in 2D, for left-right cuts; ``axis=0`` in 2D
    for top-bottom), the other axis at the window's centre."""
    window = net.layers[0].window
    off = (window - 1) // 2
    axis = net.ndim - 1 if axis is None else axis
    if net.ndim == 1:
        return Witness((0, window - 1), f"two-tap witness (taps 0, {window - 1})")
    if axis == 1:
        taps = (off * window, off * window + window - 1)
    else:
        taps = (off, (window - 1) * window + off)
    return Witness(taps, f"two-tap witness ({'horizontal' if axis == 1 else 'vertical'} pair)")


def _evidence(
    method: str,
    settings: RankSettings | None,
    *,
    field: str = "GF(p)",
    weights: str = "random",
    degree: int | None = None,
    sample_space: int | None = None,
) -> Evidence:
    """The one place this package builds :class:`Evidence` (one edit when the evidence
    model gains named constructors)."""
    random = weights == "random"
    return Evidence(
        field=field,
        method=method,
        weights=weights,
        prime=settings.prime if settings is not None and field == "GF(p)" else None,
        seed=settings.seed if settings is not None and random else None,
        sample_space=sample_space if random and method == "dense" else None,
        degree=degree if random and method == "dense" else None,
    )


def _stream(seed: int, key: str) -> np.random.Generator:
    return np.random.default_rng([seed, zlib.crc32(key.encode())])


def _assignments(n: int, dim: int) -> np.ndarray:
    return np.array(list(itertools.product(range(dim), repeat=n)), dtype=np.int64).reshape(-1, n)


def _mixed_fraction(net: Net, partition: Partition) -> float:
    """Fraction of first-layer units that read both sides of the partition."""
    rows = set(partition.rows)
    mixed = total = 0
    for pos in np.ndindex(*net.shapes()[1]):
        modes = {
            int(np.ravel_multi_index(s, net.shape))
            for s in tap_sources(net, 0, pos)
            if s is not None
        }
        total += 1
        mixed += bool(modes & rows) and bool(modes - rows)
    return mixed / max(total, 1)


def dense_matrix(net: Net, weights: tuple[Array, ...], ring: Ring, partition: Partition) -> Array:
    """All of ``[[A]]_{I,J}``: by row/column-separated evaluation (:mod:`.submatrix`) when few
    units read both sides, else from the grid tensor (the reference evaluator)."""
    if _mixed_fraction(net, partition) < 0.5:
        rows = _assignments(len(partition.rows), net.dim)
        cols = _assignments(len(partition.cols), net.dim)
        return submatrix(net, weights, ring, partition, rows, cols)
    return matricize(grid_tensor(net, weights, ring), partition)


@functools.lru_cache(maxsize=128)
def measure_overlap(
    net: Net,
    partition: Partition,
    settings: RankSettings,
    *,
    witness: Witness | None = None,
    max_sample: int = MAX_SAMPLE,
) -> Measurement:
    """The rank of ``[[A]]_{I,J}`` for ``net`` (see the module docstring for the methods).

    ``witness`` uses the explicit product witness; otherwise the dense path when ``M**N``
    fits (:data:`DENSE_MAX_MODES` and ``settings.max_memory``), else a sampled submatrix.
    Results are cached (the same network, partition and settings give the same rank).

    Raises
    ------
    ConvacError
        When the witness does not certify a rank on this partition.
    """
    if partition.n_modes != net.n_modes:
        raise ConvacError(
            f"partition is for N = {partition.n_modes}; the network has {net.n_modes}"
        )
    bound = interface_bound(net, partition)
    if witness is not None:
        return _witness(net, partition, witness, bound.value, bound.certificate.detail)
    key = repr((net.describe(), partition.rows, settings.field))
    rng = _stream(settings.seed, key)
    ring = settings.ring()
    weights = random_weights(net, ring, rng)
    engine = get_rank_engine(settings.field)
    extra: dict[str, object] = {"upper_certificate": bound.certificate.to_dict()}
    if settings.method == "dense" or (settings.method == "auto" and _dense_fits(net, settings)):
        _check_budget(net, settings)
        rank = engine.rank(dense_matrix(net, weights, ring, partition), settings.prime)
        ev = _evidence(
            "dense",
            settings,
            field=engine.field,
            degree=net.entry_degree(),
            sample_space=ring.sample_space,
        )
        return Measurement(rank, ev, bound.value, bound.certificate.detail, extra)
    rank, side = _sampled_rank(
        net, weights, ring, partition, settings, rng, bound.value, max_sample
    )
    ev = _evidence(f"sampled {side}x{side}", settings, field=engine.field)
    extra["lower_bound_only"] = True
    return Measurement(rank, ev, bound.value, bound.certificate.detail, extra)


def dense_measurement(
    net: Net, partition: Partition, rank: int, settings: RankSettings
) -> Measurement:
    """A rank computed elsewhere on the whole matrix at random weights (e.g. a profile),
    with its evidence and the interface bound of ``partition``."""
    bound = interface_bound(net, partition)
    engine = get_rank_engine(settings.field)
    ev = _evidence(
        "dense",
        settings,
        field=engine.field,
        degree=net.entry_degree(),
        sample_space=settings.ring().sample_space,
    )
    extra: dict[str, object] = {"upper_certificate": bound.certificate.to_dict()}
    return Measurement(rank, ev, bound.value, bound.certificate.detail, extra)


def _check_budget(net: Net, settings: RankSettings) -> None:
    need = dense_bytes(net.n_modes, net.dim, settings.field)
    if need > settings.max_memory:
        raise BudgetExceeded(
            f"the dense matrix has {net.dim}**{net.n_modes} entries and needs ~{need / 2**30:.3g} "
            f"GiB, over --max-memory {settings.max_memory / 2**30:.3g} GiB; use --method auto or "
            "structured (a sampled submatrix: a certified lower bound) or a smaller N"
        )


def _dense_fits(net: Net, settings: RankSettings) -> bool:
    if net.dim**net.n_modes > 2**DENSE_MAX_MODES:
        return False
    return dense_bytes(net.n_modes, net.dim, settings.field) <= settings.max_memory


def _sampled_rank(
    net: Net,
    weights: tuple[Array, ...],
    ring: Ring,
    partition: Partition,
    settings: RankSettings,
    rng: np.random.Generator,
    upper: int,
    max_sample: int,
) -> tuple[int, int]:
    """Rank of random ``K x K`` submatrices, ``K`` doubling until the rank stays below
    ``K / 2``, reaches the upper bound, or ``K`` reaches ``max_sample``."""
    engine = get_rank_engine(settings.field)
    n_i, n_j = len(partition.rows), len(partition.cols)
    per_entry = (8 if settings.field == "gfp" else 64) * 3 * mixed_entries(net, partition)
    fits = math.isqrt(max(settings.max_memory // per_entry, 1))
    if fits < _MIN_SAMPLE:
        raise BudgetExceeded(
            f"a {_MIN_SAMPLE} x {_MIN_SAMPLE} sampled submatrix needs more than --max-memory "
            f"{settings.max_memory / 2**30:.3g} GiB here; raise it or use a smaller network"
        )
    max_sample = min(max_sample, fits)
    side = _MIN_SAMPLE
    best = 0
    while True:
        rows = _distinct(rng, side, n_i, net.dim)
        cols = _distinct(rng, side, n_j, net.dim)
        m = submatrix(net, weights, ring, partition, rows, cols)
        best = max(best, engine.rank(m, settings.prime))
        if best >= upper or best < side // 2 or side >= max_sample:
            return best, side
        side = min(2 * side, max_sample)


def _distinct(rng: np.random.Generator, k: int, n: int, dim: int) -> np.ndarray:
    """``k`` distinct random assignments of ``n`` inputs (all of them when fewer exist)."""
    if n * np.log2(max(dim, 2)) <= 20 and dim**n <= k:
        return _assignments(n, dim)
    draws = rng.integers(0, dim, size=(2 * k, n), dtype=np.int64)
    uniq = np.unique(draws, axis=0)
    pick = rng.permutation(len(uniq))[:k]
    return uniq[np.sort(pick)]


def _witness(
    net: Net, partition: Partition, witness: Witness, upper: int, basis: str
) -> Measurement:
    weights = two_tap_witness(net, witness.first_taps)
    form = product_form(net, weights)
    cert = None if form is None else product_rank(form, partition, net.dim)
    if cert is None:
        raise ConvacError(
            f"the {witness.name} witness does not certify a rank on {partition.name} for "
            f"{net.name or net.describe()}"
        )
    ev = _evidence("structure", None, field="Q", weights=witness.name)
    extra: dict[str, object] = {
        "lower_certificate": {"kind": "kronecker", "detail": cert.detail(partition)}
    }
    return Measurement(cert.rank, ev, upper, basis, extra)


def witness_grid_tensor(net: Net, witness: Witness) -> Array:
    """The witness network's grid tensor over Z (for cross-checks at small N)."""
    ws = two_tap_witness(net, witness.first_taps)
    ring = IntegerRing()
    return grid_tensor(net, explicit_weights(net, ring, [w if w.size else None for w in ws]), ring)


def settle(claim: Claim, m: Measurement) -> Claim:
    """The claim to hold a measurement to: unchanged, except that a sampled (lower-bound
    only) rank below a ``>=``/``==`` claim that the upper bound does not refute cannot decide
    it -- the row then states what is certified, ``rank >= (sampled rank)``, and its formula
    says which claim is left undecided.

    (Until the evidence model has an ``inconclusive`` status.)
    """
    if not m.extra.get("lower_bound_only") or claim.relation == "<=" or m.rank >= claim.value:
        return claim
    if m.upper_bound is not None and m.upper_bound < claim.value:
        return claim  # refuted by the structure: decidable
    return replace(
        claim,
        relation=">=",
        formula=f"{m.rank} (sampled; undecided: {claim.relation} {claim.formula} = {claim.value})",
        value=m.rank,
        latex=r"\mathrm{sampled\ lower\ bound}",
    )


def observe(
    ctx: Context,
    net: Net,
    partition: Partition,
    claim: Claim,
    *,
    label: str,
    subject: str,
    params: dict[str, object],
    series: str = "",
    x: int | None = None,
    x_name: str = "N",
    witness: Witness | None = None,
) -> Observation:
    """Measure ``net`` on ``partition`` (progress to ``ctx``) and hold it to ``claim``
    (:func:`settle`d): the one way the overlap checks and the command make a row."""
    ctx.progress(f"overlap {net.name} {partition.name}")
    m = measure_overlap(net, partition, ctx.settings, witness=witness)
    return Observation(
        label=label,
        subject=subject,
        claim=settle(claim, m),
        measurement=m,
        params={**params, "partition": partition.name, "method": m.evidence.method},
        series=series,
        x=x,
        x_name=x_name,
    )
