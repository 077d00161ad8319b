"""SARIF 2.1.0 for GitHub code scanning (and any other SARIF viewer).

Rules carry their documentation (short and full description, ``help.markdown`` = the rule's
page, ``helpUri``), pillar tags and, for security rules, ``security-severity`` so GitHub ranks
them. Results point at the file relative to ``%SRCROOT%`` (the repository's root, else the working
directory), name the resource as a logical location, with a region spanning the resource's block (``endLine``,
``endColumn``) and the other resources the finding names as ``relatedLocations``. Two
``partialFingerprints``: ``primaryLocationLineHash``, computed as GitHub's upload action computes
it (:mod:`wa_lint.report.line_hash`), which code scanning matches alerts by; and wa-lint's own,
from rule, file, stack, resource and message key, which survives any edit around the resource.
File errors and the files' warnings (an ``AWS::Include`` of a remote or missing file, …) are the
invocation's ``toolExecutionNotifications``, levels ``error`` and ``warning``, on the file and
line they name.
"""

from __future__ import annotations

import os
import re
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

from wa_lint import __version__
from wa_lint.escape import json_safe
from wa_lint.finding import Finding, Pillar, RuleMeta, Severity
from wa_lint.report import Report, help_uri
from wa_lint.report.file_errors import Located, anchor, report_errors, report_warnings
from wa_lint.report.json_writer import dumps
from wa_lint.report.line_hash import file_line_hashes
from wa_lint.report.regions import block_end
from wa_lint.report.source import frame, line_text, masked, safe_fix, safe_message

SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
INFORMATION_URI = "https://github.com/wa-lint/wa-lint"
FINGERPRINT_KEY = "waLintFinding/v1"
LINE_HASH_KEY = "primaryLocationLineHash"
LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
PROBLEM_SEVERITY = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "recommendation"}
#: GitHub's bands: >= 9 critical, 7-8.9 high, 4-6.9 medium, 0.1-3.9 low
SECURITY_SEVERITY = {Severity.ERROR: "8.0", Severity.WARNING: "5.5", Severity.INFO: "2.0"}
MAX_DESCRIPTION = 1000


