"""``mixed --search B --mix-widths r0,...``: the search table's measured (and min-cut)
columns are those of the compiled mixed network with the widths the user gave, as the
main rows (issue 9 gap); the caption and the JSON say which widths were measured."""

from __future__ import annotations

import json

import numpy as np

from convac_verify.algebra.fields import PrimeField
from convac_verify.bounds import network_upper_bounds
from convac_verify.engines.gfp import rank_mod_p
from convac_verify.networks.contraction import contract
from convac_verify.networks.matricize import matricize
from convac_verify.networks.mixed import make_mixture
from convac_verify.networks.mixed_network import mixed_network
from convac_verify.networks.tensor_network import random_fill
from convac_verify.theorems.ctm18_mixed import mixture_for

from .conftest import invoke_cli

BASE = ("mixed", "--search", "2", "--top", "3", "--corollary", "none")
BASE += ("--corollary-measured", "none")
WIDTHS = (2, 1, 2, 2)  # one channel at level 1: far below r_mix = 2r = 4
PRIME = 2305843009213693951  # 2**61 - 1


def _search(*extra: str) -> dict:
    r = invoke_cli(*BASE, *extra, "--format", "json")
    assert r.exit_code == 0, r.stderr
    doc: dict = json.loads(r.stdout)["mixed"]["search"]
    return doc


def _independent_rank(nodes: list[list[int]], widths: tuple[int, ...] | int) -> tuple[int, int]:
    """Rank and min-cut of the chosen mixture's network at widths, straight through the
    network core (compile, fill at random, contract, matricize, FLINT) with its own draw."""
    mixture, part, _ = mixture_for(16, 2, "", "", "", 0)
    chosen = make_mixture(mixture.tree, mixture.tree_bar, nodes)
    net = mixed_network(chosen, 2, widths)
    filled = random_fill(net, PrimeField(PRIME), np.random.default_rng(12345))
    rank = rank_mod_p(matricize(contract(filled), part), PRIME)
    return rank, min(b.value for b in network_upper_bounds(net, part))


def test_search_measures_the_given_widths() -> None:
    given = _search("--mix-widths", ",".join(map(str, WIDTHS)))
    uniform = _search()
    assert given["measured_widths"] == list(WIDTHS)
    assert given["measured_network"] == "widths r0..r3 = 2,1,2,2"
    assert uniform["measured_widths"] == [4, 4, 4, 4]
    assert uniform["measured_network"] == "r_mix = 2r = 4"
    differ = 0
    for row, plain in zip(given["rows"], uniform["rows"], strict=True):
        assert row["mix"] == plain["mix"]  # the ranking (by certified exponents) is the same
        (rank,) = row["measured"]
        expect, cut = _independent_rank(row["mix"], WIDTHS)
        assert rank == expect and row["upper_bounds"] == [cut]
        assert plain["measured"] == [_independent_rank(row["mix"], 4)[0]]
        differ += rank != plain["measured"][0]
        assert row["r_lb"] == 1 and row["measured_lower_bounds"] == [1]
        assert rank >= row["measured_lower_bounds"][0]
    assert differ == len(given["rows"])  # the per-level widths are what was measured


def test_search_caption_names_the_widths() -> None:
    r = invoke_cli(*BASE, "--mix-widths", "2,1,2,2")
    assert r.exit_code == 0, r.stderr
    text = " ".join(r.stdout.split())
    assert "measured and min-cut: the compiled mixed network, widths r0..r3 = 2,1,2,2" in text
    assert "r_mix = 2r)" not in text


def test_search_choice_with_an_odd_mixture_width_is_not_measured() -> None:
    """No mixture node of the user's (``--mix none``), widths odd at layer 2: a searched
    choice with a mixture node there cannot swap half its channels; the row says why."""
    doc = _search("--mix", "none", "--mix-widths", "2,1,3,2")
    for row in doc["rows"]:
        assert row["measured"] is None and "r_2 = 3 must be even" in row["not_measured"]
