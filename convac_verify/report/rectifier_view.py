"""Table and plot views of ``convac-verify rectifier`` reports (ICML 2016 checks).

Pure renderers over a :class:`~convac_verify.report.model.Report`: the talk's summary
table (every cell names the registered checks behind it and their weakest status), one
table per group of claims, the App. F histogram, and an optional matplotlib plot.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace

from rich.console import Console
from rich.table import Table

from ..errors import ConvacError
from .model import CheckResult, Report
from .numbers import fmt_int
from .table import render_footer, render_growth, status_style, status_text, worst_status

__all__ = [
    "histogram_table",
    "incomplete_table",
    "max_depth_table",
    "plot_histograms",
    "rectifier_table",
    "require_matplotlib",
    "summary_table",
    "universality_table",
]

_BAR = 24
POOLING_NAMES = {"max": "ReLU + max", "avg": "ReLU + average (as sum)", "prod": "ConvAC (product)"}


# --------------------------------------------------------------------------- helpers


def _results(report: Report, check: str) -> list[CheckResult]:
    return [r for r in report.results if r.check == check]


def _worst(results: Sequence[CheckResult]) -> str:
    """The weakest status among results (:func:`~.table.worst_status`)."""
    if not results:
        return "not run"
    return worst_status(r.status for r in results).value


def _cell(verdict: str, checks: Sequence[tuple[str, Sequence[CheckResult]]]) -> str:
    statuses = [(name, _worst(rs)) for name, rs in checks]
    ok = all(s in ("proved", "verified") for _, s in statuses)
    head = verdict if ok else f"NOT SHOWN ({verdict} expected)"
    if any(s == "violated" for _, s in statuses):
        head = f"CONTRADICTED ({verdict} expected)"
    lines = [f"[bold]{head}[/]"] + [f"{name}: {_styled(s)}" for name, s in statuses]
    return "\n".join(lines)


def _styled(status: str) -> str:
    return f"[{status_style(status) if status != 'not run' else 'dim'}]{status}[/]"


def _row(rs: Sequence[CheckResult], label: str, prefix: str) -> CheckResult | None:
    for r in rs:
        if r.observation.label == label and r.observation.subject.startswith(prefix):
            return r
    return None


def _pooling_name(pooling: object) -> str:
    return POOLING_NAMES.get(str(pooling), str(pooling))


def _full(r: CheckResult) -> int:
    p = r.observation.params
    return int(p["M"]) ** (int(p["N"]) // 2)


def _rank(r: CheckResult | None) -> str:
    return fmt_int(r.observation.measurement.rank) if r else "-"


def _bound(r: CheckResult | None) -> str:
    return fmt_int(r.observation.claim.value) if r else "-"


def _status(r: CheckResult | None) -> str:
    return status_text(r) if r else "-"


# --------------------------------------------------------------------------- tables


def summary_table(report: Report, console: Console) -> None:
    """The talk's summary, every cell backed by registered checks."""
    if not any(r.check.startswith("icml16-claim-") for r in report.results):
        return
    c3, c4, c5 = (_results(report, f"icml16-claim-{k}") for k in (3, 4, 5))
    c8, c9 = _results(report, "icml16-claim-8"), _results(report, "icml16-claim-9")
    avg = _results(report, "icml16-avg-incomplete")
    cor2 = _results(report, "colt16-corollary-2")
    deep_avg = [r for r in c5 if r.observation.params.get("network") == "deep"]
    best_avg = max((r.observation.measurement.rank for r in deep_avg), default=0)
    # the rank bound shows non-universality only where it is below the full M^(N/2)
    gap = [r for r in c5 if r.observation.claim.value < _full(r)]
    avg_universal = (
        _cell("no (rank <= 2 shallow, <= 2M^(N/4) deep)", [("icml16-claim-5", c5)])
        if gap or not c5
        else "[bold]NOT SHOWN (the bounds reach M^(N/2) at these sizes)[/]"
    )
    avg_efficiency = "incomplete" + (
        f" (deep reaches rank {best_avg} > 2, no shallow width does)" if best_avg > 2 else ""
    )
    t = Table(title="Summary (Cohen, AAAI 2017 talk; ICML 2016)", title_justify="left")
    t.add_column("")
    t.add_column("ConvAC (linear, product)")
    t.add_column("ReLU + max pooling")
    t.add_column("ReLU + average pooling")
    t.add_row(
        "universality",
        _cell("yes", [("icml16-claim-3", c3)]),
        _cell("yes", [("icml16-claim-4", c4)]),
        avg_universal,
    )
    t.add_row(
        "depth efficiency",
        _cell("complete (exponential a.e.)", [("colt16-corollary-2", cor2)]),
        _cell(
            "exponential but incomplete",
            [("icml16-claim-8", c8), ("icml16-claim-9", c9)],
        ),
        _cell(avg_efficiency, [("icml16-avg-incomplete", avg), ("icml16-claim-5", c5)]),
    )
    console.print(t)
    c10, c11 = _results(report, "icml16-claim-10"), _results(report, "icml16-claim-11")
    if c10 or c11:
        x = Table(title="Across architectures (ICML 2016, Claims 10-11)", title_justify="left")
        x.add_column("deep")
        x.add_column("shallow")
        x.add_column("depth efficiency")
        x.add_row("ConvAC", "ReLU + max", _cell("complete", [("icml16-claim-10", c10)]))
        x.add_row("ReLU + max", "ConvAC", _cell("incomplete", [("icml16-claim-11", c11)]))
        console.print(x)


