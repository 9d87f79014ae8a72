"""Benchmark: the App. F simulation of ICML 2016 (deep ReLU + max, N = 8, M = 3, F = I).

Times the 1000-draw run for widths (2,2,2), (4,4,4), (8,8,8) with the default rank path
(exact grid tensor below the root, root and rank mod a random 62-bit prime) and with
exact ranks over Q (FLINT ``fmpz_mat``), and the pieces of one draw. Prints tables; no
assertions (speed targets live here, not in the tests).

Usage::

    .venv/bin/python benchmarks/rectifier_appf.py [--draws 1000] [--exact-draws 200]
"""

from __future__ import annotations

import argparse
import os
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np
from rich.console import Console
from rich.table import Table

from convac_verify.networks import trees
from convac_verify.networks.partitions import odd_even
from convac_verify.rectifier.generalized import (
    grid_matrix,
    grid_matrix_mod_p,
    random_generalized,
    representation_matrix,
)
from convac_verify.rectifier.measure import stream
from convac_verify.rectifier.operators import get_operator
from convac_verify.rectifier.ranks import exact_rank, modular_rank, random_prime
from convac_verify.rectifier.simulation import rank_histogram

WIDTHS = ((2, 2, 2), (4, 4, 4), (8, 8, 8))


def run(draws: int, exact: bool) -> list[tuple[tuple[int, ...], float, int, float, int]]:
    """(widths, seconds, draws at full rank, mean rank, min rank) per width."""
    F = representation_matrix("identity", 3)
    prime = None if exact else random_prime(stream(0, "appendix-f/prime"))
    out = []
    for ws in WIDTHS:
        h = rank_histogram(
            8, 3, ws, get_operator("max"), draws, seed=0, F=F, prime=prime, max_memory=2**32
        )
        out.append((ws, h.seconds, h.at_full_rank, float(h.mean), h.min_rank_exact))
    return out


def pieces(samples: int = 30) -> Table:
    """Median milliseconds of the parts of one draw at each width."""
    tree, part = trees.balanced(8), odd_even(8)
    prime = random_prime(np.random.default_rng(1))
    rng = np.random.default_rng(2)
    t = Table(title="One draw, median ms (N=8, M=3)", title_justify="left")
    for col in ("widths", "exact tensor", "root mod p", "rank mod p", "rank over Q (fmpz)"):
        t.add_column(col, justify="right")
    for ws in WIDTHS:
        times: dict[str, list[float]] = {k: [] for k in ("exact", "modp", "rankp", "rankq")}
        for _ in range(samples):
            d = random_generalized(tree, 3, ws, get_operator("max"), rng)
            t0 = time.perf_counter()
            exact = grid_matrix(d, part)
            t1 = time.perf_counter()
            mod, _ = grid_matrix_mod_p(d, part, prime)
            t2 = time.perf_counter()
            modular_rank(mod, prime)
            t3 = time.perf_counter()
            exact_rank(exact)
            t4 = time.perf_counter()
            for key, dt in zip(times, (t1 - t0, t2 - t1, t3 - t2, t4 - t3), strict=True):
                times[key].append(dt * 1000)
        t.add_row(str(ws), *(f"{np.median(v):.2f}" for v in times.values()))
    return t


def main() -> None:
    """Print the benchmark tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=1000)
    parser.add_argument("--exact-draws", type=int, default=200)
    args = parser.parse_args()
    console = Console()
    t = Table(title="App. F run (ICML 2016): deep ReLU + max, N=8, M=3, F=I", title_justify="left")
    for col in ("rank path", "widths", "draws", "seconds", "ms/draw", "full rank", "mean", "min"):
        t.add_column(col, justify="right")
    for exact, draws in ((False, args.draws), (True, args.exact_draws)):
        total = 0.0
        for ws, secs, full, mean, low in run(draws, exact):
            total += secs
            t.add_row(
                "exact over Q" if exact else "mod random prime",
                str(ws),
                str(draws),
                f"{secs:.2f}",
                f"{1000 * secs / draws:.2f}",
                str(full),
                f"{mean:.1f}",
                str(low),
            )
        t.add_row("", "total", "", f"{total:.2f}", "", "", "", "", end_section=True)
    console.print(t)
    console.print(pieces())


if __name__ == "__main__":
    main()
