"""Options shared by the commands, and writing results safely.

Results go to stdout (or ``-o FILE``, written atomically: nothing half-written is
left behind on an error); messages and progress go to stderr.
"""

from __future__ import annotations

import functools
import os
import re
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TextIO, TypeVar, cast

import click
from rich.console import Console

from ..algebra.fields import MERSENNE_61
from ..engines.measure import FIELDS, METHODS, Context, RankSettings
from ..errors import ConvacError
from ..report import FORMATS, Report, document_renderer, get_format
from ..sweeps import Sweep, SweepOptions, available_cores

__all__ = [
    "RunOptions",
    "atomic_output",
    "emit",
    "make_context",
    "parse_size",
    "settings_options",
    "stderr_console",
]

F = TypeVar("F", bound=Callable[..., Any])

_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([KMGT]i?B?|B)?\s*$", re.IGNORECASE)
_UNITS = {"": 1, "B": 1, "K": 2**10, "M": 2**20, "G": 2**30, "T": 2**40}


def parse_size(text: str) -> int:
    """``4G``, ``512MiB``, ``1.5GB`` or a number of bytes.

    Examples
    --------
    >>> parse_size("4G"), parse_size("512MiB"), parse_size("1000")
    (4294967296, 536870912, 1000)
    """
    m = _SIZE.match(str(text))
    if not m:
        raise ConvacError(
            f"--max-memory takes a size like 4G, 512M or a number of bytes; got {text!r}"
        )
    unit = (m.group(2) or "").upper()[:1]
    return int(float(m.group(1)) * _UNITS[unit])


_RUN_KEYS = (
    "field",
    "prime",
    "seed",
    "method",
    "max_memory",
    "fmt",
    "output",
    "jobs",
    "scheduler",
    "out",
    "resume",
)


@dataclass(frozen=True)
class RunOptions:
    """The options every computing command shares (see :func:`settings_options`)."""

    field: str
    prime: int
    seed: int
    method: str
    max_memory: str
    fmt: str
    output: str | None
    jobs: int | None = None
    scheduler: str | None = None
    out: str | None = None
    resume: str | None = None

    def context(self) -> Context:
        """A runner context (rank settings, progress on stderr, where tasks run)."""
        ctx = make_context(self.field, self.prime, self.seed, self.method, self.max_memory)
        ctx.tasks = Sweep(
            SweepOptions(
                jobs=available_cores() if self.jobs is None else self.jobs,
                scheduler=self.scheduler,
                out=self.out,
                resume=self.resume,
                progress=True,
            )
        )
        return ctx

    def emit(
        self,
        report: Report,
        table: Callable[[Report, Console], None] | None = None,
        latex: Callable[[Report], str] | None = None,
    ) -> int:
        """Render ``report`` in ``--format`` to stdout or ``-o``; return the exit code."""
        return emit(report, self.fmt, self.output, table=table, latex=latex)


def settings_options(fn: F) -> F:
    """Add --field, --prime, --seed, --method, --max-memory, --format, -o and the task
    options --jobs, --scheduler, --out, --resume.

    The decorated command receives them as one ``opts: RunOptions`` keyword argument.
    """

    @functools.wraps(fn)
    def command(**kwargs: Any) -> Any:
        opts = RunOptions(**{key: kwargs.pop(key) for key in _RUN_KEYS})
        return fn(opts=opts, **kwargs)

    decorators = [
        click.option(
            "--field",
            type=click.Choice(FIELDS),
            default="gfp",
            show_default=True,
            help="gfp: weights uniform mod p, rank mod p (FLINT; large matrices on BLAS when "
            "certain); blas: the same with p < 2**26 on float64 BLAS [p: 1048573]; qq: integer "
            "weights, rank over Q.",
        ),
        click.option(
            "--prime",
            type=int,
            default=MERSENNE_61,
            show_default=True,
            help="The prime p of GF(p) (below 2**62).",
        ),
        click.option(
            "--seed", type=int, default=0, show_default=True, help="Seed of the random weights."
        ),
        click.option(
            "--method",
            type=click.Choice(METHODS),
            default="auto",
            show_default=True,
            help="dense: grid tensor + FLINT; structured: no grid tensor; auto: dense if it fits.",
        ),
        click.option(
            "--max-memory",
            default="4G",
            show_default=True,
            help="Memory budget; larger computations are refused up front.",
        ),
        click.option(
            "--format",
            "fmt",
            type=click.Choice(sorted(FORMATS)),
            default="table",
            show_default=True,
            help="Output format.",
        ),
        click.option(
            "-o",
            "--output",
            type=click.Path(dir_okay=False, writable=True),
            default=None,
            help="Write results to FILE instead of stdout.",
        ),
        click.option(
            "--jobs",
            type=click.IntRange(min=1),
            default=None,
            help="Worker processes for the run's independent tasks [default: the cores available].",
        ),
        click.option(
            "--scheduler",
            default=None,
            metavar="ADDRESS",
            help="Run the tasks on a Dask distributed scheduler, e.g. tcp://host:8786.",
        ),
        click.option(
            "--out",
            type=click.Path(dir_okay=False, writable=True),
            default=None,
            help="Stream each finished task's results to this JSON-lines journal.",
        ),
        click.option(
            "--resume",
            type=click.Path(dir_okay=False, exists=True),
            default=None,
            help="Resume from a journal: skip its finished tasks, append the rest.",
        ),
    ]
    wrapped: Any = command
    for d in reversed(decorators):
        wrapped = d(wrapped)
    return cast(F, wrapped)


def stderr_console() -> Console:
    """Console for messages and progress."""
    return Console(stderr=True, highlight=False)


def make_context(field: str, prime: int, seed: int, method: str, max_memory: str) -> Context:
    """A runner context from the shared options, with progress on stderr."""
    settings = RankSettings(
        field=field, prime=prime, seed=seed, method=method, max_memory=parse_size(max_memory)
    )
    err = stderr_console()
    if err.is_terminal:
        return Context(settings, progress=lambda msg: err.print(f"[dim]... {msg}[/]", end="\r"))
    return Context(settings)


@contextmanager
def atomic_output(path: str | None) -> Iterator[TextIO]:
    """Yield stdout, or a temporary file renamed to ``path`` only on success."""
    if path is None or path == "-":
        yield sys.stdout
        sys.stdout.flush()
        return
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".convac-", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            yield fh
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def emit(
    report: Report,
    fmt: str,
    output: str | None,
    table: Callable[[Report, Console], None] | None = None,
    latex: Callable[[Report], str] | None = None,
) -> int:
    """Render ``report`` in ``fmt`` to stdout or ``output``; return the exit code.

    ``table`` and ``latex`` replace the generic renderers with a command's own view.
    """
    render = get_format(fmt)
    if fmt == "table" and table is not None:
        render = table
    elif fmt == "latex" and latex is not None:
        render = document_renderer(latex)
    with atomic_output(output) as fh:
        console = Console(
            file=fh,
            width=_width(fh),
            highlight=False,
            color_system="auto" if fh is sys.stdout else None,
        )
        render(report, console)
    return report.exit_code


def _width(fh: TextIO) -> int | None:
    if fh is sys.stdout and sys.stdout.isatty():
        return None
    return int(os.environ.get("COLUMNS", "140"))
