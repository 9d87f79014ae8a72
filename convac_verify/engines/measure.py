"""Measure one matricization rank of one network, exactly, with its evidence.

:func:`measure_rank` builds the decomposition (random weights from the seed, or an
explicit witness), chooses how to get the matrix, computes its rank with a
registered engine and returns a :class:`~convac_verify.evidence.status.Measurement` that
records field, prime, seed, method, |S|, the entry degree and the structural upper
bound for all weights.

Methods
-------
``dense``
    Grid tensor (``M**N`` entries), matricization, FLINT rank. Refused up front when the
    estimated memory exceeds the budget.
``structured``
    :func:`convac_verify.engines.structured.structured_rank` (GF(p)); no grid tensor.
``auto``
    ``dense`` when it fits the budget, else ``structured``.

Dense ranks of large matrices (``--field gfp``)
-----------------------------------------------
When a random instance's matricization has at least :data:`BLAS_MIN_SIDE` rows and
columns, ``auto`` and ``dense`` first draw the weights modulo the ``blas`` engine's
prime (below ``2**26``) and rank the matrix there, on float64 BLAS
(:mod:`convac_verify.engines.blas`), many times faster than FLINT. That rank is a
certified lower bound whatever the prime; when it meets the structural upper bound
(the c-recursion) the rank is certain both ways and the measurement is kept (method
``dense-blas``). Otherwise a single draw modulo a prime below ``2**26`` would leave a
Schwartz--Zippel epsilon too large to report, so the instance is drawn again modulo
``--prime`` and ranked with FLINT, as before; when FLINT's dense path does not fit the
memory budget (e.g. N = 26, M = 2), up to :data:`BLAS_RETRIES` more instances are tried
on BLAS modulo fresh random primes of 25 bits first. The choice is recorded in the evidence
and reported on the progress line.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

import networkx as nx
import numpy as np

from ..algebra.fields import MERSENNE_61, Array, IntegerRing, PrimeField, Ring, random_prime
from ..bounds.recursion import UPPER_BOUND_BASIS, recursive_upper_bound
from ..errors import BudgetExceeded, ConvacError
from ..evidence.status import Evidence, Measurement
from ..networks import trees
from ..networks.decompositions import (
    TreeDecomposition,
    decomposition_from_weights,
    random_decomposition,
)
from ..networks.grid import grid_tensor
from ..networks.matricize import matricize
from ..networks.partitions import Partition
from . import get_rank_engine
from .blas import DEFAULT_PRIME as BLAS_PRIME
from .blas import MAX_PRIME as BLAS_MAX_PRIME
from .blas import rank_mod
from .structured import STRUCTURED_BYTES_PER_ENTRY, structured_peak_entries, structured_rank

__all__ = [
    "BLAS_MIN_SIDE",
    "DEFAULT_MAX_MEMORY",
    "FIELDS",
    "METHODS",
    "Context",
    "RankSettings",
    "TaskRunner",
    "check_dense_budget",
    "dense_bytes",
    "dense_rank",
    "measure_rank",
]

DEFAULT_MAX_MEMORY = 4 * 2**30
FIELDS = ("gfp", "qq", "blas")
METHODS = ("auto", "dense", "structured")
# peak bytes per grid-tensor entry on the dense path, measured at N = 24, M = 2
# (uint64 tensor, matricized copy, Python-int list, fmpz_mat and nmod_mat copies)
_DENSE_BYTES = {"gfp": 96, "qq": 400, "blas": 24}
# the BLAS path: uint64 tensor, its matricized copy converted in place to float64
BLAS_MIN_SIDE = 1024
"""Smallest side of a matricization that ``--field gfp`` ranks on BLAS first."""
BLAS_RETRIES = 2
"""Further tries modulo fresh random primes when FLINT's dense path does not fit."""


