"""Classification with missing data: Claim 1 and Corollary 1, exactly over Q.

Set-up (Sharir et al., Sec. 4): a joint distribution of the input ``X``, the label
``Y`` and the missingness mask ``M`` (``m_i = 1``: ``x_i`` observed). ``o(x, m)`` is the
observed part. A classifier sees ``(o(x, m), m)``. Here ``P(x, y) = P(y) P(x | y)`` comes
from a generative ConvAC (:mod:`convac_verify.generative.model`) and the mechanism
``P(m | x, y)`` is constructed exactly (:func:`mechanism`):

* ``mcar`` -- each ``x_i`` is missing independently with a fixed probability;
* ``mar`` -- sequential: ``x_1`` is always observed, and after observing ``x_1..x_i`` the
  rest go missing with a probability that depends on those observed values (a random
  rational table): ``P(m | x, y)`` depends only on ``o(x, m)``;
* ``mnar`` -- ``x_N`` is missing exactly when ``y = 0``: the mask reveals the label.

Rules compared (decisions are argmax *sets*, so ties are compared exactly):

* Bayes-optimal: ``argmax_y P(y, o(x,m), m)`` -- the 0-1-optimal rule by definition;
* Claim 1: ``argmax_y P(y | o) P(m | o, y)``;
* marginalized Bayes predictor: ``argmax_y P(y | o)``, computed by the generative model's
  **marginalization pass** (representation 1 for every missing ``x_i``), ignoring ``m``.

Claim 1 says the first two agree for every mechanism; Corollary 1 says the third agrees
too (same decisions, same 0-1 risk) when the mechanism is MAR (MCAR included). Under the
``mnar`` mechanism it does not -- the negative control.

References
----------
O. Sharir, R. Tamari, N. Cohen, A. Shashua. Tractable Generative Convolutional
Arithmetic Circuits (arXiv 1610.04167), Sec. 4, Claim 1 and Corollary 1.
"""

from __future__ import annotations

import itertools
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from ..errors import ConvacError
from .model import GenerativeConvAC, all_inputs

__all__ = ["MECHANISMS", "MissingDataResult", "is_mar", "mechanism", "missing_data"]

MECHANISMS = ("mcar", "mar", "mnar")

Mask = tuple[int, ...]
Mechanism = Callable[[tuple[int, ...], int], dict[Mask, Fraction]]


def _rational(rng: np.random.Generator, lo: int = 1, hi: int = 9, den: int = 10) -> Fraction:
    return Fraction(int(rng.integers(lo, hi + 1)), den)


def mechanism(kind: str, n_modes: int, seed: int = 0) -> Mechanism:
    """``P(m | x, y)`` as a function ``(x, y) -> {mask: probability}`` (see the module)."""
    if kind not in MECHANISMS:
        raise ConvacError(f"mechanism must be one of {', '.join(MECHANISMS)}; got {kind!r}")
    if kind == "mcar":
        rng = np.random.default_rng([seed, zlib.crc32(b"mcar")])
        p_miss = [_rational(rng) for _ in range(n_modes)]

        def mcar(x: tuple[int, ...], y: int) -> dict[Mask, Fraction]:
            out = {}
            for mask in itertools.product((0, 1), repeat=n_modes):
                p = Fraction(1)
                for i, mi in enumerate(mask):
                    p *= (1 - p_miss[i]) if mi else p_miss[i]
                out[mask] = p
            return out

        return mcar
    if kind == "mar":
        cache: dict[tuple[int, ...], Fraction] = {}

        def stop(prefix: tuple[int, ...]) -> Fraction:
            """P(stop after observing ``prefix``), a random rational per observed prefix."""
            if prefix not in cache:
                key = zlib.crc32(repr(("mar", prefix)).encode())
                cache[prefix] = _rational(np.random.default_rng([seed, key]))
            return cache[prefix]

        def mar(x: tuple[int, ...], y: int) -> dict[Mask, Fraction]:
            out: dict[Mask, Fraction] = {}
            go_on = Fraction(1)
            for k in range(1, n_modes + 1):  # observe x_1..x_k, then stop (or observe all)
                mask = tuple(int(i < k) for i in range(n_modes))
                p_stop = stop(x[:k]) if k < n_modes else Fraction(1)
                out[mask] = go_on * p_stop
                go_on *= 1 - p_stop
            return out

        return mar

    def mnar(x: tuple[int, ...], y: int) -> dict[Mask, Fraction]:
        last_missing = tuple(int(i < n_modes - 1) for i in range(n_modes))
        full = (1,) * n_modes
        return {last_missing: Fraction(1)} if y == 0 else {full: Fraction(1)}

    return mnar


