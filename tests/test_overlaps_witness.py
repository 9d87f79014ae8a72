"""Product witnesses: the structural certificate equals the exact rank over Q of the
witness's grid tensor, and refuses what it cannot certify."""

from __future__ import annotations

import time

import numpy as np
import pytest
from flint import fmpz_mat

from convac_verify.networks.geometry2d import Grid
from convac_verify.networks.matricize import matricize
from convac_verify.networks.partitions import Partition, left_right
from convac_verify.networks.partitions2d import expand_partitions
from convac_verify.overlaps.measure import cut_witness, witness_grid_tensor
from convac_verify.overlaps.schemes import SchemeParams, build_scheme
from convac_verify.overlaps.witness import product_form, product_rank, two_tap_witness


def _q_rank(m: np.ndarray) -> int:
    return int(fmpz_mat(m.shape[0], m.shape[1], [int(v) for v in m.ravel()]).rank())


def _grid_part(shape: tuple[int, int], spec: str) -> Partition:
    (p,) = expand_partitions([spec], Grid(*shape), np.random.default_rng(0))
    return p


CASES = [
    ("large-rf", (8,), {"window": 5, "width": 1}, None, None),
    ("large-rf", (8,), {"window": 3, "width": 2}, None, None),
    ("large-rf", (6,), {"window": 4, "width": 1}, None, None),
    ("alternating", (8,), {"kernel": 3, "padding": "zero", "width": 2}, None, None),
    ("alternating", (4, 4), {"kernel": 2, "padding": "zero", "width": 1}, "left-right", 1),
    ("alternating", (4, 4), {"kernel": 3, "padding": "zero", "width": 2}, "top-bottom", 0),
    ("alternating", (4, 4), {"kernel": 2, "padding": "circular", "width": 1}, "left-right", 1),
    ("alternating", (2, 6), {"kernel": 3, "padding": "zero", "width": 1}, "left-right", 1),
]


@pytest.mark.parametrize(("name", "shape", "kw", "spec", "axis"), CASES)
def test_certificate_equals_exact_rank(
    name: str, shape: tuple[int, ...], kw: dict[str, object], spec: str | None, axis: int | None
) -> None:
    net = build_scheme(name, SchemeParams(shape, dim=2, **kw))  # type: ignore[arg-type]
    part = left_right(net.n_modes) if spec is None else _grid_part(shape, spec)  # type: ignore[arg-type]
    wit = cut_witness(net, axis)
    form = product_form(net, two_tap_witness(net, wit.first_taps))
    assert form is not None
    cert = product_rank(form, part, net.dim)
    assert cert is not None
    assert cert.rank == _q_rank(matricize(witness_grid_tensor(net, wit), part))


def test_large_rf_witness_reaches_2_to_the_half() -> None:
    for n in (4, 8, 16, 32, 64, 128):
        net = build_scheme("large-rf", SchemeParams((n,), dim=2, width=1, window=n // 2 + 1))
        start = time.perf_counter()
        form = product_form(net, two_tap_witness(net, (0, n // 2)))
        assert form is not None
        cert = product_rank(form, left_right(n), 2)
        assert cert is not None and cert.rank == 2 ** (n // 2) and cert.two_sided == n // 2
        assert time.perf_counter() - start < 5


def test_2d_witness_counts() -> None:
    for side, kernel in ((4, 2), (6, 3), (8, 2), (8, 4)):
        net = build_scheme(
            "alternating", SchemeParams((side, side), width=1, kernel=kernel, padding="zero")
        )
        form = product_form(net, two_tap_witness(net, cut_witness(net, 1).first_taps))
        assert form is not None
        cert = product_rank(form, _grid_part((side, side), "left-right"), 2)
        assert cert is not None and cert.rank == 2 ** (side * (kernel - 1))


def test_not_a_product() -> None:
    net = build_scheme("alternating", SchemeParams((8,), width=2, kernel=2))
    weights = two_tap_witness(net, (0, 1))
    weights[2][0, 0, 1] = 1  # a second term in a later linear form
    assert product_form(net, weights) is None


def test_shared_inputs_are_refused() -> None:
    """Two factors reading both sides and sharing an input: no Kronecker structure."""
    net = build_scheme("large-rf", SchemeParams((8,), width=1, window=3))
    form = product_form(net, two_tap_witness(net, (0, 2)))
    assert form is not None
    part = Partition.from_rows([0, 3, 4, 7], 8)  # pairs (0, 2) and (2, 4) both cross, share 2
    assert product_rank(form, part, 2) is None
