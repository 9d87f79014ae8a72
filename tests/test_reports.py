"""Output formats: JSON schema, LaTeX that compiles, JUnit XML, rich tables."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from rich.console import Console

from convac_verify.engines.measure import Context
from convac_verify.report import FORMATS, render_json, render_junit, render_latex
from convac_verify.report.latex import escape
from convac_verify.report.model import SCHEMA_VERSION
from convac_verify.theorems.runner import run_checks


@pytest.fixture(scope="module")
def report():  # type: ignore[no-untyped-def]
    plan = [
        ("colt16-theorem-1", {"n_modes": 8}),
        ("cp-rank-bound", {"n_modes": 8, "network": "deep", "partitions": "odd-even"}),
    ]
    return run_checks("test", plan, Context())


def test_json_schema(report) -> None:  # type: ignore[no-untyped-def]
    doc = json.loads(render_json(report))
    assert doc["schema_version"] == SCHEMA_VERSION
    assert doc["verdict"] == "fail" and doc["counts"]["violated"] >= 1
    assert set(doc) >= {"tool", "command", "settings", "results", "growth", "counts"}
    r = doc["results"][0]
    assert set(r) >= {"check", "params", "measured_rank", "bound", "relation", "status", "evidence"}
    assert r["bound"]["formula"] == "min(r0, M)**(N/2)" and r["bound"]["value"] == 2
    assert set(r["evidence"]) >= {"field", "prime", "seed", "method", "weights"}
    # the default prime is drawn from [2**61, 2**62) from the seed: every epsilon is rigorous
    assert 2**61 <= r["evidence"]["prime"] < 2**62 and r["evidence"]["prime_random"] is True
    assert r["evidence"]["certificate"] == {
        "kind": "witness",
        "detail": r["evidence"]["certificate"]["detail"],
    }
    assert {b["certificate"]["kind"] for b in r["upper_bounds"]} >= {"c-recursion", "joint-span"}
    assert render_json(report) == render_json(report)  # deterministic


def test_csv_rows_name_certificates(report) -> None:  # type: ignore[no-untyped-def]
    import csv

    from convac_verify.report import CSV_COLUMNS, render_csv

    rows = list(csv.DictReader(io.StringIO(render_csv(report))))
    assert tuple(rows[0]) == CSV_COLUMNS and len(rows) == len(report.results)
    doc = json.loads(render_json(report))
    for row, res in zip(rows, doc["results"], strict=True):
        assert row["status"] == res["status"]
        cert = res["evidence"]["certificate"]
        assert row["certificate"] == (cert["kind"] if cert else "")
        assert row["upper_certificate"] == res["upper_bound"]["certificate"]["kind"]
        assert int(row["prime"]) == res["evidence"]["prime"]  # all digits
        assert row["prime_random"] == "true"


def test_csv_rows_carry_their_series_growth() -> None:
    """Every row of a series repeats the series' family judgement (JSON ``growth``)."""
    import csv

    from convac_verify.report import render_csv

    plan = [("colt16-theorem-1", {"n_modes": 16}), ("cp-rank-bound", {"n_modes": 16})]
    grown = run_checks("test", plan, Context())
    rows = list(csv.DictReader(io.StringIO(render_csv(grown))))
    doc = json.loads(render_json(grown))
    series = {(g["check"], g["series"]): g for g in doc["growth"]}
    assert len(series) >= 2
    for row, res in zip(rows, grown.results, strict=True):
        g = series.get((res.check, res.observation.series))
        if g is None:
            assert row["growth_measured"] == row["growth_theory"] == ""
            continue
        assert row["growth_variable"] == g["variable"] == "N"
        assert row["growth_measured"].startswith(f"{g['measured']['kind']}: ")
        assert row["growth_theory"].startswith(f"{g['theory']['kind']}: ")
    kinds = {(r["check"], r["growth_measured"].split(":")[0]) for r in rows}
    assert ("colt16-theorem-1", "exponential") in kinds and ("cp-rank-bound", "bounded") in kinds


def test_junit(report) -> None:  # type: ignore[no-untyped-def]
    root = ET.fromstring(render_junit(report))
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == ["colt16-theorem-1", "cp-rank-bound"]
    failures = root.findall(".//failure")
    assert len(failures) == int(suites[1].get("failures") or 0) >= 1
    assert len(root.findall(".//testcase")) == len(report.results)


def test_latex_escape() -> None:
    assert escape("a_b & 50% #1 {x} ~^\\") == (
        r"a\_b \& 50\% \#1 \{x\} \textasciitilde{}\textasciicircum{}\textbackslash{}"
    )


def test_latex_compiles(report, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    if shutil.which("pdflatex") is None:
        if os.environ.get("CI"):
            pytest.fail("pdflatex is required in CI (.ci/run installs texlive)")
        pytest.skip("pdflatex not installed")
    tex = tmp_path / "report.tex"
    tex.write_text(render_latex(report))
    assert r"\begin{longtable}" in tex.read_text() and r"\toprule" in tex.read_text()
    proc = subprocess.run(
        ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", tex.name],
        check=False,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stdout[-2000:]
    assert (tmp_path / "report.pdf").stat().st_size > 0


def test_every_format_renders(report) -> None:  # type: ignore[no-untyped-def]
    for name, render in FORMATS.items():
        buffer = io.StringIO()
        render(report, Console(file=buffer, width=120, color_system=None))
        assert "colt16-theorem-1" in buffer.getvalue(), name


def test_table_mentions_statuses(report) -> None:  # type: ignore[no-untyped-def]
    console = Console(record=True, width=160, color_system=None)
    FORMATS["table"](report, console)
    text = console.export_text()
    assert "proved" in text and "violated" in text and "verdict: FAIL" in text
