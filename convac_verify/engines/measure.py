"""Measure one matricization rank of one network, exactly, with its evidence.

:func:`measure_rank` builds the decomposition (random weights from the seed, or an
explicit witness), chooses how to get the matrix, computes its rank with a
registered engine and returns a :class:`~convac_verify.evidence.status.Measurement` that
records field, prime, seed, method, |S|, the entry degree and the certified upper
bounds for all weights (the bounds home, :mod:`convac_verify.bounds`, min-cut included).

Methods
-------
``dense``
    Grid tensor (``M**N`` entries), matricization, rank with the engine of the field
    (FLINT for ``gfp`` and ``qq``, float64 BLAS for ``blas``). Refused up front when the
    estimated memory or time exceeds the budget.
``structured``
    :func:`convac_verify.engines.structured.structured_rank` (GF(p)); no grid tensor.
``sketch``
    :func:`convac_verify.engines.sketch.sketch_rank`: the network contracted with random
    product vectors at its input legs, a ``k x k'`` rank with ``k, k'`` at least the smallest
    certified upper bound (any tensor network; GF(p); evidence degree ``N + deg_w``).
``auto``
    ``dense`` when it fits the budget; else, for random weights, ``sketch`` when the
    smallest certified upper bound is at most
    :data:`~convac_verify.engines.sketch.SKETCH_MAX_RANK` and its estimate fits the
    budget and beats ``structured``'s; else ``structured``.

Large dense ranks on BLAS first (``--field gfp``)
-------------------------------------------------
A random instance whose matricization has at least :data:`BLAS_MIN_SIDE` rows and
columns is first drawn modulo a random prime below ``2**20`` (uniform in
``[2**19, 2**20)``, drawn from the seed and what is measured) and ranked on float64 BLAS
(:mod:`convac_verify.engines.blas`, method ``dense-blas``), many times faster than FLINT.
What that rank ``k`` proves:

* ``k`` is a certified **lower bound** on the rank over Q at that point, whatever the
  prime, hence on the generic rank: witness lower bounds are certain.
* When ``k`` meets a certified upper bound ``U`` for all weights -- any bound of the
  bounds home, the min-cut included -- the rank over Q at that point and the generic
  rank both **equal** ``U``: the measurement is exact (``Measurement.exact``) and kept.
  (A theorem's own bound still may not *decide* that theorem's rows,
  :data:`~convac_verify.evidence.certificates.OWN_BOUNDS`; it remains a true fact about
  the rank, which is all that keeping the measurement uses.)
* Its evidence is a random point modulo a *random* small prime, with the honest
  Schwartz--Zippel epsilon ``k deg / p`` plus the prime term for the range it was
  drawn from (:mod:`convac_verify.algebra.primes`): far above the threshold
  ``1e-6``, so a row whose status depends on epsilon is never ``verified`` or
  ``violated`` from it. Such a row is ``inconclusive`` with ``escalate`` set, and the
  runner's one escalation (:attr:`Measurement.redraw`) redraws it at a fresh point
  modulo a fresh random 61-bit prime with FLINT. So lower bounds and rows decided by a
  certificate are answered on BLAS; epsilon-dependent rows on FLINT; the evidence
  method says which (``dense-blas`` or ``dense``).

When ``k`` falls short of every bound, the instance is measured again by the FLINT path
modulo the run's prime (``--prime``, a random 61-bit prime by default), as without BLAS.
When that path does not fit the budget (e.g. N = 26, M = 2), up to
:data:`BLAS_RETRIES` fresh instances are tried on BLAS modulo fresh random primes of
:data:`BLAS_RETRY_BITS` bits, only to find a rank that meets the bound; if none does,
the largest BLAS rank is kept (a certified lower bound; its epsilon-dependent rows stay
``inconclusive`` when the escalation does not fit either). The retries report no
epsilon of their own.
"""

from __future__ import annotations

import dataclasses
import math
import zlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any, Protocol

import networkx as nx
import numpy as np

from ..algebra.fields import Array, IntegerRing, PrimeField, Ring
from ..algebra.primes import seeded_prime
from ..bounds import Bound, network_upper_bounds, tree_upper_bounds
from ..errors import BudgetExceeded, ConvacError
from ..evidence.status import Evidence, Measurement
from ..networks import trees
from ..networks.compilers import cached_tree_network, compile_network
from ..networks.contraction import contract
from ..networks.decompositions import (
    TreeDecomposition,
    decomposition_from_weights,
    random_decomposition,
    resolve_widths,
)
from ..networks.grid import grid_tensor
from ..networks.matricize import matricize
from ..networks.partitions import Partition
from ..networks.tensor_network import FilledNetwork, TensorNetwork, random_fill
from . import get_rank_engine
from .blas import MAX_PRIME as BLAS_MAX_PRIME
from .blas import rank_mod
from .estimate import (
    DENSE_BYTES,
    RANK_OPS_PER_SECOND,
    Estimate,
    check_budget,
    check_network_budget,
    check_sketch_budget,
    fmt_seconds,
    network_dense_estimate,
    rank_estimate,
    sketch_estimate,
)
from .gfp import rank_mod_p
from .interruptible import run_interruptible
from .sketch import SKETCH_MAX_RANK, sketch_evidence, sketch_rank, sketch_shape
from .structured import STRUCTURED_BYTES_PER_ENTRY, structured_peak_entries, structured_rank

__all__ = [
    "BLAS_MIN_SIDE",
    "BLAS_PRIME_BITS",
    "BLAS_RETRIES",
    "BLAS_RETRY_BITS",
    "DEFAULT_MAX_MEMORY",
    "FIELDS",
    "MAX_TENSOR_MODES",
    "METHODS",
    "RANDOM_PRIME",
    "Context",
    "RankSettings",
    "SketchPlan",
    "TaskRunner",
    "blas_estimate",
    "check_dense_budget",
    "dense_bytes",
    "dense_rank",
    "escalation_key",
    "escalation_settings",
    "measure_network_rank",
    "measure_rank",
    "network_sketch_plan",
    "plan_sketch",
    "random_evidence",
    "redraw_rank",
    "require_budget",
    "require_network_budget",
    "sketch_measurement",
    "sketch_path",
    "sketch_plan",
]

