"""Output formats behind one interface: ``FORMATS[name](report, console) -> None``.

``table`` prints rich tables; ``json``, ``csv``, ``latex`` and ``junit`` print documents. All
write results only; messages go to stderr.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.console import Console

from .csv_report import CSV_COLUMNS, render_csv
from .json_report import render_json
from .junit import render_junit
from .latex import render_latex
from .model import SCHEMA_VERSION, CheckResult, GrowthLine, Report
from .table import print_report

__all__ = [
    "CSV_COLUMNS",
    "FORMATS",
    "SCHEMA_VERSION",
    "CheckResult",
    "GrowthLine",
    "Report",
    "document_renderer",
    "get_format",
    "render_csv",
    "render_json",
    "render_junit",
    "render_latex",
]

Renderer = Callable[[Report, Console], None]


def document_renderer(render: Callable[[Report], str]) -> Renderer:
    """Adapt ``render(report) -> str`` to the ``FORMATS`` interface."""

    def out(report: Report, console: Console) -> None:
        console.file.write(render(report))

    return out


FORMATS: dict[str, Renderer] = {
    "table": print_report,
    "json": document_renderer(render_json),
    "csv": document_renderer(render_csv),
    "latex": document_renderer(render_latex),
    "junit": document_renderer(render_junit),
}


def get_format(name: str) -> Renderer:
    """Look up a format; the error lists the known ones."""
    try:
        return FORMATS[name]
    except KeyError:
        raise KeyError(f"unknown format {name!r}; known: {', '.join(FORMATS)}") from None
