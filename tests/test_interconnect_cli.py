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
    assert "awaiting" not in r.stdout and "awaits" not in r.stdout
    assert (
        "mixed network (compiled tensor network): rank 256 at random weights; Claim 5 + witness "
        ">= 256; upper bound 256 (min-cut)" in r.stdout
    )
    assert "64^(16/9)" in r.stdout and "1626" in r.stdout
    assert "Corollary 8 measured" in r.stdout and ">= 16 (not reached with w <= 4)" in r.stdout


def test_mixed_measured_at_16_and_certified_through_structure_at_64() -> None:
    """N = 16: the compiled network's rank at random weights (256) meets its min-cut;
    N = 64: not measured (2^64 grid entries), certified 2^32 = min-cut; deterministic."""
    args = ("mixed", "--N", "64", "--corollary", "none", "--corollary-measured", "none")
    a, b = invoke_cli(*args, "--format", "json"), invoke_cli(*args, "--format", "json")
    assert a.exit_code == 0 and a.stdout == b.stdout
    doc = json.loads(a.stdout)
    by = {r["params"]["network"]: r for r in doc["results"] if r["relation"] == ">="}
    assert by["T"]["measured_rank"] == by["T-bar"]["measured_rank"] == 2**24
    assert by["best hybrid"]["measured_rank"] == 2**32
    assert "mixed (measured)" not in by
    mixed = by["mixed"]
    assert mixed["status"] == "proved" and mixed["bound"]["value"] == 2**32
    assert mixed["extra"]["measured_mixed_rank"] is None and "not_measured" in mixed["extra"]
    assert mixed["upper_bound"]["value"] == 2**32
    assert mixed["upper_bounds"][0]["certificate"]["kind"] == "min-cut"
    assert mixed["params"]["r_mix"] == 4 and mixed["params"]["r0"] == 4
    assert "first 1x1 conv" in mixed["params"]["r0_convention"]
    extra = doc["mixed"]
    assert extra["hybrid_count"] == 2**17 and extra["best_hybrid"]["pairs"] == 32
    assert extra["mixed_measured"]["generic_rank"] == 2**32
    assert extra["mixed_measured"]["rank"] is None
    r16 = invoke_cli(
        "mixed", "--corollary", "none", "--corollary-measured", "none", "--format", "json"
    )
    doc16 = json.loads(r16.stdout)
    got = [r for r in doc16["results"] if r["params"]["network"] == "mixed (measured)"]
    assert [r["measured_rank"] for r in got] == [256] and got[0]["status"] == "proved"
    assert got[0]["upper_bound"]["value"] == 256 and got[0]["evidence"]["weights"] == "random"
    assert doc16["mixed"]["mixed_measured"] | {"upper_certificate": "min-cut"} == {
        "rank": 256,
        "lower_bound": 256,
        "upper_bound": 256,
        "upper_certificate": "min-cut",
        "generic_rank": 256,
        "not_measured": None,
    }


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
    assert top["measured"] == [256, 256] and top["upper_bounds"] == [256, 256]
    assert [row["forced_T"] for row in doc["corollary8"]] == [4, 7, 10, 12, 14, 15]
    measured = [row for row in doc["corollary8_measured"] if row["network"] == "T"]
    assert [(row["N"], row["M"], row["r_mix"]) for row in measured] == [
        (8, 4, 2),
        (8, 4, 4),
        (16, 2, 2),
        (16, 2, 4),
    ]
    assert measured[1]["ranks"] == [1, 8, 27, 64] and measured[1]["predicted"] == 3
    assert measured[1]["width_needed_at_least"] == 16


def test_mixed_latex() -> None:
    r = invoke_cli("mixed", "--corollary", "128", "--format", "latex")
    assert r.exit_code == 0
    assert r"$64^{16/9}$ & $1625.50$ & $1626$" in r.stdout
    assert "mixed & $256$ & $256$ & $256$ & proved" in r.stdout
    assert r"\label{tab:ctm18-corollary-8-measured}" in r.stdout
    assert r"$\geq 16$ (not reached with $w\leq 4$)" in r.stdout


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

    r = invoke_cli(
        "mixed", "--corollary", "none", "--corollary-measured", "none", "--format", "csv"
    )
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


