"""WA004: an inline suppression of a rule the configuration makes mandatory is refused.

A check on the suppressions themselves: the filter stage (``wa_lint/filter/``), which reads them,
makes its findings and stamps them with this rule's metadata; the check below yields nothing
because a rule sees the graph, not the suppressions (docs/writing-rules.md).
"""

from __future__ import annotations

from collections.abc import Iterator

from wa_lint.api import Finding, Graph, Pillar, Severity, rule


@rule(
    id="WA004",
    name="mandatory-rule-suppressed",
    pillar=Pillar.OPERATIONS,
    severity=Severity.WARNING,
    lens="OPS",
)
def mandatory_rule_suppressed(_graph: Graph) -> Iterator[Finding]:  # found by the filter stage, not in the graph
    """An inline suppression of a rule the configuration makes mandatory is refused.

    ## Why
    A platform team that rolls wa-lint out to many teams makes some rules `mandatory` (say WA201 and
    WA204): a team cannot accept those risks in its own template. The finding stays in the report,
    and this finding shows the suppression that tried to hide it, so that it is removed or the
    exception is asked for where the platform team keeps them.

    ## When it fires
    A resource's `Metadata` (`wa-lint: ignore`, CDK node metadata, or cfn-lint's
    `ignore_checks`) suppresses a rule listed in `mandatory` by the file's configuration or by a
    configuration above it (by id, name or prefix). It fires whether or not the rule has a
    finding on the resource.

    ## When it stays silent
    - The suppressed rule is not mandatory, or no configuration governs the file.
    - The exception is written in the configuration (`per-path-ignores`) rather than inline.

    ## Fix
    Remove the suppression, or ask for an exception in the configuration that makes the rule
    mandatory:
    ```yaml
    mandatory: [WA201, WA204]
    per-path-ignores:
      "legacy/billing/**":
        - {id: WA201, reason: "migrated in Q3, ticket SEC-123"}
    ```
    A configuration below it (a team's own `.wa-lint.yaml`) cannot ignore the rule either.
    """
    yield from ()
