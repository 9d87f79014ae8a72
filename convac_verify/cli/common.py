"""Options shared by the commands, progress on stderr, and writing results safely.

Results go to stdout or ``-o FILE``; every output file of a command (``-o``, ``--junit``,
``--latex``, ...) is checked before any work and written as a set at the end
(:mod:`convac_verify.cli.outputs`). Messages and progress go to stderr; the progress
line of a terminal clears itself.

Commands that run plans of checks (``check``, ``all``, ``depth``, ``pooling``, ``mixed``,
``rectifier``) also take the task options of :func:`sweep_options` (``--jobs``,
``--scheduler``, ``--out``, ``--resume``; :mod:`convac_verify.sweeps`). A run journal is
written as tasks finish, not at the end, but it is checked with the other outputs before
any work, and like them it is never renamed over a device or a FIFO.
"""

from __future__ import annotations

import dataclasses
import functools
import io
import os
import re
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from dataclasses import field as dc_field
from typing import Any, TypeVar, cast

import click
from rich.console import Console

from ..engines.estimate import fmt_seconds, node_count_seconds, parse_duration
from ..engines.measure import (
    DEFAULT_MAX_SECONDS,
    FIELDS,
    METHODS,
    RANDOM_PRIME,
    Context,
    RankSettings,
)
from ..errors import BudgetExceeded, ConvacError
from ..report import FORMATS, Report, document_renderer, get_format
from ..report.rectifier_view import require_matplotlib
from .outputs import OutputError, OutputSet

__all__ = [
    "PLOT_FORMATS",
    "PROGRESS",
    "Progress",
    "RunOptions",
    "clear_progress",
    "emit",
    "make_context",
    "parse_int_list",
    "parse_size",
    "parse_widths",
    "plot_output",
    "render_text",
    "require_tree_time",
    "settings_options",
    "stderr_console",
    "sweep_options",
    "width_params",
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
    "max_time",
    "fmt",
    "output",
    "strict",
)
_TASK_KEYS = ("jobs", "scheduler", "out", "resume")


class Progress:
    """Transient progress on stderr: one self-clearing line on a terminal.

    Off a terminal (a log file, CI), only messages that announce long work (they carry an
    estimate, ``"(estimated ..."``) are printed, one line each. Notes (messages that start
    with ``"note: "``, e.g. that a rank is sketched because the dense matrix does not fit)
    are printed as a line of their own everywhere.
    """

    def __init__(self) -> None:
        self.console = stderr_console()
        self.tty = self.console.is_terminal
        self.active = False

    def __call__(self, message: str) -> None:
        if message.startswith("note: "):
            self.clear()
            self.console.file.write(f"convac-verify: {message}\n")
            self.console.file.flush()
        elif self.tty:
            width = max(20, self.console.width - 1)
            text = f"... {message}"
            self.console.file.write("\r\x1b[2K" + text[:width])
            self.console.file.flush()
            self.active = True
        elif "(estimated" in message:
            self.console.file.write(f"convac-verify: {message}\n")
            self.console.file.flush()

    def clear(self) -> None:
        """Erase the progress line (before results, warnings or errors)."""
        if self.active:
            self.console.file.write("\r\x1b[2K")
            self.console.file.flush()
            self.active = False


PROGRESS: list[Progress] = []
"""The progress line of the running command (cleared by ``main`` on errors)."""


