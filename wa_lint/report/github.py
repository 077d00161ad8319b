"""GitHub Actions workflow commands: each finding becomes an annotation on its line.

``::error file=…,line=…,col=…,title=WA101 …::message`` (``warning``/``notice`` by severity).
Values are escaped as the runner expects: ``%``, CR and LF everywhere, plus ``:`` and ``,`` in
properties; other characters that are not printable are shown as escapes, so every command is
one line (:mod:`wa_lint.escape`). File errors are annotations too, on the file and line
they name, titled with what happened (:mod:`wa_lint.report.file_errors`); so are file warnings
(a part of a template that was not linted: a remote include, a macro, a CDK assembly's synthesis
errors), as notices. A closing plain line gives the totals.

GitHub shows only the first 10 annotations of each type (error, warning, notice) per step, so
the order matters: file errors, then findings from the most severe down (each group in file
order) with file warnings ahead of the info findings (what was not linted matters more), then
fixed baseline entries. A closing line counts what GitHub will not show.
"""

from __future__ import annotations

from wa_lint.escape import workflow_data, workflow_property
from wa_lint.finding import Finding, Severity
from wa_lint.report import Report
from wa_lint.report.file_errors import anchor, report_errors, report_warnings, title, warning_title
from wa_lint.report.source import safe_fix, safe_message

COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}
ANNOTATION_LIMIT = 10  # per type and step, as GitHub displays them


def command(name: str, message: str, **props: str | int | None) -> str:
    fields = ",".join(f"{k}={workflow_property(str(v))}" for k, v in props.items() if v not in (None, "", 0))
    return f"::{name}{' ' + fields if fields else ''}::{workflow_data(message)}"


def annotation(f: Finding) -> str:
    severity = f.severity or Severity.WARNING
    message = f"{safe_message(f)}\nfix: {safe_fix(f)}"
    where = f" ({f.construct_path})" if f.construct_path else ""
    return command(COMMAND[severity], message, file=f.path, line=f.line, col=f.column,
                   title=f"{f.rule} {f.name}: {f.resource}{where}")


def render_github(report: Report) -> str:
    lines = []
    for error in report_errors(report):
        path = anchor(error)
        lines.append(command("error", error.text, file=path, line=error.line if path == error.path else None,
                             title=title(error)))
    by_severity = sorted(report.findings, key=lambda f: -(f.severity or Severity.WARNING).rank)  # stable
    lines.extend(annotation(f) for f in by_severity if f.severity is not Severity.INFO)
    warnings = list(report_warnings(report))
    for warning in warnings:
        path = anchor(warning)
        lines.append(command("notice", warning.message if path else warning.text, file=path,
                             line=warning.line if path == warning.path else None, title=warning_title(warning)))
    lines.extend(annotation(f) for f in by_severity if f.severity is Severity.INFO)
    for entry in report.fixed:
        lines.append(command("notice", f"{entry.rule} on {entry.resource} is fixed: {entry.message}",
                             file=entry.path, title=f"{entry.rule} fixed since the baseline"))
    summary = report.summary()
    sev = summary["by_severity"]
    lines.append(f"wa-lint: {summary['findings']} finding(s) ({sev['error']} error, {sev['warning']} warning, "
                 f"{sev['info']} info) in {summary['files']} file(s); {summary['suppressed']} suppressed"
                 + (f", {summary['baselined']} in baseline, {summary['fixed']} fixed" if report.baseline else ""))
    made = {"error": len(report.errors) + sev["error"], "warning": sev["warning"],
            "notice": len(warnings) + sev["info"] + len(report.fixed)}
    hidden = {kind: n - ANNOTATION_LIMIT for kind, n in made.items() if n > ANNOTATION_LIMIT}
    if hidden:
        lines.append(f"wa-lint: GitHub shows {ANNOTATION_LIMIT} annotations of each type per step; not shown: "
                     + ", ".join(f"{n} {kind}(s)" for kind, n in hidden.items())
                     + " (see the job summary or the SARIF report)")
    return "\n".join(lines) + "\n"
