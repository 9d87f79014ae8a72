"""A rank claim held to formula certificates across a family of widths (``rank --expect``).

``rank --expect ">= min(r0, M)**(N/2)"`` is a claim about one instance (decided by the
measured rank) and, written as a formula, about a whole family: the same mode tree and
partition for every dimension ``M >= 1`` and every width. At a fixed tree and partition
the structural bounds are formulas in ``M`` and the widths
(:mod:`convac_verify.symbolic.formulas`):

* upper, for all weights: ``min(c-recursion, joint-span)``;
* lower, for almost all weights: the rank of the Kronecker witness,
  ``max_h min(M, r_0, ..., r_{h-1})**S_h`` (:func:`~.formulas.witness_formula`).

The family is the one the instance was given in: one width for all levels (``--r R`` or
``--widths R``) means the uniform family (every ``r_l = r``); per-level widths mean every
``r_0, ..., r_{L-1} >= 1`` independently (a tree with leaves at several depths admits
only uniform widths, so its family is uniform). ``N`` and ``L`` are those of the tree; the
claim's ``r`` (the smallest width) is ``min(r_0, ..., r_{L-1})``; a CP network's ``Z``
is its one width.

:func:`judge_rank_family` compares the claim with the formulas by
:func:`~.formulas.judge_family_claim`: ``proved`` when the certificates imply it for
every member, ``violated`` only when a member is exhibited where a certificate
contradicts it (exact arithmetic at explicit widths: certain), ``consistent`` otherwise,
a grid-only agreement labelled so. Strict relations (``>``, ``<``) are not judged, nor
claims without ``M``, ``Z`` or a width (``>= 2**(N/2)`` is about the instance: ``N`` is
fixed by the tree).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import networkx as nx

from ..errors import ConvacError
from ..networks import trees
from ..networks.partitions import Partition
from .formulas import (
    FamilyJudgement,
    c_recursion_formula,
    joint_span_formula,
    judge_family_claim,
    width_symbols,
    witness_formula,
)

__all__ = [
    "MAX_FAMILY_MODES",
    "MAX_PER_LEVEL_MODES",
    "FamilyCheck",
    "FormulaTooLarge",
    "judge_rank_family",
]

MAX_FAMILY_MODES = 4096
"""Largest tree (modes) whose uniform family is judged (formula work grows with the tree)."""
MAX_PER_LEVEL_MODES = 16
"""Largest tree whose family with independent per-level widths is judged: the formulas'
minima of monomials in ``M, r0, ..., r_{L-1}`` grow fast (a random partition of 32 modes
takes ~15 s, of 64 modes ~2 min; the uniform family, in ``M, r`` only, takes ~0.5 s at
4096 modes)."""


class FormulaTooLarge(ConvacError):
    """The family's formulas would take too long to build: the claim is not judged."""


_ORDER = {"violated": 0, "proved": 1, "consistent": 2}
_FAMILY_SYMBOL = re.compile(r"M|Z|r|r\d+")


@dataclass(frozen=True)
class FamilyCheck:
    """A claim judged for a whole family of widths."""

    relation: str
    """``>=``, ``<=`` or ``==``."""
    claim: Any
    """The claimed bound in the family's symbols (SymPy)."""
    upper: Any
    """Upper bound for all weights (SymPy)."""
    lower: Any
    """Lower bound for almost all weights (SymPy)."""
    family: str
    """Which members: the tree, the partition and the free symbols."""
    judgement: FamilyJudgement

    @property
    def status(self) -> str:
        """``proved``, ``violated`` or ``consistent``."""
        return self.judgement.status

    @property
    def reason(self) -> str:
        """One sentence naming the tier (all widths, or the grid)."""
        return self.judgement.reason

    def to_dict(self) -> dict[str, Any]:
        """The JSON form (formulas as SymPy strings)."""
        return {
            "family": self.family,
            "relation": self.relation,
            "claim": str(self.claim),
            "upper_bound": str(self.upper),
            "lower_bound": str(self.lower),
            "status": self.status,
            "reason": self.reason,
        }


def _substitutions(
    tree: nx.DiGraph, depth: int, uniform: bool, cp: bool
) -> tuple[dict[str, Any], dict[Any, Any], str]:
    """Claim symbol -> family expression, width renaming, and the free symbols' text."""
    import sympy

    m_sym, rs = width_symbols(depth)
    r = sympy.Symbol("Z" if cp else "r", integer=True, positive=True)
    n = trees.n_modes(tree)
    # the uniform builders write the one width as ``r``; the family calls it r (or Z)
    rename: dict[Any, Any] = (
        {**dict.fromkeys(rs, r), sympy.Symbol("r", integer=True, positive=True): r}
        if uniform
        else {}
    )
    widths = [r] if uniform else list(rs)
    smallest = sympy.Min(*widths)
    values: dict[str, Any] = {
        "N": sympy.Integer(n),
        "L": sympy.Integer(depth),
        "M": m_sym,
        "r": smallest,
        **{str(ri): rename.get(ri, ri) for ri in rs},
    }
    if cp:
        values["Z"] = widths[0]
        free = "M >= 1, Z >= 1"
    else:
        free = f"M >= 1, {'r = r0 = ... >= 1' if uniform else ', '.join(map(str, rs)) + ' >= 1'}"
    return values, rename, free


