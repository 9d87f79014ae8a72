"""Benchmarks of the network core, each against a baseline measured in the same run.

``python benchmarks/networks.py`` (``--quick`` for a smoke run) prints one table:

1. Grid tensors: the tensor-network contraction (``networks/contraction.py``) against the
   evaluators it replaced (``benchmarks/baseline_evaluators.py``) on their own cases and
   on N = 24, M = 2 (target: <= 0.5 s, and never slower than the old evaluator).
2. ``convac-verify mincut`` end to end on a 1024-mode binary tree and on the quad-tree of
   a 64 x 64 grid (target: <= 1 s), against the import floor of the same process
   (``python -c "import numpy, flint, networkx"``).
3. The exact tree min-cut against NetworkX max-flow (Boykov-Kolmogorov) on the same
   networks: why the tree program is used when it applies.

In-process timings are medians of ``--repeat`` runs, old and new alternating; whole
commands are medians of wall-clock runs. BLAS is pinned to one thread.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np
from rich.console import Console
from rich.table import Table

sys.path.insert(0, str(Path(__file__).resolve().parent))

BIN = Path(sys.executable).parent / "convac-verify"
ENV = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}


def median_time(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def paired(
    new: Callable[[], object], old: Callable[[], object], repeat: int
) -> tuple[float, float]:
    """Median times of ``new`` and ``old``, run alternately."""
    tn, to = [], []
    for _ in range(repeat):
        for fn, out in ((new, tn), (old, to)):
            t0 = time.perf_counter()
            fn()
            out.append(time.perf_counter() - t0)
    return statistics.median(tn), statistics.median(to)


def command(cmd: list[str], repeat: int) -> tuple[float, float]:
    """Median wall time and median CPU time (user + system) of a whole command."""
    times, cpus = [], []
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, env=ENV, capture_output=True, text=True, check=False)
        times.append(time.perf_counter() - t0)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
        if proc.returncode not in (0, 1):
            raise SystemExit(f"benchmark command failed: {' '.join(cmd)}\n{proc.stderr}")
    return statistics.median(times), statistics.median(cpus)


def grid_rows(quick: bool, repeat: int) -> list[list[str]]:
    import baseline_evaluators as old

    from convac_verify.algebra.fields import IntegerRing, PrimeField
    from convac_verify.networks.decompositions import random_decomposition
    from convac_verify.networks.dilated import dilated_grid_tensor, random_dilated
    from convac_verify.networks.grid import grid_tensor
    from convac_verify.networks.trees import parse_tree

    halving = "((((0,1),(2,(3,4))),((5,6),(7,(8,9))),((10,11),(12,(13,14)))),"
    halving += "(((15,16),(17,18)),((19,20),(21,(22,23)))))"
    cases = [
        ("tree balanced:16, M=2, r=2, GF(p)", "balanced:16", 2, 2, PrimeField(), "tree"),
        ("tree cp:12 (CP), M=3, Z=4, GF(p)", "cp:12", 3, 4, PrimeField(), "tree"),
        ("tree balanced:8, M=4, r=4, Z", "balanced:8", 4, 4, IntegerRing(), "tree"),
        ("eq. 3 balanced:16, M=2, r=2, GF(p)", "balanced:16", 2, 2, PrimeField(), "eq3"),
        ("eq. 3 swapped:16:2, M=3, r=3, GF(p)", "swapped:16:2", 3, 3, PrimeField(), "eq3"),
    ]
    if not quick:
        cases += [
            (
                "tree windows:2,2,2,3 (N=24), M=2, r=2",
                "windows:2,2,2,3",
                2,
                2,
                PrimeField(),
                "tree",
            ),
            ("binary tree N=24 (halving), M=2, r=2", halving, 2, 2, PrimeField(), "tree"),
        ]
    rows = []
    for label, spec, dim, width, ring, kind in cases:
        tree = parse_tree(spec)
        rng = np.random.default_rng(0)
        if kind == "tree":
            d = random_decomposition(tree, dim, width, ring, rng)
            new, base = (lambda d=d: grid_tensor(d)), (lambda d=d: old.grid_tensor(d))
        else:
            e = random_dilated(tree, dim, width, ring, rng)
            new, base = (
                (lambda e=e: dilated_grid_tensor(e)),
                (lambda e=e: old.dilated_grid_tensor(e)),
            )
        same = bool((np.asarray(new(), dtype=object) == np.asarray(base(), dtype=object)).all())
        reps = min(repeat, 3) if "N=24" in label else repeat
        t_new, t_old = paired(new, base, reps)
        target = "<= 0.5 s" if "N=24" in label else "<= old"
        rows.append(
            [
                label,
                f"{t_new:.3f} s",
                f"{t_old:.3f} s",
                f"{t_old / t_new:.2f}x",
                target,
                "yes" if same else "NO",
            ]
        )
    return rows


def mincut_rows(quick: bool, repeat: int) -> list[list[str]]:
    floor, floor_cpu = command([sys.executable, "-c", "import numpy, flint, networkx"], repeat)
    rows = [
        [
            "import floor (python -c 'import numpy, flint, networkx'), wall (cpu)",
            f"{floor:.2f} s ({floor_cpu:.2f} s)",
            "-",
            "-",
            "-",
            "-",
        ]
    ]
    cases = [
        ("mincut balanced:1024, r=2", ["--tree", "balanced:1024", "--widths", "2", "--M", "2"]),
        ("mincut square:64x64, r=2", ["--tree", "square:64x64", "--widths", "2", "--M", "2"]),
    ]
    for label, args in cases[:1] if quick else cases:
        # the min-cut alone (--no-rank) is the <= 1 s target; the default run also
        # measures the ranks that fit (left-right by a sketch since issue 11), reported
        # beside it without a target
        for extra, what, target in (
            (["--no-rank"], "min-cut only, --no-rank", "<= 1 s"),
            ([], "with measured ranks (sketch)", "-"),
        ):
            t, cpu = command(
                [str(BIN), "mincut", *args, "--rows", "left-right;odd-even", *extra], repeat
            )
            rows.append(
                [
                    f"{label} ({what}, end to end), wall (cpu)",
                    f"{t:.2f} s ({cpu:.2f} s)",
                    f"{floor:.2f} s ({floor_cpu:.2f} s)",
                    f"{t / floor:.2f}x",
                    target,
                    "-",
                ]
            )
    return rows


def dp_vs_flow_rows(quick: bool, repeat: int) -> list[list[str]]:
    from convac_verify.bounds.mincut import min_cut
    from convac_verify.networks.compilers import tree_network
    from convac_verify.networks.geometry2d import Grid
    from convac_verify.networks.partitions import left_right
    from convac_verify.networks.partitions2d import parse_grid_partition
    from convac_verify.networks.trees import parse_tree

    rows = []
    specs = ["balanced:1024"] if quick else ["balanced:1024", "square:64x64"]
    for spec in specs:
        tree = parse_tree(spec)
        net = tree_network(tree, 2, 2)
        if spec.startswith("square"):
            part = parse_grid_partition("left-right", Grid(64, 64), np.random.default_rng(0))
        else:
            part = left_right(1024)
        a = min_cut(net, part, method="tree")
        b = min_cut(net, part, method="flow")
        t_dp, t_flow = paired(
            lambda net=net, part=part: min_cut(net, part, method="tree"),
            lambda net=net, part=part: min_cut(net, part, method="flow"),
            max(1, repeat // 2),
        )
        rows.append(
            [
                f"min-cut {spec} left-right: tree DP vs NetworkX max-flow",
                f"{t_dp:.3f} s",
                f"{t_flow:.3f} s",
                f"{t_flow / t_dp:.1f}x",
                "DP faster",
                "yes" if a.value == b.value else "NO",
            ]
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, one repeat")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    repeat = 1 if args.quick else args.repeat
    table = Table(title="Network core benchmarks (medians; baseline measured in the same run)")
    for col in ("benchmark", "ours", "baseline", "speed-up", "target", "same result"):
        table.add_column(col)
    for row in (
        grid_rows(args.quick, repeat)
        + mincut_rows(args.quick, repeat)
        + dp_vs_flow_rows(args.quick, repeat)
    ):
        table.add_row(*row)
    Console().print(table)


if __name__ == "__main__":
    main()
