"""``convac-verify rectifier``: outputs, formats, the plot, and one-line usage errors."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

FAST = ("--draws", "4", "--claim-draws", "2")


def test_summary_table_every_cell_backed(run_cli: Callable[..., Any]) -> None:
    r = run_cli("rectifier", "--mode", "summary", "--claim-draws", "2")
    assert r.exit_code == 0, r.stderr
    out = r.stdout
    assert "Summary" in out and "universality" in out and "depth efficiency" in out
    for check in (
        "icml16-claim-3",
        "icml16-claim-4",
        "colt16-corollary-2",
        "icml16-claim-8",
        "icml16-claim-9",
        "icml16-avg-incomplete",
        "icml16-claim-10",
        "icml16-claim-11",
    ):
        assert f"{check}: proved" in out
    # Claim 5's own bound (E.7) proves nothing; the sum-pooling relaxation verifies it
    assert "icml16-claim-5: verified" in out
    assert "exponential but incomplete" in out and "NOT SHOWN" not in out
    assert "App. F" not in out
    assert "verdict: PASS" in out


def test_histogram_mode(run_cli: Callable[..., Any]) -> None:
    r = run_cli("rectifier", "--mode", "histogram", "--draws", "6", "--r", "2", "--r", "8")
    assert r.exit_code == 0, r.stderr
    assert "App. F" in r.stdout and "r=(2,2,2)" in r.stdout and "r=(8,8,8)" in r.stdout
    assert "81 (full)" in r.stdout and "Summary" not in r.stdout


def test_json_is_a_report(run_cli: Callable[..., Any]) -> None:
    r = run_cli("rectifier", *FAST, "--format", "json")
    assert r.exit_code == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["command"] == "rectifier" and doc["verdict"] == "pass"
    families = {x["family"] for x in doc["results"]}
    assert "rectifier" in families
    hist = [x for x in doc["results"] if x["check"] == "icml16-appendix-f"]
    assert len(hist) == 6 and "histogram" in hist[0]["extra"]
    assert all(x["evidence"]["polynomial"] is False for x in hist)


def test_junit(run_cli: Callable[..., Any]) -> None:
    r = run_cli("rectifier", *FAST, "--format", "junit")
    assert r.exit_code == 0 and '<testsuite name="icml16-claim-9"' in r.stdout


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="pdflatex not installed")
def test_latex_compiles(run_cli: Callable[..., Any], tmp_path: Path) -> None:
    tex = tmp_path / "rect.tex"
    r = run_cli(
        "rectifier", *FAST, "--g", "max(a,b,0)", "--r", "2", "--format", "latex", "-o", str(tex)
    )
    assert r.exit_code == 0, r.stderr
    r2 = run_cli("rectifier", *FAST, "--format", "latex", "-o", str(tmp_path / "all.tex"))
    assert r2.exit_code == 0, r2.stderr
    for name in ("rect.tex", "all.tex"):
        done = subprocess.run(
            ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", name],
            check=False,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stdout[-2000:]


def test_negative_controls_exit_1(run_cli: Callable[..., Any]) -> None:
    r = run_cli("check", "icml16-claim-5", "--negative-control", "--set", "draws=2")
    assert r.exit_code == 1 and "violated" in r.stdout
    # App. F's sample statistic fails for ConvACs (every draw has full rank), but a sample
    # never refutes a statement about a distribution: inconclusive, not violated
    r = run_cli("rectifier", "--mode", "histogram", "--pooling", "prod", "--draws", "4", "--r", "4")
    assert (
        r.exit_code == 0
        and "inconclusive" in r.stdout
        and "violated" not in r.stdout.split("verdict")[0]
    )
    strict = run_cli(
        "rectifier",
        "--mode",
        "histogram",
        "--pooling",
        "prod",
        "--draws",
        "4",
        "--r",
        "4",
        "--strict",
    )
    assert strict.exit_code == 1


def test_user_operator_warns_when_not_associative(run_cli: Callable[..., Any]) -> None:
    r = run_cli("rectifier", "--g", "(a+b)/2", "--N", "4", "--draws", "3", "--r", "2")
    assert r.exit_code == 0
    assert "warning: not associative" in r.stderr and "ICML 2016 assumes" in r.stderr
    assert "associative NO" in r.stdout
    ok = run_cli("rectifier", "--g", "max(a,b,0)", "--N", "4", "--draws", "3", "--r", "2")
    assert ok.exit_code == 0 and "warning" not in ok.stderr
    assert "commutative yes, associative yes" in ok.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--N", "6"), "power of 2"),
        (("--M", "1"), "--M must be >= 2"),
        (("--r", "2,2"), "3 positive widths"),
        (("--r", "x"), "widths take integers"),
        (("--radius", "0"), "--radius must be positive"),
        (("--radius", "abc"), "--radius takes"),
        (("--g", "a + c"), "variables a and b"),
        (("--g", "__import__('os')"), "g is an expression"),
        (("--draws", "0"), "--draws must be a positive integer"),
        (("--pooling", "mean"), "Invalid value for '--pooling'"),
        (("--mode", "summary", "--plot", "x.png"), "--plot draws the App. F histogram"),
        (("--N", "16", "--max-memory", "256M"), "max-memory"),
        (("--F", "orthogonal"), "Invalid value for '--F'"),
        (("--bogus",), "No such option"),
    ],
)
def test_bad_input_is_one_line_exit_2(
    run_cli: Callable[..., Any], args: tuple[str, ...], message: str
) -> None:
    r = run_cli("rectifier", *args)
    assert r.exit_code == 2
    assert r.stdout == ""
    assert message in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1 and "Traceback" not in r.stderr


def test_plot_without_matplotlib_is_one_line_exit_2(
    run_cli: Callable[..., Any], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import now raises ImportError
    target = tmp_path / "h.png"
    r = run_cli("rectifier", "--mode", "histogram", "--draws", "2", "--plot", str(target))
    assert r.exit_code == 2 and r.stdout == ""
    assert "convac-verify[plot]" in r.stderr and len(r.stderr.strip().splitlines()) == 1
    assert not target.exists()


def test_plot_with_matplotlib(run_cli: Callable[..., Any], tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    target = tmp_path / "h.png"
    r = run_cli(
        "rectifier", "--mode", "histogram", "--draws", "3", "--r", "2", "--plot", str(target)
    )
    assert r.exit_code == 0, r.stderr
    assert target.stat().st_size > 1000
    assert not list(tmp_path.glob(".convac-plot-*"))


def test_table_output_is_deterministic(run_cli: Callable[..., Any]) -> None:
    args = ("rectifier", "--draws", "5", "--claim-draws", "2", "--seed", "3")
    assert run_cli(*args).stdout == run_cli(*args).stdout


def test_no_floating_point_rank_is_used(
    run_cli: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    import numpy as np

    def forbidden(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("floating-point linear algebra in the rank path")

    for name in ("matrix_rank", "svd", "qr", "solve", "lstsq"):
        monkeypatch.setattr(np.linalg, name, forbidden)
    r = run_cli("rectifier", "--draws", "3", "--claim-draws", "2", "--F", "random")
    assert r.exit_code == 0, r.stderr


def test_all_runs_the_rectifier_checks(run_cli: Callable[..., Any]) -> None:
    r = run_cli("list")
    for name in ("icml16-claim-5", "icml16-claim-9", "icml16-appendix-f"):
        assert name in r.stdout
