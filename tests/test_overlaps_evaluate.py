"""The reference DAG evaluator against an independent scalar evaluation; index maps;
layer lists; the Schwartz--Zippel degree."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from convac_verify.algebra.fields import IntegerRing, PrimeField
from convac_verify.errors import ConvacError
from convac_verify.networks.partitions import Partition, left_right
from convac_verify.overlaps.evaluate import evaluate, grid_tensor, sampled_matrix
from convac_verify.overlaps.layers import Net, window_map
from convac_verify.overlaps.schemes import SchemeParams, build_scheme
from convac_verify.overlaps.submatrix import submatrix
from convac_verify.overlaps.weights import random_weights

from .overlap_reference import scalar_output

F = PrimeField()

CASES = [
    ("nonoverlap", (8,), {}),
    ("nonoverlap", (3, 3), {}),
    ("large-rf", (6,), {"window": 3}),
    ("large-rf", (6,), {"window": 4, "first": "gc"}),
    ("alternating", (6,), {"kernel": 2}),
    ("alternating", (5,), {"kernel": 3, "padding": "zero"}),
    ("alternating", (7,), {"kernel": 2, "padding": "circular"}),
    ("alternating", (3, 4), {"kernel": 2, "padding": "circular"}),
    ("alternating", (3, 3), {"kernel": 3, "padding": "zero"}),
    ("alternating", (4, 4), {"kernel": 3, "padding": "valid"}),
    ("gc-stack", (6,), {"window": 3, "stride": 2}),
    ("gc-stack", (7,), {"window": 4, "stride": 3, "padding": "valid"}),
    ("gc-stack", (3, 4), {"window": 3, "stride": 2, "padding": "valid"}),
    ("gc-pool", (5,), {"kernel": 3}),
]


@pytest.mark.parametrize("shared", [True, False])
@pytest.mark.parametrize(("name", "shape", "kw"), CASES)
def test_dag_evaluator_matches_scalar_evaluation(
    name: str, shape: tuple[int, ...], kw: dict[str, object], shared: bool
) -> None:
    net = build_scheme(name, SchemeParams(shape, dim=2, width=2, shared=shared, **kw))  # type: ignore[arg-type]
    w = random_weights(net, F, np.random.default_rng(3))
    tensor = grid_tensor(net, w, F)
    xs = np.random.default_rng(4).integers(0, 2, size=(12, net.n_modes))
    for x in map(tuple, xs.tolist()):
        assert int(tensor[x]) == scalar_output(net, w, x, F.prime)


def test_integer_ring_and_three_templates() -> None:
    z = IntegerRing(bound=50)
    net = build_scheme("alternating", SchemeParams((4,), dim=3, width=2, kernel=2, padding="zero"))
    w = random_weights(net, z, np.random.default_rng(0))
    tensor = grid_tensor(net, w, z)
    for x in itertools.product(range(3), repeat=4):  # every entry (81)
        assert int(tensor[x]) == scalar_output(net, w, x, None)


@pytest.mark.parametrize(
    ("name", "shape", "kw", "rows"),
    [
        ("alternating", (10,), {"kernel": 3, "padding": "zero"}, list(range(5))),
        ("gc-stack", (8,), {}, [0, 2, 5, 7]),
        ("alternating", (4, 4), {"kernel": 2}, [0, 1, 4, 5, 8, 9, 12, 13]),
        ("large-rf", (8,), {"window": 5}, [1, 2, 3, 6]),
    ],
)
def test_separated_submatrix_matches_reference(
    name: str, shape: tuple[int, ...], kw: dict[str, object], rows: list[int]
) -> None:
    net = build_scheme(name, SchemeParams(shape, dim=2, width=2, **kw))  # type: ignore[arg-type]
    w = random_weights(net, F, np.random.default_rng(1))
    part = Partition.from_rows(rows, net.n_modes)
    rng = np.random.default_rng(2)
    a = rng.integers(0, 2, size=(7, len(part.rows)))
    b = rng.integers(0, 2, size=(5, len(part.cols)))
    assert (submatrix(net, w, F, part, a, b) == sampled_matrix(net, w, F, part, a, b)).all()


def test_evaluate_checks_shape() -> None:
    net = build_scheme("nonoverlap", SchemeParams((4,)))
    w = random_weights(net, F, np.random.default_rng(0))
    with pytest.raises(ValueError, match="inputs must have shape"):
        evaluate(net, w, F, np.zeros((2, 5), dtype=np.int64))


def test_window_maps() -> None:
    assert window_map(8, 2, 2, "skip").src.tolist() == [[0, 1], [2, 3], [4, 5], [6, 7]]
    assert window_map(5, 2, 2, "skip").src.tolist()[-1] == [4, -1]  # ceil mode
    assert window_map(6, 3, 1, "zero").src.tolist()[0] == [-1, 0, 1]  # floor((B-1)/2) left
    assert window_map(6, 4, 1, "zero").src.tolist()[0] == [-1, 0, 1, 2]  # the rest right
    assert window_map(6, 3, 1, "valid").n_out == 4
    assert window_map(8, 3, 2, "skip").src.tolist()[0] == [0, 1, 2]  # floor((R-S)/2) = 0
    assert window_map(8, 5, 2, "skip").src.tolist()[0] == [-1, 0, 1, 2, 3]


def test_layer_lists() -> None:
    net = build_scheme("alternating", SchemeParams((8,), kernel=2))
    assert net.shapes() == [(8,), (7,), (4,), (3,), (2,), (1,), (1,)]
    assert [layer.kind for layer in net.layers] == ["conv", "pool"] * 2 + ["conv", "readout"]
    big = build_scheme("large-rf", SchemeParams((8,), window=5, width=1))
    assert big.shapes() == [(8,), (4,), (2,), (2,), (1,), (1,)]
    gc = build_scheme("gc-stack", SchemeParams((16,), window=3, stride=2))
    assert [s[0] for s in gc.shapes()] == [16, 8, 4, 2, 1, 1]
    grid = build_scheme("nonoverlap", SchemeParams((4, 4)))
    assert grid.shapes()[:3] == [(4, 4), (4, 4), (2, 2)]


def test_bad_networks() -> None:
    with pytest.raises(ConvacError, match="never reach one position"):
        build_scheme("gc-stack", SchemeParams((8,), stride=1))
    with pytest.raises(ConvacError, match="unknown scheme"):
        build_scheme("bogus", SchemeParams((8,)))
    with pytest.raises(ConvacError, match="padding 'skip' is not defined"):
        build_scheme("alternating", SchemeParams((8,), padding="skip"))
    with pytest.raises(ConvacError, match="ends with a readout"):
        Net((4,), 2, ())


@pytest.mark.parametrize(
    ("name", "kw"),
    [
        ("nonoverlap", {}),
        ("alternating", {"kernel": 3, "padding": "zero"}),
        ("gc-pool", {"kernel": 2}),
    ],
)
def test_entry_degree_bounds_the_degree_in_the_weights(name: str, kw: dict[str, object]) -> None:
    """f(t w) is a polynomial in t of degree <= entry_degree: its next finite difference is 0."""
    z = IntegerRing(bound=4)
    net = build_scheme(name, SchemeParams((4,), dim=2, width=2, **kw))  # type: ignore[arg-type]
    w = random_weights(net, z, np.random.default_rng(5))
    deg = net.entry_degree()
    x = (0, 1, 1, 0)
    values = [scalar_output(net, [np.asarray(a) * t for a in w], x, None) for t in range(deg + 2)]
    for _ in range(deg + 1):
        values = [b - a for a, b in itertools.pairwise(values)]
    assert values == [0]


def test_nonoverlap_degree_is_2n_minus_1() -> None:
    assert build_scheme("nonoverlap", SchemeParams((16,))).entry_degree() == 31


def test_left_right_rank_known_values() -> None:
    """Reproduced from issue 10: alternating B = 2, r = 1 at N = 4, 8 (dense)."""
    from convac_verify.engines.gfp import rank_mod_p
    from convac_verify.networks.matricize import matricize

    for n, expected in ((4, 3), (8, 5)):
        net = build_scheme("alternating", SchemeParams((n,), width=1, kernel=2))
        w = random_weights(net, F, np.random.default_rng(0))
        assert rank_mod_p(matricize(grid_tensor(net, w, F), left_right(n)), F.prime) == expected
