"""Levine-Yakira-Cohen-Shashua Claim 7: general pooling windows, each delta counted once.

Hypotheses (ICLR 2018, arXiv 1704.01552v2, App. C, Claim 7): a ConvAC with product pooling
over windows of any size, as a tensor network whose pooling is a (k+1)-leg delta tensor;
any weights, any partition. Claim: ``rank <= min_C W~_C``, where cut bonds attached to the
same delta count **once** (a delta cut through costs its dimension). On the shallow
network (one (N+1)-leg delta of dimension Z) this is ``min(M^min(|I|,|J|), Z)``, the rank of
a generic CP decomposition (COLT 2016; ICLR 2017 eq. 10), so those rows claim equality.

Rows
----
* ``shallow``: the CP network, claim ``rank == min-cut (delta once)``: the lower side by
  the witness point, the upper side by the c-recursion (independent of the min-cut);
* ``windows``: balanced trees with windows > 2, claim ``rank <= min-cut`` (Claim 7, the
  paper's statement). Whether the rank *equals* the count-once min-cut there is a
  measured extension, not the paper's theorem: ``params.extension`` says whether it does,
  and a rank below the min-cut is a finding (``params.finding``), not a failure.

Evidence: random weights, exact rank modulo a random prime. The count-once min-cut is
this claim's own bound (:data:`~convac_verify.evidence.certificates.OWN_BOUNDS`): the
upper side is proved by an independent certificate of the bounds home (the c-recursion,
which on the shallow network is ``min(M^min(|I|,|J|), Z)``), else verified.

Negative controls
-----------------
* ``per-edge`` (``delta_rule=per-edge``): claims equality with the min-cut that counts
  every edge separately. That value is too large -- the shallow network with window 8,
  Z = 4, M = 2, I = {1,2,4,7} gives 16 against a rank of 4 -- and the c-recursion refutes
  it with certainty (the window rows stay true: the per-edge cut is still an upper bound).
* ``bound + 1``: the shallow equalities claimed at the min-cut + 1 (the network kept):
  refuted by the c-recursion with certainty.

References
----------
Y. Levine, D. Yakira, N. Cohen, A. Shashua. ICLR 2018 (arXiv 1704.01552v2), App. C
(Claim 7) and Sec. 7.4 (the shallow network). N. Cohen, O. Sharir, A. Shashua. COLT
2016, eq. 3.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from ..bounds.mincut import DELTA_RULES, min_cut
from ..engines.measure import Context
from ..evidence.observation import Observation
from ..evidence.status import Claim
from ..networks.compilers import tree_network
from ..networks.geometry2d import Grid
from ..networks.partitions2d import expand_partitions, split_specs
from ..networks.trees import balanced, cp_tree
from .registry import register_theorem


@register_theorem(
    "lycs18-claim-7",
    title="Any pooling window: rank <= min-cut with each delta counted once",
    reference="Levine, Yakira, Cohen & Shashua, ICLR 2018, Claim 7 (App. C, arXiv v2)",
    hypotheses=(
        "ConvAC with product pooling over windows of any size as a tensor network of "
        "(k+1)-leg deltas; cut bonds on one delta count once; any weights, any partition"
    ),
    family="mincut",
    defaults={
        "n_modes": 8,
        "dim": 2,
        "width": 4,
        "partitions": "0,1,3,6;left-right;odd-even;random:3",
        "windows": "16:4",
        "delta_rule": "once",
    },
    negative_controls={"per-edge": {"delta_rule": "per-edge"}, "bound + 1": {"claim": "bound+1"}},
    choices={"delta_rule": DELTA_RULES},
)
def check(
    ctx: Context,
    *,
    n_modes: int,
    dim: int,
    width: int,
    partitions: str,
    windows: str,
    delta_rule: str,
) -> Iterator[Observation]:
    """Shallow rows (equality) and window > 2 rows (upper bound, measured extension)."""
    rng = np.random.default_rng(ctx.settings.seed)
    parts = expand_partitions(split_specs(partitions), Grid(1, n_modes), rng)
    tree = cp_tree(n_modes)
    net = tree_network(tree, dim, width)
    for part in parts:
        cut = min_cut(net, part, delta_rule=delta_rule)
        # the bounds home's certificates; the count-once min-cut is set aside (OWN_BOUNDS)
        m = ctx.measure(tree, dim, width, part)
        yield Observation(
            label=f"shallow N={n_modes} {part.name}",
            subject=f"rank == min-cut (delta {delta_rule})",
            claim=Claim("==", f"min-cut (delta {delta_rule})", cut.value, r"\min_C \tilde W_C"),
            measurement=m,
            params={
                "network": "shallow",
                "N": n_modes,
                "M": dim,
                "Z": width,
                "rows": list(part.rows),
                "partition": part.name,
                "min_cut": cut.value,
                "cut": cut.describe(net),
                "delta_rule": delta_rule,
                "formula": min(dim ** min(len(part.rows), len(part.cols)), width),
            },
        )
    for spec in windows.split(";"):
        size, window = (int(x) for x in spec.split(":"))
        wtree = balanced(size, window)
        wnet = tree_network(wtree, dim, width)
        for part in expand_partitions(
            ["left-right", "odd-even", "blocks:2", "random:2"], Grid(1, size), rng
        ):
            cut = min_cut(wnet, part, delta_rule=delta_rule)
            m = ctx.measure(wtree, dim, width, part)
            equal = m.rank == cut.value
            params: dict[str, object] = {
                "network": f"balanced:{size}:{window}",
                "N": size,
                "M": dim,
                "r": width,
                "rows": list(part.rows),
                "partition": part.name,
                "min_cut": cut.value,
                "cut": cut.describe(wnet),
                "delta_rule": delta_rule,
                "extension": "rank == min-cut" if equal else "rank < min-cut",
            }
            if not equal:
                params["finding"] = f"rank {m.rank} < min-cut {cut.value} (window {window})"
            yield Observation(
                label=f"window {window} N={size} {part.name}",
                subject=f"rank <= min-cut (delta {delta_rule})",
                claim=Claim("<=", f"min-cut (delta {delta_rule})", cut.value, r"\min_C \tilde W_C"),
                measurement=m,
                params=params,
            )
