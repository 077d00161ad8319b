"""Scoped suppressions: what a suppression ``applies-to``, and how much of a finding it covers.

Rules name what a finding reports in ``Finding.subjects`` (the IAM rules the actions and
resources, the API rules the routes, WA101 the invokers, WA106 the targets). A suppression with
``applies-to`` accepts only the subjects its globs cover::

    - id: WA201
      reason: CDK grant for multipart uploads
      applies-to: {actions: ["s3:Abort*"], resources: ["arn:aws:s3:::uploads/*"]}

A finding is suppressed only when, for every kind the scope names, every subject of that kind is
covered; a kind the scope does not name is not constrained. A finding that reports nothing of a
named kind cannot be checked and is not suppressed (a scope never widens into a whole-rule
suppression). A glob covers a subject only if it grants at least as much: the subject's own
wildcards are matched by ``*`` in the glob and by nothing else, so ``s3:Get*`` does not cover
``s3:*`` and ``s3:GetObject`` does not cover ``s3:Get*``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

#: kind → (what it means, whether globs match case-insensitively)
KINDS: dict[str, tuple[str, bool]] = {
    "actions": ("IAM actions (WA201, WA202, WA204, WA207)", True),
    "resources": ("IAM resources as written (WA201, WA202, WA204, WA207)", False),
    "routes": ("API routes such as `POST /orders` (WA220, WA221)", False),
    "invokers": ("resources that invoke a function asynchronously (WA101)", False),
    "targets": ("targets of an EventBridge rule or schedule (WA106)", False),
}
MAX_GLOBS = 200  # per kind; a scope is a handful of globs
MAX_GLOB_CHARS = 500


@lru_cache(maxsize=1024)
def _pattern(glob: str, fold: bool) -> re.Pattern[str]:
    """``*`` matches anything (also the subject's own wildcards); ``?`` one character that is not a
    wildcard; everything else itself."""
    parts = [".*" if c == "*" else "[^*?]" if c == "?" else re.escape(c) for c in glob]
    return re.compile("".join(parts), re.IGNORECASE | re.DOTALL if fold else re.DOTALL)


def _route(text: str) -> str:
    method, sep, path = text.strip().partition(" ")
    return f"{method.upper()} {path.strip()}" if sep else text.strip()


def glob_covers(kind: str, glob: str, subject: str) -> bool:
    """Whether ``glob`` (from a scope of ``kind``) accepts everything ``subject`` stands for."""
    if kind == "routes":
        glob, subject = _route(glob), _route(subject)
    return _pattern(glob, KINDS.get(kind, ("", False))[1]).fullmatch(subject) is not None


@dataclass(frozen=True, slots=True)
class Scope:
    """The globs of one ``applies-to``, by kind (sorted, so that equal scopes compare equal)."""

    globs: tuple[tuple[str, tuple[str, ...]], ...]

    def text(self) -> str:
        """``actions s3:Abort*; resources arn:aws:s3:::uploads/*``."""
        return "; ".join(f"{kind} {', '.join(globs)}" for kind, globs in self.globs)

    def as_dict(self) -> dict[str, list[str]]:
        return {kind: list(globs) for kind, globs in self.globs}


@dataclass(frozen=True, slots=True)
class Coverage:
    """How much of one finding a scope covers: ``full`` (suppress it), else the accepted part
    (empty when nothing is accepted) and the part still reported."""

    full: bool
    accepted: dict[str, list[str]]
    uncovered: dict[str, list[str]]

    @property
    def partial(self) -> bool:
        return not self.full and bool(self.accepted)


def coverage(scope: Scope | None, subjects: dict[str, list[str]]) -> Coverage:
    """What ``scope`` covers of a finding's ``subjects`` (None: the whole finding).

    The finding stands for the product of its subjects (these actions on these resources), so
    the accepted part is the product of what is covered in each kind the scope names: when one
    of those kinds has nothing covered, nothing is accepted."""
    if scope is None:
        return Coverage(True, {}, {})
    accepted: dict[str, list[str]] = {}
    uncovered: dict[str, list[str]] = {}
    for kind, globs in scope.globs:
        items = subjects.get(kind) or []
        hit = [s for s in items if any(glob_covers(kind, g, s) for g in globs)]
        if not hit:
            return Coverage(False, {}, {kind: list(items)})
        accepted[kind] = hit
        missed = [s for s in items if s not in hit]
        if missed:
            uncovered[kind] = missed
    return Coverage(not uncovered, {} if not uncovered else accepted, uncovered)


def accepted_note(cover: Coverage, limit: int = 70) -> str:
    """The message suffix of a partly covered finding: `` (accepted: s3:Abort* on arn:…)``."""
    parts = [_short(items, limit // max(1, len(cover.accepted))) for items in cover.accepted.values()]
    return f" (accepted by a suppression: {' on '.join(parts)})"


def _short(items: list[str], limit: int) -> str:
    shown: list[str] = []
    for item in items:
        if shown and len(", ".join([*shown, item])) > limit:
            break
        shown.append(item if len(item) <= limit else item[: max(8, limit - 1)] + "…")
    rest = len(items) - len(shown)
    return ", ".join(shown) + (f" and {rest} more" if rest else "")


def parse_scope(raw: Any) -> tuple[Scope | None, list[str]]:
    """An ``applies-to`` value: a mapping of kind → glob or list of globs. Returns the scope (None
    when it is unusable) and the problems found, each a phrase for a WA002 or ConfigError message."""
    if not isinstance(raw, dict) or not raw:
        return None, ["has an applies-to that is not a mapping of " + ", ".join(KINDS) + " to globs"]
    problems: list[str] = []
    globs: dict[str, tuple[str, ...]] = {}
    for key, value in raw.items():
        if key not in KINDS:
            problems.append(f"has an applies-to with unknown key {str(key)[:40]!r} (known: {', '.join(KINDS)})")
            continue
        values = [value] if isinstance(value, str) else value
        if (not isinstance(values, list) or not values or len(values) > MAX_GLOBS
                or not all(isinstance(v, str) and v.strip() and len(v) <= MAX_GLOB_CHARS for v in values)):
            problems.append(f"has an applies-to {key} that is not a non-empty list of globs")
            continue
        globs[key] = tuple(sorted(dict.fromkeys(v.strip() for v in values)))
    if problems:
        return None, problems
    return Scope(tuple(sorted(globs.items()))), []