def universality_table(report: Report, console: Console) -> None:
    """Claims 3-5: what shallow networks reach."""
    c3, c4, c5 = (_results(report, f"icml16-claim-{k}") for k in (3, 4, 5))
    if c3 or c4:
        t = Table(
            title="Universality by construction (Claims 3, 4): shallow networks, exact",
            title_justify="left",
        )
        for col in ("N", "target", "pooling", "Z", "differing entries", "rank", ">= M^(N/2)"):
            t.add_column(col, justify="right" if col not in ("target", "pooling") else "left")
        t.add_column("status")
        for rs in (c3, c4):
            for r in rs:
                o = r.observation
                if o.claim.quantity != "differing entries":
                    continue
                rank_row = (
                    _row(rs, o.label, "shallow") if o.params["target"] == "identity" else None
                )
                rank_row = next(
                    (
                        x
                        for x in rs
                        if x.observation.label == o.label and x.observation.claim.quantity == "rank"
                    ),
                    None,
                )
                worst = _worst([r] + ([rank_row] if rank_row else []))
                t.add_row(
                    str(o.params["N"]),
                    o.params["target"],
                    o.params["pooling"],
                    str(o.params["Z"]),
                    fmt_int(o.measurement.rank),
                    _rank(rank_row),
                    _bound(rank_row),
                    _styled(worst),
                )
        console.print(t)
    if c5:
        t = Table(
            title="Average pooling is not universal (Claim 5; supp. E.7): odd-even rank, "
            "max over draws, exact over Q",
            title_justify="left",
        )
        for col in (
            "N",
            "shallow",
            "<= 2",
            "status",
            "deep",
            "<= 2M^(N/4)",
            "full M^(N/2)",
            "status",
            "factorization checked",
        ):
            t.add_column(
                col, justify="left" if col in ("status", "factorization checked") else "right"
            )
        for label in dict.fromkeys(r.observation.label for r in c5):
            s, d = _row(c5, label, "shallow"), _row(c5, label, "deep")
            checked = [
                x.observation.measurement.extra.get("factorization_checked") for x in (s, d) if x
            ]
            t.add_row(
                label.removeprefix("N="),
                _rank(s),
                _bound(s),
                _status(s),
                _rank(d),
                _bound(d),
                fmt_int(d.observation.params["full"]) if d else "-",
                _status(d),
                ", ".join(str(c) for c in checked if c) or "-",
            )
        console.print(t)


