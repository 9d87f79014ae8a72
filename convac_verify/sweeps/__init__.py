"""Sweeps as independent tasks: a local process pool or Dask distributed, with a journal.

A command's plan -- ``(check name, parameter overrides)`` pairs: the growth series of
``depth``, the grids and geometries of a pooling sweep, the checks of ``all``, the
widths of App. F -- is a list of independent tasks. :class:`Sweep` runs them

* here, one after another (``jobs=1``);
* on a local process pool (``jobs=N``; ``--jobs``, default: the cores available);
* on a Dask distributed cluster (``scheduler="tcp://host:port"`` or an existing
  ``dask.distributed.Client``; ``--scheduler``). Workers need convac-verify installed.

Every finished task is appended to a JSON-lines journal (``out``, ``--out``) and a run
resumed from it (``resume``, ``--resume``) skips the tasks it holds. The report is
the same, byte for byte, whatever the number of jobs, the cluster, or the
interruptions: results are put back in plan order, and each measurement's random
stream is keyed by the seed and what is measured, never by where or when it runs
(:func:`convac_verify.engines.measure.measure_rank`).

Examples
--------
From Python, with a Dask client::

    from dask.distributed import Client
    from convac_verify.engines.measure import Context
    from convac_verify.sweeps import Sweep, SweepOptions
    from convac_verify.theorems.runner import run_checks

    ctx = Context(tasks=Sweep(SweepOptions(client=Client("tcp://10.0.0.5:8786"))))
    report = run_checks("all", [("colt16-theorem-1", {"n_modes": 16})], ctx)
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..engines.measure import Context, RankSettings
from ..errors import ConvacError
from . import executors
from .executors import run_task
from .journal import Journal, task_id

__all__ = ["Sweep", "SweepOptions", "available_cores", "run_task", "task_id"]


def available_cores() -> int:
    """Cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


@dataclass(frozen=True)
class SweepOptions:
    """Where tasks run and where their results go."""

    jobs: int = 1
    """Local worker processes (1: in this process)."""
    scheduler: str | None = None
    """Address of a Dask distributed scheduler, e.g. ``tcp://host:8786``."""
    client: Any = None
    """An existing ``dask.distributed.Client`` (Python API); wins over ``scheduler``."""
    out: str | None = None
    """Journal to write (JSON lines); an existing file is replaced."""
    resume: str | None = None
    """Journal to resume: its finished tasks are skipped and new ones appended."""
    progress: bool = False
    """Show a progress bar on stderr."""

    def __post_init__(self) -> None:
        if self.jobs < 1:
            raise ConvacError(f"--jobs must be at least 1; got {self.jobs}")
        if self.out and self.resume and os.path.abspath(self.out) != os.path.abspath(self.resume):
            raise ConvacError(
                "--resume appends to its own journal; drop --out or give the same file"
            )
        if self.scheduler is not None and not self.scheduler.strip():
            raise ConvacError("--scheduler takes an address like tcp://host:8786")


class Sweep:
    """Runs plans as tasks (the :class:`~convac_verify.engines.measure.TaskRunner` of a
    :class:`~convac_verify.engines.measure.Context`)."""

    def __init__(self, options: SweepOptions) -> None:
        self.options = options
        self._journal: Journal | None = None

    def _open(self, settings: RankSettings) -> Journal | None:
        path = self.options.resume or self.options.out
        if path is None:
            return None
        if self._journal is None:
            self._journal = Journal(path, settings, resume=self.options.resume is not None)
        return self._journal

    def run(self, plan: Sequence[tuple[str, Mapping[str, Any]]], ctx: Context) -> list[list[Any]]:
        """Results of every task of ``plan``, in plan order."""
        journal = self._open(ctx.settings)
        tasks = [(name, dict(overrides)) for name, overrides in plan]
        done: dict[int, list[Any]] = {}
        if journal is not None:
            for i, (name, overrides) in enumerate(tasks):
                key = task_id(name, overrides)
                if key in journal.finished:
                    done[i] = journal.finished[key]
        todo = [(i, task) for i, task in enumerate(tasks) if i not in done]
        run = executors.execute(
            todo,
            ctx,
            jobs=self.options.jobs,
            scheduler=self.options.scheduler,
            client=self.options.client,
        )
        with _Progress(self.options.progress, len(tasks), len(done)) as advance:
            for i, results in run:
                done[i] = results
                if journal is not None:
                    journal.record(*tasks[i], results)
                advance()
        return [done[i] for i in range(len(tasks))]

    def close(self) -> None:
        """Close the journal."""
        if self._journal is not None:
            self._journal.close()
            self._journal = None


class _Progress:
    def __init__(self, show: bool, total: int, done: int) -> None:
        self.bar: Any = None
        if show and total > 1:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

            console = Console(stderr=True)
            if console.is_terminal:
                self.bar = Progress(
                    "[progress.description]{task.description}",
                    BarColumn(),
                    MofNCompleteColumn(),
                    TimeElapsedColumn(),
                    console=console,
                    transient=True,
                    auto_refresh=False,  # no refresh thread: worker processes are forked
                )
                self.task = self.bar.add_task("tasks", total=total, completed=done)

    def __enter__(self) -> Any:
        if self.bar is None:
            return lambda: None
        self.bar.start()
        self.bar.refresh()

        def advance() -> None:
            self.bar.advance(self.task)
            self.bar.refresh()

        return advance

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()
