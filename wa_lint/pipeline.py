"""One source in, one :class:`FileResult` out: load, expand, build the graph, run the rules,
then (when given) the filter stage, which sees each stack with its graph and findings.

Everything that can go wrong with one file stays in that file's result, so the other files are
still linted: bad input becomes ``error``; a bug of ours becomes ``internal_error`` with the
traceback kept for ``--debug``.
"""

from __future__ import annotations

import traceback
from typing import TYPE_CHECKING, Protocol

from wa_lint.discover import Source
from wa_lint.escape import printable
from wa_lint.finding import Finding, RuleMeta, fit_message
from wa_lint.model import InputError, Stack
from wa_lint.results import FileResult, place
from wa_lint.stacks import load_stacks

if TYPE_CHECKING:
    from wa_lint.graph.model import Graph
    from wa_lint.link.index import LinkIndex
    from wa_lint.link.view import LinkedView

__all__ = ["FileResult", "StackStage", "lint_source", "load_stacks", "place", "run_rules"]


class StackStage(Protocol):
    """The filter stage (``wa_lint.filter.stage.FilterStage``): given a stack, its graph and the rules'
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
                finding.message = fit_message(finding.message)
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
    except Exception:  # noqa: BLE001  # an exception whose text cannot be made (a plugin's own bug)
        text = ""
    text = printable(text)
    text = text if len(text) <= 200 else text[:197] + "..."
    message = f"{stack.path}: internal error in rule {meta.id} ({meta.name}): {type(exc).__name__}"
    message += f": {text}" if text else ""
    result.internal_error = f"{result.internal_error}; {message}" if result.internal_error else message
    result.traceback = (result.traceback or "") + f"rule {meta.id} on {stack.path}:\n" + traceback.format_exc()


def _walked_non_template(source: Source) -> bool:
    """A walked file that failed to load is skipped unless its text clearly is a template: a Helm
    chart or a multi-document manifest that mentions ``Resources`` is not the user's template."""
    if source.explicit or source.kind != "template" or source.problem is not None:
        return False
    from wa_lint.discover import clearly_template, peek

    head = peek(source.path)
    return head is not None and not clearly_template(head)


def _linked(links: LinkIndex | None, source: Source, stack: Stack, stacks: list[Stack]) -> LinkedView | None:
    """The stack as its rules see it: linked with the run's other stacks (exports, SSM), else with
    the stacks it is nested with, else None (the stack as written)."""
    if links is not None:
        from wa_lint.link.view import linked_view

        view = linked_view(links, source.display, stack)
        if view.stack is not stack:
            return view
    if len(stacks) > 1:
        from wa_lint.link.view import family_view

        return family_view(stack, stacks)
    return None


STACK_RESOURCE_LIMIT = 500
"""CloudFormation's resources per stack (a fixed quota): a template past it cannot deploy."""


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
        result.warnings.extend(
            f"{stack.path}: stack {stack.name} has {len(stack.resources)} resources (after SAM and other "
            f"transforms): CloudFormation deploys at most {STACK_RESOURCE_LIMIT} in one stack"
            for stack in stacks if len(stack.resources) > STACK_RESOURCE_LIMIT)
        for stack in stacks:
            result.stacks.append(stack.name)
            result.resources += len(stack.resources)
            view = _linked(links, source, stack, stacks)
            if stage is None and view is None:
                result.findings.extend(run_rules(stack, rules, result=result))
            else:
                from wa_lint.filter.masking import mask_findings
                from wa_lint.graph.builders import build_graph
                from wa_lint.secrets import stack_secrets

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
    except Exception as exc:  # noqa: BLE001  # a bug of ours: this file's internal error, the run goes on
        result.internal_error = f"{source.display}: internal error: {type(exc).__name__}: {exc}"
        result.traceback = traceback.format_exc()
    result.findings.sort(key=Finding.sort_key)
    result.suppressed.sort(key=lambda s: s.finding.sort_key())
    return result
