"""Bad input: one line on stderr, exit 2, nothing half-written, never a hang or a crash.

Every example of the issue that motivated this module is pinned here: hostile claims,
output paths (devices, FIFOs, missing directories, two options naming one file,
permissions), malformed trees and seeds, refusals with an estimate, Ctrl-C, misleading
messages.
"""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from .conftest import CliResult, invoke_cli

RANK = ("rank", "--tree", "balanced:4", "--widths", "2", "--M", "2")


def _one_line_error(r: CliResult) -> None:
    assert r.exit_code == 2, (r.exit_code, r.stdout[-500:], r.stderr)
    assert r.stdout == ""
    assert r.stderr.startswith("error: ") and r.stderr.count("\n") == 1, r.stderr
    assert "Traceback" not in r.stderr and len(r.stderr) < 600, r.stderr


@pytest.mark.parametrize(
    ("claim", "message"),
    [
        (">= 2**2**2**2**2**30", "too large"),
        (">= 9**9**9", "too large"),
        (">= 10**100000", "too large"),
        (">= factorial(N)", "unknown function 'factorial'"),
        (">= True", "unknown symbol 'True'"),
        (">= N is N", "unexpected 'is'"),
        (">= Integer.mro", "unexpected '.'"),
        (">= N.subs(N, 32)", "unexpected '.'"),
        ("", "empty"),
        ("   ", "empty"),
        (">= __import__('os').system('true')", "unexpected '_'"),
        (">= 1/(N-4)", "divides by zero"),
        (">= sqrt(-1)", "real number"),
        (">= N" + "**N" * 40, "too large"),
        (">= " + "(" * 60 + "N" + ")" * 60, "nests deeper"),
        (">= " + "9" * 250, "number literal of 250 digits"),
        (">= N" * 200, "characters"),
    ],
)
def test_hostile_claims_are_one_line_errors(claim: str, message: str) -> None:
    start = time.perf_counter()
    r = invoke_cli(*RANK, "--expect", claim)
    _one_line_error(r)
    assert message in r.stderr
    assert time.perf_counter() - start < 30  # never a hang (generous: shared CI machines)


def test_claim_is_a_sympy_expression_with_formula_and_latex() -> None:
    import sympy

    from convac_verify.evidence.claims import claim_symbol, parse_claim, parse_expression

    parsed = parse_expression(">= min(r0, M)**(N/2)", {"r0": 2, "M": 2, "N": 8})
    n, m, r0 = (claim_symbol(s) for s in ("N", "M", "r0"))
    assert sympy.simplify(parsed.expression - sympy.Min(r0, m) ** (n / 2)) == 0
    c = parse_claim(">= min(r0, M)**(N/2)", {"r0": 2, "M": 2, "N": 8})
    assert (c.relation, c.value, c.formula) == (">=", 16, "min(r0, M)**(N/2)")
    assert c.latex == r"\min\left(M, r_{0}\right)^{\frac{N}{2}}"


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (("-o", ""), "-o takes a file name"),
        (("-o", "nodir/x.json"), "directory 'nodir' does not exist"),
        (("-o", "."), "is a directory"),
    ],
)
def test_bad_output_paths(tmp_path: Path, extra: tuple[str, ...], message: str) -> None:
    os.chdir(tmp_path)
    r = invoke_cli("depth", "--N", "4", *extra)
    _one_line_error(r)
    assert message in r.stderr
    assert list(tmp_path.iterdir()) == []


def test_all_checks_every_output_before_any_work(tmp_path: Path) -> None:
    ok = tmp_path / "ok.xml"
    start = time.perf_counter()
    r = invoke_cli("all", "--junit", str(ok), "--latex", str(tmp_path / "nodir" / "t.tex"))
    _one_line_error(r)
    assert "--latex" in r.stderr and "does not exist" in r.stderr
    assert time.perf_counter() - start < 15  # refused before running the checks (~10 s)
    assert list(tmp_path.iterdir()) == []  # the other output was not written either
    same = invoke_cli("all", "--junit", str(ok), "--latex", str(ok))
    _one_line_error(same)
    assert "--junit and --latex both write" in same.stderr
    bad_junit = invoke_cli("all", "--junit", str(tmp_path / "nodir" / "r.xml"))
    _one_line_error(bad_junit)


