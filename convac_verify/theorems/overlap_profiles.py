"""Rank profiles over every balanced partition: overlaps make the profile uniform.

Hypotheses: M = 2, N positions (default 8; ``--set n_modes=16`` runs all 6435 balanced
partitions, a few minutes per network), one random instance per network (shared
weights). Claims (the tool's own; measured): the overlapping networks ``alternating`` (B =
3, zero padding, r = 2), ``large-rf`` (R = N/2 + 1, one channel), ``alternating`` (B = 2,
circular, r = 2) and ``gc-pool`` (B = 3, r = 2) reach the largest rank ``2**(N/2)`` on
**every** balanced partition; the contiguous non-overlapping network (r = 2) has the
left/right partition as its unique worst -- its rank there is r, and every other balanced
partition has rank >= r + 1.

Evidence: one dense grid tensor per network, matricized on every partition; ranks of a
random point are certified lower bounds (``witness``); the upper bound of the
non-overlapping network's left/right row is the c-recursion over its mode tree (the
interface certificate agrees).

Negative controls: ``uniform_for="all"`` also holds the non-overlapping network to
the uniform claim; its left/right upper bound r refutes it. ``rank + 1`` claims one more
than the measured rank on every lower-bound row: refuted by the matrix size (full-rank
rows) or by the random point with epsilon below the threshold.

References
----------
O. Sharir, A. Shashua. ICLR 2018 (abstract only available); N. Cohen, A. Shashua. ICLR
2017 (pooling geometry: a contiguous network favours interleaved partitions).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..engines.measure import Context
from ..evidence.observation import Observation
from ..evidence.status import Claim
from ..networks.partitions import Partition, left_right
from ..networks.partitions2d import all_balanced
from ..overlaps.layers import Net
from ..overlaps.measure import dense_measurement
from ..overlaps.profiles import rank_profile
from ..overlaps.schemes import SchemeParams, build_scheme
from .registry import register_theorem

_UNIFORM: tuple[tuple[str, dict[str, Any]], ...] = (
    ("alternating", {"width": 2, "kernel": 3, "padding": "zero"}),
    ("large-rf", {"width": 1, "window": 0}),  # window 0: R = N/2 + 1
    ("alternating", {"width": 2, "kernel": 2, "padding": "circular"}),
    ("gc-pool", {"width": 2, "kernel": 3}),
)


@register_theorem(
    "overlap-profiles",
    title="Balanced-partition profiles: overlapping nets uniform, non-overlapping worst at L/R",
    reference="Sharir & Shashua, ICLR 2018 (the tool's own measured statement)",
    hypotheses="M = 2, N modes, all balanced partitions, one random instance, shared weights",
    family="overlap",
    defaults={"n_modes": 8, "uniform_for": "overlapping"},
    negative_controls={
        "all": {"uniform_for": "all"},
        "rank + 1": {"claim": "rank+1"},
    },
    choices={"uniform_for": ("overlapping", "all")},
)
def check(ctx: Context, *, n_modes: int, uniform_for: str) -> Iterator[Observation]:
    """One row per uniform network, two for the non-overlapping one."""
    n = n_modes
    parts = list(all_balanced(n, limit=10_000))
    full = 2 ** (n // 2)
    cases = list(_UNIFORM)
    if uniform_for == "all":
        cases.append(("nonoverlap", {"width": 2}))
    for name, kw in cases:
        kw = dict(kw)
        if kw.get("window") == 0:
            kw["window"] = n // 2 + 1
        net = build_scheme(name, SchemeParams((n,), dim=2, **kw))
        ctx.progress(f"profile {net.name} ({len(parts)} partitions)")
        prof = rank_profile(net, parts, ctx.settings)
        worst = prof.worst_partitions()[0]
        yield _row(
            ctx,
            net,
            worst,
            prof.worst,
            Claim(">=", "2**(N/2)", full, r"2^{N/2}"),
            n,
            f"{net.name}: min over {len(parts)} balanced partitions",
            len(prof.worst_partitions()),
        )
    net = build_scheme("nonoverlap", SchemeParams((n,), dim=2, width=2))
    ctx.progress(f"profile {net.name} ({len(parts)} partitions)")
    prof = rank_profile(net, parts, ctx.settings)
    lr = left_right(n)
    lr_rank = {p.rows: r for p, r in prof.ranks}[lr.rows]
    yield _row(ctx, net, lr, lr_rank, Claim("<=", "r", 2, "r"), n, f"{net.name}: left-right", 1)
    others = [(p, r) for p, r in prof.ranks if p.rows != lr.rows]
    p_min, r_min = min(others, key=lambda pr: pr[1])
    yield _row(
        ctx,
        net,
        p_min,
        r_min,
        Claim(">=", "r + 1", 3, "r+1"),
        n,
        f"{net.name}: min over the other {len(others)} balanced partitions",
        None,
    )


def _row(
    ctx: Context,
    net: Net,
    part: Partition,
    rank: int,
    claim: Claim,
    n: int,
    subject: str,
    n_worst: int | None,
) -> Observation:
    return Observation(
        label=f"N={n}",
        subject=subject,
        claim=claim,
        measurement=dense_measurement(net, part, rank, ctx.settings),
        params={"N": n, "M": 2, "network": net.name, "partition": part.name, "at_worst": n_worst},
    )
