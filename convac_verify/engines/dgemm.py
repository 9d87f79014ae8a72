"""``C <- alpha A B + beta C`` in place on strided Fortran views, through SciPy's BLAS.

SciPy's ``scipy.linalg.blas.dgemm`` (f2py) wants contiguous Fortran arrays: a trailing
submatrix ``S[k:, k:]`` of a Fortran matrix -- columns contiguous, one leading dimension
for all of them -- would be copied, and an in-place update is then impossible. BLAS
itself takes a leading dimension per operand. SciPy exports its BLAS for compiled code
as ``scipy.linalg.cython_blas`` (the documented low-level interface, one function
pointer per routine in ``__pyx_capi__``); this module calls its ``dgemm`` through
``ctypes`` with the views' own leading dimensions, so the ``blas`` engine updates its
trailing matrix where it lies, with no copy and no allocation.

Only ``N``/``N`` products of views whose rows are contiguous (``strides[0] == 8``) are
accepted: every Fortran-ordered array and every block of one.
"""

from __future__ import annotations

import ctypes
from functools import cache
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = ["gemm_in_place"]

F64 = npt.NDArray[np.float64]


@cache
def _dgemm() -> Any:
    """The Fortran ``dgemm`` of SciPy's BLAS as a ``ctypes`` function."""
    from scipy.linalg import cython_blas

    capsule = cython_blas.__pyx_capi__["dgemm"]
    get_name = ctypes.pythonapi.PyCapsule_GetName
    get_name.restype = ctypes.c_char_p
    get_name.argtypes = [ctypes.py_object]
    get_pointer = ctypes.pythonapi.PyCapsule_GetPointer
    get_pointer.restype = ctypes.c_void_p
    get_pointer.argtypes = [ctypes.py_object, ctypes.c_char_p]
    address = get_pointer(capsule, get_name(capsule))
    int_p = ctypes.POINTER(ctypes.c_int)
    double_p = ctypes.POINTER(ctypes.c_double)
    prototype = ctypes.CFUNCTYPE(
        None,
        ctypes.c_char_p,
        ctypes.c_char_p,
        int_p,
        int_p,
        int_p,
        double_p,
        ctypes.c_void_p,
        int_p,
        ctypes.c_void_p,
        int_p,
        double_p,
        ctypes.c_void_p,
        int_p,
    )
    return prototype(address)


def _leading(x: F64, name: str) -> int:
    if x.dtype != np.float64 or x.ndim != 2 or (x.shape[0] > 1 and x.strides[0] != 8):
        raise ValueError(f"{name} must be a 2-D float64 view with contiguous columns")
    if x.shape[1] > 1 and x.strides[1] < 8 * x.shape[0]:
        raise ValueError(f"{name} must be Fortran-ordered (column stride >= rows)")
    return max(1, x.strides[1] // 8 if x.shape[1] > 1 else x.shape[0])


def gemm_in_place(alpha: float, a: F64, b: F64, beta: float, c: F64) -> None:
    """``c <- alpha a b + beta c`` in place; ``a``, ``b``, ``c`` Fortran-ordered views.

    Examples
    --------
    >>> s = np.asfortranarray(np.arange(16.0).reshape(4, 4))
    >>> gemm_in_place(-1.0, s[1:, :1], s[:1, 1:], 1.0, s[1:, 1:])
    >>> s[1:, 1:].tolist()
    [[1.0, -2.0, -5.0], [1.0, -6.0, -13.0], [1.0, -10.0, -21.0]]
    """
    m, k = a.shape
    if b.shape[0] != k or c.shape != (m, b.shape[1]):
        raise ValueError(f"shapes {a.shape} x {b.shape} -> {c.shape} do not match")
    n = b.shape[1]
    if m == 0 or n == 0:
        return
    if not c.flags.writeable:
        raise ValueError("c must be writeable")
    lda, ldb, ldc = _leading(a, "a"), _leading(b, "b"), _leading(c, "c")
    if k == 0:
        c *= beta
        return
    integer, double = ctypes.c_int, ctypes.c_double
    _dgemm()(
        b"N",
        b"N",
        ctypes.byref(integer(m)),
        ctypes.byref(integer(n)),
        ctypes.byref(integer(k)),
        ctypes.byref(double(alpha)),
        a.ctypes.data,
        ctypes.byref(integer(lda)),
        b.ctypes.data,
        ctypes.byref(integer(ldb)),
        ctypes.byref(double(beta)),
        c.ctypes.data,
        ctypes.byref(integer(ldc)),
    )
