"""Sketched ranks (issue 11 §2): the sketch against the dense rank, the contraction with
input matrices against brute force, and the evidence's epsilon at its edges."""

from __future__ import annotations

import dataclasses
import itertools
import json
from fractions import Fraction
from math import prod
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import sympy

from convac_verify.algebra.fields import IntegerRing, PrimeField
from convac_verify.algebra.primes import prime_failure, seeded_prime
from convac_verify.bounds import network_upper_bounds
from convac_verify.engines.estimate import sketch_estimate
from convac_verify.engines.gfp import rank_mod_p
from convac_verify.engines.measure import (
    RankSettings,
    measure_network_rank,
    measure_rank,
    network_sketch_plan,
    sketch_plan,
)
from convac_verify.engines.sketch import (
    SKETCH_MAX_RANK,
    sketch_entry_bits,
    sketch_evidence,
    sketch_matrix,
    sketch_rank,
    sketch_shape,
)
from convac_verify.errors import BudgetExceeded
from convac_verify.evidence.status import (
    VIOLATION_THRESHOLD,
    Claim,
    Measurement,
    Status,
    decide,
)
from convac_verify.networks import trees
from convac_verify.networks.compilers import cp_network, eq3_network, tree_network
from convac_verify.networks.contraction import contract, contraction_cost
from convac_verify.networks.matricize import matricize
from convac_verify.networks.network_file import load_network
from convac_verify.networks.partitions import Partition, odd_even
from convac_verify.networks.tensor_network import TensorNetwork, fill_network, random_fill

from .conftest import invoke_cli

P = seeded_prime(7, "tests/sketch")
F = PrimeField(P)
EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "binary4.toml"


def _cycle_network() -> TensorNetwork:
    """A network that is not a tree (A, B, C joined in a cycle; two inputs each on A, B)."""
    net = TensorNetwork("cycle")
    for m in range(4):
        net.add_bond(f"in{m}", 2, "M")
        net.add_input(m, f"in{m}")
    for b, d in (("p", 3), ("q", 2), ("s", 2), ("y", 1)):
        net.add_bond(b, d)
    net.add_tensor("A", ["p", "q", "in0", "in2"])
    net.add_tensor("B", ["p", "s", "in1", "in3"])
    net.add_tensor("C", ["y", "q", "s"])
    net.add_output("y")
    return net.validate()


def _networks() -> list[tuple[str, TensorNetwork]]:
    out: list[tuple[str, TensorNetwork]] = []
    for spec, dim, widths in (
        ("balanced:8", 2, 2),
        ("balanced:8", 3, (2, 3, 1)),
        ("windows:2,3", 2, (2, 3)),
        ("windows:3,2", 3, 2),
        ("truncated:8:2", 2, 3),
        ("((0,(1,2)),(3,4))", 2, 2),
        ("((0,3),(1,(2,4)),5)", 2, 2),
        ("square:2x4", 2, 2),
    ):
        tree = trees.parse_tree(spec)
        out.append((f"{spec} M={dim} r={widths}", tree_network(tree, dim, widths)))
    shared = tree_network(trees.parse_tree("balanced:8"), 2, 2, shared=True)
    out.append(("balanced:8 shared", shared))
    out.append(("cp N=6 Z=3", cp_network(6, 2, 3)))
    out.append(("cp N=5 M=3 Z=7", cp_network(5, 3, 7)))
    out.append(("eq3 balanced:8 r=2", eq3_network(trees.parse_tree("balanced:8"), 2, 2)))
    out.append(("eq3 balanced:8 M=3 r=2", eq3_network(trees.parse_tree("balanced:8"), 3, 2)))
    out.append(("file binary4.toml", load_network(EXAMPLE)))
    out.append(("cycle", _cycle_network()))
    return out


NETWORKS = _networks()


