"""Rank bounds as formulas in the widths, and comparisons that hold for all widths.

At a fixed mode tree and partition, the structural upper bounds are formulas in the
dimension ``M`` and the widths ``r_0, ..., r_{L-1}``: minima of monomials. This module
builds them as SymPy expressions:

* :func:`c_recursion_formula` -- the c-recursion (ICLR 2017 Thm 1 carried to any tree,
  :mod:`convac_verify.bounds.recursion`);
* :func:`joint_span_formula` -- the joint-span recursion (:mod:`convac_verify.bounds.spans`);
* :func:`levine_left_right_formula` -- Levine et al., eq. 16: the min-cut of the
  left-right partition of the balanced binary tree,
  ``min(r_{L-1}, r_{L-2}, r_{L-3}^2, ..., r_0^{N/4}, M^{N/2})``;
* :func:`witness_formula` -- a LOWER bound for almost all weights: the rank of the
  Kronecker witness, ``max_h min(M, r_0, ..., r_{h-1})**S_h``.

Each evaluates, at integer widths, to the number the integer recursion gives (pinned by
tests).

Comparing formulas for all widths
---------------------------------
:func:`compare_formulas` decides ``lhs <= rhs`` for **all integer values >= 1** of the
symbols, in three tiers, and says which one answered:

1. ``proved``: both sides are minima of monomials with positive rational coefficients
   (products, powers and ``Min`` of symbols and constants). Write ``x = 2**y``: a
   monomial is linear in ``y >= 0``, and ``min_i l_i <= r`` holds for all ``y >= 0``
   exactly when some convex combination of the ``l_i`` is dominated by ``r`` exponent
   by exponent (Ville's theorem of the alternative). An exact simplex over the
   rationals (:mod:`convac_verify.symbolic.monomials`) finds the combination: it is the
   certificate, checked exactly. Two polynomials are also compared by substituting ``x = 1 + y``: nonnegative
   coefficients prove ``rhs - lhs >= 0``.
2. ``refuted``: the same linear program, when infeasible with unit coefficients, gives a
   direction ``y`` along which every ``l_i`` beats ``r``; the widths ``x = 2**(t y)`` are
   an explicit counterexample, checked by exact evaluation.
3. ``grid``: otherwise both sides are evaluated exactly on a stated grid of widths
   (``1..grid_max`` for every symbol, at most :data:`MAX_GRID_POINTS` points); a point
   where the inequality fails refutes it, and agreement everywhere is labelled
   "holds on the grid" -- not a proof for all widths.

:func:`judge_family_claim` applies this to a rank claim and certificates that are
formulas (an upper bound valid for all weights, optionally a lower bound valid almost
everywhere), across the whole family of widths.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import networkx as nx

from ..errors import ConvacError
from ..networks import trees
from ..networks.partitions import Partition
from .monomials import MinMono, counterexample_direction, dominance, to_minmono, to_sympy

__all__ = [
    "MAX_GRID_POINTS",
    "FamilyJudgement",
    "FormulaComparison",
    "c_recursion_formula",
    "compare_formulas",
    "joint_span_formula",
    "judge_family_claim",
    "levine_left_right_formula",
    "width_symbols",
    "witness_formula",
]

MAX_GRID_POINTS = 20_000


def width_symbols(depth: int) -> tuple[Any, tuple[Any, ...]]:
    """``M`` and ``(r0, ..., r_{depth-1})`` as positive integer SymPy symbols.

    The names are those of ``rank --expect`` (``M``, ``r0``, ``r1``, ...).
    """
    import sympy

    m = sympy.Symbol("M", integer=True, positive=True)
    rs = tuple(sympy.Symbol(f"r{i}", integer=True, positive=True) for i in range(depth))
    return m, rs


# --------------------------------------------------------------------------- formulas


def _shapes(
    tree: nx.DiGraph, partition: Partition
) -> tuple[dict[int, int], dict[int, tuple[int, int]]]:
    """Shape ids and ``(|I_v|, |J_v|)`` for every node, in one pass.

    Two nodes share an id when their subtrees are the same with the row modes marked,
    so they have the same formulas: the recursions compute each shape once (a balanced
    tree under odd-even has one shape per level).
    """
    rows = set(partition.rows)
    ids: dict[tuple[object, ...], int] = {}
    shape: dict[int, int] = {}
    sizes: dict[int, tuple[int, int]] = {}
    for v in trees.postorder(tree):
        kids = trees.children(tree, v)
        if not kids:
            key: tuple[object, ...] = ("leaf", v in rows)
            sizes[v] = (1, 0) if v in rows else (0, 1)
        else:
            key = tuple(shape[k] for k in kids)
            sizes[v] = (sum(sizes[k][0] for k in kids), sum(sizes[k][1] for k in kids))
        shape[v] = ids.setdefault(key, len(ids))
    return shape, sizes


def _variables(tree: nx.DiGraph, uniform: bool) -> tuple[tuple[Any, ...], Any]:
    """The formula's variables and, per height ``h >= 1``, the index of ``r_{h-1}``:
    ``(M, r0, ..., r_{L-1})``, or ``(M, r)`` for one width at every level."""
    import sympy

    depth = trees.height(tree, trees.root(tree))
    m_sym, rs = width_symbols(depth)
    if uniform:
        return (m_sym, sympy.Symbol("r", integer=True, positive=True)), lambda h: 1
    return (m_sym, *rs), lambda h: h


def c_recursion_formula(tree: nx.DiGraph, partition: Partition, *, uniform: bool = False) -> Any:
    """The c-recursion bound as a SymPy formula in ``M, r0, ..., r_{L-1}`` (in ``M, r``
    with ``uniform``: one width at every level, far fewer monomials).

    ``c(leaf) = 1``, ``c(nu) = min(M**min(|I_nu|, |J_nu|), r_in * prod_c c(c))``.

    Examples
    --------
    >>> from convac_verify.networks.trees import balanced
    >>> from convac_verify.networks.partitions import odd_even, left_right
    >>> c_recursion_formula(balanced(4), odd_even(4))
    Min(M**2, r0**2*r1)
    >>> c_recursion_formula(balanced(8), left_right(8))
    Min(M**4, r2)
    >>> c_recursion_formula(balanced(4), odd_even(4), uniform=True)
    Min(M**2, r**3)
    """
    variables, index = _variables(tree, uniform)
    n = len(variables)
    shape, sizes = _shapes(tree, partition)
    c: dict[int, MinMono] = {}  # by shape
    for v in trees.postorder(tree):
        if shape[v] in c:
            continue
        kids = trees.children(tree, v)
        if not kids:
            c[shape[v]] = MinMono.const(Fraction(1), n)
            continue
        n_i, n_j = sizes[v]
        side = MinMono.var(0, n).power(Fraction(min(n_i, n_j)))
        side = side if side is not None else MinMono.const(Fraction(1), n)
        prod = MinMono.var(index(1 + trees.height(tree, kids[0])), n)
        for k in kids:
            prod = prod * c[shape[k]]
        c[shape[v]] = side.min(prod)
    return to_sympy(c[shape[trees.root(tree)]], variables)


def joint_span_formula(tree: nx.DiGraph, partition: Partition, *, uniform: bool = False) -> Any:
    """The joint-span bound (:func:`convac_verify.bounds.spans.span_upper_bound`) as a
    SymPy formula in ``M, r0, ..., r_{L-1}`` (in ``M, r`` with ``uniform``).

    Examples
    --------
    >>> from convac_verify.networks.trees import balanced
    >>> from convac_verify.networks.partitions import left_right
    >>> joint_span_formula(balanced(8), left_right(8))
    Min(M**4, r0**2, r1, r2)
    >>> joint_span_formula(balanced(8), left_right(8), uniform=True)
    Min(M**4, r)
    """
    variables, index = _variables(tree, uniform)
    n = len(variables)
    one = MinMono.const(Fraction(1), n)
    rows = set(partition.rows)

    def m_pow(e: int) -> MinMono:
        p = MinMono.var(0, n).power(Fraction(e))
        return p if p is not None else one

    shape, sizes = _shapes(tree, partition)
    spans: dict[int, tuple[MinMono, MinMono, MinMono]] = {}  # by shape: c, R, C
    for v in trees.postorder(tree):
        if shape[v] in spans:
            continue
        kids = trees.children(tree, v)
        if not kids:
            span = MinMono.var(1, n).min(MinMono.var(0, n))
            spans[shape[v]] = (one, span, one) if v in rows else (one, one, span)
            continue
        n_i, n_j = sizes[v]
        terms = MinMono.var(index(1 + trees.height(tree, kids[0])), n)
        prod_r = prod_c = one
        for k in kids:
            ck, rk, colk = spans[shape[k]]
            terms = terms * ck
            prod_r = prod_r * rk
            prod_c = prod_c * colk
        col = m_pow(n_i).min(prod_r).min(terms)
        row = m_pow(n_j).min(prod_c).min(terms)
        spans[shape[v]] = (col.min(row).min(terms), col, row)
    return to_sympy(spans[shape[trees.root(tree)]][0], variables)


def levine_left_right_formula(n_modes: int) -> Any:
    """Levine et al. (ICLR 2018) eq. 16: min-cut of the left-right partition.

    ``W = min(r_{L-1}, r_{L-2}, r_{L-3}**2, ..., r_l**(2**(L-2-l)), ..., r_0**(N/4),
    M**(N/2))`` for the balanced binary tree over ``N = 2**L`` modes (``L >= 2``).

    Examples
    --------
    >>> levine_left_right_formula(8)
    Min(M**4, r0**2, r1, r2)
    """
    import sympy

    if n_modes < 4 or n_modes & (n_modes - 1):
        raise ConvacError(f"eq. 16 needs N = 2^L >= 4; got {n_modes}")
    depth = n_modes.bit_length() - 1
    m_sym, rs = width_symbols(depth)
    terms = [rs[depth - 1]] + [rs[l] ** (2 ** (depth - 2 - l)) for l in range(depth - 1)]
    return sympy.Min(*terms, m_sym ** (n_modes // 2))


# --------------------------------------------------------------------------- comparisons


@dataclass(frozen=True)
class FormulaComparison:
    """Whether ``lhs <= rhs`` for all integer values >= 1 of the symbols, and how we know."""

    holds: bool | None
    """True (proved, or on the grid), False (a counterexample), None (undecided)."""
    scope: str
    """``"all widths"`` (a proof or a counterexample) or ``"grid"`` (evaluation only)."""
    method: str
    """``"monomial dominance"``, ``"positivity"``, ``"counterexample"`` or ``"grid 1..G"``."""
    certificate: str
    """The proof (convex weights) or the counterexample, in one line."""
    counterexample: Mapping[str, int] | None = None
    """Values of the symbols where ``lhs > rhs``."""

    @property
    def proved(self) -> bool:
        """``lhs <= rhs`` for every width (not only on the grid)."""
        return self.holds is True and self.scope == "all widths"

    @property
    def refuted(self) -> bool:
        """A point where ``lhs > rhs`` was exhibited."""
        return self.holds is False


def _free(lhs: Any, rhs: Any) -> list[Any]:
    return sorted(lhs.free_symbols | rhs.free_symbols, key=lambda s: str(s))


def _exact_le(lhs: Any, rhs: Any, point: Mapping[Any, int]) -> bool:
    import sympy

    lv = sympy.nsimplify(lhs.subs(point)) if lhs.free_symbols else lhs
    rv = sympy.nsimplify(rhs.subs(point)) if rhs.free_symbols else rhs
    rel = sympy.Le(lv, rv)
    if rel not in (sympy.true, sympy.false):
        raise ConvacError(f"cannot compare {lv} and {rv} exactly")
    return bool(rel)


def compare_formulas(lhs: Any, rhs: Any, *, grid_max: int = 8) -> FormulaComparison:
    """Decide ``lhs <= rhs`` for all integer values ``>= 1`` of every free symbol.

    See the module docstring for the three tiers. ``grid_max`` bounds the grid of the
    last tier (each symbol ``1..grid_max``; fewer values per symbol when the grid would
    exceed :data:`MAX_GRID_POINTS`).

    Examples
    --------
    >>> import sympy
    >>> M, r0, r1 = sympy.symbols("M r0 r1", positive=True, integer=True)
    >>> compare_formulas(sympy.Min(r0 * r1, M**2), sympy.Min(r0**2 * r1, M**2)).proved
    True
    >>> c = compare_formulas(sympy.Min(r0**2, r1**2), r0 * r1)   # a convex combination
    >>> c.proved, c.method
    (True, 'monomial dominance')
    >>> c = compare_formulas(r1, sympy.Min(r0, M))
    >>> c.refuted, dict(c.counterexample)
    (True, {'M': 1, 'r0': 1, 'r1': 2})
    """
    import sympy

    variables = _free(lhs, rhs)
    lm, rm = to_minmono(lhs, variables), to_minmono(rhs, variables)
    if lm is not None and rm is not None:
        decided = dominance(lm, rm)
        if decided is not None and decided[0]:
            return FormulaComparison(True, "all widths", "monomial dominance", decided[1])
        for cr, er in sorted(rm.monos, key=lambda m: (m[1], m[0])):
            if cr != 1 or any(m[0] != 1 for m in lm.monos):
                break
            q = counterexample_direction(lm, er)
            if q is None:
                continue
            point = {v: 2**qk for v, qk in zip(variables, q, strict=True)}
            if not _exact_le(lhs, rhs, point):
                return FormulaComparison(
                    False,
                    "all widths",
                    "counterexample",
                    _point_text(lhs, rhs, point),
                    {str(k): v for k, v in point.items()},
                )
    if not any(
        isinstance(a, (sympy.Min, sympy.Max)) for e in (lhs, rhs) for a in e.atoms(sympy.Function)
    ) and (lhs.is_polynomial(*variables) and rhs.is_polynomial(*variables)):
        shifted = sympy.expand((rhs - lhs).subs({v: v + 1 for v in variables}))
        poly = sympy.Poly(shifted, *variables) if variables else None
        if poly is not None and all(c >= 0 for c in poly.coeffs()):
            return FormulaComparison(
                True, "all widths", "positivity", "rhs - lhs has nonnegative coefficients in x - 1"
            )
    return _grid(lhs, rhs, variables, grid_max)


def _point_text(lhs: Any, rhs: Any, point: Mapping[Any, int]) -> str:
    where = ", ".join(f"{k} = {v}" for k, v in point.items())
    return f"at {where}: {lhs.subs(point)} > {rhs.subs(point)}"


def _grid(lhs: Any, rhs: Any, variables: list[Any], grid_max: int) -> FormulaComparison:
    top = max(1, grid_max)
    while len(variables) and top ** len(variables) > MAX_GRID_POINTS and top > 2:
        top -= 1
    label = f"grid {', '.join(str(v) for v in variables) or '-'} in 1..{top}"
    for values in itertools.product(range(1, top + 1), repeat=len(variables)):
        point = dict(zip(variables, values, strict=True))
        if not _exact_le(lhs, rhs, point):
            return FormulaComparison(
                False,
                "all widths",
                "counterexample",
                _point_text(lhs, rhs, point),
                {str(k): v for k, v in point.items()},
            )
    return FormulaComparison(True, "grid", label, f"holds at all {top ** len(variables)} points")


@dataclass(frozen=True)
class FamilyJudgement:
    """A rank claim held to certificate formulas across a family of widths."""

    status: str
    """``proved``, ``violated`` or ``consistent`` (see :func:`judge_family_claim`)."""
    reason: str
    """One sentence, naming the tier (``all widths`` or the grid)."""
    comparisons: tuple[FormulaComparison, ...]
    """The comparisons behind it."""


def judge_family_claim(
    relation: str,
    claim: Any,
    upper: Any,
    lower: Any | None = None,
    *,
    grid_max: int = 8,
) -> FamilyJudgement:
    """Hold ``rank <relation> claim`` to certificate formulas for every width.

    Parameters
    ----------
    relation : str
        ``"<="`` (for all weights), ``">="`` (almost all weights) or ``"=="``.
    claim : sympy expression
        The claimed bound, in the width symbols.
    upper : sympy expression
        A proved upper bound on the rank for all weights (e.g. :func:`c_recursion_formula`,
        a min-cut).
    lower : sympy expression, optional
        A proved almost-everywhere lower bound (e.g. a min-cut where every width is a
        power of one integer, Levine et al. Thm 2), if one is known.

    Returns
    -------
    FamilyJudgement
        ``proved`` when the certificates imply the claim for every width (a ``<=`` claim
        needs ``upper <= claim``; ``>=`` needs ``claim <= lower``), ``violated`` when a
        width is exhibited where ``upper < claim`` (no weights reach a claimed lower
        bound) or ``lower > claim`` (a claimed upper bound is exceeded), ``consistent``
        otherwise (including "holds on the grid", which is labelled).

    Examples
    --------
    >>> from convac_verify.networks.trees import balanced
    >>> from convac_verify.networks.partitions import left_right
    >>> eq16 = levine_left_right_formula(8)
    >>> span = joint_span_formula(balanced(8), left_right(8))
    >>> judge_family_claim("<=", eq16, span).status
    'proved'
    >>> judge_family_claim(">=", eq16 * 2, span).status
    'violated'
    """
    if relation not in ("<=", ">=", "=="):
        raise ConvacError(f"relation must be <=, >= or ==; got {relation!r}")
    comps: list[FormulaComparison] = []
    if relation in (">=", "=="):
        # a claimed lower bound above the upper bound at some width is false there
        c = compare_formulas(claim, upper, grid_max=grid_max)
        comps.append(c)
        if c.refuted:
            return FamilyJudgement(
                "violated", f"the upper bound is below the claim: {c.certificate}", tuple(comps)
            )
    if relation in ("<=", "==") and lower is not None:
        c = compare_formulas(lower, claim, grid_max=grid_max)
        comps.append(c)
        if c.refuted:
            return FamilyJudgement(
                "violated",
                f"the lower bound exceeds the claim: {c.certificate}",
                tuple(comps),
            )
    need: list[FormulaComparison] = []
    if relation in ("<=", "=="):
        need.append(compare_formulas(upper, claim, grid_max=grid_max))
    if relation in (">=", "=="):
        if lower is None:
            return FamilyJudgement(
                "consistent",
                "no lower-bound formula: an upper bound cannot prove a lower bound",
                tuple(comps),
            )
        need.append(compare_formulas(claim, lower, grid_max=grid_max))
    comps.extend(need)
    if all(c.proved for c in need):
        return FamilyJudgement(
            "proved",
            "the certificates imply the claim for all widths ("
            + "; ".join(c.method for c in need)
            + ")",
            tuple(comps),
        )
    grid = [c for c in need if c.holds and c.scope == "grid"]
    if grid and all(c.holds for c in need):
        return FamilyJudgement(
            "consistent",
            f"holds on the grid only ({grid[0].method}); not proved for all widths",
            tuple(comps),
        )
    return FamilyJudgement("consistent", "the certificates do not decide the claim", tuple(comps))


def witness_formula(tree: nx.DiGraph, partition: Partition) -> Any:
    """The rank of the Kronecker witness as a formula: a lower bound for almost all weights.

    The witness merging channels at height ``h`` (``kronecker_witness`` in
    :mod:`convac_verify.networks.witnesses`; ``h = 1`` is the assignment of the proof of
    COLT 2016 Thm 1) matricizes to a Kronecker product with one factor of rank
    ``min(M, r_0, ..., r_{h-1})`` per node of height ``h`` that meets both ``I`` and ``J``
    (``S_h`` of them) and rank-one factors elsewhere; so the generic rank is at least
    ``max_h min(M, r_0, ..., r_{h-1})**S_h`` for every ``M`` and all widths. Returned as
    ``Max`` over the heights whose ``S_h`` exceeds that of every lower height (the other
    terms are never larger), ``1`` when no node is split.

    Examples
    --------
    >>> from convac_verify.networks.trees import balanced
    >>> from convac_verify.networks.partitions import odd_even, left_right
    >>> witness_formula(balanced(8), odd_even(8))
    Min(M, r0)**4
    >>> witness_formula(balanced(8), left_right(8))
    Min(M, r0, r1, r2)
    """
    import sympy

    depth = trees.height(tree, trees.root(tree))
    m_sym, rs = width_symbols(depth)
    _, sizes = _shapes(tree, partition)
    split: dict[int, int] = {}
    for v in trees.internal_nodes(tree):
        n_i, n_j = sizes[v]
        if n_i and n_j:
            h = trees.height(tree, v)
            split[h] = split.get(h, 0) + 1
    # a higher height mins over more widths: it can be larger only with more split nodes
    terms, most = [], 0
    for h, s in sorted(split.items()):
        if s > most:
            terms.append(sympy.Min(m_sym, *rs[:h]) ** s)
            most = s
    return sympy.Max(*terms) if terms else sympy.Integer(1)
