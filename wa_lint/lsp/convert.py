"""A file's lint result as LSP diagnostics: one per finding, on the resource's block.

Positions: findings carry 1-based lines and columns; LSP wants 0-based lines and characters. A
finding's range runs from its resource's key to the end of the resource's block (YAML: up to the
next line indented as little as the key; JSON: the object after the key), so the editor underlines
what the finding is about. Input errors become one diagnostic on the line where the user must look
(:mod:`wa_lint.lsp.errors`); messages are the CLI's own lines less this file's path, so no text from
the template acts in the editor either.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

from lsprotocol import types

from wa_lint.finding import Finding, RuleMeta, Severity
from wa_lint.lsp.json_text import outside_strings
from wa_lint.pipeline import FileResult
from wa_lint.report import help_uri

SOURCE = "wa-lint"
SEVERITY = {
    Severity.ERROR: types.DiagnosticSeverity.Error,
    Severity.WARNING: types.DiagnosticSeverity.Warning,
    Severity.INFO: types.DiagnosticSeverity.Information,
}


def uri_path(uri: str) -> Path | None:
    """The local file a ``file:`` URI names; None for other schemes (unsaved buffers)."""
    from pygls.uris import to_fs_path

    if not uri.startswith("file:"):
        return None
    path = to_fs_path(uri)
    return Path(path) if path else None


def path_uri(path: str) -> str:
    return Path(path).absolute().as_uri()


def block_range(lines: list[str], line: int, column: int) -> types.Range:
    """From ``line``/``column`` (1-based) to the end of the block written there."""
    row = max(line - 1, 0)
    if row >= len(lines):
        return types.Range(types.Position(row, 0), types.Position(row, 0))
    text = lines[row]
    start = max(column - 1, 0) if column >= 1 else len(text) - len(text.lstrip())
    start = min(start, len(text))
    end_row, end_col = _json_block_end(lines, row, start) or _yaml_block_end(lines, row, start)
    return types.Range(types.Position(row, start), types.Position(end_row, end_col))


def _yaml_block_end(lines: list[str], row: int, indent: int) -> tuple[int, int]:
    last = row
    for n in range(row + 1, len(lines)):
        stripped = lines[n].strip()
        if not stripped or stripped.startswith("#"):
            continue
        if len(lines[n]) - len(lines[n].lstrip()) <= indent:
            break
        last = n
    return last, len(lines[last].rstrip())


def _json_block_end(lines: list[str], row: int, start: int) -> tuple[int, int] | None:
    """The end of the JSON object that follows a ``"key":`` at ``row``/``start``, or None when the
    text there is not a key followed by an object (YAML, or a scalar value)."""
    match = re.match(r'"(?:[^"\\]|\\.)*"\s*:\s*', lines[row][start:])
    if match is None:
        return None
    depth, opened = 0, False
    for n, i, ch in outside_strings(lines, row, start + match.end()):
        if not opened:
            if ch.isspace():
                continue
            if ch != "{":
                return None
            opened = True
        if ch in "{[":
            depth += 1
        elif ch in "}]":
            depth -= 1
            if depth == 0:
                return n, i + 1
    return None


def diagnostic(finding: Finding, lines: list[str], meta: RuleMeta | None) -> types.Diagnostic:
    """One finding as a diagnostic: rule id as ``code``, its page as ``codeDescription``, the other
    resources it names as related information."""
    href = help_uri(meta)
    related = [
        types.DiagnosticRelatedInformation(
            location=types.Location(uri=path_uri(rel.path or finding.path),
                                    range=types.Range(types.Position(max(rel.line - 1, 0), 0),
                                                      types.Position(max(rel.line - 1, 0), 0))),
            message=f"{rel.resource} (named by this finding)",
        )
        for rel in finding.related
    ]
    message = finding.message
    if finding.construct_path:
        message += f" [{finding.construct_path}]"
    return types.Diagnostic(
        range=block_range(lines, finding.line, finding.column),
        message=message,
        severity=SEVERITY.get(finding.severity or Severity.WARNING, types.DiagnosticSeverity.Warning),
        code=finding.rule,
        code_description=types.CodeDescription(href=href) if href else None,
        source=SOURCE,
        related_information=related or None,
        data={"resource": finding.resource, "rule": finding.rule},
    )


def problem(text: str, path: str, lines: list[str], severity: types.DiagnosticSeverity) -> types.Diagnostic:
    """An input error or warning (``file:line: message``) as a diagnostic on the line where the user
    must look (:mod:`wa_lint.lsp.errors`), without the file's own path; else on the first line."""
    from wa_lint.lsp.errors import place

    where = place(text, path, lines)
    row = min(max(where.row, 0), max(len(lines) - 1, 0))
    width = len(lines[row].rstrip()) if lines else 0
    start = min(len(lines[row]) - len(lines[row].lstrip()), width) if lines else 0
    related = None
    if where.noticed is not None:
        at = types.Position(where.noticed, 0)
        related = [types.DiagnosticRelatedInformation(location=types.Location(uri=path_uri(path),
                                                                              range=types.Range(at, at)),
                                                      message="the parser stopped here")]
    return types.Diagnostic(range=types.Range(types.Position(row, start), types.Position(row, width)),
                            message=where.message, severity=severity, source=SOURCE,
                            related_information=related)


def diagnostics_by_file(result: FileResult, texts: dict[str, list[str]],
                        rules: dict[str, RuleMeta]) -> dict[str, list[types.Diagnostic]]:
    """Every file's diagnostics (findings in an included or nested file go to that file), keyed
    by path. ``texts`` holds the lines of the files the editor has open; others are read."""
    out: dict[str, list[types.Diagnostic]] = defaultdict(list)
    own = result.path
    for finding in result.findings:
        path = finding.path or own
        lines = texts.get(path)
        if lines is None:
            lines = texts[path] = _read_lines(path)
        out[path].append(diagnostic(finding, lines, rules.get(finding.rule)))
    own_lines = texts.get(own) or []
    for error in result.errors:
        out[own].append(problem(error, own, own_lines, types.DiagnosticSeverity.Error))
    if result.internal_error:
        out[own].append(problem(result.internal_error, own, own_lines, types.DiagnosticSeverity.Error))
    for warning in result.warnings:
        out[own].append(problem(warning, own, own_lines, types.DiagnosticSeverity.Warning))
    return out


def _read_lines(path: str) -> list[str]:
    from wa_lint.fileio import MAX_FILE_BYTES, read_bytes

    try:
        return read_bytes(Path(path), path, MAX_FILE_BYTES).decode("utf-8", "replace").splitlines()
    except Exception:  # noqa: BLE001  # unreadable now: diagnostics keep their lines, ranges shrink to them
        return []
