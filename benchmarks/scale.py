"""Scale benchmarks: the BLAS rank engine, end-to-end certificates, sweeps on many cores.

Prints, in one run (``python benchmarks/scale.py``; ``--quick`` for a smoke run):

1. **Rank of one n x n matrix mod p** (uniform residues mod p = 1048573, the ``blas``
   engine's default prime; the same matrix for every column) at n = 1024, 2048, 4096,
   6561: the ``blas`` engine (handed a matrix it may convert in place, as the
   measurement path does); FLINT ``nmod_mat`` -- its ``rank()`` alone and with the
   numpy -> ``nmod_mat`` conversion; and the **dgemm bound**: the 2/3 n^3 flops of one LU
   at the speed of ``dgemm`` on the same machine (one n x n ``dgemm``, 2 n^3 flops,
   timed in the same run, divided by 3). Targets: blas within 1.5x of the bound for
   n >= 2048; at least 5x faster than FLINT's rank alone at n = 4096.
2. **End-to-end certificates** (fresh processes: import, grid tensor, rank, report):
   ``convac-verify rank --method dense`` of the odd-even matricization at N = 24
   (4096 x 4096) and N = 26 (8192 x 8192), M = 2 -- random weights, the generic rank
   proved on BLAS when it meets the bound -- against a fresh process doing one float64
   matmul of the same size; peak RSS of both (GNU time). A phase breakdown (grid tensor
   vs rank) is timed inside one more fresh process, on an instance of its own (weights
   from another stream: its rank mod p may fall below the generic rank by chance). One
   more row times ``rank`` at N = 24 without ``--method``: the proof's Kronecker witness,
   on the dense BLAS path.
3. **Sketched ranks** (``benchmarks/sketch.py``'s cases, end to end): N = 1024 with
   bounds of 1024 and N = 256 with a bound of 4096 (``--quick``: the small cases), beside
   the ``k x k`` rank floors and the structured path's answer.
4. **Sweeps**: ``convac-verify all --profile paper`` with ``--jobs 1`` and ``--jobs 2``
   (same report, byte for byte), and the same sweep interrupted (SIGINT) half-way and
   resumed from its journal.

BLAS, OpenMP and FLINT are pinned to one thread (the machine has 2 cores, shared);
timings are medians of ``--repeat`` runs (1 for the slow ones) and noisy: read the
ratios, which compare figures measured in the same run.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

import numpy as np
from rich.console import Console
from rich.table import Table

from convac_verify.engines.blas import DEFAULT_PRIME as PRIME

BIN = Path(sys.executable).parent / "convac-verify"
TIME = "/usr/bin/time" if Path("/usr/bin/time").exists() else None
ENV = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "FLINT_NUM_THREADS": "1"}
TREES = {16: "balanced:16", 20: "windows:2,2,5", 24: "windows:2,2,2,3", 26: "windows:2,13"}


CPU: dict[str, float] = {}


def timed(fn: Callable[[], object], repeat: int, name: str = "") -> float:
    """Median wall time of ``repeat`` calls (median CPU time kept in ``CPU[name]``)."""
    times, cpu = [], []
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    CPU[name] = statistics.median(cpu)
    return statistics.median(times)


def rank_rows(sizes: list[int], repeat: int) -> list[list[str]]:
    from flint import fmpz_mat, nmod_mat
    from scipy.linalg.blas import dgemm
    from threadpoolctl import threadpool_limits

    from convac_verify.engines.blas import rank_mod

    rows = []
    rng = np.random.default_rng(0)
    # load the engine's compiled kernels once (Numba's import and cached machine code,
    # about 0.5 s per process: the end-to-end rows below include it)
    rank_mod(rng.integers(0, PRIME, size=(300, 300)), PRIME)
    for n in sizes:
        a = rng.integers(0, PRIME, size=(n, n), dtype=np.int64)
        x = np.asfortranarray(rng.random((n, n)))
        y = np.asfortranarray(rng.random((n, n)))
        c = np.zeros((n, n), order="F")
        with threadpool_limits(1):
            gemm = timed(partial(dgemm, 1.0, x, y, beta=1.0, c=c, overwrite_c=True), repeat, "gemm")
        bound = gemm / 3
        # the engine converts a matrix it may overwrite in place, as the measurement
        # path does (a fresh copy per repeat, made outside the timer)
        times, cpu, r_ours = [], [], -1
        for _ in range(repeat):
            work = a.copy()
            t0, c0 = time.perf_counter(), time.process_time()
            r_ours = rank_mod(work, PRIME, overwrite=True)
            times.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
            del work
        ours = statistics.median(times)
        CPU["ours"] = statistics.median(cpu)
        t0 = time.perf_counter()
        mat = nmod_mat(fmpz_mat(n, n, a.ravel().tolist()), PRIME)
        convert = time.perf_counter() - t0
        flint_repeat = 1 if n > 2048 else repeat
        flint = timed(mat.rank, flint_repeat, "flint")
        r_flint = mat.rank()
        del mat
        rows.append(
            [
                f"{n}",
                f"{ours:.2f} s",
                f"{flint:.2f} s (+{convert:.2f} s convert)",
                f"{bound:.2f} s",
                f"{ours / bound:.2f}x (CPU {CPU['ours'] / (CPU['gemm'] / 3):.2f}x)",
                (
                    f"{flint / ours:.1f}x / {(flint + convert) / ours:.1f}x "
                    f"(CPU {CPU['flint'] / CPU['ours']:.1f}x)"
                ),
                "yes" if r_ours == r_flint else f"NO ({r_ours} vs {r_flint})",
            ]
        )
    return rows


def run(cmd: list[str], repeat: int = 1) -> tuple[float, int, str]:
    """Median wall time, peak RSS (KiB) and stdout of a fresh process."""
    times, peaks, out = [], [], ""
    for _ in range(repeat):
        with tempfile.NamedTemporaryFile("r") as rss:
            full = [TIME, "-f", "%M", "-o", rss.name, *cmd] if TIME else cmd
            t0 = time.perf_counter()
            proc = subprocess.run(full, env=ENV, capture_output=True, text=True, check=False)
            times.append(time.perf_counter() - t0)
            if proc.returncode not in (0, 1):
                raise SystemExit(f"benchmark command failed: {' '.join(cmd)}\n{proc.stderr}")
            text = rss.read().strip().splitlines()
            peaks.append(int(text[-1]) if TIME and text else 0)
            out = proc.stdout
    return statistics.median(times), max(peaks), out


MATMUL = """
import sys, numpy as np
n = int(sys.argv[1]); rng = np.random.default_rng(0)
a = rng.random((n, n)); b = rng.random((n, n)); c = a @ b
print(c[0, 0] > 0)
"""

PHASES = """
import sys, time
t0 = time.perf_counter()
import numpy as np
from convac_verify.algebra.fields import PrimeField
from convac_verify.engines.blas import DEFAULT_PRIME, rank_mod
from convac_verify.networks.decompositions import random_decomposition
from convac_verify.networks.grid import grid_tensor
from convac_verify.networks.matricize import matricize
from convac_verify.networks.partitions import odd_even
from convac_verify.networks.trees import parse_tree
t1 = time.perf_counter()
n = int(sys.argv[1])
d = random_decomposition(parse_tree(sys.argv[2]), 2, 2, PrimeField(DEFAULT_PRIME),
                         np.random.default_rng(0))
