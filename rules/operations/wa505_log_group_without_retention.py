"""WA505: function logs kept forever, because no log group with a retention is declared."""

from __future__ import annotations

from collections.abc import Iterator

from wa_lint.api import (
    Finding,
    Graph,
    LogGroups,
    LogWriter,
    Pillar,
    Resource,
    Severity,
    log_groups,
    log_writers,
    may_use,
    name_text,
    rule,
)

PREFIX = "/aws/lambda/"
LOG_GROUP = "AWS::Logs::LogGroup"
CREATE_LOG_GROUP = "logs:createloggroup"
GROUP_FIX = "Set RetentionInDays on the log group (e.g. 30)."
GROUP_CDK_FIX = "Pass retention: logs.RetentionDays.ONE_MONTH (or another period) to the LogGroup."
SAM_FIX = ("Declare an AWS::Logs::LogGroup with LogGroupName: !Sub /aws/lambda/${{{fn}}} and RetentionInDays "
           "(or LoggingConfig.LogGroup naming one).")
CFN_FIX = ("Declare an AWS::Logs::LogGroup named /aws/lambda/<function name> with RetentionInDays, or point "
           "LoggingConfig.LogGroup at one (CDK: logRetention or logGroup).")


def _candidates(graph: Graph, fn: Resource, groups: LogGroups) -> list[Resource] | None:
    """The log groups that hold the function's logs; None when the template cannot tell."""
    configured = fn.prop("LoggingConfig", "LogGroup")
    if configured is not None:
        target = graph.target(configured)
        if target in groups.by_id:
            return [groups.by_id[target]]
        name = name_text(graph, configured)
        found = groups.by_name.get(name) if name is not None else None
        return found or None  # a log group outside the template
    names = {f"{PREFIX}${{{fn.logical_id}}}"}
    if fn.prop("FunctionName") is not None:
        own = name_text(graph, fn.prop("FunctionName"))
        if own is None:
            return None
        names.add(PREFIX + own)
    found = [g for n in names for g in groups.by_name.get(n, [])]
    if not found and groups.unreadable:
        return None
    return found


def _may_create_log_group(graph: Graph, fn: Resource) -> bool:
    """Whether the function's role may call ``logs:CreateLogGroup``: Lambda creates the function's
    log group through it on first use. A role whose permissions the template does not all show
    counts as may; one that shows them all and grants no such action never gets a group."""
    return may_use(graph, [graph.role_of(fn)], CREATE_LOG_GROUP)


def _retention(group: Resource) -> bool:
    """Whether a retention is set (or set from a value the template leaves open)."""
    return group.prop("RetentionInDays") is not None


@rule(
    id="WA505",
    name="log-group-without-retention",
    pillar=Pillar.OPERATIONS,
    severity=Severity.INFO,
    lens="OPS 1, COST 1",
)
def log_group_without_retention(graph: Graph) -> Iterator[Finding]:
    """Logs are kept forever: a function's log group, or a log group the stack creates, has no `RetentionInDays`.

    ## Why
    Lambda creates the log group `/aws/lambda/<function name>` on first use, with no expiry.
    Logs then accumulate, and are paid for, forever, and the group is left behind when the
    stack is deleted. Declaring the log group in the template with `RetentionInDays` bounds
    both. The same holds for every log group the stack declares itself: API access logs,
    state machine execution logs, application logs.

    ## When it fires
    - A function: its log group is `LoggingConfig.LogGroup`, or an `AWS::Logs::LogGroup` whose
      `LogGroupName` is `/aws/lambda/<function name>` (literal, `Sub`, or CDK's
      `Join ["", ["/aws/lambda/", Ref fn]]`), or CDK's `Custom::LogRetention` for the function,
      and none of them sets `RetentionInDays`; or the template declares no log group for the
      function at all. The finding is on the function.
    - Any other `AWS::Logs::LogGroup` of the stack without `RetentionInDays`. The finding is on
      the log group and names who writes to it: API Gateway stages whose access-log
      `DestinationArn` points at it, state machines whose `LoggingConfiguration` destination
      does.

    ## When it stays silent
    - A matching log group or `Custom::LogRetention` sets `RetentionInDays` (also from a
      parameter, or in one `Fn::If` branch).
    - `LoggingConfig.LogGroup` names a log group outside the template, or the function's name
      or a log group's name cannot be read (it might be the one).
    - An API stage or state machine logs to a destination that is not a log group of the stack
      (a literal ARN, an import): its retention is set where it is created.
    - The function or log group is a CDK framework internal.
    - A function without a log group in the template whose role, all of it readable, grants no
      `logs:CreateLogGroup`: Lambda never creates its log group, so nothing is kept.

    ## Fix
    ```yaml
    OrdersFunctionLogs:
      Type: AWS::Logs::LogGroup
      Properties:
        LogGroupName: !Sub /aws/lambda/${OrdersFunction}
        RetentionInDays: 30
    ```
    In CDK: `logRetention` or a `logGroup` on the function; `new logs.LogGroup(this, 'Logs',
    {retention: logs.RetentionDays.ONE_MONTH})` (CDK sets two years when `retention` is left out).
    """
    groups = log_groups(graph)
    named: set[str] = set()
    for fn in graph.functions():
        found = _candidates(graph, fn, groups)
        if found is None or any(_retention(g) for g in found):
            continue
        name = graph.label(fn.logical_id)
        fix = SAM_FIX.format(fn=fn.source_resource or fn.logical_id) if fn.source_resource else CFN_FIX
        if found:
            named.update(g.logical_id for g in found)
            listed = graph.names(g.logical_id for g in found)
            message = (f"{name} logs to {listed}, which sets no RetentionInDays: its logs are kept, "
                       "and paid for, forever")
            fix = f"Set RetentionInDays on {listed} (e.g. 30)."
        elif not _may_create_log_group(graph, fn):
            continue  # no group is ever created: the function writes no logs (nothing is kept)
        else:
            message = (f"{name} has no log group in the template: Lambda creates /aws/lambda/<function name> "
                       "with no retention: its logs are kept, and paid for, forever")
        yield Finding.at(fn, message, fix=fix, related=list(found),
                         line=fn.prop_line("LoggingConfig") if fn.prop("LoggingConfig") else None)
    yield from _log_groups(graph, named)


def _log_groups(graph: Graph, named: set[str]) -> Iterator[Finding]:
    """Log groups of the stack without retention that no function finding names already."""
    writers = log_writers(graph)
    for group in graph.of_type(LOG_GROUP):
        if group.logical_id in named or _retention(group):
            continue
        name = graph.label(group.logical_id)
        by: list[LogWriter] = writers.get(group.logical_id, [])
        if by:
            what = by[0].what if len(by) == 1 else f"{by[0].what} and {len(by) - 1} more"
            message = f"Log group {name} holds {what} but sets no RetentionInDays: they are kept, and paid for, forever"
        else:
            message = f"Log group {name} sets no RetentionInDays: its logs are kept, and paid for, forever"
        fix = (GROUP_CDK_FIX if group.construct_path else GROUP_FIX)
        yield Finding.at(group, message, fix=fix, related=[w.resource for w in by])