def _pascal(name: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[-_\s]+", name) if part)


def _full_description(meta: RuleMeta) -> str:
    """The rule's "Why" section (or its first paragraph) as plain text."""
    doc = meta.doc.strip()
    why = re.search(r"^## Why\s*\n(.*?)(?=^## |\Z)", doc, re.S | re.M)
    body = why.group(1) if why else doc.split("\n\n", 1)[-1] if "\n\n" in doc else doc
    text = " ".join(body.split())
    text = re.sub(r"`([^`]*)`", r"\1", text)
    return text[: MAX_DESCRIPTION - 1] + "…" if len(text) > MAX_DESCRIPTION else text or meta.summary


def rule_descriptor(meta: RuleMeta) -> dict[str, Any]:
    from wa_lint.docs import explain

    tags = ["well-architected", "serverless", meta.pillar.value]
    properties: dict[str, Any] = {
        "tags": tags,
        "precision": "high",
        "problem.severity": PROBLEM_SEVERITY[meta.severity],
        "pillar": meta.pillar.value,
        "lens": meta.lens,
    }
    if meta.pillar is Pillar.SECURITY:  # the pillar tag is already "security"

        properties["security-severity"] = SECURITY_SEVERITY[meta.severity]
    url = help_uri(meta)
    descriptor: dict[str, Any] = {
        "id": meta.id,
        "name": _pascal(meta.name),
        "shortDescription": {"text": meta.summary},
        "fullDescription": {"text": _full_description(meta)},
        "help": {"text": f"{meta.summary}" + (f" See {url}" if url else ""), "markdown": explain(meta)},
        "defaultConfiguration": {"level": LEVEL[meta.severity], "enabled": meta.enabled},
        "properties": properties,
    }
    if url:
        descriptor["helpUri"] = url
    return descriptor


@lru_cache(maxsize=8)
def source_root(cwd: str) -> str:
    """``%SRCROOT%``: the repository the working directory is in (the nearest directory up holding
    ``.git``), since GitHub resolves a result's path from the repository's root; else the working
    directory itself."""
    here = Path(cwd)
    return str(next((d for d in (here, *here.parents) if (d / ".git").exists()), here))


def artifact_location(path: str) -> dict[str, Any]:
    """Paths below ``%SRCROOT%`` are relative to it (a report made in a subdirectory still names
    ``infra/template.yaml``); others become ``file:`` URIs."""
    cwd = os.getcwd()
    root = source_root(cwd)
    full = os.path.normpath(os.path.join(cwd, path))
    relative = os.path.relpath(full, root)
    if relative == ".." or relative.startswith(".." + os.sep) or os.path.isabs(relative):
        return {"uri": Path(full).resolve().as_uri()}  # outside %SRCROOT%: an absolute file URI
    return {"uri": quote(Path(relative).as_posix(), safe="/"), "uriBaseId": "%SRCROOT%"}


def _region(f: Finding) -> dict[str, Any] | None:
    if not f.line or f.line < 1:
        return None
    region: dict[str, Any] = {"startLine": f.line}
    if f.column and f.column >= 1:
        region["startColumn"] = f.column
    end = block_end(f.path, f.line, f.column)
    if end is not None and (end[0] > f.line or end[1] > region.get("startColumn", 1)):
        region["endLine"], region["endColumn"] = end
    snippet = line_text(f.path, f.line, f.masked)
    if snippet is not None:
        region["snippet"] = {"text": snippet}
    return region


def _physical(f: Finding) -> dict[str, Any]:
    physical: dict[str, Any] = {"artifactLocation": artifact_location(f.path)}
    region = _region(f)
    if region is not None:
        physical["region"] = region
        rows = frame(f.path, f.line, f.masked, context=2)
        if rows:
            physical["contextRegion"] = {
                "startLine": rows[0][0], "endLine": rows[-1][0],
                "snippet": {"text": "\n".join(text for _, text in rows) + "\n"},
            }
    return physical


def _message(f: Finding) -> str:
    message = safe_message(f).rstrip()
    fix = safe_fix(f).strip()
    if not fix:
        return message
    return f"{message}{'' if message.endswith('.') else '.'} Fix: {fix}"


def _fingerprints(f: Finding, report: Report) -> dict[str, str]:
    prints = {FINGERPRINT_KEY: report.fingerprint(f)}
    line_hash = file_line_hashes(f.path).get(f.line) if f.line and f.line >= 1 else None
    if line_hash:
        prints[LINE_HASH_KEY] = line_hash
    return prints


def result(f: Finding, report: Report, index: dict[str, int]) -> dict[str, Any]:
    severity = f.severity or Severity.WARNING
    out: dict[str, Any] = {
        "ruleId": f.rule,
        "level": LEVEL[severity],
        "message": {"text": _message(f)},
        "locations": [{
            "physicalLocation": _physical(f),
            "logicalLocations": [{"name": f.resource, "fullyQualifiedName": f"{f.stack}/{f.resource}",
                                  "kind": "resource"}],
        }],
        "partialFingerprints": _fingerprints(f, report),
        "properties": {
            "pillar": f.pillar, "severity": severity.value, "resource": f.resource,
            "resourceType": f.resource_type, "stack": f.stack, "fix": safe_fix(f),
            **({"constructPath": f.construct_path} if f.construct_path else {}),
            **({"sourceResource": f.source_resource} if f.source_resource else {}),
            **({"condition": f.condition} if f.condition else {}),
        },
    }
    if f.rule in index:
        out["ruleIndex"] = index[f.rule]
    related = []
    for n, rel in enumerate(f.related, start=1):
        path = rel.path or f.path
        loc: dict[str, Any] = {"artifactLocation": artifact_location(path)}
        if rel.line and rel.line >= 1:
            loc["region"] = {"startLine": rel.line}
            end = block_end(path, rel.line, 0)
            if end is not None and end[0] > rel.line:
                loc["region"]["endLine"] = end[0]
        text = f"{rel.resource} (linked through {rel.via})" if rel.via else rel.resource
        related.append({"id": n, "physicalLocation": loc, "message": {"text": text},
                        "logicalLocations": [{"name": rel.resource, "kind": "resource"}]})
    if related:
        out["relatedLocations"] = related
    if report.baseline is not None:
        out["baselineState"] = "new"
    return out


def notification(entry: Located, level: str) -> dict[str, Any]:
    """A file error (``error``: the file was not linted) or warning (``warning``: part of it was not
    read, the rest was linted), on the file and line it names."""
    out: dict[str, Any] = {"level": level, "message": {"text": entry.text}}
    path = anchor(entry)
    if path is not None:
        physical: dict[str, Any] = {"artifactLocation": artifact_location(path)}
        if entry.line and path == entry.path:
            physical["region"] = {"startLine": entry.line}
        out["locations"] = [{"physicalLocation": physical}]
    return out


def sarif_dict(report: Report) -> dict[str, Any]:
    rules = list(report.rules)
    known = {m.id for m in rules}
    for f in report.findings + [s.finding for s in report.suppressed]:
        if f.rule not in known:  # a rule outside the report's list: describe it minimally
            known.add(f.rule)
            pillar = Pillar(f.pillar) if f.pillar in {p.value for p in Pillar} else Pillar.OPERATIONS
            rules.append(RuleMeta(f.rule, f.name or f.rule, pillar, f.severity or Severity.WARNING, lens="",
                                  doc=f.name or f.rule, check=lambda _graph: iter(())))
    index = {m.id: i for i, m in enumerate(rules)}
    results = [result(f, report, index) for f in report.findings]
    if report.show_suppressed:
        for s in report.suppressed:
            r = result(s.finding, report, index)
            reason = masked(s.reason, s.finding.masked)
            r["suppressions"] = [{"kind": "inSource" if s.kind == "inline" else "external", "status": "accepted",
                                  **({"justification": reason} if reason else {})}]  # none written: none given
            if s.kind == "baseline":
                r["baselineState"] = "unchanged"
            results.append(r)
    notifications = [notification(e, "error") for e in report_errors(report)]
    notifications += [notification(w, "warning") for w in report_warnings(report)]
    if len(results) > MAX_RESULTS:  # GitHub rejects a run with more: keep the most severe, say so
        total = len(results)
        results.sort(key=lambda r: ("suppressions" in r, LEVEL_ORDER.get(r["level"], 3)))  # stable
        del results[MAX_RESULTS:]
        notifications.append({"level": "warning", "message": {"text": (
            f"{total - MAX_RESULTS} of {total} results left out: GitHub code scanning takes at most "
            f"{MAX_RESULTS:,} results a run; the most severe are kept (the other formats list them all)")}})
    run: dict[str, Any] = {
        "tool": {"driver": {
            "name": "wa-lint",
            "fullName": "wa-lint: AWS Well-Architected Serverless Lens linter",
            "version": __version__,
            "semanticVersion": __version__,
            "informationUri": INFORMATION_URI,
            "rules": [rule_descriptor(m) for m in rules],
        }},
        "invocations": [{"executionSuccessful": not report.errors,
                         **({"toolExecutionNotifications": notifications} if notifications else {})}],
        "originalUriBaseIds": {"%SRCROOT%": {"uri": Path(source_root(os.getcwd())).as_uri().rstrip("/") + "/"}},
        "columnKind": "unicodeCodePoints",
        "results": results,
    }
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


MAX_RESULTS = 25_000
"""GitHub code scanning's limit of results in one SARIF run (a larger run is rejected)."""
LEVEL_ORDER = {"error": 0, "warning": 1, "note": 2}


def render_sarif(report: Report) -> str:
    return json_safe(dumps(sarif_dict(report))) + "\n"  # = json.dumps(..., indent=2, ensure_ascii=False)
