"""Rows shared by the universality checks (ICML 2016 Claims 3 and 4).

For each N' and each target grid tensor -- the one whose odd/even matricization is the
identity (full rank ``M^{N/2}``) and a random integer tensor -- a shallow network is
constructed (:func:`~convac_verify.rectifier.constructions.universal_shallow`), its grid
tensor is computed exactly and compared with the target entry by entry, and the rank
of the realized identity target is measured.

* "differing entries <= 0" is a claim about the constructed weights (scope ``point``):
  exact, so ``proved`` or ``violated`` with certainty;
* "odd-even rank >= M^{N/2}" is an existence claim (scope ``exists``): the construction
  proves it; a structural bound below it for all weights (sum pooling, Claim 5) refutes
  it with certainty.

The random target is drawn only while ``M^{2N}`` stays small (the indicator
construction needs one channel per nonzero entry).
"""

from __future__ import annotations

from collections.abc import Iterator

from ..algebra.rationals import QArray, as_object_ints
from ..engines.measure import Context
from ..evidence.observation import Observation
from ..evidence.status import Claim, Evidence, Measurement
from ..networks.partitions import odd_even
from ..networks.trees import balanced_sizes, cp_tree
from .bounds import structural_bounds
from .constructions import identity_target, mismatches, universal_shallow
from .generalized import check_generalized_budget, grid_matrix
from .measure import EXACT_METHOD, representation, stream
from .operators import get_operator
from .ranks import exact_rank

__all__ = ["RANDOM_TARGET_MAX_ENTRIES", "universality_rows"]

RANDOM_TARGET_MAX_ENTRIES = 3**4  # random targets while M**N <= 81 (Z ~ M**N channels)
_TARGET_BOUND = 2**20


def universality_rows(
    ctx: Context, *, n_modes: int, dim: int, pooling: str, construction: str, F: str
) -> Iterator[Observation]:
    """Observations for N' = 2, 4, ..., n_modes (see the module docstring)."""
    op = get_operator(pooling)
    f_matrix = representation(ctx.settings.seed, F, dim)
    for n in balanced_sizes(n_modes):
        part = odd_even(n)
        targets = [("identity", identity_target(n, dim))]
        if dim**n <= RANDOM_TARGET_MAX_ENTRIES:
            rng = stream(ctx.settings.seed, f"universality/{n}/{dim}")
            values = rng.integers(-_TARGET_BOUND, _TARGET_BOUND + 1, size=(dim,) * n)
            targets.append(("random", QArray(as_object_ints(values), 1)))
        for name, target in targets:
            ctx.progress(f"universality: N={n} {name} target, {pooling}")
            z = 1 + int((target.num != 0).sum()) if construction == "indicators" else dim ** (n - 1)
            check_generalized_budget(n, dim, z, ctx.settings.max_memory)
            decomp = universal_shallow(target, construction, pooling, f_matrix)
            z = decomp.widths[0]
            evidence = Evidence.witness(
                f"construction ({construction})",
                field="Q",
                method=EXACT_METHOD,
                polynomial=op.polynomial,
            )
            params = {"N": n, "M": dim, "Z": z, "pooling": pooling, "target": name, "F": F}
            yield Observation(
                label=f"N={n} {name}",
                subject=f"shallow {op.activation}+{op.pooling} (Z={z}): entries differing from target",
                claim=Claim("<=", "0", 0, "0", "point", "differing entries"),
                measurement=Measurement(mismatches(decomp, target), evidence),
                params=params,
            )
            if name != "identity":
                continue
            bounds = tuple(structural_bounds(cp_tree(n), dim, (z,), part, pooling))
            rank = exact_rank(grid_matrix(decomp, part))
            yield Observation(
                label=f"N={n} {name}",
                subject=f"shallow {op.activation}+{op.pooling}: odd-even rank reached",
                claim=Claim(">=", "M**(N/2)", dim ** (n // 2), "M^{N/2}", "exists"),
                measurement=Measurement(rank, evidence, bounds),
                params=params,
                series="full rank reached",
                x=n,
            )
