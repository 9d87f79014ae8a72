"""Benchmarks of the depth foundation, each against a baseline measured in the same run.

Prints one table (``python benchmarks/run.py``; ``--quick`` for a smoke run):

1. ``convac-verify depth --N 16`` end to end vs the import floor
   ``python -c "import numpy, flint, networkx"`` (target: < 1 s and < 2x the floor).
2. Certifying the odd-even rank at N = 24, M = 2 (a 4096 x 4096 matrix) end to end
   (``convac-verify rank``) vs bare FLINT on the same matrix: load it, convert it,
   ``nmod_mat(...).rank()`` (target: <= 1.3x). Peak memory of both.
3. ``convac-verify depth --N 1024`` (structured Kronecker certificate), for the record.
4. Contrast on the same kind of matrix: SymPy ``Matrix.rank`` (16 x 16 only: 64 x 64 did
   not finish in 10 minutes here) and NumPy float SVD rank, beside the exact FLINT rank.

Timings are medians of ``--repeat`` runs of whole processes (wall clock). BLAS and FLINT
are pinned to one thread; the machine has 2 cores and other work disturbs the numbers.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent / "convac-verify"
TIME = "/usr/bin/time" if Path("/usr/bin/time").exists() else None
ENV = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "FLINT_NUM_THREADS": "1"}


def run(cmd: list[str], repeat: int) -> tuple[float, int]:
    """Median wall time and peak RSS (KiB) of ``cmd`` over ``repeat`` runs."""
    times, peaks = [], []
    for _ in range(repeat):
        with tempfile.NamedTemporaryFile("r") as rss:
            # GNU time reports the peak RSS of the command itself (a forked child's own
            # rusage would also count the benchmark process's pages copied at fork)
            timed = [TIME, "-f", "%M", "-o", rss.name, *cmd] if TIME else cmd
            t0 = time.perf_counter()
            proc = subprocess.run(timed, env=ENV, capture_output=True, text=True, check=False)
            times.append(time.perf_counter() - t0)
            if proc.returncode not in (0, 1):
                raise SystemExit(f"benchmark command failed: {' '.join(cmd)}\n{proc.stderr}")
            text = rss.read().strip().splitlines()
            peaks.append(int(text[-1]) if TIME and text else 0)
    return statistics.median(times), max(peaks)


BARE_FLINT = """
import sys, time, numpy as np
from flint import fmpz_mat, nmod_mat
a = np.load(sys.argv[1]); p = int(sys.argv[2])
n, m = a.shape
print(nmod_mat(fmpz_mat(n, m, a.ravel().tolist()), p).rank())
"""


def odd_even_matrix(n_modes: int, seed: int = 0) -> np.ndarray:
    """The matrix ``convac-verify rank`` builds for windows:2,2,2,3 (N = 24), via the library."""
    from convac_verify.algebra.fields import PrimeField
    from convac_verify.networks.decompositions import random_decomposition
    from convac_verify.networks.grid import grid_tensor
    from convac_verify.networks.matricize import matricize
    from convac_verify.networks.partitions import odd_even
    from convac_verify.networks.trees import parse_tree

    tree = parse_tree(TREES[n_modes])
    d = random_decomposition(tree, 2, 2, PrimeField(), np.random.default_rng(seed))
    return matricize(grid_tensor(d), odd_even(n_modes))


TREES = {
    8: "balanced:8",
    12: "windows:2,2,3",
    16: "balanced:16",
    20: "windows:2,2,5",
    24: "windows:2,2,2,3",
}


class FloatRing:
    """float64 arithmetic for the contrast only (nothing it computes proves anything)."""

    name = "float64"
    sample_space = 0

    def mul(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return np.multiply(a, b)

    def add(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return np.add(a, b)


def contrast_rows(quick: bool) -> list[list[str]]:
    """Exact ranks vs what small weight sets, float SVD and SymPy report on the same network."""
    import sympy
    from flint import fmpz_mat, nmod_mat

    from convac_verify.algebra.fields import IntegerRing
    from convac_verify.networks.decompositions import TreeDecomposition, decomposition_from_weights
    from convac_verify.networks.grid import grid_tensor
    from convac_verify.networks.matricize import matricize
    from convac_verify.networks.partitions import odd_even
    from convac_verify.networks.trees import parse_tree

    rows = []
    p = 2**61 - 1
    for n in [8, 12] if quick else [8, 12, 16, 20]:
        tree, part = parse_tree(TREES[n]), odd_even(n)
        a = odd_even_matrix(n)
        t0 = time.perf_counter()
        exact = nmod_mat(fmpz_mat(*a.shape, a.ravel().tolist()), p).rank()
        t_exact = time.perf_counter() - t0
        # same architecture, integer weights in [-5, 5], exact rank over Q
        rng = np.random.default_rng(1)
        shapes = {v: w.shape for v, w in _random_weights(tree).items()}
        small = {v: rng.integers(-5, 6, size=shape) for v, shape in shapes.items()}
        m_small = matricize(
            grid_tensor(decomposition_from_weights(tree, 2, 2, small, IntegerRing())), part
        )
        small_rank = fmpz_mat(*m_small.shape, [int(x) for x in m_small.ravel()]).rank()
        # same architecture, Gaussian float weights, SVD rank (and conditioning)
        gauss = {v: rng.standard_normal(shape) for v, shape in shapes.items()}
        dec = TreeDecomposition(tree, 2, (2,) * _depths(tree), gauss, FloatRing())  # type: ignore[arg-type]
        m_float = matricize(grid_tensor(dec), part)
        sv = np.linalg.svd(m_float, compute_uv=False)
        float_rank = int(np.linalg.matrix_rank(m_float))
        if a.shape[0] <= 16:
            t0 = time.perf_counter()
            sp = sympy.Matrix(a.tolist()).rank()
            t_sympy = f"{sp} in {time.perf_counter() - t0:.2f} s"
        else:
            t_sympy = "skipped (64x64 ran > 10 min)"
        rows.append(
            [
                f"{a.shape[0]}x{a.shape[1]} (N={n})",
                f"{exact} in {t_exact:.3f} s",
                str(small_rank),
                f"{float_rank} (cond {sv[0] / sv[-1]:.1e})",
                t_sympy,
            ]
        )
    return rows


def _random_weights(tree: object) -> dict[int, np.ndarray]:
    from convac_verify.algebra.fields import PrimeField
    from convac_verify.networks.decompositions import random_decomposition

    return dict(random_decomposition(tree, 2, 2, PrimeField(), np.random.default_rng(0)).weights)  # type: ignore[arg-type]


def _depths(tree: object) -> int:
    from convac_verify.networks.trees import height, root

    return height(tree, root(tree))  # type: ignore[arg-type]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, one repeat")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    repeat = 1 if args.quick else args.repeat
    console = Console()
    table = Table(title="convac-verify benchmarks (median wall time of whole processes)")
    for col in ("benchmark", "ours", "baseline", "ratio", "target", "peak RSS ours/base"):
        table.add_column(col)

    floor, floor_mem = run([sys.executable, "-c", "import numpy, flint, networkx"], repeat)
    depth, depth_mem = run([str(BIN), "depth", "--N", "16"], repeat)
    table.add_row(
        "depth --N 16 vs import floor",
        f"{depth:.2f} s",
        f"{floor:.2f} s",
        f"{depth / floor:.2f}x",
        "< 1 s and < 2x",
        f"{depth_mem // 1024} / {floor_mem // 1024} MiB",
    )

    n = 16 if args.quick else 24
    with tempfile.TemporaryDirectory() as tmp:
        matrix = odd_even_matrix(n)
        np.save(Path(tmp) / "m.npy", matrix)
        big_repeat = min(3, repeat) if n == 24 else repeat
        ours, ours_mem = run(
            [
                str(BIN),
                "rank",
                "--tree",
                TREES[n],
                "--widths",
                "2",
                "--M",
                "2",
                "--rows",
                "odd-even",
                "--method",
                "dense",
            ],
            big_repeat,
        )
        bare, bare_mem = run(
            [sys.executable, "-c", BARE_FLINT, str(Path(tmp) / "m.npy"), str(2**61 - 1)],
            big_repeat,
        )
    side = 2 ** (n // 2)
    table.add_row(
        f"odd-even rank N={n} ({side}x{side}) end to end vs bare FLINT",
        f"{ours:.2f} s",
        f"{bare:.2f} s",
        f"{ours / bare:.2f}x",
        "<= 1.3x",
        f"{ours_mem // 1024} / {bare_mem // 1024} MiB",
    )

    big, big_mem = run([str(BIN), "depth", "--N", "1024"], 1)
    table.add_row(
        "depth --N 1024 (Kronecker witness, structured)",
        f"{big:.2f} s",
        "-",
        "-",
        "seconds",
        f"{big_mem // 1024} MiB",
    )
    console.print(table)

    contrast = Table(title="Contrast: odd-even rank of the same architecture (M = r = 2)")
    for col in (
        "matrix",
        "exact, weights mod 2^61-1",
        "exact over Q, weights in [-5,5]",
        "float SVD, Gaussian weights",
        "SymPy rank (same matrix as col 2)",
    ):
        contrast.add_column(col)
    for row in contrast_rows(args.quick):
        contrast.add_row(*row)
    console.print(contrast)
    console.print(
        "Only column 2 certifies anything: small weight sets miss the generic rank, and float "
        "ranks prove nothing (docs/exact-ranks.md)."
    )


if __name__ == "__main__":
    main()
