"""Cohen-Tamari-Shashua Corollary 8, measured at small sizes: the width an individual tree
(T, T-bar, or their sum) needs to match the mixed network's rank.

Hypotheses (ICLR 2018, arXiv v3 Corollary 8, the argument of its proof): the mixed
network of T and T-bar with ``r_mix`` channels has generic rank ``>= (r_mix/2)^P``
(``P = max_H P(H)``; Claim 5 + Theorem 7); an individual tree with w channels has rank
``<= w^U`` for all weights (Theorem 7's upper exponent); so it needs at least the
**predicted** width, the smallest w with ``w^U >= (r_mix/2)^P`` (for the sum of T and
T-bar: ``w^U_T + w^U_Tbar``). Corollary 8's formula ``(r/2)^(2/(1+2^(1-k)))`` is this
prediction for the groups-of-k trees at N = 2^(2k); the cases here have P/U = 4/3, the
exponent of k = 2.

Cases (``N:M``; default ``8:4``, ``convac-verify mixed`` adds ``16:2``; the partition is ``ctm18-example``,
T = baseline, T-bar = groups:2 -- or dilations 2,1,4 at N = 8 --, mixture nodes at
layer 2, ``r_mix`` in ``mix_widths``): the **target** is the mixed network's rank measured
at random weights (the compiled tensor network, dense, GF(p) with a random prime); its
min-cut says when it is the exact generic rank. For each of T, T-bar and the sum (a
direct-sum network: the mixed compiler with no mixture nodes) and each width w = 1..W
(``max_width``, default M: M >= every width tried) the rank is measured the same way.

* The **width needed** is at least ``w_lb``: the smallest w whose certified upper bound
  for all weights (eq. 3 joint spans / min-cut / matrix size for a tree -- not the
  tilings, Theorem 7's own bound --; the sum of those for the sum) reaches the target.
  That is certain (the target is a witness rank, so the mixed generic rank is at least
  it).
* The measured ``w*``: the smallest tried w whose measured rank reaches the target. When
  ``w* == w_lb`` and the target is exact, the width needed is exactly ``w_lb``.
* Widths above M leave the regime of the corollary (the first layer spans only M
  dimensions: the measurement saturates at M); rows say so (``saturated``).

Claim per row: width needed ``>=`` the prediction (scope: the architecture, no weights;
measured value ``w_lb``): ``proved`` when ``w_lb`` reaches it. The mixed target rows
claim ``>= (r_mix/2)^P`` (Claim 5 + Theorem 7), proved by the random point.

Negative control ``rank + 1``: every lower-bound claim moved one above the measured
value; refuted with certainty where the value is exact (the target's min-cut, an exact
width needed), otherwise inconclusive -- never proved.

References
----------
N. Cohen, R. Tamari, A. Shashua. Boosting Dilated Convolutional Networks with Mixed
Tensor Decompositions. ICLR 2018 (arXiv 1703.06846v3): Corollary 8, Claim 5, Theorem 7.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import networkx as nx
import numpy as np

from ..bounds import best_bound, eq3_upper_bounds, sum_bound
from ..bounds.hybrids import best_hybrid
from ..bounds.tilings import tiling_bounds
from ..engines.measure import Context, RankSettings, check_dense_budget, dense_rank
from ..errors import ConvacError
from ..evidence.observation import Observation
from ..evidence.status import Claim, Evidence, Measurement
from ..networks.compilers import compile_network
from ..networks.contraction import contract
from ..networks.dilated import dilated_grid_tensor, example_partition, random_dilated
from ..networks.mixed import Mixture, make_mixture, random_mixed
from ..networks.partitions import Partition
from .ctm18_claim5 import default_mixture
from .ctm18_corollary8 import int_list
from .ctm18_mixed import measure_mixed
from .registry import register_theorem

NETWORKS = ("T", "T-bar", "T+T-bar")
CHECK = "ctm18-theorem-7"  # bounds independent of Theorem 7's tilings


def parse_cases(text: str) -> list[tuple[int, int]]:
    """``8:4,16:2`` -> ``[(8, 4), (16, 2)]`` (N:M)."""
    out = []
    for item in str(text).split(","):
        n, _, m = item.strip().partition(":")
        try:
            out.append((int(n), int(m)))
        except ValueError:
            raise ConvacError(f"cases take N:M pairs like 8:4,16:2; got {text!r}") from None
    return out


def _stream(seed: int, key: str) -> np.random.Generator:
    return np.random.default_rng([seed, zlib.crc32(key.encode())])


def _rank(
    which: str, mixture: Mixture, dim: int, width: int, part: Partition, settings: RankSettings
) -> int:
    """The rank of T, T-bar (eq. 3 network) or their sum (direct-sum network) at random
    weights, by the one contraction and a dense exact rank."""
    ring = settings.ring()
    rng = _stream(settings.seed, f"cor8/{which}/{dim}/{width}/{part.rows}")
    if which == "T+T-bar":
        plain = make_mixture(*mixture.pair(), [])
        tensor = contract(compile_network(random_mixed(plain, dim, width, ring, rng)))
    else:
        tree = mixture.tree if which == "T" else mixture.tree_bar
        tensor = dilated_grid_tensor(random_dilated(tree, dim, width, ring, rng))
    return dense_rank(tensor, part, settings)[0]


def upper_bound(which: str, mixture: Mixture, dim: int, width: int, part: Partition) -> int:
    """The best certified upper bound (all weights) on the rank of T, T-bar or the sum at
    ``width``, independent of Theorem 7's tilings."""
    if which == "T+T-bar":
        return sum_bound(*mixture.pair(), dim, width, part).value
    tree: nx.DiGraph = mixture.tree if which == "T" else mixture.tree_bar
    best = best_bound(eq3_upper_bounds(tree, dim, width, part), CHECK)
    assert best is not None
    return best.value


