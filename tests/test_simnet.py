"""Deep SimNets: MEX (symbolic and interval) and log-space ConvACs."""

from __future__ import annotations

import json
from fractions import Fraction

import numpy as np
import pytest

from convac_verify.errors import ConvacError
from convac_verify.networks.trees import balanced, cp_tree, parse_tree
from convac_verify.simnet.logspace import (
    convac_output,
    log_space_output,
    operator_identities,
    random_positive_convac,
)
from convac_verify.simnet.mex import (
    collapse_sides,
    compare_intervals,
    interval,
    interval_precision,
    limit_proof,
    mex_interval,
    parse_groups,
    sympy_identity,
    translation_proof,
)

from .conftest import invoke_cli


def test_collapsing_equal_groups_is_an_identity_ragged_is_not() -> None:
    assert sympy_identity(*collapse_sides((2, 2)))
    assert sympy_identity(*collapse_sides((3, 3)))
    assert not sympy_identity(*collapse_sides((2, 3)))  # no proof (and it is false:)
    iv = interval_precision(200)
    c = [
        [interval(Fraction(1, 3)), interval(2)],
        [interval(-1), interval(Fraction(5, 7)), interval(0)],
    ]
    b = interval(Fraction(3, 2))
    lhs = mex_interval([mex_interval(g, b) for g in c], b)
    rhs = mex_interval([x for g in c for x in g], b)
    assert compare_intervals(lhs, rhs).differ
    del iv


def test_translation_and_limits() -> None:
    assert translation_proof(2) and translation_proof(3)
    for target in ("max", "mean", "min"):
        proved, _ = limit_proof(2, target)
        assert proved
    with pytest.raises(ValueError):
        limit_proof(2, "median")


def test_mex_intervals_match_known_values() -> None:
    interval_precision(200)
    # MEX_beta of equal inputs is that input, for every beta
    for beta in (interval(Fraction(1, 3)), interval(-7), interval(1000)):
        comp = compare_intervals(mex_interval([interval(2)] * 5, beta), interval(2))
        assert comp.digits >= 50 and not comp.differ
    # two values, beta = 1: log((e^0 + e^1)/2)
    from mpmath import iv

    direct = iv.log((1 + iv.exp(1)) / 2)
    assert (
        compare_intervals(mex_interval([interval(0), interval(1)], interval(1)), direct).digits > 50
    )
    # offsets shift the inputs
    off = mex_interval([interval(0), interval(0)], interval(1), [interval(0), interval(1)])
    assert compare_intervals(off, direct).digits > 50


@pytest.mark.parametrize("tree", ["balanced:4", "cp:4", "((0,1,2),(3,4))", "balanced:8"])
def test_log_space_simnet_is_the_log_of_the_convac(tree: str) -> None:
    iv = interval_precision(300)
    net = random_positive_convac(parse_tree(tree), 3, 2, np.random.default_rng(5))
    h = convac_output(net)
    assert h > 0
    good = compare_intervals(log_space_output(net), iv.log(interval(h)))
    assert good.digits >= 80 and not good.differ
    bad = compare_intervals(log_space_output(net, log_n_offset=False), iv.log(interval(h)))
    assert bad.differ


def test_operator_identities() -> None:
    assert operator_identities(2) == {"conv": True, "pooling": True}


def test_convac_output_is_the_grid_tensor_contraction() -> None:
    """The exact ConvAC output equals <A, q_1 (x) ... (x) q_N> with the grid tensor A of the
    same weights (networks/grid.py over exact rationals)."""
    from convac_verify.generative.model import FractionRing
    from convac_verify.networks.decompositions import TreeDecomposition
    from convac_verify.networks.grid import grid_tensor

    tree = balanced(4)
    net = random_positive_convac(tree, 2, 2, np.random.default_rng(1))
    A = grid_tensor(TreeDecomposition(tree, 2, (2, 2), dict(net.weights), FractionRing()))
    q = net.representation
    total = sum(
        (
            A[idx] * q[0][idx[0]] * q[1][idx[1]] * q[2][idx[2]] * q[3][idx[3]]
            for idx in np.ndindex(A.shape)
        ),
        Fraction(0),
    )
    assert total == convac_output(net)
    assert cp_tree(4) is not tree


