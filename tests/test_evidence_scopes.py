"""The evidence extension for rectifier networks: scopes and piecewise-polynomial maps."""

from __future__ import annotations

import pytest

from convac_verify.evidence.certificates import Bound, Certificate
from convac_verify.evidence.status import Claim, Evidence, Measurement, Status, decide

POLY = Evidence.random(
    field="GF(p)",
    method="dense",
    seed=0,
    prime=2**61 - 1,
    prime_random=True,
    entry_bits=8,
    sample_space=2**61,
    degree=31,
)
RELU = Evidence.random_piecewise(field="Q", method="exact", seed=0, sample_space=2**21 + 1)
RELU_P = Evidence.random_piecewise(
    field="GF(p)", method="root mod p", seed=0, sample_space=2**21 + 1, prime=7, prime_random=True
)
WITNESS = Evidence.witness("ICML16 E.10 witness", field="Q", method="exact", polynomial=False)


def bounds(upper: int | None, kind: str = "c-recursion") -> tuple[Bound, ...]:
    return () if upper is None else (Bound(upper, Certificate(kind, "structure")),)


def status(claim: Claim, rank: int, ev: Evidence, upper: int | None = None) -> Status:
    return decide(claim, Measurement(rank, ev, bounds(upper))).status


def test_polynomial_behaviour_is_unchanged() -> None:
    assert status(Claim(">=", "k", 4), 4, POLY) is Status.PROVED
    assert status(Claim("<=", "k", 4), 4, POLY) is Status.VERIFIED
    assert status(Claim("<=", "k", 4), 4, POLY, upper=4) is Status.PROVED


def test_relu_point_does_not_prove_almost_everywhere() -> None:
    v = decide(Claim(">=", "k", 4), Measurement(9, RELU))
    assert v.status is Status.CONSISTENT
    assert "positive measure" in v.reason


def test_relu_random_draws_never_verified() -> None:
    assert not RELU.is_random
    assert status(Claim("<=", "k", 4), 3, RELU) is Status.INCONCLUSIVE


def test_relu_below_ae_bound_is_inconclusive_unless_certified() -> None:
    v = decide(Claim(">=", "k", 4), Measurement(1, RELU))
    assert v.status is Status.INCONCLUSIVE and v.epsilon is None
    v = decide(Claim(">=", "k", 4), Measurement(1, RELU, bounds(1, "interval-box")))
    assert v.status is Status.VIOLATED and v.epsilon is None
    assert v.certificate is not None and v.certificate.kind == "interval-box"


def test_box_bounds_never_prove_all_weights_claims() -> None:
    m = Measurement(1, RELU, bounds(1, "interval-box"))
    assert decide(Claim("<=", "1", 1), m).status is Status.INCONCLUSIVE
    assert decide(Claim("<=", "1", 1, quantifier="box"), m).status is Status.PROVED
    assert decide(Claim("<=", "0", 0, quantifier="box"), m).status is Status.VIOLATED


def test_counterexample_to_upper_bound_is_certain_for_relu() -> None:
    v = decide(Claim("<=", "2", 2), Measurement(5, RELU))
    assert v.status is Status.VIOLATED and v.epsilon is None


@pytest.mark.parametrize(
    ("relation", "rank", "expected"),
    [(">=", 9, Status.PROVED), (">=", 8, Status.VIOLATED), ("<=", 0, Status.PROVED)],
)
def test_point_claims_over_q_are_certain(relation: str, rank: int, expected: Status) -> None:
    v = decide(
        Claim(relation, "k", 9 if relation == ">=" else 0, quantifier="point"),
        Measurement(rank, WITNESS),
    )
    assert v.status is expected and not v.epsilon


def test_point_claims_mod_p_bound_below_only() -> None:
    assert status(Claim(">=", "k", 3, quantifier="point"), 3, RELU_P) is Status.PROVED
    v = decide(Claim(">=", "k", 3, quantifier="point"), Measurement(2, RELU_P))
    assert v.status is Status.INCONCLUSIVE and v.epsilon is None
    assert status(Claim("<=", "k", 3, quantifier="point"), 3, RELU_P) is Status.INCONCLUSIVE
    assert status(Claim("<=", "k", 3, quantifier="point"), 4, RELU_P) is Status.VIOLATED


def test_exists_claims() -> None:
    claim = Claim(">=", "M**(N/2)", 9, quantifier="exists")
    assert status(claim, 9, WITNESS) is Status.PROVED
    v = decide(claim, Measurement(2, WITNESS, bounds(2, "sum-pooling")))
    assert v.status is Status.VIOLATED and v.epsilon is None
    v = decide(claim, Measurement(5, WITNESS))
    assert v.status is Status.INCONCLUSIVE


def test_claim_scope_validation() -> None:
    with pytest.raises(ValueError):
        Claim("<=", "k", 1, quantifier="exists")
    with pytest.raises(ValueError):
        Claim("<=", "k", 1, quantifier="sometimes")


def test_quantity_names_the_measured_integer() -> None:
    v = decide(Claim("<=", "0", 0, quantity="mismatching draws"), Measurement(3, RELU))
    assert "mismatching draws 3 > 0" in v.reason
