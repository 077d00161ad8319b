"""``wa-lint suppressions [PATH…]``: every suppression in force, for review (cdk-nag#405, #837).

The templates are linted as ``wa-lint report`` lints them, and the filter stage records each
suppression it meets (:class:`~wa_lint.results.InForce`): inline ones (``wa-lint`` Metadata, CDK
node metadata, cfn-lint ``ignore_checks``) and configuration entries (``per-…-ignores``), with
where each is written, what it suppresses, its ``applies-to`` scope, its reason and whether it
still matches a finding. Configuration entries are judged over the whole run: an entry is stale
when it matched nothing in any file it governs that this run linted.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass

from wa_lint.escape import json_safe, line, md_code, md_text
from wa_lint.results import FileResult, InForce

STATUS_ORDER = ("refused", "stale", "partial", "matched", "unchecked")
STATUS_TEXT = {
    "matched": "matches a finding",
    "partial": "accepts part of a finding (the rest is reported)",
    "stale": "matches nothing",
    "refused": "refused: the rule is mandatory",
    "unchecked": "not checked: the rule did not run",
}


@dataclass(slots=True)
class Review:
    """The suppressions of a run, merged across files, in a stable order."""

    rows: list[InForce]

    def counts(self) -> dict[str, int]:
        return {status: sum(r.status == status for r in self.rows) for status in STATUS_ORDER}


def collect(results: Iterable[FileResult]) -> Review:
    """One row per suppression: configuration entries (met once per file they govern) merged,
    their match counts added; inline ones met twice (a nested template linted on its own and
    through its parent) kept once."""
    merged: dict[tuple[str, str, int, str, str, str], InForce] = {}
    for result in results:
        for row in result.suppressions:
            key = (row.kind, row.path, row.line, row.rule, row.target, row.scope)
            seen = merged.get(key)
            if seen is None:
                merged[key] = InForce(**asdict(row))
                continue
            if row.kind == "config":
                seen.matched += row.matched
            else:
                seen.matched = max(seen.matched, row.matched)
            seen.status = min(seen.status, row.status, key=_strength)
    rows = sorted(merged.values(), key=lambda r: (r.path, r.line, r.rule, r.target, r.scope))
    return Review(rows)


def _strength(status: str) -> int:
    """Merging one entry's rows: refused wins, then a match anywhere, then partial; stale only
    when it is stale in every file; unchecked when no file ran the rule."""
    return {"refused": 0, "matched": 1, "partial": 2, "stale": 3, "unchecked": 4}[status]


def render_text(review: Review) -> str:
    out = []
    for r in review.rows:
        scope = f" applies-to {r.scope}" if r.scope else ""
        reason = r.reason or "(no reason)"
        out.append(line(f"{r.path}:{r.line}: {r.rule} {r.kind} {r.target}{scope}: {reason} "
                        f"[{STATUS_TEXT[r.status]}]"))
    counts = review.counts()
    summary = ", ".join(f"{n} {s}" for s, n in counts.items() if n)
    out.append(f"{len(review.rows)} suppression(s)" + (f": {summary}" if summary else ""))
    return "\n".join(out) + "\n"


def render_json(review: Review) -> str:
    doc = {
        "version": 1,
        "suppressions": [
            {"kind": r.kind, "path": r.path, "line": r.line, "rule": r.rule, "target": r.target,
             "applies_to": r.scope, "reason": r.reason, "status": r.status, "matched": r.matched}
            for r in review.rows
        ],
        "summary": review.counts(),
    }
    return json_safe(json.dumps(doc, indent=2, ensure_ascii=False)) + "\n"


def render_markdown(review: Review) -> str:
    out = ["## wa-lint suppressions", "",
           "| file | line | rule | kind | suppresses | applies to | reason | status |",
           "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    for r in review.rows:
        out.append(f"| {md_code(r.path)} | {r.line} | {r.rule} | {r.kind} | {md_code(r.target)} | "
                   f"{md_code(r.scope) if r.scope else ''} | {md_text(r.reason) if r.reason else '*(none)*'} | "
                   f"{STATUS_TEXT[r.status]} |")
    counts = review.counts()
    out += ["", f"{len(review.rows)} suppression(s): " + ", ".join(f"{n} {s}" for s, n in counts.items() if n)
            if review.rows else "No suppressions."]
    return "\n".join(out) + "\n"


RENDER = {"text": render_text, "json": render_json, "markdown": render_markdown}
