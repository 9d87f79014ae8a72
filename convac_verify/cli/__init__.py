"""The command line: a click group with one module per command.

Exit codes: 0 when nothing is violated, 1 when a claim is violated, 2 on bad input
(one line on stderr, no traceback; ``CONVAC_DEBUG=1`` shows the traceback), 3 on an
internal error.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import sys
from collections.abc import Sequence

import click

from .. import __version__
from ..engines import interruptible
from ..errors import ConvacError
from ..report.numbers import abbreviate_digits

__all__ = ["cli", "main"]


# command name -> "module[:attribute]" in this package; modules load when their command runs
COMMANDS = {
    "depth": "depth",
    "pooling": "pooling",
    "tree": "tree",
    "rank": "rank",
    "rectifier": "rectifier",
    "dilated": "dilated",
    "mixed": "mixed",
    "symbolic": "symbolic",
    "generative": "generative",
    "simnet": "simnet",
    "overlap": "overlap",
    "mincut": "mincut",
    "list": "checks:list_checks",
    "check": "checks:check",
    "all": "checks:all_checks",
}


class _LazyGroup(click.Group):
    """A group that imports a command's module only when the command is used."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        spec = COMMANDS.get(cmd_name)
        if spec is None:
            return None
        module, _, attr = spec.partition(":")
        command = getattr(importlib.import_module(f"{__name__}.{module}"), attr or module)
        assert isinstance(command, click.Command)
        return command


@click.group(cls=_LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="convac-verify")
def cli() -> None:
    """Exact verification of ConvAC theory: matricization ranks over GF(p) or Q,
    against the bounds of the papers, with what each result proves."""


def _one_line(exc: click.UsageError) -> str:
    message = exc.format_message().replace("\n", " ")
    ctx = exc.ctx
    if isinstance(exc, click.NoSuchOption) and ctx is not None:
        accepted = sorted(
            o for p in ctx.command.get_params(ctx) for o in p.opts if o.startswith("--")
        )
        accepted = [o for o in accepted if o != "--help"]
        if accepted:
            message = f"{message} Accepted: {', '.join(accepted)}."
        else:
            message = f"{message} '{ctx.command_path}' takes no options."
    where = f"'{ctx.command_path} -h'" if ctx is not None else "'convac-verify -h'"
    return f"error: {message} (see {where})"


def _error(text: str) -> None:
    from .common import clear_progress

    clear_progress()
    line = " ".join(abbreviate_digits(text).split())
    click.echo(f"error: {line}" if not line.startswith("error: ") else line, err=True)


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point of the ``convac-verify`` console script."""
    debug = os.environ.get("CONVAC_DEBUG") == "1"
    if hasattr(sys, "set_int_max_str_digits"):  # exact ranks such as 2**524288 in JSON
        sys.set_int_max_str_digits(0)
    interruptible.enable()  # long FLINT calls run in a child: Ctrl-C stops at once
    try:
        code = cli.main(
            args=list(argv) if argv is not None else None,
            prog_name="convac-verify",
            standalone_mode=False,
        )
    except click.UsageError as exc:
        if debug:
            raise
        _error(_one_line(exc))
        code = 2
    except (ConvacError, KeyError) as exc:
        if debug:
            raise
        _error(exc.args[0] if isinstance(exc, KeyError) and exc.args else str(exc))
        code = 2
    except (click.Abort, KeyboardInterrupt):
        from .common import clear_progress

        clear_progress()
        click.echo("interrupted: nothing was written", err=True)
        code = 130
    except BrokenPipeError:  # e.g. | head: stop quietly, and let the exit flush go nowhere
        with contextlib.suppress(OSError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        code = 0
    except Exception as exc:  # a bug: say so in one line
        if debug:
            raise
        from .common import clear_progress

        clear_progress()
        text = abbreviate_digits(" ".join(f"{type(exc).__name__}: {exc}".split()))
        click.echo(f"internal error: {text} (set CONVAC_DEBUG=1 for the traceback)", err=True)
        code = 3
    sys.exit(code if isinstance(code, int) else 0)
