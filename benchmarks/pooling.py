"""Speed of the pooling-geometry commands and checks (prints a table; not a test).

Run: ``.venv/bin/python benchmarks/pooling.py``. Each row gives the wall time of the
first in-process run (cold caches) and the median of a few runs (mode trees are cached;
rank measurements are not). The CLI's own Python start-up and imports (~0.6 s) are not
included.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

from rich.console import Console
from rich.table import Table

from convac_verify.cli import cli
from convac_verify.engines.measure import Context
from convac_verify.theorems import THEOREMS
from convac_verify.theorems.runner import run_theorem

REPEATS = 3


def _cli(*args: str) -> Callable[[], None]:
    def run() -> None:
        cli.main(args=list(args), standalone_mode=False)

    return run


def _check(name: str, **params: object) -> Callable[[], None]:
    return lambda: run_theorem(THEOREMS[name], Context(), **params) and None


CASES: list[tuple[str, Callable[[], None]]] = [
    ("pooling --grid 4x4 --compare square mirror", _cli("pooling", "--grid", "4x4", "--compare", "square", "mirror", "--format", "json", "-o", "/dev/null")),
    ("pooling --grid 8x8 --compare square mirror", _cli("pooling", "--grid", "8x8", "--compare", "square", "mirror", "--format", "json", "-o", "/dev/null")),
    ("pooling --grid 16x16 --compare square mirror", _cli("pooling", "--grid", "16x16", "--compare", "square", "mirror", "--format", "json", "-o", "/dev/null")),
    ("pooling --grid 32x32 --compare ... (3 partitions)", _cli("pooling", "--grid", "32x32", "--compare", "square", "mirror", "--partitions", "left-right,checkerboard,mirror-orbits", "--format", "json", "-o", "/dev/null")),
    ("pooling --sweep 4,8,16 --compare square mirror", _cli("pooling", "--sweep", "4,8,16", "--compare", "square", "mirror", "--format", "json", "-o", "/dev/null")),
    ("pooling --grid 4x4 --favor left-right,top-bottom --search any", _cli("pooling", "--favor", "left-right,top-bottom", "--search", "any", "--format", "json", "-o", "/dev/null")),
    ("pooling --grid 8x8 --favor left-right,top-bottom", _cli("pooling", "--grid", "8x8", "--favor", "left-right,top-bottom", "--format", "json", "-o", "/dev/null")),
    ("check iclr17-theorem-1 (defaults)", _check("iclr17-theorem-1")),
    ("check ctm18-theorem-7 (defaults)", _check("ctm18-theorem-7")),
    ("check iclr17-claim-1 (defaults)", _check("iclr17-claim-1")),
    ("check iclr17-shallow (defaults)", _check("iclr17-shallow")),
    ("check iclr17-claim-2 (defaults)", _check("iclr17-claim-2")),
]  # fmt: skip


def main() -> None:
    """Time every case and print the table."""
    table = Table(title=f"pooling benchmarks (median of {REPEATS} runs)", title_justify="left")
    table.add_column("case")
    table.add_column("first run s", justify="right")
    table.add_column("median s", justify="right")
    for label, fn in CASES:
        times = []
        for _ in range(REPEATS):
            start = time.perf_counter()
            fn()
            times.append(time.perf_counter() - start)
        table.add_row(label, f"{times[0]:.3f}", f"{statistics.median(times):.3f}")
    Console().print(table)


if __name__ == "__main__":
    main()