@dataclass(frozen=True)
class RankSettings:
    """How ranks are computed for a run (from the command line)."""

    field: str = "gfp"
    """``gfp`` (weights uniform mod p, rank mod p with FLINT), ``blas`` (the same with a
    prime below ``2**26``, rank on float64 BLAS) or ``qq`` (integer weights, rank over Q)."""
    prime: int = MERSENNE_61
    """The prime of GF(p); with ``blas`` the default ``2**61 - 1`` stands for the engine's
    default prime (the largest below ``2**23``)."""
    seed: int = 0
    """Seed of every random draw (each measurement derives its own stream from it)."""
    method: str = "auto"
    """``auto``, ``dense`` or ``structured``."""
    max_memory: int = DEFAULT_MAX_MEMORY
    """Bytes a computation may use; larger ones are refused before they start."""

    def __post_init__(self) -> None:
        if self.field not in FIELDS:
            raise ConvacError(f"field must be one of {', '.join(FIELDS)}; got {self.field!r}")
        if self.method not in METHODS:
            raise ConvacError(f"method must be one of {', '.join(METHODS)}; got {self.method!r}")
        if self.field == "blas" and self.prime >= BLAS_MAX_PRIME:
            if self.prime != MERSENNE_61:
                raise ConvacError(
                    f"--field blas needs a prime below 2**26; got --prime {self.prime}"
                )
            object.__setattr__(self, "prime", BLAS_PRIME)

    def ring(self) -> Ring:
        """The ring the weights are drawn from."""
        return PrimeField(self.prime) if self.field in ("gfp", "blas") else IntegerRing()


def dense_bytes(n_modes: int, dim: int, field: str = "gfp") -> int:
    """Estimated peak memory of the dense path: ``M**N`` entries times a measured constant."""
    return int(dim) ** int(n_modes) * _DENSE_BYTES[field]


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
) -> Measurement:
    """Rank of ``[[A]]_{I,J}`` for one instance of the architecture.

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

    Raises
    ------
    BudgetExceeded
        If the chosen method needs more than ``settings.max_memory``.
    """
    n = trees.n_modes(tree)
    if partition.n_modes != n:
        raise ConvacError(f"partition is for N = {partition.n_modes} modes but the tree has {n}")
    decomp = _decomposition(tree, dim, widths, partition, settings, witness, shared)
    peak = (
        None
        if witness is not None
        else structured_peak_entries(tree, dim, decomp.widths, partition)
    )
    upper = recursive_upper_bound(tree, dim, decomp.widths, partition)
    for blas_prime in _blas_primes(n, dim, partition, settings, witness, peak, shared):
        small = replace(settings, prime=blas_prime)
        small_decomp = _decomposition(tree, dim, widths, partition, small, None, shared)
        matrix = _own_matrix(grid_tensor(small_decomp), partition)
        rank = rank_mod(matrix, blas_prime, overwrite=True)
        del matrix
        if rank == upper:  # certain both ways, whatever the prime
            evidence = _evidence(small_decomp, small, "dense-blas", "GF(p)")
            return Measurement(rank, evidence, upper, UPPER_BOUND_BASIS)
    method = _choose_method(n, dim, settings, peak)
    if method == "dense":
        rank, field = dense_rank(grid_tensor(decomp), partition, settings)
    else:
        rank = structured_rank(decomp, partition, prime=settings.prime, budget=settings.max_memory)
        field = "GF(p)"
    evidence = _evidence(decomp, settings, method, field, None if witness is None else witness_name)
    return Measurement(rank, evidence, upper, UPPER_BOUND_BASIS)


def _evidence(
    decomp: TreeDecomposition,
    settings: RankSettings,
    method: str,
    field: str,
    witness_name: str | None = None,
) -> Evidence:
    random = witness_name is None
    return Evidence(
        field=field,
        method=method,
        weights="random" if random else (witness_name or "explicit witness"),
        prime=settings.prime if field == "GF(p)" else None,
        seed=settings.seed if random else None,
        sample_space=decomp.ring.sample_space if random else None,
        degree=decomp.entry_degree() if random else None,
    )


def _blas_primes(
    n: int,
    dim: int,
    partition: Partition,
    settings: RankSettings,
    witness: Mapping[int, object] | None,
    peak: int | None,
    shared: bool,
) -> Iterator[int]:
    """Primes for the tries on BLAS (module docstring); none when BLAS does not apply.

    The engine's default prime, then -- only if the FLINT path does not fit the budget --
    fresh random primes of 25 bits (each try is a new instance: a rank that falls short of
    the bound by chance mod one prime rarely does so mod another).
    """
    side = min(dim ** len(partition.rows), dim ** (n - len(partition.rows)))
    if (
        settings.field != "gfp"
        or witness is not None
        or settings.method == "structured"
        or side < BLAS_MIN_SIDE
        or dense_bytes(n, dim, "blas") > settings.max_memory
    ):
        return
    if settings.method == "auto" and peak is not None and peak * 16 <= dim**n:
        return  # the structured contraction is the cheaper path
    yield BLAS_PRIME
    if not fits_dense(n, dim, settings):
        rng = _stream(settings.seed, f"blas-primes/{n}/{dim}/{partition.rows}/{shared}")
        for _ in range(BLAS_RETRIES):
            yield random_prime(rng, 25)


