"""Sweeps as tasks: the same report whatever the jobs, the cluster or the interruptions.

The Dask tests start a ``LocalCluster`` on the loopback interface only.
"""

from __future__ import annotations

import json
import os
import signal
from pathlib import Path
from typing import Any

import pytest

from convac_verify.engines.measure import Context, RankSettings
from convac_verify.errors import ConvacError
from convac_verify.report import get_format
from convac_verify.report.model import Report
from convac_verify.sweeps import Sweep, SweepOptions, task_id
from convac_verify.sweeps.codec import decode, encode
from convac_verify.sweeps.profiles import profile_plan
from convac_verify.theorems import THEOREMS, get_theorem
from convac_verify.theorems.runner import run_checks, run_theorem

from .conftest import AllRun, invoke_cli

# small, quick checks with growth series and random draws
PLAN: list[tuple[str, dict[str, Any]]] = [
    ("colt16-theorem-1", {"n_modes": 8}),
    ("cp-rank-bound", {"n_modes": 8}),
    ("colt16-corollary-2", {"n_modes": 8}),
    ("icml16-claim-3", {}),
    ("iclr17-claim-2", {"draws": 2}),
]
CHECKS = [
    "check",
    "colt16-theorem-1",
    "cp-rank-bound",
    "icml16-claim-3",
    "icml16-e10-shallow-max",
    "--set",
    "n_modes=8",
    "--format",
    "json",
]


def _render(report: Report, fmt: str = "json") -> str:
    from io import StringIO

    from rich.console import Console

    buf = StringIO()
    get_format(fmt)(report, Console(file=buf, width=140, color_system=None))
    return buf.getvalue()


def test_every_check_survives_the_journal(all_run: AllRun) -> None:
    """A run rebuilt from its journal alone (every check decoded) prints the same bytes."""
    assert len(all_run.journal.read_text().splitlines()) == 1 + len(THEOREMS)
    again = invoke_cli("all", "--jobs", "2", "--resume", str(all_run.journal), "--format", "json")
    assert again.exit_code == 0
    assert again.stdout == all_run.json.read_text()


