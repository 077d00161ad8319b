"""``on_failure`` / ``on_success`` edges: where events go when processing fails (or succeeds).

An asynchronously invoked function keeps failed events only through its ``DeadLetterConfig`` or an
``EventInvokeConfig`` ``OnFailure`` destination; stream mappings through their own
``DestinationConfig``; SNS subscriptions, rule targets and schedules through a source-side DLQ.
Destinations under ``Fn::If`` still count, with the edge's ``condition`` saying when.
"""

from __future__ import annotations

import json
from typing import Any

from wa_lint.graph.builders import builder
from wa_lint.graph.builders.invoke_common import (
    ALIAS_TYPES,
    at,
    describe,
    functions_in,
    items,
    scalar,
    service_of,
    walk,
)
from wa_lint.graph.model import FUNCTION, Graph
from wa_lint.model import Resource


def destination_node(graph: Graph, value: Any) -> str | None:
    """The queue, topic, bus, bucket or function a destination ARN names; an external node for
    ARNs outside the template; None when absent."""
    if value is None:
        return None
    found = graph.target(value)
    if found is not None:
        if graph.stack.resources[found].type in ALIAS_TYPES:
            return graph.function_target(value) or found
        return found
    if isinstance(value, str) and value.startswith("kafka://"):
        return graph.external(f"kafka:{value}")
    return graph.external(f"{service_of(graph, value) or 'unknown'}:{describe(graph, value)}")


def _add(graph: Graph, src: str, res: Resource, path: tuple[str, ...], kind: str,
         condition: str | None, **attrs: Any) -> None:
    """Edges ``src`` → each destination at ``path``; one named in every ``Fn::If`` alternative
    is unconditional."""
    alternatives = list(walk(res.properties, path, condition))
    found: dict[str, list[str | None]] = {}
    for cond, value in alternatives:
        node = destination_node(graph, value)
        if node is not None:
            found.setdefault(node, []).append(cond)
    for node, conds in found.items():
        for cond in [condition] if len(conds) == len(alternatives) else conds:
            graph.add_edge(src, node, kind, via=res.logical_id, condition=cond, **attrs)


@builder(order=60)
def function_destinations(graph: Graph) -> None:
    """A function's dead-letter queue and its EventInvokeConfig destinations."""
    for fn in graph.of_type(FUNCTION, include_internal=True):
        _add(graph, fn.logical_id, fn, ("DeadLetterConfig", "TargetArn"), "on_failure", fn.condition,
             mechanism="dead_letter")
    for eic in graph.of_type("AWS::Lambda::EventInvokeConfig", include_internal=True):
        qualifier = scalar(graph, eic.prop("Qualifier"))
        for function, named, cond in functions_in(graph, eic.prop("FunctionName"), eic.condition):
            for kind, key in (("on_failure", "OnFailure"), ("on_success", "OnSuccess")):
                _add(graph, function, eic, ("DestinationConfig", key, "Destination"), kind, cond,
                     mechanism="destination", qualifier=qualifier if qualifier is not None else named)


@builder(order=60)
def mapping_destinations(graph: Graph) -> None:
    """An event source mapping's ``DestinationConfig.OnFailure`` (streams, Kafka)."""
    for esm in graph.of_type("AWS::Lambda::EventSourceMapping", include_internal=True):
        _add(graph, esm.logical_id, esm, ("DestinationConfig", "OnFailure", "Destination"), "on_failure",
             esm.condition, mechanism="destination")


def _redrive_target(value: Any) -> Any:
    """``deadLetterTargetArn`` of an SNS ``RedrivePolicy`` given as an object or a JSON string."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return None
    return value.get("deadLetterTargetArn") if isinstance(value, dict) else None


@builder(order=60)
def source_dead_letters(graph: Graph) -> None:
    """Source-side DLQs: SNS subscription redrive, rule target and schedule ``DeadLetterConfig``;
    these catch events the source could not deliver (WA104 treats such queues as DLQs)."""
    for sub in graph.of_type("AWS::SNS::Subscription", include_internal=True):
        for cond, policy in at(sub, "RedrivePolicy"):
            node = destination_node(graph, _redrive_target(policy))
            if node is not None:
                graph.add_edge(sub.logical_id, node, "on_failure", via=sub.logical_id, condition=cond,
                               mechanism="source_dead_letter")
    for rule in graph.of_type("AWS::Events::Rule", include_internal=True):
        for cond, target in items(rule, "Targets"):
            for cond2, arn in walk(target, ("DeadLetterConfig", "Arn"), cond):
                node = destination_node(graph, arn)
                if node is not None:
                    graph.add_edge(rule.logical_id, node, "on_failure", via=rule.logical_id, condition=cond2,
                                   mechanism="source_dead_letter", target_id=scalar(graph, target.get("Id")))
    for sched in graph.of_type("AWS::Scheduler::Schedule", include_internal=True):
        _add(graph, sched.logical_id, sched, ("Target", "DeadLetterConfig", "Arn"), "on_failure",
             sched.condition, mechanism="source_dead_letter")
