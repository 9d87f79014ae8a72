"""ICML 2016 Claim 8: deep ReLU + max networks that shallow ones need exponentially many
channels to replicate.

Hypotheses: F invertible; deep network with ReLU and max pooling, size-2 windows,
N = 2^L, widths r_l; the explicit weights of supp. E.10
(:func:`~convac_verify.rectifier.constructions.claim8_weights`). Claim: the odd/even
matricization of the deep grid tensor is ``m O - D`` (``m = min(r_0, M)``, D a 0/1
diagonal with ``m^{N/2}`` ones) and has rank ``>= m^{N/2}``; since a shallow ReLU + max
network with Z channels has rank ``<= Z M N/2`` for all weights (E.10, check
``icml16-e10-shallow-max``), replicating it needs ``Z >= m^{N/2} * 2/(M N)``.

Evidence: the grid tensor at those weights is computed exactly and its rank over Q is
exact, so the rank row is **proved** at that point (an existence statement: such deep
weights exist -- not an almost-everywhere one, which Claim 9 shows to be false). The
second row turns the exact rank into the shallow width needed,
``ceil(rank * 2 / (M N))``, also proved (exact rank + E.10 for all shallow weights).

Negative controls: ``average pooling`` evaluates the same weights with average (sum)
pooling: the rank collapses (<= 2 M^{N/4}, Claim 5), so the claimed rank is
``violated`` at that point; ``rank + 1`` claims one more than the exact rank at the
witness.

References
----------
N. Cohen, A. Shashua. ICML 2016, Claim 8; supplementary E.10.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from ..engines.measure import Context
from ..evidence.observation import Observation
from ..evidence.status import Claim
from ..networks.partitions import odd_even
from ..networks.trees import balanced, balanced_sizes
from ..rectifier.constructions import claim8_weights
from ..rectifier.generalized import REPRESENTATIONS
from ..rectifier.measure import representation, witness_rank
from ..rectifier.operators import get_operator
from .registry import register_theorem


def _ceil_div(a: int, b: int) -> int:
    return -(-a // b)


@register_theorem(
    "icml16-claim-8",
    title="Deep ReLU + max at the E.10 weights: rank >= min(r0,M)^(N/2); shallow needs Z >= that*2/(MN)",
    reference="Cohen & Shashua, ICML 2016, Claim 8 (supp. E.10)",
    hypotheses="F invertible; deep ReLU + max network, size-2 windows, N = 2^L; the E.10 weights",
    family="rectifier",
    defaults={"n_modes": 8, "dim": 3, "width": 3, "pooling": "max", "F": "identity"},
    negative_controls={"average pooling": {"pooling": "avg"}, "rank + 1": {"claim": "rank+1"}},
    choices={"pooling": ("max", "avg", "prod"), "F": REPRESENTATIONS},
)
def check(
    ctx: Context, *, n_modes: int, dim: int, width: int, pooling: str, F: str
) -> Iterator[Observation]:
    """Exact rank at the witness, and the shallow width it forces, for N' = 2..n_modes."""
    op = get_operator(pooling)
    f_matrix = representation(ctx.settings.seed, F, dim)
    m_eff = min(width, dim)
    for n in balanced_sizes(n_modes):
        tree = balanced(n)
        ctx.progress(f"claim 8: N={n}")
        m = witness_rank(
            tree,
            dim,
            width,
            claim8_weights(tree, dim, width, f_matrix),
            op,
            odd_even(n),
            name="ICML16 E.10 witness",
            F=f_matrix,
            max_memory=ctx.settings.max_memory,
        )
        params = {"N": n, "M": dim, "r": width, "pooling": pooling, "F": F}
        yield Observation(
            label=f"N={n}",
            subject=f"deep ReLU+{pooling} odd-even rank at the E.10 weights",
            claim=Claim(">=", "min(r0,M)**(N/2)", m_eff ** (n // 2), r"\min(r_0,M)^{N/2}", "point"),
            measurement=m,
            params=params,
            series="deep rank at the E.10 weights",
            x=n,
        )
        needed = replace(m, rank=_ceil_div(m.rank * 2, dim * n), bounds=(), bound_only=True)
        yield Observation(
            label=f"N={n}",
            subject="shallow ReLU+max channels needed to replicate it (E.10: Z >= rank*2/(M*N))",
            claim=Claim(
                ">=",
                "min(r0,M)**(N/2)*2/(M*N)",
                _ceil_div(m_eff ** (n // 2) * 2, dim * n),
                r"\min(r_0,M)^{N/2}\cdot 2/(MN)",
                "point",
                "shallow channels needed",
            ),
            measurement=needed,
            params=params,
            series="shallow channels needed",
            x=n,
        )
