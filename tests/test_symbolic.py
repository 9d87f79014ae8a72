"""Symbolic weights: polynomial rings, fraction-free elimination, ranks over Q(w).

Every symbolic rank is cross-checked against the numeric engines (a random point over
GF(p)) on every tested instance, and the hand-written elimination against SymPy's
``DomainMatrix`` where that finishes quickly.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from convac_verify.algebra.fields import IntegerRing, PrimeField
from convac_verify.engines.measure import RankSettings
from convac_verify.errors import BudgetExceeded
from convac_verify.networks.decompositions import decomposition_from_weights
from convac_verify.networks.dilated import DilatedDecomposition, dilated_grid_tensor
from convac_verify.networks.grid import grid_tensor
from convac_verify.networks.partitions import parse_partition
from convac_verify.networks.trees import parse_tree
from convac_verify.symbolic.elimination import (
    all_maximal_minors,
    determinant,
    fraction_free_rank,
)
from convac_verify.symbolic.networks import SymbolicNetwork, symbolic_network
from convac_verify.symbolic.numeric import numeric_rank
from convac_verify.symbolic.polynomials import PolynomialRing
from convac_verify.symbolic.rank import DEFAULT_MAX_WORK, entry_terms, symbolic_rank

# (tree, M, widths, rows, kind, shared): every one is cross-checked numerically
INSTANCES = [
    ("balanced:4", 2, 1, "odd-even", "same-channel", False),
    ("balanced:4", 2, 2, "odd-even", "same-channel", False),
    ("balanced:4", 2, 2, "left-right", "same-channel", False),
    ("balanced:4", 2, 2, "odd-even", "same-channel", True),
    ("balanced:4", 2, 2, "left-right", "same-channel", True),
    ("balanced:4", 3, 1, "odd-even", "same-channel", False),
    ("balanced:4", 3, 2, "left-right", "same-channel", False),
    ("balanced:4", 2, 3, "left-right", "same-channel", False),
    ("((0,1),(2,3))", 2, (2, 1), "odd-even", "same-channel", False),
    ("((0,1),(2,3))", 2, (1, 2), "odd-even", "same-channel", False),
    ("((0,2),(1,3))", 2, 2, "odd-even", "same-channel", False),
    ("cp:4", 2, 1, "odd-even", "same-channel", False),
    ("cp:4", 2, 2, "odd-even", "same-channel", False),
    ("cp:4", 2, 3, "odd-even", "same-channel", False),
    ("cp:4", 2, 3, "odd-even", "same-channel", True),
    ("cp:4", 2, 5, "odd-even", "same-channel", False),
    ("cp:4", 3, 2, "left-right", "same-channel", False),
    ("cp:4", 3, 3, "odd-even", "same-channel", False),
    ("cp:3", 2, 2, "0", "same-channel", False),
    ("cp:6", 2, 3, "odd-even", "same-channel", False),
    ("windows:2,3", 2, 1, "odd-even", "same-channel", False),
    ("windows:3,2", 2, 1, "left-right", "same-channel", False),
    ("((0,1),2)", 2, 2, "0,2", "same-channel", False),
    ("balanced:8", 2, 1, "odd-even", "same-channel", False),
    ("balanced:4", 2, 2, "left-right", "dilated", False),
    ("swapped:4", 2, 2, "odd-even", "dilated", False),
    ("swapped:4", 3, 1, "left-right", "dilated", False),
    ("balanced:4", 2, 1, "odd-even", "dilated", False),
]
# heavier instances (seconds each), run with --runslow
SLOW_INSTANCES = [
    ("balanced:4", 3, 2, "odd-even", "same-channel", False),
    ("cp:4", 3, 4, "odd-even", "same-channel", False),
    ("cp:6", 2, 4, "odd-even", "same-channel", False),
    ("windows:3,2", 2, 2, "odd-even", "same-channel", False),
    ("swapped:4", 2, 2, "left-right", "dilated", False),
    ("balanced:4", 2, 2, "odd-even", "dilated", False),
]


def _instance(spec: tuple) -> tuple[SymbolicNetwork, object]:  # type: ignore[type-arg]
    tree, dim, widths, rows, kind, shared = spec
    net = symbolic_network(parse_tree(tree), dim, widths, kind=kind, shared=shared)
    part = parse_partition(rows, net.n_modes, np.random.default_rng(0))
    return net, part


def _cross_check(spec: tuple, max_work: int = DEFAULT_MAX_WORK) -> None:  # type: ignore[type-arg]
    net, part = _instance(spec)
    result = symbolic_rank(net, part, minors=False, max_work=max_work)
    for seed in (0, 1):
        numeric = numeric_rank(net, part, RankSettings(seed=seed))  # type: ignore[arg-type]
        assert numeric.rank == result.rank, (spec, seed, numeric.rank, result.rank)
        # the symbolic rank is the maximum over all weights: above every structural bound
        assert numeric.upper_bound is None or result.rank <= numeric.upper_bound


@pytest.mark.parametrize("spec", INSTANCES, ids=lambda s: "-".join(map(str, s)))
def test_symbolic_rank_equals_numeric_generic_rank(spec: tuple) -> None:  # type: ignore[type-arg]
    _cross_check(spec)


@pytest.mark.slow
@pytest.mark.parametrize("spec", SLOW_INSTANCES, ids=lambda s: "-".join(map(str, s)))
def test_symbolic_rank_equals_numeric_generic_rank_slow(spec: tuple) -> None:  # type: ignore[type-arg]
    _cross_check(spec, max_work=10**10)


def _evaluate(net: SymbolicNetwork, values: list[int]) -> np.ndarray:
    """The symbolic grid tensor at integer weights (every polynomial evaluated)."""
    out = np.empty(net.grid_tensor().shape, dtype=object)
    tensor = net.grid_tensor()
    for idx in np.ndindex(*tensor.shape):
        terms = net.ring.to_dict(tensor[idx])
        out[idx] = sum(
            c * int(np.prod([v**e for v, e in zip(values, exps, strict=True)], dtype=object))
            for exps, c in terms.items()
        )
    return out


@pytest.mark.parametrize("spec", [INSTANCES[i] for i in (1, 3, 4, 8, 13, 14, 16, 22, 24, 25, 26)])
def test_symbolic_grid_tensor_is_the_numeric_one_at_integer_weights(spec: tuple) -> None:  # type: ignore[type-arg]
    """The polynomials evaluate to the grid tensor the numeric code computes."""
    net, _ = _instance(spec)
    rng = np.random.default_rng(7)
    values = [int(v) for v in rng.integers(-50, 50, size=len(net.symbols))]
    at = {(s.node, s.index): v for s, v in zip(net.symbols, values, strict=True)}
    Z = IntegerRing()
    if net.kind == "dilated":
        from convac_verify.networks import trees as T

        width = net.widths[0]
        v = Z.from_ints([[at[(-1, (d, g))] for g in range(width)] for d in range(net.dim)])
        root = T.root(net.tree)
        weights = {}
        for node in T.internal_nodes(net.tree):
            n_out = 1 if node == root else width
            weights[node] = tuple(
                Z.from_ints([[at[(node, (k, g, a))] for a in range(width)] for g in range(n_out)])
                for k in range(len(T.children(net.tree, node)))
            )
        expected = dilated_grid_tensor(
            DilatedDecomposition(net.tree, net.dim, width, v, weights, Z)
        )
    else:
        from convac_verify.symbolic.networks import _owner, _same_channel_shapes

        shapes = _same_channel_shapes(net.tree, net.dim, net.widths)
        weights = {
            node: [
                [at[(_owner(net, node), (g, a))] for a in range(shape[1])] for g in range(shape[0])
            ]
            for node, shape in shapes.items()
        }
        decomp = decomposition_from_weights(net.tree, net.dim, net.widths, weights, Z)
        expected = grid_tensor(decomp)
    assert _evaluate(net, values).tolist() == np.asarray(expected, dtype=object).tolist()


def test_backends_agree_entry_by_entry_and_on_the_rank() -> None:
    for spec in [INSTANCES[1], INSTANCES[13], INSTANCES[24]]:
        tree, dim, widths, rows, kind, _shared = spec
        nets = [
            symbolic_network(parse_tree(tree), dim, widths, kind=kind, backend=b)
            for b in ("flint", "sympy")
        ]
        part = parse_partition(rows, nets[0].n_modes, np.random.default_rng(0))
        a, b = (n.matricization(part) for n in nets)
        assert [nets[0].ring.to_dict(p) for p in a.ravel()] == [
            nets[1].ring.to_dict(p) for p in b.ravel()
        ]
    net = symbolic_network(parse_tree("cp:4"), 2, 3, backend="sympy")
    part = parse_partition("odd-even", 4, np.random.default_rng(0))
    result = symbolic_rank(net, part, minors=False)
    flint = symbolic_rank(symbolic_network(parse_tree("cp:4"), 2, 3), part, minors=False)
    assert result.rank == flint.rank == 3
    assert net.ring.to_dict(result.minor) == flint.network.ring.to_dict(flint.minor)


@pytest.mark.parametrize("spec", [INSTANCES[2], INSTANCES[12], INSTANCES[16], INSTANCES[24]])
def test_elimination_agrees_with_sympy_domain_matrix(spec: tuple) -> None:  # type: ignore[type-arg]
    """The hand-written fraction-free elimination against SymPy's rref_den over ZZ[w]."""
    from sympy.polys.matrices import DomainMatrix

    tree, dim, widths, rows, kind, _shared = spec
    net = symbolic_network(parse_tree(tree), dim, widths, kind=kind, backend="sympy")
    part = parse_partition(rows, net.n_modes, np.random.default_rng(0))
    matrix = net.matricization(part)
    domain = net.ring._impl[0].to_domain()
    dm = DomainMatrix(matrix.tolist(), matrix.shape, domain)
    _, _, pivots = dm.rref_den()
    ours = fraction_free_rank(matrix.tolist(), net.ring)
    assert ours.rank == len(pivots)
    sub = dm.extract(list(ours.rows), list(ours.cols))
    assert sub.det() == ours.minor  # the minor is the determinant of those rows and columns


