"""The one contraction routine: the grid tensor of any tensor network, exactly.

:func:`contract` evaluates a :class:`~convac_verify.networks.tensor_network.FilledNetwork`
in its ring -- GF(p) on ``uint64`` residues or Z on Python ints -- with no floating-point
value ever standing for a result (the GF(p) kernel uses float64 only to estimate
quotients; see :mod:`convac_verify.algebra.matmul`).

How
---
1. **Einsum form.** Every bond is an index; a delta tensor merges the indices of all its
   legs into one (a hyperedge), so copy tensors are never formed densely. Tensor nodes
   are the operands; input legs are the open indices (in mode order); the output leg
   (dimension 1) is dropped.
2. **Order.** ``opt_einsum.contract_path`` chooses the pairwise order (``"auto"``: optimal
   for a few operands, greedy beyond) from the shapes alone; paths are cached per
   network structure. A network whose ``meta["optimize"]`` is ``"random-greedy"`` is
   ordered by opt_einsum's seeded randomized greedy search instead (32 trials, trial i
   seeded by i: the same path on every run) -- seconds of planning that can save orders
   of magnitude on large non-tree networks (the unrolled overlapping ConvACs of
   :mod:`convac_verify.overlaps.network`).
3. **Pairwise steps.** Each step is a batched matrix product: shared indices still needed
   later are batch axes, shared indices needed nowhere else are summed, the rest are
   rows or columns. The product is :func:`convac_verify.algebra.matmul.matmul`, exact in the
   ring.

``inputs`` attaches vectors to input legs: ``{mode: v}`` with ``v`` of shape ``(M,)``
contracts the leg with ``v`` (the network evaluated at one input: ``v_d = f_d(x_mode)``);
shape ``(K, M)`` shares a sample index across all such legs (K product vectors at
once). ``samples`` (``{mode: label}``, default label 0) gives legs different sample
indices: the legs of label s share one index ``a_s`` of size ``K_s``, so the result is
``sum_d T[d] prod_m X_m[a_{s(m)}, d_m]`` -- e.g. ``S [[A]] T^T`` for the rows of ``S``
product vectors on the row modes (label 0) and those of ``T`` on the column modes
(label 1): the sketches of :mod:`convac_verify.engines.sketch`.

Where a ``(K, M)`` matrix joins a tree-shaped network: not at its leg's own node but at
the highest node whose subtree holds no other leg of its label (the root if none), when
``M < K``. Up to there the leg stays open (a factor M instead of K in every
intermediate): a subtree with a single row mode costs ``M x K'`` per channel, not
``K x K'``.

Output layout: ``(K_0, K_1, ...)`` (one axis per sample label, labels in increasing
order) ``+ (M,) * (number of open legs)``, open legs in mode order -- for
:func:`grid_tensor_of` the ``(M,) * N`` grid tensor, axis m = mode m.

:func:`contraction_cost` plans the same contraction from shapes alone and returns
opt_einsum's operation count and largest intermediate (the budget estimators use it).

References
----------
D. G. A. Smith, J. Gray. opt_einsum -- A Python package for optimizing contraction order
for einsum-like expressions. JOSS 3(26), 753 (2018).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from math import prod

import numpy as np
import opt_einsum

from ..algebra.fields import Array, Ring
from ..algebra.matmul import matmul
from .tensor_network import FilledNetwork, TensorNetwork, as_ring_array

__all__ = [
    "ContractionCost",
    "EinsumForm",
    "contract",
    "contraction_cost",
    "einsum_form",
    "grid_tensor_of",
]

Indices = list[int]
_ELEMENTWISE_MIN = 4096  # entries above which Hadamard steps are broadcast ring products


class EinsumForm:
    """A network as operands and indices (deltas merged into hyperedges)."""

    def __init__(self, network: TensorNetwork) -> None:
        parent: dict[str, str] = {b: b for b in network.bonds()}

        def find(b: str) -> str:
            while parent[b] != b:
                parent[b] = parent[parent[b]]
                b = parent[b]
            return b

        for d in network.nodes("delta"):
            legs = network.legs(d)
            for b in legs[1:]:
                parent[find(b)] = find(legs[0])
        ids: dict[str, int] = {}
        self.index_of = {b: ids.setdefault(find(b), len(ids)) for b in network.bonds()}
        self.size = {self.index_of[b]: network.bond_dim(b) for b in network.bonds()}
        self.tensors = network.nodes("tensor")
        self.operands: list[Indices] = [
            [self.index_of[b] for b in network.legs(v)] for v in self.tensors
        ]
        self.inputs = [self.index_of[network.legs(v)[0]] for v in network.nodes("input")]
        (out,) = network.nodes("output")
        self.output = self.index_of[network.legs(out)[0]]
        self.n_indices = len(ids)
        self.groups, self.input_group, self.group_parent = _tree_groups(network, self.tensors)
        self.group_modes: list[set[int]] = [set() for _ in self.groups]
        """The modes whose input legs lie below each group (its subtree)."""
        for mode, g in self.input_group.items():
            while g >= 0:
                self.group_modes[g].add(mode)
                g = self.group_parent[g]
        self.grid_keeps: list[set[int]] | None = None
        self.grid_paths: list[list[tuple[int, ...]]] = []
        self.repeated = [len(set(o)) < len(o) for o in self.operands]
        self._paths: dict[tuple[object, ...], tuple[list[tuple[int, ...]], float, float]] = {}
        self.optimize = str(network.meta.get("optimize", "auto"))

    def path(
        self, operands: Sequence[Indices], keep: Sequence[int], size: Mapping[int, int]
    ) -> list[tuple[int, ...]]:
        """The pairwise order (opt_einsum), cached by the operand structure."""
        return self.path_info(operands, keep, size)[0]

    def path_info(
        self, operands: Sequence[Indices], keep: Sequence[int], size: Mapping[int, int]
    ) -> tuple[list[tuple[int, ...]], float, float]:
        """The pairwise order, its operation count and its largest intermediate (entries),
        from opt_einsum; cached by the operand structure up to renaming the indices (the
        many alike nodes of a tree share one search)."""
        names: dict[int, int] = {}
        for i in (*(i for o in operands for i in o), *keep):
            names.setdefault(i, len(names))
        key = (
            tuple(tuple(names[i] for i in o) for o in operands),
            tuple(names[i] for i in keep),
            tuple(size[i] for i in names),
        )
        if key not in self._paths:
            if len(operands) == 1:
                entries = float(prod(size[i] for i in set(operands[0])))
                self._paths[key] = ([(0,)], entries, entries)
            else:
                sym = opt_einsum.get_symbol
                eq = ",".join("".join(sym(i) for i in o) for o in operands)
                eq += "->" + "".join(sym(i) for i in dict.fromkeys(keep))
                shapes = [tuple(size[i] for i in o) for o in operands]
                optimize: object = "auto"
                if self.optimize == "random-greedy" and len(operands) > 2:
                    optimize = opt_einsum.RandomGreedy(max_repeats=32)
                path, info = opt_einsum.contract_path(eq, *shapes, shapes=True, optimize=optimize)
                self._paths[key] = (
                    [tuple(step) for step in path],
                    float(info.opt_cost),
                    float(info.largest_intermediate),
                )
        return self._paths[key]


def _tree_groups(
    network: TensorNetwork, tensors: list[str]
) -> tuple[list[list[int]], dict[int, int], list[int]]:
    """The contraction plan: for a tree-shaped network, one group per tensor node, children
    before parents -- the tensor and the results of the tensors directly below it (deltas
    are transparent) -- so each step is a small problem that opt_einsum orders optimally.
    Any other network is one group (opt_einsum orders the whole contraction).
    Also: mode -> the group its input leg belongs to, and each group's parent group
    (``-1`` for the last one).
    """
    position = {v: k for k, v in enumerate(tensors)}
    if not network.is_tree():
        everything = list(range(len(tensors)))
        return [everything], dict.fromkeys(range(network.n_modes), 0), [-1]
    (out,) = network.nodes("output")
    order, up_link = network.rooted(out)
    parent = {v: p for v, (_, p) in up_link.items()}
    owner: dict[str, str] = {}  # node -> the nearest tensor at or above it
    for v in reversed(order):  # parents before children
        if network.kind(v) == "tensor":
            owner[v] = v
        elif v in parent:
            owner[v] = owner.get(parent[v], "")
    groups: dict[str, list[int]] = {v: [position[v]] for v in tensors}
    seq = [v for v in order if network.kind(v) == "tensor"]
    group_index = {v: k for k, v in enumerate(seq)}
    group_parent = [len(seq) - 1] * len(seq)
    group_parent[-1] = -1
    for v in seq:
        up = owner.get(parent.get(v, ""), "") if v in parent else ""
        if up:
            groups[up].append(position[v])  # v's result joins its owner's group
            group_parent[group_index[v]] = group_index[up]
    input_group = {}
    for x in network.nodes("input"):
        mode = network.mode(x)
        input_group[mode] = group_index.get(owner.get(parent[x], ""), len(seq) - 1)
    return [groups[v] for v in seq], input_group, group_parent


def einsum_form(network: TensorNetwork) -> EinsumForm:
    """The (cached) einsum form of ``network``."""
    form = network.meta.get("_einsum")
    if not isinstance(form, EinsumForm):
        form = EinsumForm(network)
        network.meta["_einsum"] = form
    return form


def _diagonal(x: Array, idx: Indices) -> tuple[Array, Indices]:
    """Merge repeated indices of one operand (a tensor with two legs on one delta)."""
    while len(set(idx)) < len(idx):
        seen: dict[int, int] = {}
        for pos, i in enumerate(idx):
            if i in seen:
                x = np.diagonal(x, axis1=seen[i], axis2=pos)  # new axis last
                idx = [j for k, j in enumerate(idx) if k not in (seen[i], pos)] + [i]
                break
            seen[i] = pos
    return x, idx


def _sum_out(ring: Ring, x: Array, idx: Indices, drop: set[int]) -> tuple[Array, Indices]:
    """Sum over the axes in ``drop`` (a product with an all-ones vector)."""
    if not drop:
        return x, idx
    keep = [k for k, i in enumerate(idx) if i not in drop]
    gone = [k for k, i in enumerate(idx) if i in drop]
    kept_shape = [x.shape[k] for k in keep]
    n = prod(x.shape[k] for k in gone)
    mat = np.transpose(x, keep + gone).reshape(prod(kept_shape), n)
    ones = ring.from_ints(np.ones((n, 1), dtype=np.int64))
    return matmul(ring, mat, ones).reshape(kept_shape), [idx[k] for k in keep]


def _pair(
    ring: Ring, x: Array, ix: Indices, y: Array, iy: Indices, keep: set[int]
) -> tuple[Array, Indices]:
    """One pairwise contraction as a batched matrix product.

    Elementwise steps (no summed index, and one side without free indices: the products
    of delta tensors, e.g. a sketch's ``k x k' x r`` Hadamard products) are broadcast
    products in the ring, without copies (a stack of ``1 x 1`` matrix products costs
    several times more per entry).
    """
    sx, sy = set(ix), set(iy)
    x, ix = _sum_out(ring, x, ix, {i for i in sx - sy if i not in keep})
    y, iy = _sum_out(ring, y, iy, {i for i in sy - sx if i not in keep})
    sx, sy = set(ix), set(iy)
    dim = dict(zip(ix, x.shape, strict=True)) | dict(zip(iy, y.shape, strict=True))
    batch = [i for i in ix if i in sy and i in keep]
    summed = [i for i in ix if i in sy and i not in keep]
    xf = [i for i in ix if i not in sy]
    yf = [i for i in iy if i not in sx]
    nb, nx_, ny_, nk = (prod(dim[i] for i in s) for s in (batch, xf, yf, summed))
    if nk == 1 and min(nx_, ny_) == 1 and nb * nx_ * ny_ > _ELEMENTWISE_MIN:
        xv = np.transpose(x, [ix.index(i) for i in batch + xf + summed])
        yv = np.transpose(y, [iy.index(i) for i in batch + summed + yf])
        xv = xv.reshape(xv.shape[: len(batch) + len(xf)] + (1,) * len(yf))
        yv = yv.reshape(
            yv.shape[: len(batch)] + (1,) * len(xf) + yv.shape[len(batch) + len(summed) :]
        )
        return ring.mul(xv, yv), batch + xf + yf
    xm = np.transpose(x, [ix.index(i) for i in batch + xf + summed]).reshape(nb, nx_, nk)
    ym = np.transpose(y, [iy.index(i) for i in batch + summed + yf]).reshape(nb, nk, ny_)
    z = matmul(ring, xm, ym)  # also for outer products (nk = 1): faster than ring.mul
    return z.reshape([dim[i] for i in batch + xf + yf]), batch + xf + yf


def contract(
    filled: FilledNetwork,
    inputs: Mapping[int, object] | None = None,
    *,
    samples: Mapping[int, int] | None = None,
) -> Array:
    """Contract the network exactly; see the module docstring for ``inputs``, ``samples``
    and the layout.

    Examples
    --------
    >>> from convac_verify.algebra.fields import IntegerRing
    >>> from convac_verify.networks.compilers import cp_network
    >>> from convac_verify.networks.tensor_network import fill_network
    >>> net = cp_network(2, 2, 1)  # A = a (x) b, times the output weight
    >>> f = fill_network(net, IntegerRing(), {"W0": [[1, 2]], "W1": [[3, 4]], "W2": [[1]]})
    >>> contract(f).tolist()
    [[3, 4], [6, 8]]
    >>> int(contract(f, {0: [1, 0], 1: [0, 1]}))   # the entry A[0, 1]
    4
    >>> contract(f, {0: [[1, 0], [1, 1]], 1: [[0, 1]]}, samples={1: 1}).tolist()  # S A T^T
    [[4], [12]]
    """
    net, ring = filled.network, filled.ring
    form = einsum_form(net)
    ops: dict[int, tuple[Array, Indices]] = {
        k: _diagonal(filled.tensor(v), list(idx)) if form.repeated[k] else (filled.tensor(v), idx)
        for k, (v, idx) in enumerate(zip(form.tensors, form.operands, strict=True))
    }
    arrays = {mode: as_ring_array(ring, values) for mode, values in (inputs or {}).items()}
    layout = _Layout(form, net, {m: a.shape for m, a in arrays.items()}, samples)
    for mode, key in layout.key_of.items():
        ops[key] = (arrays[mode], layout.index_of[mode])
    groups, size, wanted = layout.groups, layout.size, layout.wanted
    # which indices each group keeps depends on the structure only: cached for grid tensors
    keeps: list[set[int]] | None = form.grid_keeps if not inputs else None
    new_keeps: list[set[int]] = []
    new_paths: list[list[tuple[int, ...]]] = []
    occurrences = _occurrences([idx for _, idx in ops.values()]) if keeps is None else {}
    for g, group in enumerate(groups):  # children before parents (tree networks), else one
        local = [ops.pop(k) for k in group]
        if keeps is not None:
            ops[group[0]] = _contract_group(ring, form, local, keeps[g], size, form.grid_paths[g])
            continue
        keep = _keep([idx for _, idx in local], occurrences, wanted)
        new_keeps.append(keep)
        new_paths.append(form.path([idx for _, idx in local], sorted(keep), size))
        result = _contract_group(ring, form, local, keep, size)
        _consumed([idx for _, idx in local], result[1], occurrences)
        ops[group[0]] = result
    if keeps is None and not inputs:
        form.grid_keeps, form.grid_paths = new_keeps, new_paths
    final, final_idx = _contract_group(ring, form, list(ops.values()), set(wanted), size)
    return _arrange(ring, final, final_idx, wanted[:-1], size)


class _Layout:
    """Where inputs join the contraction, and the result's indices (shapes only)."""

    def __init__(
        self,
        form: EinsumForm,
        net: TensorNetwork,
        shapes: Mapping[int, tuple[int, ...]],
        samples: Mapping[int, int] | None,
    ) -> None:
        self.groups = [list(g) for g in form.groups]
        self.size = dict(form.size)
        self.key_of: dict[int, int] = {}
        self.index_of: dict[int, Indices] = {}
        labels: dict[int, int] = {}  # sample label -> index
        label_modes: dict[int, set[int]] = {}
        dims = net.dims if shapes else ()
        for mode, shape in shapes.items():
            if not 0 <= mode < len(dims):
                raise ValueError(f"input for mode {mode}; the network has modes 0..{len(dims) - 1}")
            if len(shape) not in (1, 2) or shape[-1] != dims[mode]:
                raise ValueError(
                    f"input of mode {mode} has shape {shape}; expected ({dims[mode]},) "
                    f"or (K, {dims[mode]})"
                )
            if len(shape) == 2:
                label = (samples or {}).get(mode, 0)
                idx = labels.setdefault(label, form.n_indices + len(labels))
                if self.size.setdefault(idx, shape[0]) != shape[0]:
                    raise ValueError(f"inputs of sample label {label} disagree on K")
                label_modes.setdefault(label, set()).add(mode)
                self.index_of[mode] = [idx, form.inputs[mode]]
            else:
                self.index_of[mode] = [form.inputs[mode]]
        for mode, shape in shapes.items():
            key = len(form.tensors) + len(self.key_of)
            self.key_of[mode] = key
            group = form.input_group[mode]
            if len(shape) == 2 and shape[1] < shape[0]:  # keep the leg open while it is alone
                same = label_modes[(samples or {}).get(mode, 0)]
                parent = form.group_parent[group]
                while parent >= 0 and len(form.group_modes[parent] & same) < 2:
                    group, parent = parent, form.group_parent[parent]
            self.groups[group].append(key)
        self.sample = [labels[label] for label in sorted(labels)]
        open_modes = [m for m in range(net.n_modes) if m not in shapes]
        self.wanted = self.sample + [form.inputs[m] for m in open_modes] + [form.output]


