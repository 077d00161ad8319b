"""WA109: Task states need Retry or Catch, or one transient error fails the whole execution."""

from __future__ import annotations

from collections.abc import Iterator

from wa_lint.api import (
    STATE_MACHINE,
    Finding,
    Graph,
    Pillar,
    Severity,
    cached_definition,
    fitting,
    rule,
    state_line,
    unhandled_tasks,
)

SHOWN = 5
FIX = ("Add a Retry for transient errors (e.g. Lambda.ServiceException, Lambda.AWSLambdaException, "
       "Lambda.SdkClientException, Lambda.TooManyRequestsException) and a Catch that routes to a "
       "compensating or failure-handling state.")


def _names(states: list[str], shown_at_most: int = SHOWN) -> str:
    shown = states[:shown_at_most]
    more = len(states) - len(shown)
    if more:
        return ", ".join(shown) + f" and {more} more"
    return ", ".join(shown[:-1]) + " and " + shown[-1] if len(shown) > 1 else shown[0]


@rule(
    id="WA109",
    name="state-machine-task-without-error-handling",
    pillar=Pillar.RELIABILITY,
    severity=Severity.WARNING,
    lens="REL 2",
)
def state_machine_task_without_error_handling(graph: Graph) -> Iterator[Finding]:
    """A Task state without Retry or Catch fails the whole execution on its first error.

    ## Why
    Without `Retry`, a throttled or briefly unavailable Lambda function or service call fails
    the Task at once; without `Catch`, that failure ends the execution with no chance to
    compensate (undo earlier steps) or record what went wrong. The Serverless Lens asks for
    failed transactions to be retried and rolled back in the workflow.

    ## When it fires
    A `Task` state of an `AWS::StepFunctions::StateMachine` definition (inline `Definition`,
    `DefinitionString` as a string, `Fn::Sub` or `Fn::Join`, with `DefinitionSubstitutions`,
    or a local SAM `DefinitionUri` file, JSON or YAML) has neither `Retry` nor `Catch`, and no
    enclosing `Parallel` or `Map` state retries or catches its errors. One finding per state
    machine, naming the states.

    ## When it stays silent
    - The definition cannot be read (an S3 location, an `Fn::If` or import, malformed JSON).
    - The Task, or a `Parallel` / `Map` state it is nested in, has a non-empty `Retry` or
      `Catch` (or one the template does not determine).

    ## Fix
    ```yaml
    ChargeCard:
      Type: Task
      Resource: arn:aws:states:::lambda:invoke
      Parameters: {FunctionName: !GetAtt Charge.Arn, Payload.$: $}
      Retry:
        - ErrorEquals: [Lambda.ServiceException, Lambda.AWSLambdaException,
                        Lambda.SdkClientException, Lambda.TooManyRequestsException]
          IntervalSeconds: 2
          MaxAttempts: 6
          BackoffRate: 2
      Catch:
        - ErrorEquals: [States.ALL]
          Next: RefundPayment
      Next: ShipOrder
    ```
    """
    for sm in graph.of_type(STATE_MACHINE):
        definition = cached_definition(graph, sm)
        if definition is None:
            continue
        bare = list(dict.fromkeys(name for name, _state in unhandled_tasks(definition)))
        if not bare:
            continue
        plural = len(bare) > 1
        messages = [
            f"State machine {graph.label(sm.logical_id)}: Task state{'s' if plural else ''} {_names(bare, shown)} "
            f"{'have' if plural else 'has'} neither Retry nor Catch{tail}"
            for shown in range(SHOWN, 0, -1) for tail in (": one transient error fails the whole execution", "")
        ]
        yield Finding.at(
            sm,
            fitting(messages),
            fix=FIX,
            line=state_line(sm, bare[0]) or sm.prop_line("DefinitionString"),
        )
