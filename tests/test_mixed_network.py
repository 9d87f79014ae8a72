"""The mixed decomposition compiled into the tensor-network core (no second evaluator).

The compiled network's grid tensor (the one contraction) is compared entry for entry
with the brute-force evaluator of the semantics in ``tests/test_mixed.py``, at N <= 16,
mod p and over Z; ``random_fill`` of the bare structure is a random mixed decomposition;
the min-cut is a sound bound that is not the sum of the trees' bounds.
"""

from __future__ import annotations

import numpy as np
import pytest

from convac_verify.algebra.fields import IntegerRing, PrimeField
from convac_verify.bounds import network_upper_bounds
from convac_verify.bounds.mincut import min_cut
from convac_verify.engines.measure import RankSettings, dense_rank
from convac_verify.errors import InvalidDecomposition, InvalidNetwork
from convac_verify.networks import trees
from convac_verify.networks.compilers import compile_network
from convac_verify.networks.contraction import contract
from convac_verify.networks.dilated import dilated_grid_tensor, random_dilated
from convac_verify.networks.dilations import dilation_tree, groups_partition, swapped_tree
from convac_verify.networks.mixed import (
    MixedDecomposition,
    claim5_mixed,
    hybrids,
    make_mixture,
    node_index,
    parse_mixture_nodes,
    random_mixed,
)
from convac_verify.networks.mixed_network import (
    TAGS,
    block_weight,
    leaf_weight,
    level_widths,
    mixed_network,
)
from convac_verify.networks.network_file import network_to_dict
from convac_verify.networks.partitions import left_right
from convac_verify.networks.tensor_network import fill_network, random_fill

from .test_mixed import _mixed_grid_tensor

P = 2**61 - 1

CASES = [
    ("balanced:8", "2,1,4", "depth:1", 2),
    ("balanced:8", "2,1,4", "depth:1", 4),
    ("balanced:8", "2,1,4", "none", 3),  # a plain sum: any width
    ("balanced:8", "4,2,1", "none", 1),
    ("balanced:16", "2,1,8,4", "depth:2", 2),
    ("balanced:16", "2,1,4,8", "0-3;8,9,10,11;0-7", 2),  # nested mixture nodes
    ("windows:2,4", "windows:2,4", "depth:1", 2),  # non-binary trees, equal segments
]


def _mixture(t: str, t_bar: str, mix: str):  # type: ignore[no-untyped-def]
    tree = trees.parse_tree(t)
    other = (
        trees.parse_tree(t_bar)
        if ":" in t_bar
        else dilation_tree([int(d) for d in t_bar.split(",")])
    )
    return parse_mixture_nodes(mix, tree, other)


@pytest.mark.parametrize(("t", "t_bar", "mix", "width"), CASES)
def test_compiled_grid_tensor_is_the_semantics(t: str, t_bar: str, mix: str, width: int) -> None:
    m = _mixture(t, t_bar, mix)
    rng = np.random.default_rng(width)
    for ring in (PrimeField(P), IntegerRing()):
        if isinstance(ring, IntegerRing) and m.n_modes > 8:
            continue  # over Z at small sizes (Python ints)
        mixed = random_mixed(m, 2, width, ring, rng)
        assert np.array_equal(contract(compile_network(mixed)), _mixed_grid_tensor(mixed))


def test_claim_5_through_the_compiled_network() -> None:
    ring = PrimeField(P)
    rng = np.random.default_rng(3)
    m = parse_mixture_nodes("depth:1", trees.balanced(8), dilation_tree([2, 1, 4]))
    for choice, h in hybrids(m):
        dec = random_dilated(h, 2, 2, ring, rng)
        mixed = claim5_mixed(m, choice, dec, pad=ring.random(rng, (2, 2)))
        assert np.array_equal(contract(compile_network(mixed)), dilated_grid_tensor(dec))


