"""The growth plot of ``convac-verify overlap --plot``: log2 rank against N, per scheme.

Solid lines with dots are measured ranks (a sampled or witness rank is a lower bound on the
generic rank: hollow dots); dashed lines of the same colour are the best certified upper
bounds (the interface certificate, or smaller); the dotted grey line is
the matrix size ``M**(N/2)``. Exponential growth is a straight line, polynomial growth
flattens.
"""

from __future__ import annotations

import io
import math

from ..report import Report

__all__ = ["plot_growth"]


def plot_growth(report: Report, suffix: str = ".png") -> bytes:
    """The plot of every growth series of ``report`` as a file's bytes (``suffix`` chooses
    the image format); the command writes it with its other outputs."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    series: dict[str, list[tuple[int, int, int | None, bool]]] = {}
    x_name = "N"
    dim = 2
    for r in report.results:
        o = r.observation
        if not o.series or o.x is None:
            continue
        m = o.measurement
        lower_only = m.bound_only or m.evidence.weights != "random"
        series.setdefault(o.series, []).append((o.x, m.rank, m.upper_bound, lower_only))
        x_name = o.x_name
        dim = int(o.params.get("M", dim))
    fig, ax = plt.subplots(figsize=(6.4, 4.2))
    xs_all: set[int] = set()
    for i, (name, points) in enumerate(sorted(series.items())):
        points.sort()
        color = f"C{i % 10}"
        xs = [p[0] for p in points]
        xs_all.update(xs)
        ax.plot(xs, [math.log2(max(p[1], 1)) for p in points], "-", color=color, label=name)
        for x, rank, _, lower in points:
            ax.plot(
                [x],
                [math.log2(max(rank, 1))],
                "o",
                color=color,
                markerfacecolor="none" if lower else color,
            )
        ups = [(p[0], p[2]) for p in points if p[2] is not None]
        if ups:
            ax.plot(
                [u[0] for u in ups],
                [math.log2(max(int(u[1] or 1), 1)) for u in ups],
                "--",
                color=color,
                alpha=0.6,
            )
    if xs_all and x_name == "N":
        xs = sorted(xs_all)
        ax.plot(xs, [x / 2 * math.log2(dim) for x in xs], ":", color="grey", label="M^(N/2)")
    ax.set_xlabel(x_name)
    ax.set_ylabel("log2 rank")
    ax.set_title("overlap: measured rank (solid; hollow = lower bound), interface bound (dashed)")
    ax.title.set_fontsize(9)
    ax.legend(fontsize=7)
    try:
        fig.tight_layout()
        buffer = io.BytesIO()
        fig.savefig(buffer, format=(suffix.lstrip(".") or "png").lower())
        return buffer.getvalue()
    finally:
        plt.close(fig)
