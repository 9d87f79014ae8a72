"""App. F of ICML 2016: histograms of odd/even ranks of random deep ReLU + max networks.

The paper's simulation: generalized HT decomposition with ``g = max{a, b, 0}``,
L = 3 (N = 8), M = 3, F = I, weights uniform in [-1, 1], widths (2,2,2), (4,4,4),
(8,8,8), 1000 draws each; the histogram of ranks shifts toward the maximum
``M^{N/2} = 81`` as the width grows, without every draw reaching it.

Here weights are uniform on the multiples of ``2**-20`` in [-1, 1] (exact rationals)
and every grid tensor is exact. Ranks:

* default: each draw's matrix is formed exactly below the root and mod a prime p at
  the root (:func:`~convac_verify.rectifier.generalized.grid_matrix_mod_p`), and its rank is taken
  mod p, where p is uniform among the primes in ``[2**61, 2**62)``
  (:mod:`convac_verify.rectifier.ranks`). Each rank is a certified lower bound and
  equals the rank over Q except with probability ``<= epsilon`` (reported, union bound
  over the draws). A draw of full rank mod p has full rank over Q, so the count of
  full-rank draws is certified from below. The lowest-rank draw is recomputed exactly
  over Q, which certifies that at least one draw stays below full rank.
* ``exact=True``: every rank over Q (FLINT ``fmpz_mat``), slower on rank-deficient
  matrices.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from ..algebra.rationals import QArray
from ..evidence.status import Evidence
from ..networks.partitions import odd_even
from ..networks.trees import balanced
from .generalized import (
    check_generalized_budget,
    grid_matrix,
    grid_matrix_mod_p,
    random_generalized,
)
from .measure import SAMPLE_SPACE, generalized_degree, stream
from .operators import Operator
from .ranks import exact_rank, modular_epsilon, modular_rank

__all__ = ["RankHistogram", "parse_width_specs", "rank_histogram"]


def parse_width_specs(text: object, depth: int) -> list[tuple[int, ...]]:
    """Width specs separated by spaces or semicolons, each ``r`` (uniform) or
    ``r0,r1,...`` (one per level).

    Examples
    --------
    >>> parse_width_specs("2 4 8", 3)
    [(2, 2, 2), (4, 4, 4), (8, 8, 8)]
    >>> parse_width_specs("2,4,8", 3)
    [(2, 4, 8)]
    """
    from ..errors import ConvacError

    specs: list[tuple[int, ...]] = []
    raw = text if isinstance(text, (list, tuple)) else str(text).replace(";", " ").split()
    for token in raw:
        try:
            values = tuple(int(v) for v in str(token).strip("()[] ").split(",") if v.strip())
        except ValueError:
            raise ConvacError(
                f"widths take integers like 2,2,2 (one per level) or 2; got {token!r}"
            ) from None
        if len(values) == 1:
            values = values * depth
        if len(values) != depth or min(values, default=0) < 1:
            raise ConvacError(
                f"each width spec needs {depth} positive widths r_0..r_{depth - 1} (or one "
                f"uniform width) for N = {2**depth}; got {token!r}"
            )
        specs.append(values)
    if not specs:
        raise ConvacError(f"give at least one width spec (e.g. 2 or 2,2,2); got {text!r}")
    return specs


@dataclass(frozen=True)
class RankHistogram:
    """Odd/even ranks of ``draws`` random deep networks of one width."""

    widths: tuple[int, ...]
    draws: int
    full_rank: int
    """``M^{N/2}``: the largest possible rank."""
    counts: dict[int, int]
    """rank -> number of draws."""
    prime: int | None
    """The random prime (``None`` when every rank is exact over Q)."""
    epsilon: Fraction
    """Bound on P(some rank here differs from the rank over Q); 0 when exact."""
    min_rank_exact: int
    """The smallest rank, recomputed exactly over Q."""
    seconds: float
    ranks: list[int] = field(default_factory=list, repr=False)
    max_bits: int = 0
    """Largest entry size (bits) of a matrix ranked modulo the prime."""

    @property
    def at_full_rank(self) -> int:
        """Draws of full rank (certified: full rank mod p is full rank over Q)."""
        return self.counts.get(self.full_rank, 0)

    @property
    def mean(self) -> Fraction:
        """Mean rank (exact)."""
        return Fraction(sum(self.ranks), max(1, len(self.ranks)))

    @property
    def median(self) -> int:
        """Median rank (lower median)."""
        ordered = sorted(self.ranks)
        return ordered[(len(ordered) - 1) // 2] if ordered else 0

    def evidence(self, seed: int, op: Operator) -> Evidence:
        """How the ranks were obtained (random exact-rational weights; exact, or mod a
        random prime: each rank mod p is a certified lower bound at its point)."""
        field = "Q" if self.prime is None else "GF(p)"
        method = "exact" if self.prime is None else "exact below the root, root mod a random prime"
        if op.name == "prod":  # polynomial of known degree: Schwartz--Zippel applies
            return Evidence.random(
                field=field,
                method=method,
                seed=seed,
                sample_space=SAMPLE_SPACE,
                degree=generalized_degree(balanced(2 ** len(self.widths))),
                prime=self.prime,
                prime_random=self.prime is not None,
                entry_bits=self.max_bits,
            )
        return Evidence.random_piecewise(
            field=field,
            method=method,
            seed=seed,
            sample_space=SAMPLE_SPACE,
            prime=self.prime,
            prime_random=self.prime is not None,
        )

    def report_fields(self) -> dict[str, object]:
        """The histogram and its statistics, for ``Measurement.extra``."""
        return {
            "histogram": {str(k): v for k, v in self.counts.items()},
            "mean": str(self.mean),
            "median": self.median,
            "min_rank_exact": self.min_rank_exact,
            "max_rank": max(self.counts, default=0),
            "rank_epsilon": float(self.epsilon),
        }


def rank_histogram(
    n_modes: int,
    dim: int,
    widths: Sequence[int],
    operator: Operator,
    draws: int,
    *,
    seed: int,
    F: QArray,
    prime: int | None,
    max_memory: int,
    progress: Callable[[str], None] = lambda message: None,
) -> RankHistogram:
    """Draw ``draws`` deep networks (balanced tree over ``n_modes``) and histogram their
    odd/even ranks (``prime=None``: exact over Q)."""
    tree = balanced(n_modes)
    ws = tuple(widths)
    check_generalized_budget(n_modes, dim, max(ws), max_memory)
    rng = stream(seed, f"appendix-f/{n_modes}/{dim}/{ws}/{operator.name}")
    part = odd_even(n_modes)
    start = time.perf_counter()
    ranks: list[int] = []
    eps = Fraction(0)
    max_bits = 0
    lowest, lowest_rank = None, -1
    for i in range(draws):
        if i % 50 == 0:
            progress(f"App. F widths {ws}: draw {i + 1}/{draws}")
        decomp = random_generalized(tree, dim, ws, operator, rng, F=F)
        if prime is None:
            rank = exact_rank(grid_matrix(decomp, part))
        else:
            matrix, bits = grid_matrix_mod_p(decomp, part, prime)
            rank = modular_rank(matrix, prime)
            eps += modular_epsilon(matrix.shape[0], matrix.shape[1], bits)
            max_bits = max(max_bits, bits)
        if lowest is None or rank < lowest_rank:
            lowest, lowest_rank = decomp, rank
        ranks.append(rank)
    min_exact = exact_rank(grid_matrix(lowest, part)) if lowest is not None else 0
    counts: dict[int, int] = {}
    for r in ranks:
        counts[r] = counts.get(r, 0) + 1
    return RankHistogram(
        widths=ws,
        draws=draws,
        full_rank=dim ** (n_modes // 2),
        counts=dict(sorted(counts.items())),
        prime=prime,
        epsilon=min(eps, Fraction(1)),
        min_rank_exact=min_exact,
        seconds=time.perf_counter() - start,
        ranks=ranks,
        max_bits=max_bits,
    )
