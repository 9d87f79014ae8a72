"""The interface bound is an upper bound (against exact ranks), and its known values."""

from __future__ import annotations

import numpy as np
import pytest

from convac_verify.algebra.fields import PrimeField
from convac_verify.engines.gfp import rank_mod_p
from convac_verify.evidence.certificates import CERTIFICATE_KINDS
from convac_verify.networks.matricize import matricize
from convac_verify.networks.partitions import Partition, left_right, random_balanced
from convac_verify.overlaps.evaluate import grid_tensor
from convac_verify.overlaps.interface import interface_bound, interface_report
from convac_verify.overlaps.schemes import SchemeParams, build_scheme
from convac_verify.overlaps.weights import random_weights

F = PrimeField()

NETS = [
    ("nonoverlap", (8,), {"width": 3}),
    ("large-rf", (8,), {"window": 3, "width": 2}),
    ("large-rf", (8,), {"window": 5, "width": 1, "first": "gc"}),
    ("alternating", (8,), {"kernel": 2, "width": 1}),
    ("alternating", (8,), {"kernel": 2, "width": 2}),
    ("alternating", (8,), {"kernel": 3, "width": 2, "padding": "zero"}),
    ("alternating", (8,), {"kernel": 2, "width": 1, "padding": "circular"}),
    ("gc-stack", (8,), {"width": 2}),
    ("gc-stack", (10,), {"width": 2, "window": 4, "stride": 3, "padding": "valid"}),
    ("gc-pool", (8,), {"kernel": 3, "width": 2}),
    ("alternating", (3, 4), {"kernel": 2, "width": 1, "padding": "zero"}),
    ("alternating", (4, 3), {"kernel": 2, "width": 2}),
    ("nonoverlap", (4, 2), {"width": 2}),
]


@pytest.mark.parametrize(("name", "shape", "kw"), NETS)
def test_bound_is_above_the_rank_on_many_partitions(
    name: str, shape: tuple[int, ...], kw: dict[str, object]
) -> None:
    """Soundness: for random weights, every partition's rank is <= the interface bound."""
    net = build_scheme(name, SchemeParams(shape, dim=2, **kw))  # type: ignore[arg-type]
    tensor = grid_tensor(net, random_weights(net, F, np.random.default_rng(0)), F)
    rng = np.random.default_rng(1)
    n = net.n_modes
    parts = [left_right(n), Partition.from_rows(range(0, n, 2), n)]
    parts += [random_balanced(n, rng) for _ in range(4)]
    parts += [Partition.from_rows([int(rng.integers(n))], n)]
    for part in parts:
        rank = rank_mod_p(matricize(tensor, part), F.prime)
        rep = interface_report(net, part)
        assert rank <= rep.value, (part.rows, rank, rep)
        assert rep.value <= rep.matrix_size


def test_known_values() -> None:
    for n in (4, 8, 16, 64):
        net = build_scheme("nonoverlap", SchemeParams((n,), width=3))
        assert interface_bound(net, left_right(n)).value == 3
    for r in (2, 3):
        for n, levels in ((8, 3), (16, 4), (32, 5)):
            net = build_scheme("gc-stack", SchemeParams((n,), width=r))
            assert interface_bound(net, left_right(n)).value == 2 * r ** (levels - 2)
    for n in (8, 16, 32):
        for window in (2, 3, 5):
            for r in (1, 2, 3):
                net = build_scheme("large-rf", SchemeParams((n,), width=r, window=window))
                value = interface_bound(net, left_right(n)).value
                assert value == min(r * 2 ** (window - 1), 2 ** (n // 2))


def test_alternating_bound_is_far_below_the_cap() -> None:
    """B = 2, r = 1: 3, 6, 18, 87, 699, 9552 at N = 4 ... 128 (quasi-polynomial)."""
    values = []
    for n in (4, 8, 16, 32, 64, 128):
        net = build_scheme("alternating", SchemeParams((n,), width=1, kernel=2))
        values.append(interface_bound(net, left_right(n)).value)
    assert values == [3, 6, 18, 87, 699, 9552]


def test_certificate_kind() -> None:
    assert CERTIFICATE_KINDS["interface"].direction == "upper"
    net = build_scheme("nonoverlap", SchemeParams((8,)))
    cert = interface_bound(net, left_right(8)).certificate
    assert cert.kind == "interface" and "left-right" in cert.detail
