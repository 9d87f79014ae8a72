"""The public Python API: names, version, docs/api.md examples, and the same data as the CLI."""

from __future__ import annotations

import doctest
import json
from pathlib import Path

import pytest
import sympy

import convac_verify
from convac_verify import api
from convac_verify.cli import main
from convac_verify.report.model import SCHEMA_VERSION

ROOT = Path(__file__).resolve().parent.parent


def test_api_version_is_the_json_schema_version() -> None:
    assert convac_verify.API_VERSION == SCHEMA_VERSION == 2
    t = api.tree("balanced:4")
    rep = api.run_check("colt16-theorem-1", n_modes=4)
    assert rep.to_dict()["schema_version"] == convac_verify.API_VERSION
    assert api.rank(t, 2, 2, api.partition("odd-even", t)).to_dict()["check"] == "rank"


def test_package_exports_exactly_the_api() -> None:
    assert set(convac_verify.__all__) == {*api.__all__, "__version__"}
    for name in api.__all__:
        assert getattr(convac_verify, name) is getattr(api, name), name
    with pytest.raises(AttributeError):
        convac_verify.no_such_name  # noqa: B018


@pytest.mark.parametrize(("doc", "least"), [("docs/api.md", 30), ("README.md", 3)])
def test_docs_api_examples_run(doc: str, least: int) -> None:
    failures, tried = doctest.testfile(
        str(ROOT / doc),
        module_relative=False,
        optionflags=doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS,
    )
    assert tried >= least and failures == 0


def test_py_typed_marker_ships() -> None:
    assert (ROOT / "convac_verify" / "py.typed").exists()
    assert '"py.typed"' in (ROOT / "pyproject.toml").read_text()


def _cli_json(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict]:
    with pytest.raises(SystemExit) as exc:
        main(["rank", *args, "--format", "json"])
    return int(exc.value.code or 0), json.loads(capsys.readouterr().out)


def test_rank_is_the_cli_row(capsys: pytest.CaptureFixture[str]) -> None:
    code, doc = _cli_json(
        capsys, "--tree", "balanced:4", "--widths", "2,3", "--M", "2", "--rows", "left-right"
    )
    t = api.tree("balanced:4")
    r = api.rank(t, 2, [2, 3], api.partition("left-right", t))
    row = r.to_dict()
    cli_row = doc["results"][0]
    # the CLI names the tree by its spec and its family by what was given
    for key in ("measured_rank", "status", "upper_bound", "upper_bounds", "evidence", "bound"):
        assert row[key] == cli_row[key], key
    assert code == 0 and r.rank == 2 and r.exact


def test_family_claim_in_the_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, doc = _cli_json(
        capsys, "--tree", "balanced:8", "--r", "2", "--M", "2", "--expect", ">= min(r, M)**(N/2)"
    )
    assert code == 0 and doc["verdict"] == "pass"
    (fam,) = doc["family"]
    assert fam["status"] == "proved" and fam["lower_bound"] == "Min(M, r)**4"
    # no family claim: no key (the JSON of other commands is unchanged)
    code, doc = _cli_json(capsys, "--tree", "balanced:8", "--r", "2", "--M", "2")
    assert "family" not in doc


def test_family_negative_control_fails_the_gate(capsys: pytest.CaptureFixture[str]) -> None:
    """A formula true at the instance but false at another member is violated (exact)."""
    code, doc = _cli_json(
        capsys, "--tree", "balanced:8", "--r", "2", "--M", "2", "--expect", ">= r0**(N/2)"
    )
    assert doc["results"][0]["status"] == "proved"  # true at M = r = 2
    (fam,) = doc["family"]
    assert fam["status"] == "violated" and "at M = 1, r = 2" in fam["reason"]
    assert code == 1 and doc["verdict"] == "fail"


def test_family_not_judged_is_said(capsys: pytest.CaptureFixture[str]) -> None:
    code, doc = _cli_json(
        capsys, "--tree", "balanced:32", "--widths", "2,2,2,2,2", "--M", "2", "--expect", ">= r0"
    )
    assert code == 0 and "family" not in doc
    assert any(n.startswith("family not judged: per-level widths") for n in doc["notes"])


def test_family_sweep_judges_each_family_once(capsys: pytest.CaptureFixture[str]) -> None:
    code, doc = _cli_json(capsys, "--cp", "3", "--N", "4,6", "--M", "2", "--expect", "<= Z")
    assert code == 0 and [f["status"] for f in doc["family"]] == ["proved", "proved"]
    code, doc = _cli_json(
        capsys, "--tree", "balanced:4", "--r", "1..3", "--M", "2", "--expect", "<= r**2"
    )
    assert len(doc["family"]) == 1 and doc["family"][0]["status"] == "proved"