def least_width(holds: Callable[[int], bool], start: int = 1, limit: int = 4096) -> int | None:
    """The smallest ``w >= start`` with ``holds(w)`` (a monotone predicate), or None."""
    w = start
    while w <= limit:
        if holds(w):
            return w
        w += 1
    return None


@dataclass(frozen=True)
class WidthRow:
    """One network of one case and target."""

    network: str
    ranks: tuple[int, ...]
    """Measured ranks at widths 1..W."""
    predicted: int
    """Smallest w with ``w^U >= (r_mix/2)^P`` (the sum: ``w^U_T + w^U_Tbar``)."""
    certified: int | None
    """``w_lb``: smallest w whose certified upper bound reaches the target."""
    measured: int | None
    """``w*``: smallest tried w whose measured rank reaches the target (None: none)."""


def width_rows(
    mixture: Mixture,
    part: Partition,
    dim: int,
    max_width: int,
    target: int,
    hybrid_bound: int,
    settings: RankSettings,
    ranks: dict[tuple[str, int], int],
) -> list[WidthRow]:
    """T, T-bar and the sum against one target (``ranks`` caches measured ranks)."""
    u = [tiling_bounds(t, part).upper_exponent for t in mixture.pair()]
    predictions = {
        "T": least_width(lambda w: w ** u[0] >= hybrid_bound),
        "T-bar": least_width(lambda w: w ** u[1] >= hybrid_bound),
        "T+T-bar": least_width(lambda w: w ** u[0] + w ** u[1] >= hybrid_bound),
    }
    out = []
    for net in NETWORKS:
        for w in range(1, max_width + 1):
            if (net, w) not in ranks:
                ranks[net, w] = _rank(net, mixture, dim, w, part, settings)
        got = tuple(ranks[net, w] for w in range(1, max_width + 1))
        reached = [w for w in range(1, max_width + 1) if got[w - 1] >= target]

        def reaches(w: int, net: str = net) -> bool:
            return upper_bound(net, mixture, dim, w, part) >= target

        certified = least_width(reaches)
        predicted = predictions[net]
        assert predicted is not None
        out.append(WidthRow(net, got, predicted, certified, reached[0] if reached else None))
    return out