def test_mixed_relu_rows() -> None:
    r = invoke_cli(
        "mixed", "--relu", "--corollary", "none", "--corollary-measured", "none", "--format", "json"
    )
    assert r.exit_code == 0, r.stderr
    rows = json.loads(r.stdout)["mixed"]["relu"]
    assert [row["network"] for row in rows] == ["T", "T-bar", "T+T-bar", "mixed", "mixed vs trees"]
    assert all(row["status"] in ("proved", "consistent", "inconclusive") for row in rows)
    assert rows[-1]["status"] in ("consistent", "inconclusive")  # a sample statistic
    r = invoke_cli("mixed", "--relu", "--N", "64")
    assert r.exit_code == 2 and "--relu evaluates the grid tensor" in r.stderr


def test_mixed_save_network_is_a_network_file(tmp_path: Path) -> None:
    """Two trees interconnected at shared nodes, as a network file: the compiled mixed
    network saved by ``mixed --save-network`` measures the same rank under ``mincut``."""
    path = tmp_path / "mixed16.json"
    r = invoke_cli(
        "mixed", "--corollary", "none", "--corollary-measured", "none", "--save-network", str(path)
    )
    assert r.exit_code == 0, r.stderr
    r = invoke_cli(
        "mincut", "--network", str(path), "--rows", "ctm18-example;left-right", "--format", "json"
    )
    assert r.exit_code == 0, r.stderr
    rows = json.loads(r.stdout)["mincuts"]
    assert [(row["min_cut"], row["measured_rank"]) for row in rows] == [(256, 256), (64, 17)]
    again = tmp_path / "again.json"
    r = invoke_cli(
        "mixed", "--corollary", "none", "--corollary-measured", "none", "--format", "json",
        "--save-network", str(again),
    )  # fmt: skip
    assert r.exit_code == 0 and again.read_bytes() == path.read_bytes()  # any format, same bytes
    bad = invoke_cli("mixed", "--save-network", str(tmp_path / "nodir" / "x.json"))
    assert bad.exit_code == 2 and bad.stderr.startswith("error: ")


def test_mixed_per_level_widths() -> None:
    """--mix-widths r0..r3 (worked example, N = 16): the per-level network is measured and
    cut; its lower bound is Claim 5 at the largest hybrid width that fits (r' = 2 here:
    r_2 = 6 >= 2r' at the mixture level, r_0, r_1, r_3 >= r'); bad widths are one-line
    errors naming the level."""
    args = ("mixed", "--corollary", "none", "--corollary-measured", "none", "--format", "json")
    r = invoke_cli(*args, "--mix-widths", "2,3,6,5")
    assert r.exit_code == 0, r.stderr
    data = json.loads(r.stdout)
    assert data["mixed"]["mix_widths"] == [2, 3, 6, 5] and data["mixed"]["r_lb"] == 2
    got = data["mixed"]["mixed_measured"]
    assert (got["rank"], got["lower_bound"], got["upper_bound"]) == (256, 256, 256)
    r = invoke_cli(*args, "--mix-widths", "2,2,2,2")  # one swapped channel: r' = 1
    got = json.loads(r.stdout)["mixed"]["mixed_measured"]
    assert (got["rank"], got["lower_bound"]) == (256, 1)
    for bad, msg in (("2,4,3,4", "r_2 = 3 must be even"), ("2,4,4", "need L = 4 values")):
        r = invoke_cli(*args, "--mix-widths", bad)
        assert r.exit_code == 2 and r.stderr.startswith("error: ") and msg in r.stderr


def test_mixed_r4_m4_and_groups_of_three() -> None:
    """The issue's other sizes: r = 4 needs M = 4 (discretizers spanning R^r); k = 3 needs
    N = 64 (3 | L). Ranks r^(3N/8) / r^(N/2) for k = 2, 2^20 / 2^32 for k = 3 at N = 64
    (P/U = 8/5), all certified through structure (the grids do not fit)."""
    args = ("--corollary", "none", "--corollary-measured", "none", "--format", "json")
    for extra, t_rank, mixed_rank in (
        (("--r", "4", "--M", "4"), 4**6, 4**8),
        (("--k", "3", "--N", "64"), 2**20, 2**32),
    ):
        r = invoke_cli("mixed", *extra, *args)
        assert r.exit_code == 0, r.stderr
        data = json.loads(r.stdout)
        ranks = {row["subject"].split(" rank")[0]: row["measured_rank"] for row in data["results"]}
        assert ranks["T"] == ranks["T-bar"] == t_rank
        assert ranks["best hybrid"] == ranks["mixed (r_mix = 2r)"] == mixed_rank
        assert data["mixed"]["mixed_measured"]["generic_rank"] == mixed_rank
        assert {row["status"] for row in data["results"]} == {"proved"}
