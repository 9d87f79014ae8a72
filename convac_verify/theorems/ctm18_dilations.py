"""Cohen-Tamari-Shashua Sec. 3: dilation schemes and binary mode trees, both directions.

Hypotheses (ICLR 2018, arXiv v3 Sec. 3 and fig. 2): a stack of L size-2 convolutions
whose dilations are a permutation of ``1, 2, ..., 2^(L-1)``; N = 2^L; positions
0-based; layer l joins the layer-(l-1) units ``d_l`` positions apart, i.e. the
positions that differ in the binary digit of ``d_l``. Claims, per L = 1..``max_layers``:

* every scheme is recovered from its tree (:func:`find_dilations` inverts
  :func:`dilation_tree`): L! round trips;
* distinct schemes give distinct trees: L! trees;
* at N = 8, exactly the 3! dilation trees among all 315 perfect binary trees have a
  scheme;
* the tree of dilations swapped between even and odd layers (L even) has the baseline's
  even-depth nodes, and its odd-depth nodes split a parent into its 1st+3rd versus
  2nd+4th quadrants (fig. 2(b)).

Evidence: exhaustive enumeration, exact (no weights, no randomness): the counts are
proved or violated with certainty.

Negative control: ``layer_order=reversed`` -- the claim that layer l joins the digit of
``d_{L+1-l}`` (the layers read top-down): no scheme with L >= 2 round-trips (a
permutation of distinct powers is never a palindrome), so the count is 0 < L!:
``violated``.

References
----------
N. Cohen, R. Tamari, A. Shashua. Boosting Dilated Convolutional Networks with Mixed
Tensor Decompositions. ICLR 2018 (arXiv 1703.06846v3): Sec. 3, Def. 1, fig. 2.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from math import factorial

from ..engines.measure import Context
from ..errors import ConvacError
from ..evidence.observation import Observation
from ..evidence.status import Claim, Evidence, Measurement
from ..networks import trees
from ..networks.dilations import (
    dilation_tree,
    find_dilations,
    perfect_binary_trees,
    swapped_tree,
)
from .registry import register_theorem


def _exact(count: int, what: str) -> Measurement:
    """An exact count from an exhaustive enumeration (the one place Evidence is built)."""
    return Measurement(count, Evidence.witness(what, field="Q", method="enumeration"))


def _fig_2b_matches(n_modes: int) -> tuple[int, int]:
    """(nodes of the swapped tree as fig. 2(b) describes them, interior nodes)."""
    base, swap = trees.balanced(n_modes), swapped_tree(n_modes, 2)
    base_sets = {frozenset(trees.leaves_below(base, v)) for v in trees.internal_nodes(base)}
    good = 0
    for v in trees.internal_nodes(swap):
        modes = sorted(trees.leaves_below(swap, v))
        if trees.height(swap, v) % 2 == 0:  # even height = even depth (L even)
            good += frozenset(modes) in base_sets
            continue
        parent = next(u for u in trees.internal_nodes(swap) if v in trees.children(swap, u))
        pm = sorted(trees.leaves_below(swap, parent))
        q = len(pm) // 4
        quads = [pm[i * q : (i + 1) * q] for i in range(4)]
        good += modes in (sorted(quads[0] + quads[2]), sorted(quads[1] + quads[3]))
    return good, len(trees.internal_nodes(swap))


@register_theorem(
    "ctm18-dilations",
    title="Dilation schemes <-> binary mode trees: L! schemes, L! trees, exact round trip",
    reference="Cohen, Tamari & Shashua, ICLR 2018, Sec. 3 and fig. 2 (arXiv v3)",
    hypotheses=(
        "L size-2 dilated convolutions, dilations a permutation of 1..2^(L-1); layer l "
        "joins positions differing in the binary digit of d_l (0-based positions)"
    ),
    family="interconnect",
    defaults={"max_layers": 5, "layer_order": "paper"},
    negative_controls={
        "layers read in reverse order": {"layer_order": "reversed"},
        "bound + 1": {"claim": "bound+1"},
    },
    choices={"layer_order": ("paper", "reversed")},
)
def check(ctx: Context, *, max_layers: int, layer_order: str) -> Iterator[Observation]:
    """Round trips and counts per L, the N = 8 census, and fig. 2(b)."""
    if layer_order not in ("paper", "reversed"):
        raise ConvacError(f"layer_order must be paper or reversed; got {layer_order!r}")
    if not 1 <= max_layers <= 7:
        raise ConvacError(f"max_layers must be in 1..7 (L! schemes each); got {max_layers}")
    for n_layers in range(1, max_layers + 1):
        ctx.progress(f"ctm18 dilations L={n_layers}")
        perms = list(itertools.permutations([2**k for k in range(n_layers)]))
        recovered = 0
        seen = set()
        for ds in perms:
            read = ds if layer_order == "paper" else ds[::-1]  # the layer reading claimed
            tree = dilation_tree(read)
            recovered += find_dilations(tree).dilations == ds
            seen.add(trees.to_nested(tree))
        params = {"L": n_layers, "N": 2**n_layers, "layer_order": layer_order}
        yield Observation(
            label=f"L={n_layers}",
            subject="schemes recovered from their trees",
            claim=Claim("==", "L!", factorial(n_layers), "L!", "point", "schemes"),
            measurement=_exact(recovered, "every permutation"),
            params=params,
        )
        yield Observation(
            label=f"L={n_layers}",
            subject="distinct trees of the schemes",
            claim=Claim("==", "L!", factorial(n_layers), "L!", "point", "trees"),
            measurement=_exact(len(seen), "every permutation"),
            params=params,
        )
    census = [find_dilations(trees.from_nested(t)).dilations for t in perfect_binary_trees(8)]
    yield Observation(
        label="N=8",
        subject=f"perfect binary trees with a scheme (of {len(census)})",
        claim=Claim("==", "3!", 6, "3!", "point", "trees"),
        measurement=_exact(sum(d is not None for d in census), "all perfect binary trees"),
        params={"N": 8, "perfect_trees": len(census)},
    )
    for n in (4, 16, 64):
        good, total = _fig_2b_matches(n)
        yield Observation(
            label=f"N={n}",
            subject="swapped-tree nodes as fig. 2(b) describes them",
            claim=Claim("==", "|int(T-bar)|", total, r"|\mathrm{int}(\bar T)|", "point", "nodes"),
            measurement=_exact(good, "swapped tree"),
            params={"N": n},
        )
