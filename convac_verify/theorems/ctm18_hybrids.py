"""Cohen-Tamari-Shashua Def. 4 and Prop. 2: hybrid mode trees, and the best hybrid.

Hypotheses (ICLR 2018, arXiv v3 Sec. 4): two binary mode trees T, T-bar over [N] and
mixture nodes ``mix(T, T-bar) ⊂ int(T) ∩ int(T-bar)``; a hybrid H takes, for each
``mu`` in ``mix ∪ {[N]}``, the segment below ``mu`` (down to the next mixture nodes)
from T or from T-bar. Claims:

* the hybrids are ``2^(number of segments where T and T-bar differ)`` distinct trees
  (exponential in ``|mix|``), enumerated lazily;
* T and T-bar are hybrids (Prop. 2: a mixed decomposition loses at most the factor 2
  of Claim 5 against either tree);
* per partition, the maximum over the enumerated hybrids of Theorem 7's lower exponent
  (sibling pairs of depth > 1 across ``Theta(I;H)``, ``Theta(I^c;H)``) equals the
  segment-wise maximum the tool uses at every size
  (:func:`convac_verify.bounds.hybrids.best_hybrid`);
* mixing never loses: that maximum is ``>= max(P(T), P(T-bar))``.

Evidence: exhaustive enumeration of the hybrids and exact tilings: certain.

Negative control: ``variant=no-gain`` -- "the best hybrid is no better than T or T-bar"
(``max_H P(H) <= max(P(T), P(T-bar))``). On the worked example's partition the hybrid
has N/2 = 8 pairs against 6: ``violated``.

References
----------
N. Cohen, R. Tamari, A. Shashua. Boosting Dilated Convolutional Networks with Mixed
Tensor Decompositions. ICLR 2018 (arXiv 1703.06846v3): Def. 4, Prop. 2, Theorem 7.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from ..bounds.hybrids import best_hybrid
from ..bounds.tilings import tiling_bounds
from ..engines.measure import Context
from ..errors import ConvacError
from ..evidence.observation import Observation
from ..evidence.status import Claim, Evidence, Measurement
from ..networks import trees as mode_trees
from ..networks.dilations import scheme_tree
from ..networks.geometry2d import Grid
from ..networks.mixed import hybrids, parse_mixture_nodes
from ..networks.partitions2d import expand_partitions, split_specs
from .registry import register_theorem

MAX_ENUMERATED = 4096


def _exact(value: int, what: str) -> Measurement:
    """An exact count from the enumeration (the one place Evidence is built)."""
    return Measurement(value, Evidence.witness(what, field="Q", method="enumeration"))


def split_trees(text: str) -> tuple[str, str]:
    """``T,T-bar`` (or ``T;T-bar`` when a tree contains commas)."""
    parts = [p.strip() for p in text.split(";" if ";" in text else ",")]
    if len(parts) != 2 or not all(parts):
        raise ConvacError(
            f"trees takes two trees, T,T-bar (or T;T-bar when a tree has commas); got {text!r}"
        )
    return parts[0], parts[1]


@register_theorem(
    "ctm18-hybrids",
    title="Hybrid trees: 2^(differing segments) of them, T and T-bar among them, best by segments",
    reference="Cohen, Tamari & Shashua, ICLR 2018, Def. 4 and Prop. 2 (arXiv v3)",
    hypotheses=(
        "binary mode trees T, T-bar over [N]; mixture nodes interior to both; hybrids take "
        "each segment from T or T-bar; Theorem 7's lower exponent per hybrid"
    ),
    family="interconnect",
    defaults={
        "n_modes": 16,
        "trees": "baseline,swapped",
        "mix": "depth:2",
        "partitions": "ctm18-example,odd-even,left-right,random:2",
        "variant": "paper",
    },
    negative_controls={
        "no-gain": {"variant": "no-gain"},
        "rank + 1": {"claim": "rank+1"},
    },
    choices={"variant": ("paper", "no-gain")},
)
def check(
    ctx: Context, *, n_modes: int, trees: str, mix: str, partitions: str, variant: str
) -> Iterator[Observation]:
    """Enumerate the hybrids; compare the best with T and T-bar per partition."""
    if variant not in ("paper", "no-gain"):
        raise ConvacError(f"variant must be paper or no-gain; got {variant!r}")
    spec_t, spec_bar = split_trees(trees)
    tree, tree_bar = scheme_tree(spec_t, n_modes), scheme_tree(spec_bar, n_modes)
    mixture = parse_mixture_nodes(mix, tree, tree_bar)
    if mixture.hybrid_count > MAX_ENUMERATED:
        raise ConvacError(
            f"{mixture.hybrid_count} hybrids exceed {MAX_ENUMERATED} for an exhaustive check; "
            "use fewer mixture nodes (the segment-wise bound needs no enumeration)"
        )
    ctx.progress(f"ctm18 hybrids N={n_modes}")
    rng = np.random.default_rng(ctx.settings.seed)
    parts = expand_partitions(split_specs(partitions), Grid(1, n_modes), rng)
    enumerated = list(hybrids(mixture))
    nested = {mode_trees.to_nested(h) for _, h in enumerated}
    base = {
        "N": n_modes,
        "T": spec_t,
        "T_bar": spec_bar,
        "mix": [sorted(m) for m in mixture.nodes],
        "segments_differing": sum(mixture.differing),
    }
    yield Observation(
        label=f"N={n_modes}",
        subject="distinct hybrid trees (lazy enumeration)",
        claim=Claim(
            "==", "2^(differing segments)", mixture.hybrid_count, r"2^{s}", "point", "hybrids"
        ),
        measurement=_exact(len(nested), "every choice per segment"),
        params=base,
    )
    for name, t in (("T", tree), ("T-bar", tree_bar)):
        yield Observation(
            label=f"N={n_modes}",
            subject=f"{name} is a hybrid (Prop. 2)",
            claim=Claim("==", "1", 1, "1", "point", "found"),
            measurement=_exact(int(mode_trees.to_nested(t) in nested), "every hybrid"),
            params=base,
        )
    for part in parts:
        part.require_proper()
        brute = max(tiling_bounds(h, part).lower_exponent for _, h in enumerated)
        best = best_hybrid(mixture, part)
        p_trees = max(tiling_bounds(t, part).lower_exponent for t in (tree, tree_bar))
        params = {**base, "partition": part.name, "rows": list(part.rows)}
        params |= {"best_choice": list(best.choice), "P_T_or_Tbar": p_trees}
        label = f"N={n_modes} {part.name}"
        yield Observation(
            label=label,
            subject="max_H P(H): enumeration vs segment-wise maximum",
            claim=Claim(
                "==", "sum_mu max(P_T(mu), P_Tbar(mu))", best.exponent, "", "point", "pairs"
            ),
            measurement=_exact(brute, "every hybrid"),
            params=params,
        )
        if variant == "paper":
            c = Claim(">=", "max(P(T), P(T-bar))", p_trees, "", "point", "pairs")
        else:
            c = Claim("<=", "max(P(T), P(T-bar))", p_trees, "", "point", "pairs")
        yield Observation(
            label=label,
            subject="best hybrid vs T and T-bar (pairs)",
            claim=c,
            measurement=_exact(brute, "every hybrid"),
            params=params,
        )
