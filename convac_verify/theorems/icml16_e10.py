"""ICML 2016, supp. E.10: the shallow ReLU + max-pooling network has odd/even rank <= Z M N/2.

Hypotheses: shallow network (one hidden 1x1 conv with Z channels, ReLU, global max
pooling, one output), any F, **all** weights. Claim (proof of Claim 8, supp. E.10):
each channel contributes ``max{R(d_odd), C(d_even)}`` where R takes at most ``M N/2``
distinct values, and rows with equal R are equal, so
``rank [A] <= Z * M * N/2``.

Evidence: random draws (exact ranks over Q) test it -- a draw above it would be a
certain counterexample. The distinct-values structure
(:func:`~convac_verify.rectifier.bounds.shallow_max_bound`) IS the claimed bound, so it
proves nothing here, and draws of a piecewise-polynomial map verify no bound for all
weights: the rows are ``consistent`` until an independent certificate exists.

Negative controls: ``deep network`` holds the deep ReLU + max network (r = M) to the
same bound (at the Claim 8 witness its rank is ``M^{N/2} > Z M N/2``); ``rank - 1``
claims one below the largest rank a draw reached. Both: a certain counterexample.

References
----------
N. Cohen, A. Shashua. ICML 2016, supplementary E.10 (in the proof of Claim 8).
"""

from __future__ import annotations

from collections.abc import Iterator

from ..engines.measure import Context
from ..evidence.observation import Observation
from ..evidence.status import Claim
from ..networks.partitions import odd_even
from ..networks.trees import balanced, balanced_sizes, cp_tree
from ..rectifier.constructions import claim8_weights
from ..rectifier.generalized import REPRESENTATIONS
from ..rectifier.measure import representation, sampled_rank, witness_rank
from ..rectifier.operators import get_operator
from .registry import register_theorem


@register_theorem(
    "icml16-e10-shallow-max",
    title="Shallow ReLU + max pooling: odd-even rank <= Z*M*N/2 for all weights",
    reference="Cohen & Shashua, ICML 2016, supp. E.10 (proof of Claim 8)",
    hypotheses="shallow network, Z channels, ReLU, global max pooling, any F, all weights",
    family="rectifier",
    defaults={
        "n_modes": 8,
        "dim": 3,
        "z_width": 1,
        "draws": 4,
        "network": "shallow",
        "F": "identity",
    },
    negative_controls={"deep network": {"network": "deep"}, "rank - 1": {"claim": "rank-1"}},
    choices={"network": ("shallow", "deep"), "F": REPRESENTATIONS},
)
def check(
    ctx: Context, *, n_modes: int, dim: int, z_width: int, draws: int, network: str, F: str
) -> Iterator[Observation]:
    """Max rank over random draws for N' = 2, 4, ..., n_modes."""
    op = get_operator("max")
    f_matrix = representation(ctx.settings.seed, F, dim)
    budget, seed = ctx.settings.max_memory, ctx.settings.seed
    for n in balanced_sizes(n_modes):
        part = odd_even(n)
        ctx.progress(f"E.10: N={n} {network}")
        if network == "shallow":
            m = sampled_rank(
                cp_tree(n),
                dim,
                z_width,
                op,
                part,
                draws=draws,
                seed=seed,
                key=f"e10/{n}/{dim}/{z_width}",
                F=f_matrix,
                max_memory=budget,
            )
        else:
            tree = balanced(n)
            m = witness_rank(
                tree,
                dim,
                dim,
                claim8_weights(tree, dim, dim, f_matrix),
                op,
                part,
                name="ICML16 E.10 witness (deep)",
                F=f_matrix,
                max_memory=budget,
            )
        yield Observation(
            label=f"N={n}",
            subject=f"{network} ReLU+max odd-even rank"
            + (f" (Z={z_width}, max over draws)" if network == "shallow" else " (r=M, witness)"),
            claim=Claim("<=", "Z*M*N/2", z_width * dim * n // 2, r"Z\cdot M\cdot N/2"),
            measurement=m,
            params={"N": n, "M": dim, "Z": z_width, "network": network, "F": F, "draws": draws},
        )
