"""How good is the cost estimator? Estimated vs measured time and peak memory per path.

``engines/estimate.py`` refuses work over ``--max-time``/``--max-memory`` before it starts,
from a simple model whose constants were measured on this implementation. This prints,
for a few computations on each path, the estimate beside the measurement (median of
``--repeat`` in-process runs, each building its tree afresh, ``time.perf_counter``; peak RSS of a fresh process from
``/usr/bin/time -v`` when available). A ratio measured/estimate below 1 means the model is
conservative (it refuses a little early), which is what it is meant to be; well above 1
means its constants need re-measuring (e.g. after the grid tensor was made faster).

    python benchmarks/estimates.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import statistics
import time

from rich.console import Console
from rich.table import Table

from convac_verify.engines.estimate import fmt_bytes, rank_estimate
from convac_verify.engines.measure import RankSettings, measure_rank
from convac_verify.engines.structured import structured_peak_entries
from convac_verify.networks.decompositions import resolve_widths
from convac_verify.networks.partitions import left_right, odd_even
from convac_verify.networks.trees import balanced, cp_tree
from convac_verify.networks.witnesses import kronecker_witness

CASES = [
    ("dense, balanced:16, r=60, odd-even", lambda: balanced(16), 60, odd_even, "dense", "gfp"),
    ("dense, balanced:16, r=250, odd-even", lambda: balanced(16), 250, odd_even, "dense", "gfp"),
    ("dense, balanced:16, r=2, odd-even", lambda: balanced(16), 2, odd_even, "dense", "gfp"),
    (
        "dense over Q, balanced:16, r=60, odd-even",
        lambda: balanced(16),
        60,
        odd_even,
        "dense",
        "qq",
    ),
    ("dense over Q, balanced:16, r=2, odd-even", lambda: balanced(16), 2, odd_even, "dense", "qq"),
    (
        "structured random, balanced:256, left-right",
        lambda: balanced(256),
        2,
        left_right,
        "structured",
        "gfp",
    ),
    ("witness, balanced:4096, odd-even", lambda: balanced(4096), 2, odd_even, "witness", "gfp"),
    ("witness, balanced:32768, odd-even", lambda: balanced(32768), 2, odd_even, "witness", "gfp"),
    ("witness, cp:5000", lambda: cp_tree(5000), 2, odd_even, "witness", "gfp"),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    table = Table(title="Cost estimator: estimate vs measurement (medians)")
    for col in ("computation", "estimated", "measured", "measured / estimated", "est. memory"):
        table.add_column(col, justify="left" if col == "computation" else "right")
    for name, make_tree, width, make_part, path, field in CASES:
        tree = make_tree()
        n = tree.graph["n_modes"]
        part = make_part(n)
        ws = resolve_widths(tree, width)
        method = "dense" if path == "dense" else "structured"
        settings = RankSettings(field=field, method=method, max_seconds=3600)
        peak = structured_peak_entries(tree, 2, ws, part) if path == "structured" else None
        est = rank_estimate(tree, 2, ws, part, field, path, peak)
        times = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            tree = make_tree()  # a fresh tree: cold caches (networks, min-cuts), as in one run
            if path == "witness":
                w = kronecker_witness(tree, 2, ws, 1)
                measure_rank(tree, 2, ws, part, settings, witness=w, witness_name="w")
            else:
                measure_rank(tree, 2, ws, part, settings)
            times.append(time.perf_counter() - start)
        measured = statistics.median(times)
        table.add_row(
            name,
            f"{est.seconds:.2f} s",
            f"{measured:.2f} s",
            f"{measured / est.seconds:.2f}",
            fmt_bytes(est.bytes),
        )
    Console().print(table)


if __name__ == "__main__":
    main()
