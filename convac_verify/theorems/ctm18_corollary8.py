"""Cohen-Tamari-Shashua Corollary 8: an individual tree needs ``(r/2)^(2/(1+2^(1-k)))``
channels to match a mixed network with r channels.

Hypotheses (ICLR 2018, arXiv v3 Corollary 8 = Corollary 1 of the ICLR version): the
baseline dilated network N, the network N-bar with dilations swapped in groups of k
layers, the mixed network interconnecting them at layer k, product pooling; r channels
per layer in each interconnected network. Claim: except on a negligible set, N or N-bar
needs at least ``(r/2)^(2/(1+2^(1-k)))`` channels per layer to realize the mixed
network's function (k = 4, r = 128: "more than 1500").

Evidence (exact, no weights): for each k the tool builds the trees at N = 2^(2k) (the
smallest with k | L and L >= 2k), the partition ``ctm18-groups:k`` and the mixture at
layer k, and computes

* ``P = max_H P(H)`` (:func:`convac_verify.bounds.hybrids.best_hybrid`): the mixed
  network's generic rank is ``>= (r/2)^P`` (Claim 5 + Theorem 7; the witness is
  certified at N <= 256 by ``ctm18-mixed``);
* ``U`` for T and T-bar (Theorem 7's upper exponent), and the **forced width**: the
  smallest integer w with ``w^U >= (r/2)^P``, by integer arithmetic. The tree's rank at
  ``w - 1`` channels is bounded for all weights by the best eq. 3 bound of the bounds home
  that is independent of the tilings (:func:`convac_verify.bounds.eq3_upper_bounds`: the
  joint-span recursion for eq. 3 or the min-cut of the eq. 3 network), which must stay
  below ``(r/2)^P`` (recorded as ``span_certified``, with the bound's certificate).

The forced width is a proved lower bound on the width needed. The claimed value is
``ceil((r/2)^e)`` with the exact exponent ``e = P/U`` printed as a fraction.

Negative control: ``variant=no-gain`` -- "N with the mixed network's own r channels
matches it" (width needed ``<= r``): the forced width exceeds r for k >= 2:
``violated``.

References
----------
N. Cohen, R. Tamari, A. Shashua. Boosting Dilated Convolutional Networks with Mixed
Tensor Decompositions. ICLR 2018 (arXiv 1703.06846v3): Corollary 8, Theorem 7, Claim 5.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..bounds import best_bound, eq3_upper_bounds
from ..bounds.corollary8 import corollary8_row, power_text
from ..engines.measure import Context
from ..errors import ConvacError
from ..evidence.certificates import Bound, Certificate
from ..evidence.observation import Observation
from ..evidence.status import Claim, Evidence, Measurement
from ..networks import trees as mode_trees
from ..networks.dilated import dilated_span_bound
from ..networks.dilations import groups_partition, swapped_tree
from .registry import register_theorem

PAPER_EXAMPLE = (128, 4, 1500)  # r, k, "more than 1500 channels"


def _forced(width: int, extra: dict[str, object]) -> Measurement:
    """A forced width from exact exponents (the one place Evidence is built)."""
    evidence = Evidence.witness("certified bounds", field="Q", method="exact arithmetic")
    return Measurement(width, evidence, extra=extra)


def int_list(value: object, what: str) -> list[int]:
    """``"1,2,3"``, ``(1, 2, 3)`` (``--set k=1,2,3``) or ``4`` as a list of integers."""
    items = value if isinstance(value, (list, tuple)) else str(value).split(",")
    try:
        return [int(s) for s in items if str(s).strip()]
    except ValueError:
        raise ConvacError(f"{what} takes integers like 1,2,3; got {value!r}") from None


@register_theorem(
    "ctm18-corollary-8",
    title="Corollary 8: N or N-bar needs (r/2)^(2/(1+2^(1-k))) channels to match the mixture",
    reference="Cohen, Tamari & Shashua, ICLR 2018, Corollary 8 (arXiv v3)",
    hypotheses=(
        "baseline N, N-bar swapped in groups of k layers, mixed at layer k, product pooling, "
        "r channels per interconnected network; Theorem 7 and Claim 5"
    ),
    family="interconnect",
    defaults={"widths": "128", "groups": "1,2,3,4,5,6", "variant": "paper"},
    negative_controls={
        "no-gain": {"variant": "no-gain", "groups": "1,2,3,4"},
        "rank + 1": {"claim": "rank+1"},
    },
    choices={"variant": ("paper", "no-gain")},
)
def check(ctx: Context, *, widths: str, groups: str, variant: str) -> Iterator[Observation]:
    """Per (r, k): the width T and T-bar are forced to, against the corollary."""
    if variant not in ("paper", "no-gain"):
        raise ConvacError(f"variant must be paper or no-gain; got {variant!r}")
    for r in int_list(widths, "widths"):
        for k in int_list(groups, "groups"):
            ctx.progress(f"ctm18 corollary 8 r={r} k={k}")
            row = corollary8_row(r, k)
            n = row.n_modes
            part = groups_partition(n, k)
            target = (r // 2) ** row.hybrid_exponent
            base = {
                "r": r,
                "k": k,
                "N": n,
                "exponent": str(row.exponent),
                "claimed_exact": power_text(r // 2, row.exponent),
                "claimed_real": round(row.real, 2),
                "P_hybrid": row.hybrid_exponent,
                "U_T": row.tree_exponents[0],
                "U_Tbar": row.tree_exponents[1],
                "forced_sum": row.forced_sum,
            }
            for name, tree, forced in (
                ("T", mode_trees.balanced(n), row.forced_tree),
                ("T-bar", swapped_tree(n, k), row.forced_tree_bar),
            ):
                below = forced - 1
                # Theorem 7's tiling is the argument being checked: an independent bound,
                # the joint spans first (linear in N), the bounds home's others if needed
                dim_b, width_b = max(below, r // 2, 1), max(below, 1)
                span = dilated_span_bound(tree, dim_b, width_b, part)
                upper: Bound | None = Bound(
                    span,
                    Certificate("joint-span", f"joint-span recursion for eq. 3: {span}"),
                )
                if span >= target:
                    upper = best_bound(
                        eq3_upper_bounds(tree, dim_b, width_b, part), "ctm18-theorem-7"
                    )
                assert upper is not None
                extra: dict[str, object] = {
                    "span_bound_at_forced_minus_1": upper.value if below >= 1 else 0,
                    "span_bound_certificate": upper.certificate.kind,
                    "span_certified": below < 1 or upper.value < target,
                }
                m = _forced(forced, extra)
                label = f"r={r} k={k}"
                if variant == "paper":
                    c = Claim(
                        ">=",
                        "(r/2)**(2/(1+2**(1-k)))",
                        row.claimed,
                        r"(r/2)^{2/(1+2^{1-k})}",
                        quantifier="point",
                        quantity="width forced",
                    )
                else:
                    c = Claim("<=", "r", r, "r", "point", "width forced")
                params = base | {"network": name}
                yield Observation(label, f"{name} width forced", c, m, params)
                if (r, k) == PAPER_EXAMPLE[:2] and variant == "paper":
                    yield Observation(
                        label,
                        f"{name} width forced (paper: more than 1500)",
                        Claim(
                            ">=",
                            "1500 + 1",
                            PAPER_EXAMPLE[2] + 1,
                            "1500+1",
                            quantifier="point",
                            quantity="width forced",
                        ),
                        m,
                        params,
                    )
