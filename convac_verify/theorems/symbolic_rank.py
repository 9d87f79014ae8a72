"""Symbolic ranks against the numeric engines: the generic rank, computed two ways.

Hypotheses: any same-channel tree decomposition (COLT 2016 eq. 4 on any mode tree, CP
included, shared or not) or the tree decomposition of Cohen-Tamari-Shashua eq. 3, and
any partition (I, J). Claim: the rank over the field of rational functions Q(w) of
``[[A]]_{I,J}`` with every weight a symbol -- the maximal rank over all real weights --
equals the rank the numeric engines give at one random weight setting (GF(p) or Q), and
lies below the structural upper bounds.

Evidence: the symbolic rank (fraction-free elimination over Z[w],
:mod:`convac_verify.symbolic.rank`) proves the generic rank in both directions: a
nonzero maximal minor (lower bound almost everywhere) and vanishing of every larger
minor (upper bound for all weights); :func:`symbolic_measurement` is that evidence
(field ``Q(w)``, certificate ``symbolic`` both ways). Two rows per instance:

* the numeric random point held to ``== rank over Q(w)``: the point is a witness of the
  lower bound and the symbolic rank an upper bound for all weights (certificate
  ``symbolic``), so agreement is ``proved``. A point **below** the symbolic rank is a
  Schwartz--Zippel failure of the draw, not a false theorem: it is ``violated`` only
  with epsilon below the threshold (random prime), else ``inconclusive`` (e.g. a fixed
  ``--prime 3``), by the rules of :func:`convac_verify.evidence.status.decide`; a point
  above it refutes the symbolic rank with certainty;
* the symbolic rank held to ``<=`` the smallest structural bound of the numeric
  measurement (c-recursion, joint spans, matrix size): ``proved`` by ``symbolic``.

The panel (``instances``: ``tree|M|widths|rows[|shared][|eq3]`` separated by ``;``)
stays small: symbolic elimination grows fast.

Negative controls: ``offset=1`` claims one more than the rank over Q(w), and the claim
control ``bound+1`` raises every agreement claim by one: the symbolic rank (an upper
bound for all weights) refutes them with certainty.

References
----------
N. Cohen, O. Sharir, A. Shashua. COLT 2016, App. B (ranks are maximal almost
everywhere: a nonzero polynomial vanishes on a null set). N. Cohen, R. Tamari,
A. Shashua. ICLR 2018, eq. 3.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace

import numpy as np

from ..engines.measure import Context
from ..errors import ConvacError
from ..evidence.certificates import Bound, Certificate
from ..evidence.observation import Observation
from ..evidence.status import Claim, Evidence, Measurement
from ..networks import trees
from ..networks.partitions import Partition, parse_partition
from ..symbolic.networks import SymbolicNetwork, symbolic_network
from ..symbolic.numeric import numeric_rank
from ..symbolic.rank import SymbolicRank, symbolic_rank
from .registry import register_theorem

__all__ = [
    "Instance",
    "numeric_against_symbolic",
    "parse_instances",
    "symbolic_bound",
    "symbolic_measurement",
]

SYMBOLIC_BASIS = "symbolic rank over Q(w): the maximum over all weights"


def symbolic_measurement(result: SymbolicRank) -> Measurement:
    """The evidence of a symbolic rank: certain in both directions (the one place it is
    built). The rank over Q(w) is the generic rank: the measured point is the
    ``symbolic`` certificate of the lower bound (a nonzero maximal minor), and the same
    rank is a ``symbolic`` upper bound for all weights (the maximum over all of them)."""
    evidence = Evidence.witness(
        f"symbolic ({len(result.network.symbols)} weights)",
        field="Q(w)",
        method="symbolic",
        point="symbolic",
    )
    return Measurement(result.rank, evidence, bounds=(symbolic_bound(result),), exact=True)


def symbolic_bound(result: SymbolicRank) -> Bound:
    """The rank over Q(w) as an upper bound for all weights (certificate ``symbolic``)."""
    detail = f"{SYMBOLIC_BASIS}, {result.network.describe()}: {result.rank}"
    return Bound(result.rank, Certificate("symbolic", detail))


def numeric_against_symbolic(result: SymbolicRank, numeric: Measurement) -> Measurement:
    """The numeric random point with the symbolic rank added as its first upper bound:
    held to ``== result.rank`` it is ``proved`` by ``symbolic`` when the point reaches
    the rank, and a point below it counts only with its Schwartz--Zippel epsilon."""
    return replace(numeric, bounds=(symbolic_bound(result), *numeric.bounds))


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
    negative_controls={"offset 1": {"offset": 1}, "bound + 1": {"claim": "bound+1"}},
)
def check(ctx: Context, *, instances: str, offset: int) -> Iterator[Observation]:
    """Per panel instance: the numeric point against the rank over Q(w) (+ ``offset``),
    and the rank over Q(w) against the structural bounds."""
    for inst in parse_instances(instances, ctx.settings.seed):
        ctx.progress(f"symbolic rank {inst.label}")
        result = symbolic_rank(inst.network, inst.partition, minors=False)
        numeric = numeric_rank(inst.network, inst.partition, ctx.settings)
        params = {
            "network": inst.network.describe(),
            "rows": list(inst.partition.rows),
            "symbolic_rank": result.rank,
            "numeric_rank": numeric.rank,
            "numeric_field": numeric.evidence.field,
        }
        yield Observation(
            label=inst.label,
            subject="numeric rank at a random point = rank over Q(w)",
            claim=Claim(
                "==",
                "rank over Q(w)" + (f" + {offset}" if offset else ""),
                result.rank + offset,
                r"\mathrm{rank}_{\mathbf{Q}(w)}" + (f"+{offset}" if offset else ""),
            ),
            measurement=numeric_against_symbolic(result, numeric),
            params=params,
        )
        structural = numeric.best_bound()
        if structural is not None:
            yield Observation(
                label=inst.label,
                subject=f"rank over Q(w) <= structural bound ({structural.certificate.kind})",
                claim=Claim("<=", f"{structural.certificate.kind} bound", structural.value),
                measurement=symbolic_measurement(result),
                params=params,
            )
