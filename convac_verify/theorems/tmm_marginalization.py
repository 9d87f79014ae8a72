"""Tractable generative ConvACs: marginalization is one forward pass.

Hypotheses (Sharir, Tamari, Cohen & Shashua, Sec. 3-4): a GCP or GHT model with exact
mixing tables. Claim: for any subset S of the inputs, setting the representation
entries of every ``x_i``, ``i in S``, to 1 and running the usual forward pass gives the
marginal ``P(x_{not S} | y) = sum_{x_S} P(X | y)`` -- at the cost of **one** pass (the
same operations as computing ``P(X | y)``), where summing needs ``K**|S|`` passes.

Evidence: exact over Q. At ``n_modes`` every subset S (all ``2**N``) and every
assignment of the observed inputs; at ``large_n`` (``0``: skipped) ``random_subsets``
random subsets with one random assignment each, against the exact sum over
``x_S``. Operation counts are those the pass performed (multiplications + additions).
Rows are ``point`` claims over Q (method ``enumeration`` for all subsets, ``exact
arithmetic`` for random subsets and operation counts): ``proved`` or ``violated`` with
certainty, certificate ``enumeration``.

Negative controls: ``missing_value=0`` sets the missing entries to 0 instead of 1
(that is not marginalization): the marginals are wrong. The claim control ``bound+1`` (every claimed count raised by one) is refuted by the
same exact values.

References
----------
O. Sharir, R. Tamari, N. Cohen, A. Shashua. Tractable Generative Convolutional
Arithmetic Circuits (arXiv 1610.04167), Sec. 4 (marginalization by setting the
representation of missing inputs to 1).
"""

from __future__ import annotations

import itertools
import zlib
from collections.abc import Iterator
from fractions import Fraction

import numpy as np

from ..engines.measure import Context
from ..evidence.observation import Observation
from ..evidence.status import Claim, Measurement
from ..generative.evidence import exact_evidence
from ..generative.model import MODEL_DEFAULTS, GenerativeConvAC, all_inputs, build_models
from .registry import register_theorem


def _compare(
    model: GenerativeConvAC, x: tuple[int, ...], subset: tuple[int, ...], missing_value: Fraction
) -> tuple[bool, int, int]:
    """(marginal pass == exact sum, ops of the pass, ops of the brute-force sum)."""
    observed = tuple(None if i in subset else v for i, v in enumerate(x))
    marginal, ops = model.likelihood(observed, missing_value)
    exact = [Fraction(0)] * model.classes
    brute_ops = 0
    for full in all_inputs(model, {i: v for i, v in enumerate(x) if i not in subset}):
        lik, o = model.likelihood(full)
        brute_ops += o.total + model.classes
        exact = [a + b for a, b in zip(exact, lik, strict=True)]
    return marginal == exact, ops.total, brute_ops


def _rows(
    model: GenerativeConvAC,
    cases: list[tuple[tuple[int, ...], tuple[int, ...]]],
    label: str,
    missing_value: Fraction,
    seed: int,
    exhaustive: bool,
) -> Iterator[Observation]:
    mismatches = 0
    pass_ops: set[int] = set()
    brute_max = 0
    for x, subset in cases:
        ok, ops, brute = _compare(model, x, subset, missing_value)
        mismatches += not ok
        pass_ops.add(ops)
        brute_max = max(brute_max, brute)
    _, full = model.likelihood(tuple(cases[0][0]))
    params = {"model": model.name, "N": model.n_modes, "M": model.dim, "K": model.alphabet}
    yield Observation(
        label=label,
        subject=f"marginal pass (missing = {missing_value}) = sum over x_S, {len(cases)} cases",
        claim=Claim("==", "0", 0, "0", quantifier="point", quantity="mismatches"),
        measurement=Measurement(
            mismatches,
            exact_evidence(model, seed, "enumeration" if exhaustive else "exact arithmetic"),
        ),
        params=params,
    )
    yield Observation(
        label=label,
        subject="operations of a marginal pass = one full pass",
        claim=Claim(
            "==", "ops(P(X|y))", full.total, "\\mathrm{ops}(P(X|y))", "point", "operations"
        ),
        measurement=Measurement(max(pass_ops), exact_evidence(model, seed, "exact arithmetic")),
        params={**params, "brute_force_ops_max": brute_max, "distinct_pass_costs": len(pass_ops)},
    )


@register_theorem(
    "tmm-marginalization",
    title="Marginalizing any subset = representation entries set to 1, in one forward pass",
    reference="Sharir, Tamari, Cohen & Shashua, Tractable Generative ConvACs, Sec. 4",
    hypotheses="GCP/GHT with simplex weights; mixing tables are distributions (sum_x P(x|d) = 1)",
    family="generative",
    defaults={
        **MODEL_DEFAULTS,
        "large_n": 8,
        "random_subsets": 6,
        "missing_value": "1",
    },
    negative_controls={
        "missing entries set to 0": {"missing_value": "0"},
        "bound + 1": {"claim": "bound+1"},
    },
)
def check(
    ctx: Context,
    *,
    models: str,
    n_modes: int,
    large_n: int,
    random_subsets: int,
    dim: int,
    alphabet: int,
    width: int,
    classes: int,
    missing_value: str,
) -> Iterator[Observation]:
    """Every subset at ``n_modes``; random subsets at ``large_n``."""
    value = Fraction(missing_value)
    seed = ctx.settings.seed
    for model in build_models(models, n_modes, dim, alphabet, width, classes, seed):
        cases = [
            (x, tuple(i for i in range(n_modes) if mask[i]))
            for mask in itertools.product((0, 1), repeat=n_modes)
            for x in all_inputs(model, {i: 0 for i in range(n_modes) if mask[i]})
        ]
        yield from _rows(model, cases, f"{model.name} N={n_modes} all subsets", value, seed, True)
    if large_n:
        for model in build_models(models, large_n, dim, alphabet, width, classes, seed):
            rng = np.random.default_rng([seed, zlib.crc32(f"subsets/{model.name}".encode())])
            cases = []
            for _ in range(random_subsets):
                size = int(rng.integers(1, large_n))
                subset = tuple(sorted(int(i) for i in rng.choice(large_n, size, replace=False)))
                x = tuple(int(v) for v in rng.integers(0, alphabet, size=large_n))
                cases.append((x, subset))
            yield from _rows(
                model, cases, f"{model.name} N={large_n} random subsets", value, seed, False
            )
