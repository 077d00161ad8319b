"""The one way wa-lint reads an input file, and the one way it writes a report.

Every input file (templates, CDK manifests and metadata, handler code, state machine definitions,
baselines) may come from a hostile pull request: a name can point at ``/dev/zero``, a named pipe or
a directory, and a file can be swapped between a check and the read. :func:`read_bytes` refuses
anything but a regular file without ever blocking (the descriptor is opened non-blocking and
checked with ``fstat``), and never reads more than its limit plus one byte.

:func:`write_text_atomic` writes a report to a temporary file beside the target and renames it
over the target, so a failed run never leaves a truncated report behind.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import stat
from collections.abc import Iterable, Iterator
from contextvars import ContextVar
from pathlib import Path
from typing import Protocol

from wa_lint.model import InputError

__all__ = ["MAX_FILE_BYTES", "Dependency", "InputFiles", "OutputError", "decode_utf8", "depends_on", "inside",
           "is_dir", "is_file", "read_bytes", "read_text", "recording", "replay", "too_large", "write_text_atomic"]

MAX_FILE_BYTES = 50 * 1024 * 1024
"""CloudFormation accepts 1 MB templates (S3); 50 MB leaves room for generated ones."""
_CHUNK = 1 << 20
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)


class OutputError(Exception):
    """A report or baseline that cannot be written: one line for the user, exit code 2."""


def _kind(mode: int) -> str | None:
    """What a non-regular file is, in words; None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _refuse(display: str, kind: str) -> InputError:
    if kind == "a directory":  # worded as the operating system words it
        return InputError(display, None, "cannot read file: Is a directory")
    return InputError(display, None, f"not a regular file ({kind}); not read")


def too_large(size: int, limit: int) -> str:
    return f"file too large ({size / 1024 / 1024:.1f} MB; the limit is {limit / 1024 / 1024:g} MB)"


# -- what a lint read (for the cache) ---------------------------------------------------------
Dependency = tuple[str, int, int, str | None] | tuple[str, str]
"""A file a lint depended on: ``("file", size, mtime_ns, sha256 or None)`` for a file read (the
digest None when a memoised reader read it earlier: the cache hashes it), ``("probe", state)`` for a
path only looked at (``state``: "file", "dir", "other" or "none"), so a file created later counts,
``("refused", stat)`` for a file the reader refused (too large, unreadable: :func:`refused_state`)."""

_reads: ContextVar[dict[str, Dependency] | None] = ContextVar("wa_lint_reads", default=None)


@contextlib.contextmanager
def recording() -> Iterator[dict[str, Dependency]]:
    """Record every file read or probed in this context (absolute path → :data:`Dependency`).
    A recording inside another one also feeds the outer one."""
    mine: dict[str, Dependency] = {}
    outer = _reads.get()
    token = _reads.set(mine)
    try:
        yield mine
    finally:
        _reads.reset(token)
        if outer is not None:
            replay(mine)


def replay(reads: dict[str, Dependency]) -> None:
    """Add reads recorded earlier to the current recording: a memoised loader that returns what
    it read before must still make those files the caller's dependencies."""
    current = _reads.get()
    if current is None:
        return
    for path, dep in reads.items():
        if _says_more(dep, current.get(path)):
            current[path] = dep


def _note(path: Path | str, dep: Dependency) -> None:
    current = _reads.get()
    if current is not None:
        key = os.path.abspath(path)
        if _says_more(dep, current.get(key)):
            current[key] = dep


def _says_more(dep: Dependency, known: Dependency | None) -> bool:
    """A read says more than a refusal, and a refusal more than a probe."""
    rank = {"file": 2, "refused": 1}
    return known is None or rank.get(dep[0], 0) >= max(rank.get(known[0], 0), 1)


def _state(path: Path | str) -> str:
    try:
        mode = os.stat(path).st_mode
    except (OSError, ValueError):
        return "none"
    return "file" if stat.S_ISREG(mode) else "dir" if stat.S_ISDIR(mode) else "other"


def probe(path: Path | str) -> str:
    """What ``path`` is ("file", "dir", "other", "none"), recorded as a dependency."""
    state = _state(path)
    if _reads.get() is not None:
        _note(path, ("probe", state))
    return state


def is_file(path: Path | str) -> bool:
    """``Path.is_file`` that the cache sees: a lint that found no file must re-run once there is one."""
    return probe(path) == "file"


def is_dir(path: Path | str) -> bool:
    """``Path.is_dir`` that the cache sees."""
    return probe(path) == "dir"


def refused(path: Path | str) -> None:
    """A regular file the reader refused (too large, unreadable): recorded by its stat, never read
    (a hostile file may be huge), so that once it shrinks or is made readable it is read again."""
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        probe(path)
        return
    if stat.S_ISREG(st.st_mode):
        _note(path, ("refused", refused_state(st)))
    else:
        probe(path)


def refused_state(st: os.stat_result) -> str:
    """What a refused file's dependency compares: size, mtime and ctime (chmod moves the last)."""
    return f"{st.st_size}:{st.st_mtime_ns}:{st.st_ctime_ns}"


def depends_on(path: Path | str) -> None:
    """Record a file that a memoised reader read earlier (or will read) as a dependency."""
    if _reads.get() is None:
        return
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        _note(path, ("probe", "none"))
        return
    if stat.S_ISREG(st.st_mode):
        _note(path, ("file", st.st_size, st.st_mtime_ns, None))
    else:
        _note(path, ("probe", _state(path)))


