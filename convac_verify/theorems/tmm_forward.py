"""Tractable generative ConvACs: P(X) in one forward pass, and it is a distribution.

Hypotheses (Sharir, Tamari, Cohen & Shashua, Sec. 3): a GCP or GHT model with exact
mixing tables ``P(x | d)`` over an alphabet of K values. Claim: the ConvAC's forward pass
on the representation ``q[i][d] = P(x_i | d)`` outputs
``P(X | y) = sum_d P(d | y) prod_i P(x_i | d_i)`` (the definition, summed over all
``M**N`` assignments), and ``sum_X P(X | y) = 1``.

Evidence: both sides exactly over Q for every input ``X`` in ``{0..K-1}^N`` (``point``
claims, method ``enumeration``: ``proved`` or ``violated`` with certainty, certificate
``enumeration``).

Negative controls: ``offset=1/1000`` claims the pass outputs the sum plus 1/1000.
The claim control ``bound+1`` (every claimed count raised by one) is refuted by the
same exact values.

References
----------
O. Sharir, R. Tamari, N. Cohen, A. Shashua. Tractable Generative Convolutional
Arithmetic Circuits (arXiv 1610.04167), Sec. 3 (inference by one forward pass).
"""

from __future__ import annotations

from collections.abc import Iterator
from fractions import Fraction

from ..engines.measure import Context
from ..evidence.observation import Observation
from ..evidence.status import Claim, Measurement
from ..generative.evidence import exact_evidence
from ..generative.model import (
    MODEL_DEFAULTS,
    all_inputs,
    brute_force_likelihood,
    build_models,
)
from .registry import register_theorem


@register_theorem(
    "tmm-forward-pass",
    title="P(X|y) by one forward pass = sum over d of P(d|y) prod P(x_i|d_i); sum_X P(X|y) = 1",
    reference="Sharir, Tamari, Cohen & Shashua, Tractable Generative ConvACs, Sec. 3",
    hypotheses="GCP/GHT priors with simplex weights, exact mixing tables over K values",
    family="generative",
    defaults={
        **MODEL_DEFAULTS,
        "offset": "0",
    },
    negative_controls={
        "pass = sum + 1/1000": {"offset": "1/1000"},
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
    """Every input X of every model: forward pass against the definition."""
    shift = Fraction(offset)
    seed = ctx.settings.seed
    for model in build_models(models, n_modes, dim, alphabet, width, classes, seed):
        mismatches = inputs = 0
        mass = [Fraction(0)] * model.classes
        for x in all_inputs(model):
            lik, _ = model.likelihood(x)
            q = model.representation(x)
            for y in range(model.classes):
                inputs += 1
                mismatches += lik[y] != brute_force_likelihood(model, q, y) + shift
                mass[y] += lik[y]
        params = {"model": model.name, "N": n_modes, "M": dim, "K": alphabet, "r": width}
        yield Observation(
            label=model.name,
            subject=f"forward pass = sum over d, all {inputs} (X, y)",
            claim=Claim("==", "0", 0, "0", quantifier="point", quantity="mismatches"),
            measurement=Measurement(mismatches, exact_evidence(model, seed)),
            params=params,
        )
        yield Observation(
            label=model.name,
            subject="sum over X of P(X | y) = 1, every y",
            claim=Claim("==", "0", 0, "0", quantifier="point", quantity="classes failing"),
            measurement=Measurement(sum(1 for m in mass if m != 1), exact_evidence(model, seed)),
            params={**params, "sums": [str(m) for m in mass]},
        )
