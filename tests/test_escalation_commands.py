"""One escalation for every command (issue 7 §1): a row whose status depends on an
epsilon that is too large is redrawn once at a fresh point modulo a fresh random 61-bit
prime -- in the checks' runner and in the commands that decide their own rows (``rank``,
``rank --network``, ``mincut``, ``symbolic``, the Python API) alike, through
:func:`convac_verify.evidence.status.decide_escalated`.

The example: the shared-weights tree ``balanced:4`` with ``r = 4`` and ``M = 2`` has
generic rank 3 on ``left-right`` (below every certified bound, 4), so the claim "the
generic rank is 3" rests on a Schwartz--Zippel epsilon; with ``--field blas`` (a prime
below ``2**20``) that epsilon is 1.5e-4.
"""

from __future__ import annotations

import json
from fractions import Fraction

import pytest

from convac_verify import api
from convac_verify.engines.measure import Context, RankSettings
from convac_verify.errors import BudgetExceeded
from convac_verify.evidence.status import (
    ESCALATED,
    Claim,
    Evidence,
    Measurement,
    Status,
    decide_escalated,
)
from convac_verify.networks.network_file import network_to_dict

from .conftest import invoke_cli

EXAMPLE = ("--tree", "balanced:4", "--r", "4", "--shared", "--M", "2", "--rows", "left-right")


def _rank_json(*extra: str) -> dict:
    r = invoke_cli("rank", *EXAMPLE, "--field", "blas", *extra, "--format", "json")
    assert r.exit_code in (0, 1), r.stderr
    doc: dict = json.loads(r.stdout)
    return doc


def test_rank_escalates_an_epsilon_row_like_the_runner() -> None:
    """``rank ... --field blas``: inconclusive (eps 1.5e-4) before; now redrawn modulo a
    fresh random 61-bit prime and verified, the escalation in the reason and evidence."""
    (row,) = _rank_json()["results"]
    assert row["status"] == "verified" and row["epsilon"] <= 1e-6
    assert row["measured_rank"] == 3 and row["bound"]["value"] == 3
    assert ESCALATED in row["reason"] and row["extra"]["escalated"] is True
    ev = row["evidence"]
    assert ev["prime"] >= 2**61 and ev["prime_random"] and ev["method"] == "dense"


def test_rank_and_check_escalate_to_the_same_fresh_prime() -> None:
    """One escalation: the check runner's measurement of the same instance (``Context``;
    widths given per level, as ``rank`` resolves them) is redrawn modulo the same fresh
    prime and at the same point as ``rank``'s."""
    (row,) = _rank_json()["results"]
    t = api.tree("balanced:4")
    ctx = Context(RankSettings(field="blas"))
    m = ctx.measure(t, 2, (4, 4), api.partition("left-right", t), shared=True)
    assert m.redraw is not None
    fresh = m.redraw()
    assert fresh.evidence.prime == row["evidence"]["prime"]
    assert fresh.evidence.seed == row["evidence"]["seed"] and fresh.rank == 3
    assert m.redraw() is fresh  # cached: one FLINT rank however many rows escalate


def test_rank_with_a_fixed_prime_stays_inconclusive() -> None:
    """``--prime P``: the prime is the user's, nothing is redrawn."""
    doc = _rank_json("--prime", "1000003")
    (row,) = doc["results"]
    assert row["status"] == "inconclusive" and "escalated" not in row["extra"]
    assert "the prime p = 1000003 is fixed" in row["reason"] and ESCALATED not in row["reason"]
    assert doc["verdict"] == "pass"


def test_rank_negative_control_is_violated_after_escalation() -> None:
    """``--expect ">= 4"`` (just above the generic rank 3): refuted at the fresh point
    with epsilon below the threshold (inconclusive at the small prime alone)."""
    r = invoke_cli("rank", *EXAMPLE, "--field", "blas", "--expect", ">= 4", "--format", "json")
    assert r.exit_code == 1, r.stderr
    (row,) = json.loads(r.stdout)["results"]
    assert row["status"] == "violated" and row["epsilon"] <= 1e-6
    assert ESCALATED in row["reason"] and row["evidence"]["prime"] >= 2**61
    fixed = invoke_cli(
        "rank", *EXAMPLE, "--field", "blas", "--prime", "1000003", "--expect", ">= 4"
    )
    assert fixed.exit_code == 0 and "inconclusive" in fixed.stdout  # never violated


@pytest.mark.parametrize("fmt", ["json", "latex", "csv"])
def test_escalated_outputs_are_deterministic(fmt: str) -> None:
    args = ("rank", *EXAMPLE, "--field", "blas", "--seed", "5", "--format", fmt)
    a, b = invoke_cli(*args), invoke_cli(*args)
    assert a.exit_code == 0 and a.stdout == b.stdout
    assert "fresh random prime" in a.stdout  # the escalation is visible in every format


