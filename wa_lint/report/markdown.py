"""A Markdown report for a pull-request comment or ``$GITHUB_STEP_SUMMARY``.

A per-pillar scorecard, the findings grouped by resource (one header and code frame each), and
a Mermaid drawing of each stack that has findings with the flagged resources coloured by
severity. GitHub caps comments at 65,536 characters and summaries at 1 MiB, so the findings and
the drawings are cut well below that with a note saying how much was left out. In a GitHub
Actions run, locations link to the file at the commit being checked. Text from input goes
through :mod:`wa_lint.escape`: no id, path or message can open a link, an image or HTML,
or end a cell, a code frame or the Mermaid fence.
"""

from __future__ import annotations

import os
from collections import Counter
from typing import Any
from urllib.parse import quote

from wa_lint import __version__
from wa_lint.escape import html_text, md_code, md_fence, md_text, mermaid_label, visible
from wa_lint.finding import Finding, Severity
from wa_lint.report import Report, help_uri
from wa_lint.report.diagram import KIND_LABEL, short_type
from wa_lint.report.grouping import by_resource
from wa_lint.report.source import frame, masked, safe_fix, safe_message

MAX_ROWS = 150
MAX_DIAGRAMS = 5
MAX_CHARS = 60_000
TABLE_CHARS = 45_000  # the findings' share of MAX_CHARS
FRAME = 1  # lines of context either side of a resource's line
ICON = {Severity.ERROR: "🔴", Severity.WARNING: "🟠", Severity.INFO: "🔵"}
RANK = {"error": 3, "warning": 2, "info": 1}


def cell(text: str) -> str:
    """Text safe inside a table cell: HTML and Markdown escaped, pipes escaped, newlines as <br>."""
    return md_text(text)


def _blob_url(path: str, line: int) -> str | None:
    server, repo, sha = (os.environ.get(k) for k in ("GITHUB_SERVER_URL", "GITHUB_REPOSITORY", "GITHUB_SHA"))
    if not (server and repo and sha) or path.startswith("/"):
        return None
    return f"{server}/{repo}/blob/{sha}/{quote(path, safe='/')}" + (f"#L{line}" if line else "")


def _location(path: str, line: int) -> str:
    text = md_code(f"{path}:{line}" if line else path)
    url = _blob_url(path, line)
    return f"[{text}]({url})" if url else text


def _rule_link(report: Report, f: Finding) -> str:
    url = help_uri(report.rule(f.rule))
    return f"[{cell(f.rule)}]({url})" if url else cell(f.rule)


def scorecard(report: Report) -> list[str]:
    rows = ["| Pillar | Errors | Warnings | Info | |", "| --- | ---: | ---: | ---: | :---: |"]
    for pillar, counts in report.by_pillar().items():
        status = "❌" if counts["error"] else "⚠️" if counts["warning"] else "ℹ️" if counts["info"] else "✅"
        rows.append(f"| {pillar.label} | {counts['error']} | {counts['warning']} | {counts['info']} | {status} |")
    return rows


def headline(report: Report) -> str:
    s = report.summary()
    sev = s["by_severity"]
    parts = [f"**{s['findings']} finding{'s' if s['findings'] != 1 else ''}** "
             f"({sev['error']} error, {sev['warning']} warning, {sev['info']} info) "
             f"in {s['files']} file{'s' if s['files'] != 1 else ''}, {s['resources']} resources"]
    if s["suppressed"]:
        parts.append(f"{s['suppressed']} suppressed")
    if report.baseline is not None:
        parts.append(f"{s['baselined']} in the baseline, {s['fixed']} fixed")
    if s["errors"]:
        parts.append(f"⚠️ {s['errors']} file error{'s' if s['errors'] != 1 else ''}")
    return " · ".join(parts)


def _frame(path: str, line: int, secrets: list[str]) -> str | None:
    rows = frame(path, line, secrets, FRAME)
    if not rows:
        return None
    width = len(str(rows[-1][0]))
    return md_fence(f"{'❱' if n == line else ' '} {n:>{width}} {text}".rstrip() for n, text in rows)


