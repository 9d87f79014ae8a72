"""The interface argument: an upper bound on ``rank [[A]]_{I,J}`` for **all** weights.

The bound is computed from the architecture and the partition alone (never from a claim),
by one pass over the network as a DAG (units shared by overlapping windows are not copied).
For every position ``p`` of every layer it keeps

* ``rf(p)``: the inputs ``p`` depends on (its receptive field);
* ``rho(p)``: a bound on the rank of ``[[u]]_{I,J}`` for each channel ``u`` of ``p``;
* ``D_I(p)``: a bound on the dimension of the span of the functions of ``x_I`` that the
  channels of ``p`` carry (the column spaces of all ``[[u]]``, joined); ``D_J(p)``
  likewise for the rows;
* ``S_I(p, c)``: a set of monomials in *interface symbols* -- the functions of ``x_I``
  alone that enter units reading both sides -- such that channel ``c`` of ``p`` is
  ``sum_{alpha in S} s(x_I)^alpha g_alpha(x_J)``; ``S_J`` likewise with the sides swapped.
  Dropped (``None``) when it would exceed :data:`MAX_SUPPORT` monomials.

Rules (proofs in ``docs/overlaps.md``, "The interface bound"): a matrix's column space
holds every column; the column space of a sum lies in the sum of the column spaces, that of
an entrywise (Hadamard) product in the span of the products; a unit reading only ``x_I``
has a one-dimensional column space per channel and a constant row space; a matrix has
rank at most its numbers of rows and columns, ``M**|I cap rf|`` and ``M**|J cap rf|``;
and a polynomial in symbols has rank at most its number of monomials. The output's rank is
at most ``min(D_I, D_J, C * rho)`` of the last position, each side's monomial count, and
``M**min(|I|, |J|)``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..bounds import Bound
from ..evidence.certificates import Certificate
from ..networks.partitions import Partition
from .layers import Net, flat_sources, receptive_fields

__all__ = ["MAX_SUPPORT", "InterfaceReport", "interface_bound", "interface_report"]

MAX_SUPPORT = 50_000
"""Largest monomial set kept (beyond it the dimension bounds alone are used)."""
_MAX_PRODUCT = 1_000_000  # largest Minkowski sum formed before deduplication
MAX_WORK = 600_000_000
"""Exponent entries (rows x symbols) one bound may form in all (about a few seconds)."""


@dataclass
class _Side:
    """One side's interface symbols at a mixed position."""

    sets: list[_Mono] | None
    """Per-channel monomial sets (``None``: too many to keep)."""
    box: dict[int, int]
    """Symbol group -> the largest degree in that group over all channels."""
    joined: _Mono | None = None
    """The union over channels (``None``: unknown or too many)."""


@dataclass
class _Unit:
    """What the bound knows about one position (all its channels)."""

    rf: int
    """Receptive field as a bit mask of modes."""
    rho: int
    d_i: int
    d_j: int
    side_i: _Side | None
    """Monomials over I-side symbols (``None`` for a one-sided position)."""
    side_j: _Side | None


@dataclass(frozen=True)
class InterfaceReport:
    """The bound and its parts (for the certificate's detail)."""

    value: int
    """``min`` of everything below."""
    rank_recursion: int
    """``min(D_I, D_J, C * rho)`` at the output (monomial counts used as caps inside)."""
    monomials_i: int | None
    """Monomials over I-side interface symbols at the output (``None``: too many)."""
    monomials_j: int | None
    box_i: int
    """Monomials within the degree box of the I-side symbols at the output."""
    box_j: int
    matrix_size: int
    """``M**min(|I|, |J|)``."""
    symbols_i: int
    symbols_j: int

    def detail(self, partition: Partition) -> str:
        """One line for the certificate."""
        parts = [f"rank/span recursion over the DAG {self.rank_recursion}"]
        for side, count, box, symbols in (
            ("I", self.monomials_i, self.box_i, self.symbols_i),
            ("J", self.monomials_j, self.box_j, self.symbols_j),
        ):
            if count is not None:
                parts.append(f"{count} monomials in {symbols} {side}-side interface symbols")
            else:
                parts.append(f"{box} monomials in the degree box of {symbols} {side}-side symbols")
        parts.append(f"matrix size {self.matrix_size}")
        return f"interface bound for {partition.name}: {self.value} = min({'; '.join(parts)})"


def _popcount(x: int) -> int:
    return x.bit_count()


_HASH = np.random.default_rng(20180216).integers(1, 2**63, size=1 << 16, dtype=np.uint64)


