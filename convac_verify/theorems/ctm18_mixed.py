"""Cohen-Tamari-Shashua Claim 5 + Theorem 7: the worked example of mixed decompositions.

Hypotheses (ICLR 2018, arXiv v3 Sec. 4-5): N = 2^L; T the baseline tree, T-bar the tree
with dilations swapped in groups of k layers (k | L); mixture nodes at layer k (depth
L - k; the worked example has k = 2); eq. 3 tree decompositions with product pooling and
discretizers spanning ``R^r`` (M >= r); the partition ``I = {2k-1 : k in [N/4]} ∪ {N/2 +
4k - k' : k in [N/8], k' = 2, 3}`` (1-based; ``ctm18-groups:k`` in general). Claims:

* T and T-bar each have generic rank ``r^(N/4+N/8)`` (at most that for all weights);
* the best hybrid H tiles I and I^c into singletons: generic rank ``r^(N/2)``;
* the mixed decomposition with ``r_mix = 2r`` has generic rank ``>= r^(N/2)`` (Claim 5:
  it reproduces H at size ``r_mix/2``).

Evidence. Lower bounds: Theorem 7's explicit witness
(:mod:`convac_verify.networks.dilated_witness`) for each tree; its rank is computed
exactly by the Kronecker-core contraction (no dense matrix; ``2^32`` at N = 64) and, where
the grid tensor is small (M^N <= 2^20), also densely -- the two must agree. A witness rank
``>= k`` proves ``rank >= k`` almost everywhere. Upper bounds for all weights: the bounds
home's eq. 3 bounds (:func:`convac_verify.bounds.eq3_upper_bounds`): the joint-span
recursion (:func:`convac_verify.networks.dilated.dilated_span_bound`) and the min-cut of
the eq. 3 tensor network, both independent of the tilings; the tiling itself is Theorem
7's own bound and decides nothing here (``OWN_BOUNDS``). The **mixed** network
(``r_mix = 2r``), compiled into the tensor-network core
(:mod:`convac_verify.networks.mixed_network`), has two rows:

* ``mixed``: its lower bound is H's witness rank carried over by Claim 5 (the weights of
  :func:`convac_verify.networks.mixed.claim5_mixed`; check ``ctm18-claim-5`` compares
  the two grid tensors exactly), certified at every N (``2^32`` at N = 64 without a
  dense matrix); its upper bounds are the min-cut of the compiled network and the matrix
  size (:func:`convac_verify.bounds.network_upper_bounds`). The sum of T's and T-bar's
  bounds is **not** an upper bound here (the segments exchange their outputs).
* ``mixed (measured)``, where the grid tensor is small (M^N <= 2^20): its rank at random
  weights, grid tensor by the one contraction of the compiled network, exact rank over
  GF(p) (a random prime) -- a witness point -- beside the same bounds. Beyond, no
  structured exact rank of the compiled network exists (the Kronecker-core contraction
  is for eq. 3 trees; the compiled network is not a tree): the rank rests on Claim 5 and
  the witness (``extra.measured_mixed_rank: null`` says so).

Negative control: ``variant=tree-alone`` -- "T alone reaches the hybrid's ``r^(N/2)``";
the structural bound ``r^(N/4+N/8) < r^(N/2)`` makes it ``violated`` with certainty.
``bound + 1`` (every lower bound raised by one) at uniform and at per-level widths
(``mix_widths=2,3,6,5``): the mixed rows are refuted by the compiled network's min-cut.

References
----------
N. Cohen, R. Tamari, A. Shashua. Boosting Dilated Convolutional Networks with Mixed
Tensor Decompositions. ICLR 2018 (arXiv 1703.06846v3): eq. 3-4, Def. 4, Claim 5,
Theorem 7 and the worked example after it.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator, Sequence

import networkx as nx
import numpy as np

from ..bounds import eq3_upper_bounds, network_upper_bounds
from ..bounds.hybrids import best_hybrid
from ..bounds.tilings import tiling_bounds
from ..engines.dilated_structured import dilated_structured_rank
from ..engines.measure import (
    Context,
    RankSettings,
    dense_rank,
    fits_dense,
    measure_network_rank,
    network_sketch_plan,
    random_evidence,
)
from ..errors import BudgetExceeded, ConvacError
from ..evidence.observation import Observation
from ..evidence.status import Claim, Evidence, Measurement
from ..networks.compilers import compile_network
from ..networks.contraction import contract
from ..networks.dilated import dilated_grid_tensor
from ..networks.dilated_witness import THEOREM7_WITNESS, theorem7_witness
from ..networks.dilations import scheme_tree
from ..networks.mixed import R0_CONVENTION, Mixture, parse_mixture_nodes, random_mixed
from ..networks.mixed_network import cached_mixed_network, claim5_width, level_widths
from ..networks.partitions import Partition, parse_partition
from ..networks.tensor_network import TensorNetwork, random_fill
from .ctm18_corollary8 import int_list
from .ctm18_hybrids import split_trees
from .registry import register_theorem

DENSE_MAX_ENTRIES = 2**20  # dense ranks (witness cross-check, measured mixed) where cheap
NOT_MEASURED = (
    "not measured: M^N grid entries exceed the dense path, and no structured exact rank of "
    "the compiled mixed network exists (it is not a tree); certified by Claim 5 + witness"
)


def _evidence(field: str, method: str, weights: str, settings: RankSettings) -> Evidence:
    """The one place this check builds Evidence (explicit witnesses, exact ranks)."""
    gfp = field == "GF(p)"
    return Evidence.witness(
        weights,
        field=field,
        method=method,
        prime=settings.prime if gfp else None,
        prime_random=settings.prime_random and gfp,
    )


def _witness_measurement(
    ctx: Context, tree: nx.DiGraph, part: Partition, dim: int, width: int, weights: str
) -> Measurement:
    """Theorem 7's witness rank: structured, and dense where it fits."""
    settings = ctx.settings
    wit = theorem7_witness(tree, part, dim, width, settings.ring())
    rank = dilated_structured_rank(wit, part, prime=settings.prime, budget=settings.max_memory)
    field, method = "GF(p)", "structured"
    extra: dict[str, object] = {"structured_rank": rank}
    n = part.n_modes
    if dim**n <= DENSE_MAX_ENTRIES and fits_dense(n, dim, settings):
        dense, field = dense_rank(dilated_grid_tensor(wit), part, settings)
        if dense != rank:
            raise AssertionError(f"structured rank {rank} != dense rank {dense} of the witness")
        method = "dense + structured"
        extra["dense_rank"] = dense
    evidence = _evidence(field, method, weights, settings)
    return Measurement(rank, evidence, tuple(eq3_upper_bounds(tree, dim, width, part)), extra)


