"""The README and docs are self-contained: every link points inside the repository."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
SOURCES = sorted((ROOT / "convac_verify").rglob("*.py"))


def test_markdown_links_stay_in_the_repository() -> None:
    for doc in DOCS:
        for target in re.findall(r"\]\(([^)#\s]+)", doc.read_text()):
            if re.match(r"[a-z]+://", target):
                continue
            path = (doc.parent / target).resolve()
            assert path.is_relative_to(ROOT), (doc.name, target)
            assert path.exists(), (doc.name, target)


def test_nothing_refers_to_files_outside_the_repository() -> None:
    for path in [*DOCS, *SOURCES]:
        text = path.read_text()
        assert "../shared" not in text and "/work/" not in text, path


def test_ci_gate_workflow_is_ready_and_referenced() -> None:
    workflow = ROOT / "docs" / "ci" / "github-actions.yml"
    text = workflow.read_text()
    assert "convac-verify all" in text and "--junit convac-verify.xml" in text
    assert "report_paths: convac-verify.xml" in text and "pip install" in text
    assert "docs/ci/github-actions.yml" in (ROOT / "README.md").read_text()
