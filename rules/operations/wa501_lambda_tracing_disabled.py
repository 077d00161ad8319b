"""WA501: functions without active X-Ray tracing leave gaps in every distributed trace."""

from __future__ import annotations

from collections.abc import Iterator

from wa_lint.api import Finding, Graph, Pillar, Resource, Severity, rule, walk

SAM_FIX = "Set Tracing: Active on the function, or for every function under Globals: Function: Tracing: Active."
CFN_FIX = "Set TracingConfig: {Mode: Active} (CDK: tracing: lambda.Tracing.ACTIVE)."


def functions(graph: Graph) -> list[Resource]:
    """The functions WA501 judges: all of them but CDK internals."""
    return graph.functions()


@rule(
    id="WA501",
    name="lambda-tracing-disabled",
    pillar=Pillar.OPERATIONS,
    severity=Severity.INFO,
    lens="OPS 1",
    applies_to=functions,
)
def lambda_tracing_disabled(graph: Graph) -> Iterator[Finding]:
    """A function does not record X-Ray traces.

    ## Why
    Distributed tracing shows where a request spends its time and where it fails across API
    Gateway, functions, queues and state machines. With `PassThrough` (or no `TracingConfig`)
    Lambda only forwards a trace header it receives; it samples and records nothing itself, so
    the function is a blind spot in every trace.

    ## When it fires
    A function's `TracingConfig.Mode` is absent or `PassThrough` (SAM `Tracing` and
    `Globals: Function: Tracing` arrive translated as `TracingConfig.Mode`).

    ## When it stays silent
    - `Mode` is `Active`, also when only one `Fn::If` branch sets it.
    - `Mode` cannot be read (a parameter without a default).
    - The function is a CDK framework singleton (log retention, bucket notifications…).

    ## Fix
    ```yaml
    Globals:
      Function:
        Tracing: Active
    ```
    """
    for fn in functions(graph):
        modes = [mode for _cond, mode in walk(fn.properties, ("TracingConfig", "Mode"), fn.condition)]
        resolved = [graph.resolver.scalar(m) if m is not None else None for m in modes]
        if any(not isinstance(m, str) and m is not None for m in resolved):
            continue  # unknown
        if any(isinstance(m, str) and m.lower() == "active" for m in resolved):
            continue
        current = next((m for m in resolved if isinstance(m, str)), None)
        how = f"TracingConfig.Mode is {current}" if current else "it has no TracingConfig"
        yield Finding.at(
            fn,
            f"{graph.label(fn.logical_id)} does not record X-Ray traces ({how}): requests through it "
            "leave a gap in every distributed trace",
            fix=SAM_FIX if fn.source_resource else CFN_FIX,
            line=fn.prop_line("TracingConfig"),
        )
