"""Measurements on the BLAS engine under the evidence model.

* ``--field gfp``: a large random instance (or an explicit witness on the dense path) is
  ranked modulo a random prime below ``2**20`` on BLAS first. A rank that meets a
  certified upper bound for all weights (any certificate) is exact and kept (method
  ``dense-blas``); short of every bound, FLINT modulo the run's prime decides; past
  FLINT's budget, fresh instances modulo fresh random 25-bit primes are tried.
* A BLAS row whose status rests on an epsilon is never ``verified`` or ``violated`` from
  the small prime: it is ``inconclusive`` and escalates to a fresh point modulo a fresh
  random 61-bit prime on FLINT.
* ``--field blas``: every dense rank on BLAS; epsilon-dependent rows inconclusive unless
  escalated (never with a fixed ``--prime``).
"""

from __future__ import annotations

import dataclasses
from fractions import Fraction

import pytest

from convac_verify.algebra.primes import prime_failure, primes_in_range
from convac_verify.engines import measure
from convac_verify.engines.estimate import rank_estimate
from convac_verify.engines.measure import Context, RankSettings, blas_estimate, measure_rank
from convac_verify.errors import ConvacError
from convac_verify.evidence.observation import Observation
from convac_verify.evidence.status import VIOLATION_THRESHOLD, Claim, Status, decide
from convac_verify.networks import trees
from convac_verify.networks.partitions import odd_even
from convac_verify.networks.witnesses import kronecker_witness
from convac_verify.theorems.runner import judge

from .conftest import invoke_cli

N20 = trees.parse_tree("windows:2,2,5")  # odd-even: a 1024 x 1024 matricization


def _small_random(p: int | None) -> bool:
    return p is not None and 2**19 <= p < 2**20


@pytest.fixture(scope="module")
def n20() -> measure.Measurement:
    return measure_rank(N20, 2, 2, odd_even(20), RankSettings())


def test_a_rank_that_meets_a_bound_is_exact_and_certain(n20: measure.Measurement) -> None:
    m = n20
    assert m.rank == m.upper_bound == 1024 and m.is_exact
    ev = m.evidence
    assert ev.method == "dense-blas" and _small_random(ev.prime) and ev.prime_random
    assert ev.sample_space == ev.prime
    for claim in (Claim(">=", "2**(N/2)", 1024), Claim("==", "2**(N/2)", 1024)):
        v = decide(claim, m)
        assert v.status is Status.PROVED and v.epsilon is None
    v = decide(Claim(">=", "x", 1025), m)  # the min-cut (not the claim's own) refutes it
    assert v.status is Status.VIOLATED and v.certain
    assert v.certificate is not None and v.certificate.kind != "random-evaluation"


def test_epsilon_rows_are_never_decided_by_the_small_prime(n20: measure.Measurement) -> None:
    """Keep only the claim's own bounds (iclr17-theorem-1: c-recursion, joint spans): the
    upper row depends on epsilon, which a prime below 2**20 cannot push below 1e-6."""
    own = tuple(b for b in n20.bounds if b.certificate.kind in ("c-recursion", "joint-span"))
    m = dataclasses.replace(n20, bounds=own)
    for claim in (Claim("<=", "Z", 1024), Claim(">=", "x", 1025)):
        v = decide(claim, m, "iclr17-theorem-1")
        assert v.status is Status.INCONCLUSIVE and v.escalate
        assert v.epsilon is not None and v.epsilon > VIOLATION_THRESHOLD
    # the witness side needs no epsilon: certain on BLAS whatever the prime
    assert decide(Claim(">=", "x", 1024), m, "iclr17-theorem-1").status is Status.PROVED


def _own_only(m: measure.Measurement) -> measure.Measurement:
    """``m`` (and its escalation) with the bounds of iclr17-theorem-1's own argument only."""
    own = tuple(b for b in m.bounds if b.certificate.kind in ("c-recursion", "joint-span"))
    redraw = m.redraw
    again = None if redraw is None else (lambda: dataclasses.replace(redraw(), bounds=own))
    return dataclasses.replace(m, bounds=own, redraw=again)


@pytest.mark.parametrize("field", ["gfp", "blas"])
def test_escalation_goes_to_flint_modulo_a_fresh_61_bit_prime(field: str) -> None:
    ctx = Context(RankSettings(field=field))
    m = ctx.measure(N20, 2, 2, odd_even(20))
    assert m.evidence.method == "dense-blas" and m.redraw is not None
    o = Observation("x", "x", Claim("<=", "Z", 1024), _own_only(m))
    o2, v = judge("iclr17-theorem-1", o)
    ev = o2.measurement.evidence
    assert ev.method == "dense" and ev.prime is not None and ev.prime >= 2**61
    assert ev.prime_random and o2.measurement.extra.get("escalated")
    assert v.status is Status.VERIFIED and v.epsilon is not None
    assert v.epsilon <= VIOLATION_THRESHOLD and "escalated" in v.reason
    assert m.redraw() is m.redraw()  # one FLINT rank however many rows escalate