DEFAULT_MAX_MEMORY = 4 * 2**30
DEFAULT_MAX_SECONDS = 60.0
LONG_SECONDS = 5.0
"""Computations estimated to take longer announce themselves (with the estimate)."""
FIELDS = ("gfp", "qq", "blas")
METHODS = ("auto", "dense", "structured", "sketch")
MAX_TENSOR_MODES = 32
"""A grid tensor has one array axis per mode, and NumPy arrays have at most 32 axes (64
from NumPy 2): no grid tensor with more modes is formed (only M = 1 makes one small enough
to fit the memory budget); the structured path takes over."""
RANDOM_PRIME = 0
"""``RankSettings(prime=RANDOM_PRIME)``: draw the prime from the seed, uniformly from the
primes in ``[2**61, 2**62)`` (``gfp``, ``qq``) or ``[2**19, 2**20)`` (``blas``)
(:mod:`convac_verify.algebra.primes`)."""
BLAS_MIN_SIDE = 1024
"""Smallest side of a matricization that ``--field gfp`` ranks on BLAS first."""
BLAS_PRIME_BITS = 19
"""BLAS primes are drawn from ``[2**19, 2**20)``: below ``2**20`` the engine never reduces
the trailing matrix (delayed reduction up to ``32767 x 32767``)."""
BLAS_RETRY_BITS = 25
"""Bits of the fresh primes of the retries (past FLINT's budget)."""
BLAS_RETRIES = 2
"""Further tries on BLAS, modulo fresh random primes, when FLINT's path does not fit."""


@dataclass(frozen=True)
class RankSettings:
    """How ranks are computed for a run (from the command line)."""

    field: str = "gfp"
    """``gfp`` (weights uniform mod p, rank mod p; FLINT, large matrices on BLAS first),
    ``blas`` (the same with a prime below ``2**26``, every dense rank on float64 BLAS) or
    ``qq`` (integer weights, rank over Q)."""
    prime: int = RANDOM_PRIME
    """The prime of GF(p); :data:`RANDOM_PRIME` (the default) draws one from the seed."""
    seed: int = 0
    """Seed of every random draw (each measurement derives its own stream from it)."""
    method: str = "auto"
    """``auto``, ``dense``, ``structured`` or ``sketch``."""
    max_memory: int = DEFAULT_MAX_MEMORY
    """Bytes a computation may use; larger ones are refused before they start."""
    max_seconds: float = DEFAULT_MAX_SECONDS
    """Seconds a computation may take (estimated, :mod:`.estimate`); longer ones are
    refused before they start."""
    prime_random: bool = False
    """Whether ``prime`` was drawn at random (then every epsilon over GF(p) includes the
    prime's failure term, and rows may escalate to fresh random primes); a prime given
    by the user is fixed."""

    def __post_init__(self) -> None:
        if self.field not in FIELDS:
            raise ConvacError(f"field must be one of {', '.join(FIELDS)}; got {self.field!r}")
        if self.method not in METHODS:
            raise ConvacError(f"method must be one of {', '.join(METHODS)}; got {self.method!r}")
        if self.prime == RANDOM_PRIME:
            bits = BLAS_PRIME_BITS if self.field == "blas" else None
            prime = (
                seeded_prime(self.seed, "run")
                if bits is None
                else seeded_prime(self.seed, "run", bits)
            )
            object.__setattr__(self, "prime", prime)
            object.__setattr__(self, "prime_random", True)
        if self.field == "blas" and self.prime >= BLAS_MAX_PRIME:
            raise ConvacError(f"--field blas needs a prime below 2**26; got --prime {self.prime}")

    def ring(self) -> Ring:
        """The ring the weights are drawn from."""
        return IntegerRing() if self.field == "qq" else PrimeField(self.prime)


def dense_bytes(n_modes: int, dim: int, field: str = "gfp") -> int:
    """Estimated peak memory of the dense path: ``M**N`` entries times a measured constant."""
    return int(dim) ** int(n_modes) * DENSE_BYTES[field]


def _fmt_bytes(n: int) -> str:
    for unit, size in (("TiB", 2**40), ("GiB", 2**30), ("MiB", 2**20)):
        if n >= size:
            return f"{n / size:.3g} {unit}"
    return f"{n} B"


def _stream(seed: int, key: str) -> np.random.Generator:
    """An independent, order-independent random stream for one measurement."""
    return np.random.default_rng([seed, zlib.crc32(key.encode())])


def measure_rank(
    tree: nx.DiGraph,
    dim: int,
    widths: int | Sequence[int],
    partition: Partition,
    settings: RankSettings,
    *,
    witness: Mapping[int, object] | None = None,
    witness_name: str = "",
    shared: bool = False,
    progress: Callable[[str], None] | None = None,
    blas: bool = True,
) -> Measurement:
    """Rank of ``[[A]]_{I,J}`` for one instance of the architecture.

    A random instance under a random prime can be redrawn (:attr:`Measurement.redraw`,
    :func:`redraw_rank`): the one escalation of an epsilon-dependent row
    (:func:`~convac_verify.evidence.status.decide_escalated`).

    Parameters
    ----------
    tree, dim, widths
        The architecture (mode tree, M, widths ``r_0..r_{L-1}``).
    partition : Partition
        The matricization.
    settings : RankSettings
        Field, prime, seed, method and memory budget.
    witness : mapping, optional
        Explicit integer weights (from :mod:`convac_verify.networks.witnesses`); random otherwise.
    witness_name : str
        How reports name the witness.
    shared : bool
        Random weights shared across locations.
    progress : callable, optional
        Told, with the estimate, when the computation is expected to be long; and, in a
        message that starts with ``"note: "``, when ``auto`` sketches the rank because the
        dense matrix does not fit.
    blas : bool
        Whether a large random instance may be ranked on BLAS first (module docstring);
        the escalation to a fresh random 61-bit prime passes ``False``.

    Raises
    ------
    BudgetExceeded
        If the chosen method needs more than ``settings.max_memory`` or ``max_seconds``.
    """
    m = _measure_rank(
        tree, dim, widths, partition, settings, witness, witness_name, shared, progress, blas
    )
    if witness is None and settings.prime_random:
        redo = partial(redraw_rank, tree, dim, widths, partition, settings, shared, progress)
        m = dataclasses.replace(m, redraw=redo)
    return m


