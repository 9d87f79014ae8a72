"""Mixed decompositions as data, hybrids (Def. 4, Prop. 2) and Claim 5 at tiny sizes.

The package has no evaluator for mixed decompositions (the tensor-network core will
contract them); :func:`_mixed_grid_tensor` below is a brute-force evaluator of the
semantics stated in :mod:`convac_verify.networks.mixed`, for these tests only.
"""

from __future__ import annotations

import numpy as np
import pytest

from convac_verify.algebra.fields import Array, PrimeField, Ring
from convac_verify.errors import ConvacError, InvalidDecomposition
from convac_verify.networks import trees
from convac_verify.networks.dilated import (
    dilated_grid_tensor,
    example_hybrid_tree,
    random_dilated,
)
from convac_verify.networks.dilations import dilation_tree, swapped_tree
from convac_verify.networks.mixed import (
    MixedDecomposition,
    Mixture,
    Node,
    claim5_mixed,
    hybrid_tree,
    hybrids,
    make_mixture,
    parse_mixture_nodes,
    random_mixed,
)

P = 2**31 - 1


def _canonical(ring: Ring, x: Array, modes: list[int]) -> tuple[Array, list[int]]:
    """Axes 1.. of ``x`` are ``modes``; return them sorted."""
    order = np.argsort(modes)
    return np.transpose(x, (0, *(1 + order))), sorted(modes)