def test_outputs_are_written_together_with_usual_permissions(tmp_path: Path) -> None:
    out, junit = tmp_path / "r.json", tmp_path / "r.xml"
    old = os.umask(0o027)
    try:
        r = invoke_cli("check", "cp-rank-bound", "--format", "json", "-o", str(out))
    finally:
        os.umask(old)
    assert r.exit_code == 0, r.stderr
    assert stat.S_IMODE(out.stat().st_mode) == 0o640  # 0666 & ~umask, not 0600
    out.chmod(0o664)  # a replaced file keeps its mode
    assert invoke_cli("depth", "--N", "4", "--format", "json", "-o", str(out)).exit_code == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o664
    assert json.loads(out.read_text())["command"] == "depth"
    assert not junit.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.json"]  # no temporaries


def test_symlink_target_is_replaced_and_the_link_kept(tmp_path: Path) -> None:
    target = tmp_path / "real.json"
    target.write_text("old")
    link = tmp_path / "link.json"
    link.symlink_to(target)
    assert invoke_cli("depth", "--N", "4", "--format", "json", "-o", str(link)).exit_code == 0
    assert link.is_symlink() and json.loads(target.read_text())["command"] == "depth"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_fifo_is_written_in_place_never_replaced(tmp_path: Path) -> None:
    fifo = tmp_path / "results.fifo"
    os.mkfifo(fifo)
    received: list[bytes] = []

    def read() -> None:
        with open(fifo, "rb") as fh:
            received.append(fh.read())

    reader = threading.Thread(target=read)
    reader.start()
    r = invoke_cli("depth", "--N", "4", "--format", "json", "-o", str(fifo))
    reader.join(timeout=60)
    assert r.exit_code == 0, r.stderr
    assert stat.S_ISFIFO(fifo.stat().st_mode)  # still a FIFO, not a regular file
    assert json.loads(received[0])["verdict"] == "pass"
    assert [p.name for p in tmp_path.iterdir()] == ["results.fifo"]


def test_dash_is_stdout() -> None:
    r = invoke_cli("depth", "--N", "4", "--format", "json", "-o", "-")
    assert r.exit_code == 0 and json.loads(r.stdout)["command"] == "depth"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("rank", "--tree", "(0)", "--M", "2", "--r", "2"), "at least two modes"),
        (("rank", "--tree", "((0))", "--M", "2", "--r", "2"), "at least two modes"),
        (("rank", "--tree", "(" * 3000 + "0,1" + ")" * 3000, "--M", "2", "--r", "2"), "parse"),
        (("rank", "--tree", "", "--M", "2", "--r", "2"), "--tree takes a tree spec"),
        ((*RANK, "--seed", "-1"), "'--seed': -1 is not in the range"),
        (("depth", "--seed", "-5"), "not in the range"),
        (("tree", "balanced:4", "--rows", "random", "--seed", "-1"), "not in the range"),
        (("depth", "--max-time", "soon"), "--max-time takes a duration"),
        (("depth", "--N", "1" + "0" * 300), "(301 digits)"),
        (("list", "--bogus"), "Accepted: --format"),
        (("pooling", "--grid", "4x4", "--sweep", "3,4"), "H must be a power of 2"),
        (
            ("rank", "--tree", "balanced:16", "--r", "2", "--M", "2", "--rows", "grid-stripes:x"),
            "unknown partition",
        ),
        (
            ("rank", "--tree", "balanced:4", "--widths", "99999", "--M", "2"),
            "widths 4,16 give the same generic rank",
        ),
        (("depth", "--N", "16", "--r", "5000"), "widths 4,16,256,5000 give the same"),
        (
            ("rank", "--tree", "balanced:1048576", "--rows", "left-right", "--M", "2", "--r", "2"),
            "raise --max-time",
        ),
        (
            ("check", "cp-rank-bound", "--set", "n_modes=abc"),
            "cp-rank-bound: n_modes takes an integer",
        ),
        (("check", "cp-rank-bound", "--set", "=3"), "--set takes key=value"),
        (("rank", "--tree", "balanced:8", "--N", "4,8", "--M", "2,3", "--r", "2"), "one variable"),
        (
            ("rank", "--tree", "square:64", "--rows", "odd-even", "--M", "1", "--r", "1")
            + ("--method", "dense"),
            "one array axis per mode, at most 32",
        ),
        (  # "mirror:N" is an N x N grid: refused from its spec, before a tree is built
            ("rank", "--tree", "mirror:2097152", "--rows", "odd-even", "--M", "1", "--r", "1"),
            "refused before starting: rank over 4,398,046,511,104 modes",
        ),
    ],
)
def test_bad_input_is_one_line(args: tuple[str, ...], message: str) -> None:
    start = time.perf_counter()
    r = invoke_cli(*args)
    _one_line_error(r)
    assert message in r.stderr, r.stderr
    assert time.perf_counter() - start < 30


