"""ICLR 2017 Claim 2: for a fixed partition, the maximal rank is attained almost everywhere.

Hypotheses: a deep ConvAC (same-channel product pooling over a mode tree; default the
2x2 square pooling of a 4x4 grid), a **fixed** partition (I, J), weights drawn from a
continuous distribution (here: uniform over GF(p), p ~ 2^61, the finite stand-in).
Claim: ``rank [[A^y]]_{I,J}``, as a function of the weights, equals its maximum except
on a null set, so independent draws agree.

Evidence: ``draws`` independent weight draws (seeds derived from ``--seed``) per
partition; each row holds one draw against the largest rank seen. A row is
``proved`` when a certified upper bound of the bounds home (c-recursion, joint spans,
...) equals that rank (then the maximum is known and the draw attained it), else
``verified`` with its epsilon. Every row also reports ``P(draw < max) <= eps`` (the
max-size minor missed, or the random prime dividing it): under Claim 2 a draw misses
the maximum with at most that probability, so a draw below the others is ``violated``
when eps is below the threshold.

Negative controls: ``partitions vary`` lets each draw use the next partition of the
list, so the ranks compared come from different matricizations -- the claim
(agreement) then fails, and the certified bound proves it; ``rank + 1`` claims one more
than the maximum the draws reached.

References
----------
N. Cohen, A. Shashua. ICLR 2017, Claim 2 (max rank almost everywhere); R. Caron,
T. Traynor, The zero set of a polynomial (2005).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import numpy as np

from ..engines.measure import Context
from ..evidence.observation import Observation
from ..evidence.status import Claim, schwartz_zippel
from ..networks.geometry2d import parse_grid
from ..networks.partitions2d import expand_partitions, split_specs
from ..pooling.profiles import resolve_geometry
from .registry import register_theorem


@register_theorem(
    "iclr17-claim-2",
    title="Max rank attained almost everywhere: independent draws agree",
    reference="Cohen & Shashua, ICLR 2017, Claim 2",
    hypotheses="deep ConvAC, fixed partition (I, J), weights from a continuous distribution",
    family="pooling",
    defaults={
        "grid": "4x4",
        "geometry": "square",
        "dim": 2,
        "width": 2,
        "partitions": "checkerboard,left-right,random",
        "draws": 3,
        "fixed_partition": True,
    },
    negative_controls={
        "partitions vary": {"fixed_partition": False},
        "rank + 1": {"claim": "rank+1"},
    },
)
def check(
    ctx: Context,
    *,
    grid: str,
    geometry: str,
    dim: int,
    width: int,
    partitions: str,
    draws: int,
    fixed_partition: bool,
) -> Iterator[Observation]:
    """``draws`` independent ranks per partition, each against the largest."""
    g = parse_grid(grid)
    tree, name = resolve_geometry(geometry, g)
    parts = expand_partitions(split_specs(partitions), g, np.random.default_rng(ctx.settings.seed))
    contexts = [
        Context(
            dataclasses.replace(ctx.settings, seed=ctx.settings.seed + 1_000_003 * (i + 1)),
            ctx.progress,
        )
        for i in range(draws)
    ]
    for k, part in enumerate(parts):
        chosen = [part if fixed_partition else parts[(k + i) % len(parts)] for i in range(draws)]
        ms = [c.measure(tree, dim, width, p) for c, p in zip(contexts, chosen, strict=True)]
        top = max(m.rank for m in ms)
        for i, (p, m) in enumerate(zip(chosen, ms, strict=True)):
            eps = schwartz_zippel(top, m.evidence)
            miss = f", P(draw < max) <= {float(eps):.1e}" if eps is not None else ""
            yield Observation(
                label=f"{part.name} draw {i + 1}",
                subject=f"{name} rank, {p.name} (seed {contexts[i].settings.seed}{miss})",
                claim=Claim("==", "max rank over the draws", top, r"\max_{\mathrm{draws}}"),
                measurement=m,
                params={
                    "grid": str(g),
                    "geometry": name,
                    "M": dim,
                    "r": width,
                    "partition": p.name,
                    "draw": i + 1,
                    "fixed_partition": fixed_partition,
                    "miss_probability": None if eps is None else float(eps),
                },
            )