@dataclass(frozen=True)
class _Mono:
    """A set of monomials: exponent rows and their 64-bit keys (a linear hash, so the key
    of a product is the sum of the keys)."""

    rows: np.ndarray
    """``(n, n_symbols)`` ``uint16`` exponents, distinct."""
    keys: np.ndarray
    """``(n,)`` ``uint64``: ``rows @ _HASH`` modulo ``2**64``."""

    def __len__(self) -> int:
        return len(self.rows)

    @classmethod
    def single(cls, width: int, col: int | None) -> _Mono:
        """The monomial ``s_col`` (or ``1`` when ``col`` is None)."""
        rows = np.zeros((1, width), dtype=np.uint16)
        key = np.zeros(1, dtype=np.uint64)
        if col is not None:
            rows[0, col] = 1
            key[0] = _HASH[col]
        return cls(rows, key)


def _dedupe(rows: np.ndarray, keys: np.ndarray) -> _Mono:
    """Distinct rows: sorted by key, neighbours with equal keys compared exactly (a key
    collision between different rows falls back to an exact sort of the rows)."""
    if len(rows) <= 1:
        return _Mono(rows, keys)
    order = np.argsort(keys)  # which of two equal rows is dropped does not matter
    ks = keys[order]
    same_key = np.flatnonzero(ks[1:] == ks[:-1])
    if not len(same_key):
        return _Mono(rows, keys)
    a, b = rows[order[same_key]], rows[order[same_key + 1]]
    if not (a == b).all():  # a collision: exact, slow path
        view = np.ascontiguousarray(rows).view(
            np.dtype((np.void, rows.dtype.itemsize * rows.shape[1]))
        )
        _, idx = np.unique(view.ravel(), return_index=True)
        return _Mono(rows[idx], keys[idx])
    keep = np.ones(len(rows), dtype=bool)
    keep[order[same_key + 1]] = False
    return _Mono(rows[keep], keys[keep])


class _Budget:
    """Exponent entries formed so far; past :data:`MAX_WORK` no more sets are formed."""

    def __init__(self, width: int) -> None:
        self.used = 0
        self.width = max(1, width)

    def spend(self, rows: int) -> bool:
        self.used += rows * self.width
        return self.used <= MAX_WORK and rows <= _MAX_PRODUCT

    def union(self, sets: Sequence[_Mono | None], charge: bool = True) -> _Mono | None:
        if any(s is None for s in sets):
            return None
        arrays = [s for s in sets if s is not None]
        if len(arrays) == 1:
            return arrays[0]
        total = sum(len(s) for s in arrays)
        if (charge and not self.spend(total)) or total > _MAX_PRODUCT:
            return None
        out = _dedupe(
            np.concatenate([s.rows for s in arrays]), np.concatenate([s.keys for s in arrays])
        )
        return out if len(out) <= MAX_SUPPORT else None

    def minkowski(self, a: _Mono | None, b: _Mono | None) -> _Mono | None:
        if a is None or b is None or not self.spend(len(a) * len(b)):
            return None
        if len(a) == 1 and not a.rows.any():
            return b
        rows = (a.rows[:, None, :] + b.rows[None, :, :]).reshape(-1, a.rows.shape[1])
        out = _dedupe(rows, (a.keys[:, None] + b.keys[None, :]).ravel())
        return out if len(out) <= MAX_SUPPORT else None


def _box_max(boxes: Sequence[dict[int, int]]) -> dict[int, int]:
    out: dict[int, int] = {}
    for box in boxes:
        for g, d in box.items():
            out[g] = max(out.get(g, 0), d)
    return out


def _box_sum(boxes: Sequence[dict[int, int]]) -> dict[int, int]:
    out: dict[int, int] = {}
    for box in boxes:
        for g, d in box.items():
            out[g] = out.get(g, 0) + d
    return out


