"""Issue 7 sections 1-4 end to end: "violated" means false, "proved" names an
independent certificate, inconclusive results in every format, --strict, typed --set
values, per-level widths, escalation and the evidence constructors."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from fractions import Fraction

import pytest

from convac_verify.engines.measure import Context, RankSettings
from convac_verify.evidence.certificates import Bound, Certificate
from convac_verify.evidence.observation import Observation
from convac_verify.evidence.status import Claim, Evidence, Measurement, Status
from convac_verify.report import CheckResult, Report, render_junit, render_latex
from convac_verify.theorems import THEOREMS
from convac_verify.theorems.runner import judge, run_theorem

from .conftest import AllRun, invoke_cli

# --------------------------------------------------------------------------- section 1


def test_theorem1_with_a_fixed_small_prime_is_never_violated() -> None:
    """``check colt16-theorem-1 --prime 3``: ranks mod 3 at random points fall below the
    bound; with a fixed prime that proves nothing (inconclusive), never a false theorem."""
    for prime in ("2", "3", "5", "101"):
        r = invoke_cli("check", "colt16-theorem-1", "--prime", prime, "--format", "json")
        assert r.exit_code == 0, r.stderr
        doc = json.loads(r.stdout)
        assert doc["counts"]["violated"] == 0 and doc["verdict"] == "pass"
        assert doc["settings"]["prime"] == int(prime) and not doc["settings"]["prime_random"]
        for res in doc["results"]:
            if res["status"] == "inconclusive":
                assert f"the prime p = {prime} is fixed" in res["reason"]
    strict = invoke_cli("check", "colt16-theorem-1", "--prime", "3", "--strict")
    assert strict.exit_code == 1 and "verdict --strict: FAIL" in strict.stdout


def test_theorem7_identity_discretizers_fixed_prime_is_not_violated() -> None:
    r = invoke_cli(
        "check", "ctm18-theorem-7", "--set", "discretizers=identity", "--prime", "3",
        "--format", "json",
    )  # fmt: skip
    assert r.exit_code == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["counts"]["violated"] == 0 and doc["counts"]["inconclusive"] > 0
    # the evidence is random (|S| and degree recorded), not a silent "witness"
    assert all(
        x["evidence"]["sample_space"] == 3 and x["evidence"]["degree"] for x in doc["results"]
    )


@pytest.mark.parametrize("seed", ["0", "1", "2"])
def test_appendix_f_sample_statistic_is_never_a_counterexample(seed: str) -> None:
    r = invoke_cli(
        "check", "icml16-appendix-f", "--set", "widths=16", "--set", "draws=2", "--seed", seed,
        "--format", "json",
    )  # fmt: skip
    assert r.exit_code == 0, r.stderr
    doc = json.loads(r.stdout)
    sample = [x for x in doc["results"] if x["bound"]["quantifier"] == "sample"]
    assert sample and all(x["status"] in ("consistent", "inconclusive") for x in sample)
    assert doc["counts"]["violated"] == 0


def test_failed_hypothesis_is_reported_as_such() -> None:
    results = run_theorem(THEOREMS["ctm18-theorem-7"], Context(), discretizers="degenerate")
    assert results and all(r.status is Status.INCONCLUSIVE for r in results)
    assert all(
        r.verdict.reason.startswith("hypothesis not met: discretizers span R^r: rank V = 1 < r")
        for r in results
    )


def test_evidence_constructors_refuse_what_a_status_could_be_misjudged_from() -> None:
    with pytest.raises(ValueError, match="need their seed and"):
        Evidence("GF(p)", "dense", "random", prime=7)
    with pytest.raises(ValueError, match="need the entry degree"):
        Evidence("GF(p)", "dense", "random", prime=7, seed=0, sample_space=7)
    with pytest.raises(ValueError, match="needs its prime"):
        Evidence.witness("w", field="GF(p)", method="dense")
    with pytest.raises(ValueError, match="have no"):
        Evidence("Q", "dense", "explicit", sample_space=2**32, degree=3)
    with pytest.raises(ValueError, match="needs entry_bits"):
        Evidence.random(
            field="GF(p)", method="d", seed=0, sample_space=7, degree=3, prime=7, prime_random=True
        )


def _random(prime: int = 2**61 - 1, space: int = 2**61) -> Evidence:
    return Evidence.random(
        field="GF(p)",
        method="dense",
        seed=0,
        sample_space=space,
        degree=10**5,
        prime=prime,
        prime_random=True,
        entry_bits=8,
    )


def test_epsilon_above_the_threshold_is_inconclusive_and_escalates() -> None:
    """A random point below the bound with eps > 1e-6 is not a counterexample; the runner
    redraws once (fresh point, fresh random prime) and decides with the new evidence."""
    weak = Measurement(3, _random(space=2**20))
    good = Measurement(3, _random())
    obs = Observation("row", "rank", Claim(">=", "4", 4), weak)
    _, verdict = judge("test", obs)
    assert verdict.status is Status.INCONCLUSIVE and verdict.escalate
    assert verdict.epsilon is not None and verdict.epsilon > Fraction(1, 10**6)
    escalated = Observation(
        "row", "rank", Claim(">=", "4", 4), Measurement(3, weak.evidence, redraw=lambda: good)
    )
    o, verdict = judge("test", escalated)
    assert verdict.status is Status.VIOLATED and "escalated" in verdict.reason
    assert o.measurement.extra["escalated"] is True
    assert verdict.epsilon is not None and verdict.epsilon < Fraction(1, 10**6)


def test_a_witness_lower_bound_is_certain_with_any_prime() -> None:
    r = invoke_cli(
        "check", "colt16-theorem-1", "--set", "n_modes=1024", "--set", "widths=2",
        "--prime", "3", "--format", "json",
    )  # fmt: skip
    assert r.exit_code == 0, r.stderr
    top = json.loads(r.stdout)["results"][-1]
    assert top["measured_rank"] == 2**512
    assert top["status"] == "proved" and top["evidence"]["certificate"]["kind"] == "kronecker"


# --------------------------------------------------------------------------- reports


def _report(strict: bool = False) -> Report:
    ev = Evidence.witness("w", field="Q", method="exact")
    inc = Observation("row", "a witness below", Claim(">=", "4", 4), Measurement(3, ev))
    ok = Observation(
        "row2",
        "bounded",
        Claim("<=", "4", 4),
        Measurement(3, ev, (Bound(4, Certificate("min-cut", "cut of 2 bonds")),)),
    )
    results = [CheckResult("demo", "ref", "depth", o, judge("demo", o)[1]) for o in (inc, ok)]
    return Report("test", RankSettings(), results, strict=strict)


def test_inconclusive_is_shown_with_its_reason_in_every_format() -> None:
    report = _report()
    assert report.counts() == {
        "proved": 1,
        "verified": 0,
        "consistent": 0,
        "inconclusive": 1,
        "violated": 0,
    }
    assert report.verdict == "pass" and report.exit_code == 0
    doc = report.to_dict()
    assert doc["counts"]["inconclusive"] == 1 and doc["proved_by"] == {"min-cut": 1}
    assert doc["results"][1]["evidence"]["certificate"]["kind"] == "min-cut"
    root = ET.fromstring(render_junit(report))
    skipped = root.findall(".//skipped")
    assert len(skipped) == 1 and "one non-random point" in (skipped[0].get("message") or "")
    assert root.find("testsuite").get("skipped") == "1"  # type: ignore[union-attr]
    assert "inconclusive: the explicit weights (w) reach 3" in render_latex(report)
    r = invoke_cli("check", "colt16-theorem-1", "--prime", "3")
    assert "inconclusive: colt16-theorem-1 N=2" in r.stdout and "0 violated" in r.stdout


def test_strict_turns_inconclusive_into_failures() -> None:
    report = _report(strict=True)
    assert report.verdict == "fail" and report.exit_code == 1
    root = ET.fromstring(render_junit(report))
    assert [f.get("type") for f in root.findall(".//failure")] == ["inconclusive"]


# --------------------------------------------------------------------------- section 2


def test_proved_rows_name_an_independent_certificate(all_run: AllRun) -> None:
    doc = json.loads(all_run.json.read_text())
    assert doc["schema_version"] == 2
    own = {
        "iclr17-theorem-1": {"c-recursion", "joint-span"},
        "ctm18-theorem-7": {"tiling"},
        "cp-rank-bound": {"c-recursion", "joint-span"},
    }
    for res in doc["results"]:
        cert = res["evidence"]["certificate"]
        if res["status"] in ("proved", "verified", "violated"):
            assert cert and cert["kind"] and cert["detail"], res
        if res["status"] == "proved":
            assert cert["kind"] not in own.get(res["check"], set())
    assert sum(doc["proved_by"].values()) == doc["counts"]["proved"]
    assert doc["counts"]["violated"] == 0


def test_scopes_point_box_and_sample() -> None:
    by_check = {}
    for name in ("iclr17-claim-1", "icml16-claim-9", "icml16-appendix-f"):
        params = {"draws": 3} if "draws" in THEOREMS[name].defaults else {}
        by_check[name] = run_theorem(THEOREMS[name], Context(), **params)
    assert {r.observation.claim.scope for r in by_check["iclr17-claim-1"]} == {"point"}
    assert {r.observation.claim.scope for r in by_check["icml16-claim-9"]} == {"box"}
    assert {r.verdict.certificate.kind for r in by_check["icml16-claim-9"]} == {"interval-box"}  # type: ignore[union-attr]
    assert "sample" in {r.observation.claim.scope for r in by_check["icml16-appendix-f"]}


def test_claim10_uses_f_on_the_convac_path() -> None:
    results = run_theorem(THEOREMS["icml16-claim-10"], Context(), F="random")
    convac = [r for r in results if r.observation.claim.quantity == "rank"]
    assert all(r.status is Status.PROVED for r in convac)
    assert all("with F" in r.observation.measurement.evidence.weights for r in convac)
    needed = [r for r in results if r.observation.claim.quantity != "rank"]
    assert all(r.observation.measurement.bound_only for r in needed)
    assert all(not r.observation.measurement.bounds for r in needed)


def test_corollary2_measures_the_shared_network() -> None:
    results = run_theorem(THEOREMS["colt16-corollary-2"], Context())
    assert all(r.observation.params["shared"] for r in results)
    assert all(r.observation.claim.quantity == "CP channels needed" for r in results)
    assert [r.observation.measurement.rank for r in results] == [2, 4, 16, 256]


# --------------------------------------------------------------------------- section 4


def test_per_level_widths() -> None:
    rows = run_theorem(THEOREMS["colt16-theorem-1"], Context(), widths="3,2,1,1")
    assert [r.observation.params["r"] for r in rows][-1] == [3, 2, 1, 1]
    assert [r.observation.measurement.rank for r in rows] == [2, 4, 16, 256]
    assert all(r.status is Status.PROVED for r in rows)
    thm3 = run_theorem(THEOREMS["colt16-theorem-3"], Context(), widths="2,1,2,2")
    bounds = {
        r.observation.label: (r.observation.params["r"], r.observation.claim.value)
        for r in thm3
        if r.observation.subject.startswith("network 1")
    }
    assert bounds["L1=4 L2=1"] == (2, 256)  # r = min(r0, M)
    assert bounds["L1=4 L2=2"] == (1, 1)  # r = min(r0, r1, M) = r1 = 1
    assert all(r.status is not Status.VIOLATED for r in thm3)


# --------------------------------------------------------------------------- section 6


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ("n_modes=abc", "error: colt16-theorem-1: n_modes takes an integer; got 'abc'"),
        ("network=foo", "error: colt16-theorem-1: network must be one of deep, shallow; got 'foo'"),
        ("shared=maybe", "error: colt16-theorem-1: shared takes true or false; got 'maybe'"),
    ],
)
def test_set_values_are_typed_and_validated(setting: str, message: str) -> None:
    r = invoke_cli("check", "colt16-theorem-1", "--set", setting)
    assert r.exit_code == 2 and r.stdout == ""
    assert r.stderr.strip() == message


def test_readme_documents_statuses_certificates_and_own_bounds() -> None:
    from pathlib import Path

    from convac_verify.evidence.certificates import CERTIFICATE_KINDS, OWN_BOUNDS
    from convac_verify.evidence.status import VIOLATION_THRESHOLD

    text = (Path(__file__).parent.parent / "README.md").read_text()
    status_table = text[text.index("## What a status means") :]
    for status in Status:
        assert f"| `{status.value}` |" in status_table
    assert VIOLATION_THRESHOLD == Fraction(1, 10**6) and "`VIOLATION_THRESHOLD` = 10⁻⁶" in text
    for kind in CERTIFICATE_KINDS:
        assert f"`{kind}`" in text, kind
    own_table = text[text.index("The table (`OWN_BOUNDS`, tested)") :]
    for check, kinds in OWN_BOUNDS.items():
        row = next(line for line in own_table.splitlines() if f"`{check}`" in line)
        assert all(f"`{k}`" in row for k in kinds), row