def test_minor_is_nonzero_and_every_larger_minor_vanishes() -> None:
    for spec in (INSTANCES[2], INSTANCES[12], INSTANCES[16], INSTANCES[24], INSTANCES[0]):
        net, part = _instance(spec)
        result = symbolic_rank(net, part)
        ring = net.ring
        rows = result.matrix.tolist()
        assert not ring.is_zero(result.minor)
        k = result.rank
        sub = [[rows[i][j] for j in result.elimination.cols] for i in result.elimination.rows]
        assert ring.to_dict(determinant(sub, ring)) == ring.to_dict(result.minor)
        m, n = result.matrix.shape
        if k < min(m, n):
            assert all(ring.is_zero(d) for _, _, d in all_maximal_minors(rows, ring, k + 1))


def test_ideal_of_maximal_minors_left_right() -> None:
    """Balanced N=4 tree, left-right: every maximal minor contains the output weights and
    the level-1 2x2 determinants (the gcd); the exceptional set is visible."""
    net, part = _instance(INSTANCES[2])
    result = symbolic_rank(net, part)
    assert result.rank == 2 and result.ideal is not None
    assert result.ideal.total == 36
    gcd = str(net.ring.factored_sympy(result.ideal.gcd))
    assert "a^{2,1}_1*a^{2,1}_2" in gcd
    assert "a^{1,1,1}_1*a^{1,1,2}_2" in gcd


