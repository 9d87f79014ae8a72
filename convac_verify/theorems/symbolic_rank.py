"""Symbolic ranks against the numeric engines: the generic rank, computed two ways.

Hypotheses: any same-channel tree decomposition (COLT 2016 eq. 4 on any mode tree, CP
included, shared or not) or the tree decomposition of Cohen-Tamari-Shashua eq. 3, and
any partition (I, J). Claim: the rank over the field of rational functions Q(w) of
``[[A]]_{I,J}`` with every weight a symbol -- the maximal rank over all real weights --
equals the rank the numeric engines give at one random weight setting (GF(p) or Q).

Evidence: the symbolic rank (fraction-free elimination over Z[w],
:mod:`convac_verify.symbolic.rank`) proves the generic rank in both directions: a
nonzero maximal minor (lower bound almost everywhere) and vanishing of every larger
minor (upper bound for all weights). The numeric rank is the claimed value; equality is
``proved``. The panel (``instances``: ``tree|M|widths|rows[|shared][|eq3]`` separated by
``;``) stays small: symbolic elimination grows fast.

Negative control: ``offset=1`` claims one more than the numeric rank: the symbolic rank
(an upper bound for all weights) refutes it with certainty.

References
----------
N. Cohen, O. Sharir, A. Shashua. COLT 2016, App. B (ranks are maximal almost
everywhere: a nonzero polynomial vanishes on a null set). N. Cohen, R. Tamari,
A. Shashua. ICLR 2018, eq. 3.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from ..engines.measure import Context
from ..errors import ConvacError
from ..evidence.observation import Observation
from ..evidence.status import Claim, Evidence, Measurement
from ..networks import trees
from ..networks.partitions import Partition, parse_partition
from ..symbolic.networks import SymbolicNetwork, symbolic_network
from ..symbolic.numeric import numeric_rank
from ..symbolic.rank import SymbolicRank, symbolic_rank
from .registry import register_theorem

__all__ = ["Instance", "parse_instances", "symbolic_measurement"]

SYMBOLIC_BASIS = "symbolic rank over Q(w): the maximum over all weights"


def symbolic_measurement(result: SymbolicRank) -> Measurement:
    """The evidence of a symbolic rank: certain in both directions (the one place it is
    built; the rank is its own upper bound for all weights)."""
    net = result.network
    evidence = Evidence(
        field="Q(w)",
        method="symbolic",
        weights=f"symbolic ({len(net.symbols)} weights)",
        degree=net.entry_degree(),
    )
    return Measurement(result.rank, evidence, result.rank, SYMBOLIC_BASIS)


@dataclass(frozen=True)
class Instance:
    """One architecture and partition of a panel."""

    network: SymbolicNetwork
    partition: Partition
    label: str


def parse_instances(text: str, seed: int = 0) -> list[Instance]:
    """``tree|M|widths|rows[|shared][|eq3]`` items separated by ``;``.

    Examples
    --------
    >>> [i.label for i in parse_instances("balanced:4|2|2|odd-even;cp:4|2|3|left-right|shared")]
    ['balanced:4 M=2 r=2 odd-even', 'cp:4 M=2 r=3 left-right shared']
    """
    out = []
    for item in (s.strip() for s in text.split(";") if s.strip()):
        parts = [p.strip() for p in item.split("|")]
        if len(parts) < 4 or any(f not in ("shared", "eq3") for f in parts[4:]):
            raise ConvacError(
                f"a panel item is tree|M|widths|rows[|shared][|eq3], e.g. balanced:4|2|2|odd-even; "
                f"got {item!r}"
            )
        tree = trees.parse_tree(parts[0])
        widths = [int(w) for w in parts[2].split(",")]
        flags = set(parts[4:])
        net = symbolic_network(
            tree,
            int(parts[1]),
            widths[0] if len(widths) == 1 else widths,
            kind="dilated" if "eq3" in flags else "same-channel",
            shared="shared" in flags,
        )
        partition = parse_partition(parts[3], net.n_modes, np.random.default_rng(seed))
        label = " ".join([parts[0], f"M={parts[1]}", f"r={parts[2]}", parts[3], *parts[4:]])
        out.append(Instance(net, partition.require_proper(), label))
    return out


@register_theorem(
    "symbolic-rank",
    title="Symbolic rank over Q(w) = numeric generic rank (GF(p)/Q at a random point)",
    reference="Cohen, Sharir & Shashua, COLT 2016, App. B (maximal rank almost everywhere)",
    hypotheses="any tree decomposition (eq. 4 on any tree, CP, shared; or CTM18 eq. 3), any (I, J)",
    family="symbolic",
    defaults={
        "instances": (
            "balanced:4|2|2|odd-even;balanced:4|2|2|left-right;balanced:4|2|2|odd-even|shared;"
            "cp:4|2|3|odd-even;windows:2,3|2|1|odd-even;balanced:4|2|2|left-right|eq3;"
            "swapped:4|2|2|odd-even|eq3"
        ),
        "offset": 0,
    },
    negative_control={"offset": 1},
)
def check(ctx: Context, *, instances: str, offset: int) -> Iterator[Observation]:
    """Symbolic rank of each panel instance, held to the numeric rank (+ ``offset``)."""
    for inst in parse_instances(instances, ctx.settings.seed):
        ctx.progress(f"symbolic rank {inst.label}")
        result = symbolic_rank(inst.network, inst.partition, minors=False)
        numeric = numeric_rank(inst.network, inst.partition, ctx.settings)
        value = numeric.rank + offset
        yield Observation(
            label=inst.label,
            subject="symbolic rank over Q(w)",
            claim=Claim(
                "==",
                "numeric rank" + (f" + {offset}" if offset else ""),
                value,
                r"\mathrm{rank}_{\mathrm{GF}(p)}" + (f"+{offset}" if offset else ""),
            ),
            measurement=symbolic_measurement(result),
            params={
                "network": inst.network.describe(),
                "rows": list(inst.partition.rows),
                "numeric_rank": numeric.rank,
                "numeric_field": numeric.evidence.field,
            },
        )
