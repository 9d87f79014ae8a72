"""Ranks of overlapping networks with their evidence, and the upper bounds for all weights.

Four ways to get a rank (the method is recorded in the evidence; ``--method dense`` forces
the first, ``--method structured`` the second, ``--method sketch`` the third):

``dense``
    random weights; the whole matrix ``[[A]]_{I,J}`` (``M**N`` entries) is evaluated and its
    rank computed (GF(p) with FLINT, or Q). A certified lower bound for almost all weights
    (a nonzero minor at a point is a nonzero polynomial) and, for an upper-bound claim
    with no independent certificate, a random evaluation with a Schwartz--Zippel epsilon:
    ``|S|`` values per weight, the entry degree :meth:`Net.entry_degree`, and over GF(p) the
    random prime's failure term (:meth:`Net.coefficient_bits`). With a fixed ``--prime``
    no epsilon exists, so such rows are ``inconclusive`` (:mod:`convac_verify.evidence.status`).
``sampled``
    random weights; a ``K x K`` submatrix on random row and column assignments (for N beyond
    the dense budget). Its rank is a certified **lower** bound on the rank for almost all
    weights and proves nothing above it (``Measurement.bound_only``): a claim it does not
    reach and no certificate refutes is ``inconclusive``, never ``violated``.
``sketch``
    random weights; past the dense limit, when the smallest certified upper bound ``U``
    (min-cut or interface certificate) is at most
    :data:`~convac_verify.engines.sketch.SKETCH_MAX_RANK` and the estimate fits the
    budget (``--method sketch`` forces it, refused over budget): the rank of
    ``S [[A]] T^T`` with ``k = min(U, M**|I|)`` random product vectors per side
    (:mod:`convac_verify.engines.sketch`), contracted through the network compiled into
    the tensor-network core (:mod:`.network`: the tree of copies joined by the input
    deltas -- a plain forward pass would compute something else), never forming
    ``[[A]]``. A certain lower bound; ``proved`` when it meets ``U``; else the rank with
    a Schwartz--Zippel epsilon of degree ``N +`` the compiled network's weight degree (one
    per weight node of the unrolled network: at least :meth:`Net.entry_degree`, so the
    epsilon is conservative). The unrolled network is not a tree: its contraction order
    comes from opt_einsum's seeded randomized greedy search (up to
    :data:`SKETCH_SEARCH_MAX_NODES` nodes; plain greedy above), paid once while
    estimating and reused by the contraction; over budget the sampled path is taken. The same evidence and BLAS-first
    rule as every sketched rank (:func:`convac_verify.engines.measure.sketch_measurement`).
``structure``
    an explicit product witness (:mod:`.witness`): the exact rank over Q at that point,
    certified without evaluating the network (certificate kind ``kronecker``).

Every measurement carries the upper bounds for all weights (:func:`upper_bounds`): the
interface certificate (:mod:`.interface`), the matrix size, and for a contiguous
non-overlapping network (a same-channel tree decomposition) the c-recursion and joint
spans of :mod:`convac_verify.bounds`, computed by code independent of this package.
"""

from __future__ import annotations

import copy
import dataclasses
import functools
import itertools
import math
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import numpy as np

from ..algebra.fields import Array, IntegerRing, Ring
from ..bounds import matrix_size_bound, min_cut_bound, tree_upper_bounds
from ..engines import get_rank_engine
from ..engines.estimate import fmt_seconds
from ..engines.measure import (
    MAX_TENSOR_MODES,
    Context,
    RankSettings,
    SketchPlan,
    dense_bytes,
    escalation_settings,
    plan_sketch,
    sketch_measurement,
)
from ..engines.sketch import SKETCH_MAX_RANK
from ..errors import BudgetExceeded, ConvacError
from ..evidence.certificates import Bound
from ..evidence.observation import Observation
from ..evidence.status import Claim, Evidence, Measurement
from ..networks.matricize import matricize
from ..networks.partitions import Partition
from ..networks.tensor_network import FilledNetwork, TensorNetwork
from ..networks.trees import balanced
from .evaluate import grid_tensor
from .interface import interface_bound
from .layers import Net, tap_sources
from .network import MAX_NODES, compile_overlap, filled_network, unrolled_size
from .submatrix import mixed_entries, submatrix
from .weights import explicit_weights, random_weights
from .witness import product_form, product_rank, two_tap_witness

