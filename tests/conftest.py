"""Shared fixtures: seeded RNG, an in-process CLI runner, and the --runslow option."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

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
