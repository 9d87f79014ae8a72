"""Table and LaTeX views of ``convac-verify symbolic`` reports.

Pure renderers over a :class:`~convac_verify.report.model.Report` whose first result
carries the symbolic data in ``measurement.extra["symbolic"]``
(:func:`convac_verify.symbolic.summary.summarize`): the weights and their names, the
matricization entry by entry, the rank over Q(w), a nonzero maximal minor factored,
the ideal of all maximal minors, and the structural bounds as formulas in the widths;
then the results table (symbolic rank against the numeric engines, the structural
bound and the user's claim).
"""

from __future__ import annotations

from typing import Any

from rich.console import Console

from .latex import escape, latex_document, latex_table, settings_caption, status_tex
from .model import CheckResult, Report
from .numbers import fmt_int, latex_int
from .table import render_footer, result_table

__all__ = ["symbolic_data", "symbolic_latex", "symbolic_table"]

_REL = {">=": r"\geq", "<=": r"\leq", "==": "="}


def symbolic_data(report: Report) -> dict[str, Any]:
    """The symbolic data of the report's first result."""
    data = report.results[0].observation.measurement.extra["symbolic"]
    assert isinstance(data, dict)
    return data


def _modes(modes: list[int]) -> str:
    return "(" + ", ".join(f"d_{m}" for m in modes) + ")"


def symbolic_table(report: Report, console: Console) -> None:
    """Plain-text view: the symbolic objects, then the results and the verdict."""
    d = symbolic_data(report)
    p = lambda text="": console.print(text, highlight=False, markup=False, soft_wrap=True)
    p(f"architecture: {d['network']}")
    names = d["weights"]
    shown = (
        ", ".join(names)
        if len(names) <= 12
        else ", ".join(names[:6]) + ", ..., " + ", ".join(names[-3:])
    )
    p(f"weights: {len(names)} symbols ({d['naming']})")
    p(f"  {shown}")
    g = d["grid_tensor"]
    p(
        f"grid tensor A[d_0..d_{len(d['row_modes']) + len(d['col_modes']) - 1}]: {g['entries']} "
        f"entries, polynomials of degree {g['degree']} with up to {g['max_terms']} monomials"
    )
    p(
        f"matricization [[A]]_{{I,J}}: rows {_modes(d['row_modes'])}, columns "
        f"{_modes(d['col_modes'])} (values from 0), {len(d['row_labels'])} x "
        f"{len(d['col_labels'])}"
    )
    for i, row in enumerate(d["matricization"]):
        for j, entry in enumerate(row):
            p(f"  [{d['row_labels'][i]}, {d['col_labels'][j]}] = {entry['text']}")
    p()
    e = d["elimination"]
    p(
        f"rank over Q(w) (fraction-free elimination, exact): {d['rank']}  "
        f"[{e['updates']} entry updates, {e['term_pairs']:,} term pairs]"
    )
    p("  = the rank for almost every weight setting AND the maximum over all weights")
    m = d["minor"]
    if d["rank"]:
        p(
            f"nonzero maximal minor: rows {m['rows']}, columns {m['cols']} "
            f"({m['expanded_terms']:,} terms expanded, degree {m['degree']}); factored:"
        )
        p(f"  {m['text']}")
        p("  the rank drops below its generic value only where this polynomial vanishes")
    ideal = d["ideal"]
    if ideal is None:
        p(f"ideal of all maximal minors: not computed ({d['ideal_note']})")
    elif ideal["minors"] == 1:
        p("the minor above is the only maximal minor: the exceptional set is its zero set")
    else:
        p(
            f"ideal of all {ideal['minors']} maximal minors ({ideal['generators']} distinct "
            "nonzero up to sign): the exceptional set is their common zero locus"
        )
        p(f"  gcd (zero on a whole hypersurface of exceptions when not 1): {ideal['gcd']['text']}")
        basis = ideal["groebner"]
        if basis is None:
            p(f"  {ideal['groebner_note']}")
        else:
            p(f"  reduced Groebner basis (degrevlex), {len(basis)} element(s):")
            for b in basis[:8]:
                p(f"    {b['text']}")
            if len(basis) > 8:
                p(f"    ... ({len(basis) - 8} more; JSON has them all)")
    for kind, f in d["bounds"].items():
        p(f"upper bound for all weights, {kind}: {f['text']} = {fmt_int(f['value'])}")
    console.print(result_table("results", report.results, _box()))
    render_footer(report, console)


def _box() -> Any:
    from rich import box

    return box.SIMPLE_HEAVY


def _cells(r: CheckResult) -> list[str]:
    o, m = r.observation, r.observation.measurement
    c = o.claim
    return [
        escape(o.subject),
        f"${latex_int(m.rank)}$",
        f"${_REL[c.relation]} {c.latex or escape(c.formula)} = {latex_int(c.value)}$",
        escape(r.status.value),
        status_tex(r) if r.verdict.epsilon else "--",
    ]


def symbolic_latex(report: Report) -> str:
    """A compilable document: the symbolic objects as equations, then the results."""
    d = symbolic_data(report)
    lines = [
        rf"\section*{{Symbolic rank: {escape(d['network'])}}}",
        f"Weights ({len(d['weights'])} symbols): {escape(d['naming'])}.",
        "",
        (
            rf"Matricization $[\![A]\!]_{{I,J}}$, rows ${_modes_tex(d['row_modes'])}$, columns "
            rf"${_modes_tex(d['col_modes'])}$ (values from 0):"
        ),
        r"\begin{itemize}",
    ]
    for i, row in enumerate(d["matricization"]):
        for j, entry in enumerate(row):
            lines.append(
                rf"\item $[\![A]\!]_{{{d['row_labels'][i]},{d['col_labels'][j]}}} = "
                rf"{entry['latex']}$"
            )
    lines += [r"\end{itemize}", ""]
    lines.append(
        rf"Rank over $\mathbf{{Q}}(w)$ (fraction-free elimination): ${d['rank']}$, the rank for "
        r"almost every weight setting and the maximum over all weights."
    )
    m = d["minor"]
    if d["rank"]:
        lines += [
            "",
            f"Nonzero maximal minor (rows {m['rows']}, columns {m['cols']}), factored:",
            rf"\[ {m['latex']} \]",
        ]
    ideal = d["ideal"]
    if ideal is not None and ideal["minors"] > 1:
        lines += [
            "",
            f"All {ideal['minors']} maximal minors ({ideal['generators']} distinct): their gcd is",
            rf"\[ {ideal['gcd']['latex']} \]",
        ]
    lines.append("")
    for kind, f in d["bounds"].items():
        lines.append(
            rf"Upper bound for all weights ({escape(kind)}): ${f['latex']} = "
            rf"{latex_int(f['value'])}$.\par"
        )
    table = latex_table(
        f"Symbolic rank of {escape(d['network'])}. {settings_caption(report)}",
        ["result", "rank", "claim", "status", r"$\varepsilon$"],
        [_cells(r) for r in report.results],
    )
    return latex_document(report, [lines + [""], table])


def _modes_tex(modes: list[int]) -> str:
    return "(" + ", ".join(f"d_{{{m}}}" for m in modes) + ")"
