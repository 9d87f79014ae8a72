"""Bounds as formulas in the widths, and comparisons for all widths (proved, refuted, grid)."""

from __future__ import annotations

import itertools
from fractions import Fraction

import numpy as np
import pytest
import sympy

from convac_verify.bounds.recursion import recursive_upper_bound
from convac_verify.bounds.spans import span_upper_bound
from convac_verify.errors import InvalidDecomposition
from convac_verify.networks.partitions import left_right, odd_even, parse_partition
from convac_verify.networks.trees import balanced, cp_tree, parse_tree
from convac_verify.symbolic.formulas import (
    c_recursion_formula,
    compare_formulas,
    joint_span_formula,
    judge_family_claim,
    levine_left_right_formula,
    width_symbols,
)
from convac_verify.symbolic.simplex import feasible_point

TREES = ["balanced:4", "balanced:8", "((0,1),(2,3))", "((0,2),(1,3))", "cp:4", "windows:2,3"]
ROWS = ["odd-even", "left-right", "0", "0,3"]


@pytest.mark.parametrize("tree_text", TREES)
def test_formulas_evaluate_to_the_integer_recursions(tree_text: str) -> None:
    """At every width on a grid, the formulas equal bounds/recursion.py and bounds/spans.py."""
    tree = parse_tree(tree_text)
    n = tree.graph["n_modes"]
    depth = tree.graph["height_of"][tree.graph["root"]]
    for rows in ROWS:
        part = parse_partition(rows, n, np.random.default_rng(0))
        if not part.is_proper:
            continue
        m, rs = width_symbols(depth)
        c = sympy.lambdify((m, *rs), c_recursion_formula(tree, part), modules=[{"Min": min}])
        s = sympy.lambdify((m, *rs), joint_span_formula(tree, part), modules=[{"Min": min}])
        for point in itertools.product(range(1, 5), repeat=depth + 1):
            dim, widths = point[0], point[1:]
            try:
                expected_c = recursive_upper_bound(tree, dim, widths, part)
                expected_s = span_upper_bound(tree, dim, widths, part)
            except InvalidDecomposition:  # widths same-channel pooling rejects for this tree
                continue
            assert c(*point) == expected_c, (tree_text, rows, point)
            assert s(*point) == expected_s, (tree_text, rows, point)


@pytest.mark.parametrize("n", [4, 8, 16])
def test_levine_eq16_is_the_joint_span_bound_for_all_widths(n: int) -> None:
    eq16 = levine_left_right_formula(n)
    span = joint_span_formula(balanced(n), left_right(n))
    j = judge_family_claim("==", eq16, span, span)
    assert j.status == "proved", j.reason
    assert all(c.proved and c.scope == "all widths" for c in j.comparisons)


def test_c_recursion_is_looser_than_eq16_left_right() -> None:
    """Left-right: the c-recursion gives min(M^(N/2), r_{L-1}); eq. 16 is smaller for some
    widths (a proof that it is <=, and a counterexample to the converse)."""
    c = c_recursion_formula(balanced(8), left_right(8))
    eq16 = levine_left_right_formula(8)
    assert compare_formulas(eq16, c).proved
    back = compare_formulas(c, eq16)
    assert back.refuted and back.scope == "all widths"
    point = {
        sympy.Symbol(k, integer=True, positive=True): v for k, v in back.counterexample.items()
    }
    assert c.subs(point) > eq16.subs(point)


def test_odd_even_joint_span_is_colt_theorem_1() -> None:
    """min(r0, M)^(N/2) (COLT Thm 1) as the joint-span upper bound: the bound is tight."""
    m, rs = width_symbols(3)
    colt = sympy.Min(rs[0], m) ** 4
    span = joint_span_formula(balanced(8), odd_even(8))
    assert compare_formulas(span, sympy.expand(colt)).proved or compare_formulas(span, colt).proved
    assert judge_family_claim("==", colt, span, span).status == "proved"


