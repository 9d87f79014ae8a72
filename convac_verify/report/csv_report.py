"""CSV output: one row per result, for spreadsheets and scripts.

Columns (:data:`CSV_COLUMNS`, documented in the README): ``check, reference, family,
label, subject, quantity, measured, relation, bound_formula, bound_value, quantifier,
upper_bound, upper_certificate, status, epsilon, reason, certificate, certificate_detail,
field, prime, prime_random, seed, method, weights, sample_space, degree, polynomial,
params, growth_variable, growth_measured, growth_theory``. Integers are exact (all digits, never rounded: a rank of ``2**512`` is written
out in full); ``upper_certificate`` is the kind of the smallest upper bound's certificate,
``certificate``/``certificate_detail`` what the status rests on (JSON
``evidence.certificate``; empty when nothing does); ``epsilon`` is a decimal float or
empty when the status is certain; ``params`` is the row's parameters as compact JSON.
The ``growth_*`` columns repeat, on every row of a series, the family judgement of that
series (JSON ``growth``): the variable it grows in, and the class the measured ranks and
the theory's bound fit, e.g. ``exponential: 2**(x/2) (exact fit)``; empty for a row in
no series of at least three points.
"""

from __future__ import annotations

import csv
import io
import json

from .model import GrowthLine, Report

__all__ = ["CSV_COLUMNS", "render_csv"]

CSV_COLUMNS = (
    "check",
    "reference",
    "family",
    "label",
    "subject",
    "quantity",
    "measured",
    "relation",
    "bound_formula",
    "bound_value",
    "quantifier",
    "upper_bound",
    "upper_certificate",
    "status",
    "epsilon",
    "reason",
    "certificate",
    "certificate_detail",
    "field",
    "prime",
    "prime_random",
    "seed",
    "method",
    "weights",
    "sample_space",
    "degree",
    "polynomial",
    "params",
    "growth_variable",
    "growth_measured",
    "growth_theory",
)


def render_csv(report: Report) -> str:
    """A header line and one line per result (RFC 4180 quoting, ``\\n`` line ends)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    growth = {(g.check, g.series): g for g in report.growth}
    for r in report.results:
        d = r.to_dict()
        line = growth.get((r.check, r.observation.series))
        ev = d["evidence"]
        cert = ev["certificate"] or {"kind": "", "detail": ""}
        writer.writerow(
            [
                d["check"],
                d["reference"],
                d["family"],
                d["label"],
                d["subject"],
                d["bound"]["quantity"],
                d["measured_rank"],
                d["relation"],
                d["bound"]["formula"],
                d["bound"]["value"],
                d["bound"]["quantifier"],
                "" if d["upper_bound"] is None else d["upper_bound"]["value"],
                "" if d["upper_bound"] is None else d["upper_bound"]["certificate"]["kind"],
                d["status"],
                "" if d["epsilon"] is None else repr(d["epsilon"]),
                d["reason"],
                cert["kind"],
                cert["detail"],
                ev["field"],
                "" if ev["prime"] is None else ev["prime"],
                "true" if ev["prime_random"] else "false",
                "" if ev["seed"] is None else ev["seed"],
                ev["method"],
                ev["weights"],
                "" if ev["sample_space"] is None else ev["sample_space"],
                "" if ev["degree"] is None else ev["degree"],
                "true" if ev["polynomial"] else "false",
                json.dumps(d["params"], sort_keys=True, separators=(",", ":"), default=str),
                *_growth_cells(line),
            ]
        )
    return buffer.getvalue()


def _growth_cells(line: GrowthLine | None) -> list[str]:
    """``growth_variable, growth_measured, growth_theory`` of a row's series."""
    if line is None:
        return ["", "", ""]

    def judged(kind: str, formula: str, exact: bool) -> str:
        return f"{kind}: {formula}" + (" (exact fit)" if exact else "")

    m, t = line.measured, line.theory
    return [line.x_name, judged(m.kind, m.formula, m.exact), judged(t.kind, t.formula, t.exact)]
