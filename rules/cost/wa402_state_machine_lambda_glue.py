"""WA402: a state machine Task invokes a function that only makes one SDK call Step Functions can make."""

from __future__ import annotations

from collections.abc import Iterator

from wa_lint.api import Finding, Graph, Pillar, Severity, glue_functions, rule

from . import _fixes


@rule(
    id="WA402",
    name="state-machine-lambda-glue",
    pillar=Pillar.COST,
    severity=Severity.WARNING,
    lens="COST 1 / PERF 1",
)
def state_machine_lambda_glue(graph: Graph) -> Iterator[Finding]:
    """A state machine Task invokes a function whose only job is one call Step Functions can make itself.

    ## Why
    Step Functions calls AWS services from a Task state: optimized integrations
    (`arn:aws:states:::sqs:sendMessage`, `sns:publish`, `dynamodb:putItem`/`getItem`/
    `updateItem`/`deleteItem`, `events:putEvents`, `states:startExecution`, `lambda:invoke`…) and
    the AWS SDK integration `arn:aws:states:::aws-sdk:<service>:<action>` for almost every other
    API. A function in between only adds a state transition's worth of Lambda cost, a cold start,
    its own retries and code to maintain; the Task's `Parameters` can shape the request.

    ## When it fires
    A function invoked only by one state machine (from one or more Task states, and by nothing
    else) makes exactly one AWS call. The evidence:

    - **graph**: the state machine is its only invoker;
    - **permissions**: apart from logs, X-Ray, VPC networking, KMS, look-ups and delivery to its
      own dead-letter queue or destinations, its role grants one service's action(s) on exactly
      one resource;
    - **code**, when readable (inline `ZipFile`, local SAM `CodeUri`, CDK asset; Python or
      Node.js): the handler makes exactly that one SDK call and otherwise only passes the input
      through (reading fields, building an object, JSON, ids, timestamps, null checks, logging).

    With code evidence any single SDK call counts (the AWS SDK integration covers it) and the
    finding is a warning. Without it, the role must grant a single forwarding action (SQS
    `SendMessage`, SNS `Publish`, Kinesis `PutRecord(s)`, Firehose `PutRecord(Batch)`, Step
    Functions `StartExecution`, EventBridge `PutEvents`, one DynamoDB item action) and the
    finding is info.

    ## When it stays silent
    - The handler code is readable and does more than forward: it branches or compares on data,
      computes, calls another library, HTTP or a second AWS action, defines classes.
    - The function has more than one target (two resources, two services, two actions).
    - Another source also invokes the function (an API, a queue, a second state machine).
    - Its role is outside the template, uses an AWS managed policy other than the basic execution
      ones, `NotAction`/`NotResource`, or grants on `Resource: "*"`.
    - Without readable code: several DynamoDB actions, a VPC function, or an environment naming
      an endpoint, host, database or secret.

    ## Fix
    ```yaml
    SendOrder:                              # in the state machine definition
      Type: Task
      Resource: arn:aws:states:::sqs:sendMessage
      Parameters:
        QueueUrl: ${OrdersQueue}            # DefinitionSubstitutions: {OrdersQueue: !Ref OrdersQueue}
        MessageBody.$: $
      Next: Done
    ```
    Then grant the action to the state machine's role and delete the function.
    """
    for glue in glue_functions(graph).values():
        edge = glue.invoker
        if edge.get("source") != "states":
            continue
        fn = glue.fn
        states = edge.get("states") or ([edge.get("state")] if edge.get("state") else [])
        where = f"Task {', '.join(states)} of " if states else ""
        only = "only" if glue.call is not None else "apparently only"
        message = (
            f"{graph.label(fn.logical_id)} is invoked by {where}{graph.label(edge.src)} {only} to call "
            f"{glue.api_name}{glue.on_target(graph)}: the Task can call it itself"
        )
        fix = (f"Call {glue.api_name} from the Task state, grant the action to the state machine's role and "
               f"delete the function:\n{_fixes.state_task(graph, glue, states[0] if states else None)}")
        related = [r for r in (graph.resource(edge.src), graph.resource(glue.target)) if r is not None]
        yield Finding.at(fn, message, fix=fix, related=[*related, *glue.code_evidence()],
                         severity=None if glue.call is not None else Severity.INFO)