__all__ = [
    "DENSE_MAX_MODES",
    "MAX_SAMPLE",
    "MINCUT_MAX_NODES",
    "SKETCH_SEARCH_MAX_NODES",
    "Witness",
    "cut_witness",
    "dense_measurement",
    "measure_overlap",
    "observe",
    "sketch_plan",
    "tree_equivalent",
    "upper_bounds",
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
    field: str,
    net: Net | None = None,
    sample_space: int | None = None,
    witness: str = "",
) -> Evidence:
    """The one place this package builds :class:`Evidence`.

    Random weights (``net`` given, ``witness`` empty): :meth:`Evidence.random` with
    ``|S|``, the entry degree and, over GF(p), the prime (fixed or drawn at random) and
    the entry's coefficient bits. An explicit witness: :meth:`Evidence.witness` with
    point kind ``kronecker`` (its rank is a Kronecker product of exact ranks over Q).
    """
    gfp = field == "GF(p)"
    prime = settings.prime if gfp and settings is not None else None
    prime_random = gfp and settings is not None and settings.prime_random
    if witness:
        return Evidence.witness(
            witness,
            field=field,
            method=method,
            prime=prime,
            prime_random=prime_random,
            point="kronecker",
        )
    assert settings is not None and net is not None and sample_space is not None
    bits = net.coefficient_bits()
    return Evidence.random(
        field=field,
        method=method,
        seed=settings.seed,
        sample_space=sample_space,
        degree=net.entry_degree(),
        prime=prime,
        prime_random=prime_random,
        entry_bits=bits if prime_random else None,
    )


def tree_equivalent(net: Net) -> tuple[int, tuple[int, ...]] | None:
    """``(N, widths)`` when ``net`` is a same-channel tree decomposition over the balanced
    binary mode tree: 1D, N = 2^L >= 2, layers ``[conv 1 -> r_l, pool]*`` then the readout
    (the ``nonoverlap`` scheme). Then the bounds of :mod:`convac_verify.bounds` apply.

    Examples
    --------
    >>> from convac_verify.overlaps.schemes import SchemeParams, build_scheme
    >>> tree_equivalent(build_scheme("nonoverlap", SchemeParams((8,), width=3)))
    (8, (3, 3, 3))
    >>> tree_equivalent(build_scheme("alternating", SchemeParams((8,)))) is None
    True
    """
    n = net.n_modes
    if net.ndim != 1 or n < 2 or n & (n - 1):
        return None
    body = net.layers[:-1]
    if len(body) != 2 * (n.bit_length() - 1):
        return None
    widths = []
    for conv_layer, pool_layer in zip(body[::2], body[1::2], strict=True):
        if conv_layer.kind != "conv" or conv_layer.window != 1 or conv_layer.stride != 1:
            return None
        if pool_layer.kind != "pool":
            return None
        widths.append(conv_layer.out_channels)
    return n, tuple(widths)


MINCUT_MAX_NODES = 1500
"""Largest unrolled network (:func:`~.network.unrolled_size`) whose min-cut every
measurement computes (about 0.5 s at this size, NetworkX max-flow; the 8 x 8 alternating
grid unrolls to 3757 nodes and takes 2.7 s for a weak bound)."""


@functools.lru_cache(maxsize=256)
def upper_bounds(net: Net, partition: Partition) -> tuple[Bound, ...]:
    """Every upper bound for all weights certified for ``net`` on ``partition``: the
    c-recursion, joint spans and min-cut when the network is a tree decomposition
    (:func:`tree_equivalent`), else the min-cut of the network compiled into the
    tensor-network core (:mod:`.network`, up to :data:`MINCUT_MAX_NODES` nodes), the
    matrix size, and the interface certificate -- in this order, so that among equal bounds
    the one computed outside this package is named."""
    out: list[Bound] = []
    tree = tree_equivalent(net)
    if tree is not None:
        n, widths = tree
        out.extend(
            b
            for b in tree_upper_bounds(balanced(n), net.dim, widths, partition)
            if b.certificate.kind != "matrix-size"
        )
    elif unrolled_size(net) <= MINCUT_MAX_NODES:
        out.append(min_cut_bound(compile_overlap(net).network, partition))
    out.append(matrix_size_bound(net.dim, partition))
    out.append(interface_bound(net, partition))
    return tuple(out)


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


