"""Cohen-Tamari-Shashua Claim 5 (and Prop. 2): a mixed decomposition reproduces every
hybrid's tree decomposition, compared grid tensor against grid tensor.

Hypotheses (ICLR 2018, arXiv v3 Sec. 4, Claim 5 = Claim 1 of the ICLR version): two
mode trees T, T-bar and mixture nodes ``mix(T, T-bar) ⊂ int(T) ∩ int(T-bar)``; a hybrid
H (Def. 4) with an eq. 3 tree decomposition of size constant r; the mixed decomposition
(eq. 4) of size constant ``r_mix = 2r``. Claim: there are mixed weights -- built by
:func:`convac_verify.networks.mixed.claim5_mixed` from H's (zero padding) -- whose grid
tensor **equals** H's, for all of H's weights. T and T-bar are hybrids (Prop. 2), so the
mixed decomposition loses at most a factor 2 in size against either tree.

Rows, per N (defaults: N = 8, baseline vs dilations 2,1,4 with mixture nodes at layer 2,
every hybrid; N = 16, the worked example -- baseline vs groups:2 at layer 2 -- a sample of
its 32 hybrids: T, T-bar, the best hybrid for ``ctm18-groups:2`` and one drawn from the
seed): both grid tensors by the one contraction -- H's eq. 3 network, and the compiled
mixed network (:mod:`convac_verify.networks.mixed_network`) -- at H's random weights.

* ``mod p``: claim ``A_mix - A_H = 0`` for all weights (the quantity is the rank of the
  difference flattened to one row: 0 or 1). Each entry of the difference is a
  polynomial in H's weights of degree at most (the most edges of a hybrid) + N, so a
  random point modulo a random prime where it vanishes **verifies** the identity with
  the Schwartz-Zippel epsilon; a nonzero difference mod p is nonzero over Z (a
  certain counterexample).
* ``over Z`` (N = 8): the same comparison in exact integer arithmetic at random integer
  weights: the identity at that point is **proved** (``enumeration``: exact
  arithmetic).

Negative control: ``variant=perturbed`` -- one constructed weight (the root's, in the
tree the hybrid takes the top segment from) is increased by 1: the tensors differ at
the drawn point, so the identity is ``violated`` with certainty. Mixture nodes that are
not shared by T and T-bar are an input error (one line naming the node; tested in
``tests/test_mixed.py``).

References
----------
N. Cohen, R. Tamari, A. Shashua. Boosting Dilated Convolutional Networks with Mixed
Tensor Decompositions. ICLR 2018 (arXiv 1703.06846v3): eq. 3-4, Def. 4, Claim 5, Prop. 2.
"""

from __future__ import annotations

import dataclasses
import zlib
from collections.abc import Iterator, Sequence
from functools import partial

import networkx as nx
import numpy as np

from ..algebra.fields import Array, IntegerRing, PrimeField, Ring
from ..algebra.primes import seeded_prime
from ..bounds.hybrids import best_hybrid
from ..engines.measure import Context, RankSettings, random_evidence
from ..errors import ConvacError
from ..evidence.observation import Observation
from ..evidence.status import Claim, Evidence, Measurement
from ..networks.compilers import compile_network
from ..networks.contraction import contract
from ..networks.dilated import DilatedDecomposition, dilated_grid_tensor, random_dilated
from ..networks.dilations import dilation_tree, groups_partition, scheme_tree
from ..networks.mixed import (
    MixedDecomposition,
    Mixture,
    claim5_mixed,
    hybrid_tree,
    hybrids,
    parse_mixture_nodes,
)
from ..networks.mixed_network import cached_mixed_network
from .ctm18_corollary8 import int_list
from .ctm18_hybrids import split_trees
from .registry import register_theorem

EXHAUSTIVE_MAX = 8
"""Every hybrid is compared up to this N; beyond, a sample."""
OVER_Z_MAX = 8
"""The over-Z comparison runs up to this N (Python ints)."""


def _stream(seed: int, key: str) -> np.random.Generator:
    return np.random.default_rng([seed, zlib.crc32(key.encode())])


def default_mixture(n_modes: int, trees: str, mix: str) -> tuple[Mixture, tuple[str, str]]:
    """T, T-bar and the mixture of one size: ``trees`` (``T,T-bar``) or, by default, the
    baseline against groups:2 (dilations 2,1,4,... when 2 does not divide L), mixture
    nodes ``mix`` (default: layer 2)."""
    if trees:
        spec_t, spec_bar = split_trees(trees)
        tree_bar = scheme_tree(spec_bar, n_modes)
    else:
        depth = n_modes.bit_length() - 1
        spec_t = "baseline"
        if depth % 2 == 0:
            spec_bar = "groups:2"
            tree_bar = scheme_tree(spec_bar, n_modes)
        else:
            ds = [2, 1] + [2**k for k in range(2, depth)]
            spec_bar = ",".join(map(str, ds))
            tree_bar = dilation_tree(ds)
    tree = scheme_tree(spec_t, n_modes)
    return parse_mixture_nodes(mix or "layer:2", tree, tree_bar), (spec_t, spec_bar)


