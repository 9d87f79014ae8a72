"""Tensor networks: conventions of the representation and its compilers."""

from __future__ import annotations

import numpy as np
import pytest

from convac_verify.algebra.fields import IntegerRing, PrimeField
from convac_verify.algebra.matmul import matmul, matmul_generic
from convac_verify.errors import InvalidNetwork
from convac_verify.networks import trees
from convac_verify.networks.compilers import cp_network, eq3_network, tree_network
from convac_verify.networks.contraction import contract
from convac_verify.networks.tensor_network import TensorNetwork, fill_network, random_fill


@pytest.mark.parametrize("p", [2, 7, 1009, 2**31 - 1, 4294967311, 2**61 - 1, 2**62 - 57])
def test_matmul_mod_is_exact(p: int) -> None:
    ring = PrimeField(p)
    rng = np.random.default_rng(p % 1000)
    for sa, sb in [
        ((3, 4, 5), (3, 5, 2)),
        ((6, 130), (130, 3)),
        ((1, 1), (1, 1)),
        ((5, 3), (2, 3, 4)),
    ]:
        a, b = ring.random(rng, sa), ring.random(rng, sb)
        ref = np.matmul(a.astype(object), b.astype(object)) % p
        assert (matmul(ring, a, b).astype(object) == ref).all()
        assert (matmul_generic(ring, a, b).astype(object) == ref).all()
    worst = np.full((4, 200), p - 1, dtype=np.uint64)  # the largest sums
    ref = np.matmul(worst.astype(object), worst.T.astype(object)) % p
    assert (matmul(ring, worst, worst.T.copy()).astype(object) == ref).all()


def test_tree_network_names_and_shapes() -> None:
    net = tree_network(trees.balanced(4), 3, (2, 5))
    assert net.n_modes == 4 and net.dims == (3, 3, 3, 3)
    assert net.legs("P4") == ("d4", "e0", "e1")
    assert net.shape("W0") == (2, 3) and net.shape("W4") == (5, 2) and net.shape("W6") == (1, 5)
    assert net.bond_layer("e4") == "r1" and net.bond_layer("in0") == "M"
    assert net.is_tree() and net.entry_degree() == 7
    shared = tree_network(trees.balanced(4), 3, (2, 5), shared=True)
    assert len(shared.groups()) == 3 and shared.entry_degree() == 7


def test_cp_is_one_delta() -> None:
    net = cp_network(8, 2, 4)
    (delta,) = net.nodes("delta")
    assert len(net.legs(delta)) == 9 and net.bond_dim(net.legs(delta)[0]) == 4


def test_eq3_network_ties_the_discretizers() -> None:
    net = eq3_network(trees.balanced(4), 3, 2)
    assert {net.group(v) for v in net.nodes("tensor") if v.startswith("V")} == {"V"}
    assert net.entry_degree() == 4 + 6


def _tiny() -> TensorNetwork:
    net = TensorNetwork("tiny")
    net.add_bond("a", 2)
    net.add_bond("b", 2)
    net.add_bond("y", 1)
    net.add_input(0, "a")
    net.add_input(1, "b")
    return net


def test_validation_errors_are_one_line() -> None:
    net = _tiny()
    net.add_tensor("T", ["a", "b", "y"])
    net.add_output("y")
    net.validate()
    bad = _tiny()
    bad.add_tensor("T", ["a", "b"])
    bad.add_output("y")
    with pytest.raises(InvalidNetwork, match="bond 'y' must join exactly two legs"):
        bad.validate()
    bad = _tiny()
    with pytest.raises(InvalidNetwork, match="not a declared bond"):
        bad.add_tensor("T", ["a", "zz"])
    bad = _tiny()
    bad.add_bond("c", 3)
    bad.add_delta("D", ["a", "b", "c"])
    bad.add_tensor("T", ["c", "y"])
    bad.add_output("y")
    with pytest.raises(InvalidNetwork, match="dimensions"):
        bad.validate()


