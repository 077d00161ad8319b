"""The stack's log groups by the name they manage, and who writes to which: a query module for WA505.

Functions find their log group by name (``/aws/lambda/<name>``) or ``LoggingConfig``; the rule
matches them against :func:`log_groups`. Here too are the writers that name their destination by ARN: API Gateway stages
(``AccessLogSetting(s).DestinationArn``) and state machines
(``LoggingConfiguration.Destinations[].CloudWatchLogsLogGroup.LogGroupArn``). A destination that is
not a log group of the stack (a literal ARN, an import, a Firehose stream) is no one's here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from wa_lint.graph.api_stages import api_stages
from wa_lint.graph.builders.invoke_common import each, walk
from wa_lint.graph.model import STATE_MACHINE, Graph
from wa_lint.graph.names import name_text
from wa_lint.model import Resource

LOG_GROUP = "AWS::Logs::LogGroup"
LOG_RETENTION = "Custom::LogRetention"
_MEMO = "wa_lint.log_writers"


@dataclass
class LogGroups:
    """Log groups and CDK ``LogRetention`` resources by logical id and by the name they manage."""

    by_name: dict[str, list[Resource]] = field(default_factory=dict)
    by_id: dict[str, Resource] = field(default_factory=dict)
    unreadable: bool = False  # some log group's name cannot be read: it might be any function's


def log_groups(graph: Graph) -> LogGroups:
    """The stack's log groups (CDK internals included), computed once per graph; a group without
    ``LogGroupName`` has a generated name, so it is no function's default log group."""
    return graph.memo("wa_lint.graph.log_groups", lambda: _find_log_groups(graph))


def _find_log_groups(graph: Graph) -> LogGroups:
    groups = LogGroups()
    for res in graph.of_type(LOG_GROUP, LOG_RETENTION, include_internal=True):
        groups.by_id[res.logical_id] = res
        if res.prop("LogGroupName") is None:
            continue
        name = name_text(graph, res.prop("LogGroupName"))
        if name is None:
            groups.unreadable = True
        else:
            groups.by_name.setdefault(name, []).append(res)
    return groups


@dataclass(frozen=True, slots=True)
class LogWriter:
    """A resource that writes to a log group: ``what`` says how messages name it
    (``access logs of stage prod of Api``, ``execution logs of state machine Flow``)."""

    resource: Resource
    what: str


def log_writers(graph: Graph) -> dict[str, list[LogWriter]]:
    """Log group logical id → the stages and state machines that write to it, computed once."""
    return graph.memo(_MEMO, lambda: _find_log_writers(graph))


def _find_log_writers(graph: Graph) -> dict[str, list[LogWriter]]:
    found: dict[str, list[LogWriter]] = {}

    def add(value: object, writer: LogWriter) -> None:
        group = graph.resource(graph.target(value))
        if group is not None and group.type == LOG_GROUP:
            writers = found.setdefault(group.logical_id, [])
            if all(w.resource is not writer.resource for w in writers):
                writers.append(writer)

    for stage in api_stages(graph):
        api = f" of {graph.label(stage.api)}" if stage.api else ""
        name = stage.name or graph.label(stage.resource.logical_id)
        for _cond, arn in stage.values(stage.access_log_key, "DestinationArn"):
            add(arn, LogWriter(stage.resource, f"access logs of stage {name}{api}"))
    for machine in graph.of_type(STATE_MACHINE):
        what = f"execution logs of state machine {graph.label(machine.logical_id)}"
        for _cond, destinations in walk(machine.properties, ("LoggingConfiguration", "Destinations")):
            for _c, dest in each(destinations):
                for _c2, arn in walk(dest, ("CloudWatchLogsLogGroup", "LogGroupArn")):
                    add(arn, LogWriter(machine, what))
    return found
