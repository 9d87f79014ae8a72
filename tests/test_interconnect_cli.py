"""``convac-verify dilated`` and ``convac-verify mixed`` end to end."""

from __future__ import annotations

import json
import os
import stat
import threading
from pathlib import Path

import pytest

from .conftest import invoke_cli
from .test_cli import _golden


def test_dilated_golden_and_time_axis() -> None:
    r = invoke_cli("dilated", "--dilations", "2,1,8,4")
    assert r.exit_code == 0 and r.stderr == ""
    _golden("dilated_2_1_8_4.txt", r)
    assert "layer  1  d=2    ababcdcdefefghgh" in r.stdout
    assert "(0,2) (1,3) (4,6)" in r.stdout


def test_dilated_json_has_the_tree_commands_nested_key() -> None:
    a = invoke_cli("dilated", "--dilations", "swapped", "--N", "16", "--format", "json")
    b = invoke_cli("tree", "swapped:16:2", "--format", "json")
    assert a.exit_code == b.exit_code == 0
    doc, tree_doc = json.loads(a.stdout), json.loads(b.stdout)
    assert doc["nested"] == tree_doc["nested"]
    assert doc["dilations"] == [2, 1, 8, 4] and doc["scheme"] == "swapped"
    assert doc["layers"][0]["joins"][:2] == [[[0], [2]], [[1], [3]]]


def test_dilated_tree_direction() -> None:
    r = invoke_cli("dilated", "--tree", "((0,2),(1,3))", "--format", "json")
    assert json.loads(r.stdout)["dilations"] == [2, 1]
    r = invoke_cli("dilated", "--tree", "hybrid:16")
    assert r.exit_code == 0
    assert "no dilation scheme: two layer-1 units join positions at different distances" in r.stdout
    r = invoke_cli("dilated", "--tree", "balanced:16")
    assert "dilations 1,2,4,8 (baseline)" in r.stdout


def test_dilated_csv_and_latex() -> None:
    r = invoke_cli("dilated", "--dilations", "2,1", "--format", "csv")
    assert r.stdout.splitlines()[:3] == [
        "layer,dilation,unit,first_child,second_child",
        "1,2,0,0,2",
        "1,2,1,1,3",
    ]
    r = invoke_cli("dilated", "--dilations", "groups:2", "--N", "16", "--format", "latex")
    assert r.stdout.startswith(r"\documentclass") and r"\end{document}" in r.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--dilations", "1,3"), "permutation of 1, 2, 4"),
        (("--dilations", "baseline"), "needs --N"),
        (("--dilations", "1,2", "--tree", "balanced:4"), "not both"),
        (("--dilations", "1,2,4", "--N", "16"), "--N is 16"),
        (("--tree", "((0,1),(2,3))", "--N", "4"), "--N goes with"),
        (("--tree", "((0,1),(2,3)", "--format", "json"), "cannot parse tree"),
    ],
)
def test_dilated_errors_are_one_line(args: tuple[str, ...], message: str) -> None:
    r = invoke_cli("dilated", *args)
    assert r.exit_code == 2 and r.stdout == ""
    assert r.stderr.startswith("error: ") and message in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1


def test_mixed_default_golden() -> None:
    r = invoke_cli("mixed")
    assert r.exit_code == 0, r.stderr
    _golden("mixed_default.txt", r)
    assert "awaiting the measured mixed rank" in r.stdout
    assert "64^(16/9)" in r.stdout and "1626" in r.stdout


def test_mixed_json_is_deterministic_and_says_what_awaits() -> None:
    args = ("mixed", "--N", "64", "--corollary", "none", "--format", "json")
    a, b = invoke_cli(*args), invoke_cli(*args)
    assert a.exit_code == 0 and a.stdout == b.stdout
    doc = json.loads(a.stdout)
    by = {r["params"]["network"]: r for r in doc["results"] if r["relation"] == ">="}
    assert by["T"]["measured_rank"] == by["T-bar"]["measured_rank"] == 2**24
    assert by["best hybrid"]["measured_rank"] == 2**32
    mixed = by["mixed"]
    assert mixed["status"] == "proved" and mixed["bound"]["value"] == 2**32
    assert mixed["extra"]["measured_mixed_rank"] is None and mixed["upper_bound"] is None
    assert mixed["params"]["r_mix"] == 4 and mixed["params"]["r0"] == 4
    assert "first 1x1 conv" in mixed["params"]["r0_convention"]
    extra = doc["mixed"]
    assert extra["hybrid_count"] == 2**17 and extra["best_hybrid"]["pairs"] == 32


def test_mixed_search_and_corollary() -> None:
    r = invoke_cli(
        "mixed",
        "--search",
        "2",
        "--corollary",
        "8",
        "--format",
        "json",
        "--family",
        "ctm18-groups:2,odd-even",
    )
    assert r.exit_code == 0, r.stderr
    doc = json.loads(r.stdout)["mixed"]
    top = doc["search"]["rows"][0]
    assert top["exponents"] == [8, 8] and len(top["mix"]) == 2 and top["hybrids"] == 8
    assert [row["forced_T"] for row in doc["corollary8"]] == [4, 7, 10, 12, 14, 15]


def test_mixed_latex() -> None:
    r = invoke_cli("mixed", "--corollary", "128", "--format", "latex")
    assert r.exit_code == 0
    assert r"$64^{16/9}$ & $1625.50$ & $1626$" in r.stdout
    assert "mixed & -- & $256$ & -- & proved" in r.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--mix", "layer:1"), r"mixture node {0,1} is not interior to T-bar"),
        (("--mix", "3"), "mixture node {3} is not interior to T"),
        (("--N", "32"), "dividing L = 5"),
        (("--trees", "baseline"), "two trees"),
        (("--M", "1"), "M >= r"),
        (("--corollary", "x"), "--corollary takes integers"),
        (("--rows", "0,99"), "row modes must lie in 0..15"),
    ],
)
def test_mixed_errors_are_one_line(args: tuple[str, ...], message: str) -> None:
    r = invoke_cli("mixed", *args)
    assert r.exit_code == 2 and r.stdout == ""
    assert r.stderr.startswith("error: ") and message in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1


def test_mixed_csv_is_the_shared_report_csv() -> None:
    from convac_verify.report import CSV_COLUMNS

    r = invoke_cli("mixed", "--corollary", "none", "--format", "csv")
    assert r.exit_code == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0] == ",".join(CSV_COLUMNS)
    assert all(line.startswith("ctm18-mixed,") for line in lines[1:])


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
@pytest.mark.parametrize(
    "args", [("dilated", "--dilations", "2,1"), ("mixed", "--corollary", "none")]
)
def test_outputs_go_through_the_shared_writer(tmp_path: Path, args: tuple[str, ...]) -> None:
    # a missing directory is refused before any work, nothing is written
    r = invoke_cli(*args, "--format", "json", "-o", str(tmp_path / "nodir" / "x.json"))
    assert r.exit_code == 2 and "does not exist" in r.stderr
    # a FIFO is written in place, never replaced by a regular file
    fifo = tmp_path / "out.fifo"
    os.mkfifo(fifo)
    received: list[bytes] = []

    def read() -> None:
        with open(fifo, "rb") as fh:
            received.append(fh.read())

    reader = threading.Thread(target=read)
    reader.start()
    r = invoke_cli(*args, "--format", "json", "-o", str(fifo))
    reader.join(timeout=60)
    assert r.exit_code == 0, r.stderr
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert json.loads(received[0])
    assert [p.name for p in tmp_path.iterdir()] == ["out.fifo"]