def judge_rank_family(
    tree: nx.DiGraph,
    partition: Partition,
    relation: str,
    claim: Any,
    *,
    uniform: bool,
    cp: bool = False,
    grid_max: int = 8,
) -> FamilyCheck | None:
    """Judge ``rank <relation> claim`` for the family of ``tree`` and ``partition``.

    Parameters
    ----------
    tree, partition
        The architecture (same-channel pooling over a mode tree; CP is ``cp_tree(N)``).
    relation : str
        As written (``>=``, ``<=``, ``==``; ``>`` and ``<`` are not judged).
    claim : sympy expression
        In the claim symbols of ``rank --expect`` (``N, M, Z, L, r, r0, ...``).
    uniform : bool
        One width for all levels (the uniform family), or independent widths per level.
    cp : bool
        The CP network (``Z`` is its width).

    Returns
    -------
    FamilyCheck or None
        ``None`` when the claim has no family: a strict relation, or a claim without
        ``M``, ``Z`` or a width (``N`` and ``L`` are fixed by the tree: such a claim is
        about the instance only).

    Raises
    ------
    FormulaTooLarge
        A tree over :data:`MAX_FAMILY_MODES` modes, or a per-level family over
        :data:`MAX_PER_LEVEL_MODES` modes (refused before any formula is built).

    Examples
    --------
    >>> import sympy
    >>> from convac_verify.evidence.claims import claim_symbol
    >>> from convac_verify.networks.trees import balanced
    >>> from convac_verify.networks.partitions import odd_even
    >>> M, r0, N = (claim_symbol(s) for s in ("M", "r0", "N"))
    >>> f = judge_rank_family(balanced(8), odd_even(8), ">=", sympy.Min(r0, M) ** (N / 2),
    ...                       uniform=False)
    >>> f.status, f.upper, f.lower
    ('proved', Min(M**4, r0**4), Min(M, r0)**4)
    >>> judge_rank_family(balanced(8), odd_even(8), ">=", r0**4, uniform=False).status
    'violated'
    """
    if relation not in ("<=", ">=", "=="):
        return None
    if not any(_FAMILY_SYMBOL.fullmatch(s.name) for s in claim.free_symbols):
        return None  # a claim in N alone (or a number) is about this instance only
    if trees.n_modes(tree) > MAX_FAMILY_MODES:
        raise FormulaTooLarge(
            f"family not judged: trees up to N = {MAX_FAMILY_MODES} modes "
            f"(this one has {trees.n_modes(tree)})"
        )
    # CP has one width; with leaves at several depths only a uniform width is an
    # architecture (same-channel pooling needs one width among siblings)
    levels = {len(nx.ancestors(tree, leaf)) for leaf in range(trees.n_modes(tree))}
    uniform = uniform or cp or len(levels) > 1
    import sympy

    depth = trees.height(tree, trees.root(tree))
    values, rename, free = _substitutions(tree, depth, uniform, cp)
    expr = claim.subs(
        {s: values[s.name] for s in claim.free_symbols if s.name in values}, simultaneous=True
    )
    if not uniform and trees.n_modes(tree) > MAX_PER_LEVEL_MODES:
        raise FormulaTooLarge(
            f"family not judged: per-level widths are judged up to N = {MAX_PER_LEVEL_MODES} "
            f"modes (formula work grows fast with the width symbols); give one width for "
            "all levels (--r R) for the uniform family"
        )
    upper = sympy.Min(
        c_recursion_formula(tree, partition, uniform=uniform),
        joint_span_formula(tree, partition, uniform=uniform),
    )
    lower = witness_formula(tree, partition)
    if rename:
        upper, lower = upper.subs(rename), lower.subs(rename)
    # a Max of witness heights: each height alone is a lower bound, and the comparisons
    # decide minima of monomials; the strongest answer over the heights counts
    parts = list(lower.args) if isinstance(lower, sympy.Max) else [lower]
    judgements = [
        judge_family_claim(relation, expr, upper, part, grid_max=grid_max) for part in parts
    ]
    best = min(judgements, key=lambda j: _ORDER.get(j.status, 3))
    n = trees.n_modes(tree)
    name = str(tree.graph.get("name") or "") or f"of {n} modes, depth {depth}"
    shown = str(trees.to_nested(tree)) if n <= 16 else name
    family = f"tree {shown}, partition {partition.name}, all {free}"
    return FamilyCheck(relation, expr, upper, lower, family, best)
