"""Levine-Yakira-Cohen-Shashua Theorem 2: the min-cut is attained (unshared weights).

Hypotheses (ICLR 2018, arXiv 1704.01552v2, Theorem 2 and the remark after it): the deep
ConvAC with size-2 pooling as a tensor network, **unshared** (per-location) weights,
partition (I, J). Let ``c_p(e)`` be bond e's dimension rounded down to a power of p
(input legs of dimension M included) and ``W^p_C`` the cut weights with them. Then
``rank [[A^y]]_{I,J} >= max_p min_C W^p_C`` almost everywhere; when every bond dimension is
a power of one integer, ``rank = min_C W_C`` (with Claim 1).

Rows (binary trees, per-level widths)
-------------------------------------
* ``power``: widths and M powers of 2: claim ``rank == min-cut``, proved by the witness
  point (lower) and the min-cut certificate (upper, Claim 1);
* ``rounded``: other widths: claim ``rank >= max_p min-cut^p`` (the theorem), proved by
  the witness; ``params.min_cut`` beside it, a rank below the min-cut is a finding;
* ``shared``: weights shared across locations, outside the theorem: claim
  ``rank <= min-cut`` (Claim 1 still holds); a rank below the min-cut is a finding (N = 4,
  M = 2, r0 = r1 = 4, left/right: rank 3 against a min-cut of 4).

Each left/right row also records eq. 16 (``min(r_{L-1}, r_{L-2}, r_{L-3}^2, ..., r_0^{N/4},
M^{N/2})``) evaluated at its widths; the min-cut equals it.

Evidence: random weights, exact rank modulo a random prime: the witness point proves the
lower side; the upper side of the power rows is Claim 1, a separate theorem, so the
``min-cut`` certificate of the bounds home (computed by the tree program of
:mod:`convac_verify.bounds.mincut`, recomputed with integers) proves it.

Negative control ``bound + 1``: the power-width networks, each claim raised by one (the
network kept): the min-cut certificate refutes every row with certainty.

References
----------
Y. Levine, D. Yakira, N. Cohen, A. Shashua. Deep Learning and Quantum Entanglement:
Fundamental Connections with Implications to Network Design. ICLR 2018 (arXiv
1704.01552v2), Theorem 2, eq. 16.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import numpy as np

from ..bounds import min_cut_bound
from ..bounds.mincut import common_base, min_cut, power_lower_bound
from ..engines.measure import Context
from ..evidence.observation import Observation
from ..evidence.status import Claim, Measurement
from ..networks.compilers import tree_network
from ..networks.geometry2d import Grid
from ..networks.partitions import Partition
from ..networks.partitions2d import expand_partitions, split_specs
from ..networks.tensor_network import TensorNetwork
from ..networks.trees import balanced, height, root
from .registry import register_theorem

POWER_WIDTHS = "2,2,4,4;4,2,2,4;2,4,8,2"
"""The default widths that are powers of 2 (as M = 2): rank = min-cut there."""


def _measurement(m: Measurement, net: TensorNetwork, part: Partition) -> Measurement:
    """The measured rank with the ``min-cut`` certificate of ``net`` (Claim 1: an upper
    bound for all weights, shared or not) first, in place of the bounds home's own: the
    paper's proof (witness + Claim 1) names it where other certificates tie with it."""
    others = tuple(b for b in m.bounds if b.certificate.kind != "min-cut")
    return replace(m, bounds=(min_cut_bound(net, part), *others))


def eq16(dim: int, widths: tuple[int, ...]) -> int:
    """Eq. 16 of Levine et al. at per-level widths (``L = len(widths)``)."""
    depth = len(widths)
    terms = [widths[depth - 1]] + [widths[l] ** 2 ** (depth - 2 - l) for l in range(depth - 1)]
    return min([*terms, dim**2 ** (depth - 1)])


@register_theorem(
    "lycs18-theorem-2",
    title="Size-2 pooling, unshared weights: rank >= max_p min-cut^p; = min-cut for powers",
    reference="Levine, Yakira, Cohen & Shashua, ICLR 2018, Theorem 2 (arXiv 1704.01552v2)",
    hypotheses=(
        "deep ConvAC with size-2 pooling as a tensor network, unshared weights, per-level "
        "widths; equality when all bond dimensions (M included) are powers of one integer"
    ),
    family="mincut",
    defaults={
        "n_modes": 16,
        "dim": 2,
        "widths": "2,2,4,4;4,2,2,4;2,4,8,2;3,2,5,2;3,3,3,3",
        "partitions": "left-right;odd-even;blocks:2;random:2",
        "shared_case": "4:2:4,4",
    },
    negative_controls={"bound + 1": {"widths": POWER_WIDTHS, "claim": "bound+1"}},
)
def check(
    ctx: Context,
    *,
    n_modes: int,
    dim: int,
    widths: str,
    partitions: str,
    shared_case: str,
) -> Iterator[Observation]:
    """One row per (widths, partition), then the shared-weights case."""
    tree = balanced(n_modes)
    rng = np.random.default_rng(ctx.settings.seed)
    parts = expand_partitions(split_specs(partitions), Grid(1, n_modes), rng)
    depth = height(tree, root(tree))
    for text in widths.split(";"):
        ws = tuple(int(w) for w in text.split(","))
        net = tree_network(tree, dim, ws)
        power = common_base([dim, *ws]) is not None
        for part in parts:
            cut = min_cut(net, part)
            m = _measurement(ctx.measure(tree, dim, ws, part), net, part)
            params: dict[str, object] = {
                "N": n_modes,
                "M": dim,
                "widths": list(ws),
                "partition": part.name,
                "rows": list(part.rows),
                "min_cut": cut.value,
                "cut": cut.describe(net),
                "case": "power" if power else "rounded",
            }
            if part.name == "left-right" and depth >= 2:
                params["eq16"] = eq16(dim, ws)
            if power:
                claim = Claim("==", "min-cut", cut.value, r"\min_C W_C")
            else:
                lower, p = power_lower_bound(net, part)
                params.update(rounded_bound=lower, p=p)
                claim = Claim(">=", "max_p min-cut^p", lower, r"\max_p \min_C W^p_C")
            if m.rank < cut.value:
                params["finding"] = f"rank {m.rank} < min-cut {cut.value} (non-power widths)"
            yield Observation(
                label=f"r={list(ws)} {part.name}",
                subject=f"{params['case']}: rank vs min-cut",
                claim=claim,
                measurement=m,
                params=params,
            )
    n, m_dim, wtext = shared_case.split(":")
    stree = balanced(int(n))
    sws = tuple(int(w) for w in wtext.split(","))
    snet = tree_network(stree, int(m_dim), sws, shared=True)
    for part in expand_partitions(["left-right", "odd-even"], Grid(1, int(n)), rng):
        cut = min_cut(snet, part)
        meas = ctx.measure(stree, int(m_dim), sws, part, shared=True)
        meas = _measurement(meas, snet, part)
        params = {
            "N": int(n),
            "M": int(m_dim),
            "widths": list(sws),
            "partition": part.name,
            "rows": list(part.rows),
            "min_cut": cut.value,
            "case": "shared",
        }
        if meas.rank < cut.value:
            params["finding"] = (
                f"rank {meas.rank} < min-cut {cut.value} with shared weights (outside Theorem 2)"
            )
        yield Observation(
            label=f"shared N={n} r={list(sws)} {part.name}",
            subject="shared: rank <= min-cut (Claim 1)",
            claim=Claim("<=", "min-cut", cut.value, r"\min_C W_C"),
            measurement=meas,
            params=params,
        )
