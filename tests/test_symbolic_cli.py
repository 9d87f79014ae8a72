"""``convac-verify symbolic`` end to end: output, formats, exit codes and refusals."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from .conftest import invoke_cli

EXAMPLE = ("symbolic", "--tree", "((0,1),(2,3))", "--widths", "2", "--M", "2", "--rows", "odd-even")


def test_example_from_the_issue() -> None:
    r = invoke_cli(*EXAMPLE)
    assert r.exit_code == 0, r.stderr
    out = r.stdout
    assert "rank over Q(w) (fraction-free elimination, exact): 4" in out
    assert "26 symbols" in out and "a^{0,1,1}_1" in out and "a^{2,1}_2" in out
    assert "[(0,0), (0,0)] = a^{0,1,1}_1*a^{0,2,1}_1" in out
    # the minor, factored: squared leaf determinants
    assert "(-a^{0,1,1}_1*a^{0,1,2}_2 + a^{0,1,1}_2*a^{0,1,2}_1)**2" in out
    assert "joint-span: Min(M**2, r0**2) = 4" in out
    assert (
        "verdict: PASS (2 proved, 0 verified, 0 consistent, 0 inconclusive, 0 violated; "
        "proved by symbolic 2)"
    ) in out


def test_json_is_deterministic_and_carries_the_symbolic_data() -> None:
    a = invoke_cli(*EXAMPLE, "--format", "json", "--cp", "3", "--N", "4")
    assert a.exit_code == 2  # two architectures at once
    a = invoke_cli("symbolic", "--cp", "3", "--N", "4", "--M", "2", "--format", "json")
    b = invoke_cli("symbolic", "--cp", "3", "--N", "4", "--M", "2", "--format", "json")
    assert a.exit_code == 0 and a.stdout == b.stdout
    doc = json.loads(a.stdout)
    first = doc["results"][0]
    assert first["measured_rank"] == 3 and first["status"] == "proved"
    assert first["evidence"]["field"] == "Q(w)" and first["upper_bound"]["value"] == 3
    data = first["extra"]["symbolic"]
    assert data["rank"] == 3 and len(data["matricization"]) == 4
    assert data["weights"][:2] == ["a^{1,1}_1", "a^{1,1}_2"]  # COLT's CP names
    assert data["ideal"]["minors"] == 16 and data["ideal"]["groebner"] is not None
    assert data["bounds"]["c-recursion"]["text"] == "Min(M**2, Z)"


def test_expect_is_decided_both_ways() -> None:
    ok = invoke_cli(*EXAMPLE, "--expect", ">= min(r0, M)**(N/2)")
    assert ok.exit_code == 0 and "your claim" in ok.stdout
    up = invoke_cli(*EXAMPLE, "--expect", "<= 4")
    assert up.exit_code == 0
    low = invoke_cli(*EXAMPLE, "--expect", "<= 3")  # refuted: the rank is 4 for almost all w
    assert low.exit_code == 1 and "violated" in low.stdout
    high = invoke_cli(*EXAMPLE, "--expect", ">= 5")  # refuted for all weights
    assert high.exit_code == 1


def test_eq3_and_shared() -> None:
    r = invoke_cli(
        "symbolic", "--tree", "swapped:4", "--widths", "2", "--M", "2", "--eq3", "--format", "json"
    )
    assert r.exit_code == 0, r.stderr
    data = json.loads(r.stdout)["results"][0]["extra"]["symbolic"]
    assert data["kind"] == "dilated" and data["rank"] == 1
    assert "v^{(1)}_1" in data["weights"] and "a^{{1,3},1,I}_1" in data["weights"]
    s = invoke_cli(*EXAMPLE, "--shared", "--format", "json")
    assert s.exit_code == 0 and json.loads(s.stdout)["results"][0]["measured_rank"] == 4


@pytest.mark.parametrize(
    "args, fragment",
    [
        (("symbolic", "--tree", "balanced:16", "--widths", "2", "--M", "2"), "largest accepted"),
        (
            ("symbolic", "--tree", "balanced:4", "--widths", "2", "--M", "3", "--max-work", "1000"),
            "largest accepted",
        ),
        (("symbolic", "--tree", "balanced:4", "--M", "2"), "--widths"),
        (("symbolic", "--tree", "balanced:4", "--widths", "2,3,4", "--M", "2"), "widths"),
        (("symbolic", "--cp", "2", "--M", "2"), "--N"),
        (("symbolic", "--tree", "balanced:4", "--widths", "2,3", "--M", "2", "--eq3"), "size"),
        (("symbolic", *EXAMPLE[1:], "--expect", ">= bogus"), "unknown symbol"),
    ],
)
def test_bad_input_is_one_line_exit_2(args: tuple[str, ...], fragment: str) -> None:
    r = invoke_cli(*args)
    assert r.exit_code == 2, (r.stdout, r.stderr)
    assert r.stdout == ""
    assert r.stderr.startswith("error: ") and r.stderr.count("\n") == 1
    assert fragment in r.stderr


def test_latex_compiles(tmp_path: Path) -> None:
    r = invoke_cli(*EXAMPLE, "--format", "latex")
    assert r.exit_code == 0
    # a tabular or, with the shared LaTeX writer on main, a longtable
    assert r"\begin{tabular}" in r.stdout or r"\begin{longtable}" in r.stdout
    assert r"\left(" in r.stdout
    if shutil.which("pdflatex") is None:
        if os.environ.get("CI"):
            pytest.fail("pdflatex is required in CI (.ci/run installs texlive)")
        pytest.skip("pdflatex not installed")
    tex = tmp_path / "symbolic.tex"
    tex.write_text(r.stdout)
    proc = subprocess.run(
        ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", tex.name],
        check=False,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stdout[-2000:]
