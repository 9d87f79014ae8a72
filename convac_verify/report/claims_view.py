"""Table and LaTeX views for checks whose measured integer is not a rank.

The generative (exact over Q) and SimNet (symbolic / interval) checks measure counts --
mismatches, operations, certified digits -- named by ``Claim.quantity``. These views
print one table per check with the quantity beside each measured value, the claim, the
status and the reason, then the notes and the verdict.
"""

from __future__ import annotations

from rich import box
from rich.console import Console
from rich.table import Table

from .latex import escape, latex_document, latex_table, settings_caption
from .model import CheckResult, Report
from .numbers import fmt_eps, fmt_int, latex_int
from .table import render_footer, status_text

__all__ = ["claims_latex", "claims_table"]

_REL = {">=": r"\geq", "<=": r"\leq", "==": "="}


def _by_check(report: Report) -> dict[str, list[CheckResult]]:
    out: dict[str, list[CheckResult]] = {}
    for r in report.results:
        out.setdefault(r.check, []).append(r)
    return out


def claims_table(report: Report, console: Console) -> None:
    """One table per check: row, what, measured (quantity), claim, status (the reason of
    every violated row follows the table)."""
    for name, rs in _by_check(report).items():
        t = Table(title=f"{name} -- {rs[0].reference}", box=box.SIMPLE_HEAVY, title_justify="left")
        for col in ("row", "what", "measured", "claim", "status", "eps"):
            t.add_column(col, justify="right" if col == "measured" else "left")
        for r in rs:
            o, c = r.observation, r.observation.claim
            t.add_row(
                o.label,
                o.subject,
                f"{fmt_int(o.measurement.rank)} {c.quantity}",
                f"{c.relation} {c.formula}"
                + ("" if c.formula == str(c.value) else f" = {fmt_int(c.value)}"),
                status_text(r),
                fmt_eps(r.verdict.epsilon),
            )
        console.print(t)
        for r in rs:
            if r.status.value == "violated":
                console.print(
                    f"violated: {r.observation.label}: {r.observation.subject}: {r.verdict.reason}",
                    highlight=False,
                    markup=False,
                )
    render_footer(report, console)


def _cells(r: CheckResult) -> list[str]:
    o, c = r.observation, r.observation.claim
    return [
        escape(o.label),
        escape(o.subject),
        f"${latex_int(o.measurement.rank)}$ {escape(c.quantity)}",
        f"${_REL[c.relation]} {c.latex or escape(c.formula)}$",
        escape(r.status.value),
    ]


def claims_latex(report: Report) -> str:
    """A compilable document: one booktabs table per check."""
    tables = [
        latex_table(
            f"{escape(name)}: {escape(rs[0].reference)}. {settings_caption(report)}",
            ["row", "what", "measured", "claim", "status"],
            [_cells(r) for r in rs],
        )
        for name, rs in _by_check(report).items()
    ]
    return latex_document(report, tables)
