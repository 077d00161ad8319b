"""WA005: a suppression that matches no finding can go.

A check on the suppressions themselves: the filter stage (``wa_lint/filter/``), which reads them,
makes its findings and stamps them with this rule's metadata; the check below yields nothing
because a rule sees the graph, not the suppressions (docs/writing-rules.md).
"""

from __future__ import annotations

from collections.abc import Iterator

from wa_lint.api import Finding, Graph, Pillar, Severity, rule


@rule(
    id="WA005",
    name="stale-suppression",
    pillar=Pillar.OPERATIONS,
    severity=Severity.INFO,
    lens="OPS",
    enabled=False,
)
def stale_suppression(_graph: Graph) -> Iterator[Finding]:  # found by the filter stage, not in the graph
    """A suppression that matches no finding can go.

    ## Why
    Suppressions outlive the code they were written for. One that no longer matches anything hides
    nothing today, but it will silently hide the next finding of its rule on that resource, which
    nobody has reviewed. Removing stale suppressions keeps the set that is in force reviewable.

    ## When it fires
    An inline suppression (`Metadata: wa-lint: ignore`, CDK node metadata, cfn-lint's
    `ignore_checks`) names a rule that ran for the file but reported nothing on the resource, or
    nothing its `applies-to` covers. Off by default: add it with `--extend-select WA005`, or review
    every suppression with `wa-lint suppressions`, which also shows configuration entries that
    match nothing.

    ## When it stays silent
    - The rule did not run for the file (not selected, or off by default).
    - The suppression is refused because the rule is mandatory (WA004 reports it).
    - It covers part of a finding (an `applies-to` scope that accepts some of what is reported).
    - It names a suppression check (WA001, WA002, WA004, WA005), whose findings are not judged.

    ## Fix
    Delete the entry.
    """
    yield from ()
