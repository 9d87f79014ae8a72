"""Benchmarks of the sketched rank (issue 11 §2), each against baselines measured in the
same run.

``python benchmarks/sketch.py`` (``--quick``: the small rows only) prints one table. Each
row runs ``convac-verify rank --method sketch`` end to end (a fresh process: import,
bounds, weights, the contraction with random product vectors, the ``k x k`` rank,
report) and, on the same architecture and partition:

* the **rank floors**: a fresh process that converts one random ``k x k`` matrix mod the
  same kind of 61-bit prime to FLINT and ranks it, and one that ranks a random ``k x k``
  matrix modulo a prime below ``2**20`` with the BLAS engine (sketches with both sides
  >= 256 are taken modulo such a prime and ranked on BLAS first; ``sketch-blas``) -- the
  part of the sketch no contraction can avoid;
* the **structured path** (``--method structured``: the same generic rank at random
  weights through compressed cores), where it applies, with its own answer: the two
  ranks must agree.

Targets (issue 11): N = 1024 with an upper bound of 1024 in <= 30 s; N = 256 with a bound
of 4096 in <= 60 s. Timings are medians of ``--repeat`` wall-clock runs (CPU time beside
them); peak memory from GNU time. BLAS and FLINT are pinned to one thread; the machine
has 2 cores shared with other work, so compare figures within one run.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

BIN = Path(sys.executable).parent / "convac-verify"
TIME = "/usr/bin/time" if Path("/usr/bin/time").exists() else None
ENV = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "FLINT_NUM_THREADS": "1"}

RANK_FLOOR = """
import sys, numpy as np
from flint import fmpz_mat, nmod_mat
k, p = int(sys.argv[1]), 4110573784261083869
a = np.random.default_rng(0).integers(0, p, size=(k, k), dtype=np.uint64)
print(int(nmod_mat(fmpz_mat(k, k, a.ravel().tolist()), p).rank()))
"""

BLAS_FLOOR = """
import sys, numpy as np
from convac_verify.engines.blas import rank_mod
k, p = int(sys.argv[1]), 786433
a = np.random.default_rng(0).integers(0, p, size=(k, k), dtype=np.int64)
print(rank_mod(a, p, overwrite=True))
"""


def scattered(n: int, count: int) -> str:
    """``count`` row modes spread evenly over ``n``."""
    return ",".join(str(i * (n // count)) for i in range(count))


def blocks(n: int, size: int, count: int) -> str:
    """``count`` aligned blocks of ``size`` modes, every other block from mode 0."""
    return ",".join(str(b * 2 * size + j) for b in range(count) for j in range(size))


CASES: list[tuple[str, list[str], int, str, bool]] = [
    # (label, architecture + partition, k, target, quick)
    (
        "N=1024 binary r=2, 10 scattered rows (bound 1024)",
        ["--tree", "balanced:1024", "--widths", "2", "--rows", scattered(1024, 10)],
        1024,
        "<= 30 s",
        False,
    ),
    (
        "N=1024 binary r=2, 10 blocks of 32 (bound 1024)",
        ["--tree", "balanced:1024", "--widths", "2", "--rows", blocks(1024, 32, 10)],
        1024,
        "<= 30 s",
        False,
    ),
    (
        "N=256 binary r=2, 12 scattered rows (bound 4096)",
        ["--tree", "balanced:256", "--widths", "2", "--rows", scattered(256, 12)],
        4096,
        "<= 60 s",
        False,
    ),
    (
        "N=4096 quad-tree 64x64 r=3, blocks:16 (bound 81)",
        ["--tree", "square:64x64", "--widths", "3", "--rows", "blocks:16"],
        81,
        "-",
        True,
    ),
    (
        "N=256 CP Z=64, 10 rows (bound 64)",
        ["--cp", "64", "--N", "256", "--rows", scattered(256, 10)],
        64,
        "-",
        True,
    ),
    (
        "N=64 binary r=2, 8 scattered rows (bound 256)",
        ["--tree", "balanced:64", "--widths", "2", "--rows", scattered(64, 8)],
        256,
        "-",
        True,
    ),
]


def timed(cmd: list[str], repeat: int) -> tuple[float, float, int, str]:
    """Median wall time, median CPU time, peak RSS (KiB) and the last stdout."""
    walls, cpus, peaks, out = [], [], [], ""
    for _ in range(repeat):
        with tempfile.NamedTemporaryFile("r") as rss:
            fmt = ["-f", "%M %U %S", "-o", rss.name] if TIME else []
            t0 = time.perf_counter()
            proc = subprocess.run(
                [*([TIME, *fmt] if TIME else []), *cmd],
                env=ENV,
                capture_output=True,
                text=True,
                check=False,
            )
            walls.append(time.perf_counter() - t0)
            if proc.returncode not in (0, 1):
                raise SystemExit(f"benchmark command failed: {' '.join(cmd)}\n{proc.stderr}")
            fields = rss.read().split() if TIME else []
            if len(fields) >= 3:
                peaks.append(int(fields[-3]))
                cpus.append(float(fields[-2]) + float(fields[-1]))
            out = proc.stdout
    return statistics.median(walls), statistics.median(cpus or [0.0]), max(peaks or [0]), out


def rank_of(stdout: str) -> tuple[int, str]:
    result = json.loads(stdout)["results"][0]
    return int(result["measured_rank"]), f"{result['evidence']['method']} / {result['status']}"


COLUMNS = (
    "case",
    "sketch wall (cpu), peak",
    "rank, evidence / status",
    "FLINT k x k",
    "BLAS k x k",
    "structured wall (cpu)",
    "structured rank",
    "target",
)


def rows(quick: bool, repeat: int, structured: bool = True) -> list[list[str]]:
    """One row per case (``quick``: the small cases only)."""
    out = []
    common = ["--M", "2", "--format", "json", "--max-time", "30m", "--max-memory", "12G"]
    for label, arch, k, target, small in CASES:
        if quick and not small:
            continue
        wall, cpu, peak, stdout = timed(
            [str(BIN), "rank", *arch, *common, "--method", "sketch"], repeat
        )
        rank, how = rank_of(stdout)
        fwall, fcpu, _, _ = timed([sys.executable, "-c", RANK_FLOOR, str(k)], repeat)
        bwall, bcpu, _, _ = timed([sys.executable, "-c", BLAS_FLOOR, str(k)], repeat)
        if not structured:
            swall_text, srank_text = "-", "-"
        else:
            swall, scpu, _, sout = timed(
                [str(BIN), "rank", *arch, *common, "--method", "structured"], repeat
            )
            srank = rank_of(sout)[0]
            swall_text = f"{swall:.1f} s ({scpu:.1f} s)"
            srank_text = f"{srank}" + (" (agrees)" if srank == rank else " (DIFFERS)")
        out.append(
            [
                label,
                f"{wall:.1f} s ({cpu:.1f} s), {peak / 1024:.0f} MiB",
                f"{rank}, {how}",
                f"{fwall:.1f} s ({fcpu:.1f} s)",
                f"{bwall:.1f} s ({bcpu:.1f} s)",
                swall_text,
                srank_text,
                target,
            ]
        )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small rows only")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--no-structured", action="store_true", help="skip the structured rows")
    args = parser.parse_args()
    table = Table(title="Sketched ranks (convac-verify rank, end to end)", title_justify="left")
    for col in COLUMNS:
        table.add_column(col)
    for row in rows(args.quick, args.repeat, not args.no_structured):
        table.add_row(*row)
    Console(width=200).print(table)


if __name__ == "__main__":
    main()
