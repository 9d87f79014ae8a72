"""Polynomial rings of weights: exact arithmetic with symbolic weights.

A :class:`PolynomialRing` has one generator per weight of a network. It satisfies the
:class:`~convac_verify.algebra.fields.Ring` protocol on NumPy ``object`` arrays, so the
grid-tensor code that evaluates a decomposition at numbers evaluates it at symbols too
(:func:`convac_verify.networks.grid.grid_tensor`,
:func:`convac_verify.networks.dilated.dilated_grid_tensor`): every entry of the result is a
polynomial with integer coefficients in the weights.

Two backends implement the arithmetic (same results, pinned by tests):

* ``"flint"`` -- FLINT's sparse multivariate polynomials ``fmpz_mpoly`` (python-flint);
* ``"sympy"`` -- SymPy's sparse polynomials (``PolyElement`` over ``ZZ``), the ring of
  ``DomainMatrix`` over ``ZZ[w]``.

Both divide exactly (an inexact division raises), test zero exactly (a polynomial is
zero when it has no terms), and factor over Z. :meth:`PolynomialRing.to_sympy` turns a
polynomial into a SymPy expression in the weight symbols, for printing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..algebra.fields import Array

__all__ = ["BACKENDS", "DEFAULT_BACKEND", "PolynomialRing"]

BACKENDS = ("flint", "sympy")


def _default_backend() -> str:
    """``flint`` when python-flint has multivariate polynomials (0.7 and later), else
    ``sympy``."""
    import flint

    return "flint" if hasattr(flint, "fmpz_mpoly_ctx") else "sympy"


DEFAULT_BACKEND = _default_backend()
"""The faster backend available here (see ``benchmarks/symbolic.py``)."""

Poly = Any  # fmpz_mpoly or sympy PolyElement


def _object_scalar(value: object) -> Array:
    """A 0-d object array holding ``value`` (NumPy must not iterate a polynomial)."""
    out = np.empty((), dtype=object)
    out[()] = value
    return out


def _as_object(value: object) -> Array:
    return value if isinstance(value, np.ndarray) else _object_scalar(value)


@dataclass(frozen=True)
class PolynomialRing:
    """``Z[w_1, ..., w_n]`` with one generator per weight name.

    Parameters
    ----------
    names : sequence of str
        The generators' names (text form, e.g. ``a^{1,1,2}_1``).
    backend : str
        ``"flint"`` (default when python-flint >= 0.7) or ``"sympy"``.

    Examples
    --------
    >>> R = PolynomialRing(("x", "y"))
    >>> x, y = R.gens
    >>> str(R.to_sympy(R.exquo((x + y) * (x - y), x - y)))
    'x + y'
    """

    names: tuple[str, ...]
    backend: str = DEFAULT_BACKEND
    _impl: Any = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.backend not in BACKENDS:
            raise ValueError(f"backend must be one of {', '.join(BACKENDS)}; got {self.backend!r}")
        if not self.names:
            raise ValueError("a polynomial ring needs at least one generator")
        if self.backend == "flint":
            from flint import fmpz_mpoly_ctx

            ctx = fmpz_mpoly_ctx.get(tuple(f"w{i}" for i in range(len(self.names))), "degrevlex")
            impl: Any = (ctx, ctx.gens())
        else:
            from sympy import ZZ
            from sympy.polys.rings import ring

            r, *gens = ring([f"w{i}" for i in range(len(self.names))], ZZ)
            impl = (r, tuple(gens))
        object.__setattr__(self, "_impl", impl)

    # ------------------------------------------------------------------ Ring protocol

    @property
    def name(self) -> str:
        """``Z[w]`` and the backend."""
        return f"Z[w] ({self.backend}, {len(self.names)} weights)"

    @property
    def sample_space(self) -> int:
        """Symbolic weights are not drawn: there is no sample space."""
        return 0

    def random(self, rng: np.random.Generator, shape: tuple[int, ...]) -> Array:
        """Not available: symbolic weights are generators, not draws."""
        raise TypeError("symbolic weights are not drawn at random")

    def from_ints(self, values: object) -> Array:
        """Integers as constant polynomials (an ``object`` array of the same shape)."""
        arr = np.asarray(values, dtype=object)
        out = np.empty(arr.shape, dtype=object)
        for idx, v in np.ndenumerate(arr):
            out[idx] = self.constant(int(v))
        return out

    def to_ints(self, a: Array) -> list[int]:
        """Constant polynomials back to integers (raises on a non-constant entry)."""
        out = []
        for p in np.asarray(a, dtype=object).ravel():
            terms = self.to_dict(p)
            if any(any(e) for e in terms):
                raise ValueError("a non-constant polynomial is not an integer")
            out.append(int(terms.get((0,) * len(self.names), 0)))
        return out

    def add(self, a: Array, b: Array) -> Array:
        """Elementwise sum of object arrays of polynomials."""
        return np.asarray(np.add(_as_object(a), _as_object(b)), dtype=object)

    def mul(self, a: Array, b: Array) -> Array:
        """Elementwise product of object arrays of polynomials."""
        return np.asarray(np.multiply(_as_object(a), _as_object(b)), dtype=object)

    # ------------------------------------------------------------------ polynomials

    @property
    def gens(self) -> tuple[Poly, ...]:
        """The generators, in the order of :attr:`names`."""
        return tuple(self._impl[1])

    def constant(self, value: int) -> Poly:
        """The constant polynomial ``value``."""
        if self.backend == "flint":
            return self._impl[0].constant(value)
        return self._impl[0](value)

    def coerce(self, p: Poly | int) -> Poly:
        """A polynomial of this ring (Python integers become constants)."""
        return self.constant(p) if isinstance(p, int) else p

    def is_zero(self, p: Poly) -> bool:
        """Exact zero test: no terms."""
        return bool(p.is_zero()) if self.backend == "flint" else not p

    def exquo(self, p: Poly, q: Poly) -> Poly:
        """``p / q`` when ``q`` divides ``p`` exactly (raises otherwise)."""
        return p / q if self.backend == "flint" else p.exquo(q)

    def n_terms(self, p: Poly) -> int:
        """Number of monomials."""
        return len(p) if self.backend == "flint" else len(p.terms())

    def total_degree(self, p: Poly) -> int:
        """Total degree (``-1`` for the zero polynomial)."""
        if self.is_zero(p):
            return -1
        if self.backend == "flint":
            return int(p.total_degree())
        return max(sum(m) for m in p.monoms())

    def to_dict(self, p: Poly) -> dict[tuple[int, ...], int]:
        """``{exponent tuple: integer coefficient}``."""
        if self.backend == "flint":
            return {tuple(int(e) for e in k): int(v) for k, v in p.to_dict().items()}
        return {tuple(int(e) for e in k): int(v) for k, v in p.terms()}

    def from_dict(self, terms: dict[tuple[int, ...], int]) -> Poly:
        """Inverse of :meth:`to_dict`."""
        if self.backend == "flint":
            return self._impl[0].from_dict(terms)
        return self._impl[0].from_dict(terms)

    def factor(self, p: Poly) -> tuple[int, list[tuple[Poly, int]]]:
        """``(content, [(irreducible factor, multiplicity), ...])`` over Z."""
        if self.backend == "flint":
            content, factors = p.factor()
            return int(content), [(f, int(e)) for f, e in factors]
        content, factors = p.factor_list()
        return int(content), [(f, int(e)) for f, e in factors]

    # ------------------------------------------------------------------ printing

    def symbols(self) -> tuple[Any, ...]:
        """SymPy symbols named after :attr:`names` (commutative, real)."""
        import sympy

        return tuple(sympy.Symbol(n, real=True) for n in self.names)

    def to_sympy(self, p: Poly) -> Any:
        """The polynomial as a SymPy expression in :meth:`symbols`."""
        from sympy import ZZ
        from sympy.polys.rings import ring

        r = ring(self.symbols(), ZZ)[0]
        return r.from_dict(self.to_dict(p)).as_expr()

    def factored_sympy(self, p: Poly) -> Any:
        """``p`` as an unevaluated SymPy product of its irreducible factors."""
        import sympy

        content, factors = self.factor(p)
        parts: list[Any] = [] if content == 1 else [sympy.Integer(content)]
        for f, e in factors:
            expr = self.to_sympy(f)
            parts.append(sympy.Pow(expr, e, evaluate=False) if e > 1 else expr)
        if not parts:
            return sympy.Integer(1)
        return parts[0] if len(parts) == 1 else sympy.Mul(*parts, evaluate=False)

    def convert(self, p: Poly, other: PolynomialRing) -> Poly:
        """``p`` (of ``other``, with the same generators) as an element of this ring."""
        return self.from_dict(other.to_dict(p))

    def matrix(self, rows: Sequence[Sequence[Poly]]) -> list[list[Poly]]:
        """A list-of-lists copy (elimination works in place)."""
        return [list(r) for r in rows]
