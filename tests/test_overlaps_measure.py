"""Measurements of overlapping networks: methods, evidence, and what each kind decides.

A dense rank at random weights carries a Schwartz--Zippel epsilon (with the random prime's
term); a sampled submatrix's rank is a certified lower bound only (``bound_only``); a
two-tap witness is a ``kronecker`` point. A claim the evidence cannot decide keeps its
statement and comes out ``inconclusive`` -- never ``violated``.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from convac_verify.algebra.fields import IntegerRing
from convac_verify.engines.measure import Context, RankSettings
from convac_verify.evidence.observation import Observation
from convac_verify.evidence.status import Claim, Status, decide
from convac_verify.networks.decompositions import decomposition_from_weights
from convac_verify.networks.grid import grid_tensor as tree_grid_tensor
from convac_verify.networks.partitions import left_right, odd_even
from convac_verify.networks.trees import balanced, children, height, internal_nodes, leaves_below
from convac_verify.overlaps.evaluate import grid_tensor
from convac_verify.overlaps.measure import (
    cut_witness,
    dense_measurement,
    measure_overlap,
    tree_equivalent,
    upper_bounds,
)
from convac_verify.overlaps.schemes import SchemeParams, build_scheme
from convac_verify.overlaps.weights import explicit_weights
from convac_verify.theorems import THEOREMS
from convac_verify.theorems.runner import judge, run_theorem

S = RankSettings()
FIXED = RankSettings(prime=2**61 - 1)


def test_dense_measurement_has_an_epsilon() -> None:
    net = build_scheme("alternating", SchemeParams((8,), width=1, kernel=2))
    m = measure_overlap(net, left_right(8), S)
    assert m.evidence.method == "dense" and m.rank == 5 and m.upper_bound == 6
    assert m.evidence.degree == net.entry_degree() and m.evidence.is_random
    assert m.evidence.prime_random and m.evidence.entry_bits == net.coefficient_bits()
    assert m.redraw is not None  # the runner may escalate to a fresh random prime
    v = decide(Claim("==", "5", 5), m)
    assert v.status is Status.VERIFIED and v.epsilon is not None and v.epsilon < 1e-15
    # a random point below an a.e. claim refutes it with epsilon below the threshold
    v = decide(Claim(">=", "6", 6), m)
    assert v.status is Status.VIOLATED and v.epsilon is not None and v.epsilon < 1e-15


def test_fixed_prime_never_refutes_what_needs_an_epsilon() -> None:
    net = build_scheme("alternating", SchemeParams((8,), width=1, kernel=2))
    m = measure_overlap(net, left_right(8), FIXED)
    assert m.rank == 5 and not m.evidence.prime_random and m.redraw is None
    assert decide(Claim(">=", "6", 6), m).status is Status.INCONCLUSIVE
    assert decide(Claim("<=", "5", 5), m).status is Status.INCONCLUSIVE
    # what needs no epsilon is decided as before
    assert decide(Claim(">=", "5", 5), m).status is Status.PROVED
    assert decide(Claim(">=", "7", 7), m).status is Status.VIOLATED  # interface bound 6
    assert decide(Claim("<=", "4", 4), m).status is Status.VIOLATED  # counterexample


def test_sampled_measurement_is_a_lower_bound_only() -> None:
    net = build_scheme("alternating", SchemeParams((32,), width=1, kernel=2))
    # ``auto`` sketches this one (tests/test_overlaps_sketch.py); structured samples
    m = measure_overlap(net, left_right(32), dataclasses.replace(S, method="structured"))
    assert m.evidence.method.startswith("sampled") and m.bound_only
    assert m.rank == 31 and m.upper_bound == 87
    assert decide(Claim(">=", "31", 31), m).status is Status.PROVED
    assert decide(Claim(">=", "31", 31), m).certificate.kind == "witness"  # type: ignore[union-attr]
    # a claim above the sampled rank but below the upper bound keeps its statement and is
    # undecided, never refuted
    v = decide(Claim(">=", "40", 40), m)
    assert v.status is Status.INCONCLUSIVE and "from below" in v.reason
    assert decide(Claim("==", "40", 40), m).status is Status.INCONCLUSIVE
    # one above the proved upper bound is refuted with certainty
    v = decide(Claim(">=", "88", 88), m)
    assert v.status is Status.VIOLATED and v.epsilon is None
    assert v.certificate is not None and v.certificate.kind == "interface"
    # an upper claim is proved by the certificate, never "verified" from a submatrix
    assert decide(Claim("<=", "87", 87), m).status is Status.PROVED
    assert decide(Claim("<=", "50", 50), m).status is Status.INCONCLUSIVE
    # and refuted by the sampled point itself (a submatrix's rank <= the matrix's)
    assert decide(Claim("<=", "30", 30), m).status is Status.VIOLATED


def test_method_structured_forces_sampling() -> None:
    net = build_scheme("gc-stack", SchemeParams((8,), width=2))
    m = measure_overlap(net, left_right(8), dataclasses.replace(S, method="structured"))
    assert m.evidence.method.startswith("sampled") and m.rank == 4 == m.upper_bound


def test_exact_over_q() -> None:
    net = build_scheme("large-rf", SchemeParams((8,), width=2, window=3))
    m = measure_overlap(net, left_right(8), dataclasses.replace(S, field="qq"))
    assert m.evidence.field == "Q" and m.evidence.prime is None
    assert m.rank == 8 == m.upper_bound
    assert decide(Claim("==", "8", 8), m).status is Status.PROVED  # interface, for "overlap"
    v = decide(Claim("==", "8", 8), m, "overlap-large-rf-formula")  # its own bound
    assert v.status is Status.VERIFIED and v.epsilon is not None


def test_witness_is_a_kronecker_point() -> None:
    net = build_scheme("large-rf", SchemeParams((16,), width=1, window=9))
    m = measure_overlap(net, left_right(16), S, witness=cut_witness(net))
    assert m.rank == 256 and m.evidence.point == "kronecker" and m.evidence.field == "Q"
    assert not m.evidence.is_random and "product_certificate" in m.extra
    v = decide(Claim("==", "2**(N/2)", 256), m)
    assert v.status is Status.PROVED and v.certificate is not None
    assert v.certificate.kind == "min-cut"  # 256 = the matrix size too; min-cut is listed first
    v = decide(Claim(">=", "2**(N/2)", 256), m)
    assert v.certificate is not None and v.certificate.kind == "kronecker"
    # an explicit point below an almost-everywhere claim proves nothing
    alt = build_scheme("alternating", SchemeParams((4, 4), width=1, kernel=2, padding="zero"))
    top = left_right(16)  # on a 4 x 4 grid: the top half (mode = row * W + col)
    w = measure_overlap(alt, top, S, witness=cut_witness(alt, 0))
    assert w.rank == 16
    assert decide(Claim(">=", "17", 17), w).status is Status.INCONCLUSIVE


def test_profile_rank_evidence() -> None:
    net = build_scheme("nonoverlap", SchemeParams((8,), width=2))
    m = dense_measurement(net, odd_even(8), 16, S)
    assert m.evidence.is_random and m.evidence.degree == net.entry_degree()
    assert decide(Claim(">=", "16", 16), m).status is Status.PROVED


@pytest.mark.parametrize("shared", [True, False])
def test_nonoverlap_is_the_tree_decomposition(shared: bool) -> None:
    """The c-recursion of :mod:`convac_verify.bounds` applies to the ``nonoverlap`` scheme:
    with the same weights its grid tensor is the tree decomposition's over ``balanced(N)``."""
    n, dim, r = 8, 2, 2
    net = build_scheme("nonoverlap", SchemeParams((n,), dim=dim, width=r, shared=shared))
    assert tree_equivalent(net) == (n, (r, r, r))
    rng = np.random.default_rng(3)
    values = [
        None if not layer.weighted else rng.integers(-3, 4, size=net.weight_shape(i))
        for i, layer in enumerate(net.layers)
    ]
    ring = IntegerRing()
    tree = balanced(n)

    def at(index: int, node: int) -> object:
        w = np.asarray(values[index])
        if shared:
            return w[0]
        pos = min(leaves_below(tree, node)) >> height(tree, node)
        return w[pos, 0]

    tree_weights: dict[int, object] = {j: at(0, j) for j in range(n)}
    root = next(v for v in internal_nodes(tree) if height(tree, v) == 3)
    for v in internal_nodes(tree):
        assert len(children(tree, v)) == 2
        if v != root:
            tree_weights[v] = at(2 * height(tree, v), v)
    tree_weights[root] = np.asarray(values[-1])
    decomp = decomposition_from_weights(tree, dim, (r, r, r), tree_weights, ring)
    ours = grid_tensor(net, explicit_weights(net, ring, values), ring)
    assert ours.tolist() == tree_grid_tensor(decomp).tolist()
    kinds = [b.certificate.kind for b in upper_bounds(net, left_right(n))]
    assert kinds == ["c-recursion", "joint-span", "min-cut", "matrix-size", "interface"]
    assert tree_equivalent(build_scheme("gc-stack", SchemeParams((n,)))) is None
    assert tree_equivalent(build_scheme("nonoverlap", SchemeParams((4, 4)))) is None


