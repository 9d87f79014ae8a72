"""Min-cut bounds on matricization ranks (Levine, Yakira, Cohen & Shashua, ICLR 2018).

For a tensor network (:mod:`convac_verify.networks.tensor_network`) and a partition (I, J)
of its input legs, a **cut** is a set of bonds -- and of delta tensors cut *through* --
whose removal separates every I-input from every J-input. Its weight is the product of
the cut bonds' dimensions, a delta counting once with its dimension d.

* **Claim 1** (any tensor network): ``rank [[A]]_{I,J} <= W_C`` for every cut C, so
  ``<= min_C W_C``: contract each side of the cut; the matricization factors through the
  cut bonds.
* **Claim 7** (general pooling windows, App. C): cut bonds attached to the same delta count
  **once**: a delta of dimension d with its legs split in two groups is
  ``sum_{c <= d} (x)_{group 1} e_c (x) (x)_{group 2} e_c``, i.e. two deltas joined by one new
  bond of dimension d. Counting every edge separately gives a valid but looser bound
  (``delta_rule="per-edge"``; on the shallow network with window 8, Z = 4, M = 2 and
  I = {1,2,4,7} it gives 16 against a rank of 4).
* **Theorem 2** (size-2 pooling, unshared weights): with every bond dimension rounded down
  to a power of p, ``rank >= max_p min_C W^p_C`` almost everywhere
  (:func:`power_lower_bound`); equality when all dimensions are powers of one integer.

Soundness
---------
Every cut returned is re-checked independently of how it was found: :func:`separates`
removes its bonds, splits its deltas and searches for a path from an I-input to a
J-input; :func:`cut_weight` recomputes its weight with integers. Any separating cut is a
valid certificate of Claim 1 (Claim 7 for split deltas), minimal or not.

Which minimum
-------------
* ``"tree"`` -- networks whose bond graph is a tree (every tree decomposition): an exact
  dynamic program over the tree on integer weights (node states: I side, J side, or a
  delta cut through), **exact for any dimensions**.
* ``"flow"`` -- any network: NetworkX max-flow/min-cut (Boykov-Kolmogorov) on log
  capacities, a delta as a vertex of capacity log d (split into an in- and an out-vertex).
  When every dimension is a power of one base b the capacities are the integer exponents
  and the minimum is exact; otherwise they are ``log2`` scaled to integers and the
  minimum is **best-effort** (near-ties may be resolved wrongly; the cut is still sound).

``"auto"`` uses the tree program when it applies. ``benchmarks/networks.py`` times both.

References
----------
Y. Levine, D. Yakira, N. Cohen, A. Shashua. Deep Learning and Quantum Entanglement:
Fundamental Connections with Implications to Network Design. ICLR 2018 (arXiv
1704.01552v2): eq. 15, Claim 1, Theorem 2, Claim 7 (App. C). Y. Boykov, V. Kolmogorov.
An experimental comparison of min-cut/max-flow algorithms. IEEE TPAMI 26(9), 2004.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import networkx as nx
from networkx.algorithms.flow import boykov_kolmogorov

from ..errors import ConvacError
from ..evidence.certificates import detail_int
from ..networks.partitions import Partition
from ..networks.tensor_network import TensorNetwork

__all__ = [
    "DELTA_RULES",
    "METHODS",
    "Cut",
    "common_base",
    "cut_weight",
    "min_cut",
    "power_lower_bound",
    "separates",
]

DELTA_RULES = ("once", "per-edge")
METHODS = ("auto", "tree", "flow")
_LOG_SCALE = 2**40  # float capacities: log2(d) * 2**40, rounded

DimMap = Callable[[int], int]


@dataclass(frozen=True)
class Cut:
    """A cut of a tensor network and its weight (an upper bound on the rank)."""

    value: int
    """The weight: product of the cut bonds' dimensions (deltas per ``delta_rule``)."""
    bonds: tuple[str, ...]
    """Cut bonds (sorted)."""
    deltas: tuple[str, ...]
    """Delta tensors cut through, each counted once (sorted)."""
    exact: bool
    """Whether ``value`` is proven to be the minimum over all cuts."""
    method: str
    """How it was found, e.g. ``"tree DP"`` or ``"max-flow, integer capacities (base 2)"``."""
    delta_rule: str
    """``"once"`` (Claim 7) or ``"per-edge"``."""

    def layers(self, network: TensorNetwork) -> dict[str, int]:
        """How many cut bonds (and split deltas) carry each layer's channels."""
        out: dict[str, int] = {}
        for b in self.bonds:
            key = network.bond_layer(b) or b
            out[key] = out.get(key, 0) + 1
        for d in self.deltas:
            key = f"delta {network.bond_layer(network.legs(d)[0]) or d}"
            out[key] = out.get(key, 0) + 1
        return dict(sorted(out.items()))

    def describe(self, network: TensorNetwork) -> str:
        """One line: the weight as a product by layer, and exactness."""
        parts = []
        for key, n in self.layers(network).items():
            parts.append(key if n == 1 else f"{key}^{n}")
        how = "exact" if self.exact else "best-effort"
        value = detail_int(self.value)
        return f"{value} = {' * '.join(parts) or '1'} ({how}, {self.method})"


