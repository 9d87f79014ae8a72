"""LaTeX output: a compilable document with one table per theorem, ready for a paper.

Every table is a ``longtable`` (it breaks across pages instead of becoming a float too
large for the page) with booktabs rules, a caption that names the theorem and its
reference and lists the parameters shared by all rows (M, r, Z, N, ...), and a
``\\label{tab:<check>}``. Numbers are right-aligned and set in math mode (``$2^{512}$``);
text is escaped (``|`` is set as ``$|$``, never an em-dash). Measured values that are not
ranks (counts of draws, of entries, of channels) get a column named after what they count,
so the ``rank`` column only ever holds ranks. Upper bounds and evidence are kept.

Page: A4 landscape, 1.5 cm margins (text width 26.7 cm); text columns have fixed widths so
that no table is wider than the text (``tests/test_latex_compile.py`` compiles the output
of ``all --latex`` and ``pooling --compare --format latex`` and fails on an overfull box).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from fractions import Fraction
from typing import Any

from ..algebra.primes import prime_range_bits
from ..evidence.status import Status
from .model import CheckResult, Report
from .numbers import abbreviate_digits, latex_int

__all__ = [
    "caption_params",
    "escape",
    "latex_document",
    "latex_eps",
    "latex_table",
    "render_latex",
    "settings_caption",
    "status_tex",
]

_ESCAPES = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
    "<": r"\textless{}",
    ">": r"\textgreater{}",
    "|": "$|$",
}

_REL = {">=": r"\geq", "<=": r"\leq", "==": "="}

# parameters shown in captions, in this order, with their mathematical names
_PARAMS = (
    ("N", "N"),
    ("M", "M"),
    ("r", "r"),
    ("r0", "r_0"),
    ("widths", r"(r_0,\dots,r_{L-1})"),
    ("L", "L"),
    ("Z", "Z"),
    ("K", "K"),
    ("grid", None),
    ("geometry", None),
    ("network", None),
    ("shared", None),
    ("F", "F"),
    ("pooling", None),
    ("draws", None),
    ("radius", None),
    ("discretizers", None),
)


def escape(text: str) -> str:
    """Escape LaTeX special characters in running text.

    Examples
    --------
    >>> escape("50% of r_0 & M | N")
    '50\\\\% of r\\\\_0 \\\\& M $|$ N'
    """
    return "".join(_ESCAPES.get(ch, ch) for ch in str(text))


def latex_eps(eps: Fraction | float) -> str:
    """``1.5\\times 10^{-16}`` (math mode, without ``$``)."""
    mant, _, exp = f"{float(eps):.1e}".partition("e")
    return rf"{mant}\times 10^{{{int(exp)}}}"


def status_tex(r: CheckResult) -> str:
    """Status word, with its epsilon when not certain (and its reason when inconclusive)."""
    if r.status is Status.INCONCLUSIVE:
        return f"{escape(r.status.value)}: {escape(abbreviate_digits(r.verdict.reason))}"
    if r.verdict.epsilon:
        return f"{escape(r.status.value)} ($\\varepsilon\\leq {latex_eps(r.verdict.epsilon)}$)"
    return escape(r.status.value)


def _value(value: Any) -> str | None:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"${latex_int(value)}$"
    if isinstance(value, (list, tuple)) and all(isinstance(v, int) for v in value):
        return f"$({','.join(map(str, value))})$" if len(value) <= 8 else None
    if isinstance(value, str) and 0 < len(value) <= 24:
        return escape(value)
    return None


def caption_params(results: Sequence[CheckResult]) -> str:
    """The parameters every result shares, as ``$M=2$, $r=2$, grid 4x4`` (``""`` if none)."""
    if not results:
        return ""
    first = results[0].observation.params
    parts = []
    for key, math_name in _PARAMS:
        if key not in first:
            continue
        value = first[key]
        if any(r.observation.params.get(key) != value for r in results[1:]):
            continue
        shown = _value(value)
        if shown is None:
            continue
        if math_name is not None and shown.startswith("$"):
            parts.append(f"${math_name}={shown[1:]}")
        else:
            parts.append(f"{escape(key)} {shown}")
    return ", ".join(parts)


def latex_table(
    caption: str,
    header: Sequence[str],
    rows: Iterable[Sequence[str]],
    label: str = "",
    spec: str | None = None,
) -> list[str]:
    """A booktabs ``longtable`` (breaks across pages); cells are LaTeX already.

    ``spec`` is the column specification (default: all left-aligned).
    """
    spec = spec or "l" * len(header)
    head = " & ".join(header) + r" \\"
    return [
        r"{\footnotesize\setlength{\tabcolsep}{4pt}",
        f"\\begin{{longtable}}{{@{{}}{spec}@{{}}}}",
        f"\\caption{{{caption}}}" + (f"\\label{{{label}}}" if label else "") + r" \\",
        r"\toprule",
        head,
        r"\midrule",
        r"\endfirsthead",
        r"\toprule",
        head,
        r"\midrule",
        r"\endhead",
        r"\bottomrule",
        r"\endlastfoot",
        *(" & ".join(row) + r" \\" for row in rows),
        r"\end{longtable}}",
    ]


def latex_document(report: Report, tables: list[list[str]]) -> str:
    """A standalone document (``pdflatex`` compiles it) around ``tables``."""
    s = report.settings
    counts = ", ".join(f"{v} {k}" for k, v in report.counts().items())
    lines = [
        r"\documentclass{article}",
        r"\usepackage[a4paper,landscape,margin=1.5cm]{geometry}",
        r"\usepackage{array,booktabs,longtable}",
        r"\begin{document}",
        f"% generated by convac-verify {escape(report.command)}; field {s.field}, seed {s.seed}",
        *(line for table in tables for line in [*table, ""]),
        *_notes(report),
        f"Verdict: {escape(report.verdict)} ({escape(counts)}).",
        r"\end{document}",
        "",
    ]
    return "\n".join(lines)


def _notes(report: Report) -> list[str]:
    """The report's notes (e.g. draw counts) as a ragged-right list."""
    if not report.notes:
        return []
    items = [f"\\item {escape(note)}" for note in report.notes]
    return [r"{\raggedright\small", r"\begin{itemize}", *items, r"\end{itemize}}", ""]


