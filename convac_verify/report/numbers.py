"""How exact integers and probabilities are printed (text and LaTeX)."""

from __future__ import annotations

import re
from fractions import Fraction

from ..evidence.growth import common_power_base

__all__ = ["abbreviate_digits", "fmt_eps", "fmt_int", "latex_int"]

_PLAIN_LIMIT = 10**9


def _power(n: int) -> tuple[int, int] | None:
    found = common_power_base([n]) if n > 1 else None
    if found is None:
        return None
    base, (e,) = found
    return (base, e) if e > 1 else None


def fmt_int(n: int | None) -> str:
    """``256`` stays as is; huge perfect powers print as ``2^512``, others as ``1.2e+30``.

    Examples
    --------
    >>> fmt_int(256), fmt_int(2**512), fmt_int(3 * 10**20 + 1)
    ('256', '2^512', '3e+20')
    """
    if n is None:
        return "-"
    if abs(n) < _PLAIN_LIMIT:
        return str(n)
    p = _power(n)
    if p is not None:
        return f"{p[0]}^{p[1]}"
    return f"{float(n):.3g}"


def latex_int(n: int | None) -> str:
    """Math-mode form of :func:`fmt_int` (``2^{512}``, ``3\\times 10^{20}``)."""
    if n is None:
        return "--"
    if abs(n) < _PLAIN_LIMIT:
        return str(n)
    p = _power(n)
    if p is not None:
        return f"{p[0]}^{{{p[1]}}}"
    mant, _, exp = f"{float(n):.3e}".partition("e")
    return rf"{mant}\times 10^{{{int(exp)}}}"


def fmt_eps(eps: Fraction | None) -> str:
    """``-`` when certain, else ``<=1.2e-14``."""
    if eps is None or eps == 0:
        return "-"
    return f"<={float(eps):.2g}"


_DIGITS = re.compile(r"\d(?:,?\d){24,}")


def abbreviate_digits(text: str) -> str:
    """Shorten every run of 25+ digits (commas allowed) in running text.

    Examples
    --------
    >>> abbreviate_digits("bound " + "9" * 300 + " < 4")
    'bound 99999999…99999999 (300 digits) < 4'
    """

    def short(m: re.Match[str]) -> str:
        digits = m.group().replace(",", "")
        return f"{digits[:8]}…{digits[-8:]} ({len(digits)} digits)"

    return _DIGITS.sub(short, text)