class _Pass:
    """One walk over the network for one partition."""

    def __init__(self, net: Net, partition: Partition) -> None:
        self.net = net
        self.mask_i = sum(1 << m for m in partition.rows)
        self.mask_j = sum(1 << m for m in partition.cols)
        self.dim = net.dim
        self.walk = self._walk_masks()
        # symbols are counted in a first walk (side classes only), then allocated in the
        # same order in the second, so monomial rows have a fixed width
        self.width = {"i": 0, "j": 0}
        self._allocate(count_only=True)
        self.groups: dict[str, list[int]] = {"i": [], "j": []}
        """Per side: the size of every symbol group, by group id."""
        self.next_col = {"i": 0, "j": 0}
        self.budget = _Budget(max(self.width.values()))

    # -- side classes ---------------------------------------------------------------
    def own(self, side: str, rf: int) -> bool:
        """``rf`` reads only this side's inputs."""
        return rf & (self.mask_j if side == "i" else self.mask_i) == 0

    def other(self, side: str, rf: int) -> bool:
        """``rf`` reads only the other side's inputs."""
        return rf & (self.mask_i if side == "i" else self.mask_j) == 0

    def _walk_masks(self) -> list[tuple[tuple[int, ...], list[list[int]]]]:
        """Per layer: receptive fields of its outputs and the (flat) sources of their taps."""
        rfs = receptive_fields(self.net)
        return [
            (rfs[li + 1], [[s for _, s in srcs] for srcs in flat_sources(self.net, li)])
            for li in range(len(self.net.layers) - 1)
        ]

    def _allocate(self, count_only: bool) -> None:
        rfs: Sequence[int] = receptive_fields(self.net)[0]
        channels = self.net.channels()
        for li, (new_rfs, all_srcs) in enumerate(self.walk):
            for rf, srcs in zip(new_rfs, all_srcs, strict=True):
                for side in ("i", "j"):
                    if self.own(side, rf) or self.other(side, rf):
                        continue
                    if any(self.own(side, rfs[s]) for s in srcs):
                        self.width[side] += channels[li + 1]
            rfs = new_rfs

    def _new_group(self, side: str, size: int) -> tuple[int, list[int]]:
        """A new group of ``size`` symbols: its id and its columns."""
        gid = len(self.groups[side])
        self.groups[side].append(size)
        start = self.next_col[side]
        self.next_col[side] += size
        return gid, list(range(start, start + size))

    def _box_count(self, side: str, box: dict[int, int]) -> int:
        sizes = self.groups[side]
        return math.prod(math.comb(sizes[g] + d, d) for g, d in box.items())

    # -- the pass -------------------------------------------------------------------
    def run(self) -> InterfaceReport:
        net = self.net
        channels = net.channels()
        units = [
            _Unit(
                rf=1 << m,
                rho=1,
                d_i=self.dim if self.mask_i >> m & 1 else 1,
                d_j=self.dim if self.mask_j >> m & 1 else 1,
                side_i=None,
                side_j=None,
            )
            for m in range(net.n_modes)
        ]
        for li, layer in enumerate(net.layers[:-1]):
            new_rfs, all_srcs = self.walk[li]
            c_in, c_out = channels[li], channels[li + 1]
            units = [
                self._unit(layer.kind, [units[s] for s in srcs], rf, c_in, c_out)
                for rf, srcs in zip(new_rfs, all_srcs, strict=True)
            ]
        (last,) = units
        rec = min(last.d_i, last.d_j, channels[-2] * last.rho)
        counts: dict[str, tuple[int | None, int]] = {}
        for side, info in (("i", last.side_i), ("j", last.side_j)):
            if info is None:  # one-sided output: rank 1
                counts[side] = (1, 1)
                continue
            joined = None if info.sets is None else self.budget.union(info.sets, charge=False)
            counts[side] = (
                None if joined is None else len(joined),
                self._box_count(side, info.box),
            )
        size = self.dim ** min(_popcount(self.mask_i), _popcount(self.mask_j))
        candidates = [rec, size, counts["i"][1], counts["j"][1]]
        candidates += [c for c in (counts["i"][0], counts["j"][0]) if c is not None]
        return InterfaceReport(
            value=min(candidates),
            rank_recursion=rec,
            monomials_i=counts["i"][0],
            monomials_j=counts["j"][0],
            box_i=counts["i"][1],
            box_j=counts["j"][1],
            matrix_size=size,
            symbols_i=self.width["i"],
            symbols_j=self.width["j"],
        )

    def _unit(self, kind: str, srcs: list[_Unit], rf: int, c_in: int, c_out: int) -> _Unit:
        if not srcs:  # every tap omitted: a constant
            return _Unit(rf, 1, 1, 1, None, None)
        cap_i = self.dim ** _popcount(rf & self.mask_i)
        cap_j = self.dim ** _popcount(rf & self.mask_j)
        if kind == "conv":
            rho, d_i, d_j = self._conv_dims(srcs, c_in, c_out)
        else:
            rho, d_i, d_j = self._product_dims(kind, srcs, c_in, c_out)
        sides = {side: self._side(kind, srcs, rf, c_out, side) for side in ("i", "j")}
        dims = {"i": min(d_i, cap_i), "j": min(d_j, cap_j)}
        for side, info in sides.items():
            if info is None:
                continue
            box = self._box_count(side, info.box)
            dims[side] = min(dims[side], box)
            rho = min(rho, box)
            if info.joined is not None:
                dims[side] = min(dims[side], len(info.joined))
            if info.sets is not None:
                rho = min(rho, max(len(s) for s in info.sets))
        rho = min(rho, dims["i"], dims["j"])
        return _Unit(rf, rho, dims["i"], dims["j"], sides["i"], sides["j"])

    def _lf_rank(self, u: _Unit, c_in: int) -> int:
        """Rank bound of one linear form of the channels of ``u``."""
        return min(u.d_i, u.d_j, c_in * u.rho)

    def _classes(self, srcs: list[_Unit]) -> tuple[list[_Unit], list[_Unit], list[_Unit]]:
        """Sources reading only I, only J, and both."""
        only_i = [u for u in srcs if self.own("i", u.rf)]
        only_j = [u for u in srcs if self.own("j", u.rf) and not self.own("i", u.rf)]
        mixed = [u for u in srcs if not self.own("i", u.rf) and not self.own("j", u.rf)]
        return only_i, only_j, mixed

    def _conv_dims(self, srcs: list[_Unit], c_in: int, c_out: int) -> tuple[int, int, int]:
        only_i, only_j, mixed = self._classes(srcs)
        rho = int(bool(only_i)) + int(bool(only_j)) + sum(self._lf_rank(u, c_in) for u in mixed)
        d_i = (
            (min(c_out, sum(u.d_i for u in only_i)) if only_i else 0)
            + int(bool(only_j))
            + sum(u.d_i for u in mixed)
        )
        d_j = (
            (min(c_out, sum(u.d_j for u in only_j)) if only_j else 0)
            + int(bool(only_i))
            + sum(u.d_j for u in mixed)
        )
        return rho, d_i, d_j

    def _product_dims(
        self, kind: str, srcs: list[_Unit], c_in: int, c_out: int
    ) -> tuple[int, int, int]:
        only_i, only_j, mixed = self._classes(srcs)
        pool = kind == "pool"
        ranks = [u.rho if pool else self._lf_rank(u, c_in) for u in mixed]
        rho = math.prod(ranks)
        joint_i = math.prod(
            u.d_i if pool else min(u.d_i, c_out * r) for u, r in zip(mixed, ranks, strict=True)
        )
        joint_j = math.prod(
            u.d_j if pool else min(u.d_j, c_out * r) for u, r in zip(mixed, ranks, strict=True)
        )
        if only_i:
            joint_i *= min(c_out, math.prod(u.d_i for u in only_i))
        if only_j:
            joint_j *= min(c_out, math.prod(u.d_j for u in only_j))
        return rho, min(c_out * rho, joint_i), min(c_out * rho, joint_j)

    def _side(self, kind: str, srcs: list[_Unit], rf: int, c_out: int, side: str) -> _Side | None:
        """Per-channel monomials of a mixed position over ``side``-symbols."""
        if self.own(side, rf) or self.other(side, rf):
            return None  # one side only: no interface here
        width = self.width[side]
        owners = [u for u in srcs if self.own(side, u.rf)]
        others = [u for u in srcs if self.other(side, u.rf) and not self.own(side, u.rf)]
        mixed_infos = [
            info
            for u in srcs
            if not self.own(side, u.rf) and not self.other(side, u.rf)
            for info in [u.side_i if side == "i" else u.side_j]
            if info is not None
        ]
        new_box: dict[int, int] = {}
        cols: list[int] = []
        if owners:
            gid, cols = self._new_group(side, c_out)
            new_box = {gid: 1}
        zero = _Mono.single(width, None)
        sets: list[_Mono] | None = []
        assert sets is not None
        if kind == "conv":
            box = _box_max([*(m.box for m in mixed_infos), new_box])
            joined = [m.joined for m in mixed_infos]
            has_base = bool(joined or others)
            base = self.budget.union([*joined, *([zero] if others else [])]) if has_base else None
            for c in range(c_out):
                parts = [base] if has_base else []
                s = self.budget.union([*parts, *([_Mono.single(width, cols[c])] if owners else [])])
                if s is None:
                    sets = None
                    break
                sets.append(s)
        else:
            box = _box_sum([*(m.box for m in mixed_infos), new_box])
            for c in range(c_out):
                acc: _Mono | None = _Mono.single(width, cols[c] if owners else None)
                for m in mixed_infos:
                    factor = None if m.sets is None else (m.sets[c] if kind == "pool" else m.joined)
                    acc = self.budget.minkowski(acc, factor)
                if acc is None:
                    sets = None
                    break
                sets.append(acc)
        joined_all = None if sets is None else self.budget.union(sets, charge=False)
        return _Side(sets, box, joined_all)


def interface_report(net: Net, partition: Partition) -> InterfaceReport:
    """The interface bound and its parts for ``net`` and ``partition``."""
    if partition.n_modes != net.n_modes:
        raise ValueError(f"partition is for N = {partition.n_modes}; the network has {net.n_modes}")
    return _Pass(net, partition).run()


def interface_bound(net: Net, partition: Partition) -> Bound:
    """The interface bound as a certified :class:`~convac_verify.bounds.Bound`."""
    rep = interface_report(net, partition)
    return Bound(rep.value, Certificate("interface", rep.detail(partition)))