def test_random_fill_of_the_structure_is_a_random_mixed_decomposition() -> None:
    """The structure alone (free masks on the block weights, V tied) is the architecture:
    random_fill gives some mixed decomposition, whose semantics it contracts to."""
    ring = PrimeField(P)
    m = _mixture("balanced:8", "2,1,4", "depth:1")
    net = mixed_network(m, 2, 2)
    filled = random_fill(net, ring, np.random.default_rng(0))
    v = np.asarray(filled.weights["V"])
    assert np.all(v[1, :, 2] == 1) and np.all(v[1, :, :2] == 0) and np.all(v[0, :, 2] == 0)
    weights: list[dict[frozenset[int], tuple[np.ndarray, ...]]] = [{}, {}]
    for s, (tag, tree) in enumerate(zip(TAGS, m.pair(), strict=True)):
        for node in trees.internal_nodes(tree):
            mats = []
            for k, _ in enumerate(trees.children(tree, node)):
                w = np.asarray(filled.weights[f"{tag}A{node}_{k}"])
                assert w[-1, -1] == 1 and not w[-1, :-1].any() and not w[:-1, -1].any()
                mats.append(w[:-1, :-1])
            weights[s][frozenset(trees.leaves_below(tree, node))] = tuple(mats)
    mixed = MixedDecomposition(m, 2, 2, v[0, :, :2], (weights[0], weights[1]), ring)
    assert np.array_equal(contract(filled), _mixed_grid_tensor(mixed))
    assert net.entry_degree() == 2 * 14 + 2 * 8  # every block weight and leaf tensor
    assert mixed.entry_degree() == 14 + 8  # one hybrid's edges and discretizers


def test_fill_refuses_weights_that_change_fixed_entries() -> None:
    m = _mixture("balanced:8", "2,1,4", "depth:1")
    net = mixed_network(m, 2, 2)
    ring = PrimeField(P)
    good = random_fill(net, ring, np.random.default_rng(0))
    bad = dict(good.weights)
    w = np.array(bad["tA8_0"])
    w[-1, -1] = 2
    bad["tA8_0"] = w
    with pytest.raises(InvalidNetwork, match="change its fixed entries"):
        fill_network(net, ring, bad)
    with pytest.raises(InvalidNetwork, match="no weights for group 'V'"):
        fill_network(net, ring, {k: x for k, x in good.weights.items() if k != "V"})


def test_odd_width_needs_no_mixture_nodes() -> None:
    with pytest.raises(InvalidDecomposition, match="even"):
        mixed_network(_mixture("balanced:8", "2,1,4", "depth:1"), 2, 3)


def test_min_cut_is_sound_and_not_the_sum_of_the_trees() -> None:
    """The worked example: the min-cut of the compiled network bounds the measured rank;
    T + T-bar's bounds (64 + 64) are below the mixed rank (256): no bound at all."""
    n = 16
    m = parse_mixture_nodes("layer:2", trees.balanced(n), swapped_tree(n, 2))
    part = groups_partition(n, 2)
    net = mixed_network(m, 2, 4)
    settings = RankSettings(seed=0)
    mixed = random_mixed(m, 2, 4, settings.ring(), np.random.default_rng(0))
    rank, _ = dense_rank(contract(compile_network(mixed)), part, settings)
    cut = min_cut(net, part)
    assert rank == 256 == cut.value
    assert rank > 64 + 64
    bounds = network_upper_bounds(net, part)
    assert [b.certificate.kind for b in bounds] == ["min-cut", "matrix-size"]
    # left/right: the cut takes bonds between segments (2r = 8 each)
    assert min_cut(net, left_right(n)).value == 64


def test_network_of_a_sum_contracts_to_the_sum() -> None:
    ring = PrimeField(P)
    rng = np.random.default_rng(4)
    t, t_bar = trees.balanced(8), dilation_tree([4, 2, 1])
    m = make_mixture(t, t_bar, [])
    mixed = random_mixed(m, 3, 3, ring, rng)
    assert np.array_equal(contract(compile_network(mixed)), _mixed_grid_tensor(mixed))