def _dim(network: TensorNetwork, bond: str, dim_of: DimMap | None) -> int:
    d = network.bond_dim(bond)
    return dim_of(d) if dim_of else d


def _delta_dim(network: TensorNetwork, delta: str, dim_of: DimMap | None) -> int:
    return _dim(network, network.legs(delta)[0], dim_of)


def cut_weight(
    network: TensorNetwork,
    bonds: Iterable[str],
    deltas: Iterable[str] = (),
    dim_of: DimMap | None = None,
) -> int:
    """The integer weight of a cut: product of bond dimensions, a split delta counted once."""
    value = 1
    for b in bonds:
        value *= _dim(network, b, dim_of)
    for d in deltas:
        value *= _delta_dim(network, d, dim_of)
    return value


def separates(
    network: TensorNetwork, partition: Partition, bonds: Iterable[str], deltas: Iterable[str] = ()
) -> bool:
    """Whether removing ``bonds`` and splitting ``deltas`` disconnects I from J.

    A split delta no longer joins its legs: each leg stays with its neighbour only.
    """
    cut, split = set(bonds), set(deltas)
    rows = set(partition.rows)
    inputs = {network.mode(v): v for v in network.nodes("input")}
    start = [inputs[m] for m in rows]
    seen = set(start)
    stack = list(start)
    while stack:
        v = stack.pop()
        if v in split:
            continue  # reached one leg of a split delta: it leads nowhere else
        for b in network.legs(v):
            if b in cut:
                continue
            u, w = network.bond_ends(b)
            nxt = w if u == v else u
            if nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    return not any(inputs[m] in seen for m in range(network.n_modes) if m not in rows)


def common_base(dims: Iterable[int]) -> int | None:
    """The integer b with every dimension ``> 1`` a power of b, or ``None``.

    Examples
    --------
    >>> common_base([2, 8, 4, 1]), common_base([4, 16]), common_base([2, 3])
    (2, 4, None)
    """
    ds = sorted({int(d) for d in dims if int(d) > 1})
    if not ds:
        return 2
    roots = {_primitive_root(d) for d in ds}
    if len(roots) != 1:
        return None
    base = roots.pop()
    exps = [round(math.log(d, base)) for d in ds]
    g = 0
    for e in exps:
        g = math.gcd(g, e)
    return int(base**g)


def _primitive_root(d: int) -> int:
    """The smallest q with ``d = q**k``."""
    for k in range(d.bit_length(), 1, -1):
        q = round(d ** (1.0 / k))
        for c in (q - 1, q, q + 1):
            if c > 1 and c**k == d:
                return _primitive_root(c)
    return d


def _check_partition(network: TensorNetwork, partition: Partition) -> None:
    if partition.n_modes != network.n_modes:
        raise ConvacError(
            f"partition is for N = {partition.n_modes} modes but the network has "
            f"{network.n_modes} inputs"
        )
    partition.require_proper()


