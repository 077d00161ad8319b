"""One source in, one :class:`FileResult` out: load, expand, build the graph, run the rules,
then (when given) the filter stage, which sees each stack with its graph and findings.

Everything that can go wrong with one file stays in that file's result, so the other files are
still linted: bad input becomes ``error``; a bug of ours becomes ``internal_error`` with the
traceback kept for ``--debug``.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any, Protocol

from wa_lint.api import Finding, RuleMeta
from wa_lint.discover import Source
from wa_lint.model import InputError, Stack, line_path

if TYPE_CHECKING:
    from wa_lint.graph.model import Graph
    from wa_lint.link.index import LinkIndex
    from wa_lint.link.view import LinkedView
    from wa_lint.suppress import InForce, Suppressed


@dataclass(slots=True)
class FileResult:
    """What linting one source produced. Plain data, so it crosses process boundaries."""

    path: str
    kind: str | None = None
    stacks: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # not fatal: what could not be read, the rest linted
    internal_error: str | None = None
    traceback: str | None = None
    findings: list[Finding] = field(default_factory=list)
    resources: int = 0
    skipped: bool = False
    skip_reason: str | None = None  # why a walked file was skipped (listed by --verbose)
    suppressed: list[Suppressed] = field(default_factory=list)  # taken out by the filter stage
    suppressions: list[InForce] = field(default_factory=list)  # every suppression met, and its use (review)
    graphs: list[dict[str, Any]] = field(default_factory=list)  # drawing summaries, when asked

    @property
    def error(self) -> str | None:
        messages = list(self.errors)
        if self.internal_error:
            messages.append(self.internal_error)
        return "; ".join(messages) if messages else None


def load_stacks(source: Source) -> tuple[list[Stack], list[InputError]]:
    """The stacks of a source: a template file (and its nested stacks) or a cloud assembly.
    A project that must be built first (``source.problem``) is that one input error."""
    if source.problem is not None:
        raise InputError(source.display, None, source.problem)
    if source.kind == "cdk":
        from wa_lint.expand.cdk import load_cdk_assembly

        return load_cdk_assembly(source.path, _assembly_display(source))
    from wa_lint.expand.template import load_template_stacks

    return load_template_stacks(source.path, source.display, source.root, explicit=source.explicit)


def _assembly_display(source: Source) -> Callable[[Path], str]:
    """How files of a cloud assembly are named: below the source's own display name, so that an
    assembly synthesized into a temporary directory (``--cdk-synth``) is named after its app."""
    from wa_lint.discover import display_path

    base = source.path.absolute()

    def display(path: Path) -> str:
        try:
            rel = path.absolute().relative_to(base)
        except ValueError:
            return display_path(path)
        return (PurePosixPath(source.display) / rel.as_posix()).as_posix() if rel.parts else source.display

    return display


class StackStage(Protocol):
    """The filter stage (``wa_lint.suppress.FilterStage``): given a stack, its graph and the rules'
    findings, return the findings to report; it may record what it took out on ``result``."""

    def __call__(self, stack: Stack, graph: Graph, findings: list[Finding], result: FileResult) -> list[Finding]: ...


def run_rules(
    stack: Stack, rules: list[RuleMeta], graph: Graph | None = None, result: FileResult | None = None
) -> list[Finding]:
    """Build the stack's graph once and run every rule on it; stamp rule and file on findings.

    With ``result``, a rule that raises loses only its own findings: the error (rule, file and
    exception type, one line) goes to ``result.internal_error`` and the traceback to
    ``result.traceback``; the other rules still run. Without it the exception propagates, and a
    ``RecursionError`` always does (the template nests too deeply, which is the file's problem)."""
    if graph is None:
        from wa_lint.graph.builders import build_graph

        graph = build_graph(stack)
    from wa_lint.secrets import stack_secrets

    secrets = stack_secrets(graph)  # masked in every finding, whichever rules run
    findings: list[Finding] = []
    for meta in rules:
        produced: list[Finding] = []
        try:
            for finding in meta.check(graph):
                if secrets:
                    finding.masked = list(dict.fromkeys([*finding.masked, *secrets]))
                finding.rule = meta.id
                finding.name = meta.name
                finding.pillar = meta.pillar.value
                finding.severity = finding.severity or meta.severity
                place(finding, stack)
                produced.append(finding)
        except RecursionError:
            raise
        except Exception as exc:
            if result is None:
                raise
            _rule_failed(result, meta, stack, exc)
            continue
        findings.extend(produced)
    return findings


def _rule_failed(result: FileResult, meta: RuleMeta, stack: Stack, exc: Exception) -> None:
    """Record a crashed rule on one line; the exception's text (which may quote the template) is
    flattened, control characters escaped, and shortened."""
    try:
        text = " ".join(str(exc).split())
    except Exception:  # an exception whose text cannot be made (a plugin's own bug)
        text = ""
    text = "".join(c if c.isprintable() else c.encode("unicode_escape").decode() for c in text)
    text = text if len(text) <= 200 else text[:197] + "..."
    message = f"{stack.path}: internal error in rule {meta.id} ({meta.name}): {type(exc).__name__}"
    message += f": {text}" if text else ""
    result.internal_error = f"{result.internal_error}; {message}" if result.internal_error else message
    result.traceback = (result.traceback or "") + f"rule {meta.id} on {stack.path}:\n" + traceback.format_exc()


def place(finding: Finding, stack: Stack) -> None:
    """Stamp the file and stack on a finding and its related resources. A line inside a file an
    ``AWS::Include`` inserted names that file (:class:`~wa_lint.model.Line`); lines become plain ints."""
    finding.path = finding.path or line_path(finding.line) or stack.path
    finding.line = int(finding.line)
    finding.stack = stack.name
    for rel in finding.related:
        rel.path = rel.path or line_path(rel.line) or stack.path
        rel.line = int(rel.line)


def _walked_non_template(source: Source) -> bool:
    """A walked file that failed to load is skipped unless its text clearly is a template: a Helm
    chart or a multi-document manifest that mentions ``Resources`` is not the user's template."""
    if source.explicit or source.kind != "template" or source.problem is not None:
        return False
    from wa_lint.discover import clearly_template, peek

    head = peek(source.path)
    return head is not None and not clearly_template(head)


def _linked(links: LinkIndex | None, source: Source, stack: Stack) -> LinkedView | None:
    if links is None:
        return None
    from wa_lint.link.view import linked_view

    view = linked_view(links, source.display, stack)
    return view if view.stack is not stack else None


def lint_source(
    source: Source, rules: list[RuleMeta], stage: StackStage | None = None, links: LinkIndex | None = None
) -> FileResult:
    """Lint one source; never raises. ``stage`` (the filter stage) sees each stack's findings
    before they are kept; without it every finding the rules produce is kept. With ``links`` (the
    run's link index) each stack is linted as :func:`wa_lint.link.view.linked_view` shows it."""
    result = FileResult(path=source.display, kind="cdk" if source.kind == "cdk" else None)
    try:
        stacks, errors = links.load(source) if links is not None and links.involves(source) else load_stacks(source)
        result.errors.extend(str(e) for e in errors)
        if not stacks and not errors:
            result.skipped = True
            result.skip_reason = "not a CloudFormation template"
            return result
        if result.kind is None and stacks:
            result.kind = stacks[0].kind
        result.warnings.extend(dict.fromkeys(w for stack in stacks for w in stack.warnings))
        for stack in stacks:
            result.stacks.append(stack.name)
            result.resources += len(stack.resources)
            view = _linked(links, source, stack)
            if stage is None and view is None:
                result.findings.extend(run_rules(stack, rules, result=result))
            else:
                from wa_lint.graph.builders import build_graph
                from wa_lint.secrets import mask_findings, stack_secrets

                graph = build_graph(view.stack if view is not None else stack)
                found = run_rules(graph.stack, rules, graph, result)
                found = view.finish(found) if view is not None else found  # foreign findings are reported at home
                if stage is None:
                    result.findings.extend(found)
                    continue
                before = len(result.suppressed)
                kept = stage(stack, graph, found, result)
                # masking holds for every finding, also those the stage made (WA001/WA002) or took out
                mask_findings([*kept, *(s.finding for s in result.suppressed[before:])], stack_secrets(graph))
                result.findings.extend(kept)
    except InputError as exc:
        if _walked_non_template(source) and not result.stacks:
            result.skipped = True
            result.skip_reason = f"does not load and does not look like a template ({exc.message})"
            return result
        result.errors.append(str(exc))
    except RecursionError:
        result.errors.append(f"{source.display}: template nests too deeply to analyse")
    except Exception as exc:
        result.internal_error = f"{source.display}: internal error: {type(exc).__name__}: {exc}"
        result.traceback = traceback.format_exc()
    result.findings.sort(key=Finding.sort_key)
    result.suppressed.sort(key=lambda s: s.finding.sort_key())
    return result