@register_theorem(
    "ctm18-corollary-8-measured",
    title="Corollary 8 measured: width T, T-bar or their sum needs to match the mixed network",
    reference="Cohen, Tamari & Shashua, ICLR 2018, Corollary 8 (arXiv v3), measured",
    hypotheses=(
        "baseline T, T-bar swapped in pairs of layers, mixture nodes at layer 2, eq. 3 "
        "decompositions, product pooling, partition ctm18-example; target: the mixed "
        "network's rank at random weights; widths up to M (M >= every width tried)"
    ),
    family="interconnect",
    defaults={"cases": "8:4", "mix_widths": "2,4", "max_width": 0},
    negative_controls={"rank + 1": {"claim": "rank+1", "mix_widths": "4"}},
)
def check(ctx: Context, *, cases: str, mix_widths: str, max_width: int) -> Iterator[Observation]:
    """Per case and r_mix: the mixed target, then T, T-bar and the sum."""
    settings = ctx.settings
    for n, dim in parse_cases(cases):
        check_dense_budget(n, dim, settings)
        mixture, (spec_t, spec_bar) = default_mixture(n, "", "")
        part = example_partition(n)
        p = best_hybrid(mixture, part).exponent
        top = max_width or dim
        ranks: dict[tuple[str, int], int] = {}
        for r_mix in int_list(mix_widths, "mix_widths"):
            if r_mix < 2 or r_mix % 2:
                raise ConvacError(f"mix_widths must be even and >= 2; got {r_mix}")
            ctx.progress(f"ctm18 corollary 8 measured N={n} M={dim} r_mix={r_mix}")
            hybrid_bound = (r_mix // 2) ** p
            target_m = measure_mixed(mixture, part, dim, r_mix, settings)
            up = target_m.best_bound()
            target = target_m.rank
            exact = up is not None and up.value == target
            base = {
                "N": n,
                "M": dim,
                "r_mix": r_mix,
                "T": spec_t,
                "T_bar": spec_bar,
                "mix": [sorted(m) for m in mixture.nodes],
                "partition": part.name,
                "P_hybrid": p,
                "hybrid_bound": hybrid_bound,
                "target": target,
                "target_exact": exact,
                "target_upper_bound": None if up is None else up.value,
            }
            label = f"N={n} M={dim} r_mix={r_mix}"
            yield Observation(
                label=label,
                subject="mixed rank (target), random weights",
                claim=Claim(">=", "(r_mix/2)**P(H)", hybrid_bound, r"(r_{mix}/2)^{P(H)}"),
                measurement=target_m,
                params=base | {"network": "mixed"},
            )
            for row in width_rows(mixture, part, dim, top, target, hybrid_bound, settings, ranks):
                value = row.certified if row.certified is not None else top + 1
                is_exact = exact and row.measured is not None and row.measured == row.certified
                evidence = Evidence.witness(
                    "certified bounds and measured ranks", field="Q", method="exact arithmetic"
                )
                m = Measurement(
                    value,
                    evidence,
                    exact=is_exact,
                    extra={"ranks": list(row.ranks), "measured_width": row.measured},
                )
                params = base | {
                    "network": row.network,
                    "widths_tried": top,
                    "ranks": list(row.ranks),
                    "predicted": row.predicted,
                    "width_needed_at_least": row.certified,
                    "width_reaching_target": row.measured,
                    "reached": row.measured is not None,
                    "above_M": top > dim,
                }
                yield Observation(
                    label=label,
                    subject=f"{row.network} width needed to match the mixed rank",
                    claim=Claim(
                        ">=",
                        "smallest w with w^U >= (r_mix/2)^P (Corollary 8's argument)",
                        row.predicted,
                        r"\min\{w : w^{U} \ge (r_{mix}/2)^{P}\}",
                        quantifier="point",
                        quantity="width needed",
                    ),
                    measurement=m,
                    params=params,
                )
