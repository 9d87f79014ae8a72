"""Speed of the interconnectivity certificates (prints a table; not a test).

Run: ``.venv/bin/python benchmarks/interconnect.py``. In-process wall times, median of
``REPEATS`` runs, each row beside a baseline measured in the same run:

1. Theorem 7's witness rank for the worked example's hybrid by the Kronecker-core
   contraction (``engines/dilated_structured``) at N = 16, 64 (rank 2^32), 256, 1024,
   against the dense path (grid tensor + FLINT rank) at N = 16 -- the only size where the
   dense path fits (N = 64 would need 2^64 entries).
2. ``max_H P(H)`` by segments (``bounds/hybrids.best_hybrid``) against the maximum over the
   lazy enumeration of every hybrid, at N = 16 (32 hybrids) and N = 64 with mixture nodes
   at layer 4 (32 hybrids); the segment form also answers N = 64 at layer 2 (2^17 hybrids).
3. The mixed network (phase 2, compiled into the tensor-network core):
   * N = 16: its rank measured at random weights -- compile, contract (the one
     contraction), dense GF(p) rank -- against the dense witness rank of the best hybrid
     (a tree network of the same N) measured in the same run;
   * N = 64: the certificate of rank 2^32 through structure -- Claim 5 + Theorem 7's
     witness (the hybrid's Kronecker-core rank) and the min-cut of the compiled network
     (the upper bound) -- with no dense matrix (2^64 grid entries).
4. ``convac-verify mixed --N 64`` end to end (CLI in process; start-up not included).
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

import numpy as np
from rich.console import Console
from rich.table import Table

from convac_verify.algebra.fields import PrimeField
from convac_verify.bounds import network_upper_bounds
from convac_verify.bounds.hybrids import best_hybrid
from convac_verify.bounds.tilings import tiling_bounds
from convac_verify.cli import cli
from convac_verify.engines.dilated_structured import dilated_structured_rank
from convac_verify.engines.gfp import rank_mod_p
from convac_verify.networks import trees
from convac_verify.networks.compilers import compile_network
from convac_verify.networks.contraction import contract
from convac_verify.networks.dilated import dilated_grid_tensor
from convac_verify.networks.dilated_witness import theorem7_witness
from convac_verify.networks.dilations import groups_partition, swapped_tree
from convac_verify.networks.matricize import matricize
from convac_verify.networks.mixed import hybrids, parse_mixture_nodes, random_mixed
from convac_verify.networks.mixed_network import mixed_network

REPEATS = 3
P = 2**61 - 1


def timed(fn: Callable[[], object]) -> tuple[float, object]:
    """Median wall time of ``REPEATS`` calls and the last result."""
    times, out = [], None
    for _ in range(REPEATS):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), out


def hybrid_witness(n: int):  # type: ignore[no-untyped-def]
    m = parse_mixture_nodes("layer:2", trees.balanced(n), swapped_tree(n, 2))
    part = groups_partition(n, 2)
    return theorem7_witness(best_hybrid(m, part).tree, part, 2, 2, PrimeField(P)), part


def main() -> None:
    table = Table(title="Interconnectivity certificates (median of 3, seconds)")
    for col in ("case", "time", "baseline", "baseline time", "ratio", "result"):
        table.add_column(col)
    w16, p16 = hybrid_witness(16)
    dense_t, dense_r = timed(lambda: rank_mod_p(matricize(dilated_grid_tensor(w16), p16), P))
    table.add_row("hybrid witness rank, dense, N=16", f"{dense_t:.3f}", "-", "-", "-", str(dense_r))
    for n in (16, 64, 256, 1024):
        w, part = hybrid_witness(n)
        t, rank = timed(lambda w=w, part=part: dilated_structured_rank(w, part, prime=P))
        table.add_row(
            f"hybrid witness rank, structured, N={n}",
            f"{t:.3f}",
            "dense, N=16",
            f"{dense_t:.3f}",
            f"{t / dense_t:.2f}",
            f"2^{int(rank).bit_length() - 1}" if rank else "0",  # type: ignore[call-overload]
        )
    for n, mix in ((16, "layer:2"), (64, "layer:4")):
        m = parse_mixture_nodes(mix, trees.balanced(n), swapped_tree(n, 2))
        part = groups_partition(n, 2)
        t_seg, best = timed(lambda m=m, part=part: best_hybrid(m, part).exponent)
        t_enum, brute = timed(
            lambda m=m, part=part: max(tiling_bounds(h, part).lower_exponent for _, h in hybrids(m))
        )
        table.add_row(
            f"max_H P(H) by segments, N={n} {mix} ({m.hybrid_count} hybrids)",
            f"{t_seg:.3f}",
            "enumeration",
            f"{t_enum:.3f}",
            f"{t_seg / t_enum:.2f}",
            f"{best} (enumerated {brute})",
        )
    m = parse_mixture_nodes("layer:2", trees.balanced(64), swapped_tree(64, 2))
    t_big, best = timed(lambda: best_hybrid(m, groups_partition(64, 2)).exponent)
    table.add_row(
        f"max_H P(H) by segments, N=64 layer:2 ({m.hybrid_count} hybrids)",
        f"{t_big:.3f}",
        "-",
        "-",
        "-",
        str(best),
    )
    m16 = parse_mixture_nodes("layer:2", trees.balanced(16), swapped_tree(16, 2))
    ring = PrimeField(P)

    def mixed_rank_16() -> int:
        net = random_mixed(m16, 2, 4, ring, np.random.default_rng(0))
        return rank_mod_p(matricize(contract(compile_network(net)), p16), P)

    t_mixed, r_mixed = timed(mixed_rank_16)
    table.add_row(
        "mixed network rank, random weights, N=16 (compile + contract + dense rank)",
        f"{t_mixed:.3f}",
        "hybrid witness, dense, N=16",
        f"{dense_t:.3f}",
        f"{t_mixed / dense_t:.2f}",
        str(r_mixed),
    )
    m64 = parse_mixture_nodes("layer:2", trees.balanced(64), swapped_tree(64, 2))
    p64 = groups_partition(64, 2)

    def certificate_64() -> tuple[int, int]:
        w, _ = hybrid_witness(64)
        lower = dilated_structured_rank(w, p64, prime=P)  # Claim 5 carries it over
        upper = min(b.value for b in network_upper_bounds(mixed_network(m64, 2, 4), p64))
        return lower, upper

    t_cert, (lo, up) = timed(certificate_64)
    table.add_row(
        "mixed network certificate, N=64 (Claim 5 + witness; min-cut of the compiled network)",
        f"{t_cert:.3f}",
        "hybrid witness, dense, N=16",
        f"{dense_t:.3f}",
        f"{t_cert / dense_t:.2f}",
        f"2^{lo.bit_length() - 1} <= rank <= 2^{up.bit_length() - 1}",
    )
    t_cli, _ = timed(
        lambda: cli.main(
            args=["mixed", "--N", "64", "--format", "json", "-o", "/dev/null"],
            standalone_mode=False,
        )
    )
    table.add_row("convac-verify mixed --N 64 (in process)", f"{t_cli:.3f}", "-", "-", "-", "")
    Console(width=150).print(table)


if __name__ == "__main__":
    main()