def test_contract_with_inputs_evaluates_entries() -> None:
    net = tree_network(trees.balanced(4), 2, 2)
    f = random_fill(net, IntegerRing(), np.random.default_rng(0))
    grid = contract(f)
    e = np.eye(2, dtype=np.int64)
    assert contract(f, {m: e[i] for m, i in enumerate((1, 0, 1, 1))}) == grid[1, 0, 1, 1]
    part = contract(f, {0: e[1], 2: e[0]})
    assert (np.asarray(part, dtype=object) == grid[1, :, 0, :]).all()
    batched = contract(f, {m: np.stack([e[0], e[1]]) for m in range(4)})
    assert list(batched) == [grid[0, 0, 0, 0], grid[1, 1, 1, 1]]


def test_overlap_delta_copies_a_template_index() -> None:
    # input 0 feeds two first-layer units through a delta on its template index:
    # A[a, b] = sum_g U[g, a] V[g, a] X[g, b]
    net = TensorNetwork("overlap")
    for b in ("a", "a1", "a2", "b", "u", "v", "w", "p"):
        net.add_bond(b, 2)
    net.add_bond("y", 1)
    net.add_input(0, "a")
    net.add_input(1, "b")
    net.add_delta("copy", ["a", "a1", "a2"])
    net.add_tensor("U", ["u", "a1"])
    net.add_tensor("V", ["v", "a2"])
    net.add_tensor("X", ["w", "b"])
    net.add_delta("pool", ["u", "v", "w", "p"])
    net.add_tensor("R", ["y", "p"])
    net.add_output("y")
    net.fixed["R"] = [[1, 1]]
    net.validate()
    assert not net.is_tree()  # the copied input closes a cycle
    w = {"U": [[1, 2], [3, 4]], "V": [[5, 6], [7, 8]], "X": [[1, 1], [2, 3]]}
    got = contract(fill_network(net, IntegerRing(), w))
    U, V, X = (np.array(w[k]) for k in "UVX")
    assert (np.asarray(got, dtype=object) == np.einsum("ga,ga,gb->ab", U, V, X)).all()
    assert net.entry_degree() == 3  # R is fixed


def test_per_node_widths() -> None:
    tree = trees.from_nested(((0, 1), (2, 3)))
    net = tree_network(tree, 2, {0: 3, 1: 3, 2: 1, 3: 1, 4: 5, 5: 5})
    assert net.shape("W0") == (3, 2) and net.shape("W4") == (5, 3) and net.shape("W5") == (5, 1)
    assert net.shape("W6") == (1, 5)
    from convac_verify.errors import InvalidDecomposition

    with pytest.raises(InvalidDecomposition, match="same-channel pooling"):
        tree_network(tree, 2, {0: 3, 1: 2, 2: 1, 3: 1, 4: 5, 5: 5})


def test_compiled_structures_are_shared() -> None:
    from convac_verify.networks.compilers import compile_network
    from convac_verify.networks.decompositions import random_decomposition

    ring = PrimeField()
    a = random_decomposition(trees.balanced(8), 2, 2, ring, np.random.default_rng(0))
    b = random_decomposition(trees.balanced(8), 2, 2, ring, np.random.default_rng(1))
    fa, fb = compile_network(a), compile_network(b)
    assert fa.network is fb.network and fa.weights["W0"] is not fb.weights["W0"]


def test_cached_plans_survive_mixed_calls() -> None:
    net = tree_network(trees.balanced(4), 2, 2)
    f = random_fill(net, IntegerRing(), np.random.default_rng(0))
    grid = contract(f)
    e = np.eye(2, dtype=np.int64)
    for _ in range(2):  # grid, entries, grid again: the cached grid plan stays valid
        assert contract(f, dict.fromkeys(range(4), e[0])) == grid[0, 0, 0, 0]
        assert (np.asarray(contract(f), dtype=object) == grid).all()