@pytest.mark.parametrize("name", sorted(n for n in THEOREMS if n.startswith("overlap-")))
def test_a_fixed_tiny_prime_never_refutes_an_overlap_claim(name: str) -> None:
    """With ``--prime 3`` every epsilon-dependent row is inconclusive: nothing true is
    reported violated (ranks mod 3 can drop to 0)."""
    results = run_theorem(THEOREMS[name], Context(RankSettings(prime=3)))
    assert results
    assert all(r.status is not Status.VIOLATED for r in results), [
        (r.observation.label, r.verdict.reason) for r in results if r.status is Status.VIOLATED
    ]


def test_redraw_is_a_fresh_point_modulo_a_fresh_random_prime() -> None:
    net = build_scheme("alternating", SchemeParams((8,), width=1, kernel=2))
    m = measure_overlap(net, left_right(8), dataclasses.replace(S, field="qq"))
    assert m.evidence.field == "Q" and m.redraw is not None
    fresh = m.redraw()
    ev = fresh.evidence
    assert ev.field == "GF(p)" and ev.prime_random and ev.prime != S.prime and ev.seed != 0
    assert ev.entry_bits == net.coefficient_bits() and fresh.rank == m.rank == 5


@pytest.mark.slow
def test_escalation_redraws_a_row_modulo_a_fresh_random_prime() -> None:
    """Over Q with |S| = 2^32 and entry degree 117 a random point below ``>= 49`` has
    epsilon 1.3e-6, above the threshold: the runner redraws the row modulo a fresh random
    prime, where the epsilon is tiny, and only then refutes it (about 15 s over Q)."""
    net = build_scheme("gc-stack", SchemeParams((16,), width=2, window=4))
    m = measure_overlap(net, left_right(16), dataclasses.replace(S, field="qq"))
    assert m.rank == 48 and net.entry_degree() == 117 and m.redraw is not None
    claim = Claim(">=", "49", 49)
    first = decide(claim, m)
    assert first.status is Status.INCONCLUSIVE and first.escalate
    obs = Observation(label="N=16", subject="gc-stack R=4", claim=claim, measurement=m)
    o, v = judge("overlap", obs)
    assert o.measurement.extra["escalated"] and o.measurement.evidence.field == "GF(p)"
    assert v.status is Status.VIOLATED and v.epsilon is not None and v.epsilon < 1e-12