def _sample(mixture: Mixture, size: int, rng: np.random.Generator) -> list[tuple[int, ...]]:
    """T, T-bar, the best hybrid for the groups partition (when it exists), then choices
    drawn from ``rng``: ``size`` distinct hybrids (all of them if there are fewer)."""
    every = [c for c, _ in hybrids(mixture)] if mixture.hybrid_count <= 64 else []
    if every and len(every) <= size:
        return every
    free = [i for i, d in enumerate(mixture.differing) if d]
    picks: list[tuple[int, ...]] = []

    def add(choice: Sequence[int]) -> None:
        c = tuple(int(x) for x in choice)
        if c not in picks:
            picks.append(c)

    tops = len(mixture.visit_order)
    add([0] * tops)
    add([1 if i in free else 0 for i in range(tops)])
    try:
        add(best_hybrid(mixture, groups_partition(mixture.n_modes, 2)).choice)
    except ConvacError:
        pass
    while len(picks) < min(size, mixture.hybrid_count):
        bits = rng.integers(0, 2, len(free))
        choice = [0] * tops
        for i, b in zip(free, bits, strict=True):
            choice[i] = int(b)
        add(choice)
    return picks[:size]


def _perturb(mixed: MixedDecomposition, choice: Sequence[int], ring: Ring) -> MixedDecomposition:
    """One constructed weight + 1: the first nonzero entry (one of H's weights copied into
    the block the construction uses) of the root's first matrix in the tree that
    computes the top segment."""
    which = int(choice[-1])
    root = mixed.mixture.root
    mats = list(mixed.weights[which][root])
    w = np.asarray(ring.to_ints(mats[0]), dtype=object).reshape(np.shape(mats[0]))
    w[tuple(np.argwhere(w != 0)[0])] += 1
    mats[0] = ring.from_ints(w)
    weights = [dict(mixed.weights[0]), dict(mixed.weights[1])]
    weights[which][root] = tuple(mats)
    return dataclasses.replace(mixed, weights=(weights[0], weights[1]))


def _compare(
    mixed: MixedDecomposition, hybrid: DilatedDecomposition
) -> tuple[int, int, Array, Array]:
    """``(rank of the flattened difference, differing entries, A_mix, A_H)``."""
    a_mix = np.asarray(contract(compile_network(mixed)))
    a_h = np.asarray(dilated_grid_tensor(hybrid))
    differing = int(np.count_nonzero(a_mix != a_h))
    return int(differing > 0), differing, a_mix, a_h


def _label(mixture: Mixture, choice: Sequence[int]) -> str:
    tops = len(mixture.visit_order)
    free = [i for i, d in enumerate(mixture.differing) if d]
    if all(c == 0 for c in choice):
        return "T (Prop. 2)"
    if list(choice) == [1 if i in free else 0 for i in range(tops)]:
        return "T-bar (Prop. 2)"
    return "H"


