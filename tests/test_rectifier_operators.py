"""Activation-pooling operators (ICML 2016 eq. 5): hand-computed values, registry, user g."""

from __future__ import annotations

from fractions import Fraction as Fr

import numpy as np
import pytest

from convac_verify.algebra.rationals import QArray
from convac_verify.errors import ConvacError
from convac_verify.rectifier.operators import (
    OPERATORS,
    InvalidOperator,
    check_algebra,
    get_operator,
    parse_operator,
)

# (operator, a, b, g(a, b)) -- computed by hand from the definitions in ICML 2016 Sec. 4
HAND = [
    ("prod", 2, -3, -6),
    ("prod", Fr(1, 2), Fr(2, 3), Fr(1, 3)),
    ("max", -2, 3, 3),
    ("max", -2, -3, 0),  # the ReLU: max{a, b, 0}
    ("max", Fr(1, 2), Fr(1, 3), Fr(1, 2)),
    ("avg", -2, 3, 3),  # max{a,0} + max{b,0}
    ("avg", 2, 3, 5),
    ("avg", -1, -1, 0),
    ("avg", Fr(1, 4), Fr(-1, 3), Fr(1, 4)),
]


@pytest.mark.parametrize(("name", "a", "b", "expected"), HAND)
def test_builtin_values(name: str, a: int | Fr, b: int | Fr, expected: int | Fr) -> None:
    assert get_operator(name).value(a, b) == expected


@pytest.mark.parametrize("name", sorted(OPERATORS))
def test_every_registered_operator_is_associative_and_commutative(name: str) -> None:
    report = check_algebra(get_operator(name), np.random.default_rng(1))
    assert report.ok, report.counterexamples


@pytest.mark.parametrize("name", sorted(OPERATORS))
def test_apply_aligns_denominators_exactly(name: str) -> None:
    op = get_operator(name)
    a = QArray.from_values([Fr(1, 3), Fr(-5, 7), 2])
    b = QArray.from_values([Fr(1, 2), Fr(1, 5), Fr(-9, 4)])
    out = op.apply(a, b).to_fractions()
    expected = [op.value(x, y) for x, y in zip(a.to_fractions(), b.to_fractions(), strict=True)]  # type: ignore[arg-type]
    assert out == expected


def test_polynomial_flags() -> None:
    assert get_operator("prod").polynomial
    assert not get_operator("max").polynomial
    assert not get_operator("avg").polynomial


def test_unknown_operator_lists_the_known_ones() -> None:
    with pytest.raises(ConvacError, match="known: prod, max, avg"):
        get_operator("mean")


@pytest.mark.parametrize(
    ("text", "a", "b", "expected", "poly"),
    [
        ("max(a, b, 0)", Fr(1, 2), -1, Fr(1, 2), False),
        ("relu(a) + relu(b)", -2, 3, 3, False),
        ("a*b + a + b", 2, 3, 11, True),
        ("(a + b)/2", 1, 2, Fr(3, 2), True),
        ("a**2 - abs(b)", 3, -4, 5, False),
        ("-min(a, b)", 1, 2, -1, False),
    ],
)
def test_user_operators(
    text: str, a: int | Fr, b: int | Fr, expected: int | Fr, poly: bool
) -> None:
    op = parse_operator(text)
    assert op.value(a, b) == expected
    assert op.polynomial is poly


@pytest.mark.parametrize(
    "text",
    [
        "a + c",
        "__import__('os')",
        "a**b",
        "",
        "lambda: 1",
        "max()",
        "abs(a, b)",
        "a.real",
        "1.5*a",
        "a =",
    ],
)
def test_user_operator_rejects_bad_input(text: str) -> None:
    with pytest.raises(InvalidOperator):
        parse_operator(text)


def test_user_division_by_zero_is_a_usage_error() -> None:
    with pytest.raises(InvalidOperator, match="divides by zero"):
        parse_operator("a/b").value(1, 0)


def test_algebra_says_when_g_is_not_associative_or_commutative() -> None:
    rng = np.random.default_rng(0)
    mean = check_algebra(parse_operator("(a + b)/2"), rng)  # true average pooling
    assert mean.commutative and not mean.associative
    assert "not associative" in mean.counterexamples[0]
    diff = check_algebra(parse_operator("a - b"), rng)
    assert not diff.commutative and not diff.associative


def test_user_operator_matches_builtin_elementwise() -> None:
    rng = np.random.default_rng(3)
    xs = QArray(np.asarray(rng.integers(-50, 50, size=20).astype(object)), 7)
    ys = QArray(np.asarray(rng.integers(-50, 50, size=20).astype(object)), 3)
    for text, name in (("max(a,b,0)", "max"), ("max(a,0)+max(b,0)", "avg"), ("a*b", "prod")):
        assert parse_operator(text).apply(xs, ys).equals(get_operator(name).apply(xs, ys))