def _occurrences(operands: Sequence[Indices]) -> dict[int, int]:
    """Index -> the number of operands that hold it."""
    out: dict[int, int] = {}
    for idx in operands:
        for i in set(idx):
            out[i] = out.get(i, 0) + 1
    return out


def _keep(local: Sequence[Indices], occurrences: Mapping[int, int], wanted: Indices) -> set[int]:
    """The indices a group's result keeps: wanted ones and those still used elsewhere."""
    inside = _occurrences(local)
    return {i for i in inside if i in wanted or occurrences[i] > inside[i]}


def _consumed(local: Sequence[Indices], result: Indices, occurrences: dict[int, int]) -> None:
    """Update ``occurrences`` after a group's operands became one result."""
    for i, n in _occurrences(local).items():
        occurrences[i] -= n
    for i in set(result):
        occurrences[i] = occurrences.get(i, 0) + 1


@dataclass(frozen=True)
class ContractionCost:
    """What :func:`contract` will do, from opt_einsum's paths (shapes only)."""

    operations: float
    """opt_einsum's operation count, summed over the contraction's steps."""
    largest: float
    """Entries of the largest intermediate."""


def contraction_cost(
    network: TensorNetwork,
    shapes: Mapping[int, tuple[int, ...]] | None = None,
    *,
    samples: Mapping[int, int] | None = None,
) -> ContractionCost:
    """The cost of ``contract`` with inputs of these ``shapes`` (``{mode: (M,) or (K, M)}``),
    planned exactly as :func:`contract` plans it, without any arithmetic.

    Examples
    --------
    >>> from convac_verify.networks.compilers import cp_network
    >>> c = contraction_cost(cp_network(4, 2, 3), {0: (5, 2), 1: (5, 2), 2: (7, 2), 3: (7, 2)},
    ...                      samples={2: 1, 3: 1})
    >>> c.largest >= 5 * 7
    True
    """
    form = einsum_form(network)
    layout = _Layout(form, network, shapes or {}, samples)
    size, wanted = layout.size, layout.wanted
    ops: dict[int, Indices] = {
        k: list(dict.fromkeys(idx)) for k, idx in enumerate(form.operands)
    } | {layout.key_of[m]: idx for m, idx in layout.index_of.items()}
    occurrences = _occurrences(list(ops.values()))
    operations = largest = 0.0
    for group in layout.groups:
        local = [ops.pop(k) for k in group]
        keep = _keep(local, occurrences, wanted)
        _, cost, big = form.path_info(local, sorted(keep), size)
        result = sorted(keep)
        _consumed(local, result, occurrences)
        ops[group[0]] = result
        operations, largest = operations + cost, max(largest, big)
    if len(ops) > 1:
        _, cost, big = form.path_info(list(ops.values()), sorted(set(wanted)), size)
        operations, largest = operations + cost, max(largest, big)
    return ContractionCost(operations, largest)


