"""``convac-verify mixed``: mixed tensor decompositions (Cohen, Tamari & Shashua).

With no options: the worked example after Theorem 7 at N = 16, M = 2, r = 2 -- for T
(baseline), T-bar (dilations swapped in pairs of layers), the best hybrid and the mixed
network (``r_mix = 2r``, mixture nodes at layer 2) the measured rank, the bounds and the
status -- then the table of Corollary 8 at r = 128. ``--search B`` ranks every choice of
at most B mixture nodes by the certified lower bound over a partition family.

Phase-1 scope: the mixed network's own rank (and its min-cut upper bound) await a
compiler of the mixed decomposition into the tensor-network core
(``@compile_network.register`` in :mod:`convac_verify.networks.compilers`, phase 2); its
row shows the lower bound certified through Claim 5 and says so. The T, T-bar and hybrid
rows carry the eq. 3 bounds of the bounds home (joint spans, min-cut; the tiling is
Theorem 7's own bound). Runs the checks ``ctm18-mixed`` and ``ctm18-corollary-8``; conventions in
:mod:`convac_verify.networks.mixed`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import click
import numpy as np
from rich.console import Console
from rich.table import Table

from ..bounds.corollary8 import corollary8_row, power_text
from ..bounds.hybrids import best_hybrid, search_mixtures
from ..bounds.tilings import tiling_bounds
from ..errors import ConvacError
from ..networks import trees
from ..networks.geometry2d import Grid
from ..networks.mixed import R0_CONVENTION, Mixture, hybrids, node_text
from ..networks.partitions import Partition
from ..networks.partitions2d import expand_partitions, split_specs
from ..report import CheckResult, Report
from ..report.latex import escape, latex_document, latex_table, settings_caption, status_tex
from ..report.numbers import fmt_int, latex_int
from ..report.table import evidence_text, render_footer, render_growth, status_text
from ..theorems.ctm18_mixed import AWAITS, mixture_for
from ..theorems.runner import run_checks
from .common import RunOptions, clear_progress, sweep_options

__all__ = ["mixed"]

NETWORKS = ("T", "T-bar", "best hybrid", "mixed")
MAX_NESTED = 64


def _rows(report: Report) -> dict[str, dict[str, CheckResult]]:
    """network -> {">=": result, "<=": result} from the ctm18-mixed results."""
    out: dict[str, dict[str, CheckResult]] = {}
    for r in report.results:
        if r.check != "ctm18-mixed":
            continue
        net = str(r.observation.params.get("network"))
        rel = r.observation.claim.relation
        out.setdefault(net, {}).setdefault(rel, r)
    return out


def _cells(net: str, rs: dict[str, CheckResult]) -> dict[str, str]:
    lo = rs.get(">=")
    up = rs.get("<=")
    first = lo or up
    assert first is not None
    m = first.observation.measurement
    if net == "mixed":
        measured, how = "awaits core", "phase 2: compiled network"
        lower = f"{fmt_int(m.rank)} (Claim 5 + witness)"
        upper = "awaits min-cut"
    else:
        measured, how = fmt_int(m.rank), evidence_text(first)
        lower = f"{fmt_int(m.rank)} (witness)"
        best = m.best_bound("ctm18-mixed")  # the bounds home's best independent bound
        upper = "-" if best is None else f"{fmt_int(best.value)} ({best.certificate.kind})"
    claims = []
    statuses = []
    for r in (lo, up):
        if r is None:
            continue
        c = r.observation.claim
        claims.append(f"{c.relation} {c.formula} = {fmt_int(c.value)}")
        statuses.append(status_text(r))
    return {
        "network": net,
        "measured": measured,
        "how": how,
        "lower": lower,
        "upper": upper,
        "claim": "; ".join(claims),
        "status": " / ".join(statuses),
    }


def _segments_text(mixture: Mixture, choice: Sequence[int]) -> str:
    parts = []
    for top, c in zip(mixture.visit_order, choice, strict=True):
        where = "top" if top == mixture.root else node_text(top)
        parts.append(f"{where}<-{'T' if c == 0 else 'T-bar'}")
    return " ".join(parts)


def _corollary(widths: Sequence[int]) -> list[dict[str, Any]]:
    out = []
    for r in widths:
        for k in range(1, 7):
            row = corollary8_row(r, k)
            out.append(
                {
                    "r": r,
                    "k": k,
                    "N": row.n_modes,
                    "exponent": str(row.exponent),
                    "claimed_exact": power_text(r // 2, row.exponent),
                    "claimed_real": round(row.real, 2),
                    "claimed_ceiling": row.claimed,
                    "P_hybrid": row.hybrid_exponent,
                    "U_T": row.tree_exponents[0],
                    "forced_T": row.forced_tree,
                    "forced_Tbar": row.forced_tree_bar,
                    "forced_sum": row.forced_sum,
                }
            )
    return out


def _search_rows(
    mixture: Mixture, parts: Sequence[Partition], budget: int, r: int, top: int
) -> list[dict[str, Any]]:
    rows = search_mixtures(mixture.tree, mixture.tree_bar, parts, budget)
    return [
        {
            "rank": i + 1,
            "mix": [sorted(n) for n in row.nodes],
            "mix_text": row.text(),
            "exponents": list(row.exponents),
            "lower_bounds": [r**e for e in row.exponents],
            "hybrids": row.hybrid_count,
        }
        for i, row in enumerate(rows[:top])
    ]


def _extra(
    mixture: Mixture,
    part: Partition,
    r: int,
    names: tuple[str, str],
    corollary: list[dict[str, Any]],
    search: list[dict[str, Any]] | None,
    family: Sequence[Partition],
    list_hybrids: int,
) -> dict[str, Any]:
    best = best_hybrid(mixture, part)
    listed = []
    for i, (choice, h) in enumerate(hybrids(mixture)):
        if i >= list_hybrids:
            break
        listed.append({"choice": list(choice), "pairs": tiling_bounds(h, part).lower_exponent})
    return {
        "T": names[0],
        "T_bar": names[1],
        "mix": [sorted(m) for m in mixture.nodes],
        "hybrid_count": mixture.hybrid_count,
        "choice_count": mixture.choice_count,
        "best_hybrid": {
            "choice": list(best.choice),
            "segments": _segments_text(mixture, best.choice),
            "pairs_per_segment": [list(p) for p in best.per_segment],
            "pairs": best.exponent,
            "nested": trees.to_nested(best.tree) if mixture.n_modes <= MAX_NESTED else None,
        },
        "hybrids_listed": listed,
        "r": r,
        "r_mix": 2 * r,
        "r0": 2 * r,
        "r0_convention": R0_CONVENTION,
        "awaiting": {"mixed": AWAITS},
        "corollary8": corollary,
        "search": None if search is None else {"family": [p.name for p in family], "rows": search},
    }


def _print(report: Report, extra: dict[str, Any], part: Partition, console: Console) -> None:
    rows = _rows(report)
    p = next(iter(rows["T"].values())).observation.params
    console.print(
        f"Mixed decomposition (ICLR 2018 eq. 4), N = {p['N']}, M = {p['M']}: T = {extra['T']}, "
        f"T-bar = {extra['T_bar']}, {len(extra['mix'])} mixture nodes "
        f"{' '.join(node_text(m) for m in extra['mix'][:8])}"
        f"{' ...' if len(extra['mix']) > 8 else ''}; {extra['hybrid_count']} hybrids "
        f"({extra['choice_count']} choices)",
        markup=False,
    )
    console.print(f"partition {part.name}: I = {list(part.rows)}", markup=False)
    console.print(
        f"widths: r = {extra['r']} (T, T-bar, hybrids); r_mix = {extra['r_mix']} (mixed); "
        f"r0 = {extra['r0']}: {R0_CONVENTION}",
        markup=False,
    )
    t = Table(title="Ranks and bounds on the partition", title_justify="left")
    for col in (
        "network",
        "measured rank",
        "how",
        "lower bound",
        "upper (all w)",
        "claim",
        "status",
    ):
        t.add_column(col)
    for net in NETWORKS:
        if net in rows:
            c = _cells(net, rows[net])
            t.add_row(
                c["network"],
                c["measured"],
                c["how"],
                c["lower"],
                c["upper"],
                c["claim"],
                c["status"],
            )
    console.print(t)
    best = extra["best_hybrid"]
    console.print(
        f"best hybrid: {best['segments']}; pairs per segment (T, T-bar): "
        f"{best['pairs_per_segment']}; P(H) = {best['pairs']}",
        markup=False,
    )
    if best["nested"] is not None:
        console.print(f"best hybrid nested: {tuple(best['nested'])}", markup=False)
    for h in extra["hybrids_listed"]:
        console.print(f"hybrid {h['choice']}: P(H) = {h['pairs']}", markup=False)
    console.print(
        "awaiting the measured mixed rank (phase 2): the 'mixed' row -- its rank and min-cut "
        "upper bound come from the compiled tensor network; its lower bound is certified now",
        markup=False,
    )
    if extra["search"] is not None:
        s = Table(
            title="Search: mixture nodes ranked by the certified lower bound "
            f"(family: {', '.join(extra['search']['family'])})",
            title_justify="left",
        )
        for col in ("#", "mixture nodes", "max_H P(H) per partition", "lower bounds", "hybrids"):
            s.add_column(col)
        for row in extra["search"]["rows"]:
            s.add_row(
                str(row["rank"]),
                row["mix_text"],
                ", ".join(map(str, row["exponents"])),
                ", ".join(fmt_int(v) for v in row["lower_bounds"]),
                str(row["hybrids"]),
            )
        console.print(s)
    if extra["corollary8"]:
        c8 = Table(
            title="Corollary 8: channels N or N-bar need to match the mixed network "
            "(forced by certified exponents)",
            title_justify="left",
        )
        for col in (
            "r",
            "k",
            "N",
            "exponent",
            "(r/2)^e exact",
            "~",
            "forced T",
            "forced T-bar",
            "forced T+T-bar",
        ):
            c8.add_column(col, justify="right")
        for row in extra["corollary8"]:
            c8.add_row(
                str(row["r"]),
                str(row["k"]),
                str(row["N"]),
                row["exponent"],
                row["claimed_exact"],
                f"{row['claimed_real']:.2f}",
                str(row["forced_T"]),
                str(row["forced_Tbar"]),
                str(row["forced_sum"]),
            )
        console.print(c8)
        console.print(
            "forced T+T-bar: the sum's rank bound w^U + w^U gives (r/2)^e * 2^(-1/U), below the "
            "corollary's number at finite N",
            markup=False,
        )
    render_growth(report, console)
    render_footer(report, console)


def _latex(report: Report, extra: dict[str, Any]) -> str:
    rows = _rows(report)
    body = []
    for net in NETWORKS:
        if net not in rows:
            continue
        lo = rows[net].get(">=")
        up = rows[net].get("<=")
        first = lo or up
        assert first is not None
        m = first.observation.measurement
        measured = "--" if net == "mixed" else f"${latex_int(m.rank)}$"
        best = m.best_bound("ctm18-mixed")
        upper = "--" if net == "mixed" or best is None else f"${latex_int(best.value)}$"
        body.append(
            [
                escape(net),
                measured,
                f"${latex_int(lo.observation.claim.value)}$" if lo else "--",
                upper,
                status_tex(lo) if lo else "--",
            ]
        )
    p = next(iter(rows["T"].values())).observation.params
    tables = [
        latex_table(
            escape(
                f"Worked example (Cohen, Tamari & Shashua, ICLR 2018): N = {p['N']}, M = {p['M']}, "
                f"r = {p['r']}, r_mix = {p['r_mix']}; mixed rank awaits the network core. "
            )
            + settings_caption(report),
            ["network", "rank", "lower bound", "upper bound", "status"],
            body,
        )
    ]
    if extra["corollary8"]:
        c8 = [
            [
                f"${row['r']}$",
                f"${row['k']}$",
                f"${row['exponent']}$",
                f"${row['r'] // 2}$"
                if row["exponent"] == "1"
                else f"${row['r'] // 2}^{{{row['exponent']}}}$",
                f"${row['claimed_real']:.2f}$",
                f"${row['forced_T']}$",
            ]
            for row in extra["corollary8"]
        ]
        tables.append(
            latex_table(
                "Corollary 8: channels an individual network needs, "
                r"$(r/2)^{2/(1+2^{1-k})}$, and the width forced by certified exponents.",
                ["$r$", "$k$", "exponent", "$(r/2)^e$", r"$\approx$", "forced"],
                c8,
            )
        )
    return latex_document(report, tables)


def _ints(text: str, what: str) -> list[int]:
    if text.strip() == "none":
        return []
    try:
        return [int(t) for t in text.split(",") if t.strip()]
    except ValueError:
        raise ConvacError(f"{what} takes integers like 128,256 or none; got {text!r}") from None


@click.command("mixed")
@click.option("--N", "n_modes", type=int, default=16, show_default=True, help="N = 2^L inputs.")
@click.option("--M", "--dim", "dim", type=int, default=2, show_default=True, help="M discretizers.")
@click.option(
    "--r",
    "--width",
    "width",
    type=int,
    default=2,
    show_default=True,
    help="Size constant r of T, T-bar and the hybrids; the mixed network has r_mix = 2r.",
)
@click.option(
    "--k", "group", type=int, default=2, show_default=True, help="T-bar swaps groups of k layers."
)
@click.option(
    "--trees",
    "trees_text",
    default="",
    help="T,T-bar (baseline, swapped, groups:K, 2,1,8,4 with ';' between, or tree specs). "
    "[default: baseline,groups:k]",
)
@click.option(
    "--mix",
    "mix_text",
    default="",
    help="Mixture nodes: layer:K, depth:D, none, or mode sets 0-3;4,5,6,7. [default: layer:k]",
)
@click.option(
    "--rows",
    "rows_text",
    default="",
    help="The partition I (ctm18-groups:k, odd-even, 0,2,5, ...). [default: ctm18-groups:k]",
)
@click.option(
    "--search", "budget", type=int, default=None, help="Rank every choice of <= B mixture nodes."
)
@click.option(
    "--family",
    "family_text",
    default="",
    help="Partitions for --search (comma list). [default: --rows]",
)
@click.option("--top", type=int, default=10, show_default=True, help="Rows of the search table.")
@click.option(
    "--corollary",
    "corollary_text",
    default="128",
    show_default=True,
    help="r values of the Corollary 8 table (k = 1..6), or none.",
)
@click.option(
    "--list-hybrids",
    type=int,
    default=0,
    show_default=True,
    help="Also list the first K hybrids (lazy enumeration) with P(H).",
)
@sweep_options
def mixed(
    *,
    n_modes: int,
    dim: int,
    width: int,
    group: int,
    trees_text: str,
    mix_text: str,
    rows_text: str,
    budget: int | None,
    family_text: str,
    top: int,
    corollary_text: str,
    list_hybrids: int,
    opts: RunOptions,
) -> int:
    """Mixed decompositions: T, T-bar, hybrids and the mixed network on one partition."""
    for name, value in (("--M", dim), ("--r", width), ("--top", top)):
        if value < 1:
            raise ConvacError(f"{name} must be a positive integer; got {value}")
    widths = _ints(corollary_text, "--corollary")
    mixture, part, names = mixture_for(n_modes, group, trees_text, mix_text, rows_text, opts.seed)
    family = [part]
    if family_text:
        rng = np.random.default_rng(opts.seed)
        family = [
            p.require_proper()
            for p in expand_partitions(split_specs(family_text), Grid(1, n_modes), rng)
        ]
    search = None if budget is None else _search_rows(mixture, family, budget, width, top)
    corollary = _corollary(widths)
    ctx = opts.context()
    overrides = {
        "sizes": str(n_modes),
        "dim": dim,
        "width": width,
        "group": group,
        "trees": trees_text,
        "mix": mix_text,
        "rows": rows_text,
    }
    plan: list[tuple[str, dict[str, Any]]] = [("ctm18-mixed", overrides)]
    if widths:
        plan.append(("ctm18-corollary-8", {"widths": ",".join(map(str, widths))}))
    notes = [f"awaiting the measured mixed rank: the 'mixed' rows ({AWAITS})"]
    report = run_checks("mixed", plan, ctx, notes)
    extra = _extra(mixture, part, width, names, corollary, search, family, list_hybrids)
    if opts.fmt == "json":  # the report's JSON with the worked example beside it
        report = opts.gate(report)
        clear_progress()
        opts.outputs.write({"-o": json.dumps(report.to_dict() | {"mixed": extra}, indent=2) + "\n"})
        return report.exit_code
    return opts.emit(
        report,
        table=lambda rep, console: _print(rep, extra, part, console),
        latex=lambda rep: _latex(rep, extra),
    )
