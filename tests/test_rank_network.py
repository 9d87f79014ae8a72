"""``convac-verify rank --network FILE``: the measured rank of any tensor-network file, its
upper bound the network's min-cut (the bounds home), proved when the rank meets it and
reported as measured when it falls short; the same rank as ``rank --tree`` on the same
network; one-line errors for bad files, partitions and conflicting options."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from convac_verify import api
from convac_verify.engines.estimate import network_dense_estimate
from convac_verify.engines.measure import RankSettings, measure_network_rank
from convac_verify.errors import ConvacError
from convac_verify.networks.compilers import cp_network, tree_network
from convac_verify.networks.network_file import network_from_dict, network_to_dict
from convac_verify.networks.partitions import odd_even
from convac_verify.networks.trees import parse_tree

from .conftest import invoke_cli

ROOT = Path(__file__).resolve().parent.parent
BINARY = str(ROOT / "examples" / "binary4.toml")
RESIDUAL = str(ROOT / "examples" / "residual4.toml")


def _json(*args: str, code: int = 0) -> dict[str, Any]:
    r = invoke_cli("rank", *args, "--format", "json")
    assert r.exit_code == code, r.stderr
    return json.loads(r.stdout)  # type: ignore[no-any-return]


def _row(doc: dict[str, Any]) -> dict[str, Any]:
    (row,) = doc["results"]
    return row  # type: ignore[no-any-return]


def _upper(row: dict[str, Any]) -> tuple[int, str]:
    up = row["upper_bound"]
    return up["value"], up["certificate"]["kind"]


def _cert(row: dict[str, Any]) -> str:
    return row["evidence"]["certificate"]["kind"]  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    ("rows", "rank"), [("left-right", 2), ("odd-even", 4), ("0,3", 4), ("1,2", 4)]
)
def test_binary_example_meets_its_min_cut_and_is_proved(rows: str, rank: int) -> None:
    row = _row(_json("--network", BINARY, "--rows", rows))
    assert row["measured_rank"] == rank and row["status"] == "proved"
    assert _cert(row) == "min-cut"
    assert _upper(row) == (rank, "min-cut")
    assert row["evidence"]["weights"] == "random" and row["evidence"]["field"] == "GF(p)"
    assert row["params"]["N"] == 4 and row["params"]["M"] == 2


def test_residual_example_falls_short_of_its_min_cut_and_says_so() -> None:
    """docs/networks.md: left/right rank 2 against a min-cut of 4 (sound, not tight)."""
    doc = _json("--network", RESIDUAL, "--rows", "left-right")
    row = _row(doc)
    assert row["measured_rank"] == 2 and _upper(row) == (4, "min-cut")
    assert row["status"] == "verified" and 0 < row["epsilon"] < 1e-6
    assert any("generic rank 2 < min-cut 4" in n for n in doc["notes"])
    table = invoke_cli("rank", "--network", RESIDUAL, "--rows", "left-right")
    assert table.exit_code == 0 and "generic rank 2 < min-cut 4" in table.stdout
    odd = _row(_json("--network", RESIDUAL, "--rows", "odd-even"))
    assert (odd["measured_rank"], odd["status"]) == (4, "proved")


def test_expect_works_as_for_trees_and_the_negative_control_is_violated() -> None:
    ok = _row(_json("--network", BINARY, "--rows", "odd-even", "--expect", "== M**(N/2)"))
    assert ok["status"] == "proved" and ok["bound"]["value"] == 4
    # just above the proved rank: refuted with certainty by the min-cut
    bad = _row(_json("--network", BINARY, "--rows", "odd-even", "--expect", ">= 5", code=1))
    assert bad["status"] == "violated" and bad["epsilon"] is None
    assert _cert(bad) == "min-cut"
    # the residual's rank 2 refutes ">= 3" from the random point (epsilon printed)
    res = _row(_json("--network", RESIDUAL, "--rows", "left-right", "--expect", ">= 3", code=1))
    assert res["status"] == "violated" and 0 < res["epsilon"] < 1e-6
    upper = _row(_json("--network", RESIDUAL, "--rows", "left-right", "--expect", "<= 4"))
    assert upper["status"] == "proved"
    text = invoke_cli("rank", "--network", BINARY, "--rows", "odd-even", "--expect", ">= 5")
    assert text.exit_code == 1 and "counterexample" in text.stdout


def _write(tmp_path: Path, name: str, data: dict[str, Any]) -> str:
    path = tmp_path / name
    path.write_text(json.dumps(data))
    return str(path)


@pytest.mark.parametrize(
    ("spec", "widths", "rows", "shared"),
    [
        ("balanced:8", "2,3,2", "odd-even", False),
        ("balanced:8", "2", "left-right", False),
        ("balanced:8", "3,2,2", "0,3,4,7", False),
        ("windows:2,3", "2", "0,2,4", False),
        ("cp:6", "3", "odd-even", False),
        ("balanced:4", "4", "left-right", True),  # shared: rank 3 < 4 (docs/networks.md)
    ],
)
def test_a_file_equal_to_a_tree_gives_the_tree_rank(
    tmp_path: Path, spec: str, widths: str, rows: str, shared: bool
) -> None:
    tree = parse_tree(spec)
    values = [int(w) for w in widths.split(",")]
    ws = api.widths(tree, values[0] if len(values) == 1 else values)
    path = _write(tmp_path, "tree.json", network_to_dict(tree_network(tree, 2, ws, shared=shared)))
    flags = ["--shared"] if shared else []
    args = ("--tree", spec, "--widths", widths, "--M", "2", "--rows", rows, *flags)
    by_tree = _row(_json(*args))
    by_file = _row(_json("--network", path, "--rows", rows))
    assert by_file["measured_rank"] == by_tree["measured_rank"]
    statuses = {by_tree["status"], by_file["status"]}
    assert statuses <= {"proved", "verified"}
    # the file's only certificate is its min-cut: proved exactly when the rank meets it
    proved = by_file["measured_rank"] == _upper(by_file)[0]
    assert (by_file["status"] == "proved") == proved
    if proved:
        assert by_tree["status"] == "proved"
    # the tree's min-cut is the file's min-cut (the same network)
    cuts = [b["value"] for b in by_tree["upper_bounds"] if b["certificate"]["kind"] == "min-cut"]
    assert cuts == [_upper(by_file)[0]]


def test_output_is_deterministic_for_a_seed_in_every_format() -> None:
    for fmt in ("table", "json", "csv", "latex", "junit"):
        args = ("rank", "--network", RESIDUAL, "--rows", "random", "--seed", "3", "--format", fmt)
        a, b = invoke_cli(*args), invoke_cli(*args)
        assert a.exit_code == 0, (fmt, a.stderr)
        assert a.stdout == b.stdout and a.stdout.strip(), fmt
    other = invoke_cli("rank", "--network", RESIDUAL, "--rows", "odd-even", "--seed", "4")
    assert other.exit_code == 0


def test_exact_over_q_and_on_blas() -> None:
    qq = _row(_json("--network", BINARY, "--rows", "odd-even", "--field", "qq"))
    assert (qq["measured_rank"], qq["status"], qq["evidence"]["field"]) == (4, "proved", "Q")
    blas = _row(_json("--network", BINARY, "--rows", "odd-even", "--field", "blas"))
    assert (blas["measured_rank"], blas["status"]) == (4, "proved")


def test_past_the_dense_limit_a_small_bound_is_sketched(tmp_path: Path) -> None:
    tree = parse_tree("balanced:32")
    path = _write(tmp_path, "b32.json", network_to_dict(tree_network(tree, 2, (2,) * 5)))
    r = invoke_cli("rank", "--network", path, "--rows", "left-right", "--format", "json")
    assert r.exit_code == 0, r.stderr
    row = _row(json.loads(r.stdout))
    assert row["evidence"]["method"] == "sketch" and row["measured_rank"] == 2
    assert row["status"] == "proved" and _cert(row) == "min-cut"
    assert "sketched with random product vectors" in r.stderr
    # odd-even: the bound 2**16 is too large to sketch and the grid tensor does not fit
    big = invoke_cli("rank", "--network", path, "--rows", "odd-even")
    assert big.exit_code == 2 and "refused before starting" in big.stderr
    forced = _row(_json("--network", BINARY, "--rows", "odd-even", "--method", "sketch"))
    assert forced["evidence"]["method"] == "sketch" and forced["status"] == "proved"


def test_budgets_apply_before_anything_runs() -> None:
    for args, text in (
        (("--max-memory", "1K"), "over --max-memory"),
        (("--max-time", "0.001"), "over --max-time"),
        (("--method", "dense", "--max-memory", "1K"), "over --max-memory"),
    ):
        r = invoke_cli("rank", "--network", BINARY, "--rows", "odd-even", *args)
        assert r.exit_code == 2, args
        assert r.stderr.startswith("error: refused before starting") and text in r.stderr
        assert r.stderr.count("\n") == 1 and r.stdout == ""


def _one_line_error(args: tuple[str, ...], text: str) -> None:
    r = invoke_cli("rank", *args)
    assert r.exit_code == 2, (args, r.stdout)
    assert r.stderr.startswith("error: ") and r.stderr.count("\n") == 1, r.stderr
    assert text in r.stderr, r.stderr
    assert r.stdout == ""


@pytest.mark.parametrize(
    ("extra", "text"),
    [
        (("--M", "3"), "--M 3 conflicts with"),
        (("--M", "2,3"), "--M 2,3 conflicts with"),
        (("--N", "8"), "which sets N = 4"),
        (("--tree", "balanced:4"), "drop --tree"),
        (("--cp", "2"), "drop --cp"),
        (("--widths", "2"), "drop --widths"),
        (("--r", "2"), "drop --r"),
        (("--shared",), "drop --shared"),
        (("--method", "structured"), "--method structured is the structured contraction"),
        (("--rows", "0,1,2,3"), "both I and J nonempty"),
        (("--rows", "0,9"), "row modes must lie in 0..3"),
        (("--expect", ">= Z"), "unknown symbol 'Z'"),
        (("--expect", " "), "--expect takes a claim"),
    ],
)
def test_conflicting_options_and_bad_partitions_are_one_line_errors(
    extra: tuple[str, ...], text: str
) -> None:
    _one_line_error(("--network", BINARY, *extra), text)


def test_bad_files_are_one_line_errors(tmp_path: Path) -> None:
    missing = str(tmp_path / "nope.toml")
    _one_line_error(("--network", missing), "cannot read network file")
    bad_toml = tmp_path / "bad.toml"
    bad_toml.write_text("inputs = [\n")
    _one_line_error(("--network", str(bad_toml)), "invalid TOML")
    dangling = _write(tmp_path, "dangling.json", {"inputs": 2, "dim": 2, "tensor": []})
    _one_line_error(("--network", dangling), "output leg")
    _one_line_error(("--M", "2"), "give exactly one architecture")
    _one_line_error(("--tree", "balanced:4", "--r", "2"), "--M (the dimension of each mode)")


def test_the_m_and_n_of_the_file_may_be_repeated() -> None:
    row = _row(_json("--network", BINARY, "--M", "2", "--N", "4", "--rows", "odd-even"))
    assert row["measured_rank"] == 4


def test_fixed_weights_are_one_point_and_say_so(tmp_path: Path) -> None:
    w = [[[1, 0], [0, 0]]]
    net = {"inputs": 2, "dim": 2, "tensor": [{"name": "W", "legs": ["y", "x0", "x1"], "fixed": w}]}
    path = _write(tmp_path, "fixed.json", net)
    r = invoke_cli("rank", "--network", path, "--rows", "0")
    assert r.exit_code == 0 and "every weight of the network is fixed" in r.stdout
    row = _row(_json("--network", path, "--rows", "0", "--field", "qq"))
    assert row["measured_rank"] == 1 and row["evidence"]["weights"] != "random"


def test_api_network_rank_is_the_cli_row() -> None:
    net = api.load_network(BINARY)
    part = api.partition("odd-even", net)
    out = api.network_rank(net, part, expect="== M**(N/2)")
    assert (out.rank, out.status.value, out.verdict.certificate.kind) == (4, "proved", "min-cut")
    assert out.best_bound.certificate.kind == "min-cut"
    with pytest.raises(ConvacError, match="partition is for N = 8"):
        api.network_rank(net, api.partition("odd-even", api.tree("balanced:8")))


def test_a_blas_rank_short_of_the_bound_is_kept_when_flint_does_not_fit() -> None:
    """Past FLINT's time budget the BLAS rank stays: a certified lower bound, undecided."""
    data = network_to_dict(cp_network(20, 2, 3))
    out = next(t for t in data["tensor"] if "y" in t["legs"])
    out["fixed"] = [[1, 1, 0]]  # rank 2 < the min-cut Z = 3
    net = network_from_dict(data)
    part = odd_even(20)
    blas = network_dense_estimate(net, part, "blas").seconds
    flint = network_dense_estimate(net, part, "gfp").seconds
    assert blas < flint
    tight = RankSettings(max_seconds=(blas + flint) / 2)
    m = measure_network_rank(net, part, tight)
    assert m.evidence.method == "dense-blas" and m.rank == 2 and not m.exact
    assert "over --max-time" in m.extra["redo"]
    roomy = measure_network_rank(net, part, RankSettings())
    assert roomy.evidence.method == "dense" and roomy.rank == 2
