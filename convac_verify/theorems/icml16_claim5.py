"""ICML 2016 Claim 5: ReLU with average pooling is not universal (shallow or deep).

Hypotheses: ReLU activation; average pooling, analysed as **sum** pooling
``g(a, b) = max{a,0} + max{b,0}`` (as the paper does; later linear weights absorb the
factor 1/2); any representation matrix F and any weights. Shallow: one hidden 1x1 conv
with Z channels and global pooling (generalized CP, eq. 6). Deep: size-2 windows,
N = 2^L, widths r (generalized HT, eq. 7). Claim (proof in supp. E.7, odd/even
matricization): ``[A] = v 1^T + 1 u^T``, so rank <= 2, for the shallow network, and
``[A] = V (x) O + O (x) U`` (O all ones, ``M^{N/4} x M^{N/4}``), so rank <= ``2 M^{N/4}``,
for the deep one -- never the full ``M^{N/2}`` (N >= 8, or M > 4 at N = 4), so the
reachable grid tensors have measure zero.

Evidence: random draws (exact ranks over Q), and at every draw the factorization
``A = sum_i X_i (x) 1`` is confirmed entry by entry; a draw above the bound would be a
certain counterexample. The structure the proof exhibits
(:func:`~convac_verify.rectifier.bounds.sum_pooling_bound`) IS the claimed bound, so it
proves nothing here; and draws of a piecewise-polynomial map verify no bound for all
weights. The rows are therefore ``consistent`` (the draws and the factorization agree)
until an independent certificate exists.

Negative controls: ``max pooling`` holds ReLU + **max** networks to the same bounds;
their ranks exceed 2 (max pooling is universal, Claim 4); ``rank - 1`` claims one below
the largest rank a draw reached. Both: a certain counterexample.

References
----------
N. Cohen, A. Shashua. ICML 2016, Claim 5; supplementary E.7.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..engines.measure import Context
from ..evidence.observation import Observation
from ..evidence.status import Claim
from ..networks.partitions import odd_even
from ..networks.trees import balanced, balanced_sizes, cp_tree
from ..rectifier.generalized import REPRESENTATIONS
from ..rectifier.measure import representation, sampled_rank
from ..rectifier.operators import get_operator
from .registry import register_theorem


@register_theorem(
    "icml16-claim-5",
    title="ReLU + average pooling not universal: odd-even rank <= 2 (shallow), <= 2 M^(N/4) (deep)",
    reference="Cohen & Shashua, ICML 2016, Claim 5 (supp. E.7)",
    hypotheses=(
        "ReLU, average pooling as sum pooling; shallow: Z channels, global pooling; deep: "
        "size-2 windows, N = 2^L, widths r; any F; all weights"
    ),
    family="rectifier",
    defaults={
        "n_modes": 8,
        "dim": 3,
        "width": 3,
        "z_width": 2,
        "draws": 4,
        "pooling": "avg",
        "F": "identity",
    },
    negative_controls={"max pooling": {"pooling": "max"}, "rank - 1": {"claim": "rank-1"}},
    choices={"pooling": ("avg", "max", "prod"), "F": REPRESENTATIONS},
)
def check(
    ctx: Context,
    *,
    n_modes: int,
    dim: int,
    width: int,
    z_width: int,
    draws: int,
    pooling: str,
    F: str,
) -> Iterator[Observation]:
    """Shallow and deep odd-even ranks for N' = 2, 4, ..., n_modes."""
    op = get_operator(pooling)
    f_matrix = representation(ctx.settings.seed, F, dim)
    budget, seed = ctx.settings.max_memory, ctx.settings.seed
    for n in balanced_sizes(n_modes):
        part = odd_even(n)
        params = {"N": n, "M": dim, "pooling": pooling, "F": F, "draws": draws}
        ctx.progress(f"claim 5: N={n} shallow {pooling}")
        m = sampled_rank(
            cp_tree(n),
            dim,
            z_width,
            op,
            part,
            draws=draws,
            seed=seed,
            key=f"claim5/shallow/{n}/{dim}/{z_width}/{pooling}",
            F=f_matrix,
            max_memory=budget,
        )
        yield Observation(
            label=f"N={n}",
            subject=f"shallow ReLU+{pooling} odd-even rank (Z={z_width}, max over draws)",
            claim=Claim("<=", "2", 2, "2"),
            measurement=m,
            params={**params, "network": "shallow", "Z": z_width},
            series="shallow odd-even rank",
            x=n,
        )
        if n < 4:  # N = 2: the deep network is the shallow one
            continue
        ctx.progress(f"claim 5: N={n} deep {pooling}")
        m = sampled_rank(
            balanced(n),
            dim,
            width,
            op,
            part,
            draws=draws,
            seed=seed,
            key=f"claim5/deep/{n}/{dim}/{width}/{pooling}",
            F=f_matrix,
            max_memory=budget,
        )
        yield Observation(
            label=f"N={n}",
            subject=f"deep ReLU+{pooling} odd-even rank (r={width}, max over draws)",
            claim=Claim("<=", "2*M**(N/4)", 2 * dim ** (n // 4), r"2M^{N/4}"),
            measurement=m,
            params={**params, "network": "deep", "r": width, "full": dim ** (n // 2)},
            series="deep odd-even rank",
            x=n,
        )
