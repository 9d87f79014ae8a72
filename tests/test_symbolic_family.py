"""A rank claim judged for its whole family of widths (``symbolic/family.py``)."""

from __future__ import annotations

import sympy

from convac_verify.evidence.claims import claim_symbol
from convac_verify.networks.partitions import left_right, odd_even
from convac_verify.networks.trees import balanced, cp_tree
from convac_verify.pooling.profiles import witness_bound
from convac_verify.symbolic.family import judge_rank_family
from convac_verify.symbolic.formulas import witness_formula


def test_claims_about_the_instance_have_no_family() -> None:
    n = claim_symbol("N")
    assert judge_rank_family(balanced(8), odd_even(8), ">=", 2 ** (n / 2), uniform=True) is None
    assert judge_rank_family(balanced(8), odd_even(8), ">", claim_symbol("M"), uniform=True) is None


def test_family_violated_only_when_certain() -> None:
    """An undecided comparison stays consistent; a grid counterexample is exact."""
    m, r0, r1 = (claim_symbol(s) for s in ("M", "r0", "r1"))
    t, lr = balanced(4), left_right(4)
    # true for every member, but not a min of monomials: the grid, labelled so
    f = judge_rank_family(t, lr, "<=", sympy.sqrt(2) * sympy.Min(m**2, r0, r1), uniform=False)
    assert f is not None and f.status == "consistent" and "grid only" in f.reason
    # a lower bound the witness proves for every member
    f = judge_rank_family(t, lr, ">=", sympy.Min(m, r0, r1), uniform=False)
    assert f is not None and f.status == "proved"
    # true (the CP rank is min(Z, M**2)) but beyond the witness: undecided, never violated
    z = claim_symbol("Z")
    f = judge_rank_family(cp_tree(4), odd_even(4), ">=", sympy.Min(z, m**2), uniform=True, cp=True)
    assert f is not None and f.status == "consistent"
    # a false upper bound: the witness exceeds it at an explicit member
    f = judge_rank_family(t, odd_even(4), "<=", r0, uniform=False)
    assert f is not None and f.status == "violated"
    assert "lower bound exceeds" in f.reason
    # CP: Z is the width, and the claim is compared in it
    f = judge_rank_family(cp_tree(4), odd_even(4), "<=", z, uniform=True, cp=True)
    assert f is not None and f.status == "proved" and str(f.upper) == "Min(M**2, Z)"


def test_witness_formula_matches_the_measured_witness() -> None:
    """The lower formula evaluated at integer widths is the witness rank the CLI measures."""
    for tree, part in ((balanced(8), odd_even(8)), (balanced(8), left_right(8))):
        f = witness_formula(tree, part)
        for ws in ((2, 2, 2), (3, 1, 2), (1, 3, 3), (4, 2, 1)):
            for dim in (1, 2, 3):
                values = {"M": dim, **{f"r{i}": w for i, w in enumerate(ws)}}
                got = f.subs({claim_symbol(k): v for k, v in values.items()})
                assert int(got) == witness_bound(tree, dim, ws, part)[0], (ws, dim)


def test_uneven_trees_judge_the_uniform_family() -> None:
    """Leaves at several depths admit only a uniform width: no bogus members."""
    from convac_verify.networks.partitions import Partition
    from convac_verify.networks.trees import from_nested

    t = from_nested(((0, 1), 2))
    r0 = claim_symbol("r0")
    f = judge_rank_family(t, Partition.from_rows([0], 3), "<=", r0, uniform=False)
    assert f is not None and "r = r0 = ..." in f.family
    assert f.status == "proved"  # min(M, r) at the split leaf pair: rank <= r


def test_witness_formula_on_uneven_trees() -> None:
    from convac_verify.networks.partitions import Partition
    from convac_verify.networks.trees import from_nested

    t = from_nested(((0, (1, 2)), 3))
    for rows in ((0, 1), (1,), (1, 3), (0, 3)):
        part = Partition.from_rows(rows, 4)
        f = witness_formula(t, part)
        for dim in (1, 2, 3):
            for r in (1, 2, 3):
                values = {claim_symbol("M"): dim, **{claim_symbol(f"r{i}"): r for i in range(3)}}
                assert int(f.subs(values)) == witness_bound(t, dim, r, part)[0]


def test_large_families_are_refused_before_any_formula() -> None:
    import pytest

    from convac_verify.symbolic.family import MAX_PER_LEVEL_MODES, FormulaTooLarge

    r0 = claim_symbol("r0")
    n = 2 * MAX_PER_LEVEL_MODES
    with pytest.raises(FormulaTooLarge, match="per-level widths"):
        judge_rank_family(balanced(n), odd_even(n), ">=", r0, uniform=False)
    f = judge_rank_family(balanced(n), odd_even(n), ">=", r0, uniform=True)  # (M, r) only
    assert f is not None and f.status == "violated"  # at M = 1
