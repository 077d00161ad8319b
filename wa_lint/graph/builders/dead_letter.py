"""``dead_letter`` edges: an SQS queue → the queue its ``RedrivePolicy`` moves failed messages to.

The policy may be an object or JSON text (a string, ``Fn::Sub``, a CDK-style ``Fn::Join``), and
``deadLetterTargetArn`` a ``GetAtt``, a ``Sub``/``Join`` ARN or a literal ARN naming a queue of the
template by its ``QueueName``; targets outside the template are external nodes. Attribute:
``max_receive_count`` (an int when the template determines it, else None).
"""

from __future__ import annotations

from typing import Any

from wa_lint.graph.builders import builder
from wa_lint.graph.builders.failure import link, redrive_targets
from wa_lint.graph.model import Graph
from wa_lint.graph.statemachine import parse_json_text
from wa_lint.values import integer, intrinsic

QUEUE = "AWS::SQS::Queue"


def max_receive_count(graph: Graph, policy: Any) -> int | None:
    """``maxReceiveCount`` of a redrive policy when the template determines it."""
    fn = intrinsic(policy)
    if fn is not None and fn[0] == "Fn::ToJsonString":
        policy, fn = fn[1], intrinsic(fn[1])
    if fn is not None or isinstance(policy, str):
        doc = parse_json_text(policy, graph.resolver)
        policy = doc if doc is not None else None
    if not isinstance(policy, dict):
        return None
    value = graph.resolver.scalar(policy.get("maxReceiveCount"))
    return integer(value) if isinstance(value, (int, str)) else None


@builder(order=60)
def queue_redrive(graph: Graph) -> None:
    """One edge per queue and dead-letter target (per ``Fn::If`` alternative when they differ)."""
    for queue in graph.of_type(QUEUE, include_internal=True):
        if "RedrivePolicy" not in queue.properties:
            continue
        count = max_receive_count(graph, queue.properties["RedrivePolicy"])
        link(graph, queue.logical_id, queue.logical_id, redrive_targets(graph, queue.properties, queue.condition),
             "dead_letter", queue.condition, max_receive_count=count)
