"""WA001: a suppression should say why the finding does not apply.

A check on the suppressions themselves: the filter stage (``wa_lint/filter/``), which reads them,
makes its findings and stamps them with this rule's metadata; the check below yields nothing
because a rule sees the graph, not the suppressions (docs/writing-rules.md).
"""

from __future__ import annotations

from collections.abc import Iterator

from wa_lint.api import Finding, Graph, Pillar, Severity, rule


@rule(
    id="WA001",
    name="suppression-without-reason",
    pillar=Pillar.OPERATIONS,
    severity=Severity.INFO,
    lens="OPS",
)
def suppression_without_reason(_graph: Graph) -> Iterator[Finding]:  # found by the filter stage, not in the graph
    """A suppression should say why the finding does not apply.

    ## Why
    A suppression without a reason cannot be reviewed: nobody can tell later whether the risk was
    accepted on purpose, and whether it still applies after the resource changed.

    ## When it fires
    A resource's `Metadata.wa-lint.ignore` lists a rule as a bare id (`ignore: [WA101]`) or as an
    entry without a non-empty `reason` (resource `Metadata`, or a CDK construct's node metadata).
    The suppression still applies.

    ## When it stays silent
    - Every entry has a reason, whether it names the rule by id or by name.
    - cfn-lint's `ignore_checks` (`Metadata: cfn-lint: config: ignore_checks: [E9104]`), which has
      no place for a reason.

    ## Fix
    ```yaml
    Metadata:
      wa-lint:
        ignore:
          - id: WA101
            reason: events are replayed from the source bucket by the nightly job
    ```
    """
    yield from ()