def read_bytes(path: Path | str, display: str, limit: int = MAX_FILE_BYTES) -> bytes:
    """At most ``limit`` bytes of the regular file ``path``; :class:`InputError` (naming
    ``display``) for anything else: missing, unreadable, not a regular file, or too large.

    The path is checked with ``stat`` before opening (so a device is never opened) and the open
    descriptor with ``fstat`` (so a file swapped in between is caught); opening is non-blocking, so
    a named pipe without a writer cannot hang the run. Inside :func:`recording`, the file (or
    what was found instead) is recorded.
    """
    if _reads.get() is None:
        return _read_bytes(path, display, limit)[0]
    try:
        data, st = _read_bytes(path, display, limit)
    except InputError:
        refused(path)
        raise
    _note(path, ("file", st.st_size, st.st_mtime_ns, hashlib.sha256(data).hexdigest()))
    return data


def _read_bytes(path: Path | str, display: str, limit: int) -> tuple[bytes, os.stat_result]:
    try:
        kind = _kind(os.stat(path).st_mode)
        if kind is not None:
            raise _refuse(display, kind)
        fd = os.open(path, _OPEN_FLAGS)
    except OSError as exc:
        raise InputError(display, None, f"cannot read file: {exc.strerror or exc}") from None
    try:
        st = os.fstat(fd)
        kind = _kind(st.st_mode)
        if kind is not None:
            raise _refuse(display, kind)
        if st.st_size > limit:
            raise InputError(display, None, too_large(st.st_size, limit))
        chunks: list[bytes] = []
        total = 0
        while total <= limit:  # the size may grow after fstat: read one byte past the limit at most
            chunk = os.read(fd, min(_CHUNK, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        if total > limit:
            raise InputError(display, None, too_large(total, limit))
        return b"".join(chunks), st
    except OSError as exc:
        raise InputError(display, None, f"cannot read file: {exc.strerror or exc}") from None
    finally:
        os.close(fd)


def read_text(path: Path | str, display: str, limit: int = MAX_FILE_BYTES) -> str:
    """:func:`read_bytes` decoded as UTF-8 (a BOM dropped); invalid UTF-8 is an :class:`InputError`
    naming the line."""
    return decode_utf8(read_bytes(path, display, limit), display)


def decode_utf8(data: bytes, display: str) -> str:
    """``data`` as UTF-8 text without a BOM; invalid UTF-8 is an :class:`InputError` naming the line."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InputError(display, line, f"invalid UTF-8 (byte 0x{data[exc.start]:02x})") from None
    return text[1:] if text.startswith("\ufeff") else text


def inside(path: Path, root: Path) -> bool:
    """Whether ``path`` lies in ``root`` once both are resolved (``..`` and symlinks followed)."""
    try:
        path.resolve().relative_to(root.resolve())
        return True
    except (ValueError, OSError, RuntimeError):  # RuntimeError: a symlink loop on older Pythons
        return False


def write_text_atomic(path: Path | str, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` through a temporary file renamed over it.

    A symlink is written through (its target is replaced). An existing non-regular target other
    than a directory (``/dev/stdout``, ``/dev/null``, a pipe) cannot be renamed over and is written
    in place. Every failure is an :class:`OutputError` and leaves an existing file as it was.
    """
    shown = str(path)
    data = text.encode("utf-8", errors="backslashreplace")  # never fails, and before anything is opened
    try:
        try:
            st: os.stat_result | None = os.stat(path)
        except FileNotFoundError:
            st = None
        if st is not None and stat.S_ISDIR(st.st_mode):
            raise OutputError(f"{shown}: cannot write the output: it is a directory")
        if st is not None and not stat.S_ISREG(st.st_mode):
            with open(path, "wb") as fh:
                fh.write(data)
            return
        target = Path(path).resolve()  # through symlinks: the file they name is replaced
        target.parent.mkdir(parents=True, exist_ok=True)
        _replace(target, data, st)
    except OSError as exc:
        raise OutputError(f"{shown}: cannot write the output: {exc.strerror or exc}") from None


def _replace(target: Path, data: bytes, existing: os.stat_result | None) -> None:
    import tempfile  # only when a report is written to a file

    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, stat.S_IMODE(existing.st_mode) if existing is not None else 0o666 & ~_umask())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _identity(path: Path | str) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        return None
    return (st.st_dev, st.st_ino) if stat.S_ISREG(st.st_mode) else None


class _Input(Protocol):
    """What :class:`InputFiles` reads of a source (``wa_lint.discover.Source``; not imported, as
    discovery reads files through this module)."""

    @property
    def kind(self) -> str: ...

    @property
    def path(self) -> Path: ...


class InputFiles:
    """The files a run reads as input, to refuse an output that would overwrite one of them.

    Files are compared by device and inode, so a symlink, a hard link, ``..`` or another spelling
    (a case-insensitive file system) of a linted template is still recognised; for a cloud assembly,
    every existing file inside its directory counts.
    """

    def __init__(self, sources: Iterable[_Input]) -> None:
        self._files: set[tuple[int, int]] = set()
        self._dirs: list[Path] = []
        for source in sources:
            if source.kind == "cdk":
                self._dirs.append(source.path)
            else:
                self.add(source.path)

    def add(self, path: Path | str) -> None:
        """Another file read (a nested template found while linting)."""
        found = _identity(path)
        if found is not None:
            self._files.add(found)

    def __contains__(self, target: object) -> bool:
        if not isinstance(target, (str, Path)):
            return False
        found = _identity(target)  # a file that does not exist yet is nobody's input
        if found is None:
            return False
        return found in self._files or any(inside(Path(target), d) for d in self._dirs)

    def refusal(self, option: str, target: str) -> str | None:
        """The one-line error for writing ``option``'s ``target``, or None when it is safe."""
        if target in self:
            return f"{option} {target}: refusing to overwrite a file this run lints"
        return None
