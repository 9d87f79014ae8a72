"""JSON output: ``Report.to_dict()`` (schema in the README), deterministic."""

from __future__ import annotations

import json

from .model import Report

__all__ = ["render_json"]


def render_json(report: Report) -> str:
    """Indented JSON document with a trailing newline."""
    return json.dumps(report.to_dict(), indent=2) + "\n"
