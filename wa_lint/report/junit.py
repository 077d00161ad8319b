"""JUnit XML for CI dashboards (Jenkins, GitLab, Azure DevOps, test-report actions).

One ``testsuite`` per file; in it one failing ``testcase`` per finding and one passing
``testcase`` per rule that found nothing in that file, so a dashboard shows progress as
findings get fixed. A file that could not be read is one ``testcase`` with an ``error``;
suppressed findings are ``skipped`` cases when ``--show-suppressed`` is given.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from wa_lint.escape import block, finding_names, guard_lines, line, xml_text
from wa_lint.finding import Finding
from wa_lint.pipeline import FileResult
from wa_lint.report import Report
from wa_lint.report.source import frame, masked, safe_fix, safe_message


def _x(text: str) -> str:
    """One line of XML text: what is not printable (line breaks too) shown as an escape."""
    return xml_text(line(text))


def _case_name(f: Finding) -> str:
    return _x(f"{f.rule} {f.name} {f.resource}".strip())


def _details(f: Finding) -> str:
    lines = [f"{line(f.path)}:{f.line} {line(f.resource)} ({line(f.resource_type)})"]
    if f.construct_path:
        lines.append(f"construct: {line(f.construct_path)}")
    lines += [line(safe_message(f)), f"fix: {block(safe_fix(f), finding_names(f))}"]
    rows = frame(f.path, f.line, f.masked, context=1)
    if rows:
        lines.append("")
        lines += [f"{n:>5} | {text}" for n, text in rows]
    return "\n".join(lines)


def _suite(report: Report, result: FileResult) -> ET.Element:
    suite = ET.Element("testsuite", name=_x(result.path))
    tests = failures = errors = skipped = 0
    if result.error:
        case = ET.SubElement(suite, "testcase", classname=_x(result.path), name="load template", time="0")
        err = ET.SubElement(case, "error", message=_x(result.error), type="input-error")
        err.text = _x(result.error)
        tests, errors = 1, 1
    flagged: set[str] = set()
    for f in result.findings:
        flagged.add(f.rule)
        case = ET.SubElement(suite, "testcase", classname=_x(result.path), name=_case_name(f), time="0")
        severity = f.severity.value if f.severity else "warning"
        fail = ET.SubElement(case, "failure", message=_x(safe_message(f)), type=severity)
        fail.text = xml_text(_details(f))  # lines from input are escaped by _details
        tests += 1
        failures += 1
    if report.show_suppressed:
        for s in result.suppressed:
            flagged.add(s.finding.rule)
            case = ET.SubElement(suite, "testcase", classname=_x(result.path), name=_case_name(s.finding), time="0")
            reason = masked(s.reason, s.finding.masked) or "no reason given"
            ET.SubElement(case, "skipped", message=_x(f"suppressed ({s.kind}): {reason}"))
            tests += 1
            skipped += 1
    if not result.error:
        for meta in report.rules:
            if meta.id not in flagged:
                ET.SubElement(suite, "testcase", classname=_x(result.path), name=f"{meta.id} {meta.name}", time="0")
                tests += 1
    suite.set("tests", str(tests))
    suite.set("failures", str(failures))
    suite.set("errors", str(errors))
    suite.set("skipped", str(skipped))
    suite.set("time", "0")
    return suite


def render_junit(report: Report) -> str:
    root = ET.Element("testsuites", name="wa-lint")
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for result in report.files:
        suite = _suite(report, result)
        root.append(suite)
        for key in totals:
            totals[key] += int(suite.get(key, "0"))
    for message in report.usage_errors:
        suite = ET.SubElement(root, "testsuite", name="wa-lint", tests="1", failures="0", errors="1",
                              skipped="0", time="0")
        case = ET.SubElement(suite, "testcase", classname="wa-lint", name="usage", time="0")
        ET.SubElement(case, "error", message=_x(message), type="usage-error").text = _x(message)
        totals["tests"] += 1
        totals["errors"] += 1
    for key, value in totals.items():
        root.set(key, str(value))
    root.set("time", "0")
    ET.indent(root)
    text = '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
    return guard_lines(text, colon="&#58;", hash_="&#35;")  # element text may span lines