def test_check_command_runs_through_the_api(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["check", "colt16-theorem-1", "--set", "n_modes=4", "--format", "json"])
    doc = json.loads(capsys.readouterr().out)
    rep = api.run_check("colt16-theorem-1", n_modes=4)
    assert exc.value.code == 0
    assert [r["status"] for r in doc["results"]] == [r.status.value for r in rep.results]
    assert doc["results"] == rep.to_dict()["results"]


@pytest.mark.parametrize(
    ("spec", "dim", "ws", "rows"),
    [
        ("balanced:4", 2, 2, "odd-even"),
        ("balanced:4", 2, 2, "left-right"),
        ("balanced:4", 2, (1, 2), "0,3"),
        ("((0,1,2),3)", 2, 2, "0,1"),
    ],
)
def test_symbolic_rank_equals_the_numeric_generic_rank(
    spec: str, dim: int, ws: int | tuple[int, ...], rows: str
) -> None:
    t = api.tree(spec)
    part = api.partition(rows, t)
    s = api.symbolic_rank(t, dim, ws, part)
    r = api.rank(t, dim, ws, part)
    assert r.exact and s.rank == r.rank
    assert s.matrix().shape == (dim ** len(part.rows), dim ** len(part.cols))
    assert s.minor() != 0 and s.to_dict()["rank"] == s.rank


def _main_json(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict]:
    with pytest.raises(SystemExit) as exc:
        main([*args, "--format", "json"])
    return int(exc.value.code or 0), json.loads(capsys.readouterr().out)


def test_mincut_command_is_the_api(capsys: pytest.CaptureFixture[str]) -> None:
    code, doc = _main_json(
        capsys, "mincut", "--tree", "balanced:8", "--widths", "2,3,1", "--M", "2", "--symbolic"
    )
    t = api.tree("balanced:8")
    net = api.tensor_network(t, 2, (2, 3, 1))
    parts = api.partitions("left-right;odd-even", t)
    assert code == 0 and [row["partition"] for row in doc["mincuts"]] == [p.name for p in parts]
    for row, part in zip(doc["mincuts"], parts, strict=True):
        cut = api.min_cut_bonds(net, part)
        assert (row["min_cut"], row["cut_bonds"], row["exact"]) == (
            cut.value,
            list(cut.bonds),
            cut.exact,
        )
        assert cut.value == api.min_cut(net, part).value
        assert row["formula_latex"] == sympy.latex(api.min_cut_formula(net, part))


def test_symbolic_command_is_the_api(capsys: pytest.CaptureFixture[str]) -> None:
    code, doc = _main_json(
        capsys, "symbolic", "--tree", "((0,1),(2,3))", "--widths", "2", "--M", "2", "--no-minors"
    )
    t = api.tree("((0,1),(2,3))")
    s = api.symbolic_rank(t, 2, 2, api.partition("odd-even", t), minors=False)
    first, numeric = doc["results"][:2]
    assert code == 0 and first["measured_rank"] == s.rank == numeric["measured_rank"]
    assert s.cross_check().rank == s.rank


def test_tree_command_is_the_api(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["tree", "balanced:8", "--rows", "odd-even", "--r", "3", "--format", "json"])
    doc = json.loads(capsys.readouterr().out)["bounds"]
    t = api.tree("balanced:8")
    sb = api.structural_bounds(t, 2, 3, api.partition("odd-even", t))
    assert exc.value.code == 0
    assert doc["best_upper_bound"]["value"] == sb.best.value
    assert [b["value"] for b in doc["upper_bounds"]] == [b.value for b in sb.upper]
    assert doc["ctm18_theorem7"]["upper_r_pow_min_tiles"] == sb.cts_upper
    assert doc["iclr17_theorem1"]["lower_min_r0_M_pow_S"] == sb.iclr17_lower


def test_run_checks_keeps_the_callers_notes() -> None:
    rep = api.run_checks("x", [("colt16-theorem-1", {"n_modes": 4})], notes=["a note"])
    assert rep.notes == ["a note"] and rep.exit_code == 0


def test_partitions_on_a_grid_a_network_and_a_tree() -> None:
    from convac_verify.networks.geometry2d import Grid

    t = api.tree("balanced:4")
    on_tree = api.partitions("left-right;odd-even", t)
    assert on_tree == api.partitions(["left-right", "odd-even"], api.tensor_network(t, 2, 2))
    assert on_tree == api.partitions("left-right,odd-even", Grid(1, 4))