tensor = grid_tensor(d)
t2 = time.perf_counter()
m = matricize(tensor, odd_even(n)); del tensor
t3 = time.perf_counter()
r = rank_mod(m, DEFAULT_PRIME, overwrite=True)
t4 = time.perf_counter()
print(f"{t1 - t0:.2f} {t2 - t1:.2f} {t3 - t2:.2f} {t4 - t3:.2f} {r}")
"""


def certificate_rows(sizes: list[int], repeat: int) -> list[list[str]]:
    rows = []
    for n, method in [(n, ["--method", "dense"]) for n in sizes] + [(sizes[0], [])]:
        side = 2 ** (n // 2)
        cmd = [str(BIN), "rank", "--tree", TREES[n], "--widths", "2", "--M", "2", *method]
        ours, ours_mem, out = run([*cmd, "--rows", "odd-even", "--format", "json"], repeat)
        base, base_mem, _ = run([sys.executable, "-c", MATMUL, str(side)], repeat)
        _, _, phases = run([sys.executable, "-c", PHASES, str(n), TREES[n]])
        imp, grid, mat, rnk, phase_rank = phases.split()
        result = json.loads(out)["results"][0]
        rank, status = result["measured_rank"], result["status"]
        how = f"{result['evidence']['method']}, {result['evidence']['weights']} weights"
        rows.append(
            [
                f"N={n} ({side}x{side}){'' if method else ', no --method'}",
                f"{ours:.2f} s, {ours_mem // 1024} MiB",
                f"{base:.2f} s, {base_mem // 1024} MiB",
                f"{ours / base:.2f}x",
                f"import {imp}, grid {grid}, matricize {mat}, rank {rnk} s (rank {phase_rank})",
                f"rank {rank}, {status} ({how})",
            ]
        )
    return rows


def sweep_rows(profile: list[str]) -> list[list[str]]:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        outs = {}
        for jobs in (1, 2):
            out = Path(tmp) / f"j{jobs}.json"
            cmd = [
                str(BIN),
                "all",
                *profile,
                "--jobs",
                str(jobs),
                "--format",
                "json",
                "-o",
                str(out),
            ]
            wall, mem, _ = run(cmd)
            outs[jobs] = out.read_bytes()
            rows.append(
                [
                    f"all {' '.join(profile)} --jobs {jobs}",
                    f"{wall:.1f} s",
                    f"{mem // 1024} MiB",
                    "",
                ]
            )
        same = "identical" if outs[1] == outs[2] else "DIFFERENT"
        rows[-1][3] = f"report {same} to --jobs 1"
        # interrupted half-way (SIGINT), then resumed from the journal
        journal = Path(tmp) / "run.jsonl"
        cmd = [str(BIN), "all", *profile, "--jobs", "2", "--format", "json"]
        proc = subprocess.Popen(
            [*cmd, "--out", str(journal)],
            env=ENV,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        t0 = time.perf_counter()
        full = float(rows[-1][1].split()[0])
        time.sleep(full / 2)
        proc.send_signal(signal.SIGINT)
        proc.wait()
        first = time.perf_counter() - t0
        done = len(journal.read_text().splitlines()) - 1
        out = Path(tmp) / "resumed.json"
        wall, mem, _ = run([*cmd, "--resume", str(journal), "-o", str(out)])
        same = "identical" if out.read_bytes() == outs[1] else "DIFFERENT"
        total = len(journal.read_text().splitlines()) - 1
        rows.append(
            [
                "interrupted at half time (SIGINT), then --resume",
                f"{first:.1f} s + {wall:.1f} s",
                f"{mem // 1024} MiB",
                f"{done}/{total} tasks kept; report {same} to the uninterrupted run",
            ]
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, default profile")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--skip", nargs="*", default=[], choices=["rank", "certificate", "sketch", "sweep"]
    )
    args = parser.parse_args()
    # a benchmark started in the background by a non-interactive shell ignores SIGINT,
    # and its children would inherit that (the interrupted sweep then ran to its end);
    # a handler of our own is reset to the default in every child at exec
    signal.signal(signal.SIGINT, signal.default_int_handler)
    repeat = 1 if args.quick else args.repeat
    console = Console(width=200)
    if "rank" not in args.skip:
        t = Table(title=f"Rank of an n x n matrix mod {PRIME} (same matrix), one thread")
        for col in (
            "n",
            "blas engine",
            "FLINT nmod_mat rank",
            "dgemm bound",
            "blas / bound",
            "FLINT / blas (rank, +convert)",
            "ranks agree",
        ):
            t.add_column(col)
        for row in rank_rows([256, 512] if args.quick else [1024, 2048, 4096, 6561], repeat):
            t.add_row(*row)
        console.print(t)
    if "certificate" not in args.skip:
        t = Table(
            title="End-to-end certificate (fresh process) vs one float64 matmul of the same size"
        )
        for col in (
            "odd-even rank",
            "convac-verify rank",
            "numpy matmul",
            "ratio",
            "phases (fresh process)",
            "result",
        ):
            t.add_column(col)
        for row in certificate_rows(
            [16, 20] if args.quick else [24, 26], 1 if args.quick else min(repeat, 3)
        ):
            t.add_row(*row)
        console.print(t)
    if "sketch" not in args.skip:
        sys.path.insert(0, str(Path(__file__).parent))
        import sketch

        t = Table(title="Sketched ranks (convac-verify rank --method sketch, end to end)")
        for col in sketch.COLUMNS:
            t.add_column(col)
        for row in sketch.rows(args.quick, 1):
            t.add_row(*row)
        console.print(t)
    if "sweep" not in args.skip:
        t = Table(
            title="Sweeps: all --profile paper on 1 and 2 local processes; interrupted and resumed"
        )
        for col in ("run", "wall", "peak RSS", "note"):
            t.add_column(col)
        for row in sweep_rows([] if args.quick else ["--profile", "paper"]):
            t.add_row(*row)
        console.print(t)


if __name__ == "__main__":
    main()