def test_a_fixed_small_prime_leaves_epsilon_rows_inconclusive() -> None:
    """``--field blas --prime P``: no escalation (the prime is the user's), no epsilon."""
    ctx = Context(RankSettings(field="blas", prime=65521))
    m = ctx.measure(N20, 2, 2, odd_even(20))
    assert m.evidence.method == "dense-blas" and m.redraw is None and not m.evidence.prime_random
    o, v = judge("iclr17-theorem-1", Observation("x", "x", Claim("<=", "Z", 1024), _own_only(m)))
    assert v.status is Status.INCONCLUSIVE and v.epsilon is None and "fixed" in v.reason
    assert o.measurement.evidence.prime == 65521
    assert decide(Claim(">=", "x", 1024), m).status is Status.PROVED  # lower bounds: certain


def test_a_witness_on_the_dense_path_is_ranked_on_blas() -> None:
    w = kronecker_witness(N20, 2, (2, 2, 2), 1)
    m = measure_rank(N20, 2, 2, odd_even(20), RankSettings(), witness=w, witness_name="w")
    assert m.evidence.method == "dense-blas" and m.evidence.weights == "w"
    assert m.rank == 1024 and m.is_exact
    assert decide(Claim(">=", "x", 1024), m).status is Status.PROVED


def test_below_every_bound_falls_back_to_flint(monkeypatch: pytest.MonkeyPatch) -> None:
    """An unlucky small prime (simulated) never reaches a report: FLINT mod --prime decides."""
    monkeypatch.setattr(measure, "BLAS_MIN_SIDE", 4)
    calls: list[int] = []

    def unlucky(matrix: object, prime: int, **kwargs: object) -> int:
        calls.append(prime)
        return 0

    monkeypatch.setattr(measure, "rank_mod", unlucky)
    settings = RankSettings(method="dense")
    m = measure_rank(trees.balanced(8), 2, 2, odd_even(8), settings)
    assert len(calls) == 1 and _small_random(calls[0])
    assert m.evidence.method == "dense" and m.evidence.prime == settings.prime >= 2**61
    assert m.rank == 16


def test_small_matrices_and_other_fields_stay_on_flint() -> None:
    tree = trees.balanced(8)
    for settings in (RankSettings(method="dense"), RankSettings(field="qq", method="dense")):
        m = measure_rank(tree, 2, 2, odd_even(8), settings)
        assert m.evidence.method == "dense"
        assert m.rank == 16


