"""Overlapping networks compiled into the tensor-network core (unrolled into a tree of
copies, homogeneous coordinates for linear convolutions): the one contraction against the
direct vectorized evaluation on all M^N inputs; min-cuts as sound upper bounds."""

from __future__ import annotations

import numpy as np
import pytest

from convac_verify.algebra.fields import IntegerRing, PrimeField
from convac_verify.bounds import min_cut_bound
from convac_verify.engines.measure import RankSettings
from convac_verify.errors import BudgetExceeded
from convac_verify.networks.contraction import contract
from convac_verify.networks.partitions import left_right, odd_even
from convac_verify.overlaps import network as overlap_network
from convac_verify.overlaps.evaluate import grid_tensor
from convac_verify.overlaps.measure import measure_overlap, upper_bounds
from convac_verify.overlaps.network import compile_overlap, filled_network, homogeneous
from convac_verify.overlaps.schemes import SchemeParams, build_scheme
from convac_verify.overlaps.weights import random_weights

from .test_overlaps_evaluate import CASES

F = PrimeField()


def _net(name: str, shape: tuple[int, ...], extra: dict[str, object], shared: bool = True):  # type: ignore[no-untyped-def]
    return build_scheme(name, SchemeParams(shape, dim=2, width=2, shared=shared, **extra))  # type: ignore[arg-type]


@pytest.mark.parametrize("shared", [True, False])
@pytest.mark.parametrize(("name", "shape", "extra"), CASES)
def test_contraction_equals_the_direct_evaluation(
    name: str, shape: tuple[int, ...], extra: dict[str, object], shared: bool
) -> None:
    """Every grid-tensor entry (all M^N inputs), mod a 61-bit prime."""
    net = _net(name, shape, extra, shared)
    w = random_weights(net, F, np.random.default_rng(7))
    ours = contract(filled_network(net, w, F))
    assert np.array_equal(np.asarray(ours), np.asarray(grid_tensor(net, w, F)))


@pytest.mark.parametrize("name", ["alternating", "large-rf", "gc-stack"])
def test_over_the_integers(name: str) -> None:
    net = _net(name, (6,), {"padding": "zero"} if name == "alternating" else {})
    ring = IntegerRing()
    w = random_weights(net, ring, np.random.default_rng(3))
    assert contract(filled_network(net, w, ring)).tolist() == grid_tensor(net, w, ring).tolist()


def test_homogeneous_coordinates_only_for_multi_tap_sums() -> None:
    assert homogeneous(_net("alternating", (8,), {}))
    assert homogeneous(_net("large-rf", (8,), {"window": 3}))
    assert not homogeneous(_net("nonoverlap", (8,), {}))
    assert not homogeneous(_net("gc-stack", (8,), {}))
    assert not homogeneous(_net("large-rf", (8,), {"window": 3, "first": "gc"}))
    plain = compile_overlap(_net("gc-stack", (8,), {})).network
    assert {plain.bond_dim(b) for b in plain.bonds()} == {1, 2}
    hom = compile_overlap(_net("alternating", (8,), {})).network
    assert max(hom.bond_dim(b) for b in hom.bonds()) == 3  # r + 1


@pytest.mark.parametrize(("name", "shape", "extra"), CASES)
def test_min_cut_is_at_least_the_rank(
    name: str, shape: tuple[int, ...], extra: dict[str, object]
) -> None:
    """Claim 1 on the compiled network bounds the measured rank (exact rank of a random
    instance is a lower bound on the generic rank, which the min-cut bounds)."""
    net = _net(name, shape, extra)
    n = net.n_modes
    settings = RankSettings(seed=1)
    for part in (left_right(n), odd_even(n)):
        cut = min_cut_bound(compile_overlap(net).network, part)
        rank = measure_overlap(net, part, settings).rank
        assert rank <= cut.value


def test_min_cut_beside_the_interface_certificate() -> None:
    """The GC(3, 2) stack: the min-cut meets the claimed 2 r^(log2 N - 2) (here 8 at N = 16,
    r = 2), an upper bound independent of the interface argument."""
    net = build_scheme("gc-stack", SchemeParams((16,), dim=2, width=2))
    kinds = {b.certificate.kind: b.value for b in upper_bounds(net, left_right(16))}
    assert kinds["min-cut"] == 8 == kinds["interface"]


def test_large_networks_are_refused_up_front(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(overlap_network, "MAX_NODES", 50)
    net = _net("gc-pool", (16,), {"kernel": 3})
    compile_overlap.cache_clear()
    try:
        with pytest.raises(BudgetExceeded, match="unrolled into a tree of copies"):
            compile_overlap(net)
    finally:
        compile_overlap.cache_clear()
