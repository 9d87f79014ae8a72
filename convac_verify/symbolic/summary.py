"""A symbolic rank as plain data (text and LaTeX strings), for every output format.

:func:`summarize` turns a :class:`~convac_verify.symbolic.rank.SymbolicRank` into a
JSON-ready dictionary: the weights and how they are named, the matricization entry by
entry, the rank, the nonzero maximal minor factored, the ideal of all maximal minors
when it was computed, and the structural bounds as formulas in the widths. Reports
carry it in ``Measurement.extra["symbolic"]``; the table and LaTeX views print it.

Long polynomials are abbreviated (``<64 terms, degree 10> first term + ...``) unless
``show="full"``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..bounds import tree_upper_bounds
from ..networks.dilated import dilated_span_bound
from .formulas import c_recursion_formula, joint_span_formula
from .rank import SymbolicRank

__all__ = ["SHOW", "naming_text", "summarize"]

SHOW = ("auto", "full", "summary")
_AUTO_TERMS = 16  # polynomials with more terms are abbreviated unless show="full"


def naming_text(kind: str, cp: bool, shared: bool) -> str:
    """How the weights are named (1-based indices, as in the papers)."""
    if kind == "dilated":
        return (
            "v^{(d)}_g: discretizer d, entry g; a^{nu,g,I}_alpha / a^{nu,g,II}_alpha: node nu "
            "(its modes, 1-based), output channel g, weights of the first / second child"
        )
    if cp:
        return "a^{z,i}_d: channel z, location i, entry d; a^{y}_z: output weights (y = 1)" + (
            " (shared: a^{z}_d)" if shared else ""
        )
    return (
        "a^{l,j,g}_alpha: level l (0 = first 1x1 conv), location j, output channel g, input "
        "alpha (entry d at level 0); a^{L,y}_alpha: output weights (y = 1)"
        + (" (shared: a^{l,g}_alpha)" if shared else "")
    )


def _poly(result: SymbolicRank, p: Any, show: str, *, factored: bool = False) -> dict[str, Any]:
    import sympy

    ring = result.network.ring
    names = {sym: s.latex for sym, s in zip(ring.symbols(), result.network.symbols, strict=True)}
    terms = ring.n_terms(p)
    degree = ring.total_degree(p)
    full = show == "full" or (show == "auto" and (factored or terms <= _AUTO_TERMS))
    if full:
        expr = ring.factored_sympy(p) if factored else ring.to_sympy(p)
        text = str(expr)
        latex = sympy.latex(expr, symbol_names=names)
    else:
        lead = ring.to_sympy(ring.from_dict(dict([max(ring.to_dict(p).items())])))
        text = f"<{terms} terms, degree {degree}> {lead} + ..."
        latex = (
            rf"\langle {terms}\ \mathrm{{terms}},\ \mathrm{{degree}}\ {degree}\rangle\ "
            + sympy.latex(lead, symbol_names=names)
            + r" + \dots"
        )
    return {"text": text, "latex": latex, "terms": terms, "degree": degree, "full": full}


def _labels(modes: tuple[int, ...], dim: int) -> list[str]:
    return ["(" + ",".join(str(d) for d in idx) + ")" for idx in np.ndindex(*((dim,) * len(modes)))]


def _formulas(result: SymbolicRank) -> dict[str, Any]:
    import sympy

    net, part = result.network, result.partition
    if net.kind == "dilated":
        value = dilated_span_bound(net.tree, net.dim, net.widths[0], part)
        return {"joint-span (eq. 3)": {"text": str(value), "latex": str(value), "value": value}}
    values = {
        b.certificate.kind: b.value for b in tree_upper_bounds(net.tree, net.dim, net.widths, part)
    }
    out = {}
    rename = (
        {sympy.Symbol("r0", integer=True, positive=True): sympy.Symbol("Z")} if net.is_cp else {}
    )
    for kind, formula in (
        ("c-recursion", c_recursion_formula(net.tree, part).subs(rename)),
        ("joint-span", joint_span_formula(net.tree, part).subs(rename)),
    ):
        out[kind] = {
            "text": str(formula),
            "latex": sympy.latex(formula),
            "value": values[kind],
        }
    return out


def summarize(result: SymbolicRank, show: str = "auto") -> dict[str, Any]:
    """Everything a symbolic rank shows, as strings and integers (JSON-ready)."""
    if show not in SHOW:
        raise ValueError(f"show must be one of {', '.join(SHOW)}; got {show!r}")
    net, part = result.network, result.partition
    entry_show = "summary" if show == "summary" else show
    matrix = result.matrix
    rows, cols = _labels(part.rows, net.dim), _labels(part.cols, net.dim)
    entries = [
        [_poly(result, matrix[i, j], entry_show) for j in range(matrix.shape[1])]
        for i in range(matrix.shape[0])
    ]
    elim = result.elimination
    out: dict[str, Any] = {
        "network": net.describe(),
        "kind": net.kind,
        "backend": net.backend,
        "weights": [s.name for s in net.symbols],
        "weights_latex": [s.latex for s in net.symbols],
        "naming": naming_text(net.kind, net.is_cp, net.shared),
        "grid_tensor": {
            "entries": int(net.dim**net.n_modes),
            "max_terms": max(e["terms"] for row in entries for e in row),
            "degree": net.entry_degree(),
        },
        "row_modes": list(part.rows),
        "col_modes": list(part.cols),
        "row_labels": rows,
        "col_labels": cols,
        "matricization": entries,
        "rank": result.rank,
        "elimination": {"updates": elim.steps, "term_pairs": elim.work},
        "minor": {
            "rows": list(elim.rows),
            "cols": list(elim.cols),
            **_poly(result, result.minor, "full" if show != "summary" else "auto", factored=True),
            "expanded_terms": net.ring.n_terms(result.minor),
        },
        "ideal": None,
        "ideal_note": result.ideal_note,
        "bounds": _formulas(result),
    }
    ideal = result.ideal
    if ideal is not None:
        basis = ideal.groebner
        out["ideal"] = {
            "minors": ideal.total,
            "generators": len(ideal.generators),
            "gcd": _poly(result, ideal.gcd, "full", factored=True),
            "groebner": None if basis is None else [_poly(result, g, show) for g in basis],
            "groebner_note": ideal.groebner_note,
        }
    return out
