"""Findings grouped by the resource they are on, for the formats a person reads (text, Markdown,
HTML): one header and one code frame per resource, however many rules report it."""

from __future__ import annotations

from wa_lint.finding import Finding

__all__ = ["by_resource"]


def by_resource(findings: list[Finding]) -> list[list[Finding]]:
    """Findings grouped by ``(path, resource)``, groups in the order of their first finding and
    findings in report order within each group."""
    groups: dict[tuple[str, str], list[Finding]] = {}
    for f in findings:
        groups.setdefault((f.path, f.resource), []).append(f)
    return list(groups.values())