@dataclass(frozen=True)
class RunOptions:
    """The options every computing command shares (see :func:`settings_options`)."""

    field: str
    prime: int | None
    seed: int
    method: str
    max_memory: str
    max_time: str
    fmt: str
    output: str | None
    strict: bool = False
    """``--strict``: inconclusive results fail the gate too."""
    outputs: OutputSet = dc_field(default_factory=OutputSet)
    tasks: bool = False
    """Whether the command runs plans as tasks (:func:`sweep_options`)."""
    jobs: int | None = None
    """``--jobs``: local worker processes (default: the cores available)."""
    scheduler: str | None = None
    """``--scheduler``: a Dask distributed scheduler's address."""
    out: str | None = None
    """``--out``: the run journal to write."""
    resume: str | None = None
    """``--resume``: the run journal to resume."""

    def settings(self) -> RankSettings:
        """The rank settings of these options (no ``--prime``: a random prime drawn from
        the seed, which makes every epsilon over GF(p) rigorous)."""
        if self.prime is not None and self.prime == RANDOM_PRIME:
            raise ConvacError(f"--prime must be a prime in [2, 2**62); got {self.prime}")
        return RankSettings(
            field=self.field,
            prime=RANDOM_PRIME if self.prime is None else self.prime,
            seed=self.seed,
            method=self.method,
            max_memory=parse_size(self.max_memory),
            max_seconds=parse_duration(self.max_time),
        )

    def context(self) -> Context:
        """A runner context (rank settings, progress on stderr, and -- for commands with
        :func:`sweep_options` -- where their tasks run)."""
        ctx = make_context(self.settings())
        if self.tasks:
            from ..sweeps import Sweep, SweepOptions, available_cores

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

    def check_journal(self) -> None:
        """Check ``--out`` / ``--resume`` before any work, with the other outputs (one-line
        errors): the journal is an output like ``-o`` (a missing directory, a directory,
        an unwritable file, a file another option writes are refused; a device or FIFO
        is written in place), and ``--resume`` needs an existing, readable regular file."""
        if (
            self.out is not None
            and self.resume is not None
            and os.path.realpath(self.out) != os.path.realpath(self.resume)
        ):
            raise ConvacError(
                "--resume appends to its own journal; drop --out or give the same file"
            )
        if self.resume is not None:
            if self.resume in ("", "-"):
                raise OutputError(f"--resume takes a journal file; got {self.resume!r}")
            if not os.path.exists(self.resume):
                raise OutputError(f"--resume {self.resume!r}: no such file")
            if not os.path.isfile(self.resume):
                raise OutputError(f"--resume {self.resume!r} is not a regular file (a journal)")
            if not os.access(self.resume, os.R_OK):
                raise OutputError(f"--resume {self.resume!r}: permission denied")
            self.outputs.add(self.resume, "--resume")
        elif self.out is not None:
            if self.out == "-":
                raise OutputError("--out takes a journal file, not standard output")
            self.outputs.add(self.out, "--out")

    def add_output(self, path: str | None, option: str) -> None:
        """Check another output file now (before any work); written by :meth:`emit`."""
        self.outputs.add(path, option)

    def emit(
        self,
        report: Report,
        table: Callable[[Report, Console], None] | None = None,
        latex: Callable[[Report], str] | None = None,
        files: Mapping[str, Callable[[Report], str | bytes]] | None = None,
    ) -> int:
        """Render ``report`` (judged with ``--strict`` when given) in ``--format`` to stdout
        or ``-o``, and ``files[option]`` to the file given with that option, all together;
        return the exit code."""
        return emit(self.gate(report), self, table=table, latex=latex, files=files)

    def gate(self, report: Report) -> Report:
        """``report`` judged with ``--strict`` when given (inconclusive results fail)."""
        return dataclasses.replace(report, strict=self.strict)


def settings_options(fn: F) -> F:
    """Add --field, --prime, --seed, --method, --max-memory, --max-time, --format, -o and
    --strict.

    The decorated command receives them as one ``opts: RunOptions`` keyword argument,
    with ``-o`` already checked (before the command does any work).
    """
    return _with_options(fn, tasks=False)


def sweep_options(fn: F) -> F:
    """:func:`settings_options` plus the task options of commands that run plans:
    --jobs, --scheduler, --out and --resume (journals checked before any work)."""
    return _with_options(fn, tasks=True)


