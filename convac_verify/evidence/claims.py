"""User claims such as ``">= 2**(N/2)"`` (``rank --expect``), parsed with SymPy.

A claim is a relation (``>=``, ``>``, ``<=``, ``<``, ``==``) followed by an expression
in the architecture's symbols: ``N`` (modes), ``M`` (dimension), ``Z`` (CP width),
``r0, r1, ...`` (widths by level), ``L`` (depth) and ``r`` (the smallest width). It is
evaluated exactly and turned into an integer :class:`~convac_verify.evidence.status.Claim`
(``> x`` becomes ``>= floor(x) + 1`` and so on).

Meaning: ``>=``/``>`` claim a lower bound for almost all weights (the generic rank),
``<=``/``<`` an upper bound for all weights, ``==`` the generic rank.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from fractions import Fraction

from ..errors import InvalidClaim
from .status import Claim, normalize_relation

__all__ = ["parse_claim"]

_REL = re.compile(r"^\s*(>=|<=|==|=|>|<)\s*(.+?)\s*$")


def parse_claim(text: str, symbols: Mapping[str, int]) -> Claim:
    """Parse and evaluate ``text`` with the given symbol values.

    Examples
    --------
    >>> c = parse_claim(">= 2**(N/2)", {"N": 16})
    >>> (c.relation, c.value, c.formula)
    ('>=', 256, '2**(N/2)')
    >>> parse_claim("< min(Z, M**2)", {"Z": 5, "M": 2}).value
    3
    >>> parse_claim(">= 2**(N/2)", {"N": 5}).value    # ceil(4*sqrt(2)) = 6
    6
    """
    import sympy
    from sympy import SympifyError
    from sympy.parsing.sympy_parser import TokenError, parse_expr, standard_transformations

    match = _REL.match(text)
    if not match:
        raise InvalidClaim(
            f'a claim is a relation (>=, >, <=, <, ==) and an expression, e.g. ">= 2**(N/2)"; got {text!r}'
        )
    rel, body = match.groups()
    rel = "==" if rel == "=" else rel
    if "__" in body or not re.fullmatch(r"[\w\s+\-*/().,^]*", body):
        raise InvalidClaim(
            f"claim expression may use numbers, symbols, + - * / ** ( ) and functions; got {body!r}"
        )
    local = {name: sympy.Symbol(name) for name in symbols}
    funcs = {
        "min": sympy.Min,
        "max": sympy.Max,
        "floor": sympy.floor,
        "ceiling": sympy.ceiling,
        "sqrt": sympy.sqrt,
        "log": sympy.log,
    }
    global_dict = {
        "Integer": sympy.Integer,
        "Float": sympy.Float,
        "Rational": sympy.Rational,
        "Symbol": sympy.Symbol,
        **funcs,
    }
    try:
        expr = parse_expr(
            body.replace("^", "**"),
            local_dict={**local, **funcs},
            global_dict=global_dict,
            transformations=standard_transformations,
            evaluate=True,
        )
    except (SyntaxError, TypeError, ValueError, AttributeError, TokenError, SympifyError) as exc:
        raise InvalidClaim(f"cannot parse claim expression {body!r}: {exc}") from None
    unknown = sorted(str(s) for s in expr.free_symbols if str(s) not in symbols)
    if unknown:
        raise InvalidClaim(
            f"unknown symbol {unknown[0]!r} in claim; known: {', '.join(sorted(symbols))}"
        )
    value = expr.subs({local[k]: sympy.Integer(v) for k, v in symbols.items()})
    if not value.is_real or not value.is_finite:
        raise InvalidClaim(f"claim {body!r} does not evaluate to a real number (got {value})")
    if value.is_Rational:
        exact: Fraction | int = Fraction(int(value.p), int(value.q))
    else:  # irrational: floor/ceil are decided exactly by sympy
        lo, hi = int(sympy.floor(value)), int(sympy.ceiling(value))
        exact = Fraction(2 * lo + 1, 2) if lo != hi else lo
    relation, bound = normalize_relation(rel, exact)
    if bound is None:
        raise InvalidClaim(f"claim {text!r} asks rank == {value}, which is not an integer")
    return Claim(relation, body, bound, sympy.latex(expr))