def _sketched_mixed(ctx: Context, net: TensorNetwork, part: Partition) -> Measurement | None:
    """The compiled mixed network's rank by a sketch with random product vectors (scale
    issue §2), when ``auto`` takes one: the dense matrix does not fit and the smallest
    certified bound is small; else ``None`` (not measured)."""
    try:
        if network_sketch_plan(net, part, ctx.settings) is None:
            return None
        return measure_network_rank(net, part, ctx.settings, progress=ctx.progress)
    except BudgetExceeded:
        return None


def measure_mixed(
    mixture: Mixture, part: Partition, dim: int, width: int, settings: RankSettings
) -> Measurement:
    """The compiled mixed network's rank at random weights (dense), with its bounds."""
    return measure_mixed_family(mixture, [part], dim, width, settings)[0]


def measure_mixed_family(
    mixture: Mixture,
    parts: Sequence[Partition],
    dim: int,
    width: int | tuple[int, ...],
    settings: RankSettings,
) -> list[Measurement]:
    """:func:`measure_mixed` for several partitions from one grid tensor (one draw of
    the weights, keyed by the first partition). ``width``: ``r_mix``, or per-level widths
    ``r_0..r_{L-1}`` (then the bare structure is filled at random: every free entry
    drawn, the degree for epsilon that of the whole structure)."""
    net = cached_mixed_network(mixture, dim, width)
    ring = settings.ring()
    rng = np.random.default_rng([settings.seed, zlib.crc32(f"mixed/{parts[0].rows}".encode())])
    if isinstance(width, int):
        decomp = random_mixed(mixture, dim, width, ring, rng)
        grid = contract(compile_network(decomp))
        degree = decomp.entry_degree()
    else:
        grid = contract(random_fill(net, ring, rng))
        degree = net.entry_degree()
    out = []
    for part in parts:
        rank, field = dense_rank(grid, part, settings)
        evidence = random_evidence(
            ring,
            field,
            "dense (compiled network)",
            settings,
            degree,
            net.coefficient_bits(),
        )
        out.append(Measurement(rank, evidence, tuple(network_upper_bounds(net, part))))
    return out


