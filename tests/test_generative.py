"""Tractable generative ConvACs: exact identities over Q, and the missing-data claims."""

from __future__ import annotations

import itertools
import json
from fractions import Fraction

import numpy as np
import pytest

from convac_verify.errors import InvalidDecomposition
from convac_verify.generative.missing import MECHANISMS, is_mar, mechanism, missing_data
from convac_verify.generative.model import (
    all_inputs,
    brute_force_likelihood,
    build_models,
    forward,
    random_generative,
)
from convac_verify.networks.trees import balanced, cp_tree, parse_tree

from .conftest import invoke_cli


@pytest.fixture(scope="module")
def ght():  # type: ignore[no-untyped-def]
    return build_models("ght", 4, 2, 3, 2, 2, 0)[0]


@pytest.fixture(scope="module")
def gcp():  # type: ignore[no-untyped-def]
    return build_models("gcp", 4, 3, 2, 3, 3, 0)[0]


def test_every_weight_row_is_on_the_simplex(ght) -> None:  # type: ignore[no-untyped-def]
    for w in ght.weights.values():
        for row in w:
            assert all(v > 0 for v in row) and sum(row) == 1
    assert sum(ght.class_prior) == 1
    assert all(sum(row) == 1 for row in ght.components)


@pytest.mark.parametrize("which", ["ght", "gcp"])
def test_priors_sum_to_one_and_forward_matches_definition(which: str, request) -> None:  # type: ignore[no-untyped-def]
    model = request.getfixturevalue(which)
    for y in range(model.classes):
        p = model.priors(y)
        assert p.shape == (model.dim,) * 4 and sum(p.ravel()) == 1
    mass = [Fraction(0)] * model.classes
    for x in all_inputs(model):
        lik, _ = model.likelihood(x)
        q = model.representation(x)
        for y in range(model.classes):
            assert lik[y] == brute_force_likelihood(model, q, y)
            mass[y] += lik[y]
    assert mass == [1] * model.classes


def test_marginalizing_every_subset(ght) -> None:  # type: ignore[no-untyped-def]
    n = ght.n_modes
    for mask in itertools.product((0, 1), repeat=n):
        missing = {i for i in range(n) if mask[i]}
        for x in all_inputs(ght, dict.fromkeys(missing, 0)):
            observed = tuple(None if i in missing else v for i, v in enumerate(x))
            marginal, ops = ght.likelihood(observed)
            exact = [Fraction(0)] * ght.classes
            for full in all_inputs(ght, {i: v for i, v in enumerate(x) if i not in missing}):
                lik, full_ops = ght.likelihood(full)
                exact = [a + b for a, b in zip(exact, lik, strict=True)]
            assert marginal == exact
            assert ops.total == full_ops.total  # one pass, same operations
    everything, _ = ght.likelihood((None,) * n)
    assert everything == [1] * ght.classes


def test_missing_value_zero_is_not_marginalization(ght) -> None:  # type: ignore[no-untyped-def]
    wrong, _ = ght.likelihood((0, None, 1, None), Fraction(0))
    right, _ = ght.likelihood((0, None, 1, None))
    assert wrong != right and wrong == [0] * ght.classes


def test_operation_count_of_a_pass() -> None:
    """GHT N=4, M=2, r=2, Y=2: leaves 4 x (2 x 2 mul + 2 x 1 add); level 1: 2 x (2 product
    mul + 2 x (2 mul + 1 add)); root: 2 products + 2 x (2 mul + 1 add)."""
    model = build_models("ght", 4, 2, 2, 2, 2, 0)[0]
    _, ops = model.likelihood((0, 1, 0, 1))
    assert (ops.mul, ops.add) == (4 * 4 + 2 * (2 + 4) + (2 + 4), 4 * 2 + 2 * 2 + 2)


def test_other_trees_work_too() -> None:
    model = random_generative(parse_tree("((0,1,2),(3,4))"), 2, 2, 2, 2, np.random.default_rng(1))
    assert sum(model.priors(0).ravel()) == 1
    lik, _ = model.likelihood((None, 1, None, 0, None))
    exact = sum((model.likelihood(x)[0][0] for x in all_inputs(model, {1: 1, 3: 0})), Fraction(0))
    assert lik[0] == exact


def test_bad_models() -> None:
    with pytest.raises(InvalidDecomposition):
        random_generative(balanced(4), 0, 2, 2, 2, np.random.default_rng(0))
    with pytest.raises(InvalidDecomposition, match="models are"):
        build_models("gmm", 4, 2, 2, 2, 2, 0)
    model = build_models("gcp", 4, 2, 2, 2, 2, 0)[0]
    with pytest.raises(InvalidDecomposition):
        model.representation((0, 1, 2, 0))
    assert (
        forward(model, model.representation((0, 1, 1, 0)))[0] == model.likelihood((0, 1, 1, 0))[0]
    )
    assert cp_tree(4) is model.tree


def test_mechanisms_are_what_they_claim(ght) -> None:  # type: ignore[no-untyped-def]
    for kind in MECHANISMS:
        mech = mechanism(kind, ght.n_modes, 0)
        for x in all_inputs(ght):
            for y in range(ght.classes):
                assert sum(mech(x, y).values()) == 1
        assert is_mar(ght, mech) == (kind != "mnar")


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_claim1_always_corollary1_only_under_mar(seed: int) -> None:
    for model in build_models("gcp,ght", 4, 2, 2, 2, 2, seed):
        for kind in MECHANISMS:
            r = missing_data(model, kind, seed)
            assert r.claim1_disagreements == 0 and r.claim1_risk == r.bayes_risk
            assert r.marginal_pass_mismatches == 0
            if kind == "mnar":
                assert r.marginal_risk > r.bayes_risk == 0 and r.marginal_disagreements > 0
            else:
                assert r.marginal_disagreements == 0 and r.marginal_risk == r.bayes_risk


def test_generative_command() -> None:
    r = invoke_cli("generative", "--format", "json")
    assert r.exit_code == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["counts"]["violated"] == 0 and doc["counts"]["proved"] == len(doc["results"])
    checks = {x["check"] for x in doc["results"]}
    assert checks == {
        "tmm-priors-distribution",
        "tmm-forward-pass",
        "tmm-marginalization",
        "tmm-claim1-corollary1",
    }
    again = invoke_cli("generative", "--format", "json")
    assert again.stdout == r.stdout
    table = invoke_cli("generative", "--models", "ght", "--large-N", "0")
    assert table.exit_code == 0 and "MAR is needed" in table.stdout


@pytest.mark.parametrize(
    "args, fragment",
    [
        (("--N", "12"), "largest accepted size"),
        (("--K", "0"), "--K"),
        (("--models", "gmm"), "models are"),
        (("--N", "6"), "power of"),
    ],
)
def test_generative_bad_input(args: tuple[str, ...], fragment: str) -> None:
    r = invoke_cli("generative", *args)
    assert r.exit_code == 2 and r.stderr.startswith("error: ") and fragment in r.stderr
    assert r.stderr.count("\n") == 1
