"""Corollary 8 of Cohen, Tamari & Shashua: the width an individual tree needs to match a
mixed network, from certified exponents.

Setting (ICLR 2018, Sec. 5): N = 2^L, the baseline tree T (dilation ``2^(l-1)``), the
tree T-bar swapped in groups of k layers (k divides L, L >= 2k), mixture nodes at layer
k (the nodes of height k, shared by both), and the partition
:func:`~convac_verify.networks.dilations.groups_partition` (the worked example for
k = 2). With ``r`` channels per layer in the mixed network:

* the mixed network's generic rank is ``>= (r/2)^{P}`` with ``P = max_H P(H)`` (Claim 5
  + Theorem 7; :func:`convac_verify.bounds.hybrids.best_hybrid`), and here P = N/2;
* T with ``w`` channels has rank ``<= w^{U}`` for all weights, ``U = min(|Theta(I)|,
  |Theta(I^c)|)`` (Theorem 7's upper bound; ``U = (N/4)(1 + 2^(1-k))``);

so T needs ``w^{U} >= (r/2)^{P}``: the **forced width** is the smallest such integer
(computed exactly with integers), and ``P / U = 2 / (1 + 2^(1-k))`` -- Corollary 8's
``(r/2)^{2/(1+2^{1-k})}``. The same holds for T-bar. For their sum the bound is
``w^{U_T} + w^{U_Tbar} >= (r/2)^{P}``, i.e. a width at least
``(r/2)^{P/U} * 2^{-1/U}``: slightly below the corollary's number at finite N (the
factor tends to 1 as N grows); the tool reports it as computed.

All numbers are exact: exponents are fractions, widths are integers found by integer
arithmetic; the real value ``(r/2)^e`` is printed rounded for reading only.

References
----------
N. Cohen, R. Tamari, A. Shashua. ICLR 2018 (arXiv 1703.06846v3): Corollary 8
(Corollary 1 of the ICLR version) and the worked example after Theorem 7.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache

from ..errors import ConvacError
from ..networks import trees
from ..networks.dilations import groups_partition, swapped_tree
from ..networks.mixed import parse_mixture_nodes
from .hybrids import best_hybrid
from .tilings import tiling_bounds

__all__ = [
    "Corollary8Row",
    "corollary8_exponent",
    "corollary8_row",
    "least_width",
    "power_ceiling",
    "power_text",
]


def corollary8_exponent(group: int) -> Fraction:
    """``2 / (1 + 2^(1-k))`` exactly.

    Examples
    --------
    >>> [str(corollary8_exponent(k)) for k in range(1, 7)]
    ['1', '4/3', '8/5', '16/9', '32/17', '64/33']
    """
    if group < 1:
        raise ConvacError(f"Corollary 8 takes groups of k >= 1 layers; got k = {group}")
    return Fraction(2**group, 2 ** (group - 1) + 1)


def least_width(holds: Callable[[int], bool], start: int) -> int:
    """The smallest ``w >= 1`` with ``holds(w)``, for a monotone predicate true at ``start``."""
    if not holds(start):
        raise ValueError("the predicate must hold at the start")
    lo, hi = 0, start  # holds(hi); not holds(lo) (w = 0 never counts)
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if mid >= 1 and holds(mid):
            hi = mid
        else:
            lo = mid
    return hi


def power_ceiling(base: int, exponent: Fraction) -> int:
    """``ceil(base ** exponent)`` exactly (``base >= 1``).

    Examples
    --------
    >>> power_ceiling(64, Fraction(16, 9)), power_ceiling(4, Fraction(1, 2))
    (1626, 2)
    """
    num, den = exponent.numerator, exponent.denominator
    target = base**num
    guess = max(1, math.ceil(math.exp(num * math.log(base) / den)) + 1) if base > 1 else 1
    while guess**den < target:
        guess *= 2
    return least_width(lambda w: w**den >= target, guess)


def power_text(base: int, exponent: Fraction) -> str:
    """``64^(16/9)`` (or ``64`` when the exponent is 1)."""
    if exponent == 1:
        return str(base)
    return f"{base}^({exponent})"


@dataclass(frozen=True)
class Corollary8Row:
    """One (r, k) row: the corollary's number and the widths the certified bounds force."""

    width: int
    """r: channels per layer of each interconnected network."""
    group: int
    """k: groups of k layers swapped; mixture nodes at layer k."""
    n_modes: int
    """N used for the exponents (2^(2k): the smallest with k | L and L >= 2k)."""
    exponent: Fraction
    """``2 / (1 + 2^(1-k))``."""
    hybrid_exponent: int
    """``max_H P(H)`` on the groups partition (N/2)."""
    tree_exponents: tuple[int, int]
    """``U`` for T and T-bar (Theorem 7's upper exponent)."""
    forced_tree: int
    """Smallest w with ``w^U_T >= (r/2)^P``: T needs at least this many channels."""
    forced_tree_bar: int
    """The same for T-bar."""
    forced_sum: int
    """Smallest w with ``w^U_T + w^U_Tbar >= (r/2)^P`` (the sum of T and T-bar)."""

    @property
    def claimed(self) -> int:
        """``ceil((r/2)^e)``: the corollary's lower bound on the width, as an integer."""
        return power_ceiling(self.width // 2, self.exponent)

    @property
    def real(self) -> float:
        """``(r/2)^e`` as a float, for reading only."""
        return float((self.width // 2) ** float(self.exponent))

    @property
    def ratio(self) -> Fraction:
        """``P / U_T``: must equal :attr:`exponent`."""
        return Fraction(self.hybrid_exponent, self.tree_exponents[0])


@lru_cache(maxsize=16)
def _exponents(n: int, group: int) -> tuple[int, tuple[int, int]]:
    """``(max_H P(H), (U_T, U_Tbar))`` on the groups partition (independent of r)."""
    base = trees.balanced(n)
    bar = swapped_tree(n, group)
    part = groups_partition(n, group)
    mixture = parse_mixture_nodes(f"layer:{group}", base, bar)
    p = best_hybrid(mixture, part).exponent
    return p, (tiling_bounds(base, part).upper_exponent, tiling_bounds(bar, part).upper_exponent)


def corollary8_row(width: int, group: int, n_modes: int | None = None) -> Corollary8Row:
    """The exponents and forced widths for ``r = width`` and ``k = group``.

    Examples
    --------
    >>> row = corollary8_row(128, 4)
    >>> row.n_modes, row.hybrid_exponent, row.tree_exponents, row.forced_tree, row.claimed
    (256, 128, (72, 72), 1626, 1626)
    """
    if width < 2 or width % 2:
        raise ConvacError(f"r must be even and >= 2 (r/2 channels per hybrid); got {width}")
    exponent = corollary8_exponent(group)
    n = n_modes if n_modes is not None else 2 ** (2 * group)
    p, u = _exponents(n, group)
    target = (width // 2) ** p

    def forced(holds: Callable[[int], bool]) -> int:
        start = power_ceiling(width // 2, Fraction(p, min(u))) + 1
        return least_width(holds, start)

    return Corollary8Row(
        width=width,
        group=group,
        n_modes=n,
        exponent=exponent,
        hybrid_exponent=p,
        tree_exponents=u,
        forced_tree=forced(lambda w: w ** u[0] >= target),
        forced_tree_bar=forced(lambda w: w ** u[1] >= target),
        forced_sum=forced(lambda w: w ** u[0] + w ** u[1] >= target),
    )
