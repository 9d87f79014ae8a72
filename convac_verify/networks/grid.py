"""Grid tensors: the coefficient tensor of a decomposition, evaluated exactly.

With the identity representation matrix (``F = I``, the default throughout the depth
checks) the grid tensor of a ConvAC equals its coefficient tensor ``A^y``: an order-N
tensor with dimension M in every mode. Entries live in the decomposition's ring
(GF(p) as ``uint64`` residues, or Z as Python ints), so nothing overflows.

Layout: :func:`grid_tensor` returns an array of shape ``(M,) * N`` whose axis ``m`` is
mode ``m``. It may be a non-contiguous view; :func:`convac_verify.networks.matricize.matricize`
copies once.

Evaluation: the decomposition is compiled to its tensor network
(:func:`convac_verify.networks.compilers.compile_network`) and contracted by the one
contraction routine (:func:`convac_verify.networks.contraction.contract`).
"""

from __future__ import annotations

from ..algebra.fields import Array
from .compilers import compile_network
from .contraction import contract
from .decompositions import TreeDecomposition

__all__ = ["grid_tensor", "grid_tensor_bytes"]

_BYTES_PER_ENTRY = 8


def grid_tensor_bytes(n_modes: int, dim: int) -> int:
    """Bytes of one ``uint64`` grid tensor with ``dim**n_modes`` entries."""
    return int(dim) ** int(n_modes) * _BYTES_PER_ENTRY


def grid_tensor(decomp: TreeDecomposition) -> Array:
    """The grid tensor of ``decomp``: shape ``(M,) * N``, axis ``m`` = mode ``m``.

    Examples
    --------
    >>> from convac_verify.algebra.fields import IntegerRing
    >>> from convac_verify.networks.trees import cp_tree
    >>> from convac_verify.networks.decompositions import decomposition_from_weights
    >>> W = {0: [[1, 2]], 1: [[3, 4]], 2: [[1]]}   # rank-1: (1,2) (x) (3,4)
    >>> d = decomposition_from_weights(cp_tree(2), 2, 1, W, IntegerRing())
    >>> grid_tensor(d).tolist()
    [[3, 4], [6, 8]]
    """
    return contract(compile_network(decomp))