def test_decided_rows_are_not_redrawn() -> None:
    """A row already decided (the default 61-bit random prime) is the same as before:
    no redraw, no escalation note."""
    (row,) = json.loads(invoke_cli("rank", *EXAMPLE, "--format", "json").stdout)["results"]
    assert row["status"] == "verified" and "escalated" not in row["extra"]
    assert ESCALATED not in row["reason"]


def _shared_network_file(tmp_path: pytest.TempPathFactory) -> str:
    t = api.tree("balanced:4")
    path = tmp_path / "shared4.json"  # type: ignore[operator]
    path.write_text(json.dumps(network_to_dict(api.tensor_network(t, 2, 4, shared=True))))
    return str(path)


@pytest.mark.parametrize("command", ["rank", "mincut"])
def test_network_file_rows_escalate(command: str, tmp_path: pytest.TempPathFactory) -> None:
    """``rank --network`` and ``mincut --network`` (only the min-cut and matrix size bound
    a network file; the min-cut may not decide the min-cut claim): escalated, verified."""
    path = _shared_network_file(tmp_path)
    args = (command, "--network", path, "--rows", "left-right", "--field", "blas")
    r = invoke_cli(*args, "--format", "json")
    assert r.exit_code == 0, r.stderr
    (row,) = json.loads(r.stdout)["results"]
    assert row["status"] == "verified" and ESCALATED in row["reason"]
    assert row["evidence"]["prime"] >= 2**61 and row["measured_rank"] == 3
    fixed = json.loads(invoke_cli(*args, "--prime", "1000003", "--format", "json").stdout)
    assert fixed["results"][0]["status"] == "inconclusive"


def test_api_rank_and_network_rank_escalate() -> None:
    t = api.tree("balanced:4")
    part = api.partition("left-right", t)
    blas = RankSettings(field="blas")
    r = api.rank(t, 2, 4, part, shared=True, settings=blas)
    assert r.status is Status.VERIFIED and ESCALATED in r.verdict.reason
    assert r.evidence.prime is not None and r.evidence.prime >= 2**61
    assert r.measurement.redraw is None  # spent: results pickle and travel
    net = api.tensor_network(t, 2, 4, shared=True)
    n = api.network_rank(net, part, expect=">= 4", settings=blas)
    assert n.status is Status.VIOLATED and ESCALATED in n.verdict.reason
    fixed = api.rank(t, 2, 4, part, shared=True, settings=RankSettings(field="blas", prime=65537))
    assert fixed.status is Status.INCONCLUSIVE


# --------------------------------------------------------------- the shared function


def _point(rank: int, sample_space: int, redraw: object = None) -> Measurement:
    ev = Evidence.random(
        field="Q", method="dense", seed=0, sample_space=sample_space, degree=2, entry_bits=8
    )
    return Measurement(rank, ev, redraw=redraw)  # type: ignore[arg-type]


def test_decide_escalated_reads_the_claim_off_the_fresh_point() -> None:
    """A claim made from the measurement ("the generic rank is what was measured") is
    made again from the fresh point, so a fresh rank above the first is not reported as
    a counterexample to a claim nobody made."""
    fresh = _point(5, 2**62)
    first = _point(4, 100, redraw=lambda: fresh)

    def generic(m: Measurement) -> Claim:
        return Claim("==", "generic rank", m.rank)

    claim, m, verdict = decide_escalated(generic, first)
    assert claim.value == 5 and m.rank == 5 and m.extra["escalated"] is True
    assert verdict.status is Status.VERIFIED and ESCALATED in verdict.reason
    assert m.redraw is None


def test_decide_escalated_never_redraws_a_decided_row() -> None:
    def boom() -> Measurement:
        raise AssertionError("a decided row was redrawn")

    claim = Claim(">=", "lower", 3)
    _, m, verdict = decide_escalated(claim, _point(4, 2**62, redraw=boom))
    assert verdict.status is Status.PROVED and m.redraw is None


def test_decide_escalated_over_budget_stays_inconclusive() -> None:
    def over() -> Measurement:
        raise BudgetExceeded("too big")

    _, _, verdict = decide_escalated(Claim("<=", "upper", 4), _point(4, 100, redraw=over))
    assert verdict.status is Status.INCONCLUSIVE and not verdict.escalate
    assert "no escalation: too big" in verdict.reason and verdict.epsilon == Fraction(1, 10)


def test_symbolic_cross_checks_can_be_redrawn() -> None:
    """The numeric cross-check of a symbolic rank (same-channel and eq. 3) carries the
    escalation under a random prime, and none under a fixed one."""
    t = api.tree("balanced:4")
    part = api.partition("odd-even", t)
    for kind in ("same-channel", "dilated"):
        s = api.symbolic_rank(t, 2, 1, part, kind=kind, minors=False)
        m = s.cross_check(RankSettings(field="blas"))
        assert m.redraw is not None
        fresh = m.redraw()
        assert fresh.rank == s.rank and fresh.evidence.prime is not None
        assert fresh.evidence.prime >= 2**61
        assert s.cross_check(RankSettings(field="blas", prime=65537)).redraw is None