def test_cp_bound() -> None:
    m, (z,) = width_symbols(1)
    assert c_recursion_formula(cp_tree(4), odd_even(4)) == sympy.Min(m**2, z)
    j = judge_family_claim("<=", z, c_recursion_formula(cp_tree(4), odd_even(4)))
    assert j.status == "proved"
    # "rank >= Z for every Z" is false: the bound M^2 caps it (Z = 5 > 4 at M = 2)
    j = judge_family_claim(">=", z, c_recursion_formula(cp_tree(4), odd_even(4)))
    assert j.status == "violated"


def test_comparison_tiers() -> None:
    _, (r0, r1) = width_symbols(2)
    # proved by a convex combination, not by any single monomial
    c = compare_formulas(sympy.Min(r0**2, r1**2), r0 * r1)
    assert c.proved and c.method == "monomial dominance"
    # refuted with a constructed counterexample, checked exactly
    c = compare_formulas(r0 * r1, sympy.Min(r0**2, r1**3))
    assert c.refuted and c.method == "counterexample"
    # polynomials: positivity after x = 1 + y
    c = compare_formulas(r0 + 1, r0**2 + 1)
    assert c.proved and c.method == "positivity"
    # irrational constants and Max: only the grid, labelled so
    c = compare_formulas(sympy.sqrt(2) * r0, sympy.Max(2 * r0, r1))
    assert c.holds and c.scope == "grid" and "grid" in c.method
    assert not c.proved
    c = compare_formulas(sympy.sqrt(2) * r0, sympy.Max(r0, r1))
    assert c.refuted and c.counterexample == {"r0": 1, "r1": 1}


def test_family_judgement_consistent_without_lower_bound() -> None:
    _, (r0,) = width_symbols(1)
    j = judge_family_claim(">=", r0, r0 + 5)
    assert j.status == "consistent"


def test_family_grid_label() -> None:
    m, (r0,) = width_symbols(1)
    j = judge_family_claim("<=", sympy.sqrt(3) * sympy.Max(r0, m), sympy.Max(r0, m))
    assert j.status == "consistent" and "grid" in j.reason


def _brute_feasible(rows: list[list[Fraction]], rhs: list[Fraction], top: int) -> bool:
    """Feasibility over a grid of nonnegative rationals k/4 (enough for these tiny cases)."""
    n = len(rows[0])
    for x in itertools.product([Fraction(k, 4) for k in range(4 * top + 1)], repeat=n):
        if all(
            sum(a * v for a, v in zip(r, x, strict=True)) <= b
            for r, b in zip(rows, rhs, strict=True)
        ):
            return True
    return False


def test_feasible_point_against_brute_force() -> None:
    rng = np.random.default_rng(0)
    found = infeasible = 0
    for _ in range(150):
        n, m = int(rng.integers(1, 3)), int(rng.integers(1, 4))
        rows = [[Fraction(int(v)) for v in rng.integers(-2, 3, size=n)] for _ in range(m)]
        rhs = [Fraction(int(v)) for v in rng.integers(-2, 3, size=m)]
        # bound the region so the brute force grid covers it
        rows += [[Fraction(int(i == k)) for i in range(n)] for k in range(n)]
        rhs += [Fraction(2)] * n
        x = feasible_point(rows, rhs)
        brute = _brute_feasible(rows, rhs, 2)
        if x is None:
            infeasible += 1
            assert not brute
        else:
            found += 1
            assert all(v >= 0 for v in x)
            assert all(
                sum(a * v for a, v in zip(r, x, strict=True)) <= b
                for r, b in zip(rows, rhs, strict=True)
            )
    assert found > 20 and infeasible > 20


def test_feasible_point_on_the_case_sympy_gets_wrong() -> None:
    """x + 2y <= 0, x <= 2, x <= 1, x + y >= 1 is infeasible (SymPy 1.14's linprog returned
    the infeasible point (1, 0) for it; sympy issue #28089)."""
    F = Fraction
    rows = [[F(1), F(2)], [F(1), F(0)], [F(1), F(0)], [F(-1), F(-1)]]
    assert feasible_point(rows, [F(0), F(2), F(1), F(-1)]) is None
