"""Hypothesis fuzzes the command line: trees, partitions, claims, ``--set`` and output paths.

Whatever the input: never exit 3 (an internal error), never a traceback, a bad input is
one line on stderr with exit 2, and no partial or temporary file is left behind. Every
run gets ``--max-time 5s`` so that a legitimate but large input is refused, not run.
"""

from __future__ import annotations

import contextlib
import os
import string
import tempfile
from collections.abc import Collection, Iterator
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .conftest import CliResult, invoke_cli

FAST = ("--max-time", "5s", "--max-memory", "512M")
FUZZ = settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "40")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

small = st.integers(min_value=-2, max_value=20)
large = st.sampled_from([64, 1024, 65536, 2**21, 10**30])
junk = st.text(alphabet=string.printable, max_size=30)

builder = st.sampled_from(
    [
        "balanced",
        "windows",
        "cp",
        "truncated",
        "square",
        "mirror",
        "rect",
        "dilations",
        "swapped",
        "hybrid",
        "nosuch",
    ]
)
tree_args = st.lists(
    (small | large).map(str)
    | st.sampled_from(["4x4", "2x2", "3x3", "2x1", "m2x2", "64x64", "1024x1024", "x", ""]),
    max_size=4,
)
builder_spec = st.builds(
    lambda b, a, sep: b + (":" + sep.join(a) if a else ""),
    builder,
    tree_args,
    st.sampled_from([":", ","]),
)


@st.composite
def nested(draw: st.DrawFn, depth: int = 0) -> str:
    if depth > 3 or draw(st.booleans()):
        return str(draw(small))
    kids = draw(st.lists(nested(depth + 1), min_size=0, max_size=4))
    return "(" + ",".join(kids) + ("," if draw(st.booleans()) and kids else "") + ")"


trees = builder_spec | nested() | junk
partitions = (
    st.sampled_from(
        [
            "odd-even",
            "left-right",
            "random",
            "blocks:2",
            "blocks:0",
            "blocks:x",
            "grid-checkerboard",
            "grid-checker:3",
            "grid-stripes-v:2",
            "grid-mirror-quadrants",
            "ctm18-example",
            "nosuch",
            "",
        ]
    )
    | st.lists(small, max_size=6).map(lambda xs: ",".join(map(str, xs)))
    | junk
)
claim_tokens = st.sampled_from(
    [
        "N",
        "M",
        "Z",
        "L",
        "r",
        "r0",
        "r1",
        "2",
        "0",
        "9",
        "1.5",
        "+",
        "-",
        "*",
        "/",
        "**",
        "^",
        "(",
        ")",
        ",",
        "min",
        "max",
        "floor",
        "ceiling",
        "log",
        "sqrt",
        "x",
        "True",
        ".",
        "_",
    ]
)
claims = (
    st.builds(
        lambda rel, toks: rel + " " + " ".join(toks),
        st.sampled_from([">=", ">", "<=", "<", "==", "=", "≥", "", "!="]),
        st.lists(claim_tokens, max_size=12),
    )
    | junk
)


@contextlib.contextmanager
def _fresh_dir() -> Iterator[Path]:
    """A new empty working directory per example (hypothesis reuses the test's tmp_path)."""
    old = os.getcwd()
    with tempfile.TemporaryDirectory() as d:
        os.chdir(d)
        try:
            yield Path(d)
        finally:
            os.chdir(old)


def _assert_clean(r: CliResult, where: Path, written: Collection[str] = ()) -> None:
    assert r.exit_code in (0, 1, 2), (r.exit_code, r.stderr)
    assert "Traceback" not in r.stderr and "internal error" not in r.stderr, r.stderr
    if r.exit_code == 2:
        assert r.stderr.startswith("error: ") and r.stderr.count("\n") == 1, r.stderr
        assert r.stdout == ""
    leftovers = [p.name for p in where.iterdir() if p.name not in written]
    assert leftovers == [], leftovers


@FUZZ
@given(tree=trees, rows=partitions, dim=small, width=small)
def test_fuzz_rank_trees_and_partitions(tree: str, rows: str, dim: int, width: int) -> None:
    with _fresh_dir() as where:
        args = ("--tree", tree, "--rows", rows, "--M", str(dim), "--r", str(width))
        _assert_clean(invoke_cli("rank", *args, *FAST), where)


@FUZZ
@given(claim=claims)
def test_fuzz_claims(claim: str) -> None:
    with _fresh_dir() as where:
        args = ("--tree", "balanced:4", "--r", "2", "--M", "2", "--expect", claim)
        _assert_clean(invoke_cli("rank", *args, *FAST), where)


FAST_CHECKS = {
    "cp-rank-bound": ["n_modes", "dim", "width", "network", "partitions"],
    "colt16-theorem-1": ["n_modes", "dim", "width", "shared", "network"],
    "colt16-theorem-3": ["n_modes", "dim", "width", "network"],
}


@FUZZ
@given(
    check=st.sampled_from(sorted(FAST_CHECKS)),
    key=st.sampled_from(sorted({k for ks in FAST_CHECKS.values() for k in ks}) + ["bogus", ""]),
    value=small.map(str) | st.sampled_from(["true", "false", "deep", "shallow", "abc", "", "2.5"]),
)
def test_fuzz_set(check: str, key: str, value: str) -> None:
    with _fresh_dir() as where:
        _assert_clean(invoke_cli("check", check, "--set", f"{key}={value}", *FAST), where)


paths = st.sampled_from(
    ["", "-", "out.json", "nodir/x.json", ".", "sub", "sub/", "r.xml", "a\tb.json", "-o"]
) | st.text(alphabet=string.ascii_letters + "/._- ", min_size=1, max_size=20)


@FUZZ
@given(name=paths)
def test_fuzz_output_path(name: str) -> None:
    with _fresh_dir() as where:
        (where / "sub").mkdir()
        r = invoke_cli("check", "cp-rank-bound", "--set", "n_modes=4", "-o", name, *FAST)
        # the first path component written ("./A" writes "A")
        written = set() if r.exit_code == 2 or name == "-" else {Path(name).parts[0]}
        _assert_clean(r, where, {"sub", *written})


@FUZZ
@given(out=paths | st.none(), junit=paths | st.none(), latex=paths | st.none())
def test_fuzz_output_sets(out: str | None, junit: str | None, latex: str | None) -> None:
    """Three outputs checked before any work: the run is refused (``--max-time`` far too
    small) or the paths are; either way nothing is written."""
    with _fresh_dir() as where:
        (where / "sub").mkdir()
        args = ["all", "--max-time", "0.000001s"]
        for option, value in (("-o", out), ("--junit", junit), ("--latex", latex)):
            if value is not None:
                args += [option, value]
        r = invoke_cli(*args)
        _assert_clean(r, where, {"sub"})
        assert r.exit_code == 2