def test_fresh_primes_when_flint_does_not_fit(monkeypatch: pytest.MonkeyPatch) -> None:
    """Past FLINT's budget an unlucky draw is retried on BLAS modulo fresh random primes."""
    monkeypatch.setattr(measure, "BLAS_MIN_SIDE", 4)
    real = measure.rank_mod
    tried: list[int] = []

    def first_unlucky(matrix: object, prime: int, **kwargs: object) -> int:
        tried.append(prime)
        return 0 if len(tried) == 1 else real(matrix, prime, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(measure, "rank_mod", first_unlucky)
    settings = RankSettings(method="dense", max_memory=10_000)  # FLINT: ~24 kB, BLAS: ~6 kB
    m = measure_rank(trees.balanced(8), 2, 2, odd_even(8), settings)
    assert _small_random(tried[0]) and len(tried) == 2
    assert 2**25 <= tried[1] < 2**26
    assert m.evidence.method == "dense-blas" and m.evidence.prime == tried[1]
    assert m.rank == m.upper_bound == 16 and m.is_exact
    tried.clear()
    again = measure_rank(trees.balanced(8), 2, 2, odd_even(8), settings)
    assert again.evidence.prime == tried[1]  # deterministic for the seed


def test_no_bound_met_and_no_flint_keeps_the_lower_bound(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Every BLAS try short and FLINT over budget: the best BLAS rank is kept as a lower
    bound; the epsilon rows stay inconclusive (the escalation does not fit either)."""
    monkeypatch.setattr(measure, "BLAS_MIN_SIDE", 4)
    ranks = iter([3, 9, 5])
    monkeypatch.setattr(measure, "rank_mod", lambda *a, **k: next(ranks))
    ctx = Context(RankSettings(method="dense", max_memory=10_000))
    m = ctx.measure(trees.balanced(8), 2, 2, odd_even(8))
    assert m.rank == 9 and not m.is_exact and m.evidence.method == "dense-blas"
    assert decide(Claim(">=", "x", 9), m).status is Status.PROVED
    o, v = judge("x", Observation("x", "x", Claim(">=", "x", 16), m))
    assert v.status is Status.INCONCLUSIVE and "no escalation" in v.reason
    assert o.measurement == m and o.measurement.redraw is None  # kept; its redraw spent


def test_field_blas_settings() -> None:
    s = RankSettings(field="blas")
    assert _small_random(s.prime) and s.prime_random
    fixed = RankSettings(field="blas", prime=65521)
    assert fixed.prime == 65521 and not fixed.prime_random
    with pytest.raises(ConvacError, match="below 2\\*\\*26"):
        RankSettings(field="blas", prime=2**31 - 1)
    m = measure_rank(trees.balanced(8), 2, 2, odd_even(8), s)
    assert m.rank == 16 and m.evidence.prime == s.prime == m.evidence.sample_space
    assert m.evidence.method == "dense-blas"


def test_field_blas_check_from_the_command_line() -> None:
    r = invoke_cli(
        "check", "iclr17-theorem-1", "--field", "blas", "--prime", "65521", "--format", "json"
    )
    assert r.exit_code == 0, r.stderr
    assert '"method": "dense-blas"' in r.stdout and '"status": "violated"' not in r.stdout


def test_cli_field_blas() -> None:
    r = invoke_cli("rank", "--tree", "balanced:8", "--widths", "2", "--M", "2", "--field", "blas")
    assert r.exit_code == 0
    assert "dense-blas" in r.stdout and "(random prime)" in r.stdout
    bad = invoke_cli("depth", "--N", "4", "--field", "blas", "--prime", "2147483647")
    assert bad.exit_code == 2 and "below 2**26" in bad.stderr


def test_the_estimate_knows_the_blas_path() -> None:
    """At N = 24 a 15 s budget refuses FLINT's dense rank but admits the BLAS path."""
    tree = trees.parse_tree("windows:2,2,2,3")
    part, ws = odd_even(24), (2, 2, 2, 2)
    flint = rank_estimate(tree, 2, ws, part, "gfp", "dense")
    blas = rank_estimate(tree, 2, ws, part, "blas", "dense")
    assert blas.path == "dense-blas" and blas.seconds * 2 < flint.seconds
    assert blas.bytes * 3 < flint.bytes and blas.bytes <= 420 * 2**20
    settings = RankSettings(method="dense", max_seconds=15)
    assert flint.seconds > 15 and blas_estimate(tree, 2, ws, part, settings, None) is not None


def test_prime_term_of_the_range_drawn_from() -> None:
    """A 19-bit random prime's epsilon carries the 19-bit prime term, not the 61-bit one."""
    ev = measure_rank(N20, 2, 2, odd_even(20), RankSettings()).evidence
    assert ev.prime is not None and ev.entry_bits is not None and ev.degree is not None
    k = 1025
    expected = Fraction(k * ev.degree, ev.sample_space or 1) + prime_failure(
        k * (k.bit_length() + ev.entry_bits), 19
    )
    assert ev.failure(k) == min(Fraction(1), expected)
    assert primes_in_range(19) < primes_in_range(25) < primes_in_range(61)


def test_a_network_file_rank_meets_its_min_cut_on_blas() -> None:
    """``measure_network_rank`` (network files, ``mincut``): BLAS first, kept at the min-cut."""
    from convac_verify.engines.measure import measure_network_rank
    from convac_verify.networks.compilers import tree_network

    net = tree_network(N20, 2, 2)
    m = measure_network_rank(net, odd_even(20), RankSettings())
    assert m.rank == m.upper_bound == 1024 and m.is_exact
    assert m.evidence.method == "dense-blas" and _small_random(m.evidence.prime)
    assert any(b.certificate.kind == "min-cut" for b in m.bounds)
    flint = measure_network_rank(net, odd_even(20), RankSettings(prime=2**61 - 1))
    assert flint.rank == 1024  # a fixed prime: BLAS first all the same (certain when met)


def test_a_contraction_check_escalates_its_small_prime() -> None:
    """``ctm18-claim-5`` compares grid tensors modulo the run's prime itself (no rank
    engine): with ``--field blas`` that prime is below ``2**20``, so its rows escalate
    to a fresh point modulo a fresh random 61-bit prime, and say so."""
    import json

    r = invoke_cli(
        "check", "ctm18-claim-5", "--field", "blas", "--set", "sizes=8", "--format", "json"
    )
    assert r.exit_code == 0, r.stderr
    rows = [x for x in json.loads(r.stdout)["results"] if x["evidence"]["field"] == "GF(p)"]
    assert rows and all(x["status"] == "verified" for x in rows)
    assert all(x["evidence"]["prime"] >= 2**61 and "escalated" in x["reason"] for x in rows)
