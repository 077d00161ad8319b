"""The suppression checks: WA001 (no reason), WA002 (invalid), WA004 (mandatory rule suppressed)
and WA005 (stale suppression).

They are rules in every way users see (selected, ignored, given a severity, documented, listed by
``wa-lint rules``), but their findings come from the filter stage, which reads the suppressions:
their ``check`` yields nothing. :func:`stamp` marks a finding the stage makes with its check.
"""

from __future__ import annotations

from collections.abc import Iterator

from wa_lint.finding import Finding, Pillar, RuleMeta, Severity
from wa_lint.graph.model import Graph

PACK = "wa_lint.filter"


def _no_graph_check(graph: Graph) -> Iterator[Finding]:
    return iter(())


SUPPRESSION_WITHOUT_REASON = RuleMeta(
    id="WA001",
    name="suppression-without-reason",
    pillar=Pillar.OPERATIONS,
    severity=Severity.INFO,
    lens="OPS",
    doc="""A suppression should say why the finding does not apply.

## Why
A suppression without a reason cannot be reviewed: nobody can tell later whether the risk was
accepted on purpose, and whether it still applies after the resource changed.

## When it fires
A resource's `Metadata.wa-lint.ignore` lists a rule as a bare id (`ignore: [WA101]`) or as an
entry without a non-empty `reason`. The suppression still applies.

## Fix
```yaml
Metadata:
  wa-lint:
    ignore:
      - id: WA101
        reason: events are replayed from the source bucket by the nightly job
```""",
    check=_no_graph_check,
    pack=PACK,
)

INVALID_SUPPRESSION = RuleMeta(
    id="WA002",
    name="invalid-suppression",
    pillar=Pillar.OPERATIONS,
    severity=Severity.WARNING,
    lens="OPS",
    doc="""A suppression that names no known rule, or is malformed, suppresses nothing.

## Why
A typo in a suppression (`WA1O1`) or a misplaced key silently matches nothing, so the finding
the author meant to accept keeps failing the build, or the author believes a rule is accepted
when it is not.

## When it fires
`Metadata.wa-lint` has a key other than `ignore`; an `ignore` entry is neither a rule id nor a
mapping with `id` (and `reason`, `applies-to`); its `applies-to` is not a mapping of `actions`,
`resources`, `routes`, `invokers` or `targets` to globs; or the id is neither the id nor the
name of an installed rule.

## Fix
Use `Metadata: {wa-lint: {ignore: [{id: <rule id or name>, reason: "…"}]}}`; `wa-lint rules`
lists the ids.""",
    check=_no_graph_check,
    pack=PACK,
)

MANDATORY_SUPPRESSED = RuleMeta(
    id="WA004",
    name="mandatory-rule-suppressed",
    pillar=Pillar.OPERATIONS,
    severity=Severity.WARNING,
    lens="OPS",
    doc="""An inline suppression of a rule the configuration makes mandatory is refused.

## Why
A platform team that rolls wa-lint out to many teams makes some rules `mandatory` (say WA201 and
WA204): a team cannot accept those risks in its own template. The finding stays in the report,
and this finding shows the suppression that tried to hide it, so that it is removed or the
exception is asked for where the platform team keeps them.

## When it fires
A resource's `Metadata` (`wa-lint: ignore`, CDK node metadata, or cfn-lint's
`ignore_checks`) suppresses a rule listed in `mandatory` by the file's configuration or by a
configuration above it. It fires whether or not the rule has a finding on the resource.

## Fix
Remove the suppression, or ask for an exception in the configuration that makes the rule
mandatory:
```yaml
mandatory: [WA201, WA204]
per-path-ignores:
  "legacy/billing/**":
    - {id: WA201, reason: "migrated in Q3, ticket SEC-123"}
```
A configuration below it (a team's own `.wa-lint.yaml`) cannot ignore the rule either.""",
    check=_no_graph_check,
    pack=PACK,
)

STALE_SUPPRESSION = RuleMeta(
    id="WA005",
    name="stale-suppression",
    pillar=Pillar.OPERATIONS,
    severity=Severity.INFO,
    lens="OPS",
    enabled=False,
    doc="""A suppression that matches no finding can go.

## Why
Suppressions outlive the code they were written for. One that no longer matches anything hides
nothing today, but it will silently hide the next finding of its rule on that resource, which
nobody has reviewed. Removing stale suppressions keeps the set that is in force reviewable.

## When it fires
An inline suppression (`Metadata: wa-lint: ignore`, CDK node metadata, cfn-lint's
`ignore_checks`) names a rule that ran for the file but reported nothing on the resource, or
nothing its `applies-to` covers. Off by default: enable it with `--select WA005`, or review
every suppression with `wa-lint suppressions`, which also shows configuration entries that
match nothing.

## When it stays silent
- The rule did not run for the file (not selected, or off by default).
- The suppression is refused because the rule is mandatory (WA004 reports it).

## Fix
Delete the entry.""",
    check=_no_graph_check,
    pack=PACK,
)

META_RULES: tuple[RuleMeta, ...] = (SUPPRESSION_WITHOUT_REASON, INVALID_SUPPRESSION, MANDATORY_SUPPRESSED,
                                    STALE_SUPPRESSION)
META_IDS = frozenset(m.id for m in META_RULES)


def stamp(finding: Finding, meta: RuleMeta) -> Finding:
    """``finding`` made by the filter stage for the check ``meta``."""
    finding.rule, finding.name, finding.pillar = meta.id, meta.name, meta.pillar.value
    finding.severity = finding.severity or meta.severity
    return finding


def rule_aliases(rules: list[RuleMeta]) -> dict[str, str]:
    """Id and name → id for every known rule (suppressions may use either)."""
    aliases: dict[str, str] = {}
    for meta in [*rules, *META_RULES]:
        aliases[meta.id] = meta.id
        aliases[meta.name] = meta.id
    return aliases
