"""WA505: function logs kept forever, because no log group with a retention is declared."""

from __future__ import annotations

import weakref
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from wa_lint.api import Finding, Graph, Pillar, Resource, Severity, rule
from wa_lint.values import SUB_VARIABLE, intrinsic, sub_parts

PREFIX = "/aws/lambda/"
LOG_GROUP = "AWS::Logs::LogGroup"
LOG_RETENTION = "Custom::LogRetention"
SAM_FIX = ("Declare an AWS::Logs::LogGroup with LogGroupName: !Sub /aws/lambda/${{{fn}}} and RetentionInDays "
           "(or LoggingConfig.LogGroup naming one).")
CFN_FIX = ("Declare an AWS::Logs::LogGroup named /aws/lambda/<function name> with RetentionInDays, or point "
           "LoggingConfig.LogGroup at one (CDK: logRetention or logGroup).")


def render(graph: Graph, value: Any, depth: int = 0) -> str | None:
    """A name as text, with what the template leaves open written ``${X}`` (a function's
    ``Ref`` is its name, so ``${Fn}`` stands for it) so both sides of a comparison agree;
    None when the value has parts that cannot be written that way."""
    if depth > 20:
        return None
    if isinstance(value, (str, int)) and not isinstance(value, bool):
        return str(value)
    fn = intrinsic(value)
    if fn is None:
        return None
    name, arg = fn
    if name == "Ref" and isinstance(arg, str):
        known = graph.resolver.scalar(value)
        return str(known) if isinstance(known, (str, int)) and not isinstance(known, bool) else f"${{{arg}}}"
    if name == "Fn::Join" and isinstance(arg, list) and len(arg) == 2 and isinstance(arg[1], list):
        parts = [render(graph, item, depth + 1) for item in arg[1]]
        return None if any(p is None for p in parts) or not isinstance(arg[0], str) else arg[0].join(
            p for p in parts if p is not None)
    if name == "Fn::Sub":
        parts_ = sub_parts(arg)
        if parts_ is None:
            return None
        template, variables = parts_
        failed = False

        def var(m: Any) -> str:
            nonlocal failed
            key = m.group(1).strip()
            text = render(graph, variables.get(key, {"Ref": key}), depth + 1)
            failed = failed or text is None or "." in key
            return text or ""

        result = SUB_VARIABLE.sub(var, template)
        return None if failed else result
    known = graph.resolver.scalar(value)
    return known if isinstance(known, str) else None


@dataclass
class Groups:
    """Log groups and LogRetention resources by the name they manage."""

    by_name: dict[str, list[Resource]] = field(default_factory=dict)
    by_id: dict[str, Resource] = field(default_factory=dict)
    unreadable: bool = False  # some log group's name cannot be read: it might be any function's


_cache: weakref.WeakKeyDictionary[Graph, Groups] = weakref.WeakKeyDictionary()


def _groups(graph: Graph) -> Groups:
    groups = _cache.get(graph)
    if groups is not None:
        return groups
    groups = Groups()
    for res in graph.of_type(LOG_GROUP, LOG_RETENTION, include_internal=True):
        groups.by_id[res.logical_id] = res
        if res.prop("LogGroupName") is None:
            continue  # a generated name is no function's default log group
        name = render(graph, res.prop("LogGroupName"))
        if name is None:
            groups.unreadable = True
        else:
            groups.by_name.setdefault(name, []).append(res)
    _cache[graph] = groups
    return groups


def _candidates(graph: Graph, fn: Resource, groups: Groups) -> list[Resource] | None:
    """The log groups that hold the function's logs; None when the template cannot tell."""
    configured = fn.prop("LoggingConfig", "LogGroup")
    if configured is not None:
        target = graph.target(configured)
        if target in groups.by_id:
            return [groups.by_id[target]]
        name = render(graph, configured)
        found = groups.by_name.get(name) if name is not None else None
        return found or None  # a log group outside the template
    names = {f"{PREFIX}${{{fn.logical_id}}}"}
    if fn.prop("FunctionName") is not None:
        own = render(graph, fn.prop("FunctionName"))
        if own is None:
            return None
        names.add(PREFIX + own)
    found = [g for n in names for g in groups.by_name.get(n, [])]
    if not found and groups.unreadable:
        return None
    return found


def _retention(graph: Graph, group: Resource) -> bool:
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
    """A function's logs are kept forever: no log group with `RetentionInDays` holds them.

    ## Why
    Lambda creates the log group `/aws/lambda/<function name>` on first use, with no expiry.
    Logs then accumulate, and are paid for, forever, and the group is left behind when the
    stack is deleted. Declaring the log group in the template with `RetentionInDays` bounds
    both.

    ## When it fires
    The function's log group is `LoggingConfig.LogGroup`, or an `AWS::Logs::LogGroup` whose
    `LogGroupName` is `/aws/lambda/<function name>` (literal, `Sub`, or CDK's
    `Join ["", ["/aws/lambda/", Ref fn]]`), or CDK's `Custom::LogRetention` for the function,
    and none of them sets `RetentionInDays`; or the template declares no log group for the
    function at all.

    ## When it stays silent
    - A matching log group or `Custom::LogRetention` sets `RetentionInDays` (also from a
      parameter).
    - `LoggingConfig.LogGroup` names a log group outside the template, or the function's name
      or a log group's name cannot be read (it might be the one).
    - The function is a CDK framework singleton.

    ## Fix
    ```yaml
    OrdersFunctionLogs:
      Type: AWS::Logs::LogGroup
      Properties:
        LogGroupName: !Sub /aws/lambda/${OrdersFunction}
        RetentionInDays: 30
    ```
    """
    groups = _groups(graph)
    for fn in graph.functions():
        found = _candidates(graph, fn, groups)
        if found is None or any(_retention(graph, g) for g in found):
            continue
        name = graph.label(fn.logical_id)
        fix = SAM_FIX.format(fn=fn.source_resource or fn.logical_id) if fn.source_resource else CFN_FIX
        if found:
            listed = graph.names(g.logical_id for g in found)
            message = (f"{name} logs to {listed}, which sets no RetentionInDays: its logs are kept, "
                       "and paid for, forever")
            fix = f"Set RetentionInDays on {listed} (e.g. 30)."
        else:
            message = (f"{name} has no log group in the template: Lambda creates /aws/lambda/<function name> "
                       "on first use with no retention, so its logs are kept, and paid for, forever")
        yield Finding.at(fn, message, fix=fix, related=list(found),
                         line=fn.prop_line("LoggingConfig") if fn.prop("LoggingConfig") else None)
