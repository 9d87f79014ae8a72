"""User claims such as ``">= 2**(N/2)"`` (``rank --expect``): a small grammar, never eval.

A claim is a relation followed by an expression::

    claim    := relation expr          relation: >=  >  <=  <  ==  =  (also ≥ ≤)
    expr     := term (("+" | "-") term)*
    term     := unary (("*" | "/") unary)*
    unary    := ("+" | "-") unary | power
    power    := atom (("**" | "^") unary)?          right-associative: 2**2**3 = 2**8
    atom     := NUMBER | SYMBOL | FUNCTION "(" expr ("," expr)* ")" | "(" expr ")"

``NUMBER`` is an integer or a decimal (``1.5``); ``SYMBOL`` is one of the architecture's
symbols -- ``N`` (modes), ``M`` (dimension), ``Z`` (CP width), ``L`` (depth), ``r`` (the
smallest width) and ``r0, r1, ...`` (widths by level), whichever the command defines;
``FUNCTION`` is one of ``min``, ``max`` (one or more arguments), ``floor``, ``ceiling``,
``sqrt`` and ``log`` (``log(x)`` natural, ``log(x, b)`` base b). Nothing else is
accepted: no attribute access, no other names, no Python.

The parse result is a SymPy expression built node by node (:func:`parse_expression`;
symbols are positive integers, :func:`claim_symbol`), so claims can be compared with
other expressions symbolically. Its value for an instance is then computed exactly by
:func:`evaluate`, node by node, refusing before it is computed any intermediate value
with more than ``max_bits`` bits (``9**9**9`` is refused in microseconds, not computed).
The value becomes an integer :class:`~convac_verify.evidence.status.Claim` (``> x``
becomes ``>= floor(x) + 1`` and so on).

Meaning: ``>=``/``>`` claim a lower bound for almost all weights (the generic rank),
``<=``/``<`` an upper bound for all weights, ``==`` the generic rank.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from ..errors import InvalidClaim
from .status import Claim, normalize_relation

__all__ = [
    "CLAIM_FUNCTIONS",
    "DEFAULT_MAX_BITS",
    "MAX_CLAIM_LENGTH",
    "ParsedClaim",
    "claim_symbol",
    "evaluate",
    "parse_claim",
    "parse_expression",
    "split_relation",
]

MAX_CLAIM_LENGTH = 400
"""Longest claim text accepted (characters)."""
MAX_NESTING = 50
"""Deepest nesting of parentheses and operators accepted."""
MAX_LITERAL_DIGITS = 200
"""Longest number literal accepted (digits)."""
DEFAULT_MAX_BITS = 4096
"""Largest magnitude (bits) of any value computed while evaluating a claim, unless the
caller allows more (``rank`` allows about twice the bits of the largest possible rank)."""

CLAIM_FUNCTIONS = ("min", "max", "floor", "ceiling", "sqrt", "log")

_RELATIONS = {
    ">=": ">=",
    "≥": ">=",
    ">": ">",
    "<=": "<=",
    "≤": "<=",
    "<": "<",
    "==": "==",
    "=": "==",
}
_REL = re.compile(r"^\s*(>=|<=|==|≥|≤|=|>|<)")
_TOKEN = re.compile(
    r"\s*(?:(?P<num>\d+(?:\.\d+)?)|(?P<name>[A-Za-z][A-Za-z0-9_]*)|(?P<op>\*\*|[-+*/^(),]))"
)


def claim_symbol(name: str) -> Any:
    """The SymPy symbol of a claim variable: a positive integer (N, M, Z, L, r, r0, ...)."""
    import sympy

    return sympy.Symbol(name, integer=True, positive=True)


@dataclass(frozen=True)
class ParsedClaim:
    """A claim before evaluation: its relation and its expression."""

    relation: str
    """``>=``, ``>``, ``<=``, ``<`` or ``==``."""
    text: str
    """The expression as written (stripped)."""
    expression: Any
    """The SymPy expression, in :func:`claim_symbol` symbols."""


# --------------------------------------------------------------------------- tokens


def _tokens(body: str) -> list[tuple[str, str, int]]:
    """``(kind, text, position)`` triples; kind is ``num``, ``name`` or ``op``."""
    out: list[tuple[str, str, int]] = []
    pos = 0
    while pos < len(body):
        if body[pos:].strip() == "":
            break
        m = _TOKEN.match(body, pos)
        if m is None or m.end() == pos:
            at = len(body[pos:]) - len(body[pos:].lstrip()) + pos
            raise InvalidClaim(
                f"claim expression may use numbers, symbols, + - * / ** ^ ( ) , and the "
                f"functions {', '.join(CLAIM_FUNCTIONS)}; unexpected {body[at]!r} at position "
                f"{at + 1} of {_short(body)!r}"
            )
        kind = m.lastgroup or "op"
        text = m.group(kind)
        if kind == "num" and len(text) > MAX_LITERAL_DIGITS:
            raise InvalidClaim(
                f"number literal of {len(text)} digits in the claim; at most "
                f"{MAX_LITERAL_DIGITS} (write large numbers as powers, e.g. 10**300)"
            )
        out.append((kind, text, m.start(kind)))
        pos = m.end()
    return out


# --------------------------------------------------------------------------- parser


class _Parser:
    """Recursive descent over the grammar of the module docstring."""

    def __init__(self, body: str, symbols: Mapping[str, object], max_bits: int) -> None:
        import sympy

        self.sp = sympy
        self.body = body
        self.toks = _tokens(body)
        self.i = 0
        self.depth = 0
        self.symbols = symbols
        self.max_bits = max_bits

    # -- helpers
    def peek(self) -> str | None:
        return self.toks[self.i][1] if self.i < len(self.toks) else None

    def take(self) -> tuple[str, str, int]:
        if self.i >= len(self.toks):
            raise InvalidClaim(
                f"cannot parse claim expression {_short(self.body)!r}: it ends early"
            )
        tok = self.toks[self.i]
        self.i += 1
        return tok

    def expect(self, op: str) -> None:
        _, text, pos = self.take()
        if text != op:
            raise InvalidClaim(
                f"cannot parse claim expression {_short(self.body)!r}: expected {op!r} at "
                f"position {pos + 1}, got {text!r}"
            )

    def nested(self) -> None:
        self.depth += 1
        if self.depth > MAX_NESTING:
            raise InvalidClaim(f"claim expression nests deeper than {MAX_NESTING} levels")

    # -- grammar
    def parse(self) -> Any:
        if not self.toks:
            raise InvalidClaim('a claim needs an expression after the relation, e.g. ">= 2**(N/2)"')
        e = self.expr()
        if self.i < len(self.toks):
            _, text, pos = self.toks[self.i]
            raise InvalidClaim(
                f"cannot parse claim expression {_short(self.body)!r}: unexpected {text!r} at "
                f"position {pos + 1}"
            )
        return e

    def expr(self) -> Any:
        self.nested()
        e = self.term()
        while self.peek() in ("+", "-"):
            op = self.take()[1]
            rhs = self.term()
            e = self.binary("+", e, rhs if op == "+" else self.binary("*", -1, rhs))
        self.depth -= 1
        return e

    def term(self) -> Any:
        e = self.unary()
        while self.peek() in ("*", "/"):
            op = self.take()[1]
            rhs = self.unary()
            if op == "/":
                if rhs == 0:
                    raise InvalidClaim(f"division by zero in claim {_short(self.body)!r}")
                rhs = self.binary("**", rhs, -1)
            e = self.binary("*", e, rhs)
        return e

    def unary(self) -> Any:
        if self.peek() in ("+", "-"):
            op = self.take()[1]
            self.nested()
            e = self.unary()
            self.depth -= 1
            return e if op == "+" else self.binary("*", -1, e)
        return self.power()

    def power(self) -> Any:
        base = self.atom()
        if self.peek() in ("**", "^"):
            self.take()
            self.nested()
            exponent = self.unary()
            self.depth -= 1
            return self.binary("**", base, exponent)
        return base

    def atom(self) -> Any:
        kind, text, pos = self.take()
        sp = self.sp
        if kind == "num":
            return sp.Integer(int(text)) if "." not in text else sp.Rational(text)
        if kind == "name":
            if self.peek() == "(":
                return self.call(text, pos)
            if text in CLAIM_FUNCTIONS:
                raise InvalidClaim(f"{text} is a function: write {text}(...)")
            if text not in self.symbols:
                known = ", ".join(sorted(self.symbols)) or "none"
                raise InvalidClaim(f"unknown symbol {text!r} in claim; known: {known}")
            return claim_symbol(text)
        if text == "(":
            e = self.expr()
            self.expect(")")
            return e
        raise InvalidClaim(
            f"cannot parse claim expression {_short(self.body)!r}: unexpected {text!r} at "
            f"position {pos + 1}"
        )

    def call(self, name: str, pos: int) -> Any:
        if name not in CLAIM_FUNCTIONS:
            raise InvalidClaim(
                f"unknown function {name!r} in claim; known: {', '.join(CLAIM_FUNCTIONS)}"
            )
        self.expect("(")
        self.nested()
        args = [self.expr()]
        while self.peek() == ",":
            self.take()
            args.append(self.expr())
        self.expect(")")
        self.depth -= 1
        arity = {"floor": (1, 1), "ceiling": (1, 1), "sqrt": (1, 1), "log": (1, 2)}
        lo, hi = arity.get(name, (1, 64))
        if not lo <= len(args) <= hi:
            want = f"{lo}" if lo == hi else f"{lo} to {hi}"
            raise InvalidClaim(f"{name}() takes {want} argument(s); got {len(args)}")
        return _apply(name, args, self.max_bits)

    def binary(self, op: str, a: Any, b: Any) -> Any:
        return _binary(op, self.sp.sympify(a), self.sp.sympify(b), self.max_bits)


# --------------------------------------------------------------------------- bounded arithmetic


def _bits(x: Any) -> float:
    """log2 of the size of a constant: bits of numerator/denominator, or ``|log2 |x||``."""
    import sympy

    if x.is_Integer:
        return float(abs(int(x.p)).bit_length())
    if x.is_Rational:
        return float(max(abs(int(x.p)).bit_length(), int(x.q).bit_length()))
    _require_finite(x)
    magnitude = sympy.N(abs(x), 30)
    if magnitude == 0:
        return 0.0
    return abs(float(sympy.log(magnitude, 2)))


def _require_finite(x: Any) -> None:
    import sympy

    if x.has(sympy.zoo, sympy.nan, sympy.oo, -sympy.oo):
        raise InvalidClaim(
            f"claim does not evaluate to a real number ({_short(str(x))} is not finite)"
        )


def _too_big(what: str, bits: float, max_bits: int) -> InvalidClaim:
    shown = f"{bits:,.0f}" if bits < 1e15 else f"{bits:.3g}"
    return InvalidClaim(
        f"claim value too large: {what} would have ~{shown} bits, over the limit of "
        f"{max_bits:,} bits for this matricization (its rank has far fewer)"
    )


def _binary(op: str, a: Any, b: Any, max_bits: int) -> Any:
    """``a op b`` with SymPy; a constant result larger than ``max_bits`` is refused first."""
    import sympy

    _require_finite(a)
    _require_finite(b)
    if op == "**" and a == 0 and b.is_number and b.is_negative:
        raise InvalidClaim("claim divides by zero (0 to a negative power)")
    if a.is_number and b.is_number:
        ba, bb = _bits(a), _bits(b)
        if op == "+":
            est = max(ba, bb) + 1
        elif op == "*":
            est = ba + bb
        elif a in (0, 1, -1):
            est = 1.0
        else:  # |b| * bits(a): a huge negative exponent is as costly as a positive one
            est = _magnitude(b) * max(ba, 1.0)
        if est > max_bits:
            what = {"+": "a sum", "*": "a product", "**": "a power"}[op]
            raise _too_big(
                f"{what} ({_short(str(a), 30)} {op} {_short(str(b), 30)})", est, max_bits
            )
    if op == "+":
        return sympy.Add(a, b)
    if op == "*":
        return sympy.Mul(a, b)
    return sympy.Pow(a, b)


def _magnitude(x: Any) -> float:
    """``|x|`` as a float (``inf`` when it does not fit one)."""
    import sympy

    try:
        return abs(float(sympy.N(x, 20)))
    except (TypeError, OverflowError):
        return math.inf


def _apply(name: str, args: list[Any], max_bits: int) -> Any:
    import sympy

    if name in ("min", "max"):
        return (sympy.Min if name == "min" else sympy.Max)(*args)
    (x, *rest) = args
    if name == "floor":
        return sympy.floor(x)
    if name == "ceiling":
        return sympy.ceiling(x)
    if name == "sqrt":
        return _binary("**", x, sympy.Rational(1, 2), max_bits)
    value = sympy.log(x, rest[0]) if rest else sympy.log(x)
    _require_finite(value)
    return value


def evaluate(expression: Any, values: Mapping[str, int], max_bits: int = DEFAULT_MAX_BITS) -> Any:
    """The exact value of ``expression`` at ``values``, computed node by node.

    Every intermediate constant is checked against ``max_bits`` before it is computed.

    Raises
    ------
    InvalidClaim
        If a value would be too large, or is not a real number.
    """
    import sympy

    ops: dict[Any, Callable[..., Any]] = {
        sympy.floor: sympy.floor,
        sympy.ceiling: sympy.ceiling,
        sympy.Min: sympy.Min,
        sympy.Max: sympy.Max,
        sympy.log: sympy.log,
    }

    def walk(e: Any) -> Any:
        if e.is_Symbol:
            if e.name not in values:
                raise InvalidClaim(f"unknown symbol {e.name!r} in claim")
            return sympy.Integer(int(values[e.name]))
        if e.is_Number or e.is_NumberSymbol or not e.args:
            return e
        args = [walk(a) for a in e.args]
        if e.func is sympy.Add:
            acc = args[0]
            for a in args[1:]:
                acc = _binary("+", acc, a, max_bits)
            return acc
        if e.func is sympy.Mul:
            acc = args[0]
            for a in args[1:]:
                acc = _binary("*", acc, a, max_bits)
            return acc
        if e.func is sympy.Pow:
            return _binary("**", args[0], args[1], max_bits)
        if e.func in ops:
            return ops[e.func](*args)
        raise InvalidClaim(f"cannot evaluate {type(e).__name__} in a claim")

    return walk(expression)


# --------------------------------------------------------------------------- claims


def split_relation(text: str) -> tuple[str, str]:
    """``(relation, body)``: the leading relation (``=`` and ``≥``/``≤`` normalized)."""
    if not isinstance(text, str) or not text.strip():
        raise InvalidClaim(
            'empty claim: a claim is a relation (>=, >, <=, <, ==) and an expression, e.g. ">= 2**(N/2)"'
        )
    if len(text) > MAX_CLAIM_LENGTH:
        raise InvalidClaim(f"claim of {len(text)} characters; at most {MAX_CLAIM_LENGTH}")
    m = _REL.match(text)
    if not m:
        raise InvalidClaim(
            'a claim is a relation (>=, >, <=, <, ==) and an expression, e.g. ">= 2**(N/2)"; '
            f"got {_short(text)!r}"
        )
    return _RELATIONS[m.group(1)], text[m.end() :].strip()


def parse_expression(
    text: str, symbols: Mapping[str, object], max_bits: int = DEFAULT_MAX_BITS
) -> ParsedClaim:
    """Parse a claim into its relation and SymPy expression (no evaluation at symbols).

    Examples
    --------
    >>> p = parse_expression(">= min(r0, M)**(N/2)", {"r0": 2, "M": 2, "N": 8})
    >>> p.relation, p.expression
    ('>=', Min(M, r0)**(N/2))
    """
    relation, body = split_relation(text)
    expr = _Parser(body, symbols, max_bits).parse()
    return ParsedClaim(relation, body, expr)


def parse_claim(text: str, symbols: Mapping[str, int], max_bits: int = DEFAULT_MAX_BITS) -> Claim:
    """Parse ``text`` and evaluate it exactly with the given symbol values.

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

    parsed = parse_expression(text, symbols, max_bits)
    value = evaluate(parsed.expression, symbols, max_bits)
    if value.has(sympy.zoo, sympy.nan) or value.is_real is not True or value.is_finite is False:
        raise InvalidClaim(
            f"claim {_short(parsed.text)!r} does not evaluate to a real number (got {_short(str(value))})"
        )
    if value.is_Rational:
        exact: Fraction | int = Fraction(int(value.p), int(value.q))
    else:  # irrational: floor/ceil are decided exactly by sympy
        lo, hi = sympy.floor(value), sympy.ceiling(value)
        if not (lo.is_Integer and hi.is_Integer):
            raise InvalidClaim(f"cannot decide the integer part of claim {_short(parsed.text)!r}")
        exact = Fraction(2 * int(lo) + 1, 2) if lo != hi else int(lo)
    relation, bound = normalize_relation(parsed.relation, exact)
    if bound is None:
        raise InvalidClaim(
            f"claim {_short(text)!r} asks rank == {_short(str(value))}, which is not an integer"
        )
    return Claim(relation, parsed.text, bound, sympy.latex(parsed.expression))


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."
