"""Measurements on the BLAS engine: ``--field blas``, and large dense ranks of ``--field gfp``
tried on BLAS first, kept only when they meet the structural upper bound (then certain
whatever the prime), else redone modulo ``--prime`` with FLINT."""

from __future__ import annotations

import pytest

from convac_verify.algebra.fields import MERSENNE_61
from convac_verify.engines import measure
from convac_verify.engines.blas import DEFAULT_PRIME
from convac_verify.engines.measure import RankSettings, measure_rank
from convac_verify.errors import ConvacError
from convac_verify.evidence.status import Claim, Status, decide
from convac_verify.networks import trees
from convac_verify.networks.partitions import odd_even

from .conftest import invoke_cli


def test_large_odd_even_rank_is_certified_on_blas() -> None:
    """N = 20, a 1024 x 1024 matricization: BLAS rank meets the c-recursion bound."""
    tree = trees.parse_tree("windows:2,2,5")
    m = measure_rank(tree, 2, 2, odd_even(20), RankSettings())
    assert m.rank == m.upper_bound == 1024
    assert m.evidence.method == "dense-blas"
    assert m.evidence.prime == DEFAULT_PRIME == m.evidence.sample_space
    for claim in (Claim(">=", "2**(N/2)", 1024), Claim("==", "2**(N/2)", 1024)):
        assert decide(claim, m).status is Status.PROVED
        assert decide(claim, m).epsilon is None
    assert decide(Claim(">=", "x", 1025), m).epsilon is None  # violated with certainty


def test_below_the_bound_falls_back_to_flint(monkeypatch: pytest.MonkeyPatch) -> None:
    """An unlucky small prime (simulated) never reaches a report: FLINT mod --prime decides."""
    monkeypatch.setattr(measure, "BLAS_MIN_SIDE", 4)
    calls: list[int] = []

    def unlucky(matrix: object, prime: int, **kwargs: object) -> int:
        calls.append(prime)
        return 0

    monkeypatch.setattr(measure, "rank_mod", unlucky)
    tree = trees.balanced(8)
    m = measure_rank(tree, 2, 2, odd_even(8), RankSettings(method="dense"))
    assert calls == [DEFAULT_PRIME]
    assert m.evidence.method == "dense" and m.evidence.prime == MERSENNE_61
    assert m.rank == 16


def test_small_matrices_and_other_fields_stay_on_flint() -> None:
    tree = trees.balanced(8)
    for settings in (RankSettings(method="dense"), RankSettings(field="qq", method="dense")):
        m = measure_rank(tree, 2, 2, odd_even(8), settings)
        assert m.evidence.method == "dense"
        assert m.rank == 16


def test_field_blas_settings() -> None:
    assert RankSettings(field="blas").prime == DEFAULT_PRIME
    assert RankSettings(field="blas", prime=65521).prime == 65521
    with pytest.raises(ConvacError, match="below 2\\*\\*26"):
        RankSettings(field="blas", prime=2**31 - 1)
    m = measure_rank(trees.balanced(8), 2, 2, odd_even(8), RankSettings(field="blas"))
    assert m.rank == 16 and m.evidence.prime == DEFAULT_PRIME
    assert m.evidence.sample_space == DEFAULT_PRIME


def test_cli_field_blas() -> None:
    r = invoke_cli("rank", "--tree", "balanced:8", "--widths", "2", "--M", "2", "--field", "blas")
    assert r.exit_code == 0
    assert f"p = {DEFAULT_PRIME}" in r.stdout
    bad = invoke_cli("depth", "--N", "4", "--field", "blas", "--prime", "2147483647")
    assert bad.exit_code == 2 and "below 2**26" in bad.stderr


def test_fresh_primes_when_flint_does_not_fit(monkeypatch: pytest.MonkeyPatch) -> None:
    """Past FLINT's budget an unlucky draw is retried on BLAS modulo fresh random primes."""
    monkeypatch.setattr(measure, "BLAS_MIN_SIDE", 4)
    real = measure.rank_mod
    tried: list[int] = []

    def first_unlucky(matrix: object, prime: int, **kwargs: object) -> int:
        tried.append(prime)
        return 0 if prime == DEFAULT_PRIME else real(matrix, prime, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(measure, "rank_mod", first_unlucky)
    settings = RankSettings(method="dense", max_memory=10_000)  # FLINT: ~24 kB, BLAS: ~6 kB
    m = measure_rank(trees.balanced(8), 2, 2, odd_even(8), settings)
    assert tried[0] == DEFAULT_PRIME and len(tried) == 2
    assert 2**25 <= tried[1] < 2**26
    assert m.evidence.method == "dense-blas" and m.evidence.prime == tried[1]
    assert m.rank == m.upper_bound == 16
    again = measure_rank(trees.balanced(8), 2, 2, odd_even(8), settings)
    assert again.evidence.prime == tried[1]  # deterministic for the seed
