"""Tractable generative ConvACs: Claim 1 and Corollary 1 (classification with missing data).

Hypotheses (Sharir, Tamari, Cohen & Shashua, Sec. 4): a joint distribution of input X,
label Y and missingness mask M; here ``P(x, y)`` from a GCP/GHT model and an exactly
constructed mechanism ``P(m | x, y)`` (:mod:`convac_verify.generative.missing`: MCAR, a
sequential MAR one, and an MNAR one where the mask reveals the label).

* Claim 1: the 0-1-optimal rule ``argmax_y P(y, o(x,m), m)`` equals
  ``argmax_y P(y | o) P(m | o, y)`` -- for every mechanism.
* Corollary 1: under MAR (``P(m | x, y)`` depends only on ``o(x, m)``; MCAR included) the
  marginalized Bayes predictor ``argmax_y P(y | o)``, computed by the model's
  marginalization pass, makes the same decisions with the same 0-1 risk.

Evidence: every observation ``(o, m)`` of positive probability is enumerated exactly
over Q; decisions are compared as argmax sets, risks as exact fractions; the MAR
property of the mechanism is itself verified exactly. Rows are ``point`` claims over Q
(method ``enumeration``: ``proved`` or ``violated`` with certainty, certificate
``enumeration``). Under MNAR the check also shows that the
marginalized predictor is strictly worse (necessity of MAR).

Negative controls: ``corollary_mechanisms=mnar`` holds the MNAR distribution to
Corollary 1: decisions and risk differ. The claim control ``bound+1`` (every claimed count raised by one) is refuted by the
same exact values.

References
----------
O. Sharir, R. Tamari, N. Cohen, A. Shashua. Tractable Generative Convolutional
Arithmetic Circuits (arXiv 1610.04167), Sec. 4, Claim 1 and Corollary 1.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..engines.measure import Context
from ..evidence.observation import Observation
from ..evidence.status import Claim, Measurement
from ..generative.evidence import exact_evidence
from ..generative.missing import MECHANISMS, MissingDataResult, missing_data
from ..generative.model import MODEL_DEFAULTS, GenerativeConvAC, build_models
from .registry import register_theorem


def _params(model: GenerativeConvAC, r: MissingDataResult) -> dict[str, object]:
    return {
        "model": model.name,
        "N": model.n_modes,
        "mechanism": r.mechanism,
        "MAR": r.mar,
        "observations": r.observations,
        "bayes_risk": str(r.bayes_risk),
        "claim1_risk": str(r.claim1_risk),
        "marginalized_risk": str(r.marginal_risk),
        "marginal_pass_mismatches": r.marginal_pass_mismatches,
    }


@register_theorem(
    "tmm-claim1-corollary1",
    title="Missing data: Claim 1 rule is Bayes-optimal; under MAR the marginalized rule is too",
    reference="Sharir, Tamari, Cohen & Shashua, Tractable Generative ConvACs, Claim 1, Cor. 1",
    hypotheses="exact joint P(x, y) from GCP/GHT, mechanisms MCAR / MAR (verified) / MNAR",
    family="generative",
    defaults={
        **MODEL_DEFAULTS,
        "claim1_mechanisms": "mcar,mar,mnar",
        "corollary_mechanisms": "mcar,mar",
    },
    negative_controls={
        "Corollary 1 under MNAR": {"corollary_mechanisms": "mnar"},
        "bound + 1": {"claim": "bound+1"},
    },
)
def check(
    ctx: Context,
    *,
    models: str,
    n_modes: int,
    dim: int,
    alphabet: int,
    width: int,
    classes: int,
    claim1_mechanisms: str,
    corollary_mechanisms: str,
) -> Iterator[Observation]:
    """Bayes-optimal, Claim 1 and marginalized rules on each mechanism."""
    seed = ctx.settings.seed
    claim1 = [m.strip() for m in claim1_mechanisms.split(",") if m.strip()]
    corollary = [m.strip() for m in corollary_mechanisms.split(",") if m.strip()]
    for model in build_models(models, n_modes, dim, alphabet, width, classes, seed):
        for kind in (k for k in MECHANISMS if k in claim1 or k in corollary):
            ctx.progress(f"missing data: {model.name} {kind}")
            r = missing_data(model, kind, seed)
            ev = exact_evidence(model, seed)
            params = _params(model, r)
            label = f"{model.name} {kind}"
            rows = []
            if kind in claim1:
                gap = r.claim1_risk - r.bayes_risk
                rows += [
                    (
                        "Claim 1 rule: decisions differing from Bayes-optimal",
                        r.claim1_disagreements,
                        "decisions",
                    ),
                    ("Claim 1 rule: 0-1 risk - Bayes risk (numerator)", gap.numerator, "risk gap"),
                ]
            if kind in corollary:
                gap = r.marginal_risk - r.bayes_risk
                rows += [
                    (
                        "Cor. 1 marginalized rule: decisions differing",
                        r.marginal_disagreements,
                        "decisions",
                    ),
                    (
                        "Cor. 1 marginalized rule: 0-1 risk - Bayes risk (numerator)",
                        gap.numerator,
                        "risk gap",
                    ),
                    (
                        "marginalization pass = exact sum over missing x",
                        r.marginal_pass_mismatches,
                        "mismatches",
                    ),
                ]
            for subject, value, quantity in rows:
                yield Observation(
                    label=label,
                    subject=subject,
                    claim=Claim("==", "0", 0, "0", quantifier="point", quantity=quantity),
                    measurement=Measurement(value, ev),
                    params=params,
                )
            if kind == "mnar" and kind not in corollary:
                worse = int(r.marginal_risk > r.bayes_risk)
                yield Observation(
                    label=label,
                    subject="MNAR: marginalized rule strictly worse than Bayes (MAR is needed)",
                    claim=Claim(">=", "1", 1, "1", quantifier="point", quantity="worse (0/1)"),
                    measurement=Measurement(worse, ev),
                    params=params,
                )
