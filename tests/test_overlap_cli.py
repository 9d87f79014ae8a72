"""``convac-verify overlap``: rows, formats, determinism, profiles, plots and bad input."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from .conftest import CliResult

Run = Callable[..., CliResult]
EXAMPLE = str(Path(__file__).resolve().parent.parent / "examples" / "binary4.toml")


def test_table(run_cli: Run) -> None:
    res = run_cli("overlap", "--scheme", "gc-stack,nonoverlap", "--N", "16", "--r", "3")
    assert res.exit_code == 0, res.stderr
    assert "gc-stack GC(3,2) skip 16 r=3" in res.stdout and "proved" in res.stdout


def test_json_is_deterministic(run_cli: Run) -> None:
    args = (
        "overlap",
        "--scheme",
        "alternating",
        "--sweep",
        "4,8,32",
        "--r",
        "1",
        "--format",
        "json",
    )
    a, b = run_cli(*args), run_cli(*args)
    assert a.exit_code == 0 and a.stdout == b.stdout
    doc = json.loads(a.stdout)
    ranks = [r["measured_rank"] for r in doc["results"]]
    assert ranks == [3, 5, 31]
    assert [r["upper_bound"]["value"] for r in doc["results"]] == [3, 6, 87]
    # N = 32 is past the dense limit: sketched (a rank with an epsilon, below the bound 87)
    assert doc["results"][2]["evidence"]["method"] == "sketch"
    assert doc["results"][2]["upper_bound"]["certificate"]["kind"] == "interface"
    assert [r["status"] for r in doc["results"]] == ["proved", "verified", "verified"]


def test_witness_at_n_64(run_cli: Run) -> None:
    res = run_cli(
        "overlap",
        "--scheme",
        "large-rf",
        "--R",
        "half",
        "--r",
        "1",
        "--N",
        "64",
        "--witness",
        "--format",
        "json",
    )
    assert res.exit_code == 0, res.stderr
    (row,) = json.loads(res.stdout)["results"]
    assert row["measured_rank"] == 2**32 and row["status"] == "proved"
    assert row["evidence"]["certificate"]["kind"] == "kronecker"
    assert "exact ranks over Q: 2^32" in row["extra"]["product_certificate"]


def test_grid_and_latex(run_cli: Run, tmp_path: Path) -> None:
    tex = tmp_path / "ov.tex"
    res = run_cli(
        "overlap",
        "--grid",
        "4x4",
        "--B",
        "3",
        "--padding",
        "zero",
        "--rows",
        "left-right,top-bottom",
        "--format",
        "latex",
        "-o",
        str(tex),
    )
    assert res.exit_code == 0, res.stderr
    text = tex.read_text()
    assert r"\label{tab:overlap}" in text and "Sharir" in text
    if shutil.which("pdflatex") is None:
        pytest.skip("pdflatex not installed")
    done = subprocess.run(
        ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", tex.name],
        cwd=tmp_path,
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-2000:]


def test_profile_mode(run_cli: Run) -> None:
    res = run_cli("overlap", "--scheme", "nonoverlap", "--N", "8", "--rows", "all")
    assert res.exit_code == 0, res.stderr
    assert "worst of 35" in res.stdout and "left-right" in res.stdout


def test_plot(run_cli: Run, tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    out = tmp_path / "g.png"
    res = run_cli(
        "overlap", "--scheme", "gc-stack,nonoverlap", "--sweep", "4,8,16", "--plot", str(out)
    )
    assert res.exit_code == 0, res.stderr
    assert out.stat().st_size > 1000


def test_more_inputs_than_array_axes(run_cli: Run) -> None:
    """M = 1 keeps any grid tensor small, but an array has at most 32 axes: sampled."""
    res = run_cli("overlap", "--N", "80", "--M", "1", "--B", "3", "--padding", "zero")
    assert res.exit_code == 0, res.stderr
    assert "sampled" in res.stdout


def test_plot_is_checked_before_any_work(run_cli: Run, tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    res = run_cli("overlap", "--N", "8", "--plot", str(tmp_path / "g.txt"))
    assert res.exit_code == 2 and "--plot writes png, pdf, svg" in res.stderr
    res = run_cli("overlap", "--N", "8", "--plot", str(tmp_path / "nodir" / "g.png"))
    assert res.exit_code == 2 and res.stderr.startswith("error:") and "--plot" in res.stderr
    out = tmp_path / "r.json"
    res = run_cli("overlap", "--N", "8", "--plot", str(out), "-o", str(out))
    assert res.exit_code == 2 and not out.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--scheme", "bogus", "--N", "8"), "unknown scheme"),
        (("--N", "8", "--grid", "4x4"), "not both"),
        (("--sweep", "8"), "at least two"),
        (("--scheme", "gc-stack", "--N", "8", "--S", "1"), "never reach one position"),
        (("--N", "8", "--padding", "skip"), "not defined for a conv layer"),
        (("--N", "8", "--rows", "0,9"), "row modes must lie"),
        (("--N", "8", "--R", "x"), "--R takes"),
        (
            (
                "--N",
                "100000",
            ),
            "at most 4096",
        ),
        (("--N", "40", "--method", "dense"), "--max-memory"),
        (("--N", "8", "--r", "0"), "--r must be"),
        (("--N", "128", "--M", "1", "--rows", "random:10"), "give a few partitions"),
        (("--N", "80", "--M", "1", "--method", "dense"), "one array axis per input"),
        (("--network", EXAMPLE, "--N", "4"), "gives the whole network"),
        (("--network", "no-such-file.toml"), "cannot read network file"),
    ],
)
def test_bad_input(run_cli: Run, args: tuple[str, ...], message: str) -> None:
    res = run_cli("overlap", *args)
    assert res.exit_code == 2
    assert res.stderr.startswith("error:") and message in res.stderr
    assert res.stderr.count("\n") == 1 and "Traceback" not in res.stderr


def test_network_file(run_cli: Run) -> None:
    """--network FILE: the file's tensor network, its rank and its min-cut per partition."""
    res = run_cli(
        "overlap",
        "--network",
        EXAMPLE,
        "--rows",
        "left-right,odd-even",
        "--format",
        "json",
    )
    assert res.exit_code == 0, res.stderr
    rows = json.loads(res.stdout)["results"]
    assert [r["measured_rank"] for r in rows] == [2, 4]
    assert {r["status"] for r in rows} == {"proved"}
    assert {r["upper_bound"]["certificate"]["kind"] for r in rows} == {"min-cut"}