def resource_section(report: Report, findings: list[Finding]) -> list[str]:
    """The findings on one resource: a header (resource, location, CDK path or SAM resource), one
    code frame, then one list item per finding with its rule, message and fix."""
    first = findings[0]
    head = f"#### {md_code(first.resource)} · {_location(first.path, first.line)}"
    if first.construct_path:
        head += f" <sub>{cell(first.construct_path)}</sub>"
    elif first.source_resource and first.source_resource != first.resource:
        head += f" <sub>SAM {cell(first.source_resource)}</sub>"
    out = [head, ""]
    code = _frame(first.path, first.line, sorted({s for f in findings for s in f.masked}))
    if code:
        out += [code, ""]
    for f in findings:
        severity = f.severity or Severity.WARNING
        notes = [f"line {f.line}"] if f.line != first.line else []
        if f.condition:
            notes.append(f"condition {cell(f.condition)}")
        note = f" _({', '.join(notes)})_" if notes else ""
        out.append(f"- {ICON[severity]} {severity.value} {_rule_link(report, f)}: {cell(safe_message(f))}{note}"
                   f"<br>**Fix:** {cell(safe_fix(f))}")
    return [*out, ""]


def findings_sections(report: Report, findings: list[Finding]) -> list[str]:
    """Findings grouped by resource, cut at ``TABLE_CHARS`` with a note saying how many are left."""
    rows: list[str] = []
    size = shown = 0
    for group in by_resource(findings[:MAX_ROWS]):
        section = resource_section(report, group)
        size += sum(len(row) + 1 for row in section)
        if size > TABLE_CHARS:
            break
        rows += section
        shown += len(group)
    if len(findings) > shown:
        rows.append(f"_… and {len(findings) - shown} more: see the SARIF, JSON or HTML report._")
    return rows


def _shape(node: dict[str, Any], label: str) -> str:
    rtype = node["type"]
    if rtype == "external":
        return '{{"' + label + '"}}'
    if rtype in ("AWS::Lambda::Function", "AWS::Serverless::Function"):
        return f'(["{label}"])'
    if rtype.startswith("AWS::StepFunctions::") or rtype == "AWS::Serverless::StateMachine":
        return f'[["{label}"]]'
    if rtype.startswith(("AWS::DynamoDB::", "AWS::RDS::", "AWS::S3::Bucket")):
        return f'[("{label}")]'
    return f'["{label}"]'


def mermaid(graph: dict[str, Any], severities: dict[str, str]) -> str:
    """A Mermaid flowchart of one stack summary; flagged nodes get their worst severity's class."""
    ids = {n["id"]: f"n{i}" for i, n in enumerate(graph["nodes"])}
    lines = ["flowchart LR"]
    clusters: dict[str, list[str]] = {}  # another stack's resources (linked) inside a subgraph of that stack
    for node in graph["nodes"]:
        label = mermaid_label(str(node["label"]))
        if node["type"] != "external":
            label += "<br/><small>" + mermaid_label(short_type(str(node["type"]))) + "</small>"
        row = f"  {ids[node['id']]}{_shape(node, label)}"
        if node.get("stack"):
            clusters.setdefault(str(node.get("path") or node["stack"]), []).append("  " + row)
        else:
            lines.append(row)
    for n, (path, rows) in enumerate(clusters.items()):
        lines += [f'  subgraph s{n}["{mermaid_label(path)}"]', *rows, "  end"]
    for e in graph["edges"]:
        text = KIND_LABEL.get(e["kind"], e["kind"]) + (f" {e['mode']}" if e.get("mode") else "")
        arrow = "-->" if e["kind"] in ("invokes", "integrates", "connects", "fronts") else "-.->"
        lines.append(f"  {ids[e['from']]} {arrow}|{mermaid_label(text)}| {ids[e['to']]}")
    lines += [
        "  classDef error fill:#ffebe9,stroke:#cf222e,stroke-width:3px,color:#1f2328;",
        "  classDef warning fill:#fff8c5,stroke:#9a6700,stroke-width:3px,color:#1f2328;",
        "  classDef info fill:#ddf4ff,stroke:#0969da,stroke-width:2px,color:#1f2328;",
    ]
    for level in ("error", "warning", "info"):
        members = [ids[n] for n, sev in severities.items() if sev == level and n in ids]
        if members:
            lines.append(f"  class {','.join(members)} {level};")
    return "\n".join(lines)