def _observed(x: tuple[int, ...], mask: Mask) -> tuple[int | None, ...]:
    return tuple(xi if mi else None for xi, mi in zip(x, mask, strict=True))


def is_mar(model: GenerativeConvAC, mech: Mechanism) -> bool:
    """Whether ``P(m | x, y)`` depends only on ``o(x, m)`` (checked on every ``x, y, m``)."""
    seen: dict[tuple[Mask, tuple[int | None, ...]], Fraction] = {}
    for x in all_inputs(model):
        for y in range(model.classes):
            probs = mech(x, y)
            for mask in itertools.product((0, 1), repeat=model.n_modes):
                p = probs.get(mask, Fraction(0))
                key = (mask, _observed(x, mask))
                if seen.setdefault(key, p) != p:
                    return False
    return True


@dataclass(frozen=True)
class MissingDataResult:
    """The three rules on one exact joint distribution."""

    mechanism: str
    mar: bool
    """Whether the mechanism is MAR (verified exactly)."""
    observations: int
    """Pairs ``(o, m)`` with positive probability."""
    bayes_risk: Fraction
    claim1_risk: Fraction
    marginal_risk: Fraction
    claim1_disagreements: int
    """Observations where Claim 1's argmax set differs from the Bayes-optimal one."""
    marginal_disagreements: int
    """Observations where the marginalized predictor's argmax set differs."""
    marginal_pass_mismatches: int
    """Observations where the marginalization pass differs from the exact sum over the
    missing inputs (must be 0)."""


def _argmax(values: list[Fraction]) -> frozenset[int]:
    top = max(values)
    return frozenset(i for i, v in enumerate(values) if v == top)


def missing_data(model: GenerativeConvAC, kind: str, seed: int = 0) -> MissingDataResult:
    """Bayes-optimal, Claim 1 and marginalized rules, their decisions and 0-1 risks."""
    mech = mechanism(kind, model.n_modes, seed)
    n, classes = model.n_modes, model.classes
    # P(x, y) by one forward pass per x (all classes at once)
    p_xy: dict[tuple[int, ...], list[Fraction]] = {}
    for x in all_inputs(model):
        lik, _ = model.likelihood(x)
        p_xy[x] = [model.class_prior[y] * lik[y] for y in range(classes)]
    # P(y, o, m) and P(y, o) by exact sums over the inputs consistent with o
    joint: dict[tuple[Mask, tuple[int | None, ...]], list[Fraction]] = {}
    p_yo: dict[tuple[int | None, ...], list[Fraction]] = {}
    for x, pxy in p_xy.items():
        for y in range(classes):
            for mask, pm in mech(x, y).items():
                if pm == 0:
                    continue
                o = _observed(x, mask)
                joint.setdefault((mask, o), [Fraction(0)] * classes)[y] += pxy[y] * pm
        # P(y, o) = sum over the x consistent with o (o fixes the mask: where its Nones are)
        for mask in itertools.product((0, 1), repeat=n):
            acc = p_yo.setdefault(_observed(x, mask), [Fraction(0)] * classes)
            for y in range(classes):
                acc[y] += pxy[y]
    mismatches = 0
    bayes_gain = claim1_gain = marginal_gain = Fraction(0)
    claim1_diff = marginal_diff = 0
    for (_mask, o), pyom in joint.items():
        if sum(pyom) == 0:
            continue
        lik, _ = model.likelihood(o)  # the marginalization pass: P(o | y)
        marginal = [model.class_prior[y] * lik[y] for y in range(classes)]
        if marginal != p_yo[o]:
            mismatches += 1
        bayes = _argmax(pyom)
        total_o = sum(p_yo[o])
        claim1_scores = [
            (p_yo[o][y] / total_o) * (pyom[y] / p_yo[o][y]) if p_yo[o][y] else Fraction(0)
            for y in range(classes)
        ]
        claim1 = _argmax(claim1_scores)
        marg = _argmax(marginal)
        claim1_diff += claim1 != bayes
        marginal_diff += marg != bayes
        # a deterministic rule picks the smallest label of its argmax set
        bayes_gain += pyom[min(bayes)]
        claim1_gain += pyom[min(claim1)]
        marginal_gain += pyom[min(marg)]
    return MissingDataResult(
        kind,
        is_mar(model, mech),
        sum(1 for v in joint.values() if sum(v) > 0),
        1 - bayes_gain,
        1 - claim1_gain,
        1 - marginal_gain,
        claim1_diff,
        marginal_diff,
        mismatches,
    )