def max_depth_table(report: Report, console: Console) -> None:
    """Claim 8 and E.10: exponential depth efficiency of ReLU + max."""
    c8, e10 = _results(report, "icml16-claim-8"), _results(report, "icml16-e10-shallow-max")
    c10, cor2 = _results(report, "icml16-claim-10"), _results(report, "colt16-corollary-2")
    if not (c8 or e10):
        return
    first = (c8 or e10)[0].observation.params
    m = min(int(first.get("r", first["M"])), int(first["M"]))
    t = Table(
        title="Depth efficiency with ReLU + max (Claim 8, supp. E.10) and with ConvACs "
        f"(Claim 10, COLT16 Cor. 2); m = min(r0, M) = {m}",
        title_justify="left",
    )
    for col in (
        "N",
        "deep max rank (E.10 weights)",
        ">= m^(N/2)",
        "status",
        "shallow max Z needed >=",
        "shallow max rank",
        "<= Z*M*N/2",
        "status",
        "Claim 10: max Z >=",
        "status",
        "Cor. 2: ConvAC Z >=",
    ):
        t.add_column(col, justify="left" if col == "status" else "right")
    labels = dict.fromkeys(r.observation.label for r in [*c8, *e10])
    for label in labels:
        d, z = _row(c8, label, "deep"), _row(c8, label, "shallow")
        s = _row(e10, label, "")
        z10 = _row(c10, label, "shallow")
        c2 = _row(cor2, label, "")
        t.add_row(
            label.removeprefix("N="),
            _rank(d),
            _bound(d),
            _status(d),
            _rank(z),
            _rank(s),
            _bound(s),
            _status(s),
            _rank(z10),
            _status(z10),
            _rank(c2),
        )
    console.print(t)


def incomplete_table(report: Report, console: Console) -> None:
    """Claims 9, 11 and the average-pooling box: positive-measure sets with Z = 1."""
    rows = [
        ("icml16-claim-9", "ReLU + max", "ReLU + max"),
        ("icml16-claim-11", "ReLU + max", "ConvAC"),
        ("icml16-avg-incomplete", "ReLU + average", "ReLU + average"),
    ]
    t = Table(
        title="Incomplete depth efficiency (Claims 9, 11; supp. E.11): a box of weights and F "
        "where the deep network IS a shallow one with Z = 1",
        title_justify="left",
    )
    for col in (
        "check",
        "deep",
        "shallow (Z=1)",
        "N",
        "radius",
        "draws",
        "held",
        "inputs",
        "rank",
        "whole box",
        "status",
    ):
        t.add_column(
            col, justify="right" if col in ("N", "draws", "held", "inputs", "rank") else "left"
        )
    shown = False
    for check, deep, shallow in rows:
        rs = _results(report, check)
        if not rs:
            continue
        shown = True
        dep = next(r for r in rs if r.observation.claim.quantity == "inputs depended on")
        rank = next(r for r in rs if r.observation.claim.quantity == "rank")
        extra = dep.observation.measurement.extra
        t.add_row(
            check,
            deep,
            shallow,
            str(dep.observation.params["N"]),
            str(extra["radius"]),
            str(extra["draws"]),
            str(extra["held"]),
            fmt_int(dep.observation.measurement.rank),
            fmt_int(rank.observation.measurement.rank),
            "certified" if extra["certified"] else "not certified",
            _styled(_worst(rs)),
        )
    if shown:
        console.print(t)