@register_theorem(
    "ctm18-claim-5",
    title="Claim 5: the mixed decomposition (r_mix = 2r) reproduces every hybrid's grid tensor",
    reference="Cohen, Tamari & Shashua, ICLR 2018, Claim 5 and Prop. 2 (arXiv v3)",
    hypotheses=(
        "mode trees T, T-bar, mixture nodes interior to both; a hybrid H with an eq. 3 "
        "decomposition of size r; mixed weights of size r_mix = 2r built from H's (zero "
        "padding); both grid tensors by the one contraction"
    ),
    family="interconnect",
    defaults={
        "sizes": "8,16",
        "dim": 2,
        "width": 2,
        "trees": "",
        "mix": "",
        "sample": 4,
        "variant": "paper",
    },
    negative_controls={"perturbed": {"variant": "perturbed"}},
    choices={"variant": ("paper", "perturbed")},
)
def check(
    ctx: Context,
    *,
    sizes: str,
    dim: int,
    width: int,
    trees: str,
    mix: str,
    sample: int,
    variant: str,
) -> Iterator[Observation]:
    """Per N and hybrid: the grid tensors of H and of the constructed mixed network."""
    if variant not in ("paper", "perturbed"):
        raise ConvacError(f"variant must be paper or perturbed; got {variant!r}")
    if width < 1 or dim < 1:
        raise ConvacError(f"width and dim must be >= 1; got r = {width}, M = {dim}")
    settings = ctx.settings
    for n in int_list(sizes, "sizes"):
        ctx.progress(f"ctm18 claim 5 N={n}")
        mixture, (spec_t, spec_bar) = default_mixture(n, trees, mix)
        size = mixture.hybrid_count if n <= EXHAUSTIVE_MAX else max(sample, 1)
        choices = _sample(mixture, size, _stream(settings.seed, f"claim5/{n}"))
        rings: list[tuple[str, Ring]] = [("mod p", PrimeField(settings.prime))]
        if n <= OVER_Z_MAX:
            rings.append(("over Z", IntegerRing()))
        for choice in choices:
            h_tree = hybrid_tree(mixture, choice)
            who = _label(mixture, choice)
            for where, ring in rings:
                rng = _stream(settings.seed, f"claim5/{n}/{choice}/{where}")
                hybrid = random_dilated(h_tree, dim, width, ring, rng)
                mixed = claim5_mixed(mixture, choice, hybrid)
                if variant == "perturbed":
                    mixed = _perturb(mixed, choice, ring)
                rank, differing, _, _ = _compare(mixed, hybrid)
                degree = max(mixed.entry_degree(), hybrid.entry_degree())
                net = cached_mixed_network(mixture, dim, 2 * width)
                bits = max(net.coefficient_bits(), hybrid.coefficient_bits()) + 1
                extra: dict[str, object] = {
                    "differing_entries": differing,
                    "entries": dim**n,
                }
                params = {
                    "N": n,
                    "M": dim,
                    "r": width,
                    "r_mix": 2 * width,
                    "T": spec_t,
                    "T_bar": spec_bar,
                    "mix": [sorted(m) for m in mixture.nodes],
                    "choice": list(choice),
                    "hybrid": who,
                    "hybrids": mixture.hybrid_count,
                    "arithmetic": where,
                }
                if where == "mod p":
                    evidence = random_evidence(ring, "GF(p)", "contraction", settings, degree, bits)
                    claim = Claim(
                        "<=",
                        "rank(A_mix - A_H) (identity for all weights)",
                        0,
                        r"\mathrm{rank}(\mathcal{A}_{mix} - \mathcal{A}_H)",
                        quantity="rank of the difference",
                    )
                else:
                    evidence = Evidence.witness(
                        "random integer weights", field="Q", method="exact arithmetic"
                    )
                    claim = Claim(
                        "==",
                        "differing entries at this point",
                        0,
                        "0",
                        quantifier="point",
                        quantity="differing entries",
                    )
                    rank = differing
                measurement = Measurement(rank, evidence, extra=extra)
                if where == "mod p" and settings.prime_random:
                    redo = partial(
                        _redraw,
                        mixture,
                        choice,
                        h_tree,
                        (dim, width, variant),
                        settings,
                        f"claim5/{n}/{choice}",
                        (degree, bits),
                    )
                    measurement = dataclasses.replace(measurement, redraw=redo)
                yield Observation(
                    label=f"N={n} {where}",
                    subject=f"Claim 5 {who} {''.join('T' if c == 0 else 'B' for c in choice)}",
                    claim=claim,
                    measurement=measurement,
                    params=params,
                )


def _redraw(
    mixture: Mixture,
    choice: tuple[int, ...],
    h_tree: nx.DiGraph,
    sizes: tuple[int, int, str],
    settings: RankSettings,
    key: str,
    degrees: tuple[int, int],
) -> Measurement:
    """The mod-p comparison at a fresh point modulo a fresh random 61-bit prime: the
    runner's one escalation of a row whose epsilon is above the threshold (a small
    random prime, e.g. ``--field blas``, whose primes are below ``2**20``)."""
    dim, width, variant = sizes
    degree, bits = degrees
    prime = seeded_prime(settings.seed, f"escalate/{key}")
    fresh = dataclasses.replace(settings, field="gfp", prime=prime, prime_random=True)
    ring = PrimeField(prime)
    hybrid = random_dilated(h_tree, dim, width, ring, _stream(settings.seed, f"escalate/{key}"))
    mixed = claim5_mixed(mixture, choice, hybrid)
    if variant == "perturbed":
        mixed = _perturb(mixed, choice, ring)
    rank, differing, _, _ = _compare(mixed, hybrid)
    evidence = random_evidence(ring, "GF(p)", "contraction", fresh, degree, bits)
    return Measurement(rank, evidence, extra={"differing_entries": differing})
