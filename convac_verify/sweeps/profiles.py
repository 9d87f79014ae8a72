"""Plans for ``convac-verify all``: every check at its defaults, or at the papers' sizes.

``default``
    Every registered check once, at the small defaults CI runs.
``paper``
    The sizes of the papers where the checks reach them, one task per size:

    * COLT 2016 (Cohen, Sharir & Shashua): Theorem 1, Corollary 2, Theorem 3 and the CP
      bound up to N = 1024 (dense ranks up to the largest N whose grid tensor fits the
      memory budget, the proofs' Kronecker witnesses through the structured contraction
      beyond). Dense N = 24 needs a non-power-of-2 tree, which ``colt16-theorem-1`` does
      not build: ``convac-verify rank --tree windows:2,2,2,3`` certifies it.
    * ICLR 2017 (Cohen & Shashua), Theorem 1 on 8 x 8 and 16 x 16 grids.
    * ICML 2016 (Cohen & Shashua), App. F with 1000 draws per width (one task per width).
    * ICLR 2018 (Cohen, Tamari & Shashua, "Boosting"), Theorem 7 at N = 16 (dense); the
      worked example at N = 16, 64 and 256 is ``ctm18-mixed`` at its defaults (Theorem
      7's witnesses by Kronecker cores, Claim 5 and the min-cut: ``2^32`` at N = 64
      without a dense matrix). ``ctm18-theorem-7`` itself is dense only (2**64 entries
      at N = 64).

    Every other check runs at its defaults.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from ..errors import ConvacError

__all__ = ["PROFILES", "profile_plan"]

Plan = list[tuple[str, dict[str, Any]]]

_PAPER: Mapping[str, list[dict[str, Any]]] = {
    "colt16-theorem-1": [{"n_modes": 1024}],
    "colt16-corollary-2": [{"n_modes": 1024}],
    "colt16-theorem-3": [{"n_modes": 1024}],
    "cp-rank-bound": [{"n_modes": 1024}],
    "iclr17-theorem-1": [{"grid": "8x8"}, {"grid": "16x16"}],
    "icml16-appendix-f": [{"draws": 1000, "widths": str(w)} for w in (2, 4, 8)],
    "ctm18-theorem-7": [{"n_modes": 16}],
}

PROFILES: Mapping[str, Mapping[str, list[dict[str, Any]]]] = {"default": {}, "paper": _PAPER}
"""Profile name -> per-check list of override sets (a check not listed runs once, at its
defaults)."""


def profile_plan(name: str, checks: Iterable[str]) -> Plan:
    """The plan of ``all --profile NAME`` over ``checks`` (in the order given).

    Examples
    --------
    >>> profile_plan("paper", ["icml16-claim-3", "iclr17-theorem-1"])
    [('icml16-claim-3', {}), ('iclr17-theorem-1', {'grid': '8x8'}), ('iclr17-theorem-1', {'grid': '16x16'})]
    """
    try:
        profile = PROFILES[name]
    except KeyError:
        raise ConvacError(f"unknown profile {name!r}; known: {', '.join(PROFILES)}") from None
    return [(check, dict(o)) for check in checks for o in profile.get(check, [{}])]
