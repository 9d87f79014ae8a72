"""The public Python API: build architectures, compute certified ranks and bounds, run checks.

Everything a notebook needs is re-exported by the package (``from convac_verify import
rank, tree, partition``); the command line is built on these functions, so a result here
is the same data the JSON report has (:meth:`RankResult.to_dict`,
:meth:`~convac_verify.report.model.Report.to_dict`). :data:`API_VERSION` is the JSON
``schema_version``: both change together, and a test pins them.

Conventions (stated once): modes are ``0..N-1``; a mode tree is a
:class:`networkx.DiGraph` whose leaves are the modes (nested tuples ``((0,1),(2,3))`` or a
builder ``balanced:8``); ``dim`` is M; widths are ``(r_0, ..., r_{L-1})`` by level (one
int for all); a :class:`~convac_verify.networks.partitions.Partition` lists the row
modes I. Ranks are exact Python integers. Every rank carries its
:class:`~convac_verify.evidence.status.Evidence` and a status (``proved``, ``verified``
with its epsilon, ``consistent``, ``inconclusive``, ``violated``).

Examples
--------
>>> from convac_verify import tree, partition, rank
>>> t = tree("balanced:8")
>>> r = rank(t, 2, 2, partition("odd-even", t), expect=">= min(r0, M)**(N/2)")
>>> r.rank, r.status.value, r.best_bound.certificate.kind
(16, 'proved', 'c-recursion')
>>> r.family.status
'proved'
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import networkx as nx
import numpy as np

from .bounds import Bound, best_bound, eq3_upper_bounds, min_cut_bound, tree_upper_bounds
from .bounds.allocate import Allocation
from .bounds.mincut import Cut
from .bounds.mincut import min_cut as _min_cut
from .bounds.tilings import TilingBounds, is_binary, tiling_bounds
from .engines.estimate import rank_estimate
from .engines.measure import (
    Context,
    RankSettings,
    blas_estimate,
    fits_dense,
    measure_network_rank,
    measure_rank,
    require_budget,
    sketch_plan,
)
from .engines.structured import structured_peak_entries
from .errors import ConvacError, NotAModeTree
from .evidence.certificates import Certificate
from .evidence.claims import DEFAULT_MAX_BITS, parse_claim, parse_expression
from .evidence.observation import Observation
from .evidence.status import Claim, Evidence, Measurement, Status, Verdict, decide_escalated
from .networks import trees
from .networks.compilers import tree_network
from .networks.decompositions import resolve_widths
from .networks.geometry2d import Grid, grid_of
from .networks.partitions import Partition, parse_partition
from .networks.partitions2d import expand_partitions, parse_grid_partition, split_specs
from .networks.tensor_network import TensorNetwork
from .networks.witnesses import kronecker_witness
from .pooling.profiles import split_by_height, witness_bound
from .report.model import SCHEMA_VERSION, CheckResult, Report
from .symbolic.family import FamilyCheck, FormulaTooLarge, judge_rank_family
from .symbolic.networks import SymbolicNetwork
from .symbolic.rank import SymbolicRank
from .theorems.registry import Theorem, get_theorem, load_all
from .theorems.runner import run_checks as _run_checks

__all__ = [
    "API_VERSION",
    "Allocation",
    "Bound",
    "Certificate",
    "CheckResult",
    "Claim",
    "Cut",
    "Evidence",
    "FamilyCheck",
    "Measurement",
    "Observation",
    "Partition",
    "RankQuery",
    "RankResult",
    "RankSettings",
    "Report",
    "Status",
    "StructuralBounds",
    "SymbolicNetwork",
    "SymbolicRank",
    "SymbolicResult",
    "TensorNetwork",
    "Theorem",
    "TilingBounds",
    "Verdict",
    "allocate_widths",
    "best_upper_bound",
    "checks",
    "claim_symbols",
    "geometry",
    "load_network",
    "measure_query",
    "min_cut",
    "min_cut_bonds",
    "min_cut_formula",
    "network_rank",
    "partition",
    "partitions",
    "rank",
    "rank_formulas",
    "rank_query",
    "run_all",
    "run_check",
    "run_checks",
    "structural_bounds",
    "symbolic_network",
    "symbolic_network_rank",
    "symbolic_rank",
    "tensor_network",
    "tree",
    "upper_bounds",
    "widths",
]

API_VERSION = SCHEMA_VERSION
"""Version of this API and of the JSON report (``schema_version``): one number."""

WITNESS_NAME = "Kronecker witness (proof of COLT16 Thm 1), merge at height {h}"

FIXED_WEIGHTS = "rank at the fixed weights"
"""``Measurement.extra["computed"]`` of a network whose weights are all fixed (one point)."""

Widths = int | Sequence[int]


# --------------------------------------------------------------------------- building


def tree(spec: str | trees.Nested) -> nx.DiGraph:
    """A mode tree: nested tuples or a builder spec (``convac-verify list`` shows them).

    Examples
    --------
    >>> from convac_verify.networks.trees import to_nested
    >>> to_nested(tree("balanced:4")), to_nested(tree(((0, 1), 2)))
    (((0, 1), (2, 3)), ((0, 1), 2))
    """
    if not isinstance(spec, str):
        return trees.from_nested(spec)
    try:
        return trees.parse_tree(spec)
    except RecursionError:
        raise NotAModeTree(f"tree {spec[:40]!r}... nests too deeply") from None


def geometry(spec: str, *, grid: Grid | str | None = None) -> tuple[nx.DiGraph, str]:
    """A mode tree and its display name from a geometry: any :func:`tree` spec, a tree
    file (``.json``/``.toml``), or on ``grid`` (``"HxW"``) ``square``, ``mirror`` or
    ``rect:2x1,1x2,...``; ``NAME=SPEC`` names any of them.

    Examples
    --------
    >>> t, name = geometry("pyramid=square", grid="4x4")
    >>> name, trees.n_modes(t), str(grid_of(t))
    ('pyramid', 16, '4x4')
    """
    from .networks.geometry2d import parse_grid
    from .pooling.profiles import resolve_geometry

    return resolve_geometry(spec, parse_grid(grid) if isinstance(grid, str) else grid)


def partition(
    spec: str,
    mode_tree: nx.DiGraph | TensorNetwork,
    *,
    seed: int = 0,
    grid: Grid | None = None,
) -> Partition:
    """A proper partition of the modes of a tree (or of a tensor network's input legs): a
    family (``odd-even``, ``left-right``, ``random``, ``blocks:B``, ``grid-*`` on 2D trees
    or with ``grid``) or row modes ``"0,2,5"``.

    ``random`` draws from ``seed``; ``grid`` places the modes on a grid (default: the
    grid the tree was built on, if any) for the 2D families.

    Examples
    --------
    >>> partition("odd-even", tree("balanced:4")).rows
    (0, 2)
    >>> partition("left-right", tensor_network(tree("balanced:4"), 2, 2)).rows
    (0, 1)
    """
    rng = np.random.default_rng(seed)
    if isinstance(mode_tree, TensorNetwork):
        n_modes = mode_tree.n_modes
    else:
        n_modes = trees.n_modes(mode_tree)
        grid = grid or grid_of(mode_tree)
    part = (
        parse_grid_partition(spec, grid, rng)
        if grid is not None
        else parse_partition(spec, n_modes, rng)
    )
    return part.require_proper()


def partitions(
    spec: str | Sequence[str], architecture: nx.DiGraph | TensorNetwork | Grid, *, seed: int = 0
) -> list[Partition]:
    """Several proper partitions: specs separated by ``;`` (or ``,`` between names), each
    as for :func:`partition` or a set: ``all``, ``every``, ``random:K``; duplicates dropped.

    ``architecture`` is a mode tree (2D names on 2D trees), a tensor network or a grid
    of patches; ``spec`` may also be a list of specs.

    Examples
    --------
    >>> [p.name for p in partitions("left-right;odd-even", tree("balanced:4"))]
    ['left-right', 'odd-even']
    """
    if isinstance(architecture, Grid):
        n, grid = architecture.n_modes, architecture
    elif isinstance(architecture, TensorNetwork):
        n, grid = architecture.n_modes, None
    else:
        n, grid = trees.n_modes(architecture), grid_of(architecture)
    specs = split_specs(spec) if isinstance(spec, str) else list(spec)
    return expand_partitions(specs, grid or Grid(1, n), np.random.default_rng(seed))


def load_network(path: str) -> TensorNetwork:
    """A tensor network from a file (TOML or JSON; ``docs/networks.md``)."""
    from .networks.network_file import load_network as _load_network

    return _load_network(path)


def widths(mode_tree: nx.DiGraph, r: Widths) -> tuple[int, ...]:
    """Per-level widths ``(r_0, ..., r_{L-1})``: one int for all levels, or one per level.

    Examples
    --------
    >>> widths(tree("balanced:8"), 2), widths(tree("balanced:8"), [4, 2, 1])
    ((2, 2, 2), (4, 2, 1))
    """
    return resolve_widths(mode_tree, r)


def tensor_network(
    mode_tree: nx.DiGraph, dim: int, r: Widths, *, shared: bool = False
) -> TensorNetwork:
    """The tensor network of same-channel product pooling over the tree (COLT eq. 4)."""
    return tree_network(mode_tree, dim, widths(mode_tree, r), shared=shared)


# --------------------------------------------------------------------------- bounds


def upper_bounds(mode_tree: nx.DiGraph, dim: int, r: Widths, part: Partition) -> list[Bound]:
    """Every upper bound for all weights (c-recursion, joint spans, min-cut, matrix size),
    each with its certificate.

    Examples
    --------
    >>> t = tree("balanced:8")
    >>> [(b.certificate.kind, b.value) for b in upper_bounds(t, 2, 2, partition("left-right", t))]
    [('c-recursion', 2), ('joint-span', 2), ('min-cut', 2), ('matrix-size', 16)]
    """
    return tree_upper_bounds(mode_tree, dim, widths(mode_tree, r), part)


@dataclass(frozen=True)
class StructuralBounds:
    """Every bound the tree's structure gives for one partition, no rank computed.

    ICLR 2017 Theorem 1 (``min(r0, M)**S_1`` for the maximal rank), the Kronecker
    witness (almost all weights), every upper bound for all weights with its certificate
    and, for binary trees with one width r, Cohen-Tamari-Shashua Theorem 7 on the eq. 3
    decomposition (tilings ``Theta(I;T)``, ``Theta(I^c;T)`` of their Def. 6).
    """

    dim: int
    widths: tuple[int, ...]
    tilings: TilingBounds
    """``Theta(I;T)``, ``Theta(I^c;T)`` and the sibling pairs of depth > 1 across them."""
    split_by_height: dict[int, int]
    """``S_h``: the nodes of height h >= 1 meeting both I and J."""
    witness: int
    """The Kronecker witness's rank ``min(r, M)**S_h``: a lower bound for almost all weights."""
    merge_height: int
    """The height h of the witness's merges."""
    upper: tuple[Bound, ...]
    """Every upper bound for all weights (as :func:`upper_bounds`)."""
    eq3_upper: tuple[Bound, ...] | None
    """Every upper bound of the eq. 3 decomposition, for binary trees with one width."""

    @property
    def best(self) -> Bound:
        """The smallest of :attr:`upper` (the first among equals)."""
        best = best_bound(self.upper)
        assert best is not None
        return best

    @property
    def eq3_best(self) -> Bound | None:
        """The smallest of :attr:`eq3_upper`, or ``None``."""
        return None if self.eq3_upper is None else best_bound(self.eq3_upper)

    @property
    def iclr17_lower(self) -> int:
        """``min(r0, M)**S_1`` (ICLR 2017 Theorem 1: a lower bound on the maximal rank)."""
        return min(self.widths[0], self.dim) ** self.split_by_height.get(1, 0)

    @property
    def cts_lower(self) -> int | None:
        """``r**P``, P the sibling pairs (CTS Theorem 7, eq. 3, almost all weights)."""
        return None if self.eq3_upper is None else self.widths[0] ** self.tilings.lower_exponent

    @property
    def cts_upper(self) -> int | None:
        """``r**min(|Theta(I)|, |Theta(I^c)|)`` (CTS Theorem 7, eq. 3, all weights)."""
        return None if self.eq3_upper is None else self.widths[0] ** self.tilings.upper_exponent


def structural_bounds(
    mode_tree: nx.DiGraph, dim: int, r: Widths, part: Partition
) -> StructuralBounds:
    """The bounds of :class:`StructuralBounds` (``convac-verify tree --rows``).

    Examples
    --------
    >>> t = tree("balanced:8")
    >>> sb = structural_bounds(t, 2, 2, partition("odd-even", t))
    >>> sb.iclr17_lower, sb.witness, sb.best.value, sb.best.certificate.kind
    (16, 16, 16, 'c-recursion')
    >>> len(sb.tilings.tiles_i), sb.cts_lower, sb.cts_upper
    (4, 16, 16)
    """
    ws = widths(mode_tree, r)
    wit, h = witness_bound(mode_tree, dim, ws, part)
    eq3 = None
    if is_binary(mode_tree) and len(set(ws)) == 1:  # Theorem 7 takes one width r
        eq3 = tuple(eq3_upper_bounds(mode_tree, dim, ws[0], part))
    return StructuralBounds(
        dim,
        ws,
        tiling_bounds(mode_tree, part),
        split_by_height(mode_tree, part),
        wit,
        h,
        tuple(tree_upper_bounds(mode_tree, dim, ws, part)),
        eq3,
    )


def best_upper_bound(mode_tree: nx.DiGraph, dim: int, r: Widths, part: Partition) -> Bound:
    """The smallest of :func:`upper_bounds` (the first among equals) with its certificate."""
    best = best_bound(upper_bounds(mode_tree, dim, r, part))
    assert best is not None  # the matrix size always bounds
    return best


def min_cut(
    network: TensorNetwork | nx.DiGraph,
    part: Partition,
    dim: int | None = None,
    r: Widths | None = None,
) -> Bound:
    """The min-cut bound (Levine et al. 2018, Claim 1) of a tensor network, or of a mode
    tree's network when given ``dim`` and ``r``.

    Examples
    --------
    >>> t = tree("balanced:8")
    >>> min_cut(t, partition("left-right", t), 2, 2).value
    2
    """
    if isinstance(network, nx.DiGraph):
        if dim is None or r is None:
            raise ConvacError("min_cut of a mode tree needs dim and widths")
        network = tensor_network(network, dim, r)
    return min_cut_bound(network, part)


def min_cut_bonds(network: TensorNetwork, part: Partition, *, delta_rule: str = "once") -> Cut:
    """The minimum cut itself (Levine et al. 2018, Claims 1 and 7): its weight, the cut
    bonds and deltas, how it was found and whether it is proved minimal.

    ``delta_rule="once"`` counts the cut bonds of one delta tensor once (Claim 7),
    ``"per-edge"`` counts every bond.

    Examples
    --------
    >>> t = tree("balanced:8")
    >>> c = min_cut_bonds(tensor_network(t, 2, 2), partition("left-right", t))
    >>> c.value, c.bonds, c.exact
    (2, ('d13',), True)
    """
    return _min_cut(network, part, delta_rule=delta_rule)


def min_cut_formula(network: TensorNetwork, part: Partition, *, delta_rule: str = "once") -> Any:
    """The min-cut of a tree-shaped network as a SymPy formula in ``M, r_0, r_1, ...``
    (a ``Min`` of monomials; Levine et al. 2018, eq. 16).

    Examples
    --------
    >>> t = tree("balanced:8")
    >>> min_cut_formula(tensor_network(t, 2, 2), partition("odd-even", t))
    Min(M**4, r_0**4)
    """
    from .bounds.mincut_symbolic import symbolic_min_cut, to_sympy

    return to_sympy(symbolic_min_cut(network, part, delta_rule=delta_rule))


def allocate_widths(
    mode_tree: nx.DiGraph,
    dim: int,
    parts: Sequence[Partition],
    budget: int,
    *,
    outputs: int = 1,
    max_width: int = 64,
) -> list[Allocation]:
    """Width allocations ``(r_0, ..., r_{L-1})`` within ``budget`` parameters, each with
    its min-cut on every partition (Levine et al. 2018: where to put the channels).

    ``outputs`` is Y (the last layer's size, for the parameter count); widths are
    searched up to ``max_width``.
    """
    from .bounds.allocate import allocate

    return allocate(mode_tree, dim, parts, budget, outputs=outputs, max_width=max_width)


def rank_formulas(mode_tree: nx.DiGraph, part: Partition) -> dict[str, Any]:
    """The structural bounds as SymPy formulas in ``M, r0, ..., r_{L-1}``.

    ``upper`` holds for all weights (min of the c-recursion and joint-span formulas),
    ``lower`` for almost all weights (the Kronecker witness).

    Examples
    --------
    >>> t = tree("balanced:8")
    >>> f = rank_formulas(t, partition("odd-even", t))
    >>> f["joint-span"], f["lower"]
    (Min(M**4, r0**4), Min(M, r0)**4)
    """
    import sympy

    from .symbolic.formulas import c_recursion_formula, joint_span_formula, witness_formula

    c = c_recursion_formula(mode_tree, part)
    s = joint_span_formula(mode_tree, part)
    return {
        "c-recursion": c,
        "joint-span": s,
        "upper": sympy.Min(c, s),
        "lower": witness_formula(mode_tree, part),
    }


# --------------------------------------------------------------------------- ranks


def claim_symbols(
    mode_tree: nx.DiGraph, dim: int, ws: Sequence[int], *, cp: bool = False
) -> dict[str, int]:
    """The values of a claim's symbols: ``N``, ``M``, ``L``, ``r`` (the smallest width),
    ``r0, ..., r_{L-1}``, and ``Z`` (the one width) when ``cp``.

    Examples
    --------
    >>> claim_symbols(tree("balanced:4"), 3, (2, 1))
    {'N': 4, 'M': 3, 'L': 2, 'r': 1, 'r0': 2, 'r1': 1}
    """
    symbols = {
        "N": trees.n_modes(mode_tree),
        "M": dim,
        "L": len(ws),
        "r": min(ws),
        **{f"r{i}": w for i, w in enumerate(ws)},
    }
    if cp:
        symbols["Z"] = ws[0]
    return symbols


@dataclass(frozen=True)
class RankQuery:
    """One matricization to rank: architecture, partition and (optionally) a claim."""

    tree: nx.DiGraph
    dim: int
    widths: tuple[int, ...]
    partition: Partition
    symbols: dict[str, int]
    """Values of the claim symbols (``N, M, L, r, r0, ...``; ``Z`` for CP)."""
    subject: str
    label: str
    x: int | None
    claim: Claim | None
    shared: bool
    family: str
    """The row's description in a sweep (what varies, what is fixed)."""
    expect: str | None = None
    """The claim as written."""
    uniform: bool = True
    """One width for all levels (the family of :mod:`convac_verify.symbolic.family`)."""
    cp: bool = False


def rank_query(
    mode_tree: nx.DiGraph,
    dim: int,
    r: Widths,
    part: Partition,
    *,
    expect: str | None = None,
    shared: bool = False,
    cp: bool = False,
    name: str | None = None,
    label: str | None = None,
    x: int | None = None,
    family: str | None = None,
) -> RankQuery:
    """Validate an architecture and a claim (nothing is computed yet).

    ``name`` is how the tree is described when it is too large to print; ``label``,
    ``x`` and ``family`` describe the row in a sweep (defaults: the partition's name).
    """
    ws = widths(mode_tree, r)
    n = trees.n_modes(mode_tree)
    if cp:
        z = ws[0]
        symbols = {"N": n, "M": dim, "Z": z, "L": 1, "r": z, "r0": z}
        subject = f"CP (shallow), N={n}, M={dim}, Z={z}"
    else:
        symbols = claim_symbols(mode_tree, dim, ws)
        shown = str(mode_tree.graph.get("name") or name or "")
        nested = str(trees.to_nested(mode_tree)) if n <= 64 else ""
        subject = f"tree {nested or shown}, M={dim}, widths {list(ws)}"
        if len(subject) > 120:
            subject = f"tree {shown} (N={n}, depth {len(ws)}), M={dim}, widths {list(ws)}"
    claim = parse_claim(expect, symbols, _max_bits(dim, part)) if expect else None
    uniform = isinstance(r, (int, np.integer)) or len(list(r)) == 1
    return RankQuery(
        mode_tree,
        dim,
        ws,
        part,
        symbols,
        subject,
        part.name if label is None else label,
        x,
        claim,
        shared,
        family or f"{subject}, partition {part.name}",
        expect,
        uniform,
        cp,
    )


@dataclass(frozen=True)
class RankResult:
    """A generic rank with what proves it: the report's row, all bounds and the family."""

    result: CheckResult
    """The row of the report (observation, measurement, verdict)."""
    bounds: tuple[Bound, ...]
    """Every upper bound for all weights, each with its certificate."""
    family: FamilyCheck | None = None
    """The claim judged for the whole family of widths, when one was given and the
    formula layer supports it."""
    family_note: str = ""
    """Why a claim in ``M``, ``Z`` or the widths was not judged for its family, or ``""``."""

    @property
    def rank(self) -> int:
        """The generic rank, or a certified lower bound when :attr:`exact` is false."""
        return self.result.observation.measurement.rank

    @property
    def exact(self) -> bool:
        """Whether :attr:`rank` is the generic rank (met an upper bound, or random weights)."""
        m = self.result.observation.measurement
        return bool(m.extra.get("rank_is_exact")) or m.evidence.weights == "random"

    @property
    def measurement(self) -> Measurement:
        """The rank, its evidence and every bound (the report's ``measured_rank`` row)."""
        return self.result.observation.measurement

    @property
    def evidence(self) -> Evidence:
        """How the rank was obtained: field, prime, seed, method, weights, |S|, degree."""
        return self.measurement.evidence

    @property
    def verdict(self) -> Verdict:
        """Status, epsilon, reason and certificate of the claim (the generic rank when no
        claim was given)."""
        return self.result.verdict

    @property
    def status(self) -> Status:
        """``proved``, ``verified``, ``consistent``, ``inconclusive`` or ``violated``."""
        return self.result.status

    @property
    def best_bound(self) -> Bound:
        """The smallest upper bound and its certificate."""
        best = best_bound(self.bounds)
        assert best is not None
        return best

    def to_dict(self) -> dict[str, Any]:
        """The JSON form of the row (as in ``convac-verify rank --format json``), with
        ``family`` when judged."""
        out = self.result.to_dict()
        if self.family is not None:
            out["family"] = self.family.to_dict()
        return out


def _max_bits(dim: int, part: Partition) -> int:
    """Claims are evaluated up to about twice the bits of the largest possible rank."""
    side = min(len(part.rows), part.n_modes - len(part.rows))
    return max(DEFAULT_MAX_BITS, 2 * side * max(1, dim.bit_length()) + 64)


def _random_fits(q: RankQuery, settings: RankSettings) -> bool:
    """Whether random weights fit the memory and time budgets (dense on BLAS, dense,
    sketch or structured)."""
    n = trees.n_modes(q.tree)
    if settings.method == "sketch":
        return True  # measure_rank refuses with the estimate
    if sketch_plan(q.tree, q.dim, q.widths, q.partition, settings) is not None:
        return True
    peak = structured_peak_entries(q.tree, q.dim, q.widths, q.partition)
    if blas_estimate(q.tree, q.dim, q.widths, q.partition, settings, peak) is not None:
        return True
    if settings.method != "structured" and fits_dense(n, q.dim, settings):
        est = rank_estimate(q.tree, q.dim, q.widths, q.partition, settings.field, "dense")
        if est.bytes <= settings.max_memory and est.seconds <= settings.max_seconds:
            return True
        if settings.method == "dense":
            return True  # measure_rank refuses with the estimate
    if settings.method == "dense":
        return True
    est = rank_estimate(q.tree, q.dim, q.widths, q.partition, settings.field, "structured", peak)
    return est.bytes <= settings.max_memory and est.seconds <= settings.max_seconds


def _measure(
    q: RankQuery, settings: RankSettings, progress: Callable[[str], None]
) -> tuple[Measurement, list[Bound]]:
    """The cheapest certain route (``convac-verify rank -h``): bounds, witness, random."""
    bounds = tree_upper_bounds(q.tree, q.dim, q.widths, q.partition)
    best = best_bound(bounds)
    assert best is not None
    predicted, h = witness_bound(q.tree, q.dim, q.widths, q.partition)

    def witness() -> dict[int, np.ndarray]:
        # refuse before the witness's weights are built (they can be the whole cost)
        require_budget(
            q.tree, q.dim, q.widths, q.partition, settings, "structured", None, shared=q.shared
        )
        return kronecker_witness(q.tree, q.dim, q.widths, h)

    name = WITNESS_NAME.format(h=h)
    args = (q.tree, q.dim, q.widths, q.partition, settings)
    m: Measurement | None = None
    if predicted >= best.value and settings.method not in ("dense", "sketch"):
        m = measure_rank(*args, witness=witness(), witness_name=name, progress=progress)
        if m.rank < best.value:
            m = None  # not determined: try random weights
    if m is None and _random_fits(q, settings):
        m = measure_rank(*args, shared=q.shared, progress=progress)
    if m is None:
        m = measure_rank(*args, witness=witness(), witness_name=name, progress=progress)
    computed = (
        "generic rank (random weights)" if m.evidence.weights == "random" else "witness lower bound"
    )
    # the measurement carries every bound of the bounds home (``Measurement.bounds``); the
    # smallest names the upper bound's certificate in every format
    m = replace(m, extra={**m.extra, "rank_is_exact": m.rank == best.value, "computed": computed})
    return m, bounds


def _family(q: RankQuery) -> tuple[FamilyCheck | None, str]:
    """The claim judged for its family, or why it is not (``""``: it has no family)."""
    if q.expect is None:
        return None, ""
    parsed = parse_expression(q.expect, q.symbols, _max_bits(q.dim, q.partition))
    try:
        family = judge_rank_family(
            q.tree, q.partition, parsed.relation, parsed.expression, uniform=q.uniform, cp=q.cp
        )
    except FormulaTooLarge as exc:
        return None, str(exc)
    return family, ""


def measure_query(
    q: RankQuery,
    settings: RankSettings | None = None,
    progress: Callable[[str], None] | None = None,
) -> RankResult:
    """Measure a :class:`RankQuery` and decide its claim (the generic rank when none)."""
    m, bounds = _measure(q, settings or RankSettings(), progress or _quiet)
    params = {
        **q.symbols,
        "widths": list(q.widths),
        "rows": list(q.partition.rows),
        "partition": q.partition.name,
        "shared": q.shared,
        "family": q.family,
    }
    result = _row(q.claim, m, q.expect, q.label, q.subject, params, q.x)
    return RankResult(result, tuple(bounds), *_family(q))


def _row(
    claim: Claim | None,
    m: Measurement,
    expect: str | None,
    label: str,
    subject: str,
    params: dict[str, Any],
    x: int | None = None,
) -> CheckResult:
    """The report's row of a measured rank: its claim (the generic rank when none is
    given) decided against the measurement, escalated once when its status depends on an
    epsilon that is too large (:func:`~convac_verify.evidence.status.decide_escalated`,
    the check runner's one escalation)."""
    c, m, verdict = decide_escalated(_generic_claim if claim is None else claim, m, "rank")
    if m.extra.get("escalated") and "rank_is_exact" in m.extra:  # the fresh point's
        m = replace(m, extra={**m.extra, "rank_is_exact": m.rank == m.upper_bound})
    obs = Observation(
        label=label,
        subject=subject,
        claim=c,
        measurement=m,
        params=params,
        series="rank" if x is not None else "",
        x=x,
    )
    reference = (
        f"your claim rank {expect.strip()}" if expect else "generic rank of your architecture"
    )
    return CheckResult("rank", reference, "rank", obs, verdict)


def _generic_claim(m: Measurement) -> Claim:
    """The claim of a rank asked without one: the generic rank is the measured rank (a
    witness lower bound when the weights are explicit and the rank is below every bound)."""
    if m.rank == m.upper_bound or m.evidence.weights == "random":
        return Claim("==", "generic rank", m.rank, r"\mathrm{generic\ rank}")
    return Claim(">=", "witness lower bound", m.rank, r"\mathrm{witness}")


def _quiet(message: str) -> None:
    """No progress output."""


def rank(
    mode_tree: nx.DiGraph,
    dim: int,
    r: Widths,
    part: Partition,
    *,
    expect: str | None = None,
    shared: bool = False,
    cp: bool = False,
    settings: RankSettings | None = None,
) -> RankResult:
    """The generic rank of ``[[A]]_{I,J}`` with its evidence and status.

    The cheapest certain route: the bounds home's upper bounds, the Kronecker witness
    (a certified lower bound; when it meets an upper bound the rank is proved), else
    random weights with a Schwartz--Zippel epsilon. ``expect`` is a claim such as
    ``">= 2**(N/2)"`` (the grammar of ``rank --expect``), also judged for the whole
    family of widths (:attr:`RankResult.family`). ``cp=True`` names the one width ``Z``.

    Examples
    --------
    >>> t = tree("balanced:4")
    >>> r = rank(t, 2, [1, 2], partition("left-right", t))
    >>> r.rank, r.status.value, r.result.verdict.certificate.kind
    (1, 'proved', 'joint-span')
    >>> bad = rank(t, 2, 2, partition("odd-even", t), expect=">= min(r0, M)**(N/2) + 1")
    >>> bad.status.value, bad.family.status
    ('violated', 'violated')
    """
    q = rank_query(mode_tree, dim, r, part, expect=expect, shared=shared, cp=cp)
    return measure_query(q, settings)


def network_rank(
    network: TensorNetwork,
    part: Partition,
    *,
    expect: str | None = None,
    settings: RankSettings | None = None,
    progress: Callable[[str], None] | None = None,
    subject: str | None = None,
) -> RankResult:
    """The generic rank of ``[[A]]_{I,J}`` for any tensor network (a network file,
    :func:`load_network`; or :func:`tensor_network`), with its evidence and status.

    Random weights from a large set (free weights drawn, tied groups drawn once, fixed
    weights as given), the grid tensor by the one contraction, the rank by the engine of
    ``settings.field`` (dense, on BLAS first when large; sketched past the dense limit
    when the upper bound is small). The upper bounds are the bounds home's for the
    network (:func:`convac_verify.bounds.network_upper_bounds`: its min-cut, Levine et
    al. 2018 Claims 1 and 7), so a rank that meets the min-cut is ``proved``, and a rank
    below it is reported as measured (the min-cut is sound, not always tight).
    ``expect`` is a claim in ``N`` and ``M`` (the grammar of ``rank --expect``); there is
    no family of widths to judge it for. ``subject`` describes the network in reports.

    Examples
    --------
    >>> net = tensor_network(tree("balanced:4"), 2, 4, shared=True)
    >>> r = network_rank(net, partition("left-right", net))
    >>> r.rank, r.best_bound.value, r.best_bound.certificate.kind, r.status.value
    (3, 4, 'c-recursion', 'verified')
    >>> r = network_rank(net, partition("odd-even", net), expect=">= M**(N/2) + 1")
    >>> r.rank, r.status.value, r.verdict.certificate.kind
    (4, 'violated', 'c-recursion')

    Raises
    ------
    ConvacError
        For a partition of another number of modes, a bad claim, or ``--method
        structured`` (the structured contraction is for mode trees).
    BudgetExceeded
        When neither the dense path nor a sketch fits the budget.
    """
    settings = settings or RankSettings()
    n, dims = network.n_modes, network.dims
    if part.n_modes != n:
        raise ConvacError(f"partition is for N = {part.n_modes} modes but the network has {n}")
    if settings.method == "structured":
        raise ConvacError(
            "--method structured is the structured contraction of a mode tree; a tensor "
            "network is ranked dense or sketched (--method auto, dense or sketch)"
        )
    symbols = {"N": n, **({"M": dims[0]} if len(set(dims)) == 1 else {})}
    dim = max(dims)
    claim = parse_claim(expect, symbols, _max_bits(dim, part)) if expect else None
    m = measure_network_rank(network, part, settings, progress=progress)
    best = best_bound(m.bounds)
    assert best is not None  # the min-cut always applies
    computed = "generic rank (random weights)" if m.evidence.weights == "random" else FIXED_WEIGHTS
    m = replace(m, extra={**m.extra, "rank_is_exact": m.rank == best.value, "computed": computed})
    name = subject or f"network {network.name or '(unnamed)'}, N={n}, M={dim}"
    params = {
        **symbols,
        "network": network.name,
        "rows": list(part.rows),
        "partition": part.name,
        "family": f"{name}, partition {part.name}",
    }
    return RankResult(_row(claim, m, expect, part.name, name, params), m.bounds)


@dataclass(frozen=True)
class SymbolicResult:
    """A rank over Q(w) (symbolic weights) with SymPy views of what certifies it.

    The rank over the field of rational functions is the generic rank AND the maximum
    over all weights: ``proved`` in both directions. Its weights are SymPy symbols named
    after the papers (``a^{l,j,g}_alpha``; ``docs/symbolic.md``).
    """

    raw: SymbolicRank
    """The elimination's own result (FLINT or SymPy polynomials)."""

    @property
    def rank(self) -> int:
        """The rank over Q(w)."""
        return self.raw.rank

    @property
    def weights(self) -> tuple[Any, ...]:
        """The weights as SymPy symbols, in the network's order."""
        return self.raw.network.ring.symbols()

    def matrix(self) -> Any:
        """The matricization ``[[A]]_{I,J}`` as a ``sympy.Matrix`` of polynomials."""
        import sympy

        ring, m = self.raw.network.ring, self.raw.matrix
        return sympy.Matrix(m.shape[0], m.shape[1], lambda i, j: ring.to_sympy(m[i, j]))

    def minor(self, *, factored: bool = True) -> Any:
        """A nonzero maximal minor (SymPy; factored over Z by default): it vanishes at
        every weight setting where the rank drops."""
        ring = self.raw.network.ring
        return ring.factored_sympy(self.raw.minor) if factored else ring.to_sympy(self.raw.minor)

    def minors(self) -> tuple[Any, ...] | None:
        """All distinct nonzero maximal minors up to sign (SymPy), whose common zeros are
        exactly the exceptional set, or ``None`` when there were too many to compute."""
        ideal = self.raw.ideal
        if ideal is None:
            return None
        return tuple(self.raw.network.ring.to_sympy(g) for g in ideal.generators)

    @property
    def network(self) -> SymbolicNetwork:
        """The symbolic architecture that was ranked."""
        return self.raw.network

    @property
    def measurement(self) -> Measurement:
        """The rank as a measurement, certain both ways (``symbolic`` certificates)."""
        from .theorems.symbolic_rank import symbolic_measurement

        return symbolic_measurement(self.raw)

    def cross_check(self, settings: RankSettings | None = None) -> Measurement:
        """The numeric engines' rank at a random point of the same architecture, held to
        the symbolic rank (its first bound): they must agree, and a point below it counts
        only with its Schwartz--Zippel epsilon.

        Examples
        --------
        >>> t = tree("balanced:4")
        >>> s = symbolic_rank(t, 2, 2, partition("odd-even", t), minors=False)
        >>> m = s.cross_check()
        >>> m.rank == s.rank, m.bounds[0].certificate.kind
        (True, 'symbolic')
        """
        from .symbolic.numeric import numeric_rank
        from .theorems.symbolic_rank import numeric_against_symbolic

        numeric = numeric_rank(self.raw.network, self.raw.partition, settings or RankSettings())
        return numeric_against_symbolic(self.raw, numeric)

    def to_dict(self, show: str = "auto") -> dict[str, Any]:
        """The data ``convac-verify symbolic --format json`` carries (strings and ints)."""
        from .symbolic.summary import summarize

        return summarize(self.raw, show)


def symbolic_network(
    mode_tree: nx.DiGraph,
    dim: int,
    r: Widths,
    *,
    shared: bool = False,
    kind: str = "same-channel",
    backend: str | None = None,
) -> SymbolicNetwork:
    """The architecture with every weight a symbol (``a^{l,j,g}_alpha``), nothing ranked yet.

    ``kind="dilated"`` is the eq. 3 decomposition of Cohen-Tamari-Shashua (one width r);
    ``backend`` is the polynomial arithmetic (``"flint"``, the default, or ``"sympy"``).

    Examples
    --------
    >>> net = symbolic_network(tree("balanced:4"), 2, 1)
    >>> net.describe(), net.is_cp
    ('tree ((0, 1), (2, 3)), M=2, widths [1, 1]', False)
    """
    from .symbolic.networks import symbolic_network as _symbolic_network
    from .symbolic.polynomials import DEFAULT_BACKEND

    ws = r if kind == "dilated" else widths(mode_tree, r)
    return _symbolic_network(
        mode_tree, dim, ws, kind=kind, shared=shared, backend=backend or DEFAULT_BACKEND
    )


def symbolic_network_rank(
    network: SymbolicNetwork,
    part: Partition,
    *,
    minors: bool = True,
    max_work: int | None = None,
) -> SymbolicResult:
    """The rank over Q(w) of a :func:`symbolic_network` (see :func:`symbolic_rank`).

    ``max_work`` is the elimination budget in term pairs (about 10 s per 5e7; the
    default of ``convac-verify symbolic``): larger instances are refused before they
    start (``BudgetExceeded``).
    """
    from .symbolic.rank import DEFAULT_MAX_WORK
    from .symbolic.rank import symbolic_rank as _symbolic_rank

    work = DEFAULT_MAX_WORK if max_work is None else max_work
    return SymbolicResult(_symbolic_rank(network, part, max_work=work, minors=minors))


def symbolic_rank(
    mode_tree: nx.DiGraph,
    dim: int,
    r: Widths,
    part: Partition,
    *,
    shared: bool = False,
    kind: str = "same-channel",
    minors: bool = True,
    backend: str | None = None,
    max_work: int | None = None,
) -> SymbolicResult:
    """The rank over Q(w) with every weight a symbol: the generic rank, proved both ways.

    ``kind="dilated"`` is the eq. 3 decomposition of Cohen-Tamari-Shashua (one width r);
    ``minors=False`` skips the ideal of all maximal minors; ``backend`` and ``max_work``
    as in :func:`symbolic_network` and :func:`symbolic_network_rank`. Instances too large
    for symbolic work are refused before they start (``BudgetExceeded``).

    Examples
    --------
    >>> t = tree("balanced:4")
    >>> s = symbolic_rank(t, 2, 1, partition("odd-even", t))
    >>> s.rank, s.matrix().shape, len(s.weights)
    (1, (4, 4), 11)
    >>> s.minor()
    a^{0,1,1}_1*a^{0,2,1}_1*a^{0,3,1}_1*a^{0,4,1}_1*a^{1,1,1}_1*a^{1,2,1}_1*a^{2,1}_1
    """
    net = symbolic_network(mode_tree, dim, r, shared=shared, kind=kind, backend=backend)
    return symbolic_network_rank(net, part, minors=minors, max_work=max_work)


# --------------------------------------------------------------------------- checks


def checks() -> dict[str, Theorem]:
    """Every registered check by name (reference, hypotheses, defaults, controls).

    Examples
    --------
    >>> "colt16-theorem-1" in checks()
    True
    """
    return dict(load_all())


def run_check(
    name: str,
    *,
    settings: RankSettings | None = None,
    negative_control: bool = False,
    progress: Callable[[str], None] | None = None,
    **overrides: Any,
) -> Report:
    """Run one registered check (its defaults updated by ``overrides``), or its negative
    controls, and return the report (``.results``: rows with their verdicts).

    Examples
    --------
    >>> rep = run_check("colt16-theorem-1", n_modes=4)
    >>> {r.status.value for r in rep.results}, rep.exit_code
    ({'proved'}, 0)
    """
    th = get_theorem(name)
    th.validate(overrides)  # refuse bad values before any work
    controls: list[Mapping[str, Any]] = (
        list(th.negative_controls.values()) if negative_control else [{}]
    )
    plan = [(name, {**control, **overrides}) for control in controls]
    return run_checks(f"check {name}", plan, settings, progress)


def run_checks(
    command: str,
    plan: Sequence[tuple[str, Mapping[str, Any]]],
    settings: RankSettings | None = None,
    progress: Callable[[str], None] | None = None,
    *,
    context: Context | None = None,
    notes: Sequence[str] = (),
) -> Report:
    """Run ``(check name, overrides)`` pairs in order and assemble the report
    (``convac-verify check`` and ``all``). ``context`` replaces ``settings`` and
    ``progress`` (the command line passes its own: progress on stderr, and where the
    tasks run with ``--jobs``/``--scheduler``); ``notes`` are added to the report's."""
    load_all()
    ctx = context or Context(settings or RankSettings(), progress=progress or _quiet)
    return _run_checks(command, plan, ctx, notes)


def run_all(
    settings: RankSettings | None = None,
    progress: Callable[[str], None] | None = None,
    *,
    profile: str = "default",
) -> Report:
    """Every registered check at its default sizes (``convac-verify all``), or at the
    sizes of a profile (``"paper"``: the papers' own sizes)."""
    from .sweeps.profiles import profile_plan

    plan = list(profile_plan(profile, sorted(load_all())))
    command = "all" if profile == "default" else f"all --profile {profile}"
    return run_checks(command, plan, settings, progress)