def min_cut(
    network: TensorNetwork,
    partition: Partition,
    *,
    delta_rule: str = "once",
    method: str = "auto",
    dim_of: DimMap | None = None,
) -> Cut:
    """The minimum-weight cut separating the I-inputs from the J-inputs.

    Parameters
    ----------
    network : TensorNetwork
        Any validated network (the output leg is ignored).
    partition : Partition
        (I, J); both sides non-empty.
    delta_rule : {"once", "per-edge"}
        Count the cut bonds of one delta once (Claim 7; sound and tighter) or each bond.
    method : {"auto", "tree", "flow"}
        See the module docstring.
    dim_of : callable, optional
        Replace every dimension d by ``dim_of(d)`` (Theorem 2's rounding).

    Examples
    --------
    The shallow network, window 8, Z = 4, M = 2, I = {1,2,4,7} (1-based):

    >>> from convac_verify.networks.compilers import cp_network
    >>> net = cp_network(8, 2, 4)
    >>> P = Partition.from_rows([0, 1, 3, 6], 8)
    >>> min_cut(net, P).value, min_cut(net, P, delta_rule="per-edge").value
    (4, 16)
    """
    if delta_rule not in DELTA_RULES:
        raise ConvacError(f"delta rule must be one of {', '.join(DELTA_RULES)}; got {delta_rule!r}")
    if method not in METHODS:
        raise ConvacError(f"min-cut method must be one of {', '.join(METHODS)}; got {method!r}")
    _check_partition(network, partition)
    if method == "tree" or (method == "auto" and network.is_tree()):
        if not network.is_tree():
            raise ConvacError("the tree min-cut needs a network whose bond graph is a tree")
        cut = _tree_cut(network, partition, delta_rule, dim_of)
    else:
        cut = _flow_cut(network, partition, delta_rule, dim_of)
    if not separates(network, partition, cut.bonds, cut.deltas):  # pragma: no cover - a bug
        raise AssertionError(f"min-cut ({cut.method}) does not separate I from J")
    return cut


# --------------------------------------------------------------------------- tree DP


def _hung(
    network: TensorNetwork, root: str
) -> tuple[list[str], dict[str, list[tuple[str, str, int]]]]:
    """Nodes children first, and ``node -> [(child, bond, dimension)]`` (cached)."""
    cached = network.meta.get("_hung")
    if cached is None or cached[0] != root:
        order, up_link = network.rooted(root)
        children: dict[str, list[tuple[str, str, int]]] = {v: [] for v in order}
        for c, (b, p) in up_link.items():
            children[p].append((c, b, network.bond_dim(b)))
        cached = (root, order, children)
        network.meta["_hung"] = cached
    return cached[1], cached[2]


def _tree_cut(
    network: TensorNetwork, partition: Partition, delta_rule: str, dim_of: DimMap | None
) -> Cut:
    """Exact minimum on a tree-shaped network: states A (I side), B (J side), S (split)."""
    (out,) = network.nodes("output")
    order, children = _hung(network, out)
    once = delta_rule == "once"
    rows = set(partition.rows)
    kind_of = network.kind
    mode_of = network.mode
    inf = math.inf  # a state that is not allowed
    # cost[v] = (A, B, S): minimum weight below v with v on the I side (A), the J side (B),
    # or (a delta) cut through (S); the weights are exact integers
    cost: dict[str, tuple[float, float, float]] = {}
    pick: dict[str, list[tuple[int, int, int]]] = {}  # per child: its best state for A, B, S
    for v in order:
        ta: float = 1
        tb: float = 1
        ts: float = 1
        picks = []
        for c, _, d in children[v]:
            if dim_of is not None:
                d = dim_of(d)
            ca, cb, cs = cost[c]
            # parent in A: child A free, child B across the bond, child S free (and vice versa)
            ba, pa = (ca, 0) if ca <= cb * d else (cb * d, 1)
            if cs < ba:
                ba, pa = cs, 2
            bb, pb = (cb, 1) if cb <= ca * d else (ca * d, 0)
            if cs < bb:
                bb, pb = cs, 2
            bs, ps = (ca, 0) if ca <= cb else (cb, 1)
            if cs < bs:
                bs, ps = cs, 2
            if ba != 1:
                ta *= ba
            if bb != 1:
                tb *= bb
            if bs != 1:
                ts *= bs
            picks.append((pa, pb, ps))
        pick[v] = picks
        kind = kind_of(v)
        if kind == "input":
            cost[v] = (1, inf, inf) if mode_of(v) in rows else (inf, 1, inf)
        elif kind == "delta" and once:
            cost[v] = (ta, tb, ts * _delta_dim(network, v, dim_of))
        else:
            cost[v] = (ta, tb, inf)
    # backtrack from the output
    root_cost = cost[out]
    state = {out: min(range(3), key=root_cost.__getitem__)}
    for v in reversed(order):
        for (c, _, _), best in zip(children[v], pick[v], strict=True):
            state[c] = best[state[v]]
    names = "ABS"
    bonds = []
    for b in network.bonds():
        su, sv = (state[x] for x in network.bond_ends(b))
        if su != sv and 2 not in (su, sv):
            bonds.append(b)
    deltas = sorted(v for v, k in state.items() if names[k] == "S")
    value = cut_weight(network, bonds, deltas, dim_of)
    assert value == root_cost[state[out]]
    return Cut(value, tuple(sorted(bonds)), tuple(deltas), True, "tree DP", delta_rule)