def test_colt_minor_factors_into_leaf_determinants() -> None:
    """Balanced N=4, M=r=2, odd-even: the 4x4 determinant is the product of the squared
    leaf determinants det(a^{0,j}) and level-1 factors (COLT App. B, Lemma 5 made explicit)."""
    net, part = _instance(INSTANCES[1])
    result = symbolic_rank(net, part)
    _, factors = net.ring.factor(result.minor)
    squared = [f for f, e in factors if e == 2]
    assert len(squared) == 4 and all(net.ring.n_terms(f) == 2 for f in squared)


def test_elimination_budget_refuses_before_the_step() -> None:
    net, part = _instance(SLOW_INSTANCES[0])
    with pytest.raises(BudgetExceeded, match="largest accepted size"):
        symbolic_rank(net, part, max_work=10_000)


def test_grid_tensor_size_is_refused_before_it_is_built() -> None:
    net = symbolic_network(parse_tree("balanced:16"), 2, 2)
    assert entry_terms(net) == 2**15
    part = parse_partition("odd-even", 16, np.random.default_rng(0))
    with pytest.raises(BudgetExceeded, match="largest accepted size"):
        symbolic_rank(net, part)


def test_polynomial_ring_basics() -> None:
    for backend in ("flint", "sympy"):
        R = PolynomialRing(("x", "y"), backend)
        x, y = R.gens
        p = (x + y) * (x - y)
        assert R.to_dict(R.exquo(p, x - y)) == R.to_dict(x + y)
        with pytest.raises(Exception):  # noqa: B017 - either backend's inexact-division error
            R.exquo(p, x + 2)
        content, factors = R.factor(3 * p)
        assert content == 3 and sorted(R.n_terms(f) for f, _ in factors) == [2, 2]
        assert R.to_ints(R.from_ints([[1, 2]])) == [1, 2]
        assert R.is_zero(p - p) and not R.is_zero(p)


def test_shared_weights_use_fewer_symbols_and_keep_the_rank() -> None:
    unshared, part = _instance(INSTANCES[1])
    shared, _ = _instance(INSTANCES[3])
    assert len(shared.symbols) < len(unshared.symbols)
    assert {s.name for s in shared.symbols} >= {"a^{0,1}_1", "a^{1,2}_2", "a^{2,1}_1"}
    assert symbolic_rank(shared, part).rank == 4


