"""``convac-verify overlap``: ranks of overlapping ConvACs, with proved upper bounds.

For each scheme (comma list), size (``--N``, ``--grid`` or ``--sweep``) and partition
(``--rows``), one row: the measured rank (``dense``: the whole matrix at random weights;
``sketch``: past the dense limit, the rank of ``S [[A]] T^T`` through the unrolled network
when the smallest certified bound is at most 4096 (a ``note:`` on stderr says so);
``sampled``: a random submatrix, a certified lower bound; ``structure``: the two-tap
witness with ``--witness``), the best upper bound for all weights (the interface
certificate, the matrix size, and the c-recursion for a contiguous non-overlapping
network), and the status of "rank = measured" (``>=`` for lower-bound-only evidence:
a sampled submatrix or a witness). Many partitions (``all``, ``random:K``) on one dense
instance give a profile: the worst and best partitions and a histogram. ``--plot FILE``
draws log2 rank against N for the schemes side by side; like every output file it is
checked before any work and written with the others (:mod:`convac_verify.cli.outputs`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import click
import numpy as np

from ..engines.measure import Context, RankSettings, measure_network_rank
from ..errors import ConvacError
from ..evidence.observation import Observation
from ..evidence.status import Claim
from ..networks.geometry2d import Grid, parse_grid
from ..networks.network_file import load_network
from ..networks.partitions import Partition, parse_partition
from ..networks.partitions2d import expand_partitions, split_specs
from ..networks.tensor_network import TensorNetwork
from ..overlaps.layers import Net
from ..overlaps.measure import (
    MAX_SAMPLE,
    Witness,
    cut_witness,
    dense_measurement,
    measure_overlap,
)
from ..overlaps.profiles import rank_profile
from ..overlaps.schemes import SCHEMES, SchemeParams, build_scheme
from ..report import CheckResult, Report
from ..theorems.runner import growth_lines, judge
from .common import RunOptions, plot_output, settings_options
from .overlap_view import plot_growth

__all__ = ["overlap"]

_CHECK = "overlap"
_REFERENCE = "Sharir & Shashua, ICLR 2018 (overlaps; the tool's own measurements)"
_PROFILE_MIN = 9  # this many partitions or more: one dense instance, summarized


def _ints(text: str, what: str) -> list[int]:
    try:
        values = [int(t) for t in text.split(",") if t.strip()]
    except ValueError:
        raise ConvacError(f"{what} takes integers like 8,16,32; got {text!r}") from None
    if not values or any(v < 1 for v in values):
        raise ConvacError(f"{what} takes positive integers like 8,16,32; got {text!r}")
    return values


def _shapes(n_modes: int | None, grid: str | None, sweep: str | None) -> list[tuple[int, ...]]:
    if n_modes is not None and grid is not None:
        raise ConvacError("give --N (a sequence) or --grid HxW (a grid), not both")
    if sweep is not None:
        sizes = sorted(set(_ints(sweep, "--sweep")))
        if len(sizes) < 2:
            raise ConvacError(f"--sweep needs at least two sizes; got {sweep!r}")
        if grid is not None or n_modes is not None:
            raise ConvacError("--sweep replaces --N/--grid: 1D lengths, or grid sides with --2d")
        return [(s,) for s in sizes]
    if grid is not None:
        g = parse_grid(grid)
        return [(g.height, g.width)]
    if n_modes is None:
        raise ConvacError("give --N N (a sequence), --grid HxW or --sweep N1,N2,...")
    if n_modes < 1:
        raise ConvacError(f"--N must be a positive integer; got {n_modes}")
    return [(n_modes,)]


def _partitions(specs: Sequence[str], shape: tuple[int, ...], seed: int) -> list[Partition]:
    rng = np.random.default_rng(seed)
    if len(shape) == 2:
        return expand_partitions(list(specs), Grid(*shape), rng, limit=10_000)
    out: list[Partition] = []
    n = shape[0]
    for spec in specs:
        if spec in ("all",) or spec.startswith("random:"):
            out.extend(expand_partitions([spec], Grid(1, n), rng, limit=10_000))
        else:
            out.append(parse_partition(spec, n, rng).require_proper())
    return out


def _window(text: str, shape: tuple[int, ...]) -> int:
    if text.strip() == "half":
        return shape[-1] // 2 + 1
    try:
        value = int(text)
    except ValueError:
        raise ConvacError(
            f"--R takes a positive integer or 'half' (N/2 + 1); got {text!r}"
        ) from None
    if value < 1:
        raise ConvacError(f"--R must be a positive integer; got {value}")
    return value


def _witness_for(net: Net, part: Partition) -> Witness | None:
    """The two-tap witness when the first layer is linear with a window of 2 or more."""
    first = net.layers[0]
    if first.kind != "conv" or first.window < 2:
        return None
    return cut_witness(net, 0 if net.ndim == 2 and part.name == "top-bottom" else None)


def _known(part: Partition) -> str:
    """The partition's name, or ``left-right`` when it is the first half."""
    n = part.n_modes
    if part.rows == tuple(range(n // 2)) or part.cols == tuple(range(n - n // 2)):
        return "left-right"
    return part.name


def _claim(method: str, rank: int) -> Claim:
    """``rank == measured`` for a whole matrix or a sketch at random weights; ``>=`` where
    the value is a certified lower bound only (a sampled submatrix, an explicit witness)."""
    if method in ("dense", "sketch", "sketch-blas"):
        return Claim("==", "measured", rank, r"\mathrm{measured}")
    return Claim(">=", "measured (lower bound)", rank, r"\mathrm{measured}")


@click.command()
@click.option(
    "--scheme",
    "schemes",
    default="alternating",
    show_default=True,
    help=f"Scheme(s), comma-separated: {', '.join(SCHEMES)}.",
)
@click.option("--N", "--n-modes", "n_modes", type=int, default=None, help="Sequence length N.")
@click.option("--grid", "grid_text", default=None, help="A 2D grid HxW instead of --N.")
@click.option(
    "--sweep",
    default=None,
    metavar="SIZES",
    help="Several sizes, e.g. 4,8,16,32 (1D lengths; grid sides with --2d).",
)
@click.option("--2d", "two_d", is_flag=True, help="--sweep sizes are sides of square grids.")
@click.option("--r", "--width", "width", type=int, default=2, show_default=True, help="Width r.")
@click.option("--M", "--dim", "dim", type=int, default=2, show_default=True, help="Dimension M.")
@click.option(
    "--R",
    "window_text",
    default="3",
    show_default=True,
    help="Receptive field R (large-rf, gc-stack); 'half' = N/2 + 1.",
)
@click.option("--S", "stride", type=int, default=2, show_default=True, help="GC stride S.")
@click.option("--B", "kernel", type=int, default=2, show_default=True, help="Kernel B.")
@click.option(
    "--padding",
    default="",
    help="valid, zero, circular (linear conv); skip, valid, circular (GC). "
    "[default: the scheme's: valid for conv, skip for GC]",
)
@click.option(
    "--first",
    type=click.Choice(["linear", "gc"]),
    default="linear",
    show_default=True,
    help="large-rf: the first layer is a linear conv or a GC layer.",
)
@click.option("--unshared", is_flag=True, help="One weight set per position (default: shared).")
@click.option(
    "--rows",
    "rows_text",
    default="left-right",
    show_default=True,
    help="Partition(s), comma list (';' between explicit row lists): left-right, odd-even, "
    "random, blocks:B, 0,2,5; on grids top-bottom, checkerboard, ...; all; random:K.",
)
@click.option(
    "--witness",
    is_flag=True,
    help="Use the two-tap witness where the first layer is linear with R or B >= 2 (later "
    "layers pass one tap): the rank is certified through structure, at any N.",
)
@click.option(
    "--sample",
    type=int,
    default=MAX_SAMPLE,
    show_default=True,
    help="Largest side K of a sampled K x K submatrix (beyond 2**20 entries).",
)
@click.option(
    "--plot",
    "plot_path",
    default=None,
    metavar="FILE",
    help="Draw log2 rank against N per scheme to FILE (.png, .pdf or .svg; needs the [plot] "
    "extra).",
)
@click.option(
    "--network",
    "network_file",
    default=None,
    metavar="FILE",
    help="Measure a tensor network from a file (TOML or JSON, docs/networks.md) instead of "
    "a scheme: its rank at random weights and its min-cut, per partition of its N inputs.",
)
@settings_options
def overlap(
    *,
    schemes: str,
    n_modes: int | None,
    grid_text: str | None,
    sweep: str | None,
    two_d: bool,
    width: int,
    dim: int,
    window_text: str,
    stride: int,
    kernel: int,
    padding: str,
    first: str,
    unshared: bool,
    rows_text: str,
    witness: bool,
    sample: int,
    plot_path: str | None,
    network_file: str | None,
    opts: RunOptions,
) -> int:
    """Ranks of overlapping ConvACs (Sharir & Shashua) against proved interface bounds."""
    if network_file is not None:
        if any(x is not None for x in (n_modes, grid_text, sweep, plot_path)) or witness:
            raise ConvacError(
                "--network FILE gives the whole network: no --N, --grid, --sweep, --witness "
                "or --plot"
            )
        network = load_network(network_file)
        parts = _partitions(split_specs(rows_text), (network.n_modes,), opts.seed)
        ctx = opts.context()
        rows = [_network_row(network, part, ctx) for part in parts]
        note = (
            "upper (all w) = the min-cut of the file's tensor network (Levine et al. Claims 1 "
            "and 7; the tree bounds too when it is a tree); rank at random weights of every "
            "free group, by the one contraction"
        )
        report = Report("overlap", ctx.settings, rows, growth_lines(rows), [note])
        return opts.emit(report)
    names = [s.strip() for s in schemes.split(",") if s.strip()]
    if not names:
        raise ConvacError("--scheme needs at least one scheme")
    for name in names:
        if name not in SCHEMES:
            raise ConvacError(f"unknown scheme {name!r}; known: {', '.join(SCHEMES)}")
    if sample < 64:
        raise ConvacError(f"--sample must be at least 64; got {sample}")
    if two_d and sweep is None:
        raise ConvacError("--2d goes with --sweep (square grid sides)")
    shapes = _shapes(n_modes, grid_text, sweep)
    if two_d:
        shapes = [(s[0], s[0]) for s in shapes]
    suffix = plot_output(opts, plot_path)
    specs = split_specs(rows_text)
    plan: list[tuple[Net, list[Partition]]] = []
    for shape in shapes:
        parts = _partitions(specs, shape, opts.seed)
        window = _window(window_text, shape)
        for name in names:
            params = SchemeParams(
                shape,
                dim=dim,
                width=width,
                window=window,
                stride=stride,
                kernel=kernel,
                padding=padding,
                first=first,
                shared=not unshared,
            )
            plan.append((build_scheme(name, params), parts))
    ctx = opts.context()
    results: list[CheckResult] = []
    notes: list[str] = []
    for net, parts in plan:
        if len(parts) >= _PROFILE_MIN and not witness:
            results.extend(_profile_rows(net, parts, ctx.settings, notes))
            continue
        for part in parts:
            results.append(_row(net, part, ctx, witness, sample))
    notes.append(
        "upper (all w) = the smallest certified bound: interface certificate (docs/overlaps.md), "
        "the min-cut of the network compiled into the tensor-network core (unrolled into a "
        "tree of copies; small networks), matrix size, or the c-recursion of a contiguous "
        "non-overlapping network; a sampled rank is a certified lower bound only; a sketched "
        "rank (S [[A]] T^T through the unrolled network) is a certain lower bound, exact "
        "when it meets the upper bound, else with its epsilon"
    )
    report = Report("overlap", ctx.settings, results, growth_lines(results), notes)
    return opts.emit(report, files={"--plot": lambda rep: plot_growth(rep, suffix)})


def _network_row(network: TensorNetwork, part: Partition, ctx: Context) -> CheckResult:
    ctx.progress(f"overlap {network.name} {part.name}")
    m = measure_network_rank(network, part, ctx.settings)
    name = network.name or "network file"
    obs = Observation(
        label=f"{network.n_modes} {part.name}",
        subject=name,
        claim=_claim("dense", m.rank),
        measurement=m,
        params={
            "N": network.n_modes,
            "partition": part.name,
            "rows": list(part.rows),
            "network": name,
        },
    )
    obs, verdict = judge(_CHECK, obs)
    return CheckResult(_CHECK, _REFERENCE, "overlap", obs, verdict)


def _series(net: Net, part: Partition) -> tuple[str, int]:
    scheme = (net.name or "net").split(" ")[0]
    size = net.shape[0]
    return f"{scheme} {part.name}", size


def _row(net: Net, part: Partition, ctx: Context, witness: bool, sample: int) -> CheckResult:
    ctx.progress(f"overlap {net.name} {part.name}")
    wit = _witness_for(net, part) if witness else None
    m = measure_overlap(
        net, part, ctx.settings, witness=wit, max_sample=sample, progress=ctx.progress
    )
    claim = _claim(m.evidence.method, m.rank)
    series, x = _series(net, part)
    obs = Observation(
        label=f"{'x'.join(map(str, net.shape))} {part.name}",
        subject=net.name,
        claim=claim,
        measurement=m,
        params={
            "shape": list(net.shape),
            "M": net.dim,
            "partition": part.name,
            "rows": list(part.rows),
            "method": m.evidence.method,
            "layers": [layer.describe() for layer in net.layers],
        },
        series=series,
        x=x,
        x_name="N" if net.ndim == 1 else "H",
    )
    obs, verdict = judge(_CHECK, obs)
    return CheckResult(_CHECK, _REFERENCE, "overlap", obs, verdict)


def _profile_rows(
    net: Net, parts: list[Partition], settings: RankSettings, notes: list[str]
) -> list[CheckResult]:
    prof = rank_profile(net, parts, settings)
    hist = Counter(r for _, r in prof.ranks)
    worst = prof.worst_partitions()
    notes.append(
        f"{net.name}: {len(parts)} partitions; ranks {dict(sorted(hist.items()))}; worst "
        f"{prof.worst} at {len(worst)} ({', '.join(_known(p) for p in worst[:4])}"
        f"{', ...' if len(worst) > 4 else ''}); uniform (all at M^min(|I|,|J|)): {prof.uniform}"
    )
    best_part, best_rank = max(prof.ranks, key=lambda pr: pr[1])
    out = []
    for tag, part, rank in (("worst", worst[0], prof.worst), ("best", best_part, best_rank)):
        m = dense_measurement(net, part, rank, settings)
        claim = _claim("dense", rank)
        obs = Observation(
            label=f"{tag} of {len(parts)}",
            subject=f"{net.name}: {_known(part)}",
            claim=claim,
            measurement=m,
            params={"shape": list(net.shape), "partition": part.name, "profile": tag},
        )
        obs, verdict = judge(_CHECK, obs)
        out.append(CheckResult(_CHECK, _REFERENCE, "overlap", obs, verdict))
    return out
