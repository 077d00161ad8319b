"""WA503: state machines that log nothing, which for Express workflows means no history at all."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from wa_lint.api import Finding, Graph, Pillar, Severity, fitting, rule, shorten, walk

SAM_FIX = ("Add Logging: {Level: ERROR (or ALL), IncludeExecutionData: false, Destinations: "
           "[{CloudWatchLogsLogGroup: {LogGroupArn: !GetAtt Logs.Arn}}]} to the state machine.")
CFN_FIX = ("Add LoggingConfiguration: {Level: ERROR (or ALL), Destinations: [{CloudWatchLogsLogGroup: "
           "{LogGroupArn: <log group ARN>}}]} (CDK: logs: {destination, level}).")


def _level(graph: Graph, config: Any) -> str | None:
    """``absent``, ``unset`` (``Level`` left out: OFF), the level, or None when it cannot be read."""
    if config is None:
        return "absent"
    if not isinstance(config, dict):
        return None
    if "Level" not in config:
        return "unset"
    level = graph.resolver.scalar(config["Level"])
    return level.upper() if isinstance(level, str) else None


@rule(
    id="WA503",
    name="state-machine-without-logging",
    pillar=Pillar.OPERATIONS,
    severity=Severity.WARNING,
    lens="OPS 1",
)
def state_machine_without_logging(graph: Graph) -> Iterator[Finding]:
    """A state machine sends no execution logs to CloudWatch Logs.

    ## Why
    Execution logs say which state failed, with which error and input, and let alarms and
    Logs Insights queries see failures across executions. Standard workflows keep a 90-day
    execution history in the console, but Express workflows keep none: without logging, a
    failed Express execution leaves no trace at all.

    ## When it fires
    An `AWS::StepFunctions::StateMachine` (also SAM `AWS::Serverless::StateMachine` `Logging`,
    CDK `logs`) has no `LoggingConfiguration`, or its `Level` is `OFF` (the default when
    `Level` is left out). The message says when the workflow is `EXPRESS`.

    ## When it stays silent
    - `Level` is `ALL`, `ERROR` or `FATAL`, also when only one `Fn::If` branch sets it.
    - `Level` cannot be read (a parameter without a default).

    ## Fix
    ```yaml
    Workflow:
      Type: AWS::Serverless::StateMachine
      Properties:
        Type: EXPRESS
        Logging:
          Level: ALL
          IncludeExecutionData: false
          Destinations:
            - CloudWatchLogsLogGroup: {LogGroupArn: !GetAtt WorkflowLogs.Arn}
    ```
    """
    for sm in graph.of_type("AWS::StepFunctions::StateMachine"):
        configs = [c for _cond, c in walk(sm.properties, ("LoggingConfiguration",), sm.condition)]
        levels = [_level(graph, config) for config in configs]
        if any(level is None or level not in ("absent", "unset", "OFF") for level in levels):
            continue  # logging in some branch, or unknown
        kind = graph.resolver.scalar(sm.prop("StateMachineType"))
        express = isinstance(kind, str) and kind.upper() == "EXPRESS"
        how = ("it has no LoggingConfiguration" if "absent" in levels
               else "its LoggingConfiguration sets no Level, which means OFF" if "unset" in levels
               else "its LoggingConfiguration.Level is OFF")
        consequence = ("an Express workflow keeps no history, so failures leave no trace" if express else
                       "failures are seen only in the console's execution history")
        name = shorten(graph.label(sm.logical_id))
        yield Finding.at(
            sm,
            fitting((f"{name} sends no execution logs to CloudWatch Logs ({how}): {consequence}",
                     f"{'Express workflow ' if express else ''}{name} sends no execution logs to CloudWatch Logs "
                     f"({how})")),
            fix=SAM_FIX if sm.source_resource else CFN_FIX,
            line=sm.prop_line("LoggingConfiguration"),
        )
