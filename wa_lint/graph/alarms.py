"""Which CloudWatch alarms watch the depth of which SQS queue: a query module for WA110.

An alarm watches a queue's depth when it (or one of its metric-math ``Metrics``) reads
``AWS/SQS`` ``ApproximateNumberOfMessagesVisible`` with a ``QueueName`` dimension that resolves to
the queue: ``GetAtt Queue.QueueName``, or text equal to the queue's ``QueueName`` (literal,
``Sub``, ``Join``; what the template leaves open is compared as ``${X}``).

The answer has three values: the alarms that watch the queue, none, or "cannot tell" (None),
when some alarm's dimension cannot be resolved or the queue's name cannot be read while literal
names are in play. :class:`DepthAlarms` is built per stack today; linking stacks of one run
(exports, nested stacks) means merging the indexes of its stacks, which the class allows
(:meth:`DepthAlarms.merge`) without changing the rule.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from wa_lint.graph.builders.invoke_common import each, walk
from wa_lint.graph.model import Graph
from wa_lint.graph.names import name_text
from wa_lint.model import Resource, Unknown

ALARM, QUEUE = "AWS::CloudWatch::Alarm", "AWS::SQS::Queue"
NAMESPACE, DEPTH_METRIC, DIMENSION = "AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName"
_MEMO = "wa_lint.depth_alarms"


@dataclass
class DepthAlarms:
    """SQS depth alarms by the queue (logical id) or queue name they watch, and the alarms whose
    queue cannot be resolved."""

    by_queue: dict[str, list[Resource]] = field(default_factory=dict)
    by_name: dict[str, list[Resource]] = field(default_factory=dict)
    unresolved: list[Resource] = field(default_factory=list)

    def merge(self, other: DepthAlarms) -> None:
        """Add another stack's alarms (names only: logical ids are per stack)."""
        for name, alarms in other.by_name.items():
            self.by_name.setdefault(name, []).extend(alarms)
        self.unresolved.extend(other.unresolved)

    @property
    def any(self) -> bool:
        return bool(self.by_queue or self.by_name or self.unresolved)

    def watching(self, graph: Graph, queue: Resource) -> list[Resource] | None:
        """The alarms on ``queue``'s depth; None when the template cannot tell."""
        declared = queue.prop("QueueName")
        name = name_text(graph, declared) if declared is not None else None
        found = [*self.by_queue.get(queue.logical_id, ()), *(self.by_name.get(name, ()) if name else ())]
        if found:
            return list(dict.fromkeys(found))
        if self.unresolved:
            return None  # an alarm whose queue cannot be resolved may watch this one
        if name is None and self.by_name:
            return None  # a literal name may be this queue's (generated or unreadable) name
        return []


def depth_alarms(graph: Graph) -> DepthAlarms:
    """The stack's SQS depth alarms, computed once per graph."""
    return graph.memo(_MEMO, lambda: _find_depth_alarms(graph))


def _find_depth_alarms(graph: Graph) -> DepthAlarms:
    found = DepthAlarms()
    for alarm in graph.of_type(ALARM, include_internal=True):
        for dimension in _depth_dimensions(graph, alarm):
            _index(graph, found, alarm, dimension)
    return found


def _index(graph: Graph, index: DepthAlarms, alarm: Resource, value: Any) -> None:
    queue = graph.resource(graph.target(value))
    if queue is not None:
        if queue.type == QUEUE:
            index.by_queue.setdefault(queue.logical_id, []).append(alarm)
        else:
            index.unresolved.append(alarm)
        return
    name = name_text(graph, value)
    if name is None:
        index.unresolved.append(alarm)
    else:
        index.by_name.setdefault(name, []).append(alarm)


def _depth_dimensions(graph: Graph, alarm: Resource) -> Iterator[Any]:
    """The ``QueueName`` dimension values of the depth metrics an alarm reads, directly or in
    metric math; a metric whose namespace or name the template leaves open counts."""
    metrics: list[dict[str, Any]] = [alarm.properties]
    for _cond, entries in walk(alarm.properties, ("Metrics",), alarm.condition):
        for _c, entry in each(entries):
            for _c2, metric in walk(entry, ("MetricStat", "Metric")):
                if isinstance(metric, dict):
                    metrics.append(metric)
    for metric in metrics:
        if not (_may_be(graph, metric.get("Namespace"), NAMESPACE)
                and _may_be(graph, metric.get("MetricName"), DEPTH_METRIC)):
            continue
        for _c, dimension in each(metric.get("Dimensions")):
            if graph.resolver.scalar(dimension.get("Name")) == DIMENSION and dimension.get("Value") is not None:
                yield dimension["Value"]


def _may_be(graph: Graph, value: Any, expected: str) -> bool:
    if value is None:
        return False
    known = graph.resolver.scalar(value)
    return isinstance(known, Unknown) or known == expected