def settings_caption(report: Report) -> str:
    """``Ranks over GF(p), p = 2^61-1, seed 0.`` for captions."""
    s = report.settings
    if s.field == "qq":
        return f"Random integer weights, seed {s.seed}."
    p = s.prime
    if s.prime_random:
        b = prime_range_bits(p)
        return (
            f"Field GF($p$), $p={p}$ drawn at random from the primes in "
            f"$[2^{{{b}}},2^{{{b + 1}}})$, seed {s.seed}."
        )
    k = (p + 1).bit_length() - 1
    shown = f"2^{{{k}}}-1" if p > 2**20 and p + 1 == 2**k else latex_int(p)
    return f"Field GF($p$), $p={shown}$, seed {s.seed}."


def _evidence(r: CheckResult) -> str:
    m = r.observation.measurement
    ev = m.evidence
    weights = "random" if ev.weights == "random" else "witness"
    text = f"{ev.method}, {weights}, {ev.field}"
    cert = r.verdict.certificate
    if cert is not None:
        text += f"; {cert.kind}"
    best = m.best_bound()
    if best is not None and (cert is None or best.certificate.kind != cert.kind):
        text += f"; upper: {best.certificate.kind}"
    if m.extra.get("escalated"):  # the caption's prime is not this row's
        text += "; redrawn modulo a fresh random prime"
    return escape(text)


def _claim(r: CheckResult) -> str:
    c = r.observation.claim
    scope = f" ({escape(c.quantifier)})" if c.quantifier else ""
    if c.latex:
        return f"${_REL[c.relation]} {c.latex}${scope}"
    # a formula without a LaTeX form is set as text: it may break at its spaces
    return f"${_REL[c.relation]}$ {escape(c.formula)}{scope}"


TEXT_WIDTH_CM = 26.7
"""A4 landscape with 1.5 cm margins."""
NUMBER_CM = 1.8
"""Width of a right-aligned number column (fits ``2.306 x 10^{18}``)."""
_TEXT_CM = {"row": 3.1, "measured": 4.3, "claim": 3.9, "status": 2.5, "evidence": 3.6}
_SEP_CM = 2 * 4 / 72.27 * 2.54  # \tabcolsep = 4pt on both sides of a column


def _scale(n_numbers: int) -> float:
    """Shrink factor of the text columns so that the table fits the text width."""
    columns = len(_TEXT_CM) + n_numbers
    available = TEXT_WIDTH_CM - 0.3 - n_numbers * NUMBER_CM - (columns - 1) * _SEP_CM
    return min(1.0, available / sum(_TEXT_CM.values()))


def _spec(text: Sequence[str], n_numbers: int, scale: float) -> str:
    """Column specification: the named text columns, then ``n_numbers`` number columns."""
    out = "".join(f"p{{{_TEXT_CM[name] * scale:.2f}cm}}" for name in text)
    return out + f">{{\\raggedleft\\arraybackslash}}p{{{NUMBER_CM}cm}}" * n_numbers


def _check_table(check: str, rs: Sequence[CheckResult], report: Report) -> list[str]:
    quantities = list(dict.fromkeys(r.observation.claim.quantity for r in rs))
    if "rank" in quantities:  # ranks first
        quantities.remove("rank")
        quantities.insert(0, "rank")
    header = ["row", "measured", *(escape(q) for q in quantities)]
    header += ["claim", "bound", "upper bound", "status", "evidence"]
    k = _scale(len(quantities) + 2)
    spec = (
        _spec(["row", "measured"], len(quantities), k)
        + _spec(["claim"], 2, k)
        + _spec(["status", "evidence"], 0, k)
    )
    rows = []
    for r in rs:
        o, m = r.observation, r.observation.measurement
        cells = [escape(o.label), escape(o.subject)]
        cells += [f"${latex_int(m.rank)}$" if o.claim.quantity == q else "--" for q in quantities]
        cells += [
            _claim(r),
            f"${latex_int(o.claim.value)}$",
            f"${latex_int(m.upper_bound)}$" if m.upper_bound is not None else "--",
            status_tex(r),
            _evidence(r),
        ]
        rows.append(cells)
    params = caption_params(rs)
    caption = (
        f"\\texttt{{{escape(check)}}}: {escape(rs[0].reference)}."
        + (f" Parameters: {params}." if params else "")
        + f" {settings_caption(report)}"
    )
    return latex_table(caption, header, rows, label=f"tab:{check}", spec=spec)


def render_latex(report: Report) -> str:
    """One table per check (theorem), in report order; copy the tables into a paper."""
    by_check: dict[str, list[CheckResult]] = {}
    for r in report.results:
        by_check.setdefault(r.check, []).append(r)
    return latex_document(
        report, [_check_table(check, rs, report) for check, rs in by_check.items()]
    )
