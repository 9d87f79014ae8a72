"""Where tasks run: this process, a local process pool, or a Dask distributed cluster.

Each yields ``(task index, results)`` as tasks finish. Worker processes keep one
:class:`~convac_verify.engines.measure.Context` per settings, so measurements shared
by several tasks on one worker are computed once there (results do not depend on it).
"""

from __future__ import annotations

import multiprocessing
import sys
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from ..engines.measure import Context, RankSettings
from ..errors import ConvacError

__all__ = ["execute", "run_task"]

Todo = list[tuple[int, tuple[str, dict[str, Any]]]]

_CONTEXTS: dict[RankSettings, Context] = {}
CONNECT_TIMEOUT = "20s"
"""How long to wait for a Dask scheduler before giving up."""


def run_task(check: str, overrides: Mapping[str, Any], settings: RankSettings) -> list[Any]:
    """Run one check with ``overrides`` under ``settings``: the unit of work of a sweep."""
    from ..theorems.registry import get_theorem
    from ..theorems.runner import run_theorem

    ctx = _CONTEXTS.setdefault(settings, Context(settings))
    return run_theorem(get_theorem(check), ctx, **overrides)


def execute(
    todo: Todo, ctx: Context, *, jobs: int, scheduler: str | None, client: Any
) -> Iterator[tuple[int, list[Any]]]:
    """Run the tasks of ``todo`` and yield their results as they finish."""
    if not todo:
        return
    if client is not None or scheduler is not None:
        yield from _dask(todo, ctx.settings, scheduler, client)
    elif jobs > 1 and len(todo) > 1:
        yield from _pool(todo, ctx.settings, jobs, ctx.progress)
    else:
        from ..theorems.registry import get_theorem
        from ..theorems.runner import run_theorem

        for i, (name, overrides) in todo:
            yield i, run_theorem(get_theorem(name), ctx, **overrides)


def _run_indexed(item: tuple[int, str, dict[str, Any], RankSettings]) -> tuple[int, list[Any]]:
    i, name, overrides, settings = item
    return i, run_task(name, overrides, settings)


POOL_RESTARTS = 2
"""How many times a local pool whose worker died (killed, out of memory) is restarted with
the unfinished tasks before the sweep gives up."""


def _pool(
    todo: Todo, settings: RankSettings, jobs: int, progress: Callable[[str], None]
) -> Iterator[tuple[int, list[Any]]]:
    """The tasks on a local process pool (``concurrent.futures``), results as they finish.

    A worker that dies (``kill -9``, the out-of-memory killer) breaks the pool: its task
    and the queued ones are lost to it, so the pool is restarted with every unfinished
    task, at most :data:`POOL_RESTARTS` times -- each task's random stream is keyed by the
    task, so a rerun gives the same result. Leaving the generator (an error, Ctrl-C)
    terminates the workers at once.
    """
    from concurrent.futures import ProcessPoolExecutor, as_completed
    from concurrent.futures.process import BrokenProcessPool

    # fork: workers start at once with everything imported (no refresh threads run here)
    method = "fork" if sys.platform.startswith("linux") else "spawn"
    context = multiprocessing.get_context(method)
    left = dict(todo)
    for attempt in range(POOL_RESTARTS + 1):
        pool = ProcessPoolExecutor(min(jobs, len(left)), mp_context=context)
        try:
            futures = [
                pool.submit(_run_indexed, (i, name, overrides, settings))
                for i, (name, overrides) in left.items()
            ]
            for future in as_completed(futures):
                i, results = future.result()
                del left[i]
                yield i, results
            return
        except BrokenProcessPool:
            if attempt == POOL_RESTARTS:
                raise ConvacError(
                    f"a worker process died {attempt + 1} times ({len(left)} tasks "
                    "unfinished; killed, or out of memory?); the finished tasks are in the "
                    "journal if --out was given: rerun with --resume FILE, or fewer --jobs"
                ) from None
            progress(
                f"note: a worker process died (killed, or out of memory?); restarting the "
                f"pool with the {len(left)} unfinished tasks"
            )
        finally:
            _stop(pool)


def _stop(pool: Any) -> None:
    """Terminate a pool's workers now (not after their current tasks) and shut it down."""
    terminate = getattr(pool, "terminate_workers", None)  # Python 3.14
    if terminate is not None:
        terminate()
    else:
        for process in list((getattr(pool, "_processes", None) or {}).values()):
            process.terminate()
    pool.shutdown(wait=True, cancel_futures=True)


def _dask(
    todo: Todo, settings: RankSettings, scheduler: str | None, client: Any
) -> Iterator[tuple[int, list[Any]]]:
    try:
        from distributed import Client, as_completed
    except ImportError:
        raise ConvacError(
            "--scheduler needs Dask distributed: pip install 'convac-verify[cluster]'"
        ) from None

    own = client is None
    if own:
        try:
            client = Client(scheduler, set_as_default=False, timeout=CONNECT_TIMEOUT)
        except OSError as exc:
            raise ConvacError(f"--scheduler {scheduler}: cannot connect ({exc})") from None
    try:
        futures = {
            client.submit(run_task, name, overrides, settings, pure=False): i
            for i, (name, overrides) in todo
        }
        try:
            for future in as_completed(futures, loop=client.loop):
                yield futures[future], future.result()
        finally:
            client.cancel(list(futures))
    finally:
        if own:
            client.close()
