"""Baselines: adopt wa-lint on an existing code base by reporting only new findings.

``--write-baseline FILE`` records today's findings; ``--baseline FILE`` then hides those and
reports the ones that are gone as fixed (:mod:`wa_lint.filter.baseline`). A finding is identified
by a fingerprint of its rule, file, stack, resource (the logical id the user wrote) and message
key (the message with numbers blanked), never by its line, so edits elsewhere in the template and
reordering do not make an old finding look new. Identical keys are numbered, so two equal findings need two entries.
"""

from __future__ import annotations

import hashlib
import json
import re
import reprlib
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from wa_lint.fileio import OutputError, read_text, write_text_atomic
from wa_lint.filter.masking import masked
from wa_lint.finding import Finding
from wa_lint.model import InputError

BASELINE_VERSION = 1
_NUMBER = re.compile(r"\d+")


class BaselineError(Exception):
    """A baseline file that cannot be read or has the wrong shape."""


def message_key(message: str) -> str:
    """The message without the numbers in it (timeouts, sizes, counts change; the problem does not)."""
    return _NUMBER.sub("#", " ".join(message.split()))


def fingerprints(findings: list[Finding], path_of: Callable[[str], str] | None = None) -> list[str]:
    """One fingerprint per finding, in order. ``path_of`` maps a finding's path to the form it
    is keyed by (relative to the baseline file); default: as reported."""
    seen: Counter[str] = Counter()
    out: list[str] = []
    for f in findings:
        path = path_of(f.path) if path_of else f.path
        key = "\x1f".join((f.rule, path, f.stack, f.resource, message_key(f.message)))
        digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]
        n = seen[digest]
        seen[digest] += 1
        out.append(digest if n == 0 else f"{digest}-{n}")
    return out


def relative_to(base: Path) -> Callable[[str], str]:
    """A ``path_of`` for :func:`fingerprints`: report paths relative to ``base`` (posix)."""
    cwd = Path.cwd()
    resolved = base.resolve()

    def convert(path: str) -> str:
        p = Path(path)
        absolute = (p if p.is_absolute() else cwd / p).resolve()
        try:
            return absolute.relative_to(resolved).as_posix()
        except ValueError:
            return absolute.as_posix()

    return convert


@dataclass(frozen=True, slots=True)
class BaselineEntry:
    fingerprint: str
    rule: str
    path: str
    stack: str
    resource: str
    message: str


def entries(findings: list[Finding], base: Path) -> list[BaselineEntry]:
    path_of = relative_to(base)
    return [
        BaselineEntry(fp, f.rule, path_of(f.path), f.stack, f.resource, masked(f.message, f.masked))
        for f, fp in zip(findings, fingerprints(findings, path_of))
    ]


def write_baseline(path: Path, findings: list[Finding]) -> int:
    """Write ``findings`` as the baseline at ``path``; returns how many were written."""
    rows = sorted(entries(findings, path.parent), key=lambda e: (e.path, e.stack, e.rule, e.resource, e.fingerprint))
    doc = {"version": BASELINE_VERSION, "tool": "wa-lint", "findings": [asdict(e) for e in rows]}
    try:
        write_text_atomic(path, json.dumps(doc, indent=2, ensure_ascii=False) + "\n")
    except OutputError as exc:
        raise BaselineError(str(exc)) from None
    return len(rows)


def read_baseline(path: Path) -> list[BaselineEntry]:
    if not path.exists():
        raise BaselineError(f"{path}: baseline file not found (create it with --write-baseline)")
    try:
        doc: Any = json.loads(read_text(path, str(path)))  # bounded, regular files only
    except InputError as exc:
        raise BaselineError(f"{path}: cannot read baseline: {exc.message}") from None
    except (ValueError, RecursionError) as exc:
        raise BaselineError(f"{path}: cannot read baseline: {exc}") from None
    if not isinstance(doc, dict) or doc.get("version") != BASELINE_VERSION or not isinstance(doc.get("findings"), list):
        raise BaselineError(f"{path}: not a wa-lint baseline (version {BASELINE_VERSION})")
    out = []
    for row in doc["findings"]:
        try:
            out.append(BaselineEntry(**{k: str(row[k]) for k in BaselineEntry.__dataclass_fields__}))
        except (KeyError, TypeError, ValueError):  # reprlib: a hostile entry is shown short
            raise BaselineError(f"{path}: malformed baseline entry {reprlib.repr(row)}") from None
    return out


@dataclass(slots=True)
class BaselineOutcome:
    """What applying a baseline did: how many findings it hid and which entries are fixed."""

    path: str
    baselined: int
    fixed: list[BaselineEntry]
