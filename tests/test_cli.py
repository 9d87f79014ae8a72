"""The command line end to end: golden output, exit codes, formats and one-line errors."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from .conftest import AllRun, CliResult, invoke_cli

GOLDEN = Path(__file__).parent / "golden"


def _golden(name: str, result: CliResult) -> None:
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN") == "1":  # regenerate, review the diff, commit
        path.write_text(result.stdout)
    assert path.exists(), f"missing golden file {path}; run with UPDATE_GOLDEN=1"
    assert result.stdout == path.read_text()


def test_depth_calling_card_golden() -> None:
    r = invoke_cli("depth", "--N", "16")
    assert r.exit_code == 0, r.stderr
    _golden("depth_N16.txt", r)
    # the shallow and network-2 upper rows are the checks' own c-recursion; the min-cut
    # of the tensor network (an independent certificate) proves them
    assert "verdict: PASS (20 proved, 0 verified, 0 consistent, 0 inconclusive, 0 violated" in (
        r.stdout
    )
    assert "proved by min-cut 7, witness 13" in r.stdout
    assert r.stderr == ""


def test_depth_json_is_deterministic_and_complete() -> None:
    a = invoke_cli("depth", "--N", "16", "--format", "json", "--seed", "3")
    b = invoke_cli("depth", "--N", "16", "--format", "json", "--seed", "3")
    assert a.exit_code == 0 and a.stdout == b.stdout
    doc = json.loads(a.stdout)
    deep = [r for r in doc["results"] if r["check"] == "colt16-theorem-1"]
    assert [r["measured_rank"] for r in deep] == [2, 4, 16, 256]
    assert all(r["status"] == "proved" for r in deep)
    # the CP bound is cp-rank-bound's own c-recursion: it may not prove it; the min-cut of
    # the CP tensor network (its delta of dimension Z cut through) is independent and does
    shallow = [r for r in doc["results"] if r["check"] == "cp-rank-bound"]
    assert all(r["measured_rank"] <= 2 for r in shallow)
    assert [r["status"] for r in shallow] == ["proved"] * 4
    assert all(r["evidence"]["certificate"]["kind"] == "min-cut" for r in shallow)
    assert all(r["epsilon"] is None for r in shallow)
    kinds = {g["series"]: g["measured"]["kind"] for g in doc["growth"]}
    assert kinds["deep odd-even rank"] == "exponential"
    assert kinds["shallow odd-even rank"] == "bounded"
    assert kinds["network-2 width needed"] == "double exponential"


def test_depth_1024_proves_with_the_kronecker_witness() -> None:
    r = invoke_cli("depth", "--N", "1024", "--format", "json")
    assert r.exit_code == 0, r.stderr
    doc = json.loads(r.stdout)
    top = [x for x in doc["results"] if x["check"] == "colt16-theorem-1"][-1]
    assert top["measured_rank"] == 2**512 and top["status"] == "proved"
    assert top["evidence"]["method"] == "structured"
    assert top["evidence"]["weights"] == "COLT16 App. B assignment"


def test_depth_field_qq_and_shared() -> None:
    r = invoke_cli(
        "depth", "--N", "8", "--field", "qq", "--shared", "--no-truncated", "--format", "json"
    )
    assert r.exit_code == 0, r.stderr
    doc = json.loads(r.stdout)
    assert {x["evidence"]["field"] for x in doc["results"]} == {"Q"}
    assert [x["measured_rank"] for x in doc["results"] if x["check"] == "colt16-theorem-1"] == [
        2,
        4,
        16,
    ]


def test_rank_command_and_expect() -> None:
    ok = invoke_cli(
        "rank",
        "--tree",
        "balanced:16",
        "--widths",
        "2",
        "--M",
        "2",
        "--expect",
        ">= 2**(N/2)",
        "--format",
        "json",
    )
    assert ok.exit_code == 0, ok.stderr
    doc = json.loads(ok.stdout)
    assert doc["results"][0]["measured_rank"] == 256
    assert doc["results"][0]["status"] == "proved"
    bad = invoke_cli("rank", "--cp", "3", "--N", "8", "--M", "2", "--expect", ">= 2**(N/2)")
    assert bad.exit_code == 1
    assert "violated" in bad.stdout and "certified upper bound 3 < 16" in bad.stdout
    upper = invoke_cli(
        "rank",
        "--tree",
        "balanced:8",
        "--widths",
        "2,2,2",
        "--M",
        "2",
        "--expect",
        "<= Z",
        "--rows",
        "odd-even",
    )
    assert upper.exit_code == 2 and "unknown symbol 'Z'" in upper.stderr
    counter = invoke_cli(
        "rank", "--tree", "balanced:8", "--widths", "2", "--M", "2", "--expect", "<= r0"
    )
    assert counter.exit_code == 1 and "counterexample" in counter.stdout


def test_rank_generic_equality_status() -> None:
    r = invoke_cli(
        "rank",
        "--tree",
        "((0,1),(2,3,4))",
        "--widths",
        "2,3",
        "--M",
        "3",
        "--rows",
        "0,2",
        "--format",
        "json",
    )
    assert r.exit_code == 0, r.stderr
    res = json.loads(r.stdout)["results"][0]
    assert res["relation"] == "=="
    assert res["status"] in ("proved", "verified")


def test_check_and_negative_control() -> None:
    ok = invoke_cli("check", "cp-rank-bound", "--set", "n_modes=8")
    assert ok.exit_code == 0
    neg = invoke_cli("check", "colt16-theorem-1", "--negative-control", "--format", "junit")
    assert neg.exit_code == 1 and "<failure" in neg.stdout


def test_list() -> None:
    r = invoke_cli("list")
    assert r.exit_code == 0
    for name in ("colt16-theorem-1", "colt16-theorem-3", "cp-rank-bound", "gfp", "qq"):
        assert name in r.stdout


def test_all_writes_junit_latex_and_csv(all_run: AllRun, tmp_path: Path) -> None:
    junit = all_run.junit.read_text()
    assert junit.startswith("<?xml") and r"\documentclass" in all_run.latex.read_text()
    table = tmp_path / "r.csv"  # the same run as CSV, rebuilt from its journal
    r = invoke_cli("all", "--resume", str(all_run.journal), "--format", "csv", "-o", str(table))
    assert r.exit_code == 0, r.stderr
    rows = table.read_text().splitlines()
    assert rows[0].startswith("check,reference,family,")
    assert len(rows) - 1 == junit.count("<testcase ")
    # inconclusive results are skipped tests in JUnit, never failures without --strict
    assert "<failure" not in junit
    assert junit.count("<skipped ") == sum(",inconclusive," in x for x in rows[1:])


def test_depth_takes_per_level_widths() -> None:
    """``--widths`` is for the largest N; a smaller N' uses its first widths r0..r_{L'-1}."""
    r = invoke_cli("depth", "--N", "16", "--widths", "3,2,1,1", "--format", "json")
    assert r.exit_code == 0, r.stderr
    doc = json.loads(r.stdout)
    deep = [x for x in doc["results"] if x["check"] == "colt16-theorem-1"]
    assert [x["params"]["r"] for x in deep] == [3, [3, 2], [3, 2, 1], [3, 2, 1, 1]]
    # Theorem 1 assumes nothing of r1..r_{L-1}: min(r0, M)^(N/2) with r = 3,2,1,1
    assert [x["measured_rank"] for x in deep] == [2, 4, 16, 256]
    assert all(x["status"] == "proved" for x in deep)
    table = invoke_cli("depth", "--N", "16", "--widths", "3,2,1,1")
    assert "M=2, widths 3,2,1,1, Z=3" in table.stdout
    assert "N=16, L=4, M=2, widths 3,2,1,1" in table.stdout


def test_output_file_is_atomic(tmp_path: Path) -> None:
    out = tmp_path / "r.json"
    assert invoke_cli("depth", "--N", "4", "--format", "json", "-o", str(out)).exit_code == 0
    assert json.loads(out.read_text())["verdict"] == "pass"
    bad = tmp_path / "bad.json"
    r = invoke_cli("depth", "--N", "3", "-o", str(bad))
    assert r.exit_code == 2 and not bad.exists()
    assert [p.name for p in tmp_path.iterdir()] == ["r.json"]  # no temporary left behind


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["depth", "--N", "12"], "N = 12 does not fit a balanced tree with window 2"),
        (["depth", "--N", "0"], "N = 0 does not fit"),
        (["depth", "--M", "0"], "--M must be a positive integer"),
        (["depth", "--bogus"], "No such option '--bogus'."),
        (["depth", "--field", "reals"], "'reals' is not one of 'gfp', 'qq'"),
        (["depth", "--max-memory", "lots"], "--max-memory takes a size like 4G"),
        (["depth", "--prime", "100"], "100 is not prime"),
        (["rank", "--tree", "((0,1),(1,2))", "--widths", "2", "--M", "2"], "repeated [1]"),
        (
            ["rank", "--tree", "balanced:8", "--N", "16", "--widths", "2", "--M", "2"],
            "--N 16 does not fit the tree, which has 8 modes",
        ),
        (["rank", "--tree", "balanced:8", "--widths", "2,2", "--M", "2"], "widths must give"),
        (
            ["rank", "--tree", "balanced:8", "--widths", "2", "--M", "2", "--rows", "0,9"],
            "must lie in 0..7",
        ),
        (
            [
                "rank",
                "--tree",
                "balanced:8",
                "--widths",
                "2",
                "--M",
                "2",
                "--rows",
                "0,1,2,3,4,5,6,7",
            ],
            "both I and J nonempty",
        ),
        (["rank", "--cp", "2", "--M", "2"], "--cp Z needs --N"),
        (["rank", "--M", "2"], "give exactly one architecture"),
        (
            ["rank", "--tree", "balanced:64", "--widths", "2", "--M", "2", "--method", "dense"],
            "the dense grid tensor has 2**64 entries",
        ),
        (
            ["rank", "--tree", "balanced:4", "--widths", "99999", "--M", "2"],
            "widths 4,16 give the same generic rank",
        ),
        (["depth", "--N", "16", "--r", "5000"], "widths 4,16,256,5000 give the same"),
        (
            ["rank", "--tree", "balanced:1048576", "--rows", "left-right", "--M", "2", "--r", "2"],
            "raise --max-time",
        ),
        (["check", "nosuch"], "unknown check 'nosuch'; known: "),
        (["check", "cp-rank-bound", "--set", "bogus=1"], "has no parameter 'bogus'"),
    ],
)
def test_bad_input_gives_one_line_and_exit_2(args: list[str], message: str) -> None:
    r = invoke_cli(*args)
    assert r.exit_code == 2, (r.exit_code, r.stdout, r.stderr)
    assert r.stdout == ""
    assert message in r.stderr
    assert r.stderr.count("\n") == 1 and "Traceback" not in r.stderr
