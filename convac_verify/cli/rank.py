"""``convac-verify rank``: the generic rank of one matricization of your architecture.

For a mode tree (any builder of ``convac-verify list``, or nested tuples) with widths, a
CP network, or any tensor network written in a file (``--network FILE``, TOML or JSON:
``docs/networks.md``), and a partition (any family of ``list``, or row modes), it reports the
generic rank of ``[[A]]_{I,J}`` with what proves it, and with ``--expect`` holds it to a
claim (a violated claim prints the counterexample and exits 1).

How the rank is obtained (cheapest certain route first)
-------------------------------------------------------
1. Every upper bound for all weights that the bounds home gives
   (:func:`convac_verify.bounds.tree_upper_bounds`: c-recursion, joint spans, the min-cut
   of the network's tensor network, matrix size); the smallest is kept with its certificate.
2. The Kronecker witness of the papers' proofs (:func:`~convac_verify.networks.witnesses.
   kronecker_witness`, merging channels at the height that splits most nodes) gives a
   certified lower bound through the structured contraction, for any N. When it meets
   the upper bound the generic rank is proved exactly, without random weights (this is
   how ``depth --N 1024`` proves ``2**512``).
3. Otherwise random weights (dense grid tensor, a sketch with random product vectors, or
   the structured contraction) give the generic rank with a Schwartz--Zippel epsilon, when
   they fit ``--max-memory`` and ``--max-time`` (``--method sketch`` skips step 2).
4. Otherwise the row is bounded, not computed: witness lower bound and upper bound.

A network file (``--network``) is measured at random weights (free weights drawn, tied
groups drawn once, fixed weights as given: :func:`convac_verify.api.network_rank`): the
grid tensor by the one contraction and the dense rank (on BLAS first when large), or a
sketch past the dense limit when the upper bound is small; its upper bound is the
network's min-cut (:func:`convac_verify.bounds.network_upper_bounds`), so a rank that
meets it is proved and one below it is reported as measured. ``--method structured``
applies to mode trees only.

Sweeps: ``--N 8,16,32`` (with ``--cp`` or a tree builder such as ``--tree balanced``),
``--M 2..4``, ``--r 1..4`` or repeated ``--widths``; one row per point and the growth of
the rank beside the growth of its bound (or of the claim).
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from .. import api
from ..errors import BudgetExceeded, ConvacError
from ..evidence.growth import classify
from ..evidence.status import Measurement
from ..networks import trees
from ..report import CheckResult, GrowthLine, Report
from ..report.numbers import abbreviate_digits, fmt_eps, fmt_int
from ..report.table import evidence_text, render_footer, render_growth, status_text
from ..symbolic.family import FamilyCheck
from .common import RunOptions, parse_int_list, require_tree_time, settings_options

__all__ = ["rank", "rank_table"]

_N_TOKEN = re.compile(r"(?<![A-Za-z0-9])N(?![A-Za-z0-9])")
_N_FIRST = ("balanced", "cp", "truncated")


# --------------------------------------------------------------------------- specs


def _tree_spec(spec: str, n: int | None) -> str:
    """``spec`` with N filled in: ``balanced`` -> ``balanced:16``, ``truncated:N:2`` ->
    ``truncated:16:2``."""
    spec = spec.strip()
    if n is None:
        if _N_TOKEN.search(spec) and not spec.startswith(("(", "[")):
            raise ConvacError(f"--tree {spec!r} uses N: give --N (e.g. --N 8,16,32)")
        return spec
    if spec in _N_FIRST:
        return f"{spec}:{n}"
    if _N_TOKEN.search(spec) and not spec.startswith(("(", "[")):
        return _N_TOKEN.sub(str(n), spec)
    return spec


def _spec_modes(spec: str) -> int | None:
    """The number of modes a builder spec gives, read from its arguments (no tree built)."""
    name, _, args = spec.partition(":")
    try:
        if name in _N_FIRST:
            return int(args.replace(",", ":").split(":")[0])
        if name == "windows":
            return math.prod(int(a) for a in args.replace(":", ",").split(",") if a.strip())
        if name in ("square", "mirror", "rect"):
            h, _, w = args.split(":")[0].lower().partition("x")
            return int(h) * int(w or h)  # "square:N" is N x N
    except ValueError:
        return None
    if spec.startswith(("(", "[")):
        return len(re.findall(r"\d+", spec))
    return None


# --------------------------------------------------------------------------- views


def _rank_cell(r: CheckResult) -> str:
    m = r.observation.measurement
    text = fmt_int(m.rank)
    return text if m.extra.get("rank_is_exact") or m.evidence.weights == "random" else f">={text}"


def _upper_text(m: Measurement) -> str:
    """``16 (joint-span: ...)``: the smallest upper bound and its certificate."""
    best = m.best_bound("rank")
    if best is None:
        return "-"
    return f"{fmt_int(best.value)} ({best.certificate.kind}: {best.certificate.detail})"


def _bounds_text(m: Measurement) -> str:
    """Every upper bound of the bounds home, smallest first, named by its certificate."""
    bounds = sorted(m.bounds, key=lambda b: b.value)
    return ", ".join(f"{fmt_int(b.value)} ({b.certificate.kind})" for b in bounds) or "-"


def rank_table(report: Report, console: Console) -> None:
    """Key-value view of one result, or one row per point of a sweep."""
    if len(report.results) == 1:
        _single(report.results[0], console)
    else:
        _sweep(report, console)
    render_growth(report, console)
    render_footer(report, console)


def _single(r: CheckResult, console: Console) -> None:
    o, m = r.observation, r.observation.measurement
    ev = m.evidence
    t = Table(title="Matricization rank", show_header=False, title_justify="left")
    t.add_column("", style="bold")
    t.add_column("")
    exact = m.extra.get("rank_is_exact")
    how = "generic rank" if exact or ev.weights == "random" else "certified lower bound"
    rows = [
        ("architecture", o.subject),
        ("partition I (rows)", f"{o.params['partition']}: {_modes(o.params['rows'])}"),
        (how, fmt_int(m.rank)),
        ("upper bound, all weights", _upper_text(m)),
        ("all upper bounds", _bounds_text(m)),
        ("claim", f"rank {o.claim.relation} {o.claim.formula} = {fmt_int(o.claim.value)}"),
        ("status", status_text(r)),
        ("epsilon", fmt_eps(r.verdict.epsilon)),
        ("why", abbreviate_digits(r.verdict.reason)),
        ("evidence", _evidence_long(r)),
    ]
    for key, value in rows:
        t.add_row(key, value if key == "status" else escape(value))
    console.print(t)
    if not exact and m.extra.get("computed") == api.FIXED_WEIGHTS:
        over = (
            "mod p, a certified lower bound on its rank over Q (--field qq gives it exactly)"
            if ev.field == "GF(p)"
            else "over Q"
        )
        console.print(
            f"note: every weight of the network is fixed: {fmt_int(m.rank)} is the rank at that "
            f"one point, {over}; other weights may reach up to {fmt_int(m.upper_bound)}",
            highlight=False,
            markup=False,
        )
    elif not exact and ev.weights != "random":
        console.print(
            f"note: generic rank in [{fmt_int(m.rank)}, {fmt_int(m.upper_bound)}]: random weights "
            "do not fit --max-memory/--max-time, and the witness does not meet the upper bound",
            highlight=False,
            markup=False,
        )
    if r.status.value == "violated" and not r.verdict.epsilon:
        console.print(
            f"counterexample: {abbreviate_digits(r.verdict.reason)} (reproduce with --seed "
            f"{ev.seed or 0})",
            highlight=False,
            markup=False,
        )


def _family_note(f: FamilyCheck) -> str:
    """The claim judged for its whole family of widths, in one line."""
    return (
        f"family {f.status}: rank {f.relation} {f.claim} for the {f.family}: "
        f"{abbreviate_digits(f.reason)}; upper bound {f.upper}, lower bound {f.lower}"
    )


def _evidence_long(r: CheckResult) -> str:
    ev = r.observation.measurement.evidence
    weights = ev.weights if ev.weights.endswith("weights") else f"{ev.weights} weights"
    text = f"{ev.method}, {weights}, field {ev.field}"
    if ev.prime:
        text += f", p = {ev.prime}" + (" (random prime)" if ev.prime_random else " (fixed)")
    if ev.weights == "random":
        text += f", seed {ev.seed}, |S| = {fmt_int(ev.sample_space)}, entry degree {ev.degree}"
    if ev.method.startswith("sketch"):
        sketch = r.observation.measurement.extra.get("sketch", "")
        text += f" (N + weight degree: random product vectors, sketch {sketch})"
    cert = r.verdict.certificate
    if cert is not None:
        text += f"; certificate {cert.kind}: {cert.detail}"
    return text


def _modes(rows: object) -> str:
    items = list(rows) if isinstance(rows, (list, tuple)) else []
    shown = ", ".join(map(str, items[:24]))
    return f"[{shown}{', ...' if len(items) > 24 else ''}] ({len(items)} modes)"


def _sweep(report: Report, console: Console) -> None:
    first = report.results[0].observation
    t = Table(
        title=f"Matricization rank: {first.params.get('family', first.subject)}",
        title_justify="left",
    )
    for col, justify in (
        ("point", "left"),
        ("rank", "right"),
        ("upper bound (certificate)", "right"),
        ("claim", "left"),
        ("status", "left"),
        ("eps", "right"),
        ("evidence", "left"),
    ):
        t.add_column(col, justify=justify)  # type: ignore[arg-type]
    for r in report.results:
        o, m = r.observation, r.observation.measurement
        best = m.best_bound("rank")
        kind = best.certificate.kind if best is not None else "-"
        t.add_row(
            escape(o.label),
            _rank_cell(r),
            f"{fmt_int(m.upper_bound)} ({kind})",
            escape(f"{o.claim.relation} {o.claim.formula} = {fmt_int(o.claim.value)}"),
            status_text(r),
            fmt_eps(r.verdict.epsilon),
            evidence_text(r),
        )
    console.print(t)


# --------------------------------------------------------------------------- command


def _growth(results: list[CheckResult], var: str, expect: str | None) -> list[GrowthLine]:
    if len(results) < 3:
        return []
    xs = [int(r.observation.x or 0) for r in results]
    ranks = [r.observation.measurement.rank for r in results]
    if expect:
        theory = [r.observation.claim.value for r in results]
        formula = results[0].observation.claim.formula
    else:
        theory = [int(r.observation.measurement.upper_bound or 0) for r in results]
        formula = "best upper bound"
    return [
        GrowthLine(
            check="rank",
            series="rank",
            x_name=var,
            points=list(zip(xs, ranks, strict=True)),
            measured=classify(xs, ranks),
            theory=classify(xs, theory),
            theory_formula=formula,
        )
    ]


@click.command()
@click.option(
    "--tree",
    "tree_text",
    default=None,
    help='Mode tree: nested tuples "((0,1),(2,3))" or a builder (balanced:N[:k], windows:2,3, '
    "truncated:N:Lc, cp:N, square:HxW, mirror:HxW, rect:HxW:LEVELS); with a --N sweep, "
    "write N for the size (truncated:N:2) or just the name (balanced).",
)
@click.option(
    "--widths",
    "widths_list",
    multiple=True,
    metavar="r0,r1,...",
    help="Widths per level r0..r_{L-1} (or one for all); repeat for a sweep.",
)
@click.option(
    "--r",
    "r_text",
    default=None,
    metavar="R",
    help="One width for every level; a list 1,2,4 or range 1..4 sweeps it.",
)
@click.option(
    "--cp", "cp_width", type=int, default=None, help="Shallow network with Z = CP channels."
)
@click.option(
    "--N",
    "--n-modes",
    "n_text",
    default=None,
    metavar="N",
    help="Number of modes (with --cp, or a tree builder); a list 8,16,32 sweeps it.",
)
@click.option(
    "--network",
    "network_file",
    default=None,
    metavar="FILE",
    help="A tensor network from a file (TOML or JSON, docs/networks.md): N, M, widths and "
    "weight tying come from the file; upper bound its min-cut.",
)
@click.option(
    "--M",
    "--dim",
    "m_text",
    default=None,
    metavar="M",
    help="Dimension M of each mode; a list 2,3 or range 2..4 sweeps it (required with --tree "
    "or --cp; a network file sets its own).",
)
@click.option(
    "--rows",
    "rows_text",
    default="odd-even",
    show_default=True,
    help="Partition: odd-even, left-right, random, blocks:B, grid-* families, or row modes 0,2,5.",
)
@click.option(
    "--expect",
    default=None,
    help='Claim to check, e.g. ">= 2**(N/2)" or "<= Z" (symbols N, M, Z, L, r, r0, r1, ...).',
)
@click.option("--shared", is_flag=True, help="Share weights across locations.")
@settings_options
def rank(
    *,
    tree_text: str | None,
    widths_list: tuple[str, ...],
    r_text: str | None,
    cp_width: int | None,
    n_text: str | None,
    network_file: str | None,
    m_text: str | None,
    rows_text: str,
    expect: str | None,
    shared: bool,
    opts: RunOptions,
) -> int:
    """Generic rank of one matricization of a tree, CP or file network, with its evidence."""
    if network_file is not None:
        given = [
            option
            for option, value in (
                ("--tree", tree_text),
                ("--cp", cp_width),
                ("--widths", widths_list or None),
                ("--r", r_text),
                ("--shared", shared or None),
            )
            if value is not None
        ]
        if given:
            raise ConvacError(
                "--network FILE gives the whole architecture (widths, weight tying): drop "
                + ", ".join(given)
            )
        return _rank_network(network_file, n_text, m_text, rows_text, expect, opts)
    if (tree_text is None) == (cp_width is None):
        raise ConvacError(
            "give exactly one architecture: --tree T --widths ..., --cp Z --N N or --network FILE"
        )
    if m_text is None:
        raise ConvacError("--M (the dimension of each mode) is required with --tree or --cp")
    if cp_width is not None and cp_width < 1:
        raise ConvacError(f"--cp must be a positive integer; got {cp_width}")
    if widths_list and r_text is not None:
        raise ConvacError("give --r (one width for all levels) or --widths r0,r1,..., not both")
    if cp_width is not None and (widths_list or r_text):
        raise ConvacError("--cp Z is the width of the CP network: drop --widths/--r")
    dims = parse_int_list(m_text, "--M")
    ns = parse_int_list(n_text, "--N", minimum=2) if n_text is not None else [None]
    width_specs: list[str | None]
    if widths_list:
        width_specs = list(widths_list)
    elif r_text is not None:
        width_specs = [str(r) for r in parse_int_list(r_text, "--r")]
    else:
        width_specs = [None]
    swept = [
        name for name, values in (("N", ns), ("M", dims), ("r", width_specs)) if len(values) > 1
    ]
    if len(swept) > 1:
        raise ConvacError(f"sweep one variable at a time; got lists for {' and '.join(swept)}")
    var = swept[0] if swept else None
    if tree_text is not None and tree_text.strip() == "":
        raise ConvacError("--tree takes a tree spec, e.g. balanced:16 or ((0,1),(2,3)); got ''")
    if expect is not None and expect.strip() == "":
        raise ConvacError('--expect takes a claim such as ">= 2**(N/2)"; got an empty string')
    # the size of every tree, before any is built
    specs = [_tree_spec(tree_text, n) if tree_text is not None else None for n in ns]
    sizes = [
        n if spec is None else (_spec_modes(spec) or 0) for spec, n in zip(specs, ns, strict=True)
    ]
    require_tree_time(
        sum(2 * (s or 0) for s in sizes) * len(dims) * len(width_specs),
        opts,
        f"rank over {max(s or 0 for s in sizes):,} modes",
    )
    instances = [
        _instance(
            spec,
            n,
            cp_width,
            dim,
            wtext,
            rows_text,
            expect,
            shared,
            opts.seed,
            var,
            tree_text or "",
        )
        for spec, n in zip(specs, ns, strict=True)
        for dim in dims
        for wtext in width_specs
    ]
    ctx = opts.context()
    settings = ctx.settings
    results: list[CheckResult] = []
    family: dict[str, FamilyCheck] = {}
    skipped: list[str] = []
    for i, inst in enumerate(instances, start=1):
        where = f" {i}/{len(instances)}" if len(instances) > 1 else ""
        ctx.progress(f"rank{where}: {inst.label}, N={trees.n_modes(inst.tree)}, M={inst.dim}")
        try:
            out = api.measure_query(inst, settings, ctx.progress)
        except BudgetExceeded as exc:
            if len(instances) > 1:
                raise BudgetExceeded(f"at {inst.label}: {exc}") from None
            raise
        results.append(out.result)
        if out.family is not None:  # one judgement per family (a sweep of M or r shares it)
            family.setdefault(f"{out.family.family} {out.family.claim}", out.family)
        elif out.family_note and out.family_note not in skipped:
            skipped.append(out.family_note)
    growth = _growth(results, var, expect) if var else []
    judged = list(family.values())
    notes = [_family_note(f) for f in judged] + skipped
    report = Report("rank", settings, results, growth, notes=notes, family=judged)
    return opts.emit(report, table=rank_table)


def _rank_network(
    path: str,
    n_text: str | None,
    m_text: str | None,
    rows_text: str,
    expect: str | None,
    opts: RunOptions,
) -> int:
    """``rank --network FILE``: one partition of a file's tensor network
    (:func:`convac_verify.api.network_rank`); ``--N`` and ``--M`` may only repeat the file's."""
    if expect is not None and expect.strip() == "":
        raise ConvacError('--expect takes a claim such as ">= 2**(N/2)"; got an empty string')
    net = api.load_network(path)
    n, dims = net.n_modes, sorted(set(net.dims))
    for option, text, name, value in (("--N", n_text, "N", [n]), ("--M", m_text, "M", dims)):
        if text is not None and parse_int_list(text, option) != value:
            raise ConvacError(
                f"{option} {text} conflicts with {path}, which sets {name} = "
                f"{','.join(map(str, value))}: drop {option}"
            )
    ctx = opts.context()
    part = api.partition(rows_text, net, seed=opts.seed)
    dim = ",".join(map(str, dims))
    # the file's name, not its path: a long path is one unbreakable word in a LaTeX cell
    subject = f"network {net.name} ({Path(path).name}), N={n}, M={dim}"
    ctx.progress(f"rank: {net.name}, N={n}, M={dim}, {part.name}")
    out = api.network_rank(
        net, part, expect=expect, settings=ctx.settings, progress=ctx.progress, subject=subject
    )
    notes = []
    cut = next((b for b in out.bounds if b.certificate.kind == "min-cut"), None)
    if cut is not None and out.rank < cut.value and out.exact:
        notes.append(
            f"{part.name}: generic rank {fmt_int(out.rank)} < min-cut {fmt_int(cut.value)}: the "
            "min-cut bounds the rank for all weights but is not reached here (docs/networks.md)"
        )
    report = Report("rank", ctx.settings, [out.result], [], notes=notes)
    return opts.emit(report, table=rank_table)