def test_interrupted_all_resumes_to_the_same_report(all_run: AllRun, tmp_path: Path) -> None:
    lines = all_run.journal.read_text().splitlines(keepends=True)
    part = tmp_path / "part.jsonl"
    half = 1 + len(THEOREMS) // 2  # the header and half the tasks, then a line cut short
    part.write_text("".join(lines[:half]) + lines[half][: len(lines[half]) // 2])
    resumed = invoke_cli("all", "--jobs", "1", "--resume", str(part), "--format", "json")
    assert resumed.exit_code == 0
    assert resumed.stdout == all_run.json.read_text()
    assert len(part.read_text().splitlines()) == 1 + len(THEOREMS)


def test_codec_round_trips_every_result_type() -> None:
    settings = RankSettings(seed=3)
    results = run_theorem(get_theorem("icml16-claim-3"), Context(settings))
    back = decode(json.loads(json.dumps(encode(results))))
    assert _render(Report("x", settings, back, [], [])) == _render(
        Report("x", settings, results, [], [])
    )


def test_codec_refuses_foreign_classes() -> None:
    with pytest.raises(ConvacError, match="outside"):
        decode({"__dataclass__": "os:stat_result", "fields": {}})


def test_jobs_do_not_change_the_report(tmp_path: Path) -> None:
    serial = invoke_cli(*CHECKS, "--jobs", "1")
    pooled = invoke_cli(*CHECKS, "--jobs", "2", "--out", str(tmp_path / "run.jsonl"))
    assert serial.exit_code == pooled.exit_code == 0
    assert serial.stdout == pooled.stdout
    lines = (tmp_path / "run.jsonl").read_text().splitlines()
    assert json.loads(lines[0])["journal"] == "convac-verify run"
    assert len(lines) == 1 + 4


def test_resume_runs_nothing_twice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    journal = tmp_path / "run.jsonl"
    sweep = Sweep(SweepOptions(jobs=1, out=str(journal)))
    first = run_checks("t", PLAN, Context(RankSettings(seed=1), tasks=sweep))
    sweep.close()

    def boom(*args: object, **kwargs: object) -> None:
        raise AssertionError("a finished task ran again")

    monkeypatch.setattr("convac_verify.sweeps.executors.run_task", boom)
    monkeypatch.setattr("convac_verify.theorems.runner.run_theorem", boom)
    again = Sweep(SweepOptions(jobs=1, resume=str(journal)))
    second = run_checks("t", PLAN, Context(RankSettings(seed=1), tasks=again))
    again.close()
    assert _render(first) == _render(second)
    # and the guard itself bites: one task more than the journal holds
    more = Sweep(SweepOptions(jobs=1, resume=str(journal)))
    with pytest.raises(AssertionError, match="ran again"):
        run_checks("t", [*PLAN, ("icml16-claim-4", {})], Context(RankSettings(seed=1), tasks=more))
    more.close()


def _dying_worker(marker: Path | None, real: Any) -> Any:
    """``run_task`` whose worker kills itself (SIGKILL) on ``cp-rank-bound``: once when a
    ``marker`` file is given (it is created first), every time otherwise."""

    def run_task(check: str, overrides: Any, settings: RankSettings) -> list[Any]:
        if check == "cp-rank-bound" and (marker is None or not marker.exists()):
            if marker is not None:
                marker.touch()
            os.kill(os.getpid(), signal.SIGKILL)
        return real(check, overrides, settings)

    return run_task


def test_a_killed_worker_loses_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A worker killed mid-sweep (kill -9, the OOM killer): the pool is restarted with the
    unfinished tasks, a note says so, and the report is the uninterrupted one (the
    multiprocessing pool used before hung forever)."""
    from convac_verify.sweeps import executors

    serial = run_checks("t", PLAN, Context(RankSettings(seed=1)))
    marker = tmp_path / "killed"
    monkeypatch.setattr(executors, "run_task", _dying_worker(marker, executors.run_task))
    notes: list[str] = []
    sweep = Sweep(SweepOptions(jobs=2, out=str(tmp_path / "run.jsonl")))
    pooled = run_checks(
        "t", PLAN, Context(RankSettings(seed=1), tasks=sweep, progress=notes.append)
    )
    sweep.close()
    assert marker.exists()
    assert any("worker process died" in note for note in notes)
    assert _render(serial) == _render(pooled)
    assert len((tmp_path / "run.jsonl").read_text().splitlines()) == 1 + len(PLAN)


def test_a_task_that_always_kills_its_worker_is_a_one_line_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from convac_verify.sweeps import executors

    monkeypatch.setattr(executors, "POOL_RESTARTS", 1)
    monkeypatch.setattr(executors, "run_task", _dying_worker(None, executors.run_task))
    journal = tmp_path / "run.jsonl"
    sweep = Sweep(SweepOptions(jobs=2, out=str(journal)))
    with pytest.raises(ConvacError, match="died 2 times .* --resume"):
        run_checks("t", PLAN, Context(RankSettings(seed=1), tasks=sweep))
    sweep.close()
    finished = len(journal.read_text().splitlines()) - 1
    assert finished < len(PLAN)  # the others are kept for --resume


def test_resume_refuses_other_settings(tmp_path: Path) -> None:
    journal = tmp_path / "run.jsonl"
    sweep = Sweep(SweepOptions(out=str(journal)))
    run_checks("t", PLAN[:1], Context(RankSettings(seed=1), tasks=sweep))
    sweep.close()
    other = Sweep(SweepOptions(resume=str(journal)))
    with pytest.raises(ConvacError, match="other settings"):
        run_checks("t", PLAN[:1], Context(RankSettings(seed=2), tasks=other))
    bad = tmp_path / "bad.jsonl"
    bad.write_text("not json\n")
    result = invoke_cli(*CHECKS, "--resume", str(bad))
    assert result.exit_code == 2 and "not a convac-verify run journal" in result.stderr


def test_task_identity_is_the_check_and_its_overrides() -> None:
    assert task_id("a", {"x": 1, "y": 2}) == task_id("a", {"y": 2, "x": 1})
    assert task_id("a", {"x": 1}) != task_id("a", {"x": (1,)})
    assert task_id("a", {"x": 1}) != task_id("b", {"x": 1})


def test_paper_profile_plan() -> None:
    plan = profile_plan("paper", sorted(THEOREMS))
    names = [name for name, _ in plan]
    assert set(names) == set(THEOREMS)
    assert ("icml16-appendix-f", {"draws": 1000, "widths": "4"}) in plan
    assert profile_plan("default", ["a", "b"]) == [("a", {}), ("b", {})]
    with pytest.raises(ConvacError, match="unknown profile"):
        profile_plan("nope", [])


def test_bad_task_options() -> None:
    with pytest.raises(ConvacError, match="--jobs"):
        SweepOptions(jobs=0)
    assert invoke_cli(*CHECKS, "--jobs", "0").exit_code == 2
    result = invoke_cli(*CHECKS, "--out", "a.jsonl", "--resume", __file__)
    assert result.exit_code == 2 and "--resume appends" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--out", "/nonexistent/dir/run.jsonl"], "--out '/nonexistent/dir/run.jsonl': directory"),
        (["--out", "."], "is a directory"),
        (["--out", ""], "takes a file name"),
        (["--out", "-"], "not standard output"),
        (["--resume", "no-such.jsonl"], "no such file"),
        (["--resume", "/dev/null"], "not a regular file"),
        (["--out", "r.json", "-o", "r.json"], "both write"),
    ],
)
def test_journals_are_checked_before_any_work(
    args: list[str], message: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``--out``/``--resume`` go through the output checks: one line, exit 2, nothing run."""
    monkeypatch.chdir(tmp_path)

    def boom(*a: object, **k: object) -> None:
        raise AssertionError("work started")

    monkeypatch.setattr("convac_verify.theorems.runner.run_plan", boom)
    monkeypatch.setattr("convac_verify.api.run_checks", boom)  # the CLI runs plans through the API
    result = invoke_cli(*CHECKS, "--jobs", "1", *args)
    assert result.exit_code == 2, result.stderr
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1
    assert message in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_a_journal_on_a_device_is_written_in_place() -> None:
    """``--out /dev/null`` streams to the device and never replaces it."""
    import stat

    before = os.stat("/dev/null")
    result = invoke_cli(*CHECKS, "--jobs", "1", "--out", "/dev/null")
    assert result.exit_code == 0, result.stderr
    after = os.stat("/dev/null")
    assert stat.S_ISCHR(after.st_mode) and after.st_rdev == before.st_rdev


def test_claim_controls_and_inconclusive_rows_do_not_depend_on_the_jobs() -> None:
    """Main's checks with their negative controls (claim controls among them: violated
    rows) and with a fixed tiny prime (inconclusive rows): the same bytes on 1 and 2 jobs."""
    args = [
        "check",
        "colt16-theorem-1",
        "icml16-appendix-f",
        "icml16-e10-shallow-max",
        "--format",
        "json",
    ]
    for extra, status in (["--negative-control"], "violated"), (["--prime", "3"], "inconclusive"):
        serial = invoke_cli(*args, *extra, "--jobs", "1")
        pooled = invoke_cli(*args, *extra, "--jobs", "2")
        assert serial.exit_code == pooled.exit_code, (extra, serial.stderr, pooled.stderr)
        assert serial.stdout == pooled.stdout
        assert f'"status": "{status}"' in serial.stdout


# ----------------------------------------------------------------------------- Dask
@pytest.fixture(scope="module")
def cluster() -> Any:
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=False,
        host="127.0.0.1",
        protocol="tcp://",
        dashboard_address=None,
    ) as local:
        yield local


def test_dask_scheduler_gives_the_same_report(cluster: Any, tmp_path: Path) -> None:
    assert cluster.scheduler_address.startswith("tcp://127.0.0.1:")
    serial = invoke_cli(*CHECKS, "--jobs", "1")
    remote = invoke_cli(
        *CHECKS, "--scheduler", cluster.scheduler_address, "--out", str(tmp_path / "r.jsonl")
    )
    assert remote.exit_code == 0, remote.stderr
    assert remote.stdout == serial.stdout


def test_dask_client_from_python(cluster: Any) -> None:
    from distributed import Client

    with Client(cluster, set_as_default=False) as client:
        ctx = Context(RankSettings(seed=4), tasks=Sweep(SweepOptions(client=client)))
        remote = run_checks("t", PLAN, ctx)
    local = run_checks("t", PLAN, Context(RankSettings(seed=4)))
    assert _render(remote) == _render(local)


def test_unreachable_scheduler_is_a_one_line_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("convac_verify.sweeps.executors.CONNECT_TIMEOUT", "1s")
    result = invoke_cli(*CHECKS, "--scheduler", "tcp://127.0.0.1:9", "--jobs", "1")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: --scheduler tcp://127.0.0.1:9: cannot connect")
