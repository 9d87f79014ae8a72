"""Dilated and mixed networks with ReLU, ``g(a, b) = max{a + b, 0}`` (Cohen, Tamari &
Shashua's experiment): ranks measured with the rectifier machinery (beyond the paper's
theorems).

Hypotheses (ICLR 2018, arXiv v3 Sec. 6 uses this g; the theorems are for the product):
T = baseline, T-bar = groups:2 (dilations 2,1,4 at N = 8), mixture nodes at layer 2, the
worked partition ``ctm18-example``; T, T-bar, their plain sum and the mixed network with
the **same** r channels per network (the experiment's comparison at equal size); M
discretizers; integer weights uniform in ``[-2^20, 2^20]``
(:mod:`convac_verify.rectifier.dilated`). Per network the largest rank over ``draws``
random points (modulo a random prime: a certified lower bound at each point).

What the evidence model allows (a ReLU network's grid tensor is piecewise polynomial in
the weights, :mod:`convac_verify.evidence.status`): a point above an almost-everywhere
lower bound is ``consistent`` (such weights exist), a point below it ``inconclusive``;
random points never ``verify``; an upper bound is refuted by a point above it, with
certainty. Claims:

* each network: some weights reach the product-pooling lower bound (Theorem 7: ``r^P``;
  the mixed network: Claim 5's ``(r/2)^P(H)``) -- an existence claim, ``proved`` by a
  point that reaches it; for the mixed network also the almost-everywhere version, which
  a point can only be ``consistent`` with;
* ``mixed >= max(T, T-bar)`` over the drawn sample (the experiment's finding that mixing
  helps): a sample statistic, ``consistent`` or ``inconclusive``.

``params`` record the product-pooling upper bound ``r^U`` of each tree and whether a
ReLU point exceeds it (``exceeds_product_bound``): Theorem 7's upper bound is a statement
about the product, and ReLU points do exceed it (a finding, ``docs/interconnectivity.md``).

Negative control ``variant=product-bound``: "ReLU T and T-bar obey the product-pooling
upper bound ``r^U`` for all weights" -- a drawn point above it refutes it with certainty.

References
----------
N. Cohen, R. Tamari, A. Shashua. Boosting Dilated Convolutional Networks with Mixed
Tensor Decompositions. ICLR 2018 (arXiv 1703.06846v3): eq. 3-4, Theorem 7, Claim 5,
Sec. 6. N. Cohen, A. Shashua. ICML 2016, eq. 5.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator

import numpy as np

from ..bounds import matrix_size_bound
from ..bounds.hybrids import best_hybrid
from ..bounds.tilings import tiling_bounds
from ..engines.measure import Context, check_dense_budget
from ..errors import ConvacError
from ..evidence.observation import Observation
from ..evidence.status import Claim, Evidence, Measurement
from ..networks.dilated import example_partition
from ..networks.matricize import matricize
from ..rectifier.dilated import BOUND, NETWORKS, WEIGHT_VALUES, dilated_relu_grid, random_weights
from ..rectifier.ranks import modular_rank
from .ctm18_claim5 import default_mixture
from .ctm18_corollary8_measured import parse_cases
from .registry import register_theorem

METHOD = "exact integers (ReLU), rank mod p"


@register_theorem(
    "ctm18-relu",
    title="ReLU dilated and mixed networks (g = max{a+b, 0}): ranks at random points",
    reference="Cohen, Tamari & Shashua, ICLR 2018, Sec. 6 operator (arXiv v3); beyond the paper",
    hypotheses=(
        "g(a, b) = max{a + b, 0}; baseline T, T-bar swapped in pairs of layers, mixture nodes "
        "at layer 2, r channels per network, partition ctm18-example; piecewise-polynomial "
        "grid tensors (points prove nothing almost everywhere)"
    ),
    family="interconnect",
    defaults={"cases": "8:4", "width": 2, "draws": 3, "variant": "paper"},
    negative_controls={"product-bound": {"variant": "product-bound"}},
    choices={"variant": ("paper", "product-bound")},
)
def check(
    ctx: Context, *, cases: str, width: int, draws: int, variant: str
) -> Iterator[Observation]:
    """Per case: T, T-bar, the sum and the mixed network with ReLU."""
    if variant not in ("paper", "product-bound"):
        raise ConvacError(f"variant must be paper or product-bound; got {variant!r}")
    if width < 2 or width % 2:
        raise ConvacError(
            f"width must be even and >= 2 (the mixed network swaps half); got {width}"
        )
    settings = ctx.settings
    r = width
    for n, dim in parse_cases(cases):
        check_dense_budget(n, dim, settings)
        ctx.progress(f"ctm18 relu N={n} M={dim}")
        mixture, (spec_t, spec_bar) = default_mixture(n, "", "")
        part = example_partition(n)
        size = matrix_size_bound(dim, part)
        tb = [tiling_bounds(t, part) for t in mixture.pair()]
        lower = {
            "T": r ** tb[0].lower_exponent,
            "T-bar": r ** tb[1].lower_exponent,
            "T+T-bar": r ** max(tb[0].lower_exponent, tb[1].lower_exponent),
            "mixed": (r // 2) ** best_hybrid(mixture, part).exponent,
        }
        product_upper = {"T": r ** tb[0].upper_exponent, "T-bar": r ** tb[1].upper_exponent}
        ranks: dict[str, list[int]] = {}
        for net in NETWORKS:
            rng = np.random.default_rng(
                [settings.seed, zlib.crc32(f"relu/{n}/{dim}/{net}".encode())]
            )
            ranks[net] = []
            for _ in range(draws):
                v = rng.integers(-BOUND, BOUND + 1, (dim, r)).astype(object)
                grid = dilated_relu_grid(mixture, net, random_weights(mixture, r, rng), v)
                ranks[net].append(modular_rank(matricize(grid, part), settings.prime))
        evidence = Evidence.random_piecewise(
            field="GF(p)",
            method=METHOD,
            seed=settings.seed,
            sample_space=WEIGHT_VALUES,
            prime=settings.prime,
            prime_random=settings.prime_random,
        )
        base = {
            "N": n,
            "M": dim,
            "r": r,
            "operator": "max{a + b, 0}",
            "T": spec_t,
            "T_bar": spec_bar,
            "mix": [sorted(m) for m in mixture.nodes],
            "partition": part.name,
            "draws": draws,
        }
        label = f"N={n} M={dim} r={r} ReLU"
        for net in NETWORKS:
            got = max(ranks[net], default=0)
            m = Measurement(got, evidence, (size,), extra={"ranks": ranks[net], "draws": draws})
            params = base | {"network": net, "ranks": ranks[net]}
            if net in product_upper:
                params |= {
                    "product_upper_bound": product_upper[net],
                    "exceeds_product_bound": got > product_upper[net],
                }
            if variant == "product-bound":
                if net in product_upper:
                    yield Observation(
                        label,
                        f"ReLU {net} rank <= r^U (the product's bound; false claim)",
                        Claim("<=", f"r**U({net})", product_upper[net], "r^{U}"),
                        m,
                        params,
                    )
                continue
            formula = "r**P" if net != "mixed" else "(r/2)**P(H)"
            yield Observation(
                label,
                f"ReLU {net}: some weights reach the product-pooling lower bound",
                Claim(">=", formula, lower[net], "r^{P}", quantifier="exists"),
                m,
                params,
            )
            if net == "mixed":
                yield Observation(
                    label,
                    "ReLU mixed rank >= Claim 5's bound almost everywhere (not decidable here)",
                    Claim(">=", formula, lower[net], r"(r/2)^{P(H)}"),
                    m,
                    params,
                )
        if variant == "paper":
            best_tree = max(max(ranks["T"], default=0), max(ranks["T-bar"], default=0))
            yield Observation(
                label,
                "ReLU mixed >= max(T, T-bar) (the experiment: mixing helps)",
                Claim(
                    ">=",
                    "max(rank T, rank T-bar) in this sample",
                    best_tree,
                    r"\max(\mathrm{rank}\,T, \mathrm{rank}\,\bar T)",
                    quantifier="sample",
                ),
                Measurement(max(ranks["mixed"], default=0), evidence, (size,)),
                base | {"network": "mixed vs trees"},
            )
