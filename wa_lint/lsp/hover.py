"""The hover over a resource: its findings in a few lines each, not the rules' whole pages.

Per finding: rule id, severity and rule name, the message on one line, the fix, and a link to the
rule's page (the editor's diagnostic links it too). A resource with many findings lists the first
:data:`MAX_SHOWN` (most severe first) and counts the rest. Text from the template reaches the hover
inside messages, so every message and fix is escaped: it shows as written and never becomes a link,
an image or markup. A client that shows no Markdown gets the same lines as plain text.
"""

from __future__ import annotations

import re

from lsprotocol import types

from wa_lint.finding import Finding, RuleMeta, Severity
from wa_lint.report import help_uri

MAX_SHOWN = 6
MAX_CHARS = 300  # per message or fix: a hover is a glance, the Problems panel has the rest
_MARKUP = re.compile(r"([\\`*_\[\]<>&!|~:.])")  # `:` and `.` too: no URL in a message becomes a link
_WORD = re.compile(r"[A-Za-z0-9_-]+")


def escape(text: str, markdown: bool = True) -> str:
    """``text`` on one line, shortened, with Markdown's punctuation escaped (shown, never interpreted)."""
    text = " ".join(text.split())
    if len(text) > MAX_CHARS:
        text = text[:MAX_CHARS - 1].rstrip() + "…"
    return _MARKUP.sub(r"\\\1", text) if markdown else text


def hover(findings: list[Finding], rules: dict[str, RuleMeta], block: types.Range, *,
          markdown: bool = True) -> types.Hover:
    """The hover for ``findings`` (on one resource), over its ``block``; plain text for a client
    that shows no Markdown."""
    ordered = sorted(findings, key=lambda f: (-(f.severity or Severity.WARNING).rank, f.rule, f.message))
    unique = list({(f.rule, f.message): f for f in ordered}.values())
    parts = [_one(finding, rules.get(finding.rule), markdown) for finding in unique[:MAX_SHOWN]]
    if len(unique) > MAX_SHOWN:
        more = len(unique) - MAX_SHOWN
        parts.append(f"… and {more} more finding{'s' if more > 1 else ''} on this resource (see the Problems list)")
    kind = types.MarkupKind.Markdown if markdown else types.MarkupKind.PlainText
    value = ("\n\n---\n\n" if markdown else "\n\n").join(parts)
    return types.Hover(contents=types.MarkupContent(kind=kind, value=value), range=block)


def _one(finding: Finding, meta: RuleMeta | None, markdown: bool) -> str:
    severity = (finding.severity or (meta.severity if meta else None) or Severity.WARNING).value
    rule = _word(finding.rule, markdown)
    name = f" {_word(meta.name, markdown)}" if meta else ""
    href = help_uri(meta)
    message, fix = escape(finding.message, markdown), escape(finding.fix, markdown)
    if not markdown:
        return f"{rule} ({severity}){name}: {message}\nFix: {fix}\n{href or f'wa-lint explain {rule}'}"
    link = f"[{rule} documentation]({href})" if href else f"See `wa-lint explain {rule}`"
    return f"**{rule}** ({severity}){name}: {message}\n\n**Fix:** {fix}\n\n{link}"


def _word(text: str, markdown: bool) -> str:
    """A rule id or name as written when it is one word (as built-in ones are), else escaped."""
    return text if _WORD.fullmatch(text) else escape(text, markdown)