def _with_options(fn: F, *, tasks: bool) -> F:
    keys = _RUN_KEYS + (_TASK_KEYS if tasks else ())

    @functools.wraps(fn)
    def command(**kwargs: Any) -> Any:
        opts = RunOptions(**{key: kwargs.pop(key) for key in keys}, tasks=tasks)
        opts.settings()  # validates --max-memory, --max-time and the field
        opts.outputs.add(opts.output if opts.output is not None else "-", "-o")
        opts.check_journal()
        return fn(opts=opts, **kwargs)

    decorators = [
        click.option(
            "--field",
            type=click.Choice(FIELDS),
            default="gfp",
            show_default=True,
            help="gfp: weights uniform mod p, rank mod p (FLINT; a large matrix is tried on "
            "BLAS first and kept when it meets a certified bound); blas: the same with p < 2**26, "
            "every dense rank on float64 BLAS (a row whose status depends on epsilon is "
            "redrawn once modulo a fresh random 61-bit prime with FLINT; with --prime it stays "
            "inconclusive); qq: integer weights, rank over Q.",
        ),
        click.option(
            "--prime",
            type=int,
            default=None,
            help="A fixed prime p of GF(p) (below 2**62; below 2**26 with --field blas). Default: "
            "a prime drawn uniformly from [2**61, 2**62) ([2**19, 2**20) with --field blas) "
            "from the seed, which makes every epsilon rigorous; with a fixed prime, results "
            "that depend on an epsilon are inconclusive.",
        ),
        click.option(
            "--seed",
            type=click.IntRange(min=0),
            default=0,
            show_default=True,
            help="Seed of the random weights (an integer >= 0).",
        ),
        click.option(
            "--method",
            type=click.Choice(METHODS),
            default="auto",
            show_default=True,
            help=(
                "dense: grid tensor + rank (FLINT or BLAS); structured: no grid tensor; "
                "sketch: random product vectors, a k x k rank with k the upper bound; auto: "
                "dense if it fits, else sketch (bound <= 4096) or structured."
            ),
        ),
        click.option(
            "--max-memory",
            default="4G",
            show_default=True,
            help="Memory budget; larger computations are refused up front.",
        ),
        click.option(
            "--max-time",
            default=f"{DEFAULT_MAX_SECONDS:g}s",
            show_default=True,
            help="Time budget per computation (estimated); longer ones are refused up front.",
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
            default=None,
            metavar="FILE",
            help="Write results to FILE (- for stdout; devices and FIFOs are written in place).",
        ),
        click.option(
            "--strict",
            is_flag=True,
            help="Fail (exit 1) on inconclusive results too, not only on violated ones.",
        ),
    ]
    if tasks:
        decorators += [
            click.option(
                "--jobs",
                type=click.IntRange(min=1),
                default=None,
                help="Worker processes for the run's independent tasks [default: the cores "
                "available].",
            ),
            click.option(
                "--scheduler",
                default=None,
                metavar="ADDRESS",
                help="Run the tasks on a Dask distributed scheduler, e.g. tcp://host:8786.",
            ),
            click.option(
                "--out",
                default=None,
                metavar="FILE",
                help="Stream each finished task's results to this JSON-lines journal.",
            ),
            click.option(
                "--resume",
                default=None,
                metavar="FILE",
                help="Resume from a journal: skip its finished tasks, append the rest.",
            ),
        ]
    wrapped: Any = command
    for d in reversed(decorators):
        wrapped = d(wrapped)
    return cast(F, wrapped)


PLOT_FORMATS = ("png", "pdf", "svg")
"""File types ``--plot`` writes (chosen by the file's extension)."""


def plot_output(opts: RunOptions, path: str | None) -> str:
    """Check ``--plot FILE`` before any work (matplotlib present, a known extension, a
    writable place: :meth:`RunOptions.add_output`); return the image suffix (``.png`` when
    no plot is asked for). The command passes the plot's bytes to :meth:`RunOptions.emit`
    under ``"--plot"``, so it is written with the other outputs."""
    suffix = os.path.splitext(path or "")[1].lower() or ".png"
    if path is None:
        return suffix
    require_matplotlib()
    if suffix.lstrip(".") not in PLOT_FORMATS:
        raise ConvacError(
            f"--plot writes {', '.join(PLOT_FORMATS)} files (by extension); got {path!r}"
        )
    opts.add_output(path, "--plot")
    return suffix


def stderr_console() -> Console:
    """Console for messages and progress."""
    return Console(stderr=True, highlight=False)


def make_context(settings: RankSettings) -> Context:
    """A runner context with progress on stderr."""
    progress = Progress()
    PROGRESS[:] = [progress]
    return Context(settings, progress=progress)


def clear_progress() -> None:
    """Erase the running command's progress line, if any."""
    for p in PROGRESS:
        p.clear()


def render_text(render: Callable[[Any, Console], None], report: Any, terminal: bool = False) -> str:
    """Run a table-style renderer into a string (terminal colors and width if ``terminal``)."""
    buffer = io.StringIO()
    if terminal:
        width = Console(file=sys.stdout).width
        console = Console(file=buffer, width=width, force_terminal=True, highlight=False)
    else:
        width = int(os.environ.get("COLUMNS", "140") or 140)
        console = Console(file=buffer, width=width, highlight=False, color_system=None)
    render(report, console)
    return buffer.getvalue()


def emit(
    report: Report,
    opts: RunOptions,
    table: Callable[[Report, Console], None] | None = None,
    latex: Callable[[Report], str] | None = None,
    files: Mapping[str, Callable[[Report], str | bytes]] | None = None,
) -> int:
    """Render ``report`` to every output of ``opts``, all together; return the exit code.

    ``table`` and ``latex`` replace the generic renderers with a command's own view.
    """
    render = get_format(opts.fmt)
    if opts.fmt == "table" and table is not None:
        render = table
    elif opts.fmt == "latex" and latex is not None:
        render = document_renderer(latex)
    terminal = opts.output in (None, "-") and sys.stdout.isatty()
    contents: dict[str, str | bytes] = {"-o": render_text(render, report, terminal)}
    for option, make in (files or {}).items():
        if opts.outputs.has(option):
            contents[option] = make(report)
    clear_progress()
    opts.outputs.write(contents)
    return report.exit_code


