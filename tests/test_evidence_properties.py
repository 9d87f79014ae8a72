"""Property tests of the evidence model on random small instances, checked against an
independent exact rank: a false claim is never proved (nor verified), a true claim is
never violated -- with the default random prime, and with a fixed small prime (where
nothing may rest on an epsilon).

The ground truth is independent of the package's evaluation and ranks: the grid tensor
is evaluated here by plain recursion with Python integers at random integer weights of
up to 40 bits, matricized by ``numpy.transpose``, and ranked by the Fraction elimination
of :mod:`tests.reference_rank`; the generic rank is the largest rank over two points
(a point reaches it except with probability below 1e-9).
"""

from __future__ import annotations

from functools import reduce

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from convac_verify.engines.measure import Context, RankSettings
from convac_verify.evidence.status import Claim, Status, decide
from convac_verify.networks import trees
from convac_verify.networks.partitions import Partition

from .reference_rank import rank_q
from .strategies import random_tree

BITS = 40


def _widths(tree: object, width: int, levels: list[int]) -> tuple[int, ...]:
    depth = trees.height(tree, trees.root(tree))  # type: ignore[arg-type]
    same_depth = all(
        trees.height(tree, c) == trees.height(tree, trees.children(tree, v)[0])  # type: ignore[arg-type]
        for v in trees.internal_nodes(tree)  # type: ignore[arg-type]
        for c in trees.children(tree, v)  # type: ignore[arg-type]
    )
    if same_depth:
        return tuple((levels + [width] * depth)[:depth])
    return (width,) * depth


def _generic_rank(
    tree: object, dim: int, ws: tuple[int, ...], part: Partition, rng: np.random.Generator
) -> int:
    """Independent: evaluate the same-channel decomposition at integer points, exact rank."""
    t = tree
    root = trees.root(t)  # type: ignore[arg-type]
    n = trees.n_modes(t)  # type: ignore[arg-type]

    def rand(shape: tuple[int, int]) -> list[list[int]]:
        return [
            [int(rng.integers(-(2**BITS), 2**BITS)) for _ in range(shape[1])]
            for _ in range(shape[0])
        ]

    def node(v: int) -> tuple[list[np.ndarray], tuple[int, ...]]:
        kids = trees.children(t, v)  # type: ignore[arg-type]
        if not kids:
            a = rand((ws[0], dim))
            return [np.array(row, dtype=object) for row in a], (v,)
        parts = [node(c) for c in kids]
        r_in = len(parts[0][0])
        r_out = 1 if v == root else ws[trees.height(t, v)]  # type: ignore[arg-type]
        w = rand((r_out, r_in))
        modes = tuple(m for _, ms in parts for m in ms)
        out = []
        for g in range(r_out):
            acc = 0
            for alpha in range(r_in):
                term = reduce(np.multiply.outer, [p[0][alpha] for p in parts])
                acc = acc + w[g][alpha] * term
            out.append(acc)
        return out, modes

    best = 0
    for _ in range(2):
        (tensor,), modes = node(root)
        tensor = np.transpose(tensor, np.argsort(modes))  # axis m = mode m
        order = list(part.rows) + list(part.cols)
        mat = np.transpose(tensor, order).reshape(dim ** len(part.rows), -1)
        best = max(best, rank_q([[int(x) for x in row] for row in mat]))
    assert len(modes) == n
    return best


@st.composite
def instances(draw: st.DrawFn) -> tuple[object, int, tuple[int, ...], Partition, int]:
    tree = draw(random_tree(max_modes=6))
    n = trees.n_modes(tree)
    dim = draw(st.integers(2, 3))
    if dim**n > 3**6:
        dim = 2
    width = draw(st.integers(1, 3))
    levels = draw(st.lists(st.integers(1, 3), min_size=0, max_size=3))
    rows = draw(st.sets(st.integers(0, n - 1), min_size=1, max_size=n - 1))
    seed = draw(st.integers(0, 2**20))
    return tree, dim, _widths(tree, width, levels), Partition.from_rows(rows, n), seed


def _truth(relation: str, generic: int, value: int) -> bool:
    return {">=": generic >= value, "<=": generic <= value, "==": generic == value}[relation]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    instances(),
    st.sampled_from([">=", "<=", "=="]),
    st.integers(-2, 2),
    st.sampled_from([None, 2, 3, 5, 2**61 - 1]),
    st.sampled_from(["", "iclr17-theorem-1", "rank"]),
    st.booleans(),
)
def test_false_claims_are_never_proved_and_true_ones_never_violated(
    case: tuple[object, int, tuple[int, ...], Partition, int],
    relation: str,
    delta: int,
    prime: int | None,
    check: str,
    shared: bool,
) -> None:
    tree, dim, ws, part, seed = case
    generic = _generic_rank(tree, dim, ws, part, np.random.default_rng(seed))
    settings_ = RankSettings(seed=seed) if prime is None else RankSettings(prime=prime, seed=seed)
    m = Context(settings_).measure(tree, dim, ws, part, shared=shared)  # type: ignore[arg-type]
    value = max(0, generic + delta)
    assert m.rank <= generic  # a rank mod p never exceeds the rank over Q (sharing: lower)
    for b in m.bounds:  # every certified upper bound holds (shared weights are a special case)
        assert generic <= b.value, (b, generic)
        assert m.rank <= b.value
    if shared:  # sharing can lower the generic rank: the truth of a claim is unknown here
        return
    v = decide(Claim(relation, "v", value), m, check)
    truth = _truth(relation, generic, value)
    if truth:
        assert v.status is not Status.VIOLATED, (generic, value, v)
    else:
        assert v.status not in (Status.PROVED, Status.VERIFIED), (generic, value, v)
    if prime is not None and prime < 2**61:  # a fixed prime: nothing rests on an epsilon
        assert v.status is not Status.VERIFIED
        assert v.status is not Status.VIOLATED or v.epsilon is None
