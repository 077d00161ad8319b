"""Masking: the secrets found in a stack's function environments (:mod:`wa_lint.secrets`) are
listed on every finding of the stack, whichever rule or filter step made it, also on the findings
the filter took out; every output replaces them with :data:`MASK`.
"""

from __future__ import annotations

from collections.abc import Iterable

from wa_lint.finding import Finding

MASK = "********"


def masked(text: str, secrets: Iterable[str]) -> str:
    """``text`` with every secret value replaced by a mask."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, MASK)
    return text


def mask_findings(findings: Iterable[Finding], secrets: list[str]) -> None:
    """Add ``secrets`` to each finding's ``masked`` list, which every output honours."""
    if not secrets:
        return
    for finding in findings:
        finding.masked = list(dict.fromkeys([*finding.masked, *secrets]))