SKETCH_SEARCH_MAX_NODES = 2000
"""Largest unrolled network whose sketch contraction is ordered by opt_einsum's seeded
randomized greedy search (32 trials, the first plain greedy): measured 4 s of planning for
GC(3, 2) at N = 64 (1165 nodes), cutting plain greedy's estimate from ~1 h to ~3 s, and
9 s for the alternating scheme at N = 32 (1407 nodes). Larger networks keep plain greedy."""


@functools.lru_cache(maxsize=32)
def _sketch_network(net: Net) -> TensorNetwork:
    """The compiled network of ``net`` (a shallow copy) marked for the randomized greedy
    contraction order when it has at most :data:`SKETCH_SEARCH_MAX_NODES` nodes."""
    network = copy.copy(compile_overlap(net).network)
    meta = {k: v for k, v in network.meta.items() if k != "_einsum"}
    if unrolled_size(net) <= SKETCH_SEARCH_MAX_NODES and not network.is_tree():
        meta["optimize"] = "random-greedy"
    network.meta = meta
    return network


@functools.lru_cache(maxsize=128)
def sketch_plan(net: Net, partition: Partition, settings: RankSettings) -> SketchPlan | None:
    """Whether random weights on ``net`` are measured by a sketch (module docstring):
    ``--method sketch``, or ``auto`` past the dense limit with the smallest certified bound
    at most :data:`~convac_verify.engines.sketch.SKETCH_MAX_RANK` and an estimate within
    the budget (:func:`convac_verify.engines.measure.plan_sketch`).

    Raises
    ------
    BudgetExceeded
        ``--method sketch`` over the budget or past the compile cap.
    """
    forced = settings.method == "sketch"
    if not forced and (settings.method != "auto" or _dense_fits(net, settings)):
        return None
    if not forced and unrolled_size(net) > MAX_NODES:
        return None
    bounds = upper_bounds(net, partition)
    if not forced and min(b.value for b in bounds) > SKETCH_MAX_RANK:
        return None  # before any planning
    return plan_sketch(_sketch_network(net), partition, settings, bounds)


def measure_overlap(
    net: Net,
    partition: Partition,
    settings: RankSettings,
    *,
    witness: Witness | None = None,
    max_sample: int = MAX_SAMPLE,
    progress: Callable[[str], None] | None = None,
) -> Measurement:
    """The rank of ``[[A]]_{I,J}`` for ``net`` (see the module docstring for the methods).

    ``witness`` uses the explicit product witness; otherwise the dense path when ``M**N``
    fits (:data:`DENSE_MAX_MODES` and ``settings.max_memory``), else a sketch when
    :func:`sketch_plan` chooses one (``progress`` gets a ``note:`` saying so), else a
    sampled submatrix. Results are cached (the same network, partition and settings give
    the same rank). A dense random measurement under a random prime can be redrawn at a
    fresh point modulo a fresh random prime (``Measurement.redraw``: the runner's per-row
    escalation).

    Raises
    ------
    ConvacError
        When the witness does not certify a rank on this partition.
    """
    if partition.n_modes != net.n_modes:
        raise ConvacError(
            f"partition is for N = {partition.n_modes}; the network has {net.n_modes}"
        )
    if witness is None and progress is not None:
        plan = sketch_plan(net, partition, settings)
        if plan is not None and settings.method == "auto":
            k, k2 = plan.shape
            bound = min(b.value for b in plan.bounds)
            progress(
                f"note: overlap {net.name or net.describe()} {partition.name}: past the dense "
                f"limit ({net.dim}^{net.n_modes} entries); sketched with random product "
                f"vectors through the unrolled network ({k} x {k2}, upper bound {bound}; "
                f"estimated ~{fmt_seconds(plan.estimate.seconds)})"
            )
    return _measure_overlap(net, partition, settings, witness=witness, max_sample=max_sample)