def escalation_key(
    tree: nx.DiGraph, dim: int, widths: int | Sequence[int], partition: Partition, shared: bool
) -> str:
    """What a random instance's escalation draws its prime and point from (with the seed)."""
    ws = widths if isinstance(widths, int) else tuple(widths)
    return repr((trees.to_nested(tree), dim, ws, partition.rows, shared, "random"))


def escalation_settings(settings: RankSettings, key: str) -> RankSettings:
    """The settings of a row's one escalation: a fresh random 61-bit prime and a fresh
    seed, both drawn from the run's seed and ``key`` (what is measured), so the same
    seed gives the same escalation; FLINT (``gfp``)."""
    return dataclasses.replace(
        settings,
        field="gfp",
        prime=seeded_prime(settings.seed, f"escalate/{key}"),
        prime_random=True,
        seed=zlib.crc32(f"escalate/{settings.seed}/{key}".encode()),
    )


def redraw_rank(
    tree: nx.DiGraph,
    dim: int,
    widths: int | Sequence[int],
    partition: Partition,
    settings: RankSettings,
    shared: bool = False,
    progress: Callable[[str], None] | None = None,
) -> Measurement:
    """The same random architecture at a fresh random point modulo a fresh random 61-bit
    prime (:func:`escalation_settings`), ranked with FLINT (never on BLAS: this is the
    escalation of an epsilon-dependent row)."""
    if progress is not None:
        progress(f"rank N={trees.n_modes(tree)} M={dim} {partition.name} (fresh prime)")
    key = escalation_key(tree, dim, widths, partition, shared)
    fresh = escalation_settings(settings, key)
    return measure_rank(tree, dim, widths, partition, fresh, shared=shared, blas=False)


def _measure_rank(
    tree: nx.DiGraph,
    dim: int,
    widths: int | Sequence[int],
    partition: Partition,
    settings: RankSettings,
    witness: Mapping[int, object] | None,
    witness_name: str,
    shared: bool,
    progress: Callable[[str], None] | None,
    blas: bool,
) -> Measurement:
    n = trees.n_modes(tree)
    if partition.n_modes != n:
        raise ConvacError(f"partition is for N = {partition.n_modes} modes but the tree has {n}")
    ws = resolve_widths(tree, widths)
    peak = None if witness is not None else structured_peak_entries(tree, dim, ws, partition)
    plan = (
        None
        if witness is not None
        else sketch_plan(tree, dim, ws, partition, settings, peak, blas=blas)
    )
    if plan is not None:  # a sketched rank (issue 11 §2): see the sketch section below
        _announce_sketch(plan, n, dim, partition, settings, progress)
        return _sketch_tree(tree, dim, widths, partition, settings, shared, plan, blas)
    bounds = tuple(tree_upper_bounds(tree, dim, ws, partition))
    first = blas_estimate(tree, dim, ws, partition, settings, peak) if blas else None
    if first is not None and (witness is None or _dense_chosen(n, dim, settings)):
        _announce(progress, n, dim, partition, first)
        kept = _measure_on_blas(
            tree, dim, widths, partition, settings, bounds, peak, shared, witness, witness_name
        )
        if kept is not None:
            return kept
        if progress is not None:
            progress(f"rank N={n} M={dim} {partition.name}: FLINT modulo the run's prime")
    method = _choose_method(n, dim, settings, peak)
    estimate = require_budget(tree, dim, ws, partition, settings, method, peak, shared=shared)
    _announce(progress, n, dim, partition, estimate)
    decomp = _decomposition(tree, dim, widths, partition, settings, witness, shared)
    if method == "dense":
        rank, field = dense_rank(grid_tensor(decomp), partition, settings)
        method = "dense-blas" if settings.field == "blas" else method
    else:
        rank = structured_rank(decomp, partition, prime=settings.prime, budget=settings.max_memory)
        field = "GF(p)"
    prime = settings.prime if field == "GF(p)" else None
    prime_random = settings.prime_random and field == "GF(p)"
    if witness is None:
        evidence = random_evidence(
            decomp.ring, field, method, settings, decomp.entry_degree(), decomp.coefficient_bits()
        )
    else:
        evidence = Evidence.witness(
            witness_name or "explicit witness",
            field=field,
            method=method,
            prime=prime,
            prime_random=prime_random,
            point="kronecker" if method == "structured" else "witness",
        )
    return Measurement(rank, evidence, bounds)


def _announce(
    progress: Callable[[str], None] | None,
    n: int,
    dim: int,
    partition: Partition,
    estimate: Estimate,
) -> None:
    if progress is not None and estimate.seconds >= LONG_SECONDS:
        progress(
            f"rank of N={n}, M={dim}, {partition.name} by the {estimate.path} path "
            f"(estimated ~{fmt_seconds(estimate.seconds)}; Ctrl-C stops cleanly)"
        )


