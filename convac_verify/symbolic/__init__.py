"""Symbolic weights: grid tensors over polynomial rings and ranks over Q(w).

:mod:`.polynomials` (the ring ``Z[w]`` of weights, FLINT or SymPy), :mod:`.networks`
(architectures whose weights are symbols named after the papers), :mod:`.elimination`
(fraction-free elimination: ranks over the field of fractions ``Q(w)``), :mod:`.rank`
(the symbolic rank of a matricization, its nonzero maximal minor and the exceptional
set), :mod:`.formulas` (rank bounds as SymPy formulas in the widths, compared for all
widths), :mod:`.monomials` and :mod:`.simplex` (the algebra behind those comparisons),
:mod:`.numeric` (the numeric cross-check), :mod:`.summary` (a symbolic rank as report data).
"""