@functools.lru_cache(maxsize=128)
def _measure_overlap(
    net: Net,
    partition: Partition,
    settings: RankSettings,
    *,
    witness: Witness | None,
    max_sample: int,
) -> Measurement:
    bounds = upper_bounds(net, partition)
    if witness is not None:
        return _witness(net, partition, witness, bounds)
    key = repr((net.describe(), partition.rows, settings.field))
    rng = _stream(settings.seed, key)
    ring = settings.ring()
    weights = random_weights(net, ring, rng)
    engine = get_rank_engine(settings.field)
    if settings.method == "dense" or (settings.method == "auto" and _dense_fits(net, settings)):
        _check_budget(net, settings)
        rank = engine.rank(dense_matrix(net, weights, ring, partition), settings.prime)
        ev = _evidence(
            "dense", settings, field=engine.field, net=net, sample_space=ring.sample_space
        )
        redraw = None
        if settings.prime_random:
            redraw = partial(_redraw, net, partition, settings, key)
        return Measurement(rank, ev, bounds, redraw=redraw)
    plan = sketch_plan(net, partition, settings)
    if plan is not None:
        network = _sketch_network(net)

        def fill(s: RankSettings, salt: str) -> FilledNetwork:
            ring = s.ring()
            ws = random_weights(net, ring, _stream(s.seed, key + salt))
            return dataclasses.replace(filled_network(net, ws, ring), network=network)

        return sketch_measurement(fill, partition, settings, plan, f"overlap/{key}")
    upper = min(b.value for b in bounds)
    rank, side = _sampled_rank(net, weights, ring, partition, settings, rng, upper, max_sample)
    ev = _evidence(
        f"sampled {side}x{side}",
        settings,
        field=engine.field,
        net=net,
        sample_space=ring.sample_space,
    )
    return Measurement(rank, ev, bounds, {"sample_side": side}, bound_only=True)


def _redraw(net: Net, partition: Partition, settings: RankSettings, key: str) -> Measurement:
    """The same network at a fresh random point modulo a fresh random prime (dense)."""
    fresh = dataclasses.replace(escalation_settings(settings, key), method="dense")
    return measure_overlap(net, partition, fresh)


def dense_measurement(
    net: Net, partition: Partition, rank: int, settings: RankSettings
) -> Measurement:
    """A rank computed elsewhere on the whole matrix at random weights drawn from
    ``settings`` (e.g. a profile), with its evidence and the upper bounds of ``partition``."""
    ev = _evidence(
        "dense",
        settings,
        field=get_rank_engine(settings.field).field,
        net=net,
        sample_space=settings.ring().sample_space,
    )
    return Measurement(rank, ev, upper_bounds(net, partition))


def _check_budget(net: Net, settings: RankSettings) -> None:
    need = dense_bytes(net.n_modes, net.dim, settings.field)
    if need > settings.max_memory:
        raise BudgetExceeded(
            f"the dense matrix has {net.dim}**{net.n_modes} entries and needs ~{need / 2**30:.3g} "
            f"GiB, over --max-memory {settings.max_memory / 2**30:.3g} GiB; use --method auto or "
            "structured (a sampled submatrix: a certified lower bound) or a smaller N"
        )
    if net.n_modes > MAX_TENSOR_MODES:
        raise BudgetExceeded(
            f"a grid tensor has one array axis per input, at most {MAX_TENSOR_MODES}; N = "
            f"{net.n_modes} is more: use --method auto or structured (a sampled submatrix)"
        )


def _dense_fits(net: Net, settings: RankSettings) -> bool:
    if net.n_modes > MAX_TENSOR_MODES or net.dim**net.n_modes > 2**DENSE_MAX_MODES:
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
    net: Net, partition: Partition, witness: Witness, bounds: tuple[Bound, ...]
) -> Measurement:
    weights = two_tap_witness(net, witness.first_taps)
    form = product_form(net, weights)
    cert = None if form is None else product_rank(form, partition, net.dim)
    if cert is None:
        raise ConvacError(
            f"the {witness.name} witness does not certify a rank on {partition.name} for "
            f"{net.name or net.describe()}"
        )
    ev = _evidence("structure", None, field="Q", witness=witness.name)
    return Measurement(cert.rank, ev, bounds, {"product_certificate": cert.detail(partition)})


def witness_grid_tensor(net: Net, witness: Witness) -> Array:
    """The witness network's grid tensor over Z (for cross-checks at small N)."""
    ws = two_tap_witness(net, witness.first_taps)
    ring = IntegerRing()
    return grid_tensor(net, explicit_weights(net, ring, [w if w.size else None for w in ws]), ring)


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
    """Measure ``net`` on ``partition`` (progress to ``ctx``) and hold it to ``claim``: the
    one way the overlap checks make a row. The claim is never weakened: where the evidence
    cannot decide it, the runner says ``inconclusive`` and why."""
    ctx.progress(f"overlap {net.name} {partition.name}")
    m = measure_overlap(net, partition, ctx.settings, witness=witness, progress=ctx.progress)
    return Observation(
        label=label,
        subject=subject,
        claim=claim,
        measurement=m,
        params={**params, "partition": partition.name, "method": m.evidence.method},
        series=series,
        x=x,
        x_name=x_name,
    )