def _embed(m, widths, mixed):  # type: ignore[no-untyped-def]
    """Per-level weights from uniform ones of width 2r (zero padding): at a level with
    mixture nodes the low block stays and the high block moves to ``r_h/2``; elsewhere
    (and at the leaves) only the low block is kept -- Claim 5's weights use no more."""
    ring, r2 = mixed.ring, mixed.width
    half = r2 // 2
    pair = m.pair()
    mix_levels = {trees.height(pair[0], node_index(pair[0])[mu]) for mu in m.nodes}

    def cols(h: int) -> dict[int, int]:
        if h in mix_levels:
            return {g: g if g < half else widths[h] // 2 + g - half for g in range(r2)}
        return {g: g for g in range(half)}

    def move(w, rows, cols_, shape):  # type: ignore[no-untyped-def]
        ints = np.asarray(ring.to_ints(w), dtype=object).reshape(np.asarray(w).shape[:2])
        out = np.zeros(shape, dtype=object)
        for a in range(ints.shape[0]):
            for b in range(ints.shape[1]):
                if ints[a, b]:
                    out[rows[a], cols_[b]] = ints[a, b]  # KeyError: a dropped entry is used
        return ring.from_ints(out)

    weights = {"V": leaf_weight(ring, move(mixed.discretizers, {d: d for d in range(mixed.dim)},
                                           cols(0), (mixed.dim, widths[0])))}  # fmt: skip
    for s, (tag, tree) in enumerate(zip(TAGS, pair, strict=True)):
        for v in trees.internal_nodes(tree):
            node = frozenset(trees.leaves_below(tree, v))
            h = trees.height(tree, v)
            rows, out = ({0: 0}, 1) if node == m.root else (cols(h), widths[h])
            for k, c in enumerate(trees.children(tree, v)):
                hc = trees.height(tree, c)
                w = move(mixed.weights[s][node][k], rows, cols(hc), (out, widths[hc]))
                weights[f"{tag}A{v}_{k}"] = block_weight(ring, w)
    return weights


def test_per_level_widths_hold_every_hybrid_at_the_smallest_width() -> None:
    """Per-level widths (N = 16, worked example, r_0..r_3 = 2,3,6,5): every hybrid of
    width r' = 2 (r' <= r_0, r_1, r_3 and 2r' <= r_2, the mixture level) is reproduced
    exactly by the per-level network (Claim 5's weights, zero-padded); uniform widths
    give the very same network as one r_mix."""
    ring = PrimeField(P)
    rng = np.random.default_rng(5)
    n, widths = 16, (2, 3, 6, 5)
    m = parse_mixture_nodes("layer:2", trees.balanced(n), swapped_tree(n, 2))
    net = mixed_network(m, 2, widths)
    assert level_widths(m, 4) == (4, 4, 4, 4)
    uniform = mixed_network(m, 2, (4, 4, 4, 4))
    assert network_to_dict(uniform) == network_to_dict(mixed_network(m, 2, 4))
    for i, (choice, h) in enumerate(hybrids(m)):
        if i % 7:
            continue  # 5 of the 32 hybrids (T among them)
        dec = random_dilated(h, 2, 2, ring, rng)
        weights = _embed(m, widths, claim5_mixed(m, choice, dec))
        assert np.array_equal(contract(fill_network(net, ring, weights)), dilated_grid_tensor(dec))
    with pytest.raises(InvalidDecomposition, match="r_2 = 5 must be even"):
        mixed_network(m, 2, (2, 3, 5, 5))
    with pytest.raises(InvalidDecomposition, match="need L = 4 values"):
        mixed_network(m, 2, (2, 2))
    part = groups_partition(n, 2)
    assert min_cut(net, part).value <= 2**16