def histogram_table(report: Report, console: Console) -> None:
    """App. F: rank histogram per width, binned, with statistics."""
    rs = [r for r in report.results if r.observation.claim.quantity == "draws at full rank"]
    rs += [r for r in report.results if r.check == "user-operator"]
    if not rs:
        return
    full = int(rs[0].observation.params["full"])
    width = max(1, math.ceil(full / 9))
    edges = list(range(0, full, width))
    p = rs[0].observation.params
    t = Table(
        title=f"App. F: odd-even ranks of random deep {_pooling_name(p['pooling'])} networks "
        f"(N={p['N']}, M={p['M']}, F={p['F']}, {p['draws']} draws per width)",
        title_justify="left",
    )
    t.add_column("rank", justify="right")
    hists = [r.observation.measurement.extra for r in rs]
    counts = [{int(k): v for k, v in dict(h["histogram"]).items()} for h in hists]  # type: ignore[call-overload]
    peak = max((max(c.values(), default=0) for c in counts), default=1)
    for r in rs:
        t.add_column("r=" + r.observation.label, justify="left")
    for lo in edges:
        hi = min(lo + width - 1, full - 1)
        cells = []
        for c in counts:
            n = sum(v for k, v in c.items() if lo <= k <= hi)
            cells.append(f"{n:>5} " + "#" * math.ceil(_BAR * n / max(1, peak)))
        t.add_row(f"{lo}-{hi}", *cells)
    cells = [
        f"{c.get(full, 0):>5} " + "#" * math.ceil(_BAR * c.get(full, 0) / max(1, peak))
        for c in counts
    ]
    t.add_row(f"{full} (full)", *cells, end_section=True)
    for name, key in (
        ("mean", "mean"),
        ("median", "median"),
        ("min (exact, Q)", "min_rank_exact"),
        ("max", "max_rank"),
    ):
        values = []
        for h in hists:
            v = h.get(key, "-")
            if key == "mean" and isinstance(v, str) and "/" in v:
                num, den = (int(x) for x in v.split("/"))
                v = f"{num / den:.1f}"
            values.append(str(v))
        t.add_row(name, *values)
    t.add_row("status", *(status_text(r) for r in rs))
    console.print(t)
    ev = rs[0].observation.measurement.evidence
    if ev.field == "GF(p)" and ev.prime:
        eps = max(float(str(h.get("rank_epsilon", 0))) for h in hists)
        console.print(
            f"ranks: exact grid tensors below the root, rank mod the random prime p = {ev.prime} "
            f"(a certified lower bound; equal to the rank over Q except w.p. <= {eps:.1g} per "
            "width); minima recomputed exactly over Q; --exact for ranks over Q throughout",
            highlight=False,
            markup=False,
        )


def rectifier_table(report: Report, console: Console) -> None:
    """Everything ``convac-verify rectifier`` prints in table format."""
    summary_table(report, console)
    universality_table(report, console)
    max_depth_table(report, console)
    incomplete_table(report, console)
    histogram_table(report, console)
    render_growth(replace(report, growth=[g for g in report.growth if len(g.points) >= 3]), console)
    render_footer(report, console)


# --------------------------------------------------------------------------- plotting


def require_matplotlib() -> None:
    """Raise a one-line :class:`ConvacError` when matplotlib (the plot extra) is missing."""
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        raise ConvacError(
            "--plot needs matplotlib, an optional extra: pip install 'convac-verify[plot]'"
        ) from None


def plot_histograms(report: Report, suffix: str = ".png") -> bytes:
    """Bar chart of the App. F histograms, one panel per width, as a file's bytes.

    ``suffix`` (``.png``, ``.pdf``, ``.svg``, ...) chooses the image format.
    """
    import io

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rs = [
        r
        for r in report.results
        if r.observation.claim.quantity == "draws at full rank" or r.check == "user-operator"
    ]
    fig, axes = plt.subplots(1, len(rs), figsize=(4 * len(rs), 3.2), sharey=True, squeeze=False)
    try:
        for ax, r in zip(axes[0], rs, strict=True):
            hist = dict(r.observation.measurement.extra["histogram"])  # type: ignore[call-overload]
            full = int(r.observation.params["full"])
            xs = list(range(full + 1))
            ax.bar(xs, [hist.get(str(x), 0) for x in xs], width=1.0, color="tab:blue")
            ax.set_title(f"widths {r.observation.label}")
            ax.set_xlabel("odd-even rank")
            ax.set_xlim(-0.5, full + 0.5)
        axes[0][0].set_ylabel("draws")
        p = rs[0].observation.params
        fig.suptitle(
            f"App. F: deep {p['pooling']} networks, N={p['N']}, M={p['M']}, {p['draws']} draws"
        )
        fig.tight_layout()
        buffer = io.BytesIO()
        fig.savefig(buffer, format=(suffix.lstrip(".") or "png").lower())
        return buffer.getvalue()
    finally:
        plt.close(fig)
