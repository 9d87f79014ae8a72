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
   network structure.
3. **Pairwise steps.** Each step is a batched matrix product: shared indices still needed
   later are batch axes, shared indices needed nowhere else are summed, the rest are
   rows or columns. The product is :func:`convac_verify.algebra.matmul.matmul`, exact in the
   ring.

``inputs`` attaches vectors to input legs: ``{mode: v}`` with ``v`` of shape ``(M,)``
contracts the leg with ``v`` (the network evaluated at one input: ``v_d = f_d(x_mode)``);
shape ``(K, M)`` shares a sample index across all such legs (K product vectors at
once, result axis 0).

Output layout: ``([K],) + (M,) * (number of open legs)``, open legs in mode order -- for
:func:`grid_tensor_of` the ``(M,) * N`` grid tensor, axis m = mode m.

References
----------
D. G. A. Smith, J. Gray. opt_einsum -- A Python package for optimizing contraction order
for einsum-like expressions. JOSS 3(26), 753 (2018).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from math import prod

import numpy as np
import opt_einsum

from ..algebra.fields import Array, Ring
from ..algebra.matmul import matmul
from .tensor_network import FilledNetwork, TensorNetwork, as_ring_array

__all__ = ["EinsumForm", "contract", "einsum_form", "grid_tensor_of"]

Indices = list[int]


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
        self.groups, self.input_group = _tree_groups(network, self.tensors)
        self.grid_keeps: list[set[int]] | None = None
        self.grid_paths: list[list[tuple[int, ...]]] = []
        self.repeated = [len(set(o)) < len(o) for o in self.operands]
        self._paths: dict[tuple[object, ...], list[tuple[int, ...]]] = {}

    def path(
        self, operands: Sequence[Indices], keep: Sequence[int], size: Mapping[int, int]
    ) -> list[tuple[int, ...]]:
        """The pairwise order (opt_einsum), cached by the operand structure."""
        extra = tuple(sorted((i, d) for i, d in size.items() if i >= self.n_indices))
        key = (tuple(tuple(o) for o in operands), tuple(keep), extra)
        if key not in self._paths:
            if len(operands) == 1:
                self._paths[key] = [(0,)]
            else:
                sym = opt_einsum.get_symbol
                eq = ",".join("".join(sym(i) for i in o) for o in operands)
                eq += "->" + "".join(sym(i) for i in dict.fromkeys(keep))
                shapes = [tuple(size[i] for i in o) for o in operands]
                path, _ = opt_einsum.contract_path(eq, *shapes, shapes=True, optimize="auto")
                self._paths[key] = [tuple(step) for step in path]
        return self._paths[key]


def _tree_groups(
    network: TensorNetwork, tensors: list[str]
) -> tuple[list[list[int]], dict[int, int]]:
    """The contraction plan: for a tree-shaped network, one group per tensor node, children
    before parents -- the tensor and the results of the tensors directly below it (deltas
    are transparent) -- so each step is a small problem that opt_einsum orders optimally.
    Any other network is one group (opt_einsum orders the whole contraction).
    Also: mode -> the group its input leg belongs to.
    """
    position = {v: k for k, v in enumerate(tensors)}
    if not network.is_tree():
        everything = list(range(len(tensors)))
        return [everything], dict.fromkeys(range(network.n_modes), 0)
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
    for v in seq:
        up = owner.get(parent.get(v, ""), "") if v in parent else ""
        if up:
            groups[up].append(position[v])  # v's result joins its owner's group
    input_group = {}
    for x in network.nodes("input"):
        mode = network.mode(x)
        input_group[mode] = group_index.get(owner.get(parent[x], ""), len(seq) - 1)
    return [groups[v] for v in seq], input_group


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
    """One pairwise contraction as a batched matrix product."""
    sx, sy = set(ix), set(iy)
    x, ix = _sum_out(ring, x, ix, {i for i in sx - sy if i not in keep})
    y, iy = _sum_out(ring, y, iy, {i for i in sy - sx if i not in keep})
    sx, sy = set(ix), set(iy)
    batch = [i for i in ix if i in sy and i in keep]
    summed = [i for i in ix if i in sy and i not in keep]
    xf = [i for i in ix if i not in sy]
    yf = [i for i in iy if i not in sx]
    dim = dict(zip(ix, x.shape, strict=True)) | dict(zip(iy, y.shape, strict=True))
    nb, nx_, ny_, nk = (prod(dim[i] for i in s) for s in (batch, xf, yf, summed))
    xm = np.transpose(x, [ix.index(i) for i in batch + xf + summed]).reshape(nb, nx_, nk)
    ym = np.transpose(y, [iy.index(i) for i in batch + summed + yf]).reshape(nb, nk, ny_)
    z = matmul(ring, xm, ym)  # also for outer products (nk = 1): faster than ring.mul
    return z.reshape([dim[i] for i in batch + xf + yf]), batch + xf + yf


def contract(filled: FilledNetwork, inputs: Mapping[int, object] | None = None) -> Array:
    """Contract the network exactly; see the module docstring for ``inputs`` and the layout.

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
    """
    net, ring = filled.network, filled.ring
    form = einsum_form(net)
    ops: dict[int, tuple[Array, Indices]] = {
        k: _diagonal(filled.tensor(v), list(idx)) if form.repeated[k] else (filled.tensor(v), idx)
        for k, (v, idx) in enumerate(zip(form.tensors, form.operands, strict=True))
    }
    groups = [list(g) for g in form.groups]
    open_modes = [m for m in range(net.n_modes) if not inputs or m not in inputs]
    size = dict(form.size)
    sample: list[int] = []
    for mode, values in (inputs or {}).items():
        vec = as_ring_array(ring, values)
        key = len(form.tensors) + len(ops) + 1
        if vec.ndim == 2:
            sample = [form.n_indices]
            size[form.n_indices] = vec.shape[0]
            ops[key] = (vec, [form.n_indices, form.inputs[mode]])
        else:
            ops[key] = (vec, [form.inputs[mode]])
        groups[form.input_group[mode]].append(key)
    wanted = sample + [form.inputs[m] for m in open_modes] + [form.output]
    # which indices each group keeps depends on the structure only: cached for grid tensors
    keeps: list[set[int]] | None = form.grid_keeps if not inputs else None
    new_keeps: list[set[int]] = []
    new_paths: list[list[tuple[int, ...]]] = []
    occurrences: dict[int, int] = {}
    if keeps is None:
        for _, idx in ops.values():
            for i in set(idx):
                occurrences[i] = occurrences.get(i, 0) + 1
    for g, group in enumerate(groups):  # children before parents (tree networks), else one
        local = [ops.pop(k) for k in group]
        if keeps is not None:
            ops[group[0]] = _contract_group(ring, form, local, keeps[g], size, form.grid_paths[g])
            continue
        inside: dict[int, int] = {}
        for _, idx in local:
            for i in set(idx):
                inside[i] = inside.get(i, 0) + 1
        keep = {i for i in inside if i in wanted or occurrences[i] > inside[i]}
        new_keeps.append(keep)
        new_paths.append(form.path([idx for _, idx in local], sorted(keep), size))
        result = _contract_group(ring, form, local, keep, size)
        for i, n in inside.items():
            occurrences[i] -= n
        for i in set(result[1]):
            occurrences[i] = occurrences.get(i, 0) + 1
        ops[group[0]] = result
    if keeps is None and not inputs:
        form.grid_keeps, form.grid_paths = new_keeps, new_paths
    final, final_idx = _contract_group(ring, form, list(ops.values()), set(wanted), size)
    return _arrange(ring, final, final_idx, wanted[:-1], size)


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
