"""Symbolic ranks over Q(w): FLINT fmpz_mpoly vs SymPy, measured in the same run.

Run: ``.venv/bin/python benchmarks/symbolic.py`` (``--quick`` skips the slow baselines).
For each instance the matricization with symbolic weights is built once per backend and
its rank over Q(w) computed by

* ``flint``: this package's fraction-free (Bareiss) elimination on FLINT ``fmpz_mpoly``
  (the default of ``convac-verify symbolic``);
* ``sympy``: the same elimination on SymPy's sparse ``PolyElement`` over ``ZZ``;
* ``DomainMatrix.rref_den``: SymPy's own fraction-free reduced row echelon form over
  ``ZZ[w]`` (the library baseline; ``DomainMatrix.rank`` was still running after 10
  minutes on the first instance and is not timed).

Each baseline runs in a subprocess with a time limit (``--limit`` seconds; ``>limit``
when it did not finish). Times are medians of ``--repeat`` runs (wall clock, one thread).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time

from rich.console import Console
from rich.table import Table

ENV = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "FLINT_NUM_THREADS": "1"}

INSTANCES = [
    ("cp:4 M=2 Z=3 odd-even", "cp:4", 2, 3, "odd-even", "same-channel"),
    ("balanced:4 M=2 r=2 left-right", "balanced:4", 2, 2, "left-right", "same-channel"),
    ("balanced:4 M=2 r=2 odd-even", "balanced:4", 2, 2, "odd-even", "same-channel"),
    ("cp:6 M=2 Z=3 odd-even", "cp:6", 2, 3, "odd-even", "same-channel"),
    ("balanced:4 M=3 r=2 odd-even", "balanced:4", 3, 2, "odd-even", "same-channel"),
]

CHILD = """
import sys, time, numpy as np
from convac_verify.networks.partitions import parse_partition
from convac_verify.networks.trees import parse_tree
from convac_verify.symbolic.elimination import fraction_free_rank
from convac_verify.symbolic.networks import symbolic_network
tree, dim, width, rows, kind, how = sys.argv[1:7]
backend = "flint" if how == "flint" else "sympy"
net = symbolic_network(parse_tree(tree), int(dim), int(width), kind=kind, backend=backend)
part = parse_partition(rows, net.n_modes, np.random.default_rng(0))
matrix = net.matricization(part)
t0 = time.perf_counter()
if how == "rref_den":
    from sympy.polys.matrices import DomainMatrix
    dm = DomainMatrix(matrix.tolist(), matrix.shape, net.ring._impl[0].to_domain())
    rank = len(dm.rref_den()[2])
else:
    rank = fraction_free_rank(matrix.tolist(), net.ring).rank
print(rank, time.perf_counter() - t0)
"""


def measure(args: list[str], how: str, limit: float, repeat: int) -> tuple[str, str]:
    times, rank = [], "-"
    for _ in range(repeat):
        try:
            proc = subprocess.run(
                [sys.executable, "-c", CHILD, *args, how],
                env=ENV,
                capture_output=True,
                text=True,
                timeout=limit,
                check=True,
            )
        except subprocess.TimeoutExpired:
            return f">{limit:g} s", rank
        rank, seconds = proc.stdout.split()
        times.append(float(seconds))
    return f"{statistics.median(times):.3g} s", rank


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--limit", type=float, default=120.0)
    parser.add_argument("--quick", action="store_true", help="flint only, one repeat")
    opts = parser.parse_args()
    table = Table(title="rank over Q(w): elimination time (matrix already built)")
    for col in ("instance", "rank", "flint", "sympy (same elimination)", "DomainMatrix.rref_den"):
        table.add_column(col)
    start = time.perf_counter()
    for name, tree, dim, width, rows, kind in INSTANCES:
        args = [tree, str(dim), str(width), rows, kind]
        flint, rank = measure(args, "flint", opts.limit, 1 if opts.quick else opts.repeat)
        if opts.quick:
            table.add_row(name, rank, flint, "-", "-")
            continue
        sym, _ = measure(args, "sympy", opts.limit, 1)
        dm, _ = measure(args, "rref_den", opts.limit, 1)
        table.add_row(name, rank, flint, sym, dm)
    Console().print(table)
    print(f"total {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