def mixture_for(
    n_modes: int, group: int, trees: str, mix: str, rows: str, seed: int
) -> tuple[Mixture, Partition, tuple[str, str]]:
    """The trees, mixture and partition of one row (defaults: the worked example)."""
    spec_t, spec_bar = split_trees(trees) if trees else ("baseline", f"groups:{group}")
    tree, tree_bar = scheme_tree(spec_t, n_modes), scheme_tree(spec_bar, n_modes)
    mixture = parse_mixture_nodes(mix or f"layer:{group}", tree, tree_bar)
    part = parse_partition(rows or f"ctm18-groups:{group}", n_modes, np.random.default_rng(seed))
    return mixture, part.require_proper(), (spec_t, spec_bar)


@register_theorem(
    "ctm18-mixed",
    title="Worked example: T, T-bar r^(N/4+N/8); hybrid and mixed (r_mix = 2r) r^(N/2)",
    reference="Cohen, Tamari & Shashua, ICLR 2018, Claim 5 + Theorem 7, worked example (arXiv v3)",
    hypotheses=(
        "baseline T and T-bar swapped in groups of k layers (k | L), mixture nodes at layer k, "
        "eq. 3 decompositions, product pooling, discretizers spanning R^r (M >= r), "
        "r_mix = 2r; Claim 5 (checked exactly in the tests at N <= 16)"
    ),
    family="interconnect",
    defaults={
        "sizes": "16,64,256",
        "dim": 2,
        "width": 2,
        "group": 2,
        "trees": "",
        "mix": "",
        "rows": "",
        "variant": "paper",
        "mix_widths": "",
    },
    negative_controls={
        "tree-alone": {"variant": "tree-alone", "sizes": "16"},
        "bound + 1": {"claim": "bound+1", "sizes": "16,64"},
        "per-level bound + 1": {"claim": "bound+1", "sizes": "16", "mix_widths": "2,3,6,5"},
    },
    choices={"variant": ("paper", "tree-alone")},
)
def check(
    ctx: Context,
    *,
    sizes: str,
    dim: int,
    width: int,
    group: int,
    trees: str,
    mix: str,
    rows: str,
    variant: str,
    mix_widths: str,
) -> Iterator[Observation]:
    """Per N: T, T-bar, the best hybrid and the mixed network on the worked partition.

    ``mix_widths`` (one N only): per-level widths ``r_0..r_{L-1}`` of the mixed network
    instead of ``r_mix = 2r`` everywhere (``r_0`` the discretizers' dimension; even at the
    mixture nodes' level). Its lower bound is Claim 5 + the witness at width ``r'``
    (:func:`~convac_verify.networks.mixed_network.claim5_width`: ``2r' <= r_h`` at
    mixture levels, ``r' <= r_h`` elsewhere): Claim 5's weights for a hybrid of width
    ``r'`` fit by zero padding (low block to the low block, high block to the start of
    the high block), so the generic rank is at least ``r'^P(H)``."""
    if variant not in ("paper", "tree-alone"):
        raise ConvacError(f"variant must be paper or tree-alone; got {variant!r}")
    if dim < width:
        raise ConvacError(
            f"Theorem 7 needs M discretizers spanning R^r, so M >= r; got M = {dim}, r = {width}"
        )
    ns = int_list(sizes, "sizes")
    r = width
    per_level = tuple(int_list(mix_widths, "mix_widths")) if mix_widths.strip() else ()
    if per_level and len(ns) != 1:
        raise ConvacError(f"mix_widths needs one N (one L); got sizes {sizes!r}")
    r_lb = r
    if per_level:
        mixture, _, _ = mixture_for(ns[0], group, trees, mix, rows, ctx.settings.seed)
        r_lb = claim5_width(mixture, per_level)
        if not 1 <= r_lb <= dim:
            raise ConvacError(
                f"the lower bound puts hybrids of width r' = {r_lb} into widths "
                f"{list(per_level)} (r' <= r_l, 2r' at mixture levels): needs 1 <= r' <= "
                f"M = {dim}"
            )
    for n in ns:
        ctx.progress(f"ctm18 mixed N={n}")
        mixture, part, (spec_t, spec_bar) = mixture_for(
            n, group, trees, mix, rows, ctx.settings.seed
        )
        best = best_hybrid(mixture, part)
        base = {
            "N": n,
            "M": dim,
            "r": r,
            "r_mix": 2 * r,
            "r0": 2 * r,
            "r0_convention": R0_CONVENTION,
            "k": group,
            "T": spec_t,
            "T_bar": spec_bar,
            "mix": [sorted(m) for m in mixture.nodes],
            "partition": part.name,
            "rows": list(part.rows),
            "hybrids": mixture.hybrid_count,
        }
        label = f"N={n}"
        for name, tree in (("T", mixture.tree), ("T-bar", mixture.tree_bar)):
            tb = tiling_bounds(tree, part)
            m = _witness_measurement(ctx, tree, part, dim, r, THEOREM7_WITNESS)
            params = base | {
                "network": name,
                "pairs": tb.lower_exponent,
                "tiles": tb.upper_exponent,
            }
            yield Observation(
                label=label,
                subject=f"{name} rank >= r^P",
                claim=Claim(">=", f"r**P({name})", r**tb.lower_exponent, "r^{P}"),
                measurement=m,
                params=params,
                series=f"{name} rank",
                x=n,
            )
            yield Observation(
                label=label,
                subject=f"{name} rank <= r^min(|Theta(I)|,|Theta(I^c)|)",
                claim=Claim("<=", f"r**U({name})", r**tb.upper_exponent, r"r^{U}"),
                measurement=m,
                params=params,
            )
            if variant == "tree-alone" and name == "T":
                yield Observation(
                    label=label,
                    subject="T alone reaches the hybrid's rank (false claim)",
                    claim=Claim(">=", "r**(N/2)", r**best.exponent, "r^{N/2}"),
                    measurement=m,
                    params=params,
                )
        m_h = _witness_measurement(ctx, best.tree, part, dim, r, THEOREM7_WITNESS)
        params = base | {
            "network": "best hybrid",
            "choice": list(best.choice),
            "pairs": best.exponent,
        }
        yield Observation(
            label=label,
            subject="best hybrid rank >= r^P(H)",
            claim=Claim(">=", "r**P(H)", r**best.exponent, "r^{P(H)}"),
            measurement=m_h,
            params=params,
            series="best hybrid rank",
            x=n,
        )
        net_width: int | tuple[int, ...] = 2 * r
        embed, m_lb = "", m_h
        if per_level:
            net_width = level_widths(mixture, per_level)
            embed = f" + zero padding from width r' = {r_lb}"
            if r_lb != r:
                m_lb = _witness_measurement(ctx, best.tree, part, dim, r_lb, THEOREM7_WITNESS)
        mixed_net = cached_mixed_network(mixture, dim, net_width)
        mixed_bounds = tuple(network_upper_bounds(mixed_net, part))
        n_entries = dim**n
        measured = None
        if n_entries <= DENSE_MAX_ENTRIES and fits_dense(n, dim, ctx.settings):
            measured = measure_mixed_family(mixture, [part], dim, net_width, ctx.settings)[0]
        else:  # beyond the dense limit: a sketch when the certified bound is small
            measured = _sketched_mixed(ctx, mixed_net, part)
        mixed = Measurement(
            m_lb.rank,
            _evidence(
                m_lb.evidence.field,
                f"Claim 5{embed} + {m_lb.evidence.method}",
                f"Claim 5 embedding of the hybrid's {THEOREM7_WITNESS}{embed}",
                ctx.settings,
            ),
            mixed_bounds,
            extra={
                "measured_mixed_rank": None if measured is None else measured.rank,
                **({} if measured is not None else {"not_measured": NOT_MEASURED}),
            },
        )
        mixed_params = base | {
            "network": "mixed",
            "choice": list(best.choice),
            "pairs": best.exponent,
        }
        if per_level:
            mixed_params |= {"mix_widths": list(per_level), "r0": per_level[0], "r_lb": r_lb}
            name = f"mixed (widths {','.join(map(str, per_level))})"
            claim = Claim(">=", "r'**P(H)", r_lb**best.exponent, r"r'^{P(H)}")
            bound_text = "r'^max_H P(H)"
        else:
            name = "mixed (r_mix = 2r)"
            claim = Claim(">=", "(r_mix/2)**P(H)", r**best.exponent, r"(r_{mix}/2)^{P(H)}")
            bound_text = "(r_mix/2)^max_H P(H)"
        yield Observation(
            label=label,
            subject=f"{name} rank >= {bound_text}",
            claim=claim,
            measurement=mixed,
            params=mixed_params,
            series="mixed lower bound",
            x=n,
        )
        if measured is not None:
            yield Observation(
                label=label,
                subject=f"{name} measured rank, random weights",
                claim=claim,
                measurement=measured,
                params=mixed_params | {"network": "mixed (measured)"},
            )
