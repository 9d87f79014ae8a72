"""``convac-verify mixed``: mixed tensor decompositions (Cohen, Tamari & Shashua).

With no options: the worked example after Theorem 7 at N = 16, M = 2, r = 2 -- for T
(baseline), T-bar (dilations swapped in pairs of layers), the best hybrid and the mixed
network (``r_mix = 2r``, mixture nodes at layer 2) the measured rank, the bounds and the
status -- then the table of Corollary 8 at r = 128. ``--search B`` ranks every choice of
at most B mixture nodes by the certified lower bound over a partition family.

The mixed network is compiled into the tensor-network core
(:mod:`convac_verify.networks.mixed_network`): its row shows the rank measured at random
weights where the grid tensor is small (N = 16), the lower bound certified through Claim
5 and the best hybrid's witness (every N), and the min-cut of the compiled network. The
T, T-bar and hybrid rows carry the eq. 3 bounds of the bounds home (joint spans, min-cut;
the tiling is Theorem 7's own bound). Runs the checks ``ctm18-mixed`` and
``ctm18-corollary-8``; conventions in :mod:`convac_verify.networks.mixed`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

import click
import numpy as np
from rich.console import Console
from rich.table import Table

from ..bounds.corollary8 import corollary8_row, power_text
from ..bounds.hybrids import best_hybrid, search_mixtures
from ..bounds.tilings import tiling_bounds
from ..engines.measure import RankSettings, check_dense_budget, fits_dense
from ..errors import ConvacError, InvalidDecomposition
from ..networks import trees
from ..networks.geometry2d import Grid
from ..networks.mixed import R0_CONVENTION, Mixture, hybrids, make_mixture, node_text
from ..networks.mixed_network import claim5_width, level_widths, mixed_network
from ..networks.network_file import network_to_dict
from ..networks.partitions import Partition
from ..networks.partitions2d import expand_partitions, split_specs
from ..report import CheckResult, Report
from ..report.latex import escape, latex_document, latex_table, settings_caption, status_tex
from ..report.numbers import fmt_int, latex_int
from ..report.table import evidence_text, render_footer, render_growth, status_text
from ..theorems.ctm18_mixed import (
    DENSE_MAX_ENTRIES,
    NOT_MEASURED,
    measure_mixed_family,
    mixture_for,
)
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


def _cells(
    net: str, rs: dict[str, CheckResult], measured_rs: dict[str, CheckResult] | None = None
) -> dict[str, str]:
    lo = rs.get(">=")
    up = rs.get("<=")
    first = lo or up
    assert first is not None
    m = first.observation.measurement
    best = m.best_bound("ctm18-mixed")  # the bounds home's best independent bound
    upper = "-" if best is None else f"{fmt_int(best.value)} ({best.certificate.kind})"
    extra_row = None if not measured_rs else measured_rs.get(">=")
    if net == "mixed":
        if extra_row is not None:
            measured, how = (
                fmt_int(extra_row.observation.measurement.rank),
                evidence_text(extra_row),
            )
        else:
            measured, how = "-", "not measured (large N)"
        lower = f"{fmt_int(m.rank)} (Claim 5 + witness)"
    else:
        measured, how = fmt_int(m.rank), evidence_text(first)
        lower = f"{fmt_int(m.rank)} (witness)"
    claims = []
    statuses = []
    for r in (lo, up, extra_row):
        if r is None:
            continue
        c = r.observation.claim
        text = f"{c.relation} {c.formula} = {fmt_int(c.value)}"
        if text not in claims:
            claims.append(text)
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


def _corollary_measured(report: Report) -> list[dict[str, Any]]:
    """The rows of ``ctm18-corollary-8-measured``: per case and r_mix the mixed target,
    then T, T-bar and their sum (ranks per width, predicted and needed widths)."""
    out: list[dict[str, Any]] = []
    for r in report.results:
        if r.check != "ctm18-corollary-8-measured" or "[control" in r.observation.subject:
            continue
        p = r.observation.params
        row = {
            k: p[k]
            for k in ("N", "M", "r_mix", "network", "target", "target_exact", "hybrid_bound")
        }
        row["target_upper_bound"] = p["target_upper_bound"]
        if p["network"] != "mixed":
            row |= {
                "ranks": p["ranks"],
                "predicted": p["predicted"],
                "width_needed_at_least": p["width_needed_at_least"],
                "width_reaching_target": p["width_reaching_target"],
                "width_needed_exact": r.observation.measurement.is_exact,
                "widths_tried": p["widths_tried"],
                "above_M": p["above_M"],
            }
        row["status"] = r.status.value
        out.append(row)
    return out


def _relu_rows(report: Report) -> list[dict[str, Any]]:
    """The rows of ``ctm18-relu`` (one per network, and the sample comparison)."""
    out = []
    for r in report.results:
        if r.check != "ctm18-relu" or "almost everywhere" in r.observation.subject:
            continue
        p = r.observation.params
        c = r.observation.claim
        out.append(
            {
                "network": p["network"],
                "N": p["N"],
                "M": p["M"],
                "r": p["r"],
                "ranks": p.get("ranks"),
                "measured": r.observation.measurement.rank,
                "claim": f"{c.relation} {c.formula} = {fmt_int(c.value)} ({c.scope})",
                "product_upper_bound": p.get("product_upper_bound"),
                "exceeds_product_bound": p.get("exceeds_product_bound"),
                "status": r.status.value,
            }
        )
    return out


def _needed_text(row: dict[str, Any]) -> str:
    """``3`` (exact), ``>= 3; 3 reaches it``, ``>= 16 (> M = 4: not measured)``."""
    lb, got = row["width_needed_at_least"], row["width_reaching_target"]
    if row["width_needed_exact"]:
        return str(lb)
    if got is None:
        return f">= {lb} (not reached with w <= {row['widths_tried']})"
    return f">= {lb}; w = {got} reaches it"


def _needed_tex(row: dict[str, Any]) -> str:
    """:func:`_needed_text` in LaTeX."""
    lb, got = row["width_needed_at_least"], row["width_reaching_target"]
    if row["width_needed_exact"]:
        return f"${lb}$"
    if got is None:
        return f"$\\geq {lb}$ (not reached with $w\\leq {row['widths_tried']}$)"
    return f"$\\geq {lb}$; $w={got}$ reaches it"


def _mixed_measured(report: Report) -> dict[str, Any] | None:
    """The mixed network's measured rank (or None), certified lower bound, best upper
    bound, and its generic rank when the two bounds meet."""
    rows = _rows(report)
    certified = rows.get("mixed", {}).get(">=")
    if certified is None:
        return None
    got = rows.get("mixed (measured)", {}).get(">=")
    m = certified.observation.measurement
    best = m.best_bound("ctm18-mixed")
    lower = m.rank if got is None else max(m.rank, got.observation.measurement.rank)
    return {
        "rank": None if got is None else got.observation.measurement.rank,
        "lower_bound": m.rank,
        "upper_bound": None if best is None else best.value,
        "upper_certificate": "" if best is None else best.certificate.kind,
        "generic_rank": lower if best is not None and best.value == lower else None,
        "not_measured": NOT_MEASURED if got is None else None,
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
    mixture: Mixture,
    parts: Sequence[Partition],
    budget: int,
    r: int,
    top: int,
    dim: int,
    settings: RankSettings,
    net_width: int | tuple[int, ...],
) -> list[dict[str, Any]]:
    """The ranked choices; where the grid tensor is small (M^N <= 2^20) each shown choice's
    mixed network -- compiled with the widths of the main rows, ``net_width`` (``r_mix =
    2r``, or the per-level widths of ``--mix-widths``) -- is also measured at random
    weights on every partition, beside its min-cut. With per-level widths each row also
    carries the certified lower bound of that network, ``r'^P`` (Claim 5 + Theorem 7's
    witness at ``r' =`` :func:`~convac_verify.networks.mixed_network.claim5_width`, when
    ``r' <= M``), and a choice whose mixture level has an odd width is not measured (half
    of the channels are swapped there; the row says why)."""
    rows = search_mixtures(mixture.tree, mixture.tree_bar, parts, budget)
    cheap = dim**mixture.n_modes <= DENSE_MAX_ENTRIES and fits_dense(mixture.n_modes, dim, settings)
    out = []
    for i, row in enumerate(rows[:top]):
        item: dict[str, Any] = {
            "rank": i + 1,
            "mix": [sorted(n) for n in row.nodes],
            "mix_text": row.text(),
            "exponents": list(row.exponents),
            "lower_bounds": [r**e for e in row.exponents],
            "hybrids": row.hybrid_count,
            "measured": None,
            "upper_bounds": None,
        }
        chosen = make_mixture(mixture.tree, mixture.tree_bar, [sorted(n) for n in row.nodes])
        width = net_width
        if not isinstance(net_width, int):
            try:
                width = level_widths(chosen, net_width)
            except InvalidDecomposition as exc:
                item["not_measured"] = str(exc)
                out.append(item)
                continue
            r_lb = claim5_width(chosen, width)
            item["r_lb"] = r_lb
            item["measured_lower_bounds"] = (
                [r_lb**e for e in row.exponents] if 1 <= r_lb <= dim else None
            )
        if cheap:
            ms = measure_mixed_family(chosen, parts, dim, width, settings)
            item["measured"] = [m.rank for m in ms]
            item["upper_bounds"] = [m.upper_bound for m in ms]
        out.append(item)
    return out


def _measured_widths(r: int, net_width: int | tuple[int, ...]) -> str:
    """What the search table measured: ``r_mix = 2r = 4`` or ``widths 2,1,2,2``."""
    if isinstance(net_width, int):
        return f"r_mix = 2r = {net_width}"
    return f"widths r0..r{len(net_width) - 1} = {','.join(map(str, net_width))}"


def _extra(
    mixture: Mixture,
    part: Partition,
    r: int,
    names: tuple[str, str],
    corollary: list[dict[str, Any]],
    search: list[dict[str, Any]] | None,
    family: Sequence[Partition],
    list_hybrids: int,
    net_width: int | tuple[int, ...],
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
        "mixed_measured": None,
        "corollary8": corollary,
        "corollary8_measured": [],
        "relu": [],
        "search": None
        if search is None
        else {
            "family": [p.name for p in family],
            "rows": search,
            # measured (and min-cut) columns: the compiled mixed network of the main rows
            "measured_widths": list(level_widths(mixture, net_width)),
            "measured_network": _measured_widths(r, net_width),
        },
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
        f"widths: r = {extra['r']} (T, T-bar, hybrids); "
        + (
            f"mixed per level r0..r_(L-1) = {','.join(map(str, extra['mix_widths']))} "
            f"(its lower bound: hybrids of width r' = {extra['r_lb']}, zero-padded); "
            if extra.get("mix_widths")
            else f"r_mix = {extra['r_mix']} (mixed); "
        )
        + f"r0 = {extra['r0']}: {R0_CONVENTION}",
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
            c = _cells(net, rows[net], rows.get("mixed (measured)") if net == "mixed" else None)
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
    mm = extra["mixed_measured"]
    if mm is not None:
        got = "" if mm["rank"] is None else f"rank {fmt_int(mm['rank'])} at random weights; "
        up = mm["upper_bound"]
        line = (
            f"mixed network (compiled tensor network): {got}Claim 5 + witness >= "
            f"{fmt_int(mm['lower_bound'])}; upper bound "
            f"{'-' if up is None else fmt_int(up)} ({mm['upper_certificate']})"
        )
        if mm["generic_rank"] is not None:
            line += f": the rank is {fmt_int(mm['generic_rank'])} for almost all weights"
        console.print(line, markup=False)
        if mm["not_measured"]:
            console.print(f"mixed network rank {mm['not_measured']}", markup=False)
    if extra["search"] is not None:
        search = extra["search"]
        per_level = any("r_lb" in row or "not_measured" in row for row in search["rows"])
        s = Table(
            title="Search: mixture nodes ranked by the certified lower bound "
            f"(family: {', '.join(search['family'])}); lower bounds r^P at r_mix = 2r; "
            f"measured and min-cut: the compiled mixed network, {search['measured_network']}",
            title_justify="left",
        )
        columns = ["#", "mixture nodes", "max_H P(H) per partition", "lower bounds"]
        if per_level:
            columns.append("r'^P (these widths)")
        columns += [f"measured ({search['measured_network']})", "min-cut", "hybrids"]
        for col in columns:
            s.add_column(col)
        for row in search["rows"]:
            cells = [
                str(row["rank"]),
                row["mix_text"],
                ", ".join(map(str, row["exponents"])),
                ", ".join(fmt_int(v) for v in row["lower_bounds"]),
            ]
            if per_level:
                lbs = row.get("measured_lower_bounds")
                cells.append(
                    "-" if lbs is None else f"r' = {row['r_lb']}: " + ", ".join(map(fmt_int, lbs))
                )
            if row["measured"] is None:
                measured = f"- ({row['not_measured']})" if "not_measured" in row else "-"
            else:
                measured = ", ".join(fmt_int(v) for v in row["measured"])
            cells += [
                measured,
                "-"
                if row["upper_bounds"] is None
                else ", ".join(fmt_int(v) for v in row["upper_bounds"]),
                str(row["hybrids"]),
            ]
            s.add_row(*cells)
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
    if extra["corollary8_measured"]:
        _print_corollary_measured(extra["corollary8_measured"], console)
    if extra["relu"]:
        t = Table(
            title="ReLU, g(a, b) = max{a + b, 0}: largest rank over random draws (ctm18-relu)",
            title_justify="left",
        )
        for col in ("network", "ranks (draws)", "max", "claim", "r^U (product)", "status"):
            t.add_column(col)
        for row in extra["relu"]:
            up = row["product_upper_bound"]
            t.add_row(
                row["network"],
                ", ".join(map(str, row["ranks"] or [])),
                fmt_int(row["measured"]),
                row["claim"],
                "-"
                if up is None
                else f"{fmt_int(up)}{' (exceeded)' if row['exceeds_product_bound'] else ''}",
                row["status"],
            )
        console.print(t)
    render_growth(report, console)
    render_footer(report, console)


def _print_corollary_measured(rows: list[dict[str, Any]], console: Console) -> None:
    t = Table(
        title="Corollary 8 measured: width an individual tree (or the sum) needs to match the "
        "mixed network (partition ctm18-example; target = mixed rank at random weights)",
        title_justify="left",
    )
    for col in (
        "N",
        "M",
        "r_mix",
        "target",
        "(r_mix/2)^P",
        "network",
        "ranks w=1..",
        "predicted",
        "width needed",
    ):
        t.add_column(
            col,
            justify="right" if col not in ("network", "ranks w=1..", "width needed") else "left",
        )
    for row in rows:
        if row["network"] == "mixed":
            exact = "exact" if row["target_exact"] else f"<= {fmt_int(row['target_upper_bound'])}"
            target = f"{fmt_int(row['target'])} ({exact})"
            continue
        t.add_row(
            str(row["N"]),
            str(row["M"]),
            str(row["r_mix"]),
            target,
            fmt_int(row["hybrid_bound"]),
            row["network"],
            ", ".join(fmt_int(x) for x in row["ranks"]),
            str(row["predicted"]),
            _needed_text(row),
        )
    console.print(t)
    console.print(
        "predicted: smallest w with w^U >= (r_mix/2)^P (Corollary 8's argument; P/U = 4/3 here, "
        "the exponent of k = 2); width needed >= the smallest w whose certified upper bound "
        "(joint spans, min-cut, matrix size; the sum: their sum) reaches the target; widths "
        "are tried up to M (beyond, the first layer spans only M dimensions)",
        markup=False,
    )


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
        measured = f"${latex_int(m.rank)}$"
        if net == "mixed":
            got = rows.get("mixed (measured)", {}).get(">=")
            measured = "--" if got is None else f"${latex_int(got.observation.measurement.rank)}$"
        best = m.best_bound("ctm18-mixed")
        upper = "--" if best is None else f"${latex_int(best.value)}$"
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
                f"r = {p['r']}, r_mix = {p['r_mix']}; mixed: rank of the compiled network at "
                "random weights (-- where not measured), lower bound by Claim 5 + witness. "
            )
            + settings_caption(report),
            ["network", "rank", "lower bound", "upper bound", "status"],
            body,
            label="tab:ctm18-worked-example",
            spec="lrrrl",
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
                label="tab:ctm18-corollary-8",
                spec="rrrrrr",
            )
        )
    measured_rows = [r for r in extra["corollary8_measured"] if r["network"] != "mixed"]
    if measured_rows:
        targets = {
            (r["N"], r["M"], r["r_mix"]): r
            for r in extra["corollary8_measured"]
            if r["network"] == "mixed"
        }
        body = []
        for row in measured_rows:
            tgt = targets[row["N"], row["M"], row["r_mix"]]
            body.append(
                [
                    f"${row['N']}$",
                    f"${row['M']}$",
                    f"${row['r_mix']}$",
                    f"${latex_int(tgt['target'])}" + ("$" if tgt["target_exact"] else "^*$"),
                    f"${latex_int(row['hybrid_bound'])}$",
                    escape(row["network"]),
                    "$" + ", ".join(latex_int(x) for x in row["ranks"]) + "$",
                    f"${row['predicted']}$",
                    _needed_tex(row),
                ]
            )
        tables.append(
            latex_table(
                "Corollary 8 measured (partition ctm18-example, T baseline, T-bar swapped in "
                "pairs of layers, mixture nodes at layer 2): the width an individual tree or "
                "the sum needs to reach the mixed network's rank (target, measured at random "
                "weights; $^*$: not certified exact), against the prediction "
                r"$\min\{w : w^U \geq (r_{mix}/2)^P\}$. " + settings_caption(report),
                [
                    "$N$",
                    "$M$",
                    "$r_{mix}$",
                    "target",
                    "$(r_{mix}/2)^P$",
                    "network",
                    r"ranks $w=1,2,\dots$",
                    "predicted",
                    "width needed",
                ],
                body,
                label="tab:ctm18-corollary-8-measured",
                spec="rrrrrlp{3.2cm}rp{4.2cm}",
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
    "--corollary-measured",
    "measured_cases",
    default="8:4,16:2",
    show_default=True,
    help="Cases N:M of Corollary 8 measured (widths up to M; r_mix = 2, 4), or none.",
)
@click.option(
    "--relu",
    is_flag=True,
    default=False,
    help="Also measure T, T-bar, their sum and the mixed network with g(a,b) = max{a+b,0} "
    "(ReLU; r channels each; needs the grid tensor, M^N entries).",
)
@click.option(
    "--mix-widths",
    "mix_widths",
    default="",
    help="Per-level widths r0,r1,...,r_{L-1} of the mixed network (r0: the discretizers' "
    "dimension; even at the mixture nodes' level), for the mixed rows and the --search "
    "table's measured columns. Default: r_mix = 2r everywhere.",
)
@click.option(
    "--save-network",
    "save_path",
    default=None,
    help="Write the compiled mixed network (r_mix = 2r, or --mix-widths) as a network file "
    "(JSON), for 'convac-verify mincut --network'.",
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
    measured_cases: str,
    relu: bool,
    mix_widths: str,
    save_path: str | None,
    list_hybrids: int,
    opts: RunOptions,
) -> int:
    """Mixed decompositions: T, T-bar, hybrids and the mixed network on one partition."""
    for name, value in (("--M", dim), ("--r", width), ("--top", top)):
        if value < 1:
            raise ConvacError(f"{name} must be a positive integer; got {value}")
    opts.add_output(save_path, "--save-network")
    widths = _ints(corollary_text, "--corollary")
    mixture, part, names = mixture_for(n_modes, group, trees_text, mix_text, rows_text, opts.seed)
    net_width: int | tuple[int, ...] = 2 * width
    if mix_widths.strip():  # checked before any work
        net_width = level_widths(mixture, _ints(mix_widths, "--mix-widths"))
    family = [part]
    if family_text:
        rng = np.random.default_rng(opts.seed)
        family = [
            p.require_proper()
            for p in expand_partitions(split_specs(family_text), Grid(1, n_modes), rng)
        ]
    ctx = opts.context()
    search = (
        None
        if budget is None
        else _search_rows(mixture, family, budget, width, top, dim, ctx.settings, net_width)
    )
    corollary = _corollary(widths)
    overrides = {
        "sizes": str(n_modes),
        "dim": dim,
        "width": width,
        "group": group,
        "trees": trees_text,
        "mix": mix_text,
        "rows": rows_text,
        "mix_widths": mix_widths,
    }
    plan: list[tuple[str, dict[str, Any]]] = [("ctm18-mixed", overrides)]
    if widths:
        plan.append(("ctm18-corollary-8", {"widths": ",".join(map(str, widths))}))
    if measured_cases.strip() != "none":
        plan.append(("ctm18-corollary-8-measured", {"cases": measured_cases}))
    if relu:
        if width % 2:
            raise ConvacError(f"--relu compares a mixed network of r channels: r even; got {width}")
        if dim**n_modes > DENSE_MAX_ENTRIES:
            raise ConvacError(
                f"--relu evaluates the grid tensor: M^N = {dim}^{n_modes} entries exceed "
                f"2^20; use N <= 16 (M = 2)"
            )
        check_dense_budget(n_modes, dim, ctx.settings)
        plan.append(("ctm18-relu", {"cases": f"{n_modes}:{dim}", "width": width}))
    report = run_checks("mixed", plan, ctx, [])
    extra = _extra(mixture, part, width, names, corollary, search, family, list_hybrids, net_width)
    if not isinstance(net_width, int):
        extra |= {
            "mix_widths": list(net_width),
            "r0": net_width[0],
            "r_lb": claim5_width(mixture, net_width),
        }
    extra["mixed_measured"] = _mixed_measured(report)
    extra["corollary8_measured"] = _corollary_measured(report)
    extra["relu"] = _relu_rows(report)
    files: dict[str, Callable[[Report], str | bytes]] = {}
    if save_path is not None:
        net = mixed_network(mixture, dim, net_width)
        files["--save-network"] = lambda rep: json.dumps(network_to_dict(net), indent=1) + "\n"
    if opts.fmt == "json":  # the report's JSON with the worked example beside it
        report = opts.gate(report)
        clear_progress()
        contents: dict[str, str | bytes] = {
            "-o": json.dumps(report.to_dict() | {"mixed": extra}, indent=2) + "\n"
        }
        contents |= {option: make(report) for option, make in files.items()}
        opts.outputs.write(contents)
        return report.exit_code
    return opts.emit(
        report,
        table=lambda rep, console: _print(rep, extra, part, console),
        latex=lambda rep: _latex(rep, extra),
        files=files,
    )
