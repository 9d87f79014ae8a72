"""Plain-text tables (rich). Tests render them with ``box.ASCII`` at a fixed width."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

from rich import box as rich_box
from rich.console import Console
from rich.table import Table

from ..evidence.status import Status
from .model import CheckResult, Report
from .numbers import abbreviate_digits, fmt_eps, fmt_int

__all__ = [
    "STATUS_STYLE",
    "evidence_text",
    "print_report",
    "render_growth",
    "result_table",
    "status_style",
    "status_text",
    "worst_status",
]

STATUS_STYLE = {
    "proved": "bold green",
    "verified": "green",
    "consistent": "yellow",
    "inconclusive": "magenta",
    "violated": "bold red",
}
"""Terminal style per status value; a status without an entry is shown in cyan."""

_SEVERITY = ("violated", "inconclusive", "consistent", "verified", "proved")


def status_style(status: Status | str) -> str:
    """The style of a status (works for any member of :class:`Status`)."""
    value = status.value if isinstance(status, Status) else str(status)
    return STATUS_STYLE.get(value, "cyan")


def worst_status(statuses: Iterable[Status]) -> Status:
    """The weakest status: violated, inconclusive, consistent, verified, proved (a status
    this list does not know counts as weaker than consistent)."""

    def rank(s: Status) -> float:
        return _SEVERITY.index(s.value) if s.value in _SEVERITY else 1.5

    return min(statuses, key=rank)


def status_text(r: CheckResult) -> str:
    """Status word with its style markup."""
    return f"[{status_style(r.status)}]{r.status.value}[/]"


def evidence_text(r: CheckResult) -> str:
    """Short evidence summary: method, weights, field, the certificate's kind, and
    whether the row was escalated (redrawn modulo a fresh random prime)."""
    ev = r.observation.measurement.evidence
    weights = "random" if ev.weights == "random" else "witness"
    cert = r.verdict.certificate
    text = f"{ev.method}/{weights} {ev.field}" + (f" ({cert.kind})" if cert else "")
    if r.observation.measurement.extra.get("escalated"):  # not modulo the run's prime
        text += ", escalated"
    return text


def result_table(title: str, results: Sequence[CheckResult], box: rich_box.Box) -> Table:
    """One table of results: row, subject, the measured value (a ``rank`` column, and one
    column per other quantity, e.g. ``draws at full rank``: counts never sit under
    "rank"), claim, structural upper bound, status."""
    quantities = list(dict.fromkeys(r.observation.claim.quantity for r in results))
    if "rank" in quantities:
        quantities.remove("rank")
        quantities.insert(0, "rank")
    t = Table(title=title, box=box, title_justify="left")
    columns = [("row", "left"), ("measured", "left")]
    columns += [(q, "right") for q in quantities]
    columns += [
        ("claim", "left"),
        ("upper (all w)", "right"),
        ("status", "left"),
        ("eps", "right"),
        ("evidence", "left"),
    ]
    for col, justify in columns:
        t.add_column(col, justify=justify)  # type: ignore[arg-type]
    for r in results:
        o = r.observation
        c = o.claim
        values = [fmt_int(o.measurement.rank) if c.quantity == q else "-" for q in quantities]
        t.add_row(
            o.label,
            o.subject,
            *values,
            f"{c.relation} {c.formula} = {fmt_int(c.value)}",
            fmt_int(o.measurement.upper_bound),
            status_text(r),
            fmt_eps(r.verdict.epsilon),
            evidence_text(r),
        )
    return t


def render_growth(report: Report, console: Console) -> None:
    """One line per growth series: measured class beside the theory's."""
    for g in report.growth:
        console.print(
            f"growth of {g.series} ({g.check}) in {g.x_name}: measured "
            f"{g.measured.describe(g.x_name)}; theory {g.theory_formula}: "
            f"{g.theory.describe(g.x_name)}",
            highlight=False,
            markup=False,
        )


def render_footer(report: Report, console: Console) -> None:
    """Notes, the reasons of inconclusive results, the status counts and the verdict."""
    for note in report.notes:
        console.print(f"note: {note}", highlight=False, markup=False)
    for r in report.inconclusive:
        console.print(
            f"inconclusive: {r.check} {r.observation.label} ({r.observation.subject}): "
            f"{abbreviate_digits(r.verdict.reason)}",
            highlight=False,
            markup=False,
        )
    counts = ", ".join(f"{v} {k}" for k, v in report.counts().items())
    by = report.certificate_counts()
    if by:
        counts += "; proved by " + ", ".join(f"{k} {v}" for k, v in by.items())
    if report.family:
        fam = Counter(f.status for f in report.family)
        counts += "; family claims: " + ", ".join(f"{v} {k}" for k, v in sorted(fam.items()))
    strict = " --strict" if report.strict else ""
    style = "bold red" if report.verdict == "fail" else "bold green"
    console.print(
        f"verdict{strict}: [{style}]{report.verdict.upper()}[/] ({counts})", highlight=False
    )


def print_report(
    report: Report, console: Console, box: rich_box.Box = rich_box.SIMPLE_HEAVY
) -> None:
    """Generic rendering: one table per check, then growth, notes and verdict."""
    by_check: dict[str, list[CheckResult]] = {}
    for r in report.results:
        by_check.setdefault(r.check, []).append(r)
    for name, rs in by_check.items():
        console.print(result_table(f"{name} -- {rs[0].reference}", rs, box))
    render_growth(report, console)
    render_footer(report, console)
