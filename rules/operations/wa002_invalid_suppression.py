"""WA002: a suppression that names no known rule, or is malformed, suppresses nothing.

A check on the suppressions themselves: the filter stage (``wa_lint/filter/``), which reads them,
makes its findings and stamps them with this rule's metadata; the check below yields nothing
because a rule sees the graph, not the suppressions (docs/writing-rules.md).
"""

from __future__ import annotations

from collections.abc import Iterator

from wa_lint.api import Finding, Graph, Pillar, Severity, rule


@rule(
    id="WA002",
    name="invalid-suppression",
    pillar=Pillar.OPERATIONS,
    severity=Severity.WARNING,
    lens="OPS",
)
def invalid_suppression(_graph: Graph) -> Iterator[Finding]:  # found by the filter stage, not in the graph
    """A suppression that names no known rule, or is malformed, suppresses nothing.

    ## Why
    A typo in a suppression (`WA1O1`) or a misplaced key silently matches nothing, so the finding
    the author meant to accept keeps failing the build, or the author believes a rule is accepted
    when it is not.

    ## When it fires
    `Metadata.wa-lint` has a key other than `ignore`; an `ignore` entry is neither a rule id nor a
    mapping with `id` (and `reason`, `applies-to`); its `applies-to` is not a mapping of `actions`,
    `resources`, `routes`, `invokers` or `targets` to globs; or the id is neither the id nor the
    name of an installed rule. CDK construct node metadata (`construct.node.addMetadata`) is
    checked the same way.

    ## When it stays silent
    - The entry names a rule by its id in any letter case (`wa104`) or by its name.
    - `applies-to` scopes by `actions`, `resources`, `routes`, `invokers` or `targets`.
    - cfn-lint's own ids in `ignore_checks` (`E3002`): they are cfn-lint's, and wa-lint passes over
      them.

    ## Fix
    Use `Metadata: {wa-lint: {ignore: [{id: <rule id or name>, reason: "…"}]}}`; `wa-lint rules`
    lists the ids.
    """
    yield from ()
