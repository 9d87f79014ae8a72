"""What a rank computation will cost, estimated before it starts (memory and time).

Every path that computes a matricization rank of a tree decomposition
(:func:`convac_verify.engines.measure.measure_rank`: dense, structured, explicit witness)
asks :func:`check_budget` first, so work that does not fit ``--max-memory`` or
``--max-time`` is refused in well under a second, with the estimate and a real
alternative, instead of running out of memory or running for hours.

The model is deliberately simple and errs on the side of overestimating. Its constants
were measured on this implementation (2-core machine, 61-bit prime):

* the tree itself (building, bounds, bookkeeping): :data:`SECONDS_PER_NODE` per node;
* weights: one ``uint64`` (GF(p)) or a Python integer (Q) per entry;
* dense path: the grid tensor is contracted by the one contraction routine
  (:mod:`convac_verify.networks.contraction`: batched exact matrix products), about
  ``out * in * M**|v|`` field operations at each node v, :data:`SECONDS_PER_ENTRY` each
  (``uint64`` residues mod p through BLAS, or Python integers over Z), plus a small
  :data:`SECONDS_PER_PAIR` per (output channel, input channel) pair and
  :data:`SECONDS_PER_DENSE_CALL` once (planning the contraction); then FLINT ranks an
  ``a x b`` matrix in about ``a * b * min(a, b) / RANK_OPS_PER_SECOND[field]`` seconds;
* dense path on the BLAS engine (field ``blas``: ``--field blas``, and the first try of
  a large matrix with ``--field gfp``, :mod:`convac_verify.engines.measure`): the same
  contraction, then the block elimination on float64 BLAS at
  ``RANK_OPS_PER_SECOND["blas"]`` (measured about ``3e10`` for ``n >= 2048`` with one BLAS
  thread; ``1e10`` leaves room for a loaded machine and small matrices), and
  ``DENSE_BYTES["blas"]`` per grid-tensor entry (the tensor, its matricization converted
  in place to float64, panel buffers);
* structured path with random weights: :data:`SECONDS_PER_STRUCTURED_NODE` per node plus
  :data:`SECONDS_PER_CORE_ENTRY` per entry of the largest core;
* explicit (Kronecker) witness: :data:`SECONDS_PER_WITNESS_NODE` per node (identical
  subtrees are contracted once);
* structured paths, nodes with more than two children (a CP root, wide windows): the
  children are folded in one at a time, :data:`SECONDS_PER_WIDE_CHILD` each;
* dense path of any tensor network (:func:`network_dense_estimate`, e.g. a network file):
  opt_einsum's operation count of the grid-tensor contraction, planned as the one
  contraction plans it, at ``SECONDS_PER_ENTRY[field]`` each, plus the rank as above and
  ``DENSE_BYTES[field]`` per grid-tensor entry;
* sketches (:func:`sketch_estimate`, any tensor network): opt_einsum's operation count of
  the contraction with the sketch vectors, :data:`SECONDS_PER_SKETCH_OP` each modulo a
  61-bit prime, plus the ``k x k'`` rank with FLINT at ``RANK_OPS_PER_SECOND["gfp"]``
  (path ``sketch``); a sketch that goes to BLAS first (path ``sketch-blas``: a prime below
  ``2**20``, where one exact product is one machine product and one remainder) costs
  :data:`SECONDS_PER_SKETCH_OP_BLAS` per operation and ranks at
  ``RANK_OPS_PER_SECOND["blas"]``.

Widths that add nothing
-----------------------
The weight arrays of very wide layers can be the whole cost. :func:`useful_widths` gives
widths with the **same generic rank**: the channels ``alpha`` feeding a parent ``p`` enter
only through ``psi^alpha = (x)_c phi^{c,alpha}``, tensors in a space of dimension
``M**|p|`` (``|p|`` = modes below p). Any set of them spans a space with a basis of at most
``min(r, M**|p|)`` of them, and every parent channel ``sum_alpha W[delta, alpha] psi^alpha``
is a combination of that basis; keeping only those channels (each child keeps the
matching rows of its weights) realizes the same function. Conversely the capped network is
the original one with some weights zero. So both have the same set of functions, hence
the same maximal -- generic -- rank. (With unshared weights each parent may keep its own
basis; with shared weights the argument needs the parents of one height to be alike,
so :func:`useful_widths` leaves shared networks alone.)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import networkx as nx

from ..errors import BudgetExceeded, ConvacError
from ..networks import trees
from ..networks.partitions import Partition
from ..networks.tensor_network import TensorNetwork

__all__ = [
    "Estimate",
    "check_budget",
    "check_network_budget",
    "check_sketch_budget",
    "fmt_bytes",
    "fmt_seconds",
    "network_dense_estimate",
    "node_count_seconds",
    "parse_duration",
    "rank_estimate",
    "sketch_estimate",
    "useful_widths",
]

# building the tree and its bounds: 60e-6 before the min-cut joined the bounds home, whose
# tensor network (compiled once per architecture) and tree program add about 60e-6
SECONDS_PER_NODE = 120e-6
# re-measured on the one contraction (benchmarks/estimates.py): 4-10 ns per operation mod
# p, about 400 ns over Z (Python integers), nothing measurable per channel pair
SECONDS_PER_PAIR = 0.2e-6
SECONDS_PER_ENTRY = {"gfp": 10e-9, "qq": 700e-9, "blas": 10e-9}
SECONDS_PER_DENSE_CALL = 0.03
RANK_OPS_PER_SECOND = {"gfp": 3e9, "qq": 1e8, "blas": 1e10}
SECONDS_PER_STRUCTURED_NODE = 100e-6
SECONDS_PER_CORE_ENTRY = 300e-9
SECONDS_PER_WITNESS_NODE = 20e-6
SECONDS_PER_WIDE_CHILD = 300e-6
WEIGHT_BYTES = {"gfp": 8, "qq": 48, "blas": 8}
# peak bytes per grid-tensor entry on the dense path, measured at N = 24, M = 2 (FLINT:
# uint64 tensor, matricized copy, Python-int list, fmpz_mat and nmod_mat copies; BLAS:
# the tensor, its matricization converted in place, panel buffers)
DENSE_BYTES = {"gfp": 96, "qq": 400, "blas": 24}
STRUCTURED_BYTES = 48


@dataclass(frozen=True)
class Estimate:
    """Peak memory and time of one computation."""

    path: str
    """``dense``, ``dense-blas``, ``structured``, ``witness``, ``sketch`` or ``sketch-blas``."""
    bytes: int
    seconds: float
    weight_bytes: int
    """Of which the weights."""

    def describe(self) -> str:
        """``~1.2 GiB, ~35 s``."""
        return f"~{fmt_bytes(self.bytes)}, ~{fmt_seconds(self.seconds)}"


def fmt_bytes(n: float) -> str:
    """``1.5 GiB``, ``12 MiB``, ``800 B``."""
    for unit, size in (("TiB", 2**40), ("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if n >= size:
            return f"{n / size:.3g} {unit}"
    return f"{int(n)} B"


def fmt_seconds(s: float) -> str:
    """``0.4 s``, ``35 s``, ``12 min``, ``3.1 h``, ``2.5e+04 years``."""
    if s < 60:
        return f"{s:.2g} s" if s < 10 else f"{s:.0f} s"
    if s < 3600:
        return f"{s / 60:.2g} min"
    if s < 86400 * 365:
        return f"{s / 3600:.2g} h"
    if s == math.inf:
        return "forever"
    return f"{s / (86400 * 365):.2g} years"


def parse_duration(text: str) -> float:
    """``90``, ``90s``, ``10m``, ``1.5h`` -> seconds.

    Examples
    --------
    >>> parse_duration("10m"), parse_duration("90"), parse_duration("1h")
    (600.0, 90.0, 3600.0)
    """
    t = str(text).strip().lower()
    units = {"s": 1.0, "m": 60.0, "min": 60.0, "h": 3600.0}
    for suffix in ("min", "s", "m", "h"):
        if t.endswith(suffix):
            number, scale = t[: -len(suffix)].strip(), units[suffix]
            break
    else:
        number, scale = t, 1.0
    try:
        value = float(number) * scale
    except ValueError:
        value = -1.0
    if not (value > 0 and math.isfinite(value)):
        raise ConvacError(f"--max-time takes a duration like 90s, 10m or 1h; got {text!r}")
    return value


def node_count_seconds(n_nodes: int) -> float:
    """Time to build and bound a tree of ``n_nodes`` nodes (before any rank)."""
    return n_nodes * SECONDS_PER_NODE


def _n_nodes(tree: nx.DiGraph) -> int:
    return len(trees.postorder(tree))


def _weight_entries(tree: nx.DiGraph, dim: int, ws: Sequence[int]) -> int:
    total = trees.n_modes(tree) * ws[0] * dim
    root = trees.root(tree)
    for v in trees.internal_nodes(tree):
        out = 1 if v == root else ws[trees.height(tree, v)]
        total += out * ws[trees.height(tree, trees.children(tree, v)[0])]
    return total


def rank_estimate(
    tree: nx.DiGraph,
    dim: int,
    ws: Sequence[int],
    partition: Partition,
    field: str,
    path: str,
    peak_entries: int | None = None,
) -> Estimate:
    """Memory and time of measuring ``[[A]]_{I,J}`` by ``path``.

    ``peak_entries`` is the structured path's largest core (random weights); the witness
    path keeps cores small (Kronecker laziness).
    """
    n = trees.n_modes(tree)
    nodes = _n_nodes(tree)
    wbytes = _weight_entries(tree, dim, ws) * WEIGHT_BYTES[field]
    seconds = node_count_seconds(nodes)
    if path == "dense":
        root = trees.root(tree)
        pairs = 0
        entry_ops = 0
        for v in trees.internal_nodes(tree):
            out = 1 if v == root else ws[trees.height(tree, v)]
            k = out * ws[trees.height(tree, trees.children(tree, v)[0])]
            pairs += k
            entry_ops += k * dim ** len(trees.leaves_below(tree, v))
        a = dim ** len(partition.rows)
        b = dim ** (n - len(partition.rows))
        rank_ops = a * b * min(a, b)
        seconds += (
            SECONDS_PER_DENSE_CALL
            + pairs * SECONDS_PER_PAIR
            + _float(entry_ops) * SECONDS_PER_ENTRY[field]
            + _float(rank_ops) / RANK_OPS_PER_SECOND[field]
        )
        extra = dim**n * DENSE_BYTES[field]
    else:
        wide = sum(
            len(kids)
            for v in trees.internal_nodes(tree)
            if len(kids := trees.children(tree, v)) > 2
        )
        seconds += wide * SECONDS_PER_WIDE_CHILD
        if path == "witness":
            seconds += nodes * SECONDS_PER_WITNESS_NODE
            extra = nodes * 512
        else:
            peak = peak_entries or 0
            seconds += nodes * SECONDS_PER_STRUCTURED_NODE + _float(peak) * SECONDS_PER_CORE_ENTRY
            extra = peak * STRUCTURED_BYTES
    name = "dense-blas" if path == "dense" and field == "blas" else path
    return Estimate(name, wbytes + extra, seconds, wbytes)


def _float(n: int) -> float:
    """``float(n)``, or ``inf`` beyond the float range."""
    return float(n) if n < 10**300 else math.inf


def useful_widths(tree: nx.DiGraph, dim: int, ws: Sequence[int]) -> tuple[int, ...]:
    """Widths capped where more channels cannot raise the generic rank (module docstring).

    ``r_l`` is capped at the largest ``M**|p|`` over the parents ``p`` of height-``l`` nodes.

    Examples
    --------
    >>> from convac_verify.networks.trees import balanced
    >>> useful_widths(balanced(16), 2, (5000, 5000, 5000, 5000))
    (4, 16, 256, 5000)
    """
    caps: dict[int, int] = {}
    for p in trees.internal_nodes(tree):
        level = trees.height(tree, trees.children(tree, p)[0])
        size = len(trees.leaves_below(tree, p))
        # dim ** size can be astronomically large: compare in bits first
        cap = dim**size if size * max(dim, 2).bit_length() < 4096 else None
        prev = caps.get(level, 0)
        caps[level] = -1 if cap is None or prev == -1 else max(prev, cap)
    return tuple(
        w if caps.get(level, -1) == -1 else min(w, caps[level]) for level, w in enumerate(ws)
    )


def check_budget(
    estimate: Estimate,
    *,
    max_memory: int,
    max_seconds: float,
    tree: nx.DiGraph,
    dim: int,
    ws: Sequence[int],
    shared: bool = False,
) -> None:
    """Refuse ``estimate`` when it exceeds either budget, naming a real alternative.

    Raises
    ------
    BudgetExceeded
        With the estimate, the budget and what to do instead.
    """
    over_memory = estimate.bytes > max_memory
    over_time = estimate.seconds > max_seconds
    if not (over_memory or over_time):
        return
    capped = () if shared else useful_widths(tree, dim, ws)
    hint = ""
    if capped and tuple(capped) != tuple(ws):
        hint = (
            f"; widths {','.join(map(str, capped))} give the same generic rank (more channels "
            "than the dimension of the space they feed add nothing)"
        )
    if over_memory:
        what = f"needs ~{fmt_bytes(estimate.bytes)}"
        if estimate.weight_bytes * 2 > estimate.bytes:
            what += f" (the weights alone ~{fmt_bytes(estimate.weight_bytes)})"
        raise BudgetExceeded(
            f"refused before starting: the {estimate.path} computation {what}, over "
            f"--max-memory {fmt_bytes(max_memory)}; raise --max-memory or use smaller N, M "
            f"or widths{hint}"
        )
    advice = (
        f"raise --max-time (e.g. --max-time {_suggest(estimate.seconds)}) or use smaller N, M "
        "or widths"
        if estimate.seconds < 86400
        else "use smaller N, M or widths"
    )
    raise BudgetExceeded(
        f"refused before starting: the {estimate.path} computation would take "
        f"~{fmt_seconds(estimate.seconds)} (estimate), over --max-time "
        f"{fmt_seconds(max_seconds)}; {advice}{hint}"
    )


def _suggest(seconds: float) -> str:
    for minutes in (5, 10, 30, 60, 120, 240, 480):
        if seconds * 1.5 < minutes * 60:
            return f"{minutes}m"
    return f"{int(seconds * 2 / 3600) + 1}h"


def network_dense_estimate(network: TensorNetwork, partition: Partition, field: str) -> Estimate:
    """Memory and time of the dense path of any tensor network (module docstring): the
    grid tensor by the one contraction, then its ``a x b`` matricization's rank with the
    engine of ``field`` (``gfp``, ``qq`` or ``blas``).

    Examples
    --------
    >>> from convac_verify.networks.compilers import tree_network
    >>> from convac_verify.networks.partitions import odd_even
    >>> from convac_verify.networks.trees import balanced
    >>> est = network_dense_estimate(tree_network(balanced(8), 2, 2), odd_even(8), "gfp")
    >>> est.path, est.bytes == 2**8 * DENSE_BYTES["gfp"] + est.weight_bytes, est.seconds < 1
    ('dense', True, True)
    """
    from ..networks.contraction import contraction_cost

    if field not in DENSE_BYTES:
        raise ConvacError(f"unknown field {field!r}; known: {', '.join(DENSE_BYTES)}")
    dims = network.dims
    entries = math.prod(dims)
    a = math.prod(dims[m] for m in partition.rows)
    b = entries // a
    cost = contraction_cost(network)
    weights = sum(math.prod(s) for s in network.groups().values()) * WEIGHT_BYTES[field]
    seconds = (
        SECONDS_PER_DENSE_CALL
        + len(network.nodes("tensor")) * SECONDS_PER_SKETCH_TENSOR
        + _float(int(cost.operations)) * SECONDS_PER_ENTRY[field]
        + _float(a * b * min(a, b)) / RANK_OPS_PER_SECOND[field]
    )
    path = "dense-blas" if field == "blas" else "dense"
    return Estimate(path, weights + entries * DENSE_BYTES[field], seconds, weights)


def _refuse_over_budget(
    estimate: Estimate,
    *,
    max_memory: int,
    max_seconds: float,
    needs: str,
    takes: str,
    memory_advice: str,
    time_advice: str,
) -> None:
    """Raise :class:`BudgetExceeded` when ``estimate`` is over either budget: ``needs``
    (memory) or ``takes`` (time) names what is refused; then raise the budget, or the
    advice."""
    if estimate.bytes > max_memory:
        raise BudgetExceeded(
            f"refused before starting: {needs} ~{fmt_bytes(estimate.bytes)}, over "
            f"--max-memory {fmt_bytes(max_memory)}; {memory_advice}"
        )
    if estimate.seconds > max_seconds:
        raise BudgetExceeded(
            f"refused before starting: {takes} ~{fmt_seconds(estimate.seconds)} (estimate), "
            f"over --max-time {fmt_seconds(max_seconds)}; raise --max-time (e.g. --max-time "
            f"{_suggest(estimate.seconds)}) or {time_advice}"
        )


def check_network_budget(estimate: Estimate, *, max_memory: int, max_seconds: float) -> None:
    """Refuse the dense path of a tensor network over either budget (before anything is
    allocated); the alternative named is a sketch (no structured path exists for a
    general network).

    Raises
    ------
    BudgetExceeded
        With the estimate, the budget and what to do instead.
    """
    _refuse_over_budget(
        estimate,
        max_memory=max_memory,
        max_seconds=max_seconds,
        needs=f"the {estimate.path} grid tensor of the network needs",
        takes=f"the {estimate.path} rank of the network would take",
        memory_advice="raise --max-memory or use --method sketch (random product vectors; "
        "needs a small upper bound)",
        time_advice="use --method sketch",
    )


# --------------------------------------------------------------------------- sketches
# The sketched rank (convac_verify.engines.sketch): the network contracted with random
# product vectors at its input legs, then one k x k' rank. The contraction's cost is
# opt_einsum's operation count for exactly the plan the contraction runs
# (convac_verify.networks.contraction.contraction_cost); measured on the one contraction
# (2-core machine, 61-bit prime, benchmarks/sketch.py): about 15 ns per operation, plus
# planning per tensor; peak memory a small multiple of the largest intermediate (uint64
# residues and the long-double temporaries of the Hadamard products), then the k x k'
# matrix in FLINT (Python ints on the way).
SECONDS_PER_SKETCH_OP = 20e-9
SECONDS_PER_SKETCH_TENSOR = 250e-6
SKETCH_BYTES_PER_ENTRY = 64
SKETCH_MATRIX_BYTES_PER_ENTRY = 120
# the BLAS-first sketch (a prime below 2**20; convac_verify.engines.measure): the same
# contraction measured 4.5x less CPU than modulo 2**61 - 1 (N = 1024 binary, r = 2,
# k = 1024: 0.73 s against 3.31 s; N = 64, k = 256: 0.04 s against 0.14 s) and about
# half the peak (1.6 GiB against 3.1 GiB end to end at N = 256, k = 4096: docs/scale.md;
# 48 bytes per entry of the largest intermediate covers it), then the k x k' matrix as
# float64 with the engine's panels
SECONDS_PER_SKETCH_OP_BLAS = 5e-9
SKETCH_BYTES_PER_ENTRY_BLAS = 48
SKETCH_PATHS = ("sketch", "sketch-blas")


def sketch_estimate(
    network: TensorNetwork,
    partition: Partition,
    shape: tuple[int, int],
    path: str = "sketch",
) -> Estimate:
    """Memory and time of a sketched rank with ``shape = (k, k')`` on ``path``: ``sketch``
    (modulo the run's prime, FLINT's rank) or ``sketch-blas`` (modulo a prime below
    ``2**20``, the BLAS engine's rank: the first try of a large sketch with ``--field
    gfp``, kept when it meets a certified bound; a rank short of it is redone on the
    ``sketch`` path, whose time is then added -- not counted in ``seconds``, since the
    generic rank usually meets the bound, but estimated on its own before it starts and
    skipped when over ``--max-time`` (the BLAS rank is then reported as the lower bound it
    is); its peak memory is counted in ``bytes``, so that the memory budget holds on
    either path).

    Examples
    --------
    >>> from convac_verify.networks.compilers import tree_network
    >>> from convac_verify.networks.partitions import odd_even
    >>> from convac_verify.networks.trees import balanced
    >>> est = sketch_estimate(tree_network(balanced(64), 2, 2), odd_even(64), (64, 64))
    >>> est.path, est.seconds < 1
    ('sketch', True)
    >>> sketch_estimate(tree_network(balanced(64), 2, 2), odd_even(64), (64, 64), "sketch-blas").path
    'sketch-blas'
    """
    from ..networks.contraction import contraction_cost

    if path not in SKETCH_PATHS:
        raise ConvacError(f"unknown sketch path {path!r}; known: {', '.join(SKETCH_PATHS)}")
    blas = path == "sketch-blas"

    k, k2 = shape
    dims = network.dims
    shapes = {m: (k, dims[m]) for m in partition.rows} | {m: (k2, dims[m]) for m in partition.cols}
    cost = contraction_cost(network, shapes, samples=dict.fromkeys(partition.cols, 1))
    tensors = len(network.nodes("tensor"))
    weights = sum(math.prod(s) for s in network.groups().values()) * WEIGHT_BYTES["gfp"]
    vectors = (k * len(partition.rows) + k2 * len(partition.cols)) * max(dims) * 8
    rank_ops = k * k2 * min(k, k2)
    per_op = SECONDS_PER_SKETCH_OP_BLAS if blas else SECONDS_PER_SKETCH_OP
    seconds = (
        tensors * SECONDS_PER_SKETCH_TENSOR
        + _float(int(cost.operations)) * per_op
        + rank_ops / RANK_OPS_PER_SECOND["blas" if blas else "gfp"]
    )
    peak = max(cost.largest * SKETCH_BYTES_PER_ENTRY, k * k2 * SKETCH_MATRIX_BYTES_PER_ENTRY)
    if blas:  # the redo modulo the run's prime may follow: its peak must fit the budget too
        peak = max(peak, cost.largest * SKETCH_BYTES_PER_ENTRY_BLAS, k * k2 * DENSE_BYTES["blas"])
    return Estimate(path, int(weights + vectors + peak), seconds, weights)


def check_sketch_budget(estimate: Estimate, *, max_memory: int, max_seconds: float) -> None:
    """Refuse a sketch over either budget (before anything is allocated).

    Raises
    ------
    BudgetExceeded
        With the estimate, the budget and what to do instead.
    """
    smaller = "use a partition with a smaller upper bound"
    _refuse_over_budget(
        estimate,
        max_memory=max_memory,
        max_seconds=max_seconds,
        needs="the sketch needs",
        takes="the sketch would take",
        memory_advice=f"raise --max-memory, or {smaller} (the sketch has as many rows as the "
        "bound)",
        time_advice=smaller,
    )
