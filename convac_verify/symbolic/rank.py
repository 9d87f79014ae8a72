"""The symbolic rank of a matricization: the maximal rank over all weights, exactly.

With every weight a symbol, ``[[A]]_{I,J}`` is a matrix over the polynomial ring
``Z[w]``. Its rank ``k`` over the field of fractions ``Q(w)``
(:func:`~convac_verify.symbolic.elimination.fraction_free_rank`) is

* the rank at almost every real weight setting: some ``k x k`` minor is a nonzero
  polynomial, which vanishes only on a set of measure zero (a **lower bound** almost
  everywhere);
* the **maximum** over all weights: every ``(k+1) x (k+1)`` minor is the zero polynomial,
  so no weight setting exceeds ``k`` (an **upper bound for all weights**).

So a symbolic rank proves both directions of "the generic rank is k" at once.

The exceptional set -- the weights where the rank drops below ``k`` -- is the common
zero locus of all ``k x k`` minors. :func:`symbolic_rank` returns one nonzero maximal
minor (its zero set contains the exceptional set: the "measure zero" set of the
theorems, made visible) and, when there are few enough, all maximal minors: their
greatest common divisor (a factor shared by all of them: a whole hypersurface of
exceptions) and a Groebner basis of the ideal they generate.

Sizes: the grid tensor has ``M**N`` entries of up to ``t`` monomials each
(:func:`entry_terms`); elimination cost grows with the number of term pairs it
multiplies. :func:`symbolic_rank` refuses an instance whose entries exceed
:data:`MAX_TERMS` monomials in total before building it, and stops before any
elimination step that would exceed ``max_work`` term pairs.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..algebra.fields import Array
from ..errors import BudgetExceeded
from ..networks import trees
from ..networks.partitions import Partition
from .elimination import Elimination, EliminationTooLarge, all_maximal_minors, fraction_free_rank
from .networks import SymbolicNetwork

__all__ = [
    "DEFAULT_MAX_WORK",
    "MAX_MINORS",
    "MAX_TERMS",
    "MinorIdeal",
    "SymbolicRank",
    "entry_terms",
    "symbolic_rank",
]

MAX_TERMS = 200_000
"""Most monomials in all grid-tensor entries together (checked before building)."""
DEFAULT_MAX_WORK = 50_000_000
"""Default elimination budget in term pairs (about 10 s on a 2-core machine)."""
MAX_MINORS = 400
"""All maximal minors are computed only when there are at most this many."""
_GROEBNER_LIMITS = (64, 2000, 256)  # generators, terms per polynomial, coefficient bits


def entry_terms(net: SymbolicNetwork) -> int:
    """Monomials in one grid-tensor entry, before any cancellation.

    Same-channel pooling: every internal node sums over its input channel, so an entry
    has ``prod_nu r_in(nu)`` monomials (fewer with shared weights, where monomials merge).
    Eq. 3: every tree edge sums over a channel: ``r**(edges)``.

    Examples
    --------
    >>> from convac_verify.networks.trees import balanced
    >>> from convac_verify.symbolic.networks import symbolic_network
    >>> entry_terms(symbolic_network(balanced(4), 2, 2))
    8
    """
    tree = net.tree
    if net.kind == "dilated":
        return int(net.widths[0] ** (tree.number_of_nodes() - 1))
    out = 1
    for v in trees.internal_nodes(tree):
        out *= net.widths[trees.height(tree, trees.children(tree, v)[0])]
    return out


@dataclass(frozen=True)
class MinorIdeal:
    """All maximal minors: the exceptional set is their common zero locus."""

    total: int
    """Number of ``k x k`` minors."""
    generators: tuple[Any, ...]
    """The distinct nonzero minors up to sign (polynomials)."""
    gcd: Any
    """Their greatest common divisor."""
    groebner: tuple[Any, ...] | None
    """A reduced Groebner basis (degrevlex) of the ideal they generate, or ``None``."""
    groebner_note: str
    """Why there is no basis, or ``""``."""


@dataclass(frozen=True)
class SymbolicRank:
    """The rank of ``[[A]]_{I,J}`` over ``Q(w)`` and what certifies it."""

    network: SymbolicNetwork
    partition: Partition
    matrix: Array
    """The matricization: an ``object`` array of polynomials."""
    elimination: Elimination
    ideal: MinorIdeal | None
    """All maximal minors, when there are at most :data:`MAX_MINORS`."""
    ideal_note: str = ""
    """Why :attr:`ideal` is missing, or ``""``."""

    @property
    def rank(self) -> int:
        """The rank over Q(w): the generic rank and the maximum over all weights."""
        return self.elimination.rank

    @property
    def minor(self) -> Any:
        """A nonzero maximal minor (rows :attr:`Elimination.rows`, columns ``.cols``)."""
        return self.elimination.minor


def _check_size(net: SymbolicNetwork) -> None:
    t = entry_terms(net)
    entries = net.dim**net.n_modes
    if entries * t > MAX_TERMS:
        raise BudgetExceeded(
            f"symbolic grid tensor too large: {net.dim}**{net.n_modes} entries of up to {t:,} "
            f"monomials ({entries * t:,} in all); the largest accepted size is {MAX_TERMS:,} "
            "monomials (e.g. N=4 with M=3 and widths 3, or CP with N=8, M=2, Z=8); use "
            "'convac-verify rank' for a numeric rank"
        )


def symbolic_rank(
    net: SymbolicNetwork,
    partition: Partition,
    *,
    max_work: int = DEFAULT_MAX_WORK,
    minors: bool = True,
    progress: Callable[[int, int], None] | None = None,
) -> SymbolicRank:
    """Rank of ``[[A]]_{I,J}`` over Q(w), a nonzero maximal minor and, when small, the
    ideal of all maximal minors.

    Raises
    ------
    BudgetExceeded
        When the grid tensor has more than :data:`MAX_TERMS` monomials, or elimination
        would multiply more than ``max_work`` term pairs (refused before that step).

    Examples
    --------
    >>> from convac_verify.networks.trees import balanced
    >>> from convac_verify.networks.partitions import odd_even
    >>> from convac_verify.symbolic.networks import symbolic_network
    >>> s = symbolic_rank(symbolic_network(balanced(4), 2, 1), odd_even(4))
    >>> s.rank, str(s.network.ring.factored_sympy(s.minor))
    (1, 'a^{0,1,1}_1*a^{0,2,1}_1*a^{0,3,1}_1*a^{0,4,1}_1*a^{1,1,1}_1*a^{1,2,1}_1*a^{2,1}_1')
    """
    if partition.n_modes != net.n_modes:
        raise BudgetExceeded(
            f"partition is for N = {partition.n_modes} modes but the network has {net.n_modes}"
        )
    _check_size(net)
    ring = net.ring
    matrix = net.matricization(partition)
    rows = matrix.tolist()
    try:
        elim = fraction_free_rank(rows, ring, progress=progress, budget=max_work)
    except EliminationTooLarge as exc:
        raise BudgetExceeded(
            f"symbolic elimination refused at step {exc.step}: it would multiply "
            f"{exc.work_needed:.2g} more term pairs; the largest accepted size is "
            f"--max-work {max_work:.2g} term pairs in all (about 10 s per 5e7; e.g. N=4, "
            "M=2, widths 2 needs 5.4e5, CP N=6, M=2, Z=4 needs 1.2e7)"
        ) from None
    ideal: MinorIdeal | None = None
    note = ""
    m, n = matrix.shape
    count = math.comb(m, elim.rank) * math.comb(n, elim.rank)
    if not minors:
        note = "not requested"
    elif elim.rank == 0:
        note = "rank 0: the matrix is zero"
    elif count > MAX_MINORS:
        note = f"{count:,} maximal minors (computed only up to {MAX_MINORS})"
    else:
        ideal = _minor_ideal(rows, net, elim.rank, count)
    return SymbolicRank(net, partition, matrix, elim, ideal, note)


def _minor_ideal(rows: list[list[Any]], net: SymbolicNetwork, k: int, count: int) -> MinorIdeal:
    ring = net.ring
    seen: dict[tuple[tuple[tuple[int, ...], int], ...], Any] = {}
    for _, _, det in all_maximal_minors(rows, ring, k):
        if ring.is_zero(det):
            continue
        terms = ring.to_dict(det)
        lead = max(terms)
        canon = det if terms[lead] > 0 else -det
        key = tuple(sorted(ring.to_dict(canon).items()))
        seen.setdefault(key, canon)
    gens = tuple(seen[k_] for k_ in sorted(seen, key=lambda key: (len(key), key)))
    g = gens[0]
    for p in gens[1:]:
        g = _gcd(g, p, net)
    basis, note = _groebner(gens, net)
    return MinorIdeal(count, gens, g, basis, note)


def _gcd(p: Any, q: Any, net: SymbolicNetwork) -> Any:
    ring = net.ring
    if ring.backend == "flint":
        return p.gcd(q)
    return p.gcd(q)


def _groebner(gens: tuple[Any, ...], net: SymbolicNetwork) -> tuple[tuple[Any, ...] | None, str]:
    """A reduced Groebner basis with FLINT (Buchberger with limits), or why not."""
    from flint import fmpz_mpoly_vec

    ring = net.ring
    if ring.backend != "flint":
        return None, "Groebner bases use the flint backend"
    if len(gens) == 1:
        return gens, ""
    vec: Any = fmpz_mpoly_vec(list(gens), ring._impl[0])
    basis, complete = vec.buchberger_naive(limits=_GROEBNER_LIMITS)
    if not complete:
        return None, (
            "Groebner basis not computed: it exceeds "
            f"{_GROEBNER_LIMITS[0]} generators, {_GROEBNER_LIMITS[1]} terms or "
            f"{_GROEBNER_LIMITS[2]}-bit coefficients"
        )
    reduced = basis.autoreduction()
    return tuple(reduced[i] for i in range(len(reduced))), ""
