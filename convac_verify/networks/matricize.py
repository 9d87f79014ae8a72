"""Matricization ``[[A]]_{I,J}`` of an order-N tensor: rows from the modes in I.

Convention (the one place it is stated; pinned by ``tests/test_matricize.py``)
-----------------------------------------------------------------------------
For a tensor ``A`` of shape ``(M,) * N`` (axis ``m`` = mode ``m``, modes from 0) and a
partition with row modes ``I = (i_1 < ... < i_p)`` and column modes
``J = (j_1 < ... < j_q)``::

    [[A]]_{I,J}[row, col] = A[d_0, ..., d_{N-1}]
    row = d_{i_1} * M**(p-1) + d_{i_2} * M**(p-2) + ... + d_{i_p}
    col = d_{j_1} * M**(q-1) + ... + d_{j_q}

i.e. rows and columns are numbered **row-major (C order)** over the sorted modes, the
smallest mode being the most significant digit. This is ``A.transpose(I + J)``
reshaped to ``(M**p, M**q)``. COLT 2016's ``[A]`` is :func:`odd_even` rows, and
Kolda's mode-n unfolding differs from this only by a column permutation, which no
rank depends on.

References
----------
N. Cohen, O. Sharir, A. Shashua. COLT 2016, Sec. 3 (matricization ``[A]``).
"""

from __future__ import annotations

import numpy as np

from ..algebra.fields import Array
from .partitions import Partition

__all__ = ["matricize"]


def matricize(tensor: Array, partition: Partition) -> Array:
    """``[[tensor]]_{I,J}`` as a C-contiguous 2-D array (one copy).

    Examples
    --------
    Example from the module convention (N = 3, M = 2, I = {1}):

    >>> A = np.arange(8).reshape(2, 2, 2)
    >>> matricize(A, Partition.from_rows([1], 3)).tolist()
    [[0, 1, 4, 5], [2, 3, 6, 7]]
    """
    if tensor.ndim != partition.n_modes:
        raise ValueError(f"tensor has {tensor.ndim} modes; partition is for {partition.n_modes}")
    dim = tensor.shape[0] if tensor.ndim else 1
    rows, cols = partition.rows, partition.cols
    perm = list(rows) + list(cols)
    out = np.ascontiguousarray(np.transpose(tensor, perm))
    return out.reshape(dim ** len(rows), dim ** len(cols))
