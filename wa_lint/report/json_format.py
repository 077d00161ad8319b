"""The JSON report: a stable, documented shape (``docs/json-output.md``); version bumps on change."""

from __future__ import annotations

import json
from typing import Any

from wa_lint import __version__
from wa_lint.api import Finding
from wa_lint.report import Report

JSON_VERSION = 1


def finding_dict(f: Finding) -> dict[str, Any]:
    return {
        "rule": f.rule,
        "name": f.name,
        "pillar": f.pillar,
        "severity": f.severity.value if f.severity else None,
        "path": f.path,
        "line": f.line,
        "column": f.column,
        "resource": f.resource,
        "resource_type": f.resource_type,
        "construct_path": f.construct_path,
        "source_resource": f.source_resource,
        "condition": f.condition,
        "stack": f.stack,
        "message": f.message,
        "fix": f.fix,
        "related": [{"resource": r.resource, "path": r.path, "line": r.line} for r in f.related],
    }


def report_dict(report: Report) -> dict[str, Any]:
    return {
        "version": JSON_VERSION,
        "tool": {"name": "wa-lint", "version": __version__},
        "files": [
            {"path": r.path, "kind": r.kind, "stacks": r.stacks, "error": r.error} for r in report.files
        ],
        "findings": [finding_dict(f) for f in report.findings],
        "summary": report.summary(),
    }


def render_json(report: Report) -> str:
    return json.dumps(report_dict(report), indent=2, ensure_ascii=False) + "\n"
