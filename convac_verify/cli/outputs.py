"""Where a command's results go: every output checked before any work, written as a set.

A command may write several files (``-o``, ``--junit``, ``--latex``, ``--plot``). They
form one :class:`OutputSet`:

* **checked before any work** (:meth:`OutputSet.add`): an empty name, a missing or
  unwritable directory, a directory given as a file, or two options naming one file are
  one-line errors (exit 2) before anything is computed;
* **written as a set** (:meth:`OutputSet.write`), only when the command succeeded: every
  regular file is first written to a temporary file beside it, and only when all of them
  are complete are they renamed over their targets, so an error or Ctrl-C leaves every
  target as it was (no partial file, no stray temporary);
* **never replacing what cannot be recreated**: a target that exists and is not a
  regular file (``/dev/null``, a terminal, a FIFO, a socket) is written in place, never
  renamed over; a symbolic link is followed (the link stays, its target is replaced);
  ``-`` is standard output;
* **with the usual permissions**: a new file gets ``0666 & ~umask`` (like any program
  that creates a file), a replaced file keeps its mode.
"""

from __future__ import annotations

import os
import stat
import sys
import tempfile
from dataclasses import dataclass, field

from ..errors import ConvacError

__all__ = ["OutputError", "OutputSet", "current_umask"]


class OutputError(ConvacError):
    """An output file cannot be written."""


def current_umask() -> int:
    """The process umask (read without changing it, where the system allows)."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


@dataclass
class _Target:
    option: str
    """The option that named it (for messages), e.g. ``--junit``."""
    path: str
    """As given."""
    real: str
    """Absolute, symbolic links resolved (the file actually replaced)."""
    in_place: bool
    """Exists and is not a regular file (device, FIFO, ...): written in place."""
    stdout: bool = False


@dataclass
class OutputSet:
    """The files one command writes (see the module docstring)."""

    targets: list[_Target] = field(default_factory=list)

    def add(self, path: str | None, option: str) -> None:
        """Check ``path`` (given with ``option``) now, before any work; ``None`` adds nothing.

        Raises
        ------
        OutputError
            Naming the option, the path and what is wrong.
        """
        if path is None:
            return
        if path == "":
            raise OutputError(f"{option} takes a file name (or - for standard output); got ''")
        if path == "-":
            if any(t.stdout for t in self.targets):
                raise OutputError(f"{option} -: standard output is already used by another option")
            self.targets.append(_Target(option, path, "-", in_place=True, stdout=True))
            return
        if "\0" in path:
            raise OutputError(f"{option}: a file name cannot contain a NUL character")
        real = os.path.realpath(path)
        for t in self.targets:
            if not t.stdout and t.real == real:
                raise OutputError(
                    f"{t.option} and {option} both write {path!r}; give each a different file"
                )
        try:
            st = os.stat(real)
        except FileNotFoundError:
            st = None
        except BrokenPipeError:
            raise
        except OSError as exc:
            raise OutputError(f"{option} {path!r}: {exc.strerror}") from None
        if st is not None and stat.S_ISDIR(st.st_mode):
            raise OutputError(f"{option} {path!r} is a directory; give a file name")
        if st is not None and not stat.S_ISREG(st.st_mode):  # device, FIFO, socket
            if not os.access(real, os.W_OK):
                raise OutputError(f"{option} {path!r}: permission denied")
            self.targets.append(_Target(option, path, real, in_place=True))
            return
        directory = os.path.dirname(real) or "."
        if not os.path.isdir(directory):
            shown = os.path.dirname(path) or "."
            raise OutputError(f"{option} {path!r}: directory {shown!r} does not exist")
        if not os.access(directory, os.W_OK | os.X_OK):
            shown = os.path.dirname(path) or "."
            raise OutputError(f"{option} {path!r}: cannot create files in directory {shown!r}")
        if st is not None and not os.access(real, os.W_OK):
            raise OutputError(f"{option} {path!r}: the file is not writable")
        self.targets.append(_Target(option, path, real, in_place=False))

    def has(self, option: str) -> bool:
        """Whether a file was given for ``option``."""
        return any(t.option == option for t in self.targets)

    def write(self, contents: dict[str, str | bytes]) -> None:
        """Write ``contents[option]`` to each target: all temporaries first, then renames.

        Targets without contents are left alone. On any error every temporary file is
        removed and no regular-file target has changed.
        """
        chosen = [t for t in self.targets if t.option in contents]
        temporaries: list[tuple[str, _Target]] = []
        try:
            for t in chosen:
                if not t.in_place:
                    temporaries.append((_write_temporary(t, contents[t.option]), t))
            for t in chosen:
                if t.in_place:
                    _write_in_place(t, contents[t.option])
            for tmp, t in temporaries:
                os.replace(tmp, t.real)
        except BrokenPipeError:
            raise
        except OSError as exc:
            raise OutputError(
                f"cannot write {exc.filename or 'the output'!s}: {exc.strerror}"
            ) from None
        finally:
            for tmp, _ in temporaries:
                if os.path.lexists(tmp):
                    os.unlink(tmp)


def _write_temporary(t: _Target, content: str | bytes) -> str:
    directory = os.path.dirname(t.real) or "."
    fd, tmp = tempfile.mkstemp(prefix=f".{os.path.basename(t.real)}.", dir=directory)
    try:
        try:
            mode = stat.S_IMODE(os.stat(t.real).st_mode)  # a replaced file keeps its mode
        except FileNotFoundError:
            mode = 0o666 & ~current_umask()
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as fh:
            fh.write(content.encode("utf-8") if isinstance(content, str) else content)
    except BaseException:
        os.unlink(tmp)
        raise
    return tmp


def _write_in_place(t: _Target, content: str | bytes) -> None:
    data = content.encode("utf-8") if isinstance(content, str) else content
    if t.stdout:
        sys.stdout.flush()
        sys.stdout.buffer.write(data) if hasattr(sys.stdout, "buffer") else sys.stdout.write(
            data.decode("utf-8")
        )
        sys.stdout.flush()
        return
    with open(t.real, "wb") as fh:  # devices and FIFOs: no temporary, no rename
        fh.write(data)
