"""The numeric engines on the same architecture: the cross-check of a symbolic rank.

:func:`numeric_rank` draws random weights (uniform residues mod p, or integers of
magnitude ``2**31`` with ``--field qq``) for the architecture of a
:class:`~convac_verify.symbolic.networks.SymbolicNetwork` and computes the exact rank of
the same matricization with the registered engines. That rank is a certified lower
bound on the generic rank, and equals it except with the Schwartz--Zippel probability;
the symbolic rank over Q(w) is the generic rank exactly. They must agree. Under a random
prime the point can be redrawn modulo a fresh random prime (:attr:`Measurement.redraw`:
the one escalation of an epsilon-dependent row).
"""

from __future__ import annotations

import dataclasses
import zlib
from functools import partial

import numpy as np

from ..algebra.fields import IntegerRing
from ..bounds import matrix_size_bound
from ..engines.measure import RankSettings, dense_rank, escalation_settings, measure_rank
from ..evidence.certificates import Bound, Certificate
from ..evidence.status import Evidence, Measurement
from ..networks import trees
from ..networks.dilated import dilated_grid_tensor, dilated_span_bound, random_dilated
from ..networks.partitions import Partition
from .networks import SymbolicNetwork

__all__ = ["numeric_rank"]


def numeric_rank(net: SymbolicNetwork, partition: Partition, settings: RankSettings) -> Measurement:
    """Rank of ``[[A]]_{I,J}`` at random weights of ``net``'s architecture (exact, with
    the evidence of a random point)."""
    if net.kind == "same-channel":
        return measure_rank(net.tree, net.dim, net.widths, partition, settings, shared=net.shared)
    width = net.widths[0]
    key = f"symbolic-crosscheck|{trees.to_nested(net.tree)}|{net.dim}|{width}"
    rng = np.random.default_rng([settings.seed, zlib.crc32(key.encode())])
    decomp = random_dilated(net.tree, net.dim, width, settings.ring(), rng)
    rank, field = dense_rank(dilated_grid_tensor(decomp), partition, settings)
    ring = decomp.ring
    degree = decomp.entry_degree()
    bits = decomp.coefficient_bits()
    if isinstance(ring, IntegerRing):  # integer weights, rank mod p: the minor's value
        bits += degree * ring.bound.bit_length()
    gfp = field == "GF(p)"
    evidence = Evidence.random(
        field=field,
        method="dense",
        seed=settings.seed,
        sample_space=ring.sample_space,
        degree=degree,
        prime=settings.prime if gfp else None,
        prime_random=settings.prime_random and gfp,
        entry_bits=bits,
    )
    upper = dilated_span_bound(net.tree, net.dim, width, partition)
    span = Bound(upper, Certificate("joint-span", f"joint-span recursion for eq. 3: {upper}"))
    m = Measurement(rank, evidence, bounds=(span, matrix_size_bound(net.dim, partition)))
    if settings.prime_random:
        fresh = escalation_settings(settings, key)
        m = dataclasses.replace(m, redraw=partial(numeric_rank, net, partition, fresh))
    return m