_RANGE = re.compile(r"^\s*(\d+)\s*\.\.\s*(\d+)\s*$")
MAX_SWEEP_POINTS = 64


def parse_int_list(text: str, option: str, *, minimum: int = 1) -> list[int]:
    """``8,16,32`` or a range ``2..6`` (inclusive), each value ``>= minimum``.

    Examples
    --------
    >>> parse_int_list("8,16,32", "--N"), parse_int_list("2..4", "--r")
    ([8, 16, 32], [2, 3, 4])
    """
    m = _RANGE.match(text)
    if m:
        lo, hi = int(m.group(1)), int(m.group(2))
        if hi < lo:
            raise ConvacError(f"{option} {text!r}: a range a..b needs a <= b")
        if hi - lo + 1 > MAX_SWEEP_POINTS:
            raise ConvacError(
                f"{option} {text!r} gives {hi - lo + 1:,} values; at most {MAX_SWEEP_POINTS}"
            )
        values = list(range(lo, hi + 1))
    else:
        try:
            values = [int(v) for v in text.split(",") if v.strip()]
        except ValueError:
            raise ConvacError(
                f"{option} takes integers like 8,16,32 or a range 2..6; got {_short(text)!r}"
            ) from None
        if not values:
            raise ConvacError(f"{option} takes integers like 8,16,32 or a range 2..6; got ''")
        if len(values) > MAX_SWEEP_POINTS:
            raise ConvacError(f"{option}: at most {MAX_SWEEP_POINTS} values; got {len(values)}")
    bad = [v for v in values if v < minimum]
    if bad:
        raise ConvacError(f"{option} values must be >= {minimum}; got {bad[0]}")
    return values


def parse_widths(widths: str | None, r: int | None, depth: int | None = None) -> tuple[int, ...]:
    """Widths from ``--r R`` (uniform) or ``--widths r0,r1,...`` (one per level).

    Returns one value for a uniform width, else ``depth`` values (checked when ``depth``
    is given).

    Raises
    ------
    ConvacError
        Both options, non-integers, widths below 1, or the wrong number of levels.
    """
    if widths is not None and r is not None:
        raise ConvacError("give --r R (one width for every level) or --widths r0,r1,..., not both")
    if widths is None:
        if r is None:
            raise ConvacError("give a width: --r R (every level) or --widths r0,r1,... (per level)")
        if r < 1:
            raise ConvacError(f"--r must be a positive integer; got {r}")
        return (r,)
    try:
        ws = tuple(int(v) for v in widths.split(","))
    except ValueError:
        raise ConvacError(
            f"--widths takes positive integers r0,r1,... (one per level, or one for all); "
            f"got {_short(widths)!r}"
        ) from None
    if any(w < 1 for w in ws):
        raise ConvacError(f"--widths must be positive integers; got {_short(widths)!r}")
    if depth is not None and len(ws) not in (1, depth):
        raise ConvacError(
            f"--widths gives {len(ws)} values; the network has {depth} levels below the root "
            f"(r0..r{depth - 1}), so give {depth} values or one"
        )
    return ws


def width_params(check: str, ws: tuple[int, ...]) -> dict[str, object]:
    """The width parameters of ``check`` for widths ``ws``: ``widths="3,2,1"`` where the check
    takes per-level widths, else ``width=r`` (uniform widths only)."""
    from ..theorems import get_theorem

    defaults = get_theorem(check).defaults
    if "widths" in defaults:
        return {"widths": ",".join(map(str, ws))}
    if len(set(ws)) == 1 and "width" in defaults:
        return {"width": ws[0]}
    raise ConvacError(
        f"{check} takes one width for every level; per-level --widths "
        f"{','.join(map(str, ws))} are not supported by it (use --r)"
    )


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def require_tree_time(n_nodes: int, opts: RunOptions, what: str) -> None:
    """Refuse, before any tree is built, work whose trees alone exceed ``--max-time``."""
    seconds = node_count_seconds(n_nodes)
    budget = opts.settings().max_seconds
    if seconds > budget:
        advice = (
            f"raise --max-time (e.g. --max-time {max(2, int(seconds * 2 / 60) + 1)}m) or use a "
            "smaller N"
            if seconds < 86400
            else "use a smaller N"
        )
        raise BudgetExceeded(
            f"refused before starting: {what} builds and bounds mode trees with ~{n_nodes:,} "
            f"nodes, ~{fmt_seconds(seconds)} (estimate) before any rank, over --max-time "
            f"{fmt_seconds(budget)}; {advice}"
        )
