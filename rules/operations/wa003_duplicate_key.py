"""WA003: a key written twice in one mapping; the template is read with the last value."""

from __future__ import annotations

from collections.abc import Iterator

from wa_lint.api import DuplicateKey, Finding, Graph, Pillar, Resource, Severity, rule


def _resource(graph: Graph, dup: DuplicateKey) -> Resource | None:
    """The resource the duplicate is written in (or that the duplicated logical id names): the
    one keeping the logical id the user wrote, else the first the SAM translator made from it."""
    keys = dup.keys
    if not keys or keys[0] != "Resources":
        return None
    logical_id = keys[1] if len(keys) > 1 else dup.key
    if not isinstance(logical_id, str):
        return None
    own = graph.stack.resources.get(logical_id)
    if own is not None:
        return own
    return next((r for r in graph.stack.resources.values() if r.source_resource == logical_id), None)


def _where(keys: tuple[str | int, ...]) -> str:
    """``Resources.Fn.Properties.Handler``; keys with control characters escaped."""
    return ".".join(str(k) if str(k).isprintable() else repr(k) for k in keys)


@rule(
    id="WA003",
    name="duplicate-key",
    pillar=Pillar.OPERATIONS,
    severity=Severity.ERROR,
    lens="OPS",
)
def duplicate_key(graph: Graph) -> Iterator[Finding]:
    """A mapping writes the same key twice; only the last value is deployed.

    ## Why
    YAML and JSON readers disagree about repeated keys: SAM CLI (PyYAML) and most JSON parsers
    keep the last value and drop the first without a word, others reject the file. Either way
    the first value, often the one a reviewer reads, is not what runs: a second `Handler`,
    `CodeUri` or `VPC` block silently replaces the first, and a logical id written twice keeps
    only the later resource.

    ## When it fires
    Any mapping in the template, or in a file it includes with `AWS::Include`, has a key twice.
    The finding is on the second occurrence and names the first. wa-lint lints the template the
    way SAM CLI reads it, with the last value.

    ## When it stays silent
    The same key in different mappings (`Properties` of two resources) is fine.

    ## Fix
    Delete the occurrence that should not be there, or merge the two values into one key.
    ```yaml
    Properties:
      Handler: app.handler
      Runtime: python3.12
    ```
    """
    for dup in graph.stack.duplicate_keys:
        message = (f"duplicate key {dup.key!r} at {_where((*dup.keys, dup.key))}: first written on line "
                   f"{dup.first_line}; the value on line {dup.line} replaces it")
        fix = f"Remove one of the two {dup.key!r} keys (lines {dup.first_line} and {dup.line}) or merge them."
        res = _resource(graph, dup)
        if res is not None:
            finding = Finding.at(res, message, fix, line=dup.line)
            finding.column = 0
        else:  # a section entry (Mappings, Outputs, Globals…) or the template's top level
            name = _where(dup.keys[:2]) or _where((dup.key,))
            finding = Finding(resource=name, resource_type=_where(dup.keys[:1]) or name, line=dup.line, column=0,
                              message=message, fix=fix)
        finding.path = dup.path or ""  # a file AWS::Include inserted; else the stack's
        yield finding
