"""COLT 2016 Corollary 2: channels a shallow network needs to replicate a deep one.

Hypotheses: as Theorem 1 (deep ConvAC, size-2 windows, N = 2^L), with linearly
independent representation functions. Claim: with probability 1 over continuous random
deep weights -- **even shared ones** -- a shallow (CP) network, unconstrained, needs at
least ``min(r_0, M)**(N/2)`` hidden channels to realize (or approximate arbitrarily well
in L2) the deep network's score function.

What the corollary adds to Theorem 1, and how each part is made computational:

* the quantity: the number Z of channels a CP network needs. A CP network with Z
  channels has every matricization of rank ``<= Z`` for all weights (each term
  matricizes to a rank-one matrix; check ``cp-rank-bound``), so Z needed ``>=`` the
  deep network's odd-even rank: each row's measured value is that rank, a certified
  lower bound on Z needed for almost all deep weights;
* the shared case: the deep network's weights are **shared** across locations by
  default (Theorem 1's rows are unshared); the proof's assignment is location
  independent, so it is a shared witness too;
* approximation: with linearly independent functions the score function determines
  the coefficient tensor, and matrices of rank ``< k`` form a closed set, so a sequence
  of CP networks with fewer channels cannot converge to it (a statement about limits,
  not computed here).

The rank only bounds Z needed from below (the CP-rank may be larger), so the rows carry
an upper bound on Z needed only where one is known: for N' = 2 the tensor is a matrix
and Z needed is its rank (the rank's certified bounds apply); a CP network with
``r_0`` channels replicates itself.

Negative controls: ``shallow network`` replaces the deep network by a CP network with
Z = r_0 channels, which needs only r_0; ``bound + 1 at N = 2`` claims one more channel
than the bound where Z needed is exactly a rank (and the bound is tight): refuted.

References
----------
N. Cohen, O. Sharir, A. Shashua. COLT 2016, Corollary 2 (and eq. 3, App. B).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from ..engines.measure import Context
from ..evidence.certificates import Bound, Certificate
from ..evidence.observation import Observation
from ..evidence.status import Claim
from .colt16_theorem1 import odd_even_measurements
from .registry import register_theorem


@register_theorem(
    "colt16-corollary-2",
    title="Shallow width needed to replicate the (shared) deep network >= min(r0, M)^(N/2)",
    reference="Cohen, Sharir & Shashua, COLT 2016, Corollary 2",
    hypotheses=(
        "deep ConvAC as in Thm 1, weights shared (or not); shallow CP network unconstrained; "
        "linearly independent representation functions; exact or L2 approximation"
    ),
    family="depth",
    defaults={"n_modes": 16, "dim": 2, "widths": "2", "shared": True, "network": "deep"},
    negative_controls={
        "shallow network": {"network": "shallow"},
        "bound + 1 at N = 2": {"claim": "bound+1", "n_modes": 2},
    },
    choices={"network": ("deep", "shallow")},
)
def check(
    ctx: Context, *, n_modes: int, dim: int, widths: str, shared: bool, network: str
) -> Iterator[Observation]:
    """Lower-bound the CP channels needed, per N' = 2, 4, ..., n_modes."""
    for n, ws, tag, m in odd_even_measurements(ctx, n_modes, dim, widths, shared, network):
        yield Observation(
            label=f"N={n}{tag}",
            subject=(
                f"CP channels needed to replicate the {'shared ' if shared else ''}{network} "
                "network (>= its odd-even rank)"
            ),
            claim=Claim(
                ">=",
                "min(r0, M)**(N/2)",
                min(ws[0], dim) ** (n // 2),
                r"\min(r_0,M)^{N/2}",
                quantity="CP channels needed",
            ),
            measurement=replace(
                m, bounds=_needed_bounds(m.bounds, n, ws, network), bound_only=True
            ),
            params={
                "N": n,
                "M": dim,
                "r": ws[0] if len(set(ws)) == 1 else list(ws),
                "shared": shared,
                "network": network,
            },
            series=f"CP channels needed{tag}",
            x=n,
        )


def _needed_bounds(
    rank_bounds: tuple[Bound, ...], n: int, ws: tuple[int, ...], network: str
) -> tuple[Bound, ...]:
    """Upper bounds on the CP channels needed (not on the rank) that are known here."""
    out = list(rank_bounds) if n == 2 else []  # a 2-mode tensor's CP-rank is its rank
    if network == "shallow":
        detail = f"the network is itself a CP network with Z = r0 = {ws[0]} channels"
        out.append(Bound(ws[0], Certificate("factorization", detail)))
    return tuple(out)