def _partitions(n: int, rng: np.random.Generator, count: int = 4) -> list[Partition]:
    parts = [odd_even(n), Partition.from_rows(range(n // 2), n, "left-right")]
    for _ in range(count):
        size = int(rng.integers(1, n))
        parts.append(Partition.from_rows(rng.choice(n, size, replace=False).tolist(), n, "rand"))
    return parts


def _dense_rank(filled: object, part: Partition) -> int:
    return rank_mod_p(matricize(contract(filled), part), P)  # type: ignore[arg-type]


@pytest.mark.parametrize(("name", "net"), NETWORKS, ids=[n for n, _ in NETWORKS])
def test_sketched_rank_equals_dense_rank(name: str, net: TensorNetwork) -> None:
    """On every case where both run, the sketch (k = the smallest certified bound) gives the
    dense rank; fewer rows give min(k, rank) (a lower bound, never more)."""
    rng = np.random.default_rng(abs(hash(name)) % 2**32)
    for seed in range(3):
        filled = random_fill(net, F, np.random.default_rng([seed, 11]))
        for part in _partitions(net.n_modes, rng):
            bound = min(b.value for b in network_upper_bounds(net, part))
            dense = _dense_rank(filled, part)
            assert dense <= bound
            shape = sketch_shape(net, part, bound)
            got = sketch_rank(filled, part, shape, np.random.default_rng(seed))
            assert (got.rank, got.rows, got.cols) == (dense, *shape), (name, part.rows)
            if dense > 1:
                small = sketch_rank(filled, part, (dense - 1, dense - 1), rng).rank
                assert small == dense - 1


def test_integer_weights_are_reduced_mod_p() -> None:
    net = tree_network(trees.parse_tree("balanced:8"), 2, 2)
    z = IntegerRing(2**20)
    filled = random_fill(net, z, np.random.default_rng(3))
    part = odd_even(8)
    reduced = fill_network(net, F, {g: F.from_ints(w) for g, w in filled.weights.items()})
    got = sketch_rank(filled, part, (16, 16), np.random.default_rng(0), prime=P)
    assert got.rank == _dense_rank(reduced, part)
    with pytest.raises(ValueError, match="prime"):
        sketch_matrix(filled, part, (2, 2), np.random.default_rng(0))


@pytest.mark.parametrize(("name", "net"), NETWORKS[:4] + NETWORKS[-5:], ids=lambda x: str(x)[:30])
def test_contraction_with_sample_matrices_is_s_a_t(name: str, net: TensorNetwork) -> None:
    """contract(..., samples=...) = S [[A]] T^T with the rows of S, T Khatri-Rao products of
    the per-mode matrices (brute force from the grid tensor), also with some legs left
    open or given plain vectors."""
    rng = np.random.default_rng(5)
    filled = random_fill(net, F, rng)
    grid = np.asarray(contract(filled), dtype=object)
    n, dims = net.n_modes, net.dims
    for part in _partitions(n, rng, 2):
        k, k2 = int(rng.integers(1, 6)), int(rng.integers(1, 6))
        mats = {m: F.random(rng, (k if m in part.rows else k2, dims[m])) for m in range(n)}
        got = contract(filled, mats, samples=dict.fromkeys(part.cols, 1))
        s = _khatri_rao([mats[m] for m in part.rows])
        t = _khatri_rao([mats[m] for m in part.cols])
        a = matricize(grid, part).astype(object)
        assert (np.asarray(got, dtype=object) == (s @ a @ t.T) % P).all()
        # mode 0 open, mode n-1 a vector, the rest on one sample index
        vec = F.random(rng, (dims[n - 1],))
        some = {m: mats[m][:1].repeat(3, axis=0) for m in range(1, n - 1)} | {n - 1: vec}
        got = np.asarray(contract(filled, some), dtype=object)
        assert got.shape == (3, dims[0])
        ref = np.tensordot(grid, np.asarray(vec, dtype=object), axes=([n - 1], [0]))
        for m in range(n - 2, 0, -1):
            ref = np.tensordot(ref, np.asarray(mats[m][0], dtype=object), axes=([m], [0]))
        assert all((got[i] == ref % P).all() for i in range(3))


def _khatri_rao(mats: list[np.ndarray]) -> np.ndarray:
    """Row-wise Kronecker products (the first mode varies slowest, as in matricize)."""
    out = np.ones((mats[0].shape[0], 1), dtype=object)
    for m in mats:
        out = (out[:, :, None] * np.asarray(m, dtype=object)[:, None, :]).reshape(out.shape[0], -1)
    return out


def test_contraction_cost_plans_what_contract_runs() -> None:
    net = tree_network(trees.parse_tree("balanced:64"), 2, 2)
    part = Partition.from_rows([0, 17, 40], 64, "three")
    shapes = {m: (8 if m in part.rows else 6, 2) for m in range(64)}
    cost = contraction_cost(net, shapes, samples=dict.fromkeys(part.cols, 1))
    assert 0 < cost.largest <= 8 * 6 * 2 * 2 and cost.operations > 0
    # a row mode alone in its subtree stays open (M = 2 instead of k = 8)
    tiny = contraction_cost(net, dict.fromkeys(range(64), (8, 2)))
    assert tiny.largest <= 8 * 2 * 2
    with pytest.raises(ValueError, match="shape"):
        contraction_cost(net, {0: (8, 3)})
    with pytest.raises(ValueError, match="disagree"):
        contraction_cost(net, {0: (8, 2), 1: (4, 2)})


# --------------------------------------------------------------------------- evidence


def test_sketch_evidence_degree_and_entry_bits() -> None:
    net = tree_network(trees.parse_tree("balanced:8"), 2, 2)
    ev = sketch_evidence(net, F, seed=3, prime=P, prime_random=True)
    assert ev.method == "sketch" and ev.degree == 8 + net.entry_degree() == 23
    assert ev.sample_space == P and ev.entry_bits == sketch_entry_bits(net, F)
    k = 16
    expected = Fraction(k * 23, P) + prime_failure(k * (k.bit_length() + ev.entry_bits))
    assert ev.failure(k) == expected
    # integer weights: |S| = min(2B, p), and B**deg_w in the coefficient bound
    z = IntegerRing(2**20)
    evz = sketch_evidence(net, z, seed=3, prime=P, prime_random=True)
    assert evz.sample_space == 2**21
    assert evz.entry_bits == sketch_entry_bits(net, F) + 15 * (2**20).bit_length()
    # every weight fixed: the degree is N alone
    fixed = load_network(EXAMPLE)
    for g, shape in fixed.groups().items():
        fixed.fixed.setdefault(g, np.ones(shape, dtype=np.int64).tolist())
    assert sketch_evidence(fixed, F, seed=0, prime=P, prime_random=False).degree == 4


def test_sketch_entry_bits_bound_the_coefficients() -> None:
    """The bound is at least the true sum of |coefficients| of a sketched entry (sympy)."""
    net = cp_network(3, 2, 2)
    syms = {
        g: sympy.Matrix(*shape, lambda i, j, g=g: sympy.Symbol(f"{g}_{i}{j}"))
        for g, shape in net.groups().items()
    }
    xs = [sympy.symbols(f"x{m}_0:2") for m in range(3)]
    entry = 0
    for d in itertools.product(range(2), repeat=3):
        for z in range(2):
            term = syms["W3"][0, z] * prod(syms[f"W{m}"][z, d[m]] * xs[m][d[m]] for m in range(3))
            entry += term
    total = sum(abs(c) for c in sympy.Poly(sympy.expand(entry)).coeffs())
    assert total <= 2 ** sketch_entry_bits(net, F)


def test_epsilon_edges_decide_verified_or_inconclusive() -> None:
    """eps = v (N + deg_w) / |S| + the random prime's term, against the 1e-6 threshold:
    integer weights from a set just large enough verify an upper-bound claim at v, one
    value fewer leaves it inconclusive (escalation possible)."""
    net = tree_network(trees.parse_tree("balanced:4"), 2, 2)  # N = 4, deg_w = 7
    deg, v = 11, 3
    probe = sketch_evidence(net, IntegerRing(2**24), seed=0, prime=P, prime_random=True)
    k = v + 1
    term = prime_failure(k * (k.bit_length() + probe.entry_bits))
    # smallest B with k deg / (2 B) + term <= threshold (B keeps its bit length below)
    b_min = -(-(k * deg) // (2 * (VIOLATION_THRESHOLD - term)))
    assert (b_min - 1).bit_length() == b_min.bit_length() == (2**24).bit_length()
    for bound, status in ((b_min, Status.VERIFIED), (b_min - 1, Status.INCONCLUSIVE)):
        ev = sketch_evidence(net, IntegerRing(int(bound)), seed=0, prime=P, prime_random=True)
        assert ev.degree == deg and ev.sample_space == 2 * bound
        assert ev.failure(k) == Fraction(k * deg, 2 * int(bound)) + term
        verdict = decide(Claim("<=", "v", v), Measurement(v, ev), "rank")
        assert verdict.status is status, (bound, verdict.reason)
    # fixed prime: no rigorous epsilon at all
    fixed = sketch_evidence(net, F, seed=0, prime=P, prime_random=False)
    assert fixed.failure(k) is None


def test_sketch_claims_decide_like_any_random_point() -> None:
    """A sketch meeting its certified bound is proved; a claim one above the bound is
    violated by the certificate, one below the sketched rank with certainty."""
    tree = trees.parse_tree("balanced:16")
    part = Partition.from_rows([0, 5, 9, 14], 16, "four")
    settings = RankSettings(method="sketch", seed=2)
    m = measure_rank(tree, 2, 2, part, settings)
    assert m.evidence.method == "sketch" and m.extra["sketch"] == "16 x 16"
    assert m.rank == 16 == m.upper_bound
    assert decide(Claim("==", "generic", 16), m, "rank").status is Status.PROVED
    bad = decide(Claim(">=", "bound + 1", 17), m, "rank")
    assert bad.status is Status.VIOLATED and bad.certain
    low = decide(Claim("<=", "rank - 1", 15), m, "rank")
    assert low.status is Status.VIOLATED and low.certain


# --------------------------------------------------------------------------- method choice


def test_measure_rank_sketch_matches_dense_and_is_chosen_beyond_the_dense_limit() -> None:
    tree = trees.parse_tree("windows:2,2,3")
    for rows in ([0, 1, 5, 8], [2, 3, 4, 6, 7, 9, 11], [0]):
        part = Partition.from_rows(rows, 12, "x")
        dense = measure_rank(tree, 2, 3, part, RankSettings(method="dense", seed=4))
        sketch = measure_rank(tree, 2, 3, part, RankSettings(method="sketch", seed=4))
        degree = 12 + tree_network(tree, 2, 3).entry_degree()  # N + deg_w
        assert dense.rank == sketch.rank and sketch.evidence.degree == degree
    # the dense matrix over budget: auto sketches (small bound), never for a witness
    small = RankSettings(seed=1, max_memory=2**16)
    part = Partition.from_rows([0, 4, 9], 12, "x")
    assert sketch_plan(tree, 2, (3, 3, 3), part, small) is not None
    m = measure_rank(tree, 2, 3, part, small)
    assert m.evidence.method in ("sketch", "structured")
    assert sketch_plan(tree, 2, (3, 3, 3), part, RankSettings()) is None  # dense fits


def test_network_beyond_the_dense_limit_is_sketched() -> None:
    net = eq3_network(trees.parse_tree("balanced:16"), 2, 2)
    part = Partition.from_rows([0, 3, 6, 9, 12], 16, "x")
    tight = RankSettings(seed=3, max_memory=2**18)
    plan = network_sketch_plan(net, part, tight)
    assert plan is not None and max(plan.shape) <= SKETCH_MAX_RANK
    m = measure_network_rank(net, part, tight)
    dense = measure_network_rank(net, part, RankSettings(seed=3, method="dense"))
    assert m.evidence.method == "sketch" and m.rank == dense.rank


def test_forced_sketch_over_budget_is_refused_up_front() -> None:
    tree = trees.parse_tree("balanced:64")
    with pytest.raises(BudgetExceeded, match="sketch"):
        measure_rank(tree, 2, 2, odd_even(64), RankSettings(method="sketch", max_seconds=1))
    est = sketch_estimate(tree_network(tree, 2, 2), odd_even(64), (4096, 4096))
    assert est.path == "sketch" and est.seconds > 10 and est.bytes > 2**30


def test_pooling_beyond_the_dense_limit_sketches_and_says_so() -> None:
    """pooling on a 16 x 16 grid (N = 256): a partition with a small bound is sketched by
    ``auto`` and proved against its min-cut; stderr says the rank was sketched."""
    r = invoke_cli(
        "pooling",
        "--grid",
        "16x16",
        "--r",
        "3",
        "--partitions",
        "left-right",
        "--no-pictures",
        "--format",
        "json",
    )
    assert r.exit_code == 0, r.stderr
    rows = json.loads(r.stdout)["results"]
    assert {row["evidence"]["method"] for row in rows} == {"sketch"}
    assert {row["status"] for row in rows} == {"proved"}
    assert "note: rank N=256 M=2 left-right" in r.stderr and "sketched" in r.stderr


def test_large_sketches_go_to_blas_first_and_fall_back_to_flint(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With --field gfp a sketch with both sides >= 256 is drawn modulo a random prime below
    2**20 and ranked on BLAS; kept (exact) when it meets the certified bound, else redone
    modulo the run's 61-bit prime with FLINT -- the same rank either way."""
    from convac_verify.engines import measure as measure_module

    tree = trees.parse_tree("balanced:64")
    part = Partition.from_rows([8 * i for i in range(8)], 64, "scattered")
    settings = RankSettings(method="sketch", seed=5)
    m = measure_rank(tree, 2, 2, part, settings)
    assert m.evidence.method == "sketch-blas" and m.evidence.prime < 2**20
    assert m.rank == m.upper_bound == 256 and m.is_exact
    assert decide(Claim("==", "generic", 256), m, "rank").status is Status.PROVED
    # the escalation (blas=False) and --field qq skip BLAS
    m61 = measure_rank(tree, 2, 2, part, settings, blas=False)
    assert m61.evidence.method == "sketch" and m61.evidence.prime == settings.prime
    assert m61.rank == 256
    # a BLAS rank short of the bound is not kept
    monkeypatch.setattr(measure_module, "rank_mod", lambda a, p, **kw: 255)
    again = measure_rank(tree, 2, 2, part, settings)
    assert again.evidence.method == "sketch" and again.rank == 256
    # ... unless the redo's estimate is over --max-time: the BLAS rank is then kept as a
    # (certain) lower bound, not exact, and the measurement says why
    monkeypatch.setattr(measure_module, "sketch_estimate", _slow_redo(measure_module))
    kept = measure_rank(tree, 2, 2, part, settings)
    assert kept.evidence.method == "sketch-blas" and kept.rank == 255 and not kept.is_exact
    assert "not redone" in str(kept.extra["redo"]) and "--max-time" in str(kept.extra["redo"])
    assert decide(Claim(">=", "generic", 255), kept, "rank").status is Status.PROVED
    assert decide(Claim("==", "generic", 256), kept, "rank").status is not Status.VIOLATED


def _slow_redo(module: Any) -> Any:
    """``sketch_estimate`` whose FLINT redo (path ``sketch``) takes an hour."""
    real = module.sketch_estimate

    def estimate(*args: Any, **kwargs: Any) -> Any:
        est = real(*args, **kwargs)
        if (args[3] if len(args) > 3 else kwargs.get("path")) == "sketch":
            return dataclasses.replace(est, seconds=3600.0)
        return est

    return estimate


def test_mixed_network_at_n64_is_measured_by_a_sketch() -> None:
    """mixed --N 64 on a partition with a small bound: the compiled mixed network (2^64
    grid entries) is measured by a sketch, and meets its min-cut."""
    r = invoke_cli(
        "mixed",
        "--N",
        "64",
        "--rows",
        "0,1,2,3",
        "--corollary",
        "none",
        "--corollary-measured",
        "none",
        "--format",
        "json",
    )
    assert r.exit_code == 0, r.stderr
    rows = [x for x in json.loads(r.stdout)["results"] if "measured rank" in x["subject"]]
    assert len(rows) == 1 and rows[0]["evidence"]["method"] == "sketch"
    assert rows[0]["measured_rank"] == 8 and rows[0]["status"] == "proved"
    assert "sketched with random product vectors" in r.stderr
