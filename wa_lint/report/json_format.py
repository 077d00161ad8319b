"""The JSON report: a stable, documented shape (``docs/json-output.md``); version bumps on change.

Fields are only ever added. ``finding_dict`` is also the shape of the fixture snapshots, so the
report-only fields (``fingerprint``, ``suppression``) are added by :func:`report_dict`.
"""

from __future__ import annotations

from typing import Any

from wa_lint import __version__
from wa_lint.escape import json_safe
from wa_lint.finding import Finding, Related
from wa_lint.report import Report
from wa_lint.report.json_writer import dumps
from wa_lint.report.source import masked, safe_fix, safe_message

JSON_VERSION = 1


def related_dict(r: Related) -> dict[str, Any]:
    """A related resource; ``via`` (the cross-stack link's evidence) only when there is one, so
    single-stack output is unchanged."""
    out: dict[str, Any] = {"resource": r.resource, "path": r.path, "line": r.line}
    if r.via is not None:
        out["via"] = r.via
    return out


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
        "message": safe_message(f),
        "fix": safe_fix(f),
        "related": [related_dict(r) for r in f.related],
    }


def report_dict(report: Report) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "version": JSON_VERSION,
        "tool": {"name": "wa-lint", "version": __version__},
        "files": [
            {"path": r.path, "kind": r.kind, "stacks": r.stacks, "error": r.error, "warnings": r.warnings}
            for r in report.files
        ],
        "findings": [{**finding_dict(f), "fingerprint": report.fingerprint(f)} for f in report.findings],
        "errors": report.errors,  # every error line: the files' (also in files[].error), missing paths, configuration
        "summary": report.summary(),
    }
    if report.show_suppressed:
        doc["suppressed"] = [
            {**finding_dict(s.finding), "fingerprint": report.fingerprint(s.finding),
             "suppression": {"kind": s.kind, "reason": masked(s.reason, s.finding.masked)}}
            for s in report.suppressed
        ]
    if report.baseline is not None:
        doc["baseline"] = {"path": report.baseline.path, "baselined": report.baseline.baselined}
        doc["fixed"] = [
            {"rule": e.rule, "path": e.path, "stack": e.stack, "resource": e.resource, "message": e.message,
             "fingerprint": e.fingerprint}
            for e in report.fixed
        ]
    return doc


def render_json(report: Report) -> str:
    return json_safe(dumps(report_dict(report))) + "\n"  # = json.dumps(..., indent=2, ensure_ascii=False)
