"""WA108: a queue's visibility timeout must cover the time its consumer function may take."""

from __future__ import annotations

from collections.abc import Iterator

from wa_lint.api import Finding, Graph, Pillar, Severity, number, queue_consumers, rule

DEFAULT_VISIBILITY = 30
DEFAULT_TIMEOUT = 3
FACTOR = 6


@rule(
    id="WA108",
    name="queue-visibility-below-function-timeout",
    pillar=Pillar.RELIABILITY,
    severity=Severity.ERROR,
    lens="REL 2",
)
def queue_visibility_below_function_timeout(graph: Graph) -> Iterator[Finding]:
    """A queue feeding a function hides messages for less time than the function may need.

    ## Why
    Lambda receives a batch from SQS and the messages stay hidden for the queue's visibility
    timeout. If the function may run longer than that, a message becomes visible again while it
    is still being processed and is received a second time. Lambda refuses to create such a
    mapping (`Queue visibility timeout: 30 seconds is less than Function timeout`), so the
    deployment fails, or the problem appears later when only the function's timeout is raised.
    AWS recommends a visibility timeout of at least six times the function timeout, so that
    batches Lambda retries after throttling or errors are not received twice or sent to the
    dead-letter queue early.

    ## When it fires
    An `AWS::SQS::Queue` feeds a function of the template through an event source mapping (also
    SAM `SQS` events and CDK `SqsEventSource`) and its `VisibilityTimeout` (default 30 s) is:
    - below the function's `Timeout` (default 3 s; SAM `Globals` included): error;
    - below six times it: warning.
    With several consumers, the one with the longest timeout counts.

    ## When it stays silent
    - Either value is unknown: a parameter without default, an `Fn::If` with different values,
      a function outside the template.

    ## Fix
    ```yaml
    OrdersQueue:
      Type: AWS::SQS::Queue
      Properties:
        VisibilityTimeout: 360   # six times ProcessOrder's Timeout: 60
    ```
    """
    for queue in graph.of_type("AWS::SQS::Queue"):
        visibility = number(graph, queue.prop("VisibilityTimeout"), DEFAULT_VISIBILITY)
        if visibility is None:
            continue
        timeouts: dict[str, int] = {}
        for edge in queue_consumers(graph, queue):
            fn = graph.resource(edge.dst)
            timeout = number(graph, fn.prop("Timeout"), DEFAULT_TIMEOUT) if fn is not None else None
            if timeout is not None:
                timeouts[edge.dst] = timeout
        if not timeouts:
            continue
        slowest = max(timeouts, key=lambda f: timeouts[f])
        timeout = timeouts[slowest]
        wanted = FACTOR * timeout
        if visibility >= wanted:
            continue
        name, fn_name, fn_res = graph.label(queue.logical_id), graph.label(slowest), graph.resource(slowest)
        if visibility < timeout:
            why = "shorter than the function may run: Lambda refuses to create the mapping"
            severity = Severity.ERROR
        else:
            why = "below the 6 × timeout AWS recommends: retried batches may be processed twice"
            severity = Severity.WARNING
        fix = (f"visibilityTimeout: Duration.seconds({wanted}) on the queue." if queue.construct_path
               else f"Set VisibilityTimeout of {name} to at least {wanted}.")
        yield Finding.at(
            queue,
            f"Queue {name} feeds {fn_name} (timeout {timeout} s) but its visibility timeout is {visibility} s, "
            f"{why}",
            fix=fix,
            related=[fn_res] if fn_res is not None else None,
            severity=severity,
            line=queue.prop_line("VisibilityTimeout"),
        )
