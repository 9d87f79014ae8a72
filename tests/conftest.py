"""Shared fixtures: seeded RNG, an in-process CLI runner, and the --runslow option."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--runslow", action="store_true", default=False, help="run slow tests")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--runslow"):
        return
    skip = pytest.mark.skip(reason="slow: run with --runslow")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(0)


@dataclass
class CliResult:
    exit_code: int
    stdout: str
    stderr: str


def invoke_cli(*args: str) -> CliResult:
    """Run ``convac-verify ARGS`` in process through ``main`` (its error handling included)."""
    from convac_verify.cli import main

    runner = CliRunner()
    code: int = 0
    with runner.isolation(env={"COLUMNS": "200", "CONVAC_DEBUG": None}) as streams:
        try:
            main(list(args))
        except SystemExit as exc:
            code = int(exc.code or 0)
        out, err = streams[0].getvalue(), streams[1].getvalue()
    return CliResult(code, out.decode(), err.decode())


@pytest.fixture
def run_cli() -> Callable[..., CliResult]:
    return invoke_cli


@dataclass(frozen=True)
class AllRun:
    """One run of ``convac-verify all`` shared by the tests that read its outputs.

    ``all --jobs 2 --out run.jsonl --junit j.xml --latex all.tex --format json -o all.json``:
    the whole registry once per session (it is the slowest thing the suite does), on two
    workers with a journal, every output file written together.
    """

    result: CliResult
    journal: Path
    junit: Path
    latex: Path
    json: Path


@pytest.fixture(scope="session")
def all_run(tmp_path_factory: pytest.TempPathFactory) -> AllRun:
    d = tmp_path_factory.mktemp("all")
    run = AllRun(
        invoke_cli(
            "all",
            "--jobs",
            "2",
            "--out",
            str(d / "run.jsonl"),
            "--junit",
            str(d / "j.xml"),
            "--latex",
            str(d / "all.tex"),
            "--format",
            "json",
            "-o",
            str(d / "all.json"),
        ),
        d / "run.jsonl",
        d / "j.xml",
        d / "all.tex",
        d / "all.json",
    )
    assert run.result.exit_code == 0, run.result.stderr
    assert run.result.stdout == ""  # everything went to the files, written together
    return run