def test_more_modes_than_array_axes_take_the_structured_path() -> None:
    """M = 1 keeps the grid tensor of N = 4096 modes tiny, but an array has at most 32 axes
    (a fuzz find: it used to be an internal error)."""
    r = invoke_cli("rank", "--tree", "square:64", "--rows", "odd-even", "--M", "1", "--r", "1")
    assert r.exit_code == 0, r.stderr
    assert "structured" in r.stdout


def test_refusals_name_real_options() -> None:
    for args in (
        ("rank", "--tree", "balanced:4", "--widths", "99999", "--M", "2"),
        ("rank", "--tree", "balanced:64", "--r", "2", "--M", "2", "--method", "dense"),
        ("depth", "--N", "16", "--r", "5000"),
    ):
        r = invoke_cli(*args)
        assert r.exit_code == 2
        assert "explicit witness" not in r.stderr
        for option in ("--max-memory", "--max-time", "--method"):
            if option in r.stderr:
                assert option in invoke_cli(args[0], "-h").stdout


def test_list_json_and_piped_text() -> None:
    doc = json.loads(invoke_cli("list", "--format", "json").stdout)
    assert "colt16-theorem-1" in {c["name"] for c in doc["checks"]}
    assert "mirror:HxW" in doc["trees"] and "grid-left-right" in doc["partitions"]
    assert "proved" in doc["statuses"]
    env = {**os.environ, "COLUMNS": "80"}
    text = subprocess.run(
        [sys.executable, "-m", "convac_verify", "list"],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    ).stdout
    lines = text.splitlines()
    assert max(len(line) for line in lines) <= 80
    words = set(text.split())
    for name in doc["checks"]:  # no name or reference word is split across lines
        assert name["name"] in words


def test_ctrl_c_stops_cleanly_exit_130_nothing_written(tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    # over Q the contraction works on Python integers: several seconds, announced
    args = ["rank", "--tree", "balanced:16", "--r", "150", "--M", "2", "--rows", "random"]
    args += ["--field", "qq"]
    proc = subprocess.Popen(
        [sys.executable, "-m", "convac_verify", *args, "--max-time", "30m", "-o", str(out)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stderr is not None
    announced = proc.stderr.readline()  # long work announces itself, with its estimate
    assert "(estimated" in announced and "Ctrl-C" in announced, announced
    time.sleep(0.5)
    assert proc.poll() is None
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "interrupted" in err and "Traceback" not in err
    assert list(tmp_path.iterdir()) == []


_BUSY_C_CALL = """
import sys
from convac_verify.engines.interruptible import enable, run_interruptible
enable()
assert run_interruptible(lambda: 42) == 42
print("ready", flush=True)
try:
    run_interruptible(lambda: sum(range(10**12)))  # a C loop that holds the GIL, like FLINT
except KeyboardInterrupt:
    sys.exit(130)
"""


def test_long_c_calls_stay_interruptible() -> None:
    proc = subprocess.Popen([sys.executable, "-c", _BUSY_C_CALL], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
    time.sleep(0.5)
    start = time.perf_counter()
    proc.send_signal(signal.SIGINT)
    proc.communicate(timeout=60)
    assert proc.returncode == 130
    assert time.perf_counter() - start < 20  # not after the C loop (hours)