def blas_estimate(
    tree: nx.DiGraph,
    dim: int,
    ws: Sequence[int],
    partition: Partition,
    settings: RankSettings,
    peak: int | None,
) -> Estimate | None:
    """The estimate of ranking a random instance on BLAS first (module docstring), or
    ``None`` when :func:`measure_rank` would not: another field, ``--method structured``,
    a matricization with a side below :data:`BLAS_MIN_SIDE`, a structured contraction
    much smaller than the grid tensor, or a BLAS path over the budget."""
    n = trees.n_modes(tree)
    rows = len(partition.rows)
    if (
        settings.field != "gfp"
        or settings.method == "structured"
        or min(dim**rows, dim ** (n - rows)) < BLAS_MIN_SIDE
    ):
        return None
    if settings.method == "auto" and peak is not None and peak * 16 <= dim**n:
        return None  # the structured contraction is the cheaper path
    estimate = rank_estimate(tree, dim, ws, partition, "blas", "dense", peak)
    if estimate.bytes > settings.max_memory or estimate.seconds > settings.max_seconds:
        return None
    return estimate


def _dense_chosen(n: int, dim: int, settings: RankSettings) -> bool:
    """Whether an explicit witness would take the dense path (else its Kronecker
    structure, which is cheaper than any dense rank)."""
    try:
        return _choose_method(n, dim, settings, None) == "dense"
    except BudgetExceeded:
        return False


def _flint_fits(
    tree: nx.DiGraph,
    dim: int,
    ws: Sequence[int],
    partition: Partition,
    settings: RankSettings,
    peak: int | None,
    shared: bool,
) -> bool:
    """Whether the path :func:`measure_rank` takes without BLAS fits the budget."""
    try:
        method = _choose_method(trees.n_modes(tree), dim, settings, peak)
        require_budget(tree, dim, ws, partition, settings, method, peak, shared=shared)
    except BudgetExceeded:
        return False
    return True


def _measure_on_blas(
    tree: nx.DiGraph,
    dim: int,
    widths: int | Sequence[int],
    partition: Partition,
    settings: RankSettings,
    bounds: tuple[Any, ...],
    peak: int | None,
    shared: bool,
    witness: Mapping[int, object] | None = None,
    witness_name: str = "",
) -> Measurement | None:
    """The BLAS tries of the module docstring: a measurement that meets a certified upper
    bound (exact), the best BLAS measurement when FLINT's path does not fit, else ``None``
    (measure with FLINT). An explicit witness is ranked modulo the same kind of prime
    (its rank mod p is a certified lower bound too)."""
    key = _instance_key(tree, dim, widths, partition, shared)
    ws = resolve_widths(tree, widths)
    best: Measurement | None = None
    for attempt in range(BLAS_RETRIES + 1):
        if attempt == 0:
            prime = seeded_prime(settings.seed, f"blas/{key}", BLAS_PRIME_BITS)
        else:
            prime = seeded_prime(settings.seed, f"blas-retry-{attempt}/{key}", BLAS_RETRY_BITS)
        small = dataclasses.replace(settings, prime=prime, prime_random=True)
        salt = "" if attempt == 0 else f"blas-retry-{attempt}"
        decomp = _decomposition(tree, dim, widths, partition, small, witness, shared, salt)
        if witness is None:
            evidence = random_evidence(
                decomp.ring,
                "GF(p)",
                "dense-blas",
                small,
                decomp.entry_degree(),
                decomp.coefficient_bits(),
            )
        else:
            evidence = Evidence.witness(
                witness_name or "explicit witness",
                field="GF(p)",
                method="dense-blas",
                prime=prime,
                prime_random=True,
            )
        m = _rank_on_blas(_own_matrix(grid_tensor(decomp), partition), evidence, bounds)
        if m.exact:
            return m
        if best is None or m.rank > best.rank:
            best = m
        if attempt == 0 and _flint_fits(tree, dim, ws, partition, settings, peak, shared):
            return None
    return best


def _rank_on_blas(matrix: Array, evidence: Evidence, bounds: tuple[Any, ...]) -> Measurement:
    """Rank of ``matrix`` (ours to overwrite) modulo ``evidence.prime`` on BLAS; exact when
    it meets the smallest certified upper bound for all weights (any certificate)."""
    assert evidence.prime is not None
    rank = rank_mod(matrix, evidence.prime, overwrite=True)
    m = Measurement(rank, evidence, bounds)
    return dataclasses.replace(m, exact=True) if rank == m.upper_bound else m


def _own_matrix(tensor: Array, partition: Partition) -> Array:
    """The matricization as an array no one else holds (so it may be overwritten)."""
    matrix = matricize(tensor, partition)
    return matrix if not np.shares_memory(matrix, tensor) else matrix.copy()


def random_evidence(
    ring: Ring, field: str, method: str, settings: RankSettings, degree: int, coefficient_bits: int
) -> Evidence:
    """Evidence of a rank in ``field`` (``"GF(p)"`` or ``"Q"``) at weights drawn uniformly
    from ``ring``: grid-tensor entries of ``degree`` whose coefficients' absolute values sum
    below ``2**coefficient_bits`` (integer weights add their own bits, for a rank mod p)."""
    bits = coefficient_bits
    if isinstance(ring, IntegerRing):  # integer weights, rank mod p: the minor's value
        bits += degree * ring.bound.bit_length()
    gfp = field == "GF(p)"
    return Evidence.random(
        field=field,
        method=method,
        seed=settings.seed,
        sample_space=ring.sample_space,
        degree=degree,
        prime=settings.prime if gfp else None,
        prime_random=settings.prime_random and gfp,
        entry_bits=bits,
    )


