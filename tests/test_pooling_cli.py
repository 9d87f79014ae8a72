"""``pooling`` and ``tree`` end to end: the issue's acceptance command, formats, errors."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from .conftest import CliResult

Run = Callable[..., CliResult]


def _profiles(doc: dict) -> dict[tuple[str, str], tuple[int, str]]:  # type: ignore[type-arg]
    out = {}
    for r in doc["results"]:
        if r["relation"] == ">=":
            p = r["params"]
            out[(p["geometry"], p["partition"])] = (r["measured_rank"], p["profile"])
    return out


def test_compare_square_mirror_4x4(run_cli: Run) -> None:
    r = run_cli("pooling", "--grid", "4x4", "--compare", "square", "mirror")
    assert r.exit_code == 0, r.stderr
    # the c-recursion is Theorem 1's own bound: the upper rows are proved by the min-cut
    # of the tensor network, an independent certificate
    assert "verdict: PASS (40 proved, 0 verified, 0 consistent, 0 inconclusive, 0 violated" in (
        r.stdout
    )
    assert "proved by min-cut 20, witness 20" in r.stdout
    assert "square: upper bounds decided by min-cut 10" in r.stdout
    assert (
        "where square and mirror differ: left-right: square limited (2) vs mirror favored (16)"
        in r.stdout
    )
    assert "mirror-orbits: square favored (16) vs mirror limited (2)" in r.stdout
    assert "#..#" in r.stdout  # the mask picture of mirror-orbits


def test_per_level_widths(run_cli: Run) -> None:
    r = run_cli("pooling", "--grid", "4x4", "--widths", "2,1", "--format", "json")
    assert r.exit_code == 0, r.stderr
    doc = json.loads(r.stdout)
    assert {str(x["params"]["r"]) for x in doc["results"]} == {"[2, 1]"}
    prof = _profiles(doc)
    # r1 = 1 caps the left-right rank at 1; first-level windows split by center: 2^4
    assert prof[("square", "left-right")] == (1, "limited")
    assert prof[("square", "center")] == (16, "favored")
    assert doc["verdict"] == "pass"


def test_compare_json_is_deterministic(run_cli: Run) -> None:
    a = run_cli("pooling", "--compare", "square", "mirror", "--format", "json", "--seed", "4")
    b = run_cli("pooling", "--compare", "square", "mirror", "--format", "json", "--seed", "4")
    assert a.exit_code == 0 and a.stdout == b.stdout
    prof = _profiles(json.loads(a.stdout))
    # ICLR 2017 Sec. 5 on a 4x4 grid, M = r = 2
    for part in ("left-right", "top-bottom"):
        assert prof[("square", part)] == (2, "limited")
        assert prof[("mirror", part)] == (16, "favored")
    for part in ("mirror-orbits", "mirror-quadrants"):  # on 4x4 they coincide
        assert prof[("square", part)] == (16, "favored")
        assert prof[("mirror", part)] == (2, "limited")


def test_sweep_growth(run_cli: Run) -> None:
    r = run_cli(
        "pooling",
        "--sweep",
        "4,8,16",
        "--partitions",
        "left-right,stripes-v,mirror-quadrants",
        "--compare",
        "square",
        "mirror",
        "--format",
        "json",
    )
    assert r.exit_code == 0, r.stderr
    doc = json.loads(r.stdout)
    kinds = {g["series"]: g["measured"]["kind"] for g in doc["growth"]}
    assert kinds["square / left-right (vs upper bound)"] == "bounded"
    assert kinds["square / stripes-v (vs lower bound)"] == "exponential"
    assert kinds["mirror / mirror-quadrants (vs upper bound)"] == "bounded"
    assert kinds["mirror / left-right (vs lower bound)"] == "exponential"
    assert any("16x16" in n and "determined exactly" in n for n in doc["notes"])


def test_8x8_is_handled_by_bounds_and_certificates(run_cli: Run) -> None:
    r = run_cli("pooling", "--grid", "8x8", "--compare", "square", "mirror", "--no-pictures")
    assert r.exit_code == 0, r.stderr
    assert "8x8: random weights do not fit the budget" in r.stdout
    assert "65536" in r.stdout


def test_tailoring(run_cli: Run) -> None:
    r = run_cli("pooling", "--favor", "left-right,top-bottom", "--may-limit", "checkerboard")
    assert r.exit_code == 0, r.stderr
    assert "Tailoring: candidate geometries ranked" in r.stdout
    assert "best: tailored" in r.stdout or "best: mirror" in r.stdout
    r = run_cli("pooling", "--favor", "center", "--search", "any", "--format", "json")
    assert r.exit_code == 0, r.stderr
    best = json.loads(r.stdout)["results"][0]
    assert best["params"]["profile"] == "favored"


def test_user_geometry_file(run_cli: Run, tmp_path: Path) -> None:
    f = tmp_path / "cols.toml"
    f.write_text('grid = "4x4"\nlevels = "2x1,2x1,1x2,1x2"\n')
    r = run_cli(
        "pooling", "--geometry", str(f), "--partitions", "top-bottom;stripes-h", "--format", "json"
    )
    assert r.exit_code == 0, r.stderr
    doc = json.loads(r.stdout)
    assert {x["check"] for x in doc["results"]} == {"pooling-bounds"}


def test_tree_command(run_cli: Run) -> None:
    r = run_cli("tree", "mirror:4x4", "--rows", "left-right")
    assert r.exit_code == 0, r.stderr
    assert "nested: ((0, 3, 12, 15), (1, 2, 13, 14), (4, 7, 8, 11), (5, 6, 9, 10))" in r.stdout
    assert "abba" in r.stdout and "Theta(I;T): 8 tiles" in r.stdout
    assert "CTS Theorem 7 does not apply" in r.stdout
    assert "min-cut of the tensor network" in r.stdout and "best upper bound: 16" in r.stdout
    r = run_cli("tree", "balanced:16", "--rows", "ctm18-example", "--format", "json")
    doc = json.loads(r.stdout)
    assert doc["binary"] and len(doc["tiling_I"]) == 6 and len(doc["tiling_Ic"]) == 6
    th7 = doc["bounds"]["ctm18_theorem7"]
    assert {k: th7[k] for k in ("lower_r_pow_pairs", "upper_r_pow_min_tiles")} == {
        "lower_r_pow_pairs": 64,
        "upper_r_pow_min_tiles": 64,
    }
    assert th7["eq3_joint_span_upper_bound"] == th7["eq3_min_cut_upper_bound"] == 64
    assert [b["kind"] for b in th7["upper_bounds"]] == [
        "joint-span",
        "tiling",
        "min-cut",
        "matrix-size",
    ]
    # the same-channel tree: every bound of the bounds home, the min-cut among them
    same = doc["bounds"]
    assert same["min_cut_upper_bound"] == 64 and same["best_upper_bound"]["value"] == 64
    assert "min-cut" in {b["kind"] for b in same["upper_bounds"]}
    r = run_cli("tree", "square", "--grid", "4x4")
    assert r.exit_code == 0 and "aabb" in r.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["pooling", "--geometry", "rect:2x2,2x2", "--grid", "4x6"], "not divisible by the window"),
        (["pooling", "--geometry", "rect:2x2,2x1", "--grid", "4x6"], "reduce grid 4x6 to 1x3"),
        (["pooling", "--grid", "4x6"], "W must be a power of 2"),
        (["pooling", "--partitions", "mask:11/00"], "needs 4 rows of 4"),
        (["pooling", "--partitions", "0,1,99"], "row modes must lie in 0..15"),
        (["pooling", "--partitions", "0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15"], "nonempty"),
        (["pooling", "--partitions", "zigzag"], "unknown partition 'zigzag'"),
        (["pooling", "--geometry", "hexagonal"], "unknown geometry"),
        (["pooling", "--grid", "4by4"], "a grid is written HxW"),
        (["pooling", "--sweep", "4,8", "--partitions", "mask:1100/1100/0011/0011"], "families"),
        (["pooling", "--sweep", "4"], "at least two grid sides"),
        (["pooling", "--r", "0"], "--r must be a positive integer"),
        (["pooling", "--partitions", "all", "--grid", "4x4"], "use random:K"),
        (["pooling", "--method", "dense", "--grid", "8x8"], "--method dense cannot hold"),
        (["pooling", "--compare", "square", "square"], "two different geometries"),
        (["pooling", "--favor", "left-right", "--sweep", "4,8"], "drop --sweep or --favor"),
        (["pooling", "--may-limit", "left-right"], "goes with --favor"),
        (["pooling", "--favor", "nowhere"], "unknown partition 'nowhere'"),
        (["tree", "rect:4x4:2x2"], "reduce grid 4x4 to 2x2"),
        (["tree", "((0,1),(3,4))"], "missing [2]"),
        (["tree", "square"], "needs a grid"),
        (["tree", "mirror:4x4", "--rows", "mask:10/01"], "needs 4 rows of 4"),
        (["tree", "((0,1),(1,2))"], "repeated"),
        (["tree", "balanced:8", "--rows", "0,9"], "row modes must lie in 0..7"),
        (["tree", "missing.json"], "cannot read tree file"),
    ],
)
def test_bad_input_one_line_exit_2(run_cli: Run, args: list[str], message: str) -> None:
    r = run_cli(*args)
    assert r.exit_code == 2, (r.stdout, r.stderr)
    assert message in r.stderr
    assert r.stderr.count("\n") == 1 and "Traceback" not in r.stderr
    assert r.stdout == ""
