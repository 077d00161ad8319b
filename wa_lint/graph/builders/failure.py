"""``on_failure`` / ``on_success`` edges: where events go when processing fails (or succeeds).

An asynchronously invoked function keeps failed events only through its ``DeadLetterConfig`` or an
``EventInvokeConfig`` ``OnFailure`` destination; stream mappings through their own
``DestinationConfig``; SNS subscriptions, rule targets, schedules and pipes through a source-side
DLQ; IoT rules through their ``ErrorAction``. Destinations under ``Fn::If`` still count, with the
edge's ``condition`` saying when; one named in every alternative is unconditional.

Edge attributes: ``mechanism`` (``dead_letter``, ``destination``, ``source_dead_letter``,
``error_action``), ``qualifier`` for ``EventInvokeConfig`` edges, ``target_id`` for rule targets.
"""

from __future__ import annotations

from typing import Any

from wa_lint.graph.builders import builder
from wa_lint.graph.builders.invoke_common import (
    ALIAS_TYPES,
    describe,
    functions_in,
    has_unknown,
    items,
    scalar,
    service_of,
    text,
    walk,
)
from wa_lint.graph.model import FUNCTION, Graph
from wa_lint.graph.statemachine import parse_json_text
from wa_lint.model import Resource
from wa_lint.values import intrinsic

#: Resource types a destination ARN may name by its literal name, and the property holding it.
NAMED_TYPES = {"sqs": ("AWS::SQS::Queue", "QueueName"), "sns": ("AWS::SNS::Topic", "TopicName")}

Alternatives = list[tuple[str | None, Any]]


def by_name(graph: Graph, value: Any) -> str | None:
    """The queue or topic a literal ARN names (``arn:…:sqs:…:orders-dlq``) when the template
    gives that resource the same ``QueueName`` / ``TopicName``."""
    service = service_of(graph, value)
    if service not in NAMED_TYPES:
        return None
    names = graph.memo("wa_lint.graph.builders.failure.named", lambda: _named(graph))
    name = text(graph, value).rsplit(":", 1)[-1]
    return names.get((service, name)) if name and not has_unknown(name) else None


def _named(graph: Graph) -> dict[tuple[str, str], str]:
    """(service, literal queue or topic name) → logical id."""
    names: dict[tuple[str, str], str] = {}
    for svc, (rtype, prop) in NAMED_TYPES.items():
        for res in graph.of_type(rtype, include_internal=True):
            name = scalar(graph, res.prop(prop))
            if isinstance(name, str) and name:
                names.setdefault((svc, name), res.logical_id)
    return names


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
    named = by_name(graph, value)
    if named is not None:
        return named
    if isinstance(value, str) and value.startswith("kafka://"):
        return graph.external(f"kafka:{value}")
    return graph.external(f"{service_of(graph, value) or 'unknown'}:{describe(graph, value)}")


def link(graph: Graph, src: str, via: str, alternatives: Alternatives, kind: str, condition: str | None,
         **attrs: Any) -> None:
    """Edges ``src`` → each destination among ``alternatives`` (``(condition, value)`` pairs, None
    where absent); a destination named in every alternative gets only ``condition``."""
    found: dict[str, list[str | None]] = {}
    for cond, value in alternatives:
        node = destination_node(graph, value)
        if node is not None:
            found.setdefault(node, []).append(cond)
    for node, conds in found.items():
        for cond in [condition] if len(conds) == len(alternatives) else dict.fromkeys(conds):
            graph.add_edge(src, node, kind, via=via, condition=cond, **attrs)


def _add(graph: Graph, src: str, res: Resource, path: tuple[str, ...], kind: str,
         condition: str | None, **attrs: Any) -> None:
    link(graph, src, res.logical_id, list(walk(res.properties, path, condition)), kind, condition, **attrs)


def redrive_targets(graph: Graph, container: Any, condition: str | None) -> Alternatives:
    """Each alternative of ``RedrivePolicy.deadLetterTargetArn`` below ``container`` (a resource's
    properties), whether the policy is an object, a JSON string, an ``Fn::Sub`` / ``Fn::Join``
    JSON text or ``Fn::ToJsonString``; None where there is no policy or it cannot be read."""
    found: Alternatives = []
    for cond, policy in walk(container, ("RedrivePolicy",), condition):
        fn = intrinsic(policy)
        if fn is not None and fn[0] == "Fn::ToJsonString":
            policy, fn = fn[1], intrinsic(fn[1])
        if isinstance(policy, dict) and fn is None:
            found.extend(walk(policy, ("deadLetterTargetArn",), cond))
        elif policy is None:
            found.append((cond, None))
        else:
            found.append((cond, _arn_in_text(graph, policy)))
    return found


def _arn_in_text(graph: Graph, policy: Any) -> Any:
    doc = parse_json_text(policy, graph.resolver)
    if doc is not None:
        return doc.value(doc.get("deadLetterTargetArn"))
    node = graph.target(policy)  # unparseable text naming exactly one resource
    return {"Ref": node} if node is not None else None


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


@builder(order=60)
def source_dead_letters(graph: Graph) -> None:
    """Source-side DLQs: SNS subscription redrive, rule target, schedule and pipe
    ``DeadLetterConfig``; these catch events the source could not deliver (WA104 treats such
    queues as DLQs)."""
    for sub in graph.of_type("AWS::SNS::Subscription", include_internal=True):
        link(graph, sub.logical_id, sub.logical_id, redrive_targets(graph, sub.properties, sub.condition),
             "on_failure", sub.condition, mechanism="source_dead_letter")
    for rule in graph.of_type("AWS::Events::Rule", include_internal=True):
        for cond, target in items(rule, "Targets"):
            link(graph, rule.logical_id, rule.logical_id, list(walk(target, ("DeadLetterConfig", "Arn"), cond)),
                 "on_failure", cond, mechanism="source_dead_letter", target_id=scalar(graph, target.get("Id")))
    for sched in graph.of_type("AWS::Scheduler::Schedule", include_internal=True):
        _add(graph, sched.logical_id, sched, ("Target", "DeadLetterConfig", "Arn"), "on_failure",
             sched.condition, mechanism="source_dead_letter")
    for pipe in graph.of_type("AWS::Pipes::Pipe", include_internal=True):
        for key in ("KinesisStreamParameters", "DynamoDBStreamParameters"):
            _add(graph, pipe.logical_id, pipe, ("SourceParameters", key, "DeadLetterConfig", "Arn"),
                 "on_failure", pipe.condition, mechanism="source_dead_letter")


@builder(order=60)
def iot_error_actions(graph: Graph) -> None:
    """An IoT rule's ``ErrorAction`` queue or topic receives the messages its actions failed on."""
    for rule in graph.of_type("AWS::IoT::TopicRule", include_internal=True):
        for cond, action in walk(rule.properties, ("TopicRulePayload", "ErrorAction"), rule.condition):
            if not isinstance(action, dict):
                continue
            for service, key in (("Sqs", "QueueUrl"), ("Sns", "TargetArn")):
                link(graph, rule.logical_id, rule.logical_id, list(walk(action, (service, key), cond)),
                     "on_failure", cond, mechanism="error_action")
