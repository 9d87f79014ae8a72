"""The ReLU evaluator of dilated and mixed networks (rectifier/dilated.py).

With ``g = a*b`` it must give the tensor-network core's grid tensor (the compiled mixed
network, the eq. 3 trees), so its wiring (children, swaps, sums) is the one of eq. 4;
with ``g = max{a+b, 0}`` values stay integers and ranks are what ``ctm18-relu`` reports.
"""

from __future__ import annotations

import numpy as np
import pytest

from convac_verify.algebra.fields import IntegerRing
from convac_verify.errors import ConvacError
from convac_verify.networks.compilers import compile_network
from convac_verify.networks.contraction import contract
from convac_verify.networks.mixed import MixedDecomposition, make_mixture
from convac_verify.rectifier.dilated import (
    NETWORKS,
    dilated_relu_grid,
    g_product,
    g_relu_sum,
    random_weights,
)
from convac_verify.theorems.ctm18_claim5 import default_mixture


@pytest.mark.parametrize("network", NETWORKS)
def test_product_g_is_the_tensor_network(network: str) -> None:
    mixture, _ = default_mixture(8, "", "")
    rng = np.random.default_rng(0)
    weights = random_weights(mixture, 2, rng)
    v = rng.integers(-9, 10, (2, 2)).astype(object)
    got = dilated_relu_grid(mixture, network, weights, v, g_product)
    ring = IntegerRing()
    zero = tuple(
        {k: tuple(np.zeros_like(w) for w in ws) for k, ws in weights[s].items()} for s in (0, 1)
    )
    if network == "T":
        parts = (weights[0], zero[1])
    elif network == "T-bar":
        parts = (zero[0], weights[1])
    else:
        parts = weights
    m = mixture if network == "mixed" else make_mixture(*mixture.pair(), [])
    decomp = MixedDecomposition(m, 2, 2, ring.from_ints(v), parts, ring)  # type: ignore[arg-type]
    want = contract(compile_network(decomp))
    assert np.array_equal(np.asarray(got, dtype=object), np.asarray(want, dtype=object))


def test_relu_values_are_nonnegative_integers() -> None:
    mixture, _ = default_mixture(8, "", "")
    rng = np.random.default_rng(1)
    v = rng.integers(-(2**20), 2**20, (4, 2)).astype(object)
    grid = dilated_relu_grid(mixture, "T", random_weights(mixture, 2, rng), v, g_relu_sum)
    assert grid.shape == (4,) * 8 and all(isinstance(x, int) and x >= 0 for x in grid.ravel())


def test_errors() -> None:
    mixture, _ = default_mixture(8, "", "")
    rng = np.random.default_rng(2)
    v = np.ones((2, 3), dtype=object)
    with pytest.raises(ConvacError, match="network must be one of"):
        dilated_relu_grid(mixture, "U", random_weights(mixture, 3, rng), v)
    with pytest.raises(ConvacError, match="r even"):
        dilated_relu_grid(mixture, "mixed", random_weights(mixture, 3, rng), v)