def stack_key(path: str, stack: str) -> str:
    """Stacks are named by file stem, which repeats across directories: key them by path too."""
    return f"{path}#{stack}"


def worst_by_resource(findings: list[Finding]) -> dict[tuple[str, str], str]:
    """(stack key, resource) → worst severity among its findings."""
    worst: dict[tuple[str, str], str] = {}
    for f in findings:
        level = (f.severity or Severity.WARNING).value
        key = (stack_key(f.path, f.stack), f.resource)
        if RANK[level] > RANK.get(worst.get(key, ""), 0):
            worst[key] = level
    return worst


def diagrams(report: Report) -> list[str]:
    findings = report.findings
    per_stack = Counter(stack_key(f.path, f.stack) for f in findings)
    worst = worst_by_resource(findings)
    graphs = [g for g in report.graphs if g["nodes"]]
    graphs.sort(key=lambda g: -per_stack.get(stack_key(g["path"], g["stack"]), 0))
    chosen = [g for g in graphs if per_stack.get(stack_key(g["path"], g["stack"]))] or graphs[:1]
    out: list[str] = []
    for g in chosen[:MAX_DIAGRAMS]:
        key = stack_key(g["path"], g["stack"])
        severities = {res: level for (stack, res), level in worst.items() if stack == key}
        flagged = sum(1 for n in g["nodes"] if n["id"] in severities)
        note = f", {g['omitted']} more not drawn" if g["omitted"] else ""
        out += [f"<details{' open' if len(out) == 0 else ''}><summary><code>{html_text(visible(g['path']))}</code> "
                f"({html_text(visible(g['stack']))}): {len(g['nodes'])} resources drawn, {flagged} flagged{note}"
                "</summary>", "", "```mermaid", mermaid(g, severities), "```", "", "</details>", ""]
    if len(chosen) > MAX_DIAGRAMS:
        out.append(f"_{len(chosen) - MAX_DIAGRAMS} more stacks with findings are not drawn here; "
                   "the HTML report draws them all._")
    return out


def render_markdown(report: Report) -> str:
    parts = ["## wa-lint: Well-Architected Serverless Lens", "", headline(report), "", *scorecard(report), ""]
    findings = report.findings
    if findings:
        parts += ["### Findings", "", *findings_sections(report, findings)]
    else:
        parts += ["No findings. 🎉", ""]
    if report.errors:
        parts += ["### Files that could not be linted", ""]
        parts += [f"- {md_text(e, line_start=True)}" for e in report.errors[:50]] + [""]
    if report.show_suppressed and report.suppressed:
        parts += [f"<details><summary>Suppressed findings ({len(report.suppressed)})</summary>", "",
                  "| Rule | Resource | Location | How | Reason |", "| --- | --- | --- | --- | --- |"]
        for s in report.suppressed[:MAX_ROWS]:
            f = s.finding
            parts.append(f"| {_rule_link(report, f)} | {md_code(f.resource)} | {_location(f.path, f.line)} "
                         f"| {s.kind} | {cell(masked(s.reason, f.masked)) or '_no reason given_'} |")
        parts += ["", "</details>", ""]
    if report.fixed:
        parts += [f"### Fixed since the baseline ({len(report.fixed)})", ""]
        parts += [f"- ✅ {cell(e.rule)} on {md_code(e.resource)} in {md_code(e.path)}: {cell(e.message)}"
                  for e in report.fixed[:MAX_ROWS]] + [""]
    body = "\n".join(parts)
    drawing = diagrams(report)
    if drawing:
        section = "\n".join(["### Architecture", "", *drawing])
        if len(body) + len(section) < MAX_CHARS:
            body += "\n" + section
        else:
            body += "\n_The architecture drawing is left out to keep this comment within GitHub's size limit._\n"
    return body.rstrip() + f"\n\n<sub>wa-lint {__version__}</sub>\n"