def _instance(
    spec: str | None,
    n: int | None,
    cp_width: int | None,
    dim: int,
    wtext: str | None,
    rows_text: str,
    expect: str | None,
    shared: bool,
    seed: int,
    var: str | None,
    family_spec: str = "",
) -> api.RankQuery:
    """Build and validate one point (tree, widths, partition, claim); no rank yet."""
    raw: int | list[int]
    if cp_width is not None:
        if n is None:
            raise ConvacError("--cp Z needs --N (the number of modes)")
        tree = trees.cp_tree(n)
        raw = cp_width
    else:
        assert spec is not None
        tree = api.tree(spec)
        if n is not None and n != trees.n_modes(tree):
            raise ConvacError(
                f"--N {n} does not fit the tree, which has {trees.n_modes(tree)} modes"
            )
        if wtext is None:
            raise ConvacError(
                "--tree needs widths: --widths r0,r1,... (one per level, or one for all) or --r R"
            )
        raw = _widths(wtext)
        n = trees.n_modes(tree)
    ws = api.widths(tree, raw)
    part = api.partition(rows_text, tree, seed=seed)
    if var == "N":
        label, x = f"N={n}", n
    elif var == "M":
        label, x = f"M={dim}", dim
    elif var == "r":
        label, x = f"widths {','.join(map(str, ws))}", min(ws)
    else:
        label, x = part.name, None
    arch = (
        f"CP Z={cp_width}"
        if cp_width is not None
        else f"tree {spec if var != 'N' else family_spec}"
    )
    family = ", ".join(
        [
            f"{arch}" if var != "N" else f"{arch} (N swept)",
            "M swept" if var == "M" else f"M={dim}",
            "widths swept" if var == "r" else f"widths {','.join(map(str, ws))}",
            f"partition {part.name}",
        ]
    )
    return api.rank_query(
        tree,
        dim,
        raw,
        part,
        expect=expect,
        shared=shared,
        cp=cp_width is not None,
        name=spec,
        label=label,
        x=x,
        family=family,
    )


def _widths(text: str) -> int | list[int]:
    """``--widths``: one width for all levels, or one per level."""
    try:
        values = [int(v) for v in text.split(",")]
    except ValueError:
        raise ConvacError(
            f"--widths takes positive integers like 2,2,2 (r0,r1,...); got {text[:40]!r}"
        ) from None
    return values[0] if len(values) == 1 else values