def _mixed_grid_tensor(mixed: MixedDecomposition) -> Array:
    """``A^y`` of a mixed decomposition by the recursion of the module docstring."""
    ring, mix = mixed.ring, set(mixed.mixture.nodes)
    r, dim = mixed.width, mixed.dim
    leaf = np.ascontiguousarray(np.asarray(mixed.discretizers).T)  # (r, M)
    pre: dict[tuple[int, Node], Array] = {}

    def combine(w: Array, x: Array) -> Array:
        acc = None
        for a in range(w.shape[1]):
            term = ring.mul(w[:, a].reshape((-1,) + (1,) * (x.ndim - 1)), x[a][None])
            acc = term if acc is None else ring.add(acc, term)
        assert acc is not None
        return acc

    def value(which: int, node: Node) -> Array:
        if len(node) == 1:
            return leaf
        if node not in mix:
            return pre_value(which, node)
        mine, other = pre_value(which, node), pre_value(1 - which, node)
        return np.concatenate([other[: r // 2], mine[r // 2 :]])

    def pre_value(which: int, node: Node) -> Array:
        key = (which, node)
        if key in pre:
            return pre[key]
        tree = mixed.mixture.pair()[which]
        index = {frozenset(trees.leaves_below(tree, v)): v for v in trees.postorder(tree)}
        kids = [frozenset(trees.leaves_below(tree, c)) for c in trees.children(tree, index[node])]
        out = None
        modes: list[int] = []
        for w, kid in zip(mixed.weights[which][node], kids, strict=True):
            y = combine(np.asarray(w), value(which, kid))
            kid_modes = sorted(kid)
            if out is None:
                out, modes = y, kid_modes
            else:
                out = ring.mul(
                    out.reshape(out.shape + (1,) * (y.ndim - 1)),
                    y.reshape(y.shape[:1] + (1,) * (out.ndim - 1) + y.shape[1:]),
                )
                modes = modes + kid_modes
        assert out is not None
        pre[key], _ = _canonical(ring, out, modes)
        return pre[key]

    root = mixed.mixture.root
    total = ring.add(pre_value(0, root)[0], pre_value(1, root)[0])
    assert total.shape == (dim,) * mixed.n_modes
    return total


def _small_mixture() -> Mixture:
    # baseline vs dilations 2,1,4 over N = 8: shared {0-3}, {4-7}; both segments differ
    return parse_mixture_nodes("depth:1", trees.balanced(8), dilation_tree([2, 1, 4]))


def test_mixture_nodes_must_be_shared_interior_nodes() -> None:
    base, swap = trees.balanced(16), swapped_tree(16, 2)
    with pytest.raises(ConvacError, match=r"mixture node \{0,1\} is not interior to T-bar"):
        make_mixture(base, swap, [[0, 1]])
    with pytest.raises(ConvacError, match=r"mixture node \{3\} is not interior to T = .*a leaf"):
        make_mixture(base, swap, [[3]])
    with pytest.raises(ConvacError, match="not interior"):
        parse_mixture_nodes("layer:1", base, swap)
    m = parse_mixture_nodes("depth:2", base, swap)
    assert [sorted(x) for x in m.nodes] == [
        [0, 1, 2, 3],
        [4, 5, 6, 7],
        [8, 9, 10, 11],
        [12, 13, 14, 15],
    ]
    assert parse_mixture_nodes("0-3;12,13,14,15", base, swap).nodes == (m.nodes[0], m.nodes[3])
    assert parse_mixture_nodes("none", base, swap).nodes == ()


def test_segments_partition_the_interior_nodes() -> None:
    m = parse_mixture_nodes("depth:2", trees.balanced(16), swapped_tree(16, 2))
    for which, tree in enumerate(m.pair()):
        seg = m.segment_of(which)
        assert len(seg) == len(trees.internal_nodes(tree))
    assert m.differing == (True, True, True, True, True)
    assert m.hybrid_count == 32 and m.choice_count == 32


def test_hybrids_are_lazy_counted_and_contain_t_and_t_bar() -> None:
    """Def. 4 and Prop. 2."""
    base, swap = trees.balanced(16), swapped_tree(16, 2)
    m = parse_mixture_nodes("depth:2", base, swap)
    gen = hybrids(m)
    first = next(gen)
    assert trees.to_nested(first[1]) == trees.to_nested(base)
    rest = list(gen)
    assert 1 + len(rest) == m.hybrid_count
    nested = {trees.to_nested(h) for _, h in rest} | {trees.to_nested(first[1])}
    assert len(nested) == m.hybrid_count
    assert trees.to_nested(rest[-1][1]) == trees.to_nested(swap)
    # the worked example's hybrid: first half of the blocks from T, the rest and the top from T
    example = hybrid_tree(m, (0, 0, 1, 1, 0))
    assert trees.to_nested(example) == trees.to_nested(example_hybrid_tree(16))


def test_equal_segments_count_once() -> None:
    base = trees.balanced(8)
    m = make_mixture(base, base, [[0, 1, 2, 3]])
    assert m.differing == (False, False)
    assert m.hybrid_count == 1 and m.choice_count == 4
    assert len(list(hybrids(m))) == 1


@pytest.mark.parametrize("width", [1, 2])
def test_claim_5_reproduces_every_hybrid_exactly(width: int) -> None:
    ring = PrimeField(P)
    rng = np.random.default_rng(5)
    m = _small_mixture()
    count = 0
    for choice, h in hybrids(m):
        dec = random_dilated(h, 2, width, ring, rng)
        mixed = claim5_mixed(m, choice, dec, pad=ring.random(rng, (2, width)))
        assert mixed.width == 2 * width
        assert np.array_equal(_mixed_grid_tensor(mixed), dilated_grid_tensor(dec))
        count += 1
    assert count == m.hybrid_count == 4


def test_claim_5_on_the_worked_example_at_n_16() -> None:
    ring = PrimeField(P)
    rng = np.random.default_rng(1)
    m = parse_mixture_nodes("depth:2", trees.balanced(16), swapped_tree(16, 2))
    for choice in [(0, 0, 1, 1, 0), (1, 0, 1, 0, 1), (1, 1, 1, 1, 1)]:
        h = hybrid_tree(m, choice)
        dec = random_dilated(h, 2, 1, ring, rng)
        mixed = claim5_mixed(m, choice, dec)
        assert np.array_equal(_mixed_grid_tensor(mixed), dilated_grid_tensor(dec))


def test_brute_force_evaluator_sums_the_two_trees_without_mixture() -> None:
    """Sanity of the test evaluator: with no mixture nodes the output is T's + T-bar's."""
    ring = PrimeField(P)
    rng = np.random.default_rng(2)
    base, other = trees.balanced(8), dilation_tree([2, 1, 4])
    m = make_mixture(base, other, [])
    mixed = random_mixed(m, 2, 2, ring, rng)
    from convac_verify.networks.dilated import DilatedDecomposition

    parts = []
    for which, tree in enumerate(m.pair()):
        w = {}
        for v in trees.internal_nodes(tree):
            w[v] = mixed.weights[which][frozenset(trees.leaves_below(tree, v))]
        parts.append(
            dilated_grid_tensor(DilatedDecomposition(tree, 2, 2, mixed.discretizers, w, ring))
        )
    assert np.array_equal(_mixed_grid_tensor(mixed), ring.add(parts[0], parts[1]))


def test_mixed_decomposition_validates_its_data() -> None:
    ring = PrimeField(P)
    rng = np.random.default_rng(0)
    m = _small_mixture()
    with pytest.raises(InvalidDecomposition, match="even"):
        random_mixed(m, 2, 3, ring, rng)
    mixed = random_mixed(m, 2, 2, ring, rng)
    bad = dict(mixed.weights[0])
    bad[m.root] = (bad[m.root][0],)
    with pytest.raises(InvalidDecomposition, match="one weight matrix per child"):
        MixedDecomposition(m, 2, 2, mixed.discretizers, (bad, mixed.weights[1]), ring)
    with pytest.raises(InvalidDecomposition, match="not over the hybrid tree"):
        claim5_mixed(m, (0, 1, 0), random_dilated(trees.balanced(8), 2, 1, ring, rng))