def _own_matrix(tensor: Array, partition: Partition) -> Array:
    """The matricization as an array no one else holds (so it may be overwritten)."""
    matrix = matricize(tensor, partition)
    return matrix if not np.shares_memory(matrix, tensor) else matrix.copy()


def dense_rank(tensor: Array, partition: Partition, settings: RankSettings) -> tuple[int, str]:
    """Rank of ``[[tensor]]_{I,J}`` with the engine of ``settings.field``.

    The building block for any decomposition whose grid tensor can be formed (call
    :func:`check_dense_budget` first). Returns the rank and the field it was computed in.
    """
    engine = get_rank_engine(settings.field)
    return engine.rank(matricize(tensor, partition), settings.prime), engine.field


def check_dense_budget(n_modes: int, dim: int, settings: RankSettings) -> None:
    """Refuse, before any allocation, a grid tensor that does not fit the budget."""
    need = dense_bytes(n_modes, dim, settings.field)
    if need > settings.max_memory:
        raise BudgetExceeded(
            f"the dense grid tensor has {dim}**{n_modes} entries and needs ~{_fmt_bytes(need)}, "
            f"over --max-memory {_fmt_bytes(settings.max_memory)}; use --method structured "
            "(exact rank without the grid tensor) or a smaller N"
        )


def _decomposition(
    tree: nx.DiGraph,
    dim: int,
    widths: int | Sequence[int],
    partition: Partition,
    settings: RankSettings,
    witness: Mapping[int, object] | None,
    shared: bool,
) -> TreeDecomposition:
    ring = settings.ring()
    if witness is not None:
        return decomposition_from_weights(tree, dim, widths, witness, ring)
    key = repr((trees.to_nested(tree), dim, widths, partition.rows, shared, settings.field))
    return random_decomposition(tree, dim, widths, ring, _stream(settings.seed, key), shared=shared)


def _choose_method(n: int, dim: int, settings: RankSettings, peak: int | None) -> str:
    """Dense when forced or when it fits and the structured cores would not be much smaller.

    ``peak`` bounds the structured contraction's largest core for random weights
    (``None`` for an explicit witness, whose Kronecker structure keeps it small).
    """
    need = dense_bytes(n, dim, settings.field)
    fits = need <= settings.max_memory
    if settings.method == "dense":
        check_dense_budget(n, dim, settings)
    if settings.method == "structured" or (settings.method == "auto" and not fits):
        if peak is not None and peak * STRUCTURED_BYTES_PER_ENTRY > settings.max_memory:
            raise BudgetExceeded(
                f"neither path fits --max-memory {_fmt_bytes(settings.max_memory)}: the dense grid "
                f"tensor ({dim}**{n} entries) needs ~{_fmt_bytes(need)} and the structured "
                f"contraction up to {peak:,} core entries "
                f"(~{_fmt_bytes(peak * STRUCTURED_BYTES_PER_ENTRY)}); this partition's rank is "
                "too large for a random witness at this N: certify it with an explicit witness "
                "or lower N"
            )
        return "structured"
    if (
        settings.method == "auto"
        and settings.field == "gfp"  # over Q the dense path gives the exact rank
        and peak is not None
        and peak * 16 <= dim**n
    ):
        return "structured"
    return "dense"


def fits_dense(n: int, dim: int, settings: RankSettings) -> bool:
    """Whether the dense path fits the memory budget."""
    return dense_bytes(n, dim, settings.field) <= settings.max_memory


class TaskRunner(Protocol):
    """Runs a plan of checks as independent tasks (:mod:`convac_verify.sweeps`)."""

    def run(self, plan: Sequence[tuple[str, Mapping[str, Any]]], ctx: Context) -> list[list[Any]]:
        """One list of results per ``(check name, overrides)`` of ``plan``, in plan order."""
        ...


@dataclass
class Context:
    """What a check may use: rank settings, a measurement cache and a progress sink."""

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
            self._cache[key] = measure_rank(
                tree,
                dim,
                widths,
                partition,
                self.settings,
                witness=witness() if use_witness and witness is not None else None,
                witness_name=witness_name,
                shared=shared,
            )
        return self._cache[key]
