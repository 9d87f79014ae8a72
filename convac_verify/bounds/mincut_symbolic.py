"""Symbolic min-cuts: the min-cut of a tensor network as a formula in its layer widths.

Every bond of a compiled network carries a layer label (``M``, ``r0``, ``r1``, ...; see
:mod:`convac_verify.networks.compilers`). Read each label as a symbol (a positive integer
``>= 1``); the min-cut is then a function of the symbols of the form
``min(m_1, ..., m_k)`` over monomials ``m_i``. :func:`symbolic_min_cut` computes that
minimal set of monomials with the same dynamic program as the exact tree min-cut
(:mod:`convac_verify.bounds.mincut`), on sets of monomials instead of integers:

* a minimum is the union of the sets; a product is the set of pairwise products;
* a monomial whose exponents are all ``>=`` another's is dropped (symbols are ``>= 1``);
* a product of k *identical* factors ``min(S)^k`` is ``{m^k : m in S}`` (for positive
  reals ``min(x_i)^k = min(x_i^k)``), which keeps the sets small for symmetric trees.

It reproduces Levine et al.'s eq. 16 for the left/right partition of the 1D network with
size-2 pooling, ``min(r_{L-1}, r_{L-2}, r_{L-3}^2, ..., r_0^{N/4}, M^{N/2})``
(:func:`eq16_monomials`), and derives the formula for any other partition (eq. 17 asks for
care: see ``docs/networks.md``). Needs a tree-shaped network whose bonds of one label
have one dimension (per-level widths).

References
----------
Y. Levine, D. Yakira, N. Cohen, A. Shashua. ICLR 2018 (arXiv 1704.01552v2), eqs. 16-17.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

from ..errors import ConvacError
from ..networks.partitions import Partition
from ..networks.tensor_network import TensorNetwork

__all__ = ["MonomialMin", "eq16_monomials", "symbolic_min_cut", "to_sympy"]

Monomial = tuple[int, ...]


class MonomialMin:
    """``min`` over monomials in ``symbols`` (exponent vectors), kept minimal."""

    def __init__(self, symbols: Sequence[str], monomials: Iterable[Monomial]) -> None:
        self.symbols = tuple(symbols)
        self.monomials = _prune(monomials)

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, MonomialMin)
            and self.symbols == other.symbols
            and self.monomials == other.monomials
        )

    def __hash__(self) -> int:
        return hash((self.symbols, self.monomials))

    def terms(self) -> frozenset[frozenset[tuple[str, int]]]:
        """The monomials as sets of ``(symbol, exponent)`` (for comparing formulas whose
        symbol lists differ)."""
        return frozenset(
            frozenset((s, e) for s, e in zip(self.symbols, m, strict=True) if e)
            for m in self.monomials
        )

    def evaluate(self, values: dict[str, int]) -> int:
        """The minimum at integer values of the symbols."""
        out = None
        for m in self.monomials:
            v = 1
            for s, e in zip(self.symbols, m, strict=True):
                v *= values[s] ** e
            out = v if out is None else min(out, v)
        return 1 if out is None else out

    def __repr__(self) -> str:
        return f"MonomialMin({self.symbols}, {sorted(self.monomials)})"


def _prune(monomials: Iterable[Monomial]) -> frozenset[Monomial]:
    ms = sorted(set(monomials), key=sum)
    kept: list[Monomial] = []
    for m in ms:
        if not any(all(a <= b for a, b in zip(k, m, strict=True)) for k in kept):
            kept.append(m)
    return frozenset(kept)


def _times(a: frozenset[Monomial], b: frozenset[Monomial]) -> frozenset[Monomial]:
    return _prune(tuple(x + y for x, y in zip(p, q, strict=True)) for p in a for q in b)


def _power(a: frozenset[Monomial], k: int) -> frozenset[Monomial]:
    return frozenset(tuple(k * e for e in m) for m in a)


def symbolic_min_cut(
    network: TensorNetwork, partition: Partition, *, delta_rule: str = "once"
) -> MonomialMin:
    """The min-cut of a tree-shaped network as a minimum of monomials in its layer labels.

    Examples
    --------
    >>> from convac_verify.networks.compilers import tree_network
    >>> from convac_verify.networks.trees import balanced
    >>> from convac_verify.networks.partitions import left_right
    >>> f = symbolic_min_cut(tree_network(balanced(16), 2, 2), left_right(16))
    >>> str(to_sympy(f))
    'Min(M**8, r_0**4, r_1**2, r_2, r_3)'
    """
    if not network.is_tree():
        raise ConvacError("the symbolic min-cut needs a tree-shaped network")
    labels = sorted(
        {network.bond_layer(b) or b for b in network.bonds() if network.bond_layer(b) != "output"},
        key=_label_key,
    )
    dims: dict[str, set[int]] = {}
    for b in network.bonds():
        dims.setdefault(network.bond_layer(b) or b, set()).add(network.bond_dim(b))
    mixed = [lab for lab, ds in dims.items() if len(ds) > 1 and lab != "output"]
    if mixed:
        raise ConvacError(
            f"bonds labelled {mixed[0]!r} have several dimensions; the symbolic min-cut needs "
            "one dimension per label (per-level widths)"
        )
    pos = {lab: k for k, lab in enumerate(labels)}
    zero: Monomial = (0,) * len(labels)
    one = frozenset([zero])
    never: frozenset[Monomial] = frozenset()

    def unit(bond: str) -> frozenset[Monomial]:
        lab = network.bond_layer(bond) or bond
        if lab not in pos:
            return one
        m = list(zero)
        m[pos[lab]] = 1
        return frozenset([tuple(m)])

    (out,) = network.nodes("output")
    order, up_link = network.rooted(out)
    children: dict[str, list[tuple[str, str]]] = {v: [] for v in order}
    for c, (b, p) in up_link.items():
        children[p].append((c, b))
    rows = set(partition.rows)
    once = delta_rule == "once"
    cost: dict[str, tuple[frozenset[Monomial], ...]] = {}
    for v in order:
        factors: Counter[tuple[frozenset[Monomial], ...]] = Counter()
        for c, b in children[v]:
            ca, cb, cs = cost[c]
            e = unit(b)
            opt_a = _prune(ca | _times(cb, e) | cs)
            opt_b = _prune(cb | _times(ca, e) | cs)
            opt_s = _prune(ca | cb | cs)
            factors[(opt_a, opt_b, opt_s)] += 1
        totals = [one, one, one]
        for opts, k in factors.items():
            for s in range(3):
                totals[s] = _times(totals[s], _power(opts[s], k))
        kind = network.kind(v)
        if kind == "input":
            cost[v] = (one, never, never) if network.mode(v) in rows else (never, one, never)
        elif kind == "delta" and once:
            cost[v] = (totals[0], totals[1], _times(totals[2], unit(network.legs(v)[0])))
        else:
            cost[v] = (totals[0], totals[1], never)
    return MonomialMin(labels, cost[out][0] | cost[out][1])


def _label_key(label: str) -> tuple[int, int, str]:
    if label == "M":
        return (0, 0, label)
    if label.startswith("r") and label[1:].isdigit():
        return (1, int(label[1:]), label)
    return (2, 0, label)


def _symbol(label: str) -> str:
    if label.startswith("r") and label[1:].isdigit():
        return f"r_{label[1:]}"
    return label


def to_sympy(f: MonomialMin) -> object:
    """The formula as a SymPy expression (``Min`` of monomials; symbols ``M``, ``r_0``, ...)."""
    import sympy

    syms = [sympy.Symbol(_symbol(s), positive=True, integer=True) for s in f.symbols]
    terms = [
        sympy.Mul(*(x**e for x, e in zip(syms, m, strict=True) if e)) for m in sorted(f.monomials)
    ]
    return sympy.Min(*terms) if len(terms) > 1 else (terms[0] if terms else sympy.Integer(1))


def eq16_monomials(depth: int) -> MonomialMin:
    """Eq. 16 as printed, for ``L = depth >= 2``: ``min(r_{L-1}, r_{L-2}, r_{L-3}^2, ...,
    r_l^{2^{L-2-l}}, ..., r_0^{N/4}, M^{N/2})`` over the symbols ``M, r0, ..., r_{L-1}``.

    Examples
    --------
    >>> sorted(eq16_monomials(3).monomials)
    [(0, 0, 0, 1), (0, 0, 1, 0), (0, 2, 0, 0), (4, 0, 0, 0)]
    """
    if depth < 2:
        raise ConvacError(f"eq. 16 needs L >= 2 (N >= 4); got L = {depth}")
    labels = ["M", *(f"r{l}" for l in range(depth))]

    def mono(label: str, e: int) -> Monomial:
        m = [0] * len(labels)
        m[labels.index(label)] = e
        return tuple(m)

    terms = [mono(f"r{depth - 1}", 1)]
    terms += [mono(f"r{l}", 2 ** (depth - 2 - l)) for l in range(depth - 2, -1, -1)]
    terms.append(mono("M", 2 ** (depth - 1)))
    return MonomialMin(labels, terms)