def measure_network_rank(
    network: TensorNetwork,
    partition: Partition,
    settings: RankSettings,
    *,
    progress: Callable[[str], None] | None = None,
    blas: bool = True,
) -> Measurement:
    """Rank of ``[[A]]_{I,J}`` for a tensor network (e.g. from a network file) at random
    weights: its grid tensor by the one contraction, then the dense rank (on BLAS first
    for a large matricization with ``--field gfp`` unless ``blas`` is false, kept when it
    meets a certified bound: see the module docstring). Random weights under a random
    prime can be redrawn at a fresh point modulo a fresh random 61-bit prime
    (:attr:`Measurement.redraw`: the one escalation of an epsilon-dependent row).

    The measurement carries the bounds home's bounds for the network
    (:func:`convac_verify.bounds.network_upper_bounds`: its min-cut, and the tree bounds
    when it was compiled from a tree). Beyond the dense limit the rank is sketched
    (:func:`network_sketch_plan`), and ``progress`` is told so (as in :func:`measure_rank`).

    The dense path is estimated first (:func:`require_network_budget`: ``--max-memory``
    and ``--max-time``); a BLAS rank that falls short of every bound is redone modulo the
    run's prime with FLINT when that fits the budget, and kept otherwise (a certified lower
    bound whose epsilon-dependent rows are ``inconclusive``; ``extra["redo"]`` says why).

    Raises
    ------
    BudgetExceeded
        If the grid tensor does not fit ``settings.max_memory`` or ``max_seconds`` and no
        sketch does.
    """
    if partition.n_modes != network.n_modes:
        raise ConvacError(
            f"partition is for N = {partition.n_modes} modes but the network has {network.n_modes}"
        )
    key = f"network/{network.name}/{partition.rows}"
    m = _measure_network_rank(network, partition, settings, progress, blas, key)
    if network.entry_degree() > 0 and settings.prime_random:
        fresh = escalation_settings(settings, key)
        redo = partial(measure_network_rank, network, partition, fresh, blas=False)
        m = dataclasses.replace(m, redraw=redo)
    return m


