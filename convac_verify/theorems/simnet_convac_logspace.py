"""Deep SimNets: a ConvAC computed in log space is a SimNet.

Hypotheses (Deep SimNets, Sec. 4; COLT 2016 App. E): a ConvAC with positive weights and
positive representation values. Claim: taking logs, each 1x1 convolution becomes a MEX
with offsets, ``log sum_alpha a_alpha y_alpha = MEX_{beta=1}{log y_alpha + log a_alpha}
+ log n``, each product pooling a sum of logs, and the SimNet built this way outputs the
log of the ConvAC's output.

Evidence (:mod:`convac_verify.simnet.evidence`): SymPy proves both operator identities for
``n`` symbolic positive inputs (``proved``, certificate ``symbolic-identity``; an identity
SymPy cannot reduce is ``inconclusive``). On random positive ConvACs (``trees``, exact
rational weights) the ConvAC's output is computed exactly over Q and the SimNet's in
rigorous interval arithmetic: agreement to ``digits`` digits is proved at each instance
(``point`` claims, certificate ``interval``); "no instance where they are proved
different" is ``consistent`` (numbers never prove the identity).

Negative control: ``log_n_offset=False`` builds the SimNet without the ``+ log n``: the
intervals prove it differs (``violated``, certificate ``interval``). No claim control:
interval evidence bounds digits and counts from one side only.

References
----------
N. Cohen, O. Sharir, A. Shashua. Deep SimNets. CVPR 2016, Sec. 4. N. Cohen, O. Sharir,
A. Shashua. On the Expressive Power of Deep Learning: A Tensor Analysis. COLT 2016,
App. E.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator

import numpy as np

from ..engines.measure import Context
from ..evidence.observation import Observation
from ..evidence.status import Claim, Measurement
from ..networks.trees import parse_tree
from ..simnet.evidence import interval_evidence, sympy_measurement
from ..simnet.logspace import (
    convac_output,
    log_space_output,
    operator_identities,
    random_positive_convac,
)
from ..simnet.mex import compare_intervals, interval, interval_precision
from .registry import register_theorem


@register_theorem(
    "simnet-convac-logspace",
    title="A positive ConvAC in log space is a SimNet: conv -> MEX_1 + log n, pooling -> sum",
    reference="Cohen, Sharir & Shashua, Deep SimNets, CVPR 2016, Sec. 4; COLT 2016, App. E",
    hypotheses="positive 1x1 conv weights and representations; product pooling",
    family="simnet",
    defaults={
        "symbolic_n": "2,3",
        "trees": "balanced:4;balanced:8;cp:4;windows:2,3",
        "dim": 2,
        "width": 2,
        "trials": 2,
        "precision": 300,
        "digits": 50,
        "log_n_offset": True,
    },
    negative_controls={"without + log n": {"log_n_offset": False}},
)
def check(
    ctx: Context,
    *,
    symbolic_n: str,
    trees: str,
    dim: int,
    width: int,
    trials: int,
    precision: int,
    digits: int,
    log_n_offset: bool,
) -> Iterator[Observation]:
    """Operator identities with SymPy; whole networks in interval arithmetic."""
    seed = ctx.settings.seed
    for n in (int(v) for v in symbolic_n.split(",") if v.strip()):
        for op, proved in operator_identities(n).items():
            what = (
                "log sum a y = MEX_1{log y + log a} + log n"
                if op == "conv"
                else "log prod v = sum log v"
            )
            yield Observation(
                label=f"n={n} symbolic",
                subject=f"{op}: {what} (SymPy identity)",
                claim=Claim(
                    ">=", "1", 1, "1", quantifier="point", quantity="identity proved (0/1)"
                ),
                measurement=sympy_measurement(True if proved else None),
                params={"n": n, "operator": op},
            )
    iv = interval_precision(precision)
    for spec in (t.strip() for t in trees.split(";") if t.strip()):
        tree = parse_tree(spec)
        rng = np.random.default_rng([seed, zlib.crc32(f"logspace/{spec}".encode())])
        agree, differ = [], 0
        for _ in range(trials):
            net = random_positive_convac(tree, dim, width, rng)
            simnet = log_space_output(net, log_n_offset=log_n_offset)
            comp = compare_intervals(simnet, iv.log(interval(convac_output(net))))
            agree.append(comp.digits)
            differ += comp.differ
        ev = interval_evidence(precision, seed)
        params = {
            "tree": spec,
            "M": dim,
            "r": width,
            "trials": trials,
            "log_n_offset": log_n_offset,
        }
        yield Observation(
            label=spec,
            subject=f"SimNet output = log(ConvAC output) to >= {digits} digits, {trials} instances",
            claim=Claim(
                ">=", str(digits), digits, str(digits), quantifier="point", quantity="digits"
            ),
            measurement=Measurement(min(agree), ev),
            params=params,
        )
        yield Observation(
            label=spec,
            subject="instances where SimNet and log ConvAC are proved different",
            claim=Claim("<=", "0", 0, "0", quantifier="point", quantity="instances"),
            measurement=Measurement(differ, ev),
            params=params,
        )
