"""Tractable generative ConvACs: the priors tensor is a probability distribution.

Hypotheses (Sharir, Tamari, Cohen & Shashua, Sec. 3): the priors tensor
``P(d_1..d_N | y)`` is decomposed by a ConvAC (CP: GCP; HT: GHT) whose 1x1 convolutions
have non-negative weights normalized to the simplex (every output channel is a convex
combination of its inputs). Claim: for every class the tensor is non-negative and sums
to 1 (by induction over the tree: a convex combination of products of distributions).

Evidence: exact rational weights; the grid tensor is computed over Q and every entry and
the sum are checked exactly (``point`` claims over Q, method ``enumeration``: ``proved``
or ``violated`` with certainty, certificate ``enumeration``).

Negative controls: ``offset=1/1000`` claims the tensor sums to ``1 + 1/1000``.
The claim control ``bound+1`` (every claimed count raised by one) is refuted by the
same exact values.

References
----------
O. Sharir, R. Tamari, N. Cohen, A. Shashua. Tractable Generative Convolutional
Arithmetic Circuits (arXiv 1610.04167), Sec. 3 (GCP and GHT models).
"""

from __future__ import annotations

from collections.abc import Iterator
from fractions import Fraction

from ..engines.measure import Context
from ..evidence.observation import Observation
from ..evidence.status import Claim, Measurement
from ..generative.evidence import exact_evidence
from ..generative.model import MODEL_DEFAULTS, build_models
from .registry import register_theorem


@register_theorem(
    "tmm-priors-distribution",
    title="GCP/GHT priors tensor with simplex-normalized weights is a distribution",
    reference="Sharir, Tamari, Cohen & Shashua, Tractable Generative ConvACs, Sec. 3",
    hypotheses="non-negative 1x1 conv weights, every row on the simplex; CP (GCP) or HT (GHT)",
    family="generative",
    defaults={
        **MODEL_DEFAULTS,
        "offset": "0",
    },
    negative_controls={
        "mass 1 + 1/1000": {"offset": "1/1000"},
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
    offset: str,
) -> Iterator[Observation]:
    """Non-negativity and total mass of ``P(d | y)`` for every model and class."""
    total = 1 + Fraction(offset)
    seed = ctx.settings.seed
    for model in build_models(models, n_modes, dim, alphabet, width, classes, seed):
        for y in range(model.classes):
            priors: list[Fraction] = list(model.priors(y).ravel())
            negative = sum(1 for p in priors if p < 0)
            mass = sum(priors, Fraction(0))
            yield Observation(
                label=f"{model.name} y={y}",
                subject="priors tensor: entries >= 0 and sum = " + str(total),
                claim=Claim("==", "0", 0, "0", quantifier="point", quantity="violations"),
                measurement=Measurement(negative + int(mass != total), exact_evidence(model, seed)),
                params={
                    "model": model.name,
                    "N": n_modes,
                    "M": dim,
                    "r": width,
                    "entries": len(priors),
                    "sum": str(mass),
                    "negative_entries": negative,
                },
            )
