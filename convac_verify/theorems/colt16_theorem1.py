"""COLT 2016 Theorem 1 (fundamental theorem of network capacity).

Hypotheses: the deep ConvAC of eq. 4 -- balanced binary mode tree (size-2 product
pooling windows, N a power of 2), dimension M, widths r_0..r_{L-1} >= 1, one output;
weights unshared (default) or shared. Claim: for almost all weights the odd-even
matricization ``[A]`` has rank ``>= min(r_0, M)**(N/2)``, hence CP-rank at least that.
Nothing is assumed of r_1..r_{L-1}: the default panel holds a uniform width and the
per-level widths ``3,2,1,1`` (r_1..r_3 below r_0), and ``widths`` takes any list of
specs (``r`` or ``r0,r1,...``; a sweep over N' uses the lowest levels).

Evidence: a random instance while its grid tensor fits the memory budget; beyond, the
explicit assignment of the proof (level-1 vectors ``e_alpha``, all-ones at level 1,
channel 1 above), whose matricization is ``I_r (x) ... (x) I_r``: the structured
contraction multiplies the exact ranks of the N/2 level-1 factors. The assignment does
not depend on the location, so it is a witness for the shared setting too.

Negative controls: ``shallow network`` holds a CP network with Z = r_0 terms to the
bound (refuted by its c-recursion bound Z); ``bound + 1`` keeps the deep network and
claims one more than the bound, which is tight (the c-recursion meets it): refuted.

References
----------
N. Cohen, O. Sharir, A. Shashua. On the Expressive Power of Deep Learning: A Tensor
Analysis. COLT 2016, Theorem 1 and App. B.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial

from ..engines.measure import Context
from ..evidence.observation import Observation
from ..evidence.status import Claim, Measurement
from ..networks.decompositions import level_widths, parse_width_specs, widths_label
from ..networks.partitions import odd_even
from ..networks.trees import balanced, balanced_sizes, cp_tree
from ..networks.witnesses import kronecker_witness
from .registry import register_theorem


@register_theorem(
    "colt16-theorem-1",
    title="Deep network: odd-even rank >= min(r0, M)^(N/2) almost everywhere",
    reference="Cohen, Sharir & Shashua, COLT 2016, Theorem 1",
    hypotheses="deep ConvAC (eq. 4), size-2 windows, N = 2^L, widths r_l >= 1, unshared or shared",
    family="depth",
    defaults={"n_modes": 16, "dim": 2, "widths": "2;3,2,1,1", "shared": False, "network": "deep"},
    negative_controls={
        "shallow network": {"network": "shallow"},
        "bound + 1": {"claim": "bound+1"},
    },
    choices={"network": ("deep", "shallow")},
)
def check(
    ctx: Context, *, n_modes: int, dim: int, widths: str, shared: bool, network: str
) -> Iterator[Observation]:
    """Measure the odd-even rank for N' = 2, 4, ..., n_modes and every width spec."""
    for n, ws, tag, m in odd_even_measurements(ctx, n_modes, dim, widths, shared, network):
        yield Observation(
            label=f"N={n}{tag}",
            subject=f"{network} odd-even rank",
            claim=Claim(
                ">=", "min(r0, M)**(N/2)", min(ws[0], dim) ** (n // 2), r"\min(r_0,M)^{N/2}"
            ),
            measurement=m,
            params={
                "N": n,
                "M": dim,
                "r": ws[0] if len(set(ws)) == 1 else list(ws),
                "shared": shared,
                "network": network,
            },
            series=f"{network} odd-even rank{tag}",
            x=n,
        )


def odd_even_measurements(
    ctx: Context, n_modes: int, dim: int, widths: str, shared: bool, network: str
) -> Iterator[tuple[int, tuple[int, ...], str, Measurement]]:
    """``(N', widths, label suffix, measurement)`` of the odd-even rank for N' = 2, 4, ...,
    ``n_modes`` and every width spec: the deep network (``balanced``, with the COLT16 App. B
    witness) or the shallow one (CP of width r0). Shared by Theorem 1 and Corollary 2,
    which read the same measurements (same cache keys)."""
    for k, spec in enumerate(parse_width_specs(widths)):
        tag = "" if k == 0 else f" {widths_label(spec)}"
        for n in balanced_sizes(n_modes):
            ws = level_widths(spec, n.bit_length() - 1)
            tree = balanced(n) if network == "deep" else cp_tree(n)
            m = ctx.measure(
                tree,
                dim,
                ws if network == "deep" else ws[:1],
                odd_even(n),
                witness=partial(kronecker_witness, tree, dim, ws, 1) if network == "deep" else None,
                witness_name="COLT16 App. B assignment",
                shared=shared,
            )
            yield n, ws, tag, m
