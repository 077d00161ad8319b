"""``Path.resolve()`` for the many files of one run, a directory at a time.

``Path.resolve()`` checks every component of the path with ``lstat`` (and ``stat``s the result),
so resolving each of a thousand files under the same directories repeats the same system calls
thousands of times. A :class:`Resolver` remembers each directory it resolved, by the path as
named, and resolves a path below it with one ``lstat`` of the last component: a symlink there is
resolved in full, anything else is the resolved parent joined with the name, which is what
``realpath`` computes. One resolver serves one run (the working directory and the directories
do not change under it).
"""

from __future__ import annotations

import os
from pathlib import Path


class Resolver:
    """Memoised ``Path.resolve()`` (non-strict)."""

    def __init__(self) -> None:
        self._dirs: dict[Path, Path] = {}

    def __call__(self, path: Path) -> Path:
        """``path.resolve()``. Only directories are remembered (each file is asked about once)."""
        if path.name in ("", ".", ".."):
            return self.directory(path)
        return self._below(path)

    def directory(self, path: Path) -> Path:
        """``path.resolve()`` for a directory, remembered."""
        done = self._dirs.get(path)
        if done is None:
            # the working directory, the root, or a path ending in ..: in full
            done = self._dirs[path] = path.resolve() if path.name in ("", ".", "..") else self._below(path)
        return done

    def _below(self, path: Path) -> Path:
        """A path whose last component is a name: its resolved parent joined with the name, or
        in full when that name is a symlink."""
        candidate = self.directory(path.parent) / path.name
        return candidate.resolve() if os.path.islink(candidate) else candidate
