"""Run journals: one JSON line per finished task, so an interrupted sweep loses nothing.

Format (JSON lines, UTF-8):

* line 1, the header: ``{"journal": "convac-verify run", "version": 1, "settings": ...}``
  (the rank settings every task ran with, encoded by :mod:`.codec`);
* then one line per finished task, in the order they finished:
  ``{"task": ID, "check": NAME, "overrides": {...}, "results": [...]}``. ``ID`` is
  :func:`task_id` of the check and its overrides, so a task is recognised whatever
  its position in a plan.

Resuming reads the finished tasks and appends the next ones to the same file. A last
line cut short by an interruption is dropped (the file is truncated to its last
complete line first); any other unreadable line is an error, and so are settings
that differ from the journal's (a different seed or prime would mix two runs).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import IO, Any

from ..engines.measure import RankSettings
from ..errors import ConvacError
from .codec import decode, encode

__all__ = ["JOURNAL_KIND", "Journal", "task_id"]

JOURNAL_KIND = "convac-verify run"
VERSION = 1


def task_id(check: str, overrides: Mapping[str, Any]) -> str:
    """A stable identity for one task: a hash of its check name and overrides.

    Examples
    --------
    >>> task_id("colt16-theorem-1", {"n_modes": 8}) == task_id("colt16-theorem-1", {"n_modes": 8})
    True
    """
    text = json.dumps(encode([check, dict(overrides)]), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:20]


class Journal:
    """An open journal: the tasks it already holds, and a sink for new ones."""

    def __init__(self, path: str | os.PathLike[str], settings: RankSettings, *, resume: bool):
        self.path = Path(path)
        self.finished: dict[str, list[Any]] = {}
        header = {"journal": JOURNAL_KIND, "version": VERSION, "settings": encode(settings)}
        try:
            if resume and self.path.exists():
                self._read(settings)
                self._fh: IO[str] = self.path.open("a", encoding="utf-8")
            else:
                if resume:
                    raise ConvacError(f"--resume: no journal at {self.path}")
                self._fh = self.path.open("w", encoding="utf-8")
                self._write(header)
        except OSError as exc:
            raise ConvacError(f"cannot use the journal {self.path}: {exc.strerror}") from None

    def _read(self, settings: RankSettings) -> None:
        raw = self.path.read_bytes()
        end = raw.rfind(b"\n") + 1
        if end < len(raw):  # an interrupted write: keep the complete lines only
            with self.path.open("r+b") as fh:
                fh.truncate(end)
        lines = raw[:end].decode("utf-8").splitlines()
        where = f"--resume {self.path}"
        try:
            header = json.loads(lines[0]) if lines else None
        except json.JSONDecodeError:
            header = None
        if not isinstance(header, dict) or header.get("journal") != JOURNAL_KIND:
            raise ConvacError(f"{where}: not a convac-verify run journal")
        if header.get("version") != VERSION:
            raise ConvacError(f"{where}: journal version {header.get('version')} is not {VERSION}")
        written = decode(header["settings"])
        if written != settings:
            raise ConvacError(
                f"{where}: the journal was written with other settings ({_describe(written)}); "
                f"this run has {_describe(settings)}"
            )
        for number, line in enumerate(lines[1:], start=2):
            try:
                entry = json.loads(line)
                self.finished[entry["task"]] = decode(entry["results"])
            except (json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
                raise ConvacError(f"{where}: line {number} is unreadable ({exc})") from None

    def _write(self, entry: Mapping[str, Any]) -> None:
        self._fh.write(json.dumps(entry, separators=(",", ":")) + "\n")
        self._fh.flush()

    def record(self, check: str, overrides: Mapping[str, Any], results: list[Any]) -> None:
        """Append one finished task (flushed at once)."""
        key = task_id(check, overrides)
        self.finished[key] = results
        self._write(
            {
                "task": key,
                "check": check,
                "overrides": encode(dict(overrides)),
                "results": encode(results),
            }
        )

    def close(self) -> None:
        """Close the file."""
        self._fh.close()


def _describe(settings: object) -> str:
    if isinstance(settings, RankSettings):
        return (
            f"field {settings.field}, prime {settings.prime}, seed {settings.seed}, "
            f"method {settings.method}, max memory {settings.max_memory}"
        )
    return repr(settings)
