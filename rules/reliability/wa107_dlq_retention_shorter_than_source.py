"""WA107: a dead-letter queue that keeps messages for less time than its source queue loses them."""

from __future__ import annotations

from collections.abc import Iterator

from wa_lint.api import Finding, Graph, Pillar, Resource, Severity, duration, fitting, number, rule, scalar, shorten

QUEUE = "AWS::SQS::Queue"
DEFAULT_RETENTION = 345600


def _fifo(graph: Graph, queue: Resource) -> bool | None:
    """Whether a queue is FIFO; None when the template does not determine it."""
    value = queue.prop("FifoQueue")
    if value is None:
        name = scalar(graph, queue.prop("QueueName"))
        return isinstance(name, str) and name.endswith(".fifo")
    known = scalar(graph, value)
    if isinstance(known, bool):
        return known
    if isinstance(known, str) and known.lower() in ("true", "false"):
        return known.lower() == "true"
    return None


def _retention(graph: Graph, queue: Resource) -> int | None:
    return number(graph, queue.prop("MessageRetentionPeriod"), DEFAULT_RETENTION)


@rule(
    id="WA107",
    name="dlq-retention-shorter-than-source",
    pillar=Pillar.RELIABILITY,
    severity=Severity.WARNING,
    lens="REL 2",
)
def dlq_retention_shorter_than_source(graph: Graph) -> Iterator[Finding]:
    """A dead-letter queue that keeps messages for less time than its source queue lets them expire unseen.

    ## Why
    When a standard queue moves a message to its dead-letter queue, the message keeps its
    original enqueue time, and the DLQ's retention period counts from it. A message that spent
    three days failing in a source queue that keeps messages for 14 days expires from a DLQ with
    the default 4-day retention one day after it arrived, or at once. AWS recommends a DLQ
    retention longer than the source's.

    ## When it fires
    An `AWS::SQS::Queue` is the dead-letter queue (`RedrivePolicy.deadLetterTargetArn`) of a
    standard source queue whose `MessageRetentionPeriod` is longer than its own (both default
    to 345600 s, 4 days). One finding per dead-letter queue, naming every such source.

    ## When it stays silent
    - Either retention period is unknown (a parameter without default, an `Fn::If` with
      different values), or the dead-letter queue is outside the template.
    - The source queue is FIFO (or may be): FIFO queues reset the enqueue time when they move a
      message to the dead-letter queue.

    ## Fix
    ```yaml
    OrdersDLQ:
      Type: AWS::SQS::Queue
      Properties:
        MessageRetentionPeriod: 1209600   # 14 days, the maximum
    ```
    """
    for dlq in graph.of_type(QUEUE):
        keeps = _retention(graph, dlq)
        if keeps is None:
            continue
        longer: dict[str, tuple[int, str | None]] = {}
        for edge in graph.in_edges(dlq.logical_id, "dead_letter"):
            source = graph.resource(edge.src)
            if source is None or source is dlq or _fifo(graph, source) is not False:
                continue
            retention = _retention(graph, source)
            if retention is not None and retention > keeps:
                longer.setdefault(edge.src, (retention, edge.condition))
        if not longer:
            continue
        most = max(r for r, _c in longer.values())
        named = [f"{shorten(graph.label(src))} ({duration(r)})" for src, (r, _c) in longer.items()]
        sources = " and ".join(named) if len(named) <= 2 else f"{named[0]} and {len(named) - 1} more"
        plural = "s" if len(longer) > 1 else ""
        conditions = {c for _r, c in longer.values()}
        head = (f"Dead-letter queue {shorten(graph.label(dlq.logical_id))} keeps messages {duration(keeps)}, "
                f"less than its source queue{plural} {sources}")
        yield Finding.at(
            dlq,
            fitting((f"{head}: late failures expire unseen", head)),
            fix=f"Set MessageRetentionPeriod of {graph.label(dlq.logical_id)} to at least {most} "
                f"({duration(most)}).",
            related=[r for r in (graph.resource(s) for s in longer) if r is not None],
            line=dlq.prop_line("MessageRetentionPeriod"),
            condition=dlq.condition or (conditions.pop() if len(conditions) == 1 else None),
        )