def test_elimination_on_hand_made_matrices() -> None:
    R = PolynomialRing(("x", "y", "z"))
    x, y, z = R.gens
    zero = R.constant(0)
    assert fraction_free_rank([[zero, zero], [zero, zero]], R).rank == 0
    e = fraction_free_rank([[zero, x], [y, zero]], R)  # needs a row and a column swap
    assert e.rank == 2 and R.to_dict(e.minor) == R.to_dict(-x * y)
    vander = [[R.constant(1), v, v * v] for v in (x, y, z)]
    e = fraction_free_rank(vander, R)
    assert e.rank == 3
    expected = (y - x) * (z - x) * (z - y)
    assert R.to_dict(e.minor) == R.to_dict(expected)


def test_numeric_and_symbolic_ranks_agree_over_q_too() -> None:
    net, part = _instance(INSTANCES[13])
    numeric = numeric_rank(net, part, RankSettings(field="qq"))  # type: ignore[arg-type]
    assert numeric.evidence.field == "Q" and numeric.rank == symbolic_rank(net, part).rank


def test_prime_field_numeric_rank_can_be_forced_low_by_a_small_prime() -> None:
    """A rank mod a tiny prime is only a lower bound: it may fall below the symbolic rank,
    never above it."""
    net, part = _instance(INSTANCES[1])
    k = symbolic_rank(net, part, minors=False).rank
    for seed in range(5):
        settings = RankSettings(prime=3, seed=seed)
        assert numeric_rank(net, part, settings).rank <= k
    assert isinstance(PrimeField(3), PrimeField)


def test_every_instance_list_item_is_distinct() -> None:
    assert len(set(INSTANCES)) == len(INSTANCES)
    assert not set(INSTANCES) & set(SLOW_INSTANCES)
    assert all(len(s) == 6 for s in itertools.chain(INSTANCES, SLOW_INSTANCES))


def test_symbolic_measurement_is_proved_both_ways() -> None:
    """A rank over Q(w) decides >=, <= and == with the `symbolic` certificate, and refutes
    every claim off by one with certainty."""
    from convac_verify.evidence.status import Claim, Status, decide
    from convac_verify.networks.partitions import odd_even
    from convac_verify.networks.trees import balanced
    from convac_verify.symbolic.networks import symbolic_network
    from convac_verify.symbolic.rank import symbolic_rank
    from convac_verify.theorems.symbolic_rank import symbolic_measurement

    net = symbolic_network(balanced(4), 2, 2)
    m = symbolic_measurement(symbolic_rank(net, odd_even(4), minors=False))
    assert m.rank == 4 and m.evidence.field == "Q(w)"
    for relation in (">=", "<=", "=="):
        v = decide(Claim(relation, "4", 4), m)
        assert v.status is Status.PROVED and v.certificate is not None, v
        assert v.certificate.kind == "symbolic" and v.certain
    for relation, value in ((">=", 5), ("==", 5), ("<=", 3), ("==", 3)):
        v = decide(Claim(relation, str(value), value), m)
        assert v.status is Status.VIOLATED and v.certain and v.certificate is not None, v
        assert v.certificate.kind == "symbolic"


def test_evidence_fields_carry_what_they_need() -> None:
    from convac_verify.evidence.status import Evidence

    with pytest.raises(ValueError, match="symbolic point"):
        Evidence.witness("w", field="Q(w)", method="symbolic")
    with pytest.raises(ValueError, match="symbolic point"):
        Evidence.witness("w", field="Q", method="dense", point="symbolic")
    with pytest.raises(ValueError, match="no prime"):
        Evidence.witness("x", field="R", method="interval", prime=7)
    with pytest.raises(ValueError, match="field must be one of"):
        Evidence.witness("x", field="R (SymPy)", method="symbolic identity")


def test_symbolic_rank_check_with_a_fixed_small_prime_is_never_violated() -> None:
    """A bad numeric draw (mod 3) is not a false theorem: the cross-check row is
    inconclusive, while the symbolic rows stay proved."""
    from convac_verify.engines.measure import Context
    from convac_verify.evidence.status import Status
    from convac_verify.theorems import THEOREMS
    from convac_verify.theorems.runner import run_theorem

    ctx = Context(RankSettings(prime=3))
    results = run_theorem(THEOREMS["symbolic-rank"], ctx)
    assert all(r.status is not Status.VIOLATED for r in results)
    below = [
        r
        for r in results
        if r.observation.params["numeric_rank"] < r.observation.params["symbolic_rank"]
        and "numeric" in r.observation.subject
    ]
    assert below and all(r.status is Status.INCONCLUSIVE for r in below)
    assert all("fixed" in r.verdict.reason for r in below)