def _contract_group(
    ring: Ring,
    form: EinsumForm,
    ops: list[tuple[Array, Indices]],
    keep: set[int],
    size: Mapping[int, int],
    path: list[tuple[int, ...]] | None = None,
) -> tuple[Array, Indices]:
    """Contract some operands down to one, keeping the indices in ``keep``."""
    ops = list(ops)
    if len(ops) == 1:
        x, ix = ops[0]
        return _sum_out(ring, x, ix, {i for i in ix if i not in keep})
    if path is None:
        path = form.path([idx for _, idx in ops], sorted(keep), size)
    for step in path:
        picked = [ops[k] for k in step]
        for k in sorted(step, reverse=True):
            del ops[k]
        rest = keep.union(*(set(idx) for _, idx in ops))
        x, ix = picked[0]
        if len(picked) == 1:
            x, ix = _sum_out(ring, x, ix, {i for i in ix if i not in rest})
        for y, iy in picked[1:]:
            x, ix = _pair(ring, x, ix, y, iy, rest)
        ops.append(_diagonal(x, ix))
    x, ix = ops[0]
    for y, iy in ops[1:]:
        x, ix = _pair(ring, x, ix, y, iy, keep)
    return x, ix


def _arrange(ring: Ring, x: Array, ix: Indices, wanted: Indices, size: dict[int, int]) -> Array:
    """Drop the output axis (dimension 1), order the axes as ``wanted``; an index wanted
    twice (two open legs on one delta) becomes a diagonal."""
    for i in set(ix) - set(wanted):
        pos = ix.index(i)
        if x.shape[pos] == 1:  # a view, not a copy
            x = x[(slice(None),) * pos + (0,)]
        else:
            x = _sum_out(ring, x, ix, {i})[0]
        ix = ix[:pos] + ix[pos + 1 :]
    missing = [i for i in dict.fromkeys(wanted) if i not in ix]
    for i in missing:  # an open leg not reached by any tensor: broadcast (rank-one factor)
        x = np.broadcast_to(x[..., None], (*x.shape, size[i]))
        ix = ix + [i]
    if len(set(wanted)) == len(wanted):
        return np.transpose(x, [ix.index(i) for i in wanted])
    return _expand_diagonals(
        ring,
        np.transpose(x, [ix.index(i) for i in dict.fromkeys(wanted)]),
        list(dict.fromkeys(wanted)),
        wanted,
        size,
    )


def _expand_diagonals(
    ring: Ring, x: Array, have: Indices, wanted: Indices, size: dict[int, int]
) -> Array:
    out = np.zeros(tuple(size[i] for i in wanted), dtype=x.dtype)
    if out.dtype == object:
        out[...] = 0
    grids = np.meshgrid(*(np.arange(size[i]) for i in have), indexing="ij")
    where = tuple(grids[have.index(i)] for i in wanted)
    out[where] = x
    return out


def grid_tensor_of(filled: FilledNetwork) -> Array:
    """The grid tensor: shape ``(M,) * N``, axis m = mode m (a view may be returned)."""
    return contract(filled)
