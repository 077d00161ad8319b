"""WA504: functions on a runtime AWS has deprecated, or is about to."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from wa_lint.api import Finding, Graph, Pillar, Severity, fitting, rule, runtimes, shorten


@rule(
    id="WA504",
    name="lambda-runtime-deprecated",
    pillar=Pillar.OPERATIONS,
    severity=Severity.ERROR,
    lens="OPS 2",
)
def lambda_runtime_deprecated(graph: Graph) -> Iterator[Finding]:
    """A function runs on a deprecated Lambda runtime, or one deprecated within 90 days.

    ## Why
    When a runtime is deprecated, AWS stops applying security patches to it and stops
    supporting it; soon after, creating functions on it is blocked, and then updating them, so
    a routine deployment fails when it is least convenient. The Serverless Lens asks to review
    the runtime deprecation policy (OPS 2).

    ## When it fires
    The function's `Runtime` (SAM `Runtime` and `Globals`, CDK `runtime`) is listed in the
    lifecycle table that cfn-lint ships (`cfnlint/data/AdditionalSpecs/LmbdRuntimeLifecycle.json`,
    read at run time, never hand-copied) and its deprecation date is today or past (error), or
    within the next 90 days (warning). The message gives the date, what AWS blocks by the table's
    own dates (no new functions from its create-block date, no updates from its update-block date)
    and AWS's suggested successor.

    ## When it stays silent
    - The runtime is not deprecated within 90 days, or the table does not list it (new runtimes,
      custom values) or gives it no deprecation date.
    - `Runtime` cannot be read, or the function is a container image (`PackageType: Image`).
    - The function is a CDK framework singleton (its runtime is the CDK version's choice).

    ## Fix
    ```yaml
    Globals:
      Function:
        Runtime: python3.13
    ```
    """
    for fn in graph.functions():
        runtime = graph.resolver.scalar(fn.prop("Runtime"))
        if not isinstance(runtime, str) or fn.prop("Runtime") is None:
            continue
        found = runtimes.status(runtime)
        if found is None or found[0] == "supported":
            continue
        state, info = found
        successor = f"; AWS suggests {info.successor}" if info.successor else ""
        name = shorten(graph.label(fn.logical_id))
        blocks = _blocks(info, runtimes.today())
        if state == "deprecated":
            head = f"{name} runs on {runtime}, deprecated since {info.deprecated}"
            patches = "no security patches"
        else:
            head = f"{name} runs on {runtime}, which AWS deprecates on {info.deprecated} (within {runtimes.WARN_DAYS} "
            head += "days)"
            patches = "then no security patches"
        effects = [f": {patches}; {blocks}", f": {blocks}", f": {patches}"] if blocks else [f": {patches}"]
        message = fitting([*(f"{head}{effect}{successor}" for effect in effects), f"{head}{successor}"])
        yield Finding.at(
            fn,
            message,
            fix=f"Move the function to {info.successor or 'a supported runtime'} and test it there.",
            severity=Severity.ERROR if state == "deprecated" else Severity.WARNING,
            line=fn.prop_line("Runtime"),
        )


def _blocks(info: runtimes.Lifecycle, today: dt.date) -> str:
    """What AWS blocks, as of ``today``, by the table's own dates (empty when it gives none)."""
    create, update = info.create_block, info.update_block
    if create is not None and create <= today:
        if update is None:
            return "AWS blocks creating functions on it"
        if update <= today:
            return "AWS blocks creating and updating functions on it"
        return f"no new functions on it, and no updates from {update}"
    if create is not None:
        return f"no new functions on it from {create}" + (f", no updates from {update}" if update else "")
    return ""
