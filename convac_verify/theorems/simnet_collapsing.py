"""Deep SimNets: the collapsing property of the MEX operator.

Hypotheses (Cohen, Sharir & Shashua, Deep SimNets, Sec. 3): ``MEX_beta{c_i} =
(1/beta) log((1/n) sum_i exp(beta c_i))``, one ``beta != 0`` throughout, and inner
groups of **equal** size. Claim: ``MEX_beta{MEX_beta{c_ij}_j}_i = MEX_beta{c_ij}_ij``.

Evidence (:mod:`convac_verify.simnet.evidence`): SymPy reduces the difference of the two
sides to 0 for symbolic ``c_ij`` and ``beta`` (``shapes``; ``proved``, certificate
``symbolic-identity``: an identity for all real inputs; a difference SymPy cannot reduce
is an ``inconclusive`` row -- that proves nothing either way). Interval arithmetic
(mpmath, ``precision`` bits) on random rational inputs and values of beta
(``interval_shapes``): agreement to ``digits`` digits is proved at each point (a ``point``
claim, certificate ``interval``), while "no point where the sides are proved different"
is only ``consistent`` -- numbers never prove an identity; a point where an enclosure
proves them different is a certain counterexample.

Negative control: ``shapes=2+3`` and ``interval_shapes=2+3,1+4`` (groups of different
sizes): the normalizations no longer multiply out, and the intervals prove the sides
differ (``violated``, certificate ``interval``; the SymPy row is ``inconclusive``). No
claim control: interval evidence bounds digits and counts from one side only, so a
strengthened claim is refuted by nothing but the enclosures' width.

References
----------
N. Cohen, O. Sharir, A. Shashua. Deep SimNets. CVPR 2016, Sec. 3 (the MEX operator).
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from fractions import Fraction

import numpy as np

from ..engines.measure import Context
from ..evidence.observation import Observation
from ..evidence.status import Claim, Measurement
from ..simnet.evidence import interval_evidence, sympy_measurement
from ..simnet.mex import (
    collapse_sides,
    compare_intervals,
    interval,
    interval_precision,
    mex_interval,
    parse_groups,
    sympy_identity,
)
from .registry import register_theorem


@register_theorem(
    "simnet-mex-collapsing",
    title="MEX collapsing: MEX{MEX{c_ij}_j}_i = MEX{c_ij}_ij (equal inner groups)",
    reference="Cohen, Sharir & Shashua, Deep SimNets, CVPR 2016, Sec. 3",
    hypotheses="one beta != 0 throughout; inner groups of equal size",
    family="simnet",
    defaults={
        "shapes": "2x2,3x2",
        "interval_shapes": "4x4,8x2,2x8",
        "betas": "1/2,3,-2",
        "precision": 300,
        "digits": 50,
    },
    negative_controls={"unequal groups": {"shapes": "2+3", "interval_shapes": "2+3,1+4"}},
)
def check(
    ctx: Context, *, shapes: str, interval_shapes: str, betas: str, precision: int, digits: int
) -> Iterator[Observation]:
    """Symbolic identity per shape; interval agreement on random inputs."""
    seed = ctx.settings.seed
    for spec in (s for s in shapes.split(",") if s.strip()):
        sizes = parse_groups(spec)
        proved = sympy_identity(*collapse_sides(sizes))
        yield Observation(
            label=f"groups {spec.strip()}",
            subject="SymPy: both sides reduce to the same expression",
            claim=Claim(">=", "1", 1, "1", quantifier="point", quantity="identity proved (0/1)"),
            measurement=sympy_measurement(True if proved else None),
            params={"sizes": list(sizes)},
        )
    interval_precision(precision)
    beta_values = [Fraction(b) for b in betas.split(",") if b.strip()]
    for spec in (s for s in interval_shapes.split(",") if s.strip()):
        sizes = parse_groups(spec)
        rng = np.random.default_rng([seed, zlib.crc32(f"collapse/{spec}".encode())])
        agree, differ = [], 0
        for beta in beta_values:
            c = [[Fraction(int(v), 16) for v in rng.integers(-64, 65, size=s)] for s in sizes]
            b = interval(beta)
            groups = [[interval(x) for x in g] for g in c]
            lhs = mex_interval([mex_interval(g, b) for g in groups], b)
            rhs = mex_interval([x for g in groups for x in g], b)
            comp = compare_intervals(lhs, rhs)
            agree.append(comp.digits)
            differ += comp.differ
        ev = interval_evidence(precision, seed)
        params = {"sizes": list(sizes), "betas": [str(b) for b in beta_values], "bits": precision}
        yield Observation(
            label=f"groups {spec.strip()}",
            subject=f"intervals: sides agree to >= {digits} digits at {len(beta_values)} points",
            claim=Claim(
                ">=", str(digits), digits, str(digits), quantifier="point", quantity="digits"
            ),
            measurement=Measurement(min(agree), ev),
            params=params,
        )
        yield Observation(
            label=f"groups {spec.strip()}",
            subject="intervals: points where the sides are proved different",
            claim=Claim("<=", "0", 0, "0", quantifier="point", quantity="points"),
            measurement=Measurement(differ, ev),
            params=params,
        )
