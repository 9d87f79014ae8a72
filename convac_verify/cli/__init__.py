"""The command line: a click group with one module per command.

Exit codes: 0 when nothing is violated, 1 when a claim is violated, 2 on bad input
(one line on stderr, no traceback; ``CONVAC_DEBUG=1`` shows the traceback), 3 on an
internal error.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Sequence

import click

from .. import __version__
from ..errors import ConvacError

__all__ = ["cli", "main"]


# command name -> "module[:attribute]" in this package; modules load when their command runs
COMMANDS = {
    "depth": "depth",
    "pooling": "pooling",
    "tree": "tree",
    "rank": "rank",
    "rectifier": "rectifier",
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
        accepted = sorted(o for p in ctx.command.params for o in p.opts if o.startswith("--"))
        message = f"{message} Accepted: {', '.join(accepted)}."
    where = f"'{ctx.command_path} -h'" if ctx is not None else "'convac-verify -h'"
    return f"error: {message} (see {where})"


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point of the ``convac-verify`` console script."""
    debug = os.environ.get("CONVAC_DEBUG") == "1"
    try:
        code = cli.main(
            args=list(argv) if argv is not None else None,
            prog_name="convac-verify",
            standalone_mode=False,
        )
    except click.UsageError as exc:
        if debug:
            raise
        click.echo(_one_line(exc), err=True)
        code = 2
    except (ConvacError, KeyError) as exc:
        if debug:
            raise
        text = exc.args[0] if isinstance(exc, KeyError) and exc.args else str(exc)
        click.echo(f"error: {text}", err=True)
        code = 2
    except click.Abort:
        click.echo("aborted", err=True)
        code = 130
    except BrokenPipeError:
        code = 0
    except Exception as exc:  # a bug: say so in one line
        if debug:
            raise
        click.echo(
            f"internal error: {type(exc).__name__}: {exc} (set CONVAC_DEBUG=1 for the traceback)",
            err=True,
        )
        code = 3
    sys.exit(code if isinstance(code, int) else 0)