# --------------------------------------------------------------------------- max-flow


def _flow_cut(
    network: TensorNetwork, partition: Partition, delta_rule: str, dim_of: DimMap | None
) -> Cut:
    """NetworkX min-cut on log capacities; a delta is a vertex of capacity log d."""
    once = delta_rule == "once"
    dims = [_dim(network, b, dim_of) for b in network.bonds()]
    base = common_base(dims)

    def cap(d: int) -> int:
        if d <= 1:
            return 0
        if base is not None:
            return round(math.log(d, base))
        return round(math.log2(d) * _LOG_SCALE)

    flow = nx.DiGraph()
    (out,) = network.nodes("output")

    def head(v: str) -> tuple[str, str]:  # where arcs into v arrive
        return (v, "in") if once and network.kind(v) == "delta" else (v, "")

    def tail(v: str) -> tuple[str, str]:  # where arcs out of v leave
        return (v, "out") if once and network.kind(v) == "delta" else (v, "")

    arcs: dict[tuple[object, object], tuple[str, str]] = {}
    if once:
        for v in network.nodes("delta"):
            c = cap(_delta_dim(network, v, dim_of))
            flow.add_edge((v, "in"), (v, "out"), capacity=c)
            arcs[((v, "in"), (v, "out"))] = ("delta", v)
    for b in network.bonds():
        u, w = network.bond_ends(b)
        if out in (u, w):
            continue
        c = cap(_dim(network, b, dim_of))
        for x, y in ((u, w), (w, u)):
            key = (tail(x), head(y))
            if key in arcs:  # parallel bonds: capacities add
                flow[key[0]][key[1]]["capacity"] += c
                arcs[key] = ("bonds", arcs[key][1] + "\0" + b)
            else:
                flow.add_edge(*key, capacity=c)
                arcs[key] = ("bonds", b)
    source, sink = ("source", ""), ("sink", "")
    rows = set(partition.rows)
    for v in network.nodes("input"):
        if network.mode(v) in rows:
            flow.add_edge(source, head(v))  # no capacity attribute: infinite
        else:
            flow.add_edge(tail(v), sink)
    value, (side, _) = nx.minimum_cut(flow, source, sink, flow_func=boykov_kolmogorov)
    bonds: set[str] = set()
    deltas: set[str] = set()
    for (arc_from, arc_to), (what, name) in arcs.items():
        if arc_from in side and arc_to not in side:
            if what == "delta":
                deltas.add(name)
            else:
                bonds.update(name.split("\0"))
    weight = cut_weight(network, sorted(bonds), sorted(deltas), dim_of)
    if base is not None:
        assert weight == base**value
        how = f"max-flow, integer capacities (base {base})"
    else:
        how = "max-flow, float capacities"
    return Cut(
        weight, tuple(sorted(bonds)), tuple(sorted(deltas)), base is not None, how, delta_rule
    )


# --------------------------------------------------------------------------- Theorem 2


def round_down_to_power(p: int) -> DimMap:
    """``c -> max{p**n <= c}`` (Theorem 2's rounding)."""

    def f(c: int) -> int:
        out = 1
        while out * p <= c:
            out *= p
        return out

    return f


def power_lower_bound(
    network: TensorNetwork, partition: Partition, *, delta_rule: str = "once"
) -> tuple[int, int]:
    """``max_p min_C W^p_C`` and the p attaining it (Theorem 2's almost-everywhere lower bound
    for size-2 pooling and unshared weights).

    Examples
    --------
    >>> from convac_verify.networks.compilers import tree_network
    >>> from convac_verify.networks.trees import balanced
    >>> from convac_verify.networks.partitions import odd_even
    >>> power_lower_bound(tree_network(balanced(8), 3, 3), odd_even(8))
    (81, 3)
    """
    dims = {network.bond_dim(b) for b in network.bonds()}
    best, best_p = 1, 2
    for p in range(2, max(dims) + 1):
        value = min_cut(
            network, partition, delta_rule=delta_rule, dim_of=round_down_to_power(p)
        ).value
        if value > best:
            best, best_p = value, p
    return best, best_p
