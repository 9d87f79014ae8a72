"""Long C calls that stay interruptible: Ctrl-C stops the command at once, not afterwards.

FLINT's rank routines hold Python's GIL for their whole run (tens of seconds for a
4096 x 4096 matrix), and Python handles a signal only between bytecodes, so Ctrl-C would
wait for the call to finish. :func:`run_interruptible` runs such a call in a forked child
process and waits for its answer in the parent, which stays responsive: on Ctrl-C the child
is killed and ``KeyboardInterrupt`` is raised in the parent at once (the command line then
exits 130, having written nothing).

It is used only when the command line enabled it (:func:`enable`, called by ``main``), in
the main thread, on systems with ``fork``, and only for calls expected to be long; otherwise
the function runs in place. The child returns an integer (a rank); any failure in the child
falls back to running the function in place.
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Callable

__all__ = ["enable", "enabled", "run_interruptible"]

_ENABLED = [False]


def enable(on: bool = True) -> None:
    """Let :func:`run_interruptible` fork (the command line does; library callers need not)."""
    _ENABLED[0] = on


def enabled() -> bool:
    """Whether long calls run in a child process."""
    return (
        _ENABLED[0]
        and hasattr(os, "fork")
        and threading.current_thread() is threading.main_thread()
    )


def run_interruptible(fn: Callable[[], int]) -> int:
    """``fn()``, computed in a forked child when :func:`enabled` (an integer result)."""
    if not enabled():
        return fn()
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: compute, report, leave without cleanup handlers
        status = 1
        try:
            os.close(read_end)
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            os.write(write_end, str(int(fn())).encode("ascii"))
            status = 0
        finally:
            os._exit(status)
    os.close(write_end)
    data = b""
    try:
        while chunk := os.read(read_end, 4096):
            data += chunk
        _, status = os.waitpid(pid, 0)
    except BaseException:  # Ctrl-C (or anything else): stop the child now
        try:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass
        raise
    finally:
        os.close(read_end)
    if os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGINT:
        raise KeyboardInterrupt  # Ctrl-C reached the child first
    if status != 0 or not data:
        return fn()  # the child failed (e.g. out of memory): the error surfaces here
    return int(data)
