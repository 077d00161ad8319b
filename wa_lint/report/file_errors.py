"""The file and line a file error or warning names, and what kind of problem it is.

Errors and warnings reach the report as the one line the user reads on stderr
(``<path>:<line>: message`` or ``<path>: message``, :class:`wa_lint.model.InputError`). Formats
that place them on a file (GitHub annotations, SARIF notifications) read the location back here:
from the path of the result they belong to when the line starts with it (a file name may hold
``:`` itself), else from the longest leading path that is a file (an error in a CDK assembly or an
included file names that file). The kinds follow the messages their producers write
(``wa_lint/load``, ``wa_lint/expand``, ``wa_lint/build_first.py``, ``wa_lint/cdk_synth.py``).
"""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from wa_lint.report import Report

_LINE = re.compile(r"(\d+): ")


@dataclass(frozen=True, slots=True)
class Located:
    """One error or warning line, with the file (when it names one that exists) and line it names."""

    text: str  # the whole line, as stderr shows it
    path: str | None
    line: int | None
    message: str  # the text after the location
    usage: bool = False  # a run's error (a path or option), not one of a linted file


def locate(text: str, known: Sequence[str] = ()) -> Located:
    """Split ``text`` into location and message. ``known`` paths (the result's own) are trusted as
    written; any other leading path counts only if it is an existing file."""
    for path in known:
        if path and text.startswith(path + ":"):
            return _after(text, path, path)
    for i in reversed([i for i, char in enumerate(text) if char == ":"]):
        head = text[:i]
        rest = text[i + 1:]
        if head and (rest.startswith(" ") or _LINE.match(rest)) and os.path.isfile(head):
            return _after(text, head, head)
    return Located(text, None, None, text)


def _after(text: str, path: str, shown: str) -> Located:
    rest = text[len(shown) + 1:]
    number = _LINE.match(rest)
    if number:
        return Located(text, path, int(number.group(1)), rest[number.end():])
    return Located(text, path, None, rest.removeprefix(" "))


def report_errors(report: Report) -> Iterator[Located]:
    """Every error of ``report`` in :attr:`Report.errors` order, located."""
    for error in report.usage_errors:
        yield dataclasses.replace(locate(error), usage=True)
    for result in report.files:
        for error in result.errors:
            yield locate(error, (result.path,))
    for result in report.files:
        if result.internal_error:
            yield locate(result.internal_error, (result.path,))


def report_warnings(report: Report) -> Iterator[Located]:
    """Every file warning (not fatal: what was not read while the rest was linted), once each."""
    seen: set[str] = set()
    for result in report.files:
        for warning in result.warnings:
            if warning not in seen:
                seen.add(warning)
                yield locate(warning, (result.path,))


_SAM = re.compile(r"(Resource|Event|Transforming resource) with id \[|Structure of the SAM template is invalid"
                  r"|Invalid Serverless Application Specification document|The .{1,200}? plugin is invalid"
                  r"|'[^']{1,200}' section is invalid")
#: (how the message starts, the annotation title), first match wins
_TITLES: tuple[tuple[re.Pattern[str], str], ...] = tuple((re.compile(pattern), title) for pattern, title in (
    (r"internal error: ", "wa-lint internal error"),
    (r"CDK app without a cloud assembly ", "wa-lint: CDK app not synthesized"),
    (r"the CDK app's cloud assembly \(.*\) is outside the linted directory",
     "wa-lint: CDK cloud assembly outside the linted directory"),
    (r"Serverless Framework service without a packaged template", "wa-lint: Serverless service not packaged"),
    (r"`npx cdk synth`|--cdk-synth needs", "wa-lint: cdk synth failed"),
    (r"SAM translation failed", "wa-lint: SAM translation failed"),
    (_SAM.pattern, "wa-lint: the SAM translator rejected the template"),
    (r"invalid YAML|invalid JSON|nesting deeper than|number with more than|duplicate key|text is not valid Unicode"
     r"|empty document", "wa-lint could not parse the file"),
    (r"cannot read|binary file|empty file|file is UTF-16|invalid UTF-8|file too large|not a regular file"
     r"|no such file or directory", "wa-lint could not read the file"),
    (r".*\bnot found$", "wa-lint could not read the file"),  # a file an assembly or a template names
    (r".*(cloud assembly|artifact \S+ has no properties|\"artifacts\" is not)", "wa-lint: invalid CDK cloud assembly"),
    (r"not a CloudFormation template|Resources must be|Resources section is empty|resource .* (has no Type|must be)",
     "wa-lint: not a valid template"),
))
GENERIC_TITLE = "wa-lint could not lint the file"
USAGE_TITLE = "wa-lint usage error"
#: (how a file warning starts, the annotation title), first match wins; a name from the template
#: in it may hold a line break
_WARNING_TITLES: tuple[tuple[re.Pattern[str], str], ...] = tuple((re.compile(pattern), title) for pattern, title in (
    (r"AWS::Include of ", "wa-lint did not include this file"),
    (r"(?s)(macro|transform) .* is not run by wa-lint", "wa-lint did not run this transform"),
    (r"nested stack ", "wa-lint did not load this nested template"),
    (r"(?s)the cloud assembly records .* CDK synthesis error", "cdk synth failed on this assembly"),
    (r"(?s)stack .* CloudFormation deploys at most", "more resources than one stack can deploy"),
))
WARNING_TITLE = "wa-lint warning"


def title(error: Located) -> str:
    """A short title saying what happened (not built, rejected by SAM, unreadable, …). A line whose
    path is not known (a missing path, a file gone since) is read after each ``": "``."""
    starts = [0] if error.path is not None else [0, *_after_colons(error.message)]
    return _titled(error.message, starts, _TITLES) or (USAGE_TITLE if error.usage else GENERIC_TITLE)


def warning_title(warning: Located) -> str:
    """What a file warning is about, in a few words (the part not linted, or why)."""
    return _titled(warning.message, [0], _WARNING_TITLES) or WARNING_TITLE


def _titled(text: str, starts: list[int], titles: tuple[tuple[re.Pattern[str], str], ...]) -> str | None:
    for start in starts:
        for pattern, name in titles:
            if pattern.match(text, start):
                return name
    return None


def _after_colons(text: str, most: int = 8) -> list[int]:
    """Where the text after each of the first ``most`` ``": "`` starts (a message names at most a
    few paths before its own words; more would make every title pattern rescan the text)."""
    out: list[int] = []
    at = text.find(": ")
    while at >= 0 and len(out) < most:
        out.append(at + 2)
        at = text.find(": ", at + 2)
    return out


def anchor(error: Located) -> str | None:
    """The file an annotation goes on: the named file, or for a project that must be built first
    (its path is a directory) the file that makes it one (``cdk.json``, ``serverless.yml``)."""
    if error.path is None:
        return None
    if os.path.isfile(error.path):
        return error.path
    if os.path.isdir(error.path):
        from wa_lint.build_first import SERVERLESS_FILES

        for name in ("cdk.json", *sorted(SERVERLESS_FILES)):
            candidate = os.path.join(error.path, name)
            if os.path.isfile(candidate):
                return candidate
    return None
