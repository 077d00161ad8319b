"""A one-line progress bar on stderr while many files are linted.

Shown only when stderr is a terminal, there are enough files for it to matter, and neither
``--quiet`` nor a CI log (no terminal) asks for silence. It redraws at most ten times a second
and erases itself when done, so the report on stdout is never interleaved with it.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO

MIN_FILES = 10
WIDTH = 28
INTERVAL = 0.1


class ProgressBar:
    def __init__(self, total: int, stream: TextIO | None = None, *, min_files: int = MIN_FILES,
                 enabled: bool = True) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.total = total
        isatty = getattr(self.stream, "isatty", None)
        self.active = enabled and total >= min_files and bool(isatty and isatty())
        self._last = 0.0
        self._drawn = False

    def __call__(self, done: int, total: int) -> None:
        if not self.active:
            return
        now = time.monotonic()
        if done < total and now - self._last < INTERVAL:
            return
        self._last = now
        filled = WIDTH * done // max(total, 1)
        bar = "█" * filled + "░" * (WIDTH - filled)
        self.stream.write(f"\r  linting {bar} {done}/{total} files")
        self.stream.flush()
        self._drawn = True

    def close(self) -> None:
        if self._drawn:
            self.stream.write("\r\x1b[2K")
            self.stream.flush()
            self._drawn = False
