"""The command line: a click group with one module per command.

Exit codes: 0 when nothing is violated, 1 when a claim is violated, 2 on bad input
(one line on stderr, no traceback; ``CONVAC_DEBUG=1`` shows the traceback), 3 on an
internal error.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

import click

from .. import __version__
from ..errors import ConvacError
from .checks import all_checks, check, list_checks
from .depth import depth
from .pooling import pooling
from .rank import rank
from .rectifier import rectifier
from .tree import tree

__all__ = ["cli", "main"]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="convac-verify")
def cli() -> None:
    """Exact verification of ConvAC theory: matricization ranks over GF(p) or Q,
    against the bounds of the papers, with what each result proves."""


for _command in (depth, pooling, tree, rank, rectifier, list_checks, check, all_checks):
    cli.add_command(_command)


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