def test_parse_groups() -> None:
    assert parse_groups("3x2") == (2, 2, 2) and parse_groups("1+4") == (1, 4)
    with pytest.raises(ConvacError):
        parse_groups("two")


def test_simnet_command() -> None:
    r = invoke_cli("simnet", "--symbolic-n", "2", "--format", "json")
    assert r.exit_code == 0, r.stderr
    assert invoke_cli("simnet", "--symbolic-n", "2", "--format", "json").stdout == r.stdout
    doc = json.loads(r.stdout)
    assert doc["counts"]["violated"] == 0 and doc["counts"]["proved"] >= 15
    consistent = [x for x in doc["results"] if x["status"] == "consistent"]
    assert consistent and all(
        "proved different" in x["subject"] or ">" in x["subject"] for x in consistent
    )
    bad = invoke_cli("simnet", "--groups", "2+3", "--interval-groups", "2+3", "--symbolic-n", "2")
    assert bad.exit_code == 1 and "violated" in bad.stdout


@pytest.mark.parametrize(
    "args, fragment",
    [
        (("--precision", "10"), "--precision"),
        (("--digits", "500"), "--digits"),
        (("--symbolic-n", "9"), "--symbolic-n"),
        (("--groups", "axb"), "groups"),
    ],
)
def test_simnet_bad_input(args: tuple[str, ...], fragment: str) -> None:
    r = invoke_cli("simnet", *args)
    assert r.exit_code == 2 and r.stderr.startswith("error: ") and fragment in r.stderr


def test_limit_at_the_wrong_regime_is_refuted() -> None:
    """SymPy's limit at beta -> 0 is the mean, which provably differs from the max."""
    assert limit_proof(2, "max", "0")[0] is False
    assert limit_proof(2, "mean", "0")[0] is True


def test_simnet_rows_evidence_and_wording() -> None:
    """SymPy rows are proved by `symbolic-identity`, undecided ones are inconclusive with
    the reason; interval rows are proved/violated by `interval`, and "nothing proved
    different" is consistent; no reason speaks of ranks mod p."""
    from convac_verify.evidence.status import Claim, Measurement, Status, decide
    from convac_verify.simnet.evidence import interval_evidence, sympy_measurement

    once = Claim(">=", "1", 1, quantifier="point", quantity="identity proved (0/1)")
    proved = decide(once, sympy_measurement(True))
    assert proved.status is Status.PROVED and proved.certificate is not None
    assert proved.certificate.kind == "symbolic-identity"
    open_ = decide(once, sympy_measurement(None))
    assert open_.status is Status.INCONCLUSIVE and "SymPy could not decide" in open_.reason
    refuted = decide(once, sympy_measurement(False, "symbolic limit"))
    assert refuted.status is Status.VIOLATED and refuted.certain

    ev = interval_evidence(300, 0)
    digits = Claim(">=", "50", 50, quantifier="point", quantity="digits")
    none_differ = Claim("<=", "0", 0, quantifier="point", quantity="points")
    cases = [
        (digits, 87, Status.PROVED),
        (digits, 10, Status.INCONCLUSIVE),
        (none_differ, 0, Status.CONSISTENT),
        (none_differ, 2, Status.VIOLATED),
    ]
    for claim, value, status in cases:
        v = decide(claim, Measurement(value, ev))
        assert v.status is status, (claim, value, v)
        assert "mod p" not in v.reason and "rank" not in v.reason, v.reason
        if status in (Status.PROVED, Status.VIOLATED):
            assert v.certain and v.certificate is not None and v.certificate.kind == "interval"


def test_undecided_sympy_rows_are_reported_inconclusive() -> None:
    """Ragged groups: SymPy cannot reduce the (false) identity; the row is shown, not
    omitted, and the intervals refute it."""
    from convac_verify.engines.measure import Context
    from convac_verify.evidence.status import Status
    from convac_verify.theorems import THEOREMS
    from convac_verify.theorems.runner import run_theorem

    results = run_theorem(
        THEOREMS["simnet-mex-collapsing"], Context(), shapes="2+3", interval_shapes="2+3"
    )
    sympy_rows = [r for r in results if "SymPy" in r.observation.subject]
    assert [r.status for r in sympy_rows] == [Status.INCONCLUSIVE]
    assert any(r.status is Status.VIOLATED for r in results)
