"""The one contraction routine against a brute-force reference (entry by entry).

Before the old evaluators (the recursive tree evaluator of ``grid.py`` and the eq. 3
evaluator of ``dilated.py``) were removed, these tests compared the contraction with them
on the same random instances; the reference below is independent of both.
"""

from __future__ import annotations

import numpy as np
import pytest

from convac_verify.algebra.fields import IntegerRing, PrimeField
from convac_verify.networks import trees
from convac_verify.networks.compilers import compile_network
from convac_verify.networks.contraction import contract
from convac_verify.networks.decompositions import random_decomposition
from convac_verify.networks.dilated import dilated_grid_tensor, random_dilated
from convac_verify.networks.grid import grid_tensor

from .reference_evaluators import dilated_grid, tree_grid

TREES = [
    "balanced:8",
    "windows:2,3",
    "cp:5",
    "((0,(1,2)),(3,4))",
    "truncated:16:2",
    "windows:3,2",
    "((0,3),(1,(2,4)),5)",
]
RINGS = [PrimeField(), IntegerRing(), PrimeField(101), PrimeField(4294967311)]


def _same(a: np.ndarray, b: np.ndarray) -> bool:
    return a.shape == b.shape and bool(
        (np.asarray(a, dtype=object) == np.asarray(b, dtype=object)).all()
    )


@pytest.mark.parametrize("spec", TREES)
@pytest.mark.parametrize("ring", RINGS, ids=lambda r: f"{r.name}{getattr(r, 'prime', '')}")
def test_contraction_matches_brute_force_tree(spec: str, ring: object) -> None:
    tree = trees.parse_tree(spec)
    depth = trees.height(tree, trees.root(tree))
    for seed in range(3):
        rng = np.random.default_rng(seed)
        # M**N entries: keep N = 16 at M <= 2 (the Z ring holds Python ints)
        dim = int(rng.integers(1, 3 if trees.n_modes(tree) > 8 else 4))
        widths = (
            2
            if "(" in spec or spec.startswith("truncated")
            else [int(w) for w in rng.integers(1, 4, size=depth)]
        )
        d = random_decomposition(tree, dim, widths, ring, rng, shared=bool(seed % 2))  # type: ignore[arg-type]
        modulus = getattr(ring, "prime", None)
        if dim ** trees.n_modes(tree) <= 4096:
            assert _same(contract(compile_network(d)), tree_grid(d, modulus))
        assert _same(grid_tensor(d), contract(compile_network(d)))


@pytest.mark.parametrize(
    "spec", ["balanced:8", "dilations:2,1,4", "((0,1),(2,(3,4)))", "windows:3,2"]
)
@pytest.mark.parametrize("ring", RINGS[:3], ids=lambda r: f"{r.name}{getattr(r, 'prime', '')}")
def test_contraction_matches_brute_force_eq3(spec: str, ring: object) -> None:
    tree = trees.parse_tree(spec)
    for seed in range(3):
        rng = np.random.default_rng(seed)
        dim = 3 if trees.n_modes(tree) <= 6 else 2
        d = random_dilated(tree, dim, 2, ring, rng)  # type: ignore[arg-type]
        assert _same(dilated_grid_tensor(d), dilated_grid(d, getattr(ring, "prime", None)))
