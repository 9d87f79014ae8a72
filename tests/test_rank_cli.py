"""``convac-verify rank`` answers the researcher's question for every advertised tree and
partition, at any N where a certificate exists, with every bound of the bounds home."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from convac_verify.networks.partitions import PARTITIONS
from convac_verify.networks.trees import TREE_BUILDERS

from .conftest import invoke_cli

TREE_EXAMPLES = {
    "balanced": "balanced:8",
    "windows": "windows:2,2,2",
    "cp": "cp:4",
    "truncated": "truncated:8:2",
    "square": "square:4x4",
    "mirror": "mirror:4x4",
    "rect": "rect:4x4:2x1,1x2,m2x2",
    "dilations": "dilations:1,2,4",
    "swapped": "swapped:16",
    "hybrid": "hybrid:16",
}


def _json(*args: str) -> dict:  # type: ignore[type-arg]
    r = invoke_cli(*args, "--format", "json")
    assert r.exit_code == 0, r.stderr
    return json.loads(r.stdout)  # type: ignore[no-any-return]


def test_registration_does_not_depend_on_imports() -> None:
    code = (
        "from convac_verify.networks.trees import TREE_BUILDERS, parse_tree\n"
        "from convac_verify.networks.partitions import PARTITIONS\n"
        "parse_tree('mirror:4x4'); parse_tree('rect:4x4:2x2,2x2')\n"
        "assert 'grid-left-right' in PARTITIONS, sorted(PARTITIONS)\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.mark.parametrize("name", sorted(TREE_BUILDERS))
def test_every_tree_builder_works_in_rank(name: str) -> None:
    assert name in TREE_EXAMPLES, f"add an example of the builder {name!r} here"
    doc = _json("rank", "--tree", TREE_EXAMPLES[name], "--r", "2", "--M", "2")
    (res,) = doc["results"]
    assert res["status"] in ("proved", "verified")


@pytest.mark.parametrize("usage", sorted(u for _, u in PARTITIONS.values()))
def test_every_partition_family_works_in_rank(usage: str) -> None:
    spec = re.sub(r"\[:B\]$", "", usage).replace(":B", ":2").replace(":K", ":2")
    doc = _json("rank", "--tree", "square:4x4", "--r", "2", "--M", "2", "--rows", spec)
    assert doc["results"][0]["measured_rank"] >= 1


def test_the_docs_example_mirror_grid_left_right() -> None:
    doc = _json("rank", "--tree", "mirror:4x4", "--rows", "grid-left-right", "--M", "2", "--r", "2")
    res = doc["results"][0]
    assert (res["measured_rank"], res["status"]) == (16, "proved")


def test_large_n_through_the_kronecker_witness() -> None:
    doc = _json(
        "rank", "--tree", "balanced:32", "--widths", "3,2,1,1,1", "--M", "3", "--rows", "odd-even"
    )
    res = doc["results"][0]
    assert res["measured_rank"] == 3**16 and res["status"] == "proved"
    assert res["evidence"]["method"] == "structured"
    assert "Kronecker witness" in res["evidence"]["weights"]
    assert res["extra"]["rank_is_exact"] is True


def test_every_bound_of_the_bounds_home_is_consulted() -> None:
    doc = _json(
        "rank",
        "--tree",
        "windows:4,4",
        "--M",
        "2",
        "--widths",
        "2",
        "--rows",
        "0,2,5,7,8,10,13,15",
    )
    res = doc["results"][0]
    assert res["measured_rank"] == 16 and res["status"] == "proved"
    assert res["upper_bound"]["value"] == 16
    assert res["upper_bound"]["certificate"]["kind"] == "joint-span"
    bounds = {b["certificate"]["kind"]: b["value"] for b in res["upper_bounds"]}
    assert bounds == {"c-recursion": 32, "joint-span": 16, "min-cut": 16, "matrix-size": 256}
    assert res["evidence"]["certificate"]["kind"] == "joint-span"


def test_bounded_not_computed_beyond_the_budget() -> None:
    r = invoke_cli("rank", "--tree", "balanced:64", "--r", "2", "--M", "2", "--rows", "random")
    assert r.exit_code == 0, r.stderr
    assert "certified lower bound" in r.stdout and "generic rank in [" in r.stdout


def test_sweep_over_n_with_growth() -> None:
    doc = _json("rank", "--tree", "balanced", "--N", "4,8,16,32", "--M", "2", "--r", "2")
    assert [x["measured_rank"] for x in doc["results"]] == [4, 16, 256, 65536]
    (g,) = doc["growth"]
    assert g["variable"] == "N" and g["measured"]["kind"] == "exponential"
    cp = _json("rank", "--cp", "2", "--N", "4,6,8", "--M", "2", "--expect", "<= Z")
    assert {x["status"] for x in cp["results"]} == {"proved"}
    assert cp["growth"][0]["measured"]["kind"] == "bounded"


def test_sweep_over_widths_and_dim() -> None:
    doc = _json("rank", "--tree", "balanced:8", "--r", "1..3", "--M", "3")
    assert [x["measured_rank"] for x in doc["results"]] == [1, 16, 81]
    doc = _json(
        "rank", "--tree", "balanced:8", "--widths", "2,2,2", "--widths", "3,1,1", "--M", "3"
    )
    assert [x["params"]["widths"] for x in doc["results"]] == [[2, 2, 2], [3, 1, 1]]
    doc = _json("rank", "--tree", "truncated:N:2", "--N", "8,16", "--M", "2", "--r", "2")
    assert len(doc["results"]) == 2
    doc = _json("rank", "--cp", "3", "--N", "8", "--M", "2..4")
    assert [x["params"]["M"] for x in doc["results"]] == [2, 3, 4]


def test_expect_violated_by_a_witness_is_certain() -> None:
    r = invoke_cli(
        "rank", "--tree", "balanced:64", "--r", "2", "--M", "2", "--expect", "<= 2**(N/2) - 1"
    )
    assert r.exit_code == 1 and "counterexample" in r.stdout


def test_tree_takes_per_level_widths() -> None:
    r = invoke_cli(
        "tree", "balanced:16", "--rows", "odd-even", "--widths", "3,2,2,1", "--format", "json"
    )
    assert r.exit_code == 0, r.stderr
    bounds = json.loads(r.stdout)["bounds"]
    assert bounds["widths"] == [3, 2, 2, 1] and "ctm18_theorem7" not in bounds
    assert bounds["iclr17_theorem1"]["upper_c_recursion"] == 256
    bad = invoke_cli("tree", "balanced:16", "--widths", "3,2")
    assert bad.exit_code == 2 and "4 levels" in bad.stderr
