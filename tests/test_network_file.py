"""Network files (TOML/JSON): the worked example of docs/networks.md, and one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from convac_verify.algebra.fields import IntegerRing, PrimeField
from convac_verify.bounds.mincut import min_cut
from convac_verify.errors import InvalidNetwork
from convac_verify.networks.contraction import contract
from convac_verify.networks.network_file import load_network, network_from_dict
from convac_verify.networks.partitions import left_right, odd_even
from convac_verify.networks.tensor_network import fill_network, random_fill

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
EXAMPLE = EXAMPLES / "binary4.toml"


def test_worked_example_loads_and_contracts() -> None:
    net = load_network(EXAMPLE)
    assert net.n_modes == 4 and net.dims == (2, 2, 2, 2)
    assert set(net.groups()) == {"A0", "A1", "A2", "A3", "conv1", "C"}
    assert net.entry_degree() == 6  # C is fixed; conv1 is used twice
    assert min_cut(net, left_right(4)).value == 2 and min_cut(net, odd_even(4)).value == 4
    w = {f"A{i}": [[1, i], [2, 1]] for i in range(4)}
    w["conv1"] = [[1, 2], [3, 1]]
    got = np.asarray(contract(fill_network(net, IntegerRing(), w)), dtype=object)
    a = [np.array(w[f"A{i}"]) for i in range(4)]
    b = np.array(w["conv1"])
    left = np.einsum("ga,gb,hg->hab", a[0], a[1], b)
    right = np.einsum("ga,gb,hg->hab", a[2], a[3], b)
    assert (got == np.einsum("hab,hcd->abcd", left, right)).all()


def test_json_is_the_same_structure(tmp_path: Path) -> None:
    tomllib = pytest.importorskip("tomllib")
    data = tomllib.loads(EXAMPLE.read_text())
    path = tmp_path / "net.json"
    path.write_text(json.dumps(data))
    assert load_network(path).groups() == load_network(EXAMPLE).groups()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"inputs": 2}, "missing 'dim'"),
        ({"inputs": 2, "dim": 2, "colour": 1}, "unknown key 'colour'"),
        (
            {"inputs": 1, "dim": 2, "tensor": [{"name": "T", "legs": ["x0", "q", "y"]}]},
            "leg 'q' is not a declared bond",
        ),
        ({"inputs": 1, "dim": 2, "bonds": {"x0": 2}}, "reserved"),
        ({"inputs": 1, "dim": 2, "tensor": [{"name": "T", "legs": ["x0"]}]}, "output leg"),
        (
            {"inputs": 1, "dim": 2, "tensor": [{"name": "T", "legs": ["x0", "y"], "fixed": [1]}]},
            "fixed weights of 'T' have shape",
        ),
        (
            {
                "inputs": 2,
                "dim": 2,
                "bonds": {"a": 3},
                "delta": [{"name": "D", "legs": ["x0", "x1", "a"]}],
                "tensor": [{"name": "T", "legs": ["y", "a"]}],
            },
            "dimensions",
        ),
    ],
)
def test_errors_are_one_line(data: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidNetwork, match=message) as exc:
        network_from_dict(data)
    assert "\n" not in str(exc.value)


def test_unreadable_file_is_one_line(tmp_path: Path) -> None:
    with pytest.raises(InvalidNetwork, match="cannot read"):
        load_network(tmp_path / "missing.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("inputs = [")
    with pytest.raises(InvalidNetwork, match="bad.toml: invalid TOML"):
        load_network(bad)


def test_measured_network_rank_carries_its_evidence_and_min_cut() -> None:
    from convac_verify.engines.measure import RankSettings, measure_network_rank
    from convac_verify.evidence.status import Claim, Status, decide

    net = load_network(EXAMPLE)
    m = measure_network_rank(net, odd_even(4), RankSettings(seed=1))
    assert m.rank == 4 and m.evidence.is_random and m.evidence.degree == net.entry_degree()
    assert m.evidence.prime_random and m.evidence.entry_bits == net.coefficient_bits()
    assert [(b.certificate.kind, b.value) for b in m.bounds] == [("min-cut", 4)]
    # the min-cut proves a claim that is not Claim 1 itself ...
    assert decide(Claim("<=", "4", 4), m).status is Status.PROVED
    # ... and not Claim 1's own rows
    assert decide(Claim("<=", "min-cut", 4), m, "lycs18-claim-1").status is Status.VERIFIED


def test_a_network_with_every_weight_fixed_is_one_explicit_point() -> None:
    from convac_verify.engines.measure import RankSettings, measure_network_rank

    data = {
        "name": "fixed",
        "inputs": 2,
        "dim": 2,
        "bonds": {"a": {"dim": 2}},
        "tensor": [
            {"name": "A", "legs": ["a", "x0"], "fixed": [[1, 0], [0, 1]]},
            {"name": "B", "legs": ["a", "x1", "y"], "fixed": [[[1], [0]], [[0], [1]]]},
        ],
    }
    net = network_from_dict(data)
    assert net.entry_degree() == 0
    m = measure_network_rank(net, left_right(2), RankSettings(field="qq"))
    assert m.rank == 2 and not m.evidence.is_random and m.evidence.field == "Q"


def test_residual_example_is_an_exact_sum_of_two_levels() -> None:
    """``examples/residual4.toml``: a skip connection around the second level, written as
    a direct sum (free masks, a selector); its grid tensor is y1 + y2 exactly."""
    net = load_network(EXAMPLES / "residual4.toml")
    ring = PrimeField(2**61 - 1)
    filled = random_fill(net, ring, np.random.default_rng(7))
    w = {
        k: np.asarray(ring.to_ints(v), dtype=object).reshape(np.shape(v))
        for k, v in filled.weights.items()
    }
    a = [w[f"A{j}"] for j in range(4)]  # (r0, M)
    b0, b1 = w["B0"][:2, :2], w["B1"][:2, :2]
    c, s = w["C"][0, :2], w["S"][0, :2]
    deep = np.einsum(
        "g,ga,gb,ai,aj,bk,bl->ijkl",
        c,
        b0,
        b1,
        a[0],
        a[1],
        a[2],
        a[3],
    )
    skip = np.einsum("g,gi,gj,gk,gl->ijkl", s, *a)
    expected = ring.from_ints((deep + skip) % ring.prime)
    assert np.array_equal(contract(filled), expected)
    # the free masks: each block weight is W (+) 1, the routers fixed
    assert all(w[k][-1, -1] == 1 for k in ("B0", "B1", "C", "S"))
    assert net.entry_degree() == 8  # A0..A3, B0, B1, C, S


def test_free_masks_are_validated() -> None:
    base = {
        "inputs": 2,
        "dim": 2,
        "bonds": {"a": 2},
        "tensor": [{"name": "A", "legs": ["a", "x0"]}, {"name": "B", "legs": ["y", "a", "x1"]}],
    }
    ok = {
        **base,
        "tensor": [
            {"name": "A", "legs": ["a", "x0"], "fixed": [[1, 0], [0, 1]], "free": [[1, 0], [0, 0]]},
            base["tensor"][1],
        ],
    }  # type: ignore[index]
    assert network_from_dict(ok).free["A"] == [[1, 0], [0, 0]]
    no_fixed = {
        **base,
        "tensor": [{"name": "A", "legs": ["a", "x0"], "free": [[1, 0], [0, 0]]}, base["tensor"][1]],
    }  # type: ignore[index]
    with pytest.raises(InvalidNetwork, match="free mask needs fixed values"):
        network_from_dict(no_fixed)
    bad = {
        **base,
        "tensor": [
            {"name": "A", "legs": ["a", "x0"], "fixed": [[1, 0], [0, 1]], "free": [[2, 0], [0, 0]]},
            base["tensor"][1],
        ],
    }  # type: ignore[index]
    with pytest.raises(InvalidNetwork, match="free mask of 'A' must be 0/1"):
        network_from_dict(bad)


def test_compiled_networks_round_trip_through_the_file_format(tmp_path: Path) -> None:
    """A compiled mixed network (fixed routers, free masks, tied V) saved as JSON and read
    back is the same architecture: same random draws, same grid tensor, same min-cut."""
    from convac_verify.networks.mixed_network import mixed_network
    from convac_verify.networks.network_file import network_to_dict
    from convac_verify.theorems.ctm18_claim5 import default_mixture

    mixture, _ = default_mixture(8, "", "")
    ring = PrimeField(2**61 - 1)
    for width in (2, (3, 5, 4)):  # r_mix, and per-level widths (one group per width)
        net = mixed_network(mixture, 2, width)
        path = tmp_path / "mixed8.json"
        path.write_text(json.dumps(network_to_dict(net)))
        back = load_network(path)
        a = contract(random_fill(net, ring, np.random.default_rng(3)))
        b = contract(random_fill(back, ring, np.random.default_rng(3)))
        assert np.array_equal(a, b)
        assert back.entry_degree() == net.entry_degree()
        assert min_cut(back, odd_even(8)).value == min_cut(net, odd_even(8)).value
