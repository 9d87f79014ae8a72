"""User-defined activation-pooling operators: algebra check and rank histograms.

No claim of ICML 2016 applies to an arbitrary ``g``: the results are measurements
(status ``consistent`` unless a histogram reaches the full matrix size), and notes say
whether ``g`` is commutative and associative on samples (the paper assumes both).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from ..engines.measure import Context
from ..evidence.certificates import Bound, Certificate
from ..evidence.observation import Observation
from ..evidence.status import Claim, Measurement, decide_escalated
from ..report.model import CheckResult
from .measure import representation, stream
from .operators import Operator, check_algebra
from .ranks import random_prime
from .simulation import RankHistogram, rank_histogram

__all__ = ["user_operator_results"]


def user_operator_results(
    op: Operator,
    ctx: Context,
    *,
    n_modes: int,
    dim: int,
    specs: Sequence[tuple[int, ...]],
    draws: int,
    F: str,
    exact: bool,
) -> tuple[list[CheckResult], list[str]]:
    """Histograms for a user-defined g (measurements, no theorem) and algebra notes."""
    algebra = check_algebra(op, stream(ctx.settings.seed, "algebra"))
    notes = [
        (
            f"user g = {op.formula}: commutative {'yes' if algebra.commutative else 'NO'}, "
            f"associative {'yes' if algebra.associative else 'NO'} "
            f"(all pairs/triples of {algebra.samples} sampled rationals; a pass is not a proof)"
        )
    ]
    for line in algebra.counterexamples:
        notes.append(
            f"{line}: ICML 2016 assumes g associative and commutative, so results for this g "
            "depend on the pooling order (left to right here) and no claim of the paper applies"
        )
    f_matrix = representation(ctx.settings.seed, F, dim)
    prime = None if exact else random_prime(stream(ctx.settings.seed, "appendix-f/prime"))
    results = []
    for ws in specs:
        hist: RankHistogram = rank_histogram(
            n_modes,
            dim,
            ws,
            op,
            draws,
            seed=ctx.settings.seed,
            F=f_matrix,
            prime=prime,
            max_memory=ctx.settings.max_memory,
            progress=ctx.progress,
        )
        top = max(hist.counts, default=0)
        evidence = hist.evidence(ctx.settings.seed, op)
        extra = hist.report_fields()
        obs = Observation(
            label="(" + ",".join(map(str, ws)) + ")",
            subject=f"largest odd-even rank of deep g = {op.formula} networks (a measurement)",
            claim=Claim("==", "measured", top, r"\mathrm{measured}"),
            measurement=Measurement(
                top,
                evidence,
                (Bound(hist.full_rank, Certificate("matrix-size", "size of the matricization")),),
                extra,
            ),
            params={
                "N": n_modes,
                "M": dim,
                "widths": list(ws),
                "draws": draws,
                "pooling": f"g = {op.formula}",
                "F": F,
                "full": hist.full_rank,
            },
        )
        claim, m, verdict = decide_escalated(obs.claim, obs.measurement, "user-operator")
        obs = replace(obs, claim=claim, measurement=m)
        results.append(
            CheckResult(
                "user-operator", "user-defined g (no paper claim)", "rectifier", obs, verdict
            )
        )
    return results, notes
