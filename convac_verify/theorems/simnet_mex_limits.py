"""Deep SimNets: MEX interpolates max (beta -> +oo), mean (beta -> 0) and min (beta -> -oo).

Hypotheses (Cohen, Sharir & Shashua, Deep SimNets, Sec. 3): ``MEX_beta{c_1..c_n}`` for
real inputs. Claim: the three limits.

Evidence:

* SymPy (``symbolic_n`` inputs): translation invariance ``MEX{c_i} = c_1 + MEX{c_i - c_1}``
  is proved as an identity, and ``sympy.limit`` at each regime returns the claimed limit
  for inputs ``0, -d_1, -d_1-d_2, ...`` with symbolic positive gaps -- with symmetry,
  every real input: ``proved`` (certificate ``symbolic-identity``). A limit that SymPy
  returns and that provably differs from the claimed one is ``violated``; a limit SymPy
  does not return (or a difference it cannot sign) is ``inconclusive``.
* Interval arithmetic (mpmath) on random rational inputs (``sizes``) at ``|beta| = 10^k``:
  the distance to the claimed limit is proved to lie within a sandwich bound
  (``2 log(n)/|beta|`` for max and min -- twice the sharp bound, which a unique extremum
  nearly attains, beyond what finite precision separates -- and ``|beta| R^2/8`` for the
  mean, R the range; Jensen and Hoeffding's lemma) at
  every sampled point (``point`` claims, ``proved``, certificate ``interval``); that the
  limit itself holds is only ``consistent`` from numbers -- unless an interval proves the
  bound fails (``violated``).

Negative control: ``claims=max,max,min`` claims the beta -> 0 limit is the max: SymPy's
limit at 0 is the mean, which provably differs, and the intervals prove the distance
exceeds the bound. No claim control: interval evidence bounds counts from one side only.

References
----------
N. Cohen, O. Sharir, A. Shashua. Deep SimNets. CVPR 2016, Sec. 3 (MEX: max, mean, min).
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from fractions import Fraction
from typing import Any

import numpy as np

from ..engines.measure import Context
from ..errors import ConvacError
from ..evidence.observation import Observation
from ..evidence.status import Claim, Measurement
from ..simnet.evidence import interval_evidence, sympy_measurement
from ..simnet.mex import interval, interval_precision, limit_proof, mex_interval, translation_proof
from .registry import register_theorem

REGIMES = (("+oo", 1), ("0", 0), ("-oo", -1))  # beta -> +oo, 0, -oo


def _target(name: str, c: list[Fraction]) -> Fraction:
    if name == "max":
        return max(c)
    if name == "min":
        return min(c)
    if name == "mean":
        return sum(c, Fraction(0)) / len(c)
    raise ConvacError(f"a claimed limit is max, mean or min; got {name!r}")


@register_theorem(
    "simnet-mex-limits",
    title="MEX_beta -> max (beta -> +oo), mean (beta -> 0), min (beta -> -oo)",
    reference="Cohen, Sharir & Shashua, Deep SimNets, CVPR 2016, Sec. 3",
    hypotheses="real inputs c_1..c_n; limits in beta",
    family="simnet",
    defaults={
        "claims": "max,mean,min",
        "symbolic_n": "2",
        "sizes": "3,8,16",
        "exponents": "2,4,8",
        "precision": 300,
    },
    negative_controls={"mean called max": {"claims": "max,max,min"}},
)
def check(
    ctx: Context, *, claims: str, symbolic_n: str, sizes: str, exponents: str, precision: int
) -> Iterator[Observation]:
    """Symbolic limits, then interval sandwich bounds at |beta| = 10^k."""
    seed = ctx.settings.seed
    names = [c.strip() for c in claims.split(",")]
    if len(names) != 3:
        raise ConvacError(f"claims gives the limits at beta -> +oo, 0, -oo; got {claims!r}")
    for n in (int(v) for v in symbolic_n.split(",") if v.strip()):
        yield Observation(
            label=f"n={n} symbolic",
            subject="MEX{c_i} = c_1 + MEX{c_i - c_1} (SymPy identity)",
            claim=Claim(">=", "1", 1, "1", quantifier="point", quantity="identity proved (0/1)"),
            measurement=sympy_measurement(True if translation_proof(n) else None),
            params={"n": n},
        )
        for (regime, _), name in zip(REGIMES, names, strict=True):
            ctx.progress(f"MEX limit n={n} beta -> {regime}")
            outcome, found = limit_proof(n, name, regime)
            yield Observation(
                label=f"n={n} symbolic",
                subject=f"lim beta -> {regime} MEX = {name} (sympy.limit: {found})",
                claim=Claim(">=", "1", 1, "1", quantifier="point", quantity="limit proved (0/1)"),
                measurement=sympy_measurement(outcome, "symbolic limit"),
                params={"n": n, "limit": found},
            )
    iv = interval_precision(precision)
    ks = [int(k) for k in exponents.split(",") if k.strip()]
    for (regime, sign), name in zip(REGIMES, names, strict=True):
        inside = outside = points = 0
        for n in (int(v) for v in sizes.split(",") if v.strip()):
            rng = np.random.default_rng([seed, zlib.crc32(f"limits/{regime}/{n}".encode())])
            c = [Fraction(int(v), 16) for v in rng.integers(-64, 65, size=n)]
            spread = max(c) - min(c)
            for k in ks:
                beta: Any = iv.mpf(10) ** (k if sign else -k)
                if sign < 0:
                    beta = -beta
                m = mex_interval([interval(x) for x in c], beta)
                dist = abs(m - interval(_target(name, c)))
                # twice the sandwich bound at +-oo: that bound is nearly attained when one
                # input is the unique extremum, too close for any finite precision to tell
                bound = (
                    2 * iv.log(iv.mpf(n)) / abs(beta)
                    if sign
                    else abs(beta) * interval(spread) ** 2 / 8
                )
                points += 1
                inside += (dist <= bound) is True
                outside += (dist > bound) is True
        ev = interval_evidence(precision, seed)
        params = {"sizes": sizes, "exponents": ks, "claimed": name, "bits": precision}
        within = "2 log(n)/|beta|" if sign else "|beta| R^2/8"
        yield Observation(
            label=f"beta -> {regime}",
            subject=f"intervals: |MEX - {name}| <= {within} at |beta| = 10^k, every point",
            claim=Claim(
                ">=", str(points), points, str(points), quantifier="point", quantity="points"
            ),
            measurement=Measurement(inside, ev),
            params=params,
        )
        yield Observation(
            label=f"beta -> {regime}",
            subject=f"intervals: points proving |MEX - {name}| > {within}",
            claim=Claim("<=", "0", 0, "0", quantifier="point", quantity="points"),
            measurement=Measurement(outside, ev),
            params=params,
        )
