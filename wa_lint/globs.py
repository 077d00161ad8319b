"""Globs from configuration files, matched without backtracking.

Globs come from a configuration file and are matched against file paths, CDK construct paths and
resource types, which a template controls. Translated to one regex, ``*a*a*a*b`` backtracks
polynomially and ``**/**/**/x`` exponentially on a long subject. Here a glob is split on ``/``; a
``**`` segment spans any number of segments (a set of reachable positions, so at most
segments × segments steps); every other segment is fixed-width chunks separated by ``*``, placed
greedily leftmost (exact for ``*``-only globs), each chunk found with a regex that has no
quantifier. ``[…]`` is a character class (``!`` or ``^`` negates); a range that runs backwards
(``[z-a]``) is a :class:`GlobError` when the glob is compiled, not when it is matched.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_GLOB = 1024  # characters; a longer glob is a configuration mistake
MAX_SUBJECT = 8192  # characters; longer than any real path, construct path or type: never matches


class GlobError(ValueError):
    """A glob that cannot be compiled; the message says why (without naming the file)."""


def _class(text: str, start: int) -> tuple[str, int] | None:
    """The regex for the ``[…]`` class opening at ``start`` and the index after it; None when unclosed."""
    i = start + 1
    negate = i < len(text) and text[i] in "!^"
    i += negate
    body_start = i
    if i < len(text) and text[i] == "]":  # a leading ] is a member
        i += 1
    close = text.find("]", i)
    if close == -1:
        return None
    body = text[body_start:close]
    members: list[str] = []
    k = 0
    while k < len(body):
        lo = body[k]
        if k + 2 < len(body) and body[k + 1] == "-":
            hi = body[k + 2]
            if lo > hi:
                raise GlobError(f"invalid range {lo}-{hi} in [{body}]")
            members.append(f"{re.escape(lo)}-{re.escape(hi)}")
            k += 3
        else:
            members.append(re.escape(lo))
            k += 1
    return "[" + ("^" if negate else "") + "".join(members) + "]", close + 1


@dataclass(frozen=True, slots=True)
class Segment:
    """A glob without ``/`` semantics: ``*`` spans any characters, ``?`` one, ``[…]`` one of a class."""

    chunks: tuple[re.Pattern[str], ...]
    widths: tuple[int, ...]
    star: bool

    @classmethod
    def compile(cls, text: str) -> Segment:
        parts: list[list[str]] = [[]]
        i = 0
        while i < len(text):
            c = text[i]
            if c == "*":
                parts.append([])
                i += 1
            elif c == "?":
                parts[-1].append("(?s:.)")
                i += 1
            elif c == "[" and (found := _class(text, i)) is not None:
                parts[-1].append(found[0])
                i = found[1]
            else:
                parts[-1].append(re.escape(c))
                i += 1
        if len(parts) > 2:  # consecutive stars leave empty middle chunks; they constrain nothing
            parts = [parts[0], *(p for p in parts[1:-1] if p), parts[-1]]
        return cls(tuple(re.compile("".join(p)) for p in parts), tuple(len(p) for p in parts), len(parts) > 1)

    def match(self, text: str) -> bool:
        if len(text) > MAX_SUBJECT:
            return False
        chunks, widths = self.chunks, self.widths
        if not self.star:
            return chunks[0].fullmatch(text) is not None
        end = len(text) - widths[-1]
        if end < widths[0] or chunks[0].match(text) is None or chunks[-1].fullmatch(text, end) is None:
            return False
        pos = widths[0]
        for chunk in chunks[1:-1]:
            found = chunk.search(text, pos, end)
            if found is None:
                return False
            pos = found.end()
        return True


@dataclass(frozen=True, slots=True)
class PathGlob:
    """A gitignore-like glob: without ``/`` it matches a file or directory name at any depth; with
    ``/`` it is anchored at its root (a leading ``/`` or ``./`` changes nothing). ``**`` as a whole
    segment spans any number of directories; inside a segment it is ``*``. Matching a path matches
    everything below it."""

    text: str
    segments: tuple[Segment | None, ...]  # None is a ``**`` segment
    anywhere: bool

    @classmethod
    def compile(cls, pattern: str, *, anchored: bool = False) -> PathGlob:
        if len(pattern) > MAX_GLOB:
            raise GlobError(f"glob longer than {MAX_GLOB} characters")
        pat = pattern.strip()
        pat = pat[2:] if pat.startswith("./") else pat
        pat = pat.strip("/")
        names = [s for s in pat.split("/") if s]
        if not names:
            raise GlobError("empty glob")
        segments = tuple(None if s == "**" else Segment.compile(s) for s in names)
        return cls(pattern, segments, anywhere=not anchored and "/" not in pat)

    def match(self, path: str) -> bool:
        """Whether ``path`` (``/``-separated, relative to the glob's root) or a directory above it matches."""
        if len(path) > MAX_SUBJECT:
            return False
        parts = path.strip("/").split("/")
        total = len(parts)
        reach = set(range(total)) if self.anywhere else {0}
        for segment in self.segments:
            if segment is None:
                reach = set(range(min(reach), total + 1))
            else:
                reach = {j + 1 for j in reach if j < total and segment.match(parts[j])}
            if not reach:
                return False
        return True
