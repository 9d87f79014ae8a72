"""Large receptive field with r channels: left/right rank = min(r 2^(R-1), 2^(N/2)) (M = 2).

Hypotheses: M = 2, N = 2^L, the ``large-rf`` scheme -- a first linear convolution with
receptive field R, stride 1, valid padding, M -> r channels, then ``pool, [conv1 -> r,
pool]*`` and a readout -- shared weights. Claim (the tool's own; measured while the issue
was prepared, checked here): the generic left/right rank is ``min(r * 2**(R-1), 2**(N/2))``.
With a GC first layer (``--first gc``) and r = 1 it is 1.

Evidence: the lower bound is the rank of a random point (dense up to ``2**20`` entries, a
sampled submatrix beyond): a certified lower bound. The upper bound ``r * M**(R-1)`` is
the interface argument itself: only the R - 1 first-layer positions whose window crosses
the cut read both sides; the top pooling node is ``u_c v_c`` with ``v_c`` right-only and
``u_c`` reading R - 1 right inputs, so ``rank <= sum_c rank(u_c) <= r * M**(R-1)``
(``docs/overlaps.md``), and the interface certificate computes exactly this number. It is
this check's own bound (``OWN_BOUNDS``): it can neither prove nor refute these rows. So a
row is ``proved`` only where the cap ``2**(N/2)`` binds (the matrix size); elsewhere it is
``verified`` by random evaluation (dense rows: Schwartz--Zippel epsilon with the random
prime's term), and ``inconclusive`` where the rank comes from a sampled submatrix (a lower
bound only; N = 64 with ``--set sizes=64``).

Negative controls: ``formula_r_offset=1`` claims ``min((r+1) 2^(R-1), 2^(N/2))``; a random
point below it refutes it with epsilon below the threshold (dense rows). ``bound + 1``
raises every claim by one (the formula is the generic rank): refuted the same way, and by
the matrix size where the cap binds.

References
----------
O. Sharir, A. Shashua. ICLR 2018 (abstract only available; the formula is the tool's own).
"""

from __future__ import annotations

from collections.abc import Iterator

from ..engines.measure import Context
from ..evidence.observation import Observation
from ..evidence.status import Claim
from ..networks.partitions import left_right
from ..overlaps.measure import observe
from ..overlaps.schemes import SchemeParams, build_scheme
from .registry import register_theorem


def _ints(text: str) -> list[int]:
    return [int(t) for t in str(text).split(",") if t.strip()]


@register_theorem(
    "overlap-large-rf-formula",
    title="Large receptive field R, r channels (M = 2): left/right rank = min(r 2^(R-1), 2^(N/2))",
    reference="Sharir & Shashua, ICLR 2018 (the tool's own formula, measured and bounded)",
    hypotheses="M = 2, N = 2^L, conv R valid -> r, then [pool2, conv1 -> r]*, shared weights",
    family="overlap",
    defaults={"sizes": "8,16", "windows": "2,3,5", "widths": "1,2,3", "formula_r_offset": 0},
    negative_controls={
        "r + 1": {"formula_r_offset": 1},
        "bound + 1": {"claim": "bound+1"},
    },
)
def check(
    ctx: Context, *, sizes: str, windows: str, widths: str, formula_r_offset: int
) -> Iterator[Observation]:
    """Every (N, R, r) of the lists, then the GC first layer with r = 1."""
    for n in _ints(sizes):
        part = left_right(n)
        for window in _ints(windows):
            for width in _ints(widths):
                rr = width + formula_r_offset
                value = min(rr * 2 ** (window - 1), 2 ** (n // 2))
                r_text = "r" if not formula_r_offset else f"(r+{formula_r_offset})"
                net = build_scheme(
                    "large-rf", SchemeParams((n,), dim=2, width=width, window=window)
                )
                yield observe(
                    ctx,
                    net,
                    part,
                    Claim(
                        "==",
                        f"min({r_text}*2**(R-1), 2**(N/2))",
                        value,
                        rf"\min({r_text} 2^{{R-1}}, 2^{{N/2}})",
                    ),
                    label=f"N={n} R={window} r={width}",
                    subject="large-RF linear first layer: left-right rank",
                    params={"N": n, "M": 2, "R": window, "r": width, "first": "linear"},
                )
        net = build_scheme("large-rf", SchemeParams((n,), dim=2, width=1, window=3, first="gc"))
        yield observe(
            ctx,
            net,
            part,
            Claim("==", "1 (GC first layer, r = 1)", 1 + formula_r_offset, "1"),
            label=f"N={n} R=3 r=1 gc",
            subject="large-RF GC first layer: left-right rank",
            params={"N": n, "M": 2, "R": 3, "r": 1, "first": "gc"},
        )