def _measure_network_rank(
    network: TensorNetwork,
    partition: Partition,
    settings: RankSettings,
    progress: Callable[[str], None] | None,
    blas: bool,
    key: str,
) -> Measurement:
    n, dim = network.n_modes, max(network.dims)
    bounds = tuple(network_upper_bounds(network, partition))
    plan = network_sketch_plan(network, partition, settings, blas=blas)
    if plan is not None:  # a sketched rank (issue 11 §2)
        _announce_sketch(plan, n, dim, partition, settings, progress)

        def fill(s: RankSettings, salt: str) -> FilledNetwork:
            return random_fill(network, s.ring(), _stream(s.seed, key + salt))

        return sketch_measurement(fill, partition, settings, plan, key, blas)
    degree = network.entry_degree()
    rows = math.prod(network.dims[i] for i in partition.rows)
    side = min(rows, math.prod(network.dims) // rows)
    first: Measurement | None = None
    if blas and settings.field == "gfp" and degree > 0 and side >= BLAS_MIN_SIDE:
        estimate = network_dense_estimate(network, partition, "blas")
        if (
            n <= MAX_TENSOR_MODES
            and estimate.bytes <= settings.max_memory
            and estimate.seconds <= settings.max_seconds
        ):
            _announce(progress, n, dim, partition, estimate)
            prime = seeded_prime(settings.seed, f"blas/{key}", BLAS_PRIME_BITS)
            small = dataclasses.replace(settings, prime=prime, prime_random=True)
            ring = small.ring()
            tensor = contract(random_fill(network, ring, _stream(settings.seed, key)))
            bits = network.coefficient_bits()
            evidence = random_evidence(ring, "GF(p)", "dense-blas", small, degree, bits)
            first = _rank_on_blas(_own_matrix(tensor, partition), evidence, bounds)
            if first.exact:
                return first
    try:
        estimate = require_network_budget(network, partition, settings)
    except BudgetExceeded as exc:
        if first is not None:  # a certified lower bound (module docstring)
            return _not_redone(first, exc)
        raise
    _announce(progress, n, dim, partition, estimate)
    ring = settings.ring()
    filled = random_fill(network, ring, _stream(settings.seed, key))
    rank, field_name = dense_rank(contract(filled), partition, settings)
    method = "dense-blas" if settings.field == "blas" else "dense"
    if degree == 0:  # every weight is fixed: one explicit point
        gfp = field_name == "GF(p)"
        evidence = Evidence.witness(
            "the network's fixed weights",
            field=field_name,
            method=method,
            prime=settings.prime if gfp else None,
            prime_random=settings.prime_random and gfp,
        )
    else:
        bits = network.coefficient_bits()
        evidence = random_evidence(ring, field_name, method, settings, degree, bits)
    return Measurement(rank, evidence, bounds)


def require_network_budget(
    network: TensorNetwork, partition: Partition, settings: RankSettings
) -> Estimate:
    """Refuse, before any allocation, the dense path of a tensor network over
    ``--max-memory`` or ``--max-time`` (or with more than :data:`MAX_TENSOR_MODES` input
    legs); returns its estimate
    (:func:`~convac_verify.engines.estimate.network_dense_estimate`)."""
    if network.n_modes > MAX_TENSOR_MODES:
        raise BudgetExceeded(
            f"a grid tensor has one array axis per mode, at most {MAX_TENSOR_MODES}; the "
            f"network has {network.n_modes} input legs: use --method sketch (random product "
            "vectors; needs a small upper bound)"
        )
    estimate = network_dense_estimate(network, partition, settings.field)
    check_network_budget(estimate, max_memory=settings.max_memory, max_seconds=settings.max_seconds)
    return estimate


def require_budget(
    tree: nx.DiGraph,
    dim: int,
    ws: Sequence[int],
    partition: Partition,
    settings: RankSettings,
    method: str,
    peak: int | None,
    *,
    shared: bool = False,
) -> Estimate:
    """Refuse, before any allocation, a measurement over ``--max-memory`` or ``--max-time``
    (:func:`convac_verify.engines.estimate.check_budget`); ``peak`` is ``None`` for an
    explicit witness. Returns the estimate."""
    path = "witness" if peak is None and method == "structured" else method
    estimate = rank_estimate(tree, dim, ws, partition, settings.field, path, peak)
    check_budget(
        estimate,
        max_memory=settings.max_memory,
        max_seconds=settings.max_seconds,
        tree=tree,
        dim=dim,
        ws=ws,
        shared=shared,
    )
    return estimate


def dense_rank(tensor: Array, partition: Partition, settings: RankSettings) -> tuple[int, str]:
    """Rank of ``[[tensor]]_{I,J}`` with the engine of ``settings.field``.

    The building block for any decomposition whose grid tensor can be formed (call
    :func:`check_dense_budget` first). Returns the rank and the field it was computed in.
    FLINT's long calls run in a forked child (Ctrl-C stays live); the BLAS engine returns
    to Python between panels, so it is interruptible in place.
    """
    engine = get_rank_engine(settings.field)
    matrix = matricize(tensor, partition)
    a, b = matrix.shape
    long = a * b * min(a, b) / RANK_OPS_PER_SECOND[settings.field] >= 1.0
    if long and settings.field != "blas":
        return run_interruptible(lambda: engine.rank(matrix, settings.prime)), engine.field
    return engine.rank(matrix, settings.prime), engine.field


def check_dense_budget(n_modes: int, dim: int, settings: RankSettings) -> None:
    """Refuse, before any allocation, a grid tensor that does not fit the budget (or has
    more than :data:`MAX_TENSOR_MODES` modes)."""
    need = dense_bytes(n_modes, dim, settings.field)
    if need > settings.max_memory:
        raise BudgetExceeded(
            f"the dense grid tensor has {dim}**{n_modes} entries and needs ~{_fmt_bytes(need)}, "
            f"over --max-memory {_fmt_bytes(settings.max_memory)}; use --method structured "
            "or --method sketch (exact ranks without the grid tensor) or a smaller N"
        )
    if n_modes > MAX_TENSOR_MODES:
        raise BudgetExceeded(
            f"a grid tensor has one array axis per mode, at most {MAX_TENSOR_MODES}; N = "
            f"{n_modes} is more: use --method structured (exact rank without the grid tensor)"
        )


def _instance_key(
    tree: nx.DiGraph,
    dim: int,
    widths: int | Sequence[int],
    partition: Partition,
    shared: bool,
) -> str:
    return repr((trees.to_nested(tree), dim, widths, partition.rows, shared))


def _decomposition(
    tree: nx.DiGraph,
    dim: int,
    widths: int | Sequence[int],
    partition: Partition,
    settings: RankSettings,
    witness: Mapping[int, object] | None,
    shared: bool,
    salt: str = "",
) -> TreeDecomposition:
    ring = settings.ring()
    if witness is not None:
        return decomposition_from_weights(tree, dim, widths, witness, ring)
    key = repr((trees.to_nested(tree), dim, widths, partition.rows, shared, settings.field))
    rng = _stream(settings.seed, f"{salt}/{key}" if salt else key)
    return random_decomposition(tree, dim, widths, ring, rng, shared=shared)


def _choose_method(n: int, dim: int, settings: RankSettings, peak: int | None) -> str:
    """Dense when forced or when it fits and the structured cores would not be much smaller.

    ``peak`` bounds the structured contraction's largest core for random weights
    (``None`` for an explicit witness, whose Kronecker structure keeps it small).
    """
    need = dense_bytes(n, dim, settings.field)
    fits = need <= settings.max_memory and n <= MAX_TENSOR_MODES
    if settings.method == "dense":
        check_dense_budget(n, dim, settings)
    if settings.method in ("structured", "sketch") or (settings.method == "auto" and not fits):
        if peak is not None and peak * STRUCTURED_BYTES_PER_ENTRY > settings.max_memory:
            raise BudgetExceeded(
                f"neither path fits --max-memory {_fmt_bytes(settings.max_memory)}: the dense grid "
                f"tensor ({dim}**{n} entries) needs ~{_fmt_bytes(need)} and the structured "
                f"contraction up to {peak:,} core entries "
                f"(~{_fmt_bytes(peak * STRUCTURED_BYTES_PER_ENTRY)}); raise --max-memory or "
                "use a smaller N (the rank command uses a Kronecker witness where it certifies "
                "the rank)"
            )
        return "structured"
    if (
        settings.method == "auto"
        and settings.field != "qq"  # over Q the dense path gives the exact rank
        and peak is not None
        and peak * 16 <= dim**n
    ):
        return "structured"
    return "dense"


def fits_dense(n: int, dim: int, settings: RankSettings) -> bool:
    """Whether the dense path fits the memory budget (and the grid tensor's axes fit an
    array: :data:`MAX_TENSOR_MODES`)."""
    return n <= MAX_TENSOR_MODES and dense_bytes(n, dim, settings.field) <= settings.max_memory


# --------------------------------------------------------------------------- sketches
# The sketched rank (issue 11 §2; convac_verify.engines.sketch) joins the method choice
# here (and, for overlapping networks, in convac_verify.overlaps.measure through
# plan_sketch): sketch_plan / network_sketch_plan say whether a measurement at
# random weights is sketched, and sketch_measurement makes it.


@dataclass(frozen=True)
class SketchPlan:
    """A sketched rank that was chosen: its shape, its estimate and the bounds it rests on."""

    shape: tuple[int, int]
    """``(k, k')``: at least the smallest certified upper bound (or the matrix size)."""
    estimate: Estimate
    bounds: tuple[Bound, ...]
    """Every certified upper bound of the bounds home (the measurement carries them)."""


def plan_sketch(
    network: TensorNetwork,
    partition: Partition,
    settings: RankSettings,
    bounds: Sequence[Bound],
    structured: Estimate | None = None,
    *,
    blas: bool = True,
) -> SketchPlan | None:
    """The sketch when it is forced (``--method sketch``, refused over budget) or when
    ``auto`` prefers it: the smallest bound is at most :data:`SKETCH_MAX_RANK`, and its
    estimate fits and beats ``structured`` (if any). The caller has decided that the
    dense matrix does not fit (its own dense limit) or that ``--method sketch`` was asked
    for; any other method gives ``None``. The estimate is that of the path the sketch will
    take (:func:`sketch_path`: BLAS first for a large sketch with ``--field gfp`` unless
    ``blas`` is false)."""
    forced = settings.method == "sketch"
    if not forced and settings.method != "auto":
        return None
    bound = min(b.value for b in bounds)
    if not forced and bound > SKETCH_MAX_RANK:
        return None
    shape = sketch_shape(network, partition, bound)
    if not forced and max(shape) > SKETCH_MAX_RANK:
        return None
    estimate = sketch_estimate(network, partition, shape, sketch_path(settings, shape, blas))
    if forced:
        check_sketch_budget(
            estimate, max_memory=settings.max_memory, max_seconds=settings.max_seconds
        )
    elif (
        estimate.bytes > settings.max_memory
        or estimate.seconds > settings.max_seconds
        or (
            structured is not None
            and structured.bytes <= settings.max_memory
            and structured.seconds <= min(settings.max_seconds, estimate.seconds)
        )
    ):
        return None
    return SketchPlan(shape, estimate, tuple(bounds))


def sketch_plan(
    tree: nx.DiGraph,
    dim: int,
    ws: Sequence[int],
    partition: Partition,
    settings: RankSettings,
    peak: int | None = None,
    *,
    blas: bool = True,
) -> SketchPlan | None:
    """Whether random weights on this tree are measured by a sketch (see :func:`plan_sketch`);
    ``peak`` is the structured contraction's largest core, for the comparison."""
    network = cached_tree_network(tree, dim, tuple(ws), False)
    if settings.method not in ("auto", "sketch") or (
        settings.method == "auto" and fits_dense(network.n_modes, dim, settings)
    ):
        return None
    if peak is None:
        peak = structured_peak_entries(tree, dim, tuple(ws), partition)
    structured = rank_estimate(tree, dim, ws, partition, settings.field, "structured", peak)
    bounds = tree_upper_bounds(tree, dim, tuple(ws), partition)
    return plan_sketch(network, partition, settings, bounds, structured, blas=blas)


def network_sketch_plan(
    network: TensorNetwork, partition: Partition, settings: RankSettings, *, blas: bool = True
) -> SketchPlan | None:
    """Whether random weights on this network are measured by a sketch (no structured
    path exists for a general network)."""
    if settings.method not in ("auto", "sketch") or (
        settings.method == "auto" and fits_dense(network.n_modes, max(network.dims), settings)
    ):
        return None
    bounds = network_upper_bounds(network, partition)
    return plan_sketch(network, partition, settings, bounds, blas=blas)


def _announce_sketch(
    plan: SketchPlan,
    n: int,
    dim: int,
    partition: Partition,
    settings: RankSettings,
    progress: Callable[[str], None] | None,
) -> None:
    """Say on ``progress`` that (and why) a rank is sketched; a forced sketch announces
    only long work."""
    if progress is None:
        return
    k, k2 = plan.shape
    bound = min(b.value for b in plan.bounds)
    if settings.method == "auto":
        progress(
            f"note: rank N={n} M={dim} {partition.name}: the dense {dim}^{n} grid tensor does "
            f"not fit --max-memory; sketched with random product vectors ({k} x {k2}, "
            f"upper bound {bound}; estimated ~{fmt_seconds(plan.estimate.seconds)})"
        )
    elif plan.estimate.seconds >= LONG_SECONDS:
        _announce(progress, n, dim, partition, plan.estimate)


def _sketch_tree(
    tree: nx.DiGraph,
    dim: int,
    widths: int | Sequence[int],
    partition: Partition,
    settings: RankSettings,
    shared: bool,
    plan: SketchPlan,
    blas: bool = True,
) -> Measurement:
    def fill(s: RankSettings, salt: str) -> FilledNetwork:
        return compile_network(_decomposition(tree, dim, widths, partition, s, None, shared, salt))

    key = repr((trees.to_nested(tree), dim, widths, partition.rows, shared, settings.field))
    return sketch_measurement(fill, partition, settings, plan, key, blas)


SKETCH_BLAS_MIN_SIDE = 256
"""Sketches with both sides at least this are first drawn and ranked modulo a random
prime below ``2**20`` on BLAS (``--field gfp``), like large dense ranks (module
docstring): kept when the rank meets a certified upper bound, else redone modulo the
run's prime with FLINT."""


def sketch_path(settings: RankSettings, shape: tuple[int, int], blas: bool = True) -> str:
    """The path a sketch of ``shape`` takes first: ``sketch-blas`` (modulo a random prime
    below ``2**20`` on BLAS) with ``--field gfp`` and both sides at least
    :data:`SKETCH_BLAS_MIN_SIDE` unless ``blas`` is false, else ``sketch``.

    Examples
    --------
    >>> sketch_path(RankSettings(), (4096, 4096)), sketch_path(RankSettings(), (255, 4096))
    ('sketch-blas', 'sketch')
    >>> sketch_path(RankSettings(field="qq"), (4096, 4096))
    'sketch'
    """
    gfp = settings.field == "gfp"
    return "sketch-blas" if blas and gfp and min(shape) >= SKETCH_BLAS_MIN_SIDE else "sketch"


def sketch_measurement(
    fill: Callable[[RankSettings, str], FilledNetwork],
    partition: Partition,
    settings: RankSettings,
    plan: SketchPlan,
    key: str,
    blas: bool = True,
) -> Measurement:
    """The sketched rank of the network ``fill(settings, salt)`` (random weights from the
    settings' ring) and its evidence (:func:`convac_verify.engines.sketch.sketch_evidence`).

    With ``--field gfp`` and both sides at least :data:`SKETCH_BLAS_MIN_SIDE`, the sketch is
    first taken modulo a random prime below ``2**20`` at a fresh point and ranked on BLAS
    (method ``sketch-blas``): a rank that meets the smallest certified upper bound is exact
    and kept (the lower bound holds whatever the prime); otherwise, as for a BLAS dense
    rank, the sketch is redone modulo the run's prime with FLINT (method ``sketch``) --
    unless that redo's own estimate is over budget (``--max-time``): the BLAS rank is kept as
    what it is, a certain lower bound with the small prime's epsilon, and
    ``extra["redo"]`` says why (the plan's estimate, checked up front, is that of the
    first try).
    """
    if sketch_path(settings, plan.shape, blas) == "sketch-blas":
        prime = seeded_prime(settings.seed, f"sketch-blas/{key}", BLAS_PRIME_BITS)
        small = dataclasses.replace(settings, prime=prime, prime_random=True)
        filled = fill(small, "/sketch-blas")
        m = _sketch_once(filled, partition, small, plan, key)
        if m.exact:
            return m
        redo = sketch_estimate(filled.network, partition, plan.shape, "sketch")
        try:
            check_sketch_budget(
                redo, max_memory=settings.max_memory, max_seconds=settings.max_seconds
            )
        except BudgetExceeded as exc:
            return _not_redone(m, exc)
    return _sketch_once(fill(settings, ""), partition, settings, plan, key)


def _not_redone(first: Measurement, why: BudgetExceeded) -> Measurement:
    """A BLAS rank short of its bound whose redo modulo the run's prime is over budget:
    kept as the certain lower bound it is, ``extra["redo"]`` saying why."""
    return dataclasses.replace(
        first, extra={**first.extra, "redo": f"not redone modulo the run's prime: {why}"}
    )


def _sketch_once(
    filled: FilledNetwork,
    partition: Partition,
    settings: RankSettings,
    plan: SketchPlan,
    key: str,
) -> Measurement:
    """One sketch modulo ``settings.prime``: on BLAS for a prime below ``2**26`` (exact
    when it meets the smallest certified bound), else FLINT."""
    rng = _stream(settings.seed, f"sketch/{key}/{settings.prime}")
    k, k2 = plan.shape
    on_blas = 0 < settings.prime < BLAS_MAX_PRIME

    def run() -> int:
        rank = rank_mod if on_blas else rank_mod_p
        return sketch_rank(filled, partition, plan.shape, rng, prime=settings.prime, rank=rank).rank

    value = run_interruptible(run) if plan.estimate.seconds >= 1.0 else run()  # Ctrl-C stays live
    evidence = sketch_evidence(
        filled.network,
        filled.ring,
        seed=settings.seed,
        prime=settings.prime,
        prime_random=settings.prime_random,
        method="sketch-blas" if on_blas else "sketch",
    )
    m = Measurement(value, evidence, plan.bounds, extra={"sketch": f"{k} x {k2}"})
    if on_blas and value == m.upper_bound:
        return dataclasses.replace(m, exact=True)
    return m


class TaskRunner(Protocol):
    """Runs a plan of checks as independent tasks (:mod:`convac_verify.sweeps`)."""

    def run(self, plan: Sequence[tuple[str, Mapping[str, Any]]], ctx: Context) -> list[list[Any]]:
        """One list of results per ``(check name, overrides)`` of ``plan``, in plan order."""
        ...


@dataclass
class Context:
    """What a check may use: rank settings, a measurement cache, a progress sink and where
    a runner's plans run."""

    settings: RankSettings = field(default_factory=RankSettings)
    progress: Callable[[str], None] = lambda message: None
    tasks: TaskRunner | None = None
    """Runs the runner's plans as independent tasks (process pool, Dask); ``None``: one
    after another in this process."""
    _cache: dict[Any, Measurement] = field(default_factory=dict)

    def measure(
        self,
        tree: nx.DiGraph,
        dim: int,
        widths: int | Sequence[int],
        partition: Partition,
        *,
        witness: Callable[[], Mapping[int, object]] | None = None,
        witness_name: str = "",
        shared: bool = False,
    ) -> Measurement:
        """Rank of one matricization: a random instance while the dense path fits the
        memory budget, else the explicit ``witness`` (if given) through the structured
        contraction, else a random instance through the structured contraction.
        """
        n = trees.n_modes(tree)
        use_witness = witness is not None and not fits_dense(n, dim, self.settings)
        if use_witness:  # refuse before the witness's weights are built
            ws = resolve_widths(tree, widths)
            require_budget(tree, dim, ws, partition, self.settings, "structured", None)
        key = (
            trees.to_nested(tree),
            dim,
            widths if isinstance(widths, int) else tuple(widths),
            partition.rows,
            shared,
            witness_name if use_witness else "random",
        )
        if key not in self._cache:
            self.progress(
                f"rank N={n} M={dim} {partition.name} ({'witness' if use_witness else 'random'})"
            )
            m = measure_rank(
                tree,
                dim,
                widths,
                partition,
                self.settings,
                witness=witness() if use_witness and witness is not None else None,
                witness_name=witness_name,
                shared=shared,
                progress=self.progress,
            )
            if m.redraw is not None:  # computed once, however many rows escalate
                m = dataclasses.replace(m, redraw=partial(self._redraw, repr(key), m.redraw))
            self._cache[key] = m
        return self._cache[key]

    def _redraw(self, key: str, redraw: Callable[[], Measurement]) -> Measurement:
        """The measurement's escalation (:func:`redraw_rank`), cached."""
        cache_key = ("escalate", key)
        if cache_key not in self._cache:
            self._cache[cache_key] = redraw()
        return self._cache[cache_key]
